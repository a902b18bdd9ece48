"""`extractor run DIR --executor ray` end to end, on this module's Ray instance.

Active once `extractor run` has the --executor option (the command-line wiring is the
lead's; until then this test is skipped and says so)."""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import cli
from tests.distributed.ray_required import import_ray

ray = import_ray()
ROOT = Path(__file__).resolve().parents[2]
WIRED = "executor" in inspect.signature(cli.run).parameters
pytestmark = [
    pytest.mark.usefixtures("ray_session"),
    pytest.mark.skipif(not WIRED, reason="extractor run has no --executor yet"),
]


def test_run_with_the_ray_executor_writes_outputs_and_the_report(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted((ROOT / "golden" / "docs").glob("*.txt"))[:3]:
        shutil.copy(path, folder / path.name)
    out = tmp_path / "out"
    args = ["run", str(folder), "--out", str(out), "--executor", "ray", "--ocr-workers", "2"]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("0*.json"))) == 3
    report = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert report["options"]["executor"] == "ray" and report["totals"]["ok"] == 3
    again = CliRunner().invoke(cli.app, args)
    assert again.exit_code == 0 and "已是最新，跳过" in again.output


def test_ray_options_are_refused_without_the_ray_executor(tmp_path: Path) -> None:
    args = ["run", str(ROOT / "golden" / "docs"), "--out", str(tmp_path), "--ocr-workers", "2"]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 2
