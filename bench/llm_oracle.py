"""The LLM path with perfect answers: field F1 of `llm`, `hybrid` and `rules` on the
golden files when a local server answers every form request with the golden records of
that chunk (`tests/llm/oracle.py`). What is lost here is lost after the model: requests,
parts, conversion, grounding, merge.

    python bench/llm_oracle.py [--golden golden]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eval.harness import evaluate  # noqa: E402
from tests.llm.fake_server import FakeOpenAI  # noqa: E402
from tests.llm.oracle import Oracle, oracle_answers, oracle_config  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--golden", type=Path, default=ROOT / "golden")
    parser.add_argument("--worst", type=int, default=12)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI() as server:
        config = oracle_config(server, Path(tmp) / "cache", no_cache=True)
        oracle = Oracle(oracle_answers(args.golden, config))
        server.default = oracle
        reports = {}
        for backend in ("rules", "llm", "hybrid"):
            started = time.monotonic()
            reports[backend] = evaluate(args.golden, backend=backend, llm=config)
            seconds = time.monotonic() - started
            print(f"{backend:7s} field F1 {reports[backend].overall.f1:.4f}  ({seconds:.1f} s)")
        print("per document (rules / llm / hybrid):")
        for doc in reports["rules"].documents:
            row = [reports[b].document(doc.doc_id).counts.f1 for b in ("rules", "llm", "hybrid")]
            print(f"  {doc.doc_id}  " + " / ".join(f"{f:.3f}" for f in row))
        print(f"requests without an oracle answer: {oracle.unknown}")
        for backend in ("llm", "hybrid"):
            print(f"worst {backend} mismatches:")
            for m in reports[backend].mismatches[: args.worst]:
                print(f"  {m.doc_id[:3]} {m.kind} {m.path}: {m.expected!r} → {m.found!r}")


if __name__ == "__main__":
    main()
