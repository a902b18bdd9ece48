"""Files that ship with the package: prompt templates and JSON schemas.

In a checkout they live in the top-level `prompts/` and `schemas/` folders; an installed
wheel carries them inside the package as `extractor/prompts` and `extractor/schemas`
(see `[tool.setuptools.package-dir]` in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE.parent


def resource_dir(name: str) -> Path:
    """The folder of `name` ("prompts" or "schemas"), in a checkout or an install."""
    local = _REPO_ROOT / name
    if local.is_dir() and (_REPO_ROOT / "pyproject.toml").exists():
        return local
    return _PACKAGE / name
