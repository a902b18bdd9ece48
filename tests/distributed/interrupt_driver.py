"""A driver process for the Ctrl-C test: joins the test's Ray instance, runs a batch
whose `*_slow*` documents take long, exits with the run's exit code.

    python -m tests.distributed.interrupt_driver GCS_ADDRESS IN_DIR OUT_DIR PID_DIR
"""

from __future__ import annotations

import functools
import signal
import sys
from pathlib import Path

from rich.console import Console

from extractor.batch import BatchOptions
from extractor.distributed import RayOptions
from extractor.distributed.runner import run_batch_ray
from tests.distributed.helpers import slow_processor


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in background
    address, inputs, out, pids = argv
    files = sorted(Path(inputs).iterdir())
    processor = functools.partial(slow_processor, seconds=60.0, pid_dir=pids)
    report = run_batch_ray(
        files,
        BatchOptions(out_dir=Path(out)),
        RayOptions(address=address, ocr_workers=2, warm_up=False, processor=processor),
        Console(width=200),
    )
    return report.exit_code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
