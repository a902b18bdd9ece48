"""Read and write a record field by its flag path ("funding[0].budget", "total.score")."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

_STEP = re.compile(r"^(\w+)(?:\[(\d+)\])?$")


def _steps(path: str) -> list[tuple[str, int | None]]:
    steps = []
    for part in path.split("."):
        match = _STEP.match(part)
        if match is None:
            raise ValueError(f"bad path {path!r}")
        steps.append((match.group(1), int(match.group(2)) if match.group(2) is not None else None))
    return steps


def get_path(record: BaseModel, path: str) -> Any:
    current: Any = record
    for name, index in _steps(path):
        current = getattr(current, name)
        if index is not None:
            current = current[index]
    return current


def set_path(record: BaseModel, path: str, value: Any) -> None:
    steps = _steps(path)
    current: Any = record
    for name, index in steps[:-1]:
        current = getattr(current, name)
        if index is not None:
            current = current[index]
    name, index = steps[-1]
    if index is None:
        setattr(current, name, value)
    else:
        getattr(current, name)[index] = value
