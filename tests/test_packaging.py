"""Every code package is listed in pyproject.toml, so `pip install .` ships it."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_all_packages_listed() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for top in ("extractor", "eval")
        for p in (ROOT / top).rglob("__init__.py")
    }
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"
