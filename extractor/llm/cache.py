"""A disk cache of validated answers, one JSON file per call, keyed by
`RequestBuilder.key` (model, prompt hash, schema hash, chunk text). Writes are atomic."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from extractor.llm.usage import Usage


class CacheEntry(BaseModel):
    key: str
    kind: str
    model: str | None = None
    answer: dict[str, Any]
    usage: Usage = Usage()
    source: Literal["live", "batch"] = "live"
    reported: bool = False  # a batch answer's cost was counted by the run that first used it
    created: str = ""


class DiskCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> CacheEntry | None:
        path = self.path(key)
        try:
            return CacheEntry.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValidationError, json.JSONDecodeError):
            return None  # a damaged entry is a miss; it is overwritten on the next put

    def put(self, entry: CacheEntry) -> Path:
        if not entry.created:
            entry = entry.model_copy(
                update={"created": datetime.now(UTC).isoformat(timespec="seconds")}
            )
        target = self.path(entry.key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(entry.model_dump_json())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()
