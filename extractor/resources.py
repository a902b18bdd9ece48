"""Files that ship with the package: prompt templates and JSON schemas.

In a checkout they live in the top-level `prompts/` and `schemas/` folders; an installed
wheel carries them as the `extractor.prompts` / `extractor.schemas` package data.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    """The folder of `name` ("prompts" or "schemas"), in a checkout or an install."""
    local = _REPO_ROOT / name
    if local.is_dir() and (_REPO_ROOT / "pyproject.toml").exists():
        return local
    try:
        return Path(str(resources.files(f"extractor.{name}")))
    except ModuleNotFoundError:
        return local
