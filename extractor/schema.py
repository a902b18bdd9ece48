"""JSON Schema of the output contract, generated from the pydantic models.

The checked-in files under `schemas/` must equal what `generate()` returns; a test
keeps them in sync and `extractor schema --write` regenerates them.
"""

from __future__ import annotations

import json
from pathlib import Path

from extractor.models import DocumentResult, GoldenDocument
from extractor.resources import resource_dir

SCHEMAS = {
    "result.schema.json": DocumentResult,
    "golden.schema.json": GoldenDocument,
}


def generate() -> dict[str, str]:
    """File name → schema text."""
    out: dict[str, str] = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out


def write(directory: Path | None = None) -> list[Path]:
    directory = directory or resource_dir("schemas")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def load(name: str = "result.schema.json") -> dict:
    return json.loads((resource_dir("schemas") / name).read_text(encoding="utf-8"))
