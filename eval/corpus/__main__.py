"""`python -m eval.corpus build [--root golden] [--family NAME …]` writes the corpus;
`python -m eval.corpus check` regenerates it in memory and reports any difference."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eval.corpus.build import DEFAULT_ROOT, build, check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.corpus")
    parser.add_argument("command", choices=("build", "check"))
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the golden folder")
    parser.add_argument("--family", action="append", default=[], help="build only these")
    args = parser.parse_args(argv)
    if args.command == "build":
        written = build(args.root, only=args.family)
        print(f"{len(written)} golden files written under {args.root}")
        return 0
    problems = check(args.root)
    for problem in problems:
        print(problem)
    print("corpus up to date" if not problems else f"{len(problems)} difference(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
