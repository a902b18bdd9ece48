"""Field paths inside a project ("indicators[3].score", "funding[0].execution_rate",
"total.weight", "name"): their kind, Chinese label, reading, writing and the
validation of a reviewer's input.

Flags whose path is not a field ("narrative", "projects") get a *target* that also
names their place in the source ("narrative@1:18404"), so each can be decided alone.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from extractor.errors import ExtractorError
from extractor.models import FUNDING_NUMBER_FIELDS, Flag
from extractor.normalize import parse_number, parse_value

FieldKind = Literal["number", "integer", "value", "text", "op", "none"]

_ITEM = re.compile(r"^(funding|indicators|subtotals)\[(\d+)\]\.([a-z_0-9]+)$")
_TOTAL = re.compile(r"^total\.(weight|score)$")

PROJECT_FIELDS: dict[str, FieldKind] = {
    "name": "text",
    "year": "integer",
    "department": "text",
    "implementer": "text",
}
FUNDING_FIELDS: dict[str, FieldKind] = {
    "source": "text",
    "unit": "text",
    **{name: "number" for name in FUNDING_NUMBER_FIELDS},
}
INDICATOR_FIELDS: dict[str, FieldKind] = {
    "group": "text",
    "level1": "text",
    "level2": "text",
    "name": "text",
    "nature": "op",
    "target": "value",
    "actual": "value",
    "weight": "number",
    "score": "number",
    "deviation_reason": "text",
}
SUBTOTAL_FIELDS: dict[str, FieldKind] = {"level1": "text", "weight": "number", "score": "number"}
_COLLECTIONS: dict[str, dict[str, FieldKind]] = {
    "funding": FUNDING_FIELDS,
    "indicators": INDICATOR_FIELDS,
    "subtotals": SUBTOTAL_FIELDS,
}
# Text fields that must not be emptied.
_REQUIRED_TEXT = {"name", "level1", "source", "unit"}
OPS = ("≥", "≤", "=", ">", "<")
MAX_INPUT = 500  # characters of one cell a reviewer may type
_EMPTY_WORDS = {"—", "-", "－", "空", "无"}

FIELD_NAMES: dict[str, str] = {
    "name": "名称",
    "year": "年度",
    "department": "主管部门",
    "implementer": "实施单位",
    "source": "资金来源",
    "unit": "单位",
    "initial_budget": "年初预算数",
    "budget": "全年预算数",
    "carried_in": "上年结转金额",
    "received": "实际到位金额",
    "received_rate": "到位率(%)",
    "executed": "全年执行数",
    "execution_rate": "执行率(%)",
    "balance": "结余结转金额",
    "weight": "分值",
    "score": "得分",
    "group": "分组",
    "level1": "一级指标",
    "level2": "二级指标",
    "nature": "指标性质",
    "target": "目标值",
    "actual": "实际值",
    "deviation_reason": "偏差原因",
}
FUNDING_SOURCES: dict[str, str] = {
    "total": "年度资金总额",
    "fiscal": "其中：本年财政拨款",
    "carryover": "上年结转资金",
    "other": "其他资金",
}
NON_FIELD_PATHS: dict[str, str] = {
    "narrative": "正文",
    "projects": "项目清单",
    "indicators": "指标表",
    "funding": "资金表",
    "subtotals": "一级指标小计",
    "form": "表单类型",
}
_ROW = re.compile(r"^(funding|indicators|subtotals)\[(\d+)\]$")


class FieldInputError(ExtractorError, ValueError):
    """The reviewer's input does not fit the field (message in Chinese)."""


@dataclass(frozen=True)
class FieldRef:
    collection: str | None  # funding | indicators | subtotals | total | None (project)
    index: int | None
    name: str


def parse_path(path: str) -> FieldRef | None:
    """The field a path names, or None when the path is not a field of a project."""
    match = _ITEM.match(path)
    if match:
        collection, index, name = match.group(1), int(match.group(2)), match.group(3)
        if name in _COLLECTIONS[collection]:
            return FieldRef(collection, index, name)
        return None
    match = _TOTAL.match(path)
    if match:
        return FieldRef("total", None, match.group(1))
    if path in PROJECT_FIELDS:
        return FieldRef(None, None, path)
    return None


def field_kind(path: str) -> FieldKind:
    ref = parse_path(path)
    if ref is None:
        return "none"
    if ref.collection is None:
        return PROJECT_FIELDS[ref.name]
    if ref.collection == "total":
        return "number"
    return _COLLECTIONS[ref.collection][ref.name]


def is_field(path: str) -> bool:
    return parse_path(path) is not None


def flag_target(flag: Flag) -> str:
    """What a decision on this flag is recorded against: the field path, or for a
    document-level flag its path plus its place in the source."""
    if flag.project and is_field(flag.path):
        return flag.path
    if flag.span is not None:
        return f"{flag.path}@{flag.span.page}:{flag.span.start}"
    digest = hashlib.sha1(f"{flag.rule}|{flag.message}".encode()).hexdigest()[:10]
    return f"{flag.path}#{digest}"


def target_path(target: str) -> str:
    """The flag path a target was made from ("narrative@1:5" → "narrative")."""
    return re.split(r"[@#]", target, maxsplit=1)[0]


def _container(project: dict[str, Any], ref: FieldRef, *, create: bool = False) -> dict[str, Any]:
    """The dict holding the field. Reading never changes `project` (views share the
    parsed extraction); writing creates a missing 总分 block."""
    if ref.collection is None:
        return project
    if ref.collection == "total":
        if create:
            project.setdefault("total", {"weight": None, "score": None})
        total: dict[str, Any] = project.get("total") or {"weight": None, "score": None}
        return total
    items: list[dict[str, Any]] = project.get(ref.collection) or []
    if ref.index is None or ref.index >= len(items):
        raise KeyError(f"{ref.collection}[{ref.index}]")
    return items[ref.index]


def has_field(project: dict[str, Any], path: str) -> bool:
    ref = parse_path(path)
    if ref is None:
        return False
    try:
        _container(project, ref)
    except KeyError:
        return False
    return True


def get_field(project: dict[str, Any], path: str) -> Any:
    ref = parse_path(path)
    if ref is None:
        raise KeyError(path)
    return _container(project, ref).get(ref.name)


def set_field(project: dict[str, Any], path: str, value: Any) -> None:
    ref = parse_path(path)
    if ref is None:
        raise KeyError(path)
    _container(project, ref, create=True)[ref.name] = value


def _non_field_label(project: dict[str, Any] | None, target: str) -> str:
    """ "narrative@…" → 正文; "projects" → 项目清单, or 整张表 for one project's form;
    a whole row ("indicators[3]", a reader's note) → 指标 4「…」; a whole block
    ("indicators", "funding") → 指标表 / 资金表."""
    path = target_path(target)
    if path == "projects" and project:
        return "整张表"
    row = _ROW.match(path)
    if row and project is not None:
        items = project.get(row.group(1)) or []
        index = int(row.group(2))
        if index < len(items):
            names = _COLLECTIONS[row.group(1)]
            first = next(iter(names))
            return item_label(project, f"{row.group(1)}[{index}].{first}")
    return NON_FIELD_PATHS.get(path, path)


def item_label(project: dict[str, Any], path: str) -> str:
    """Which row the path is in, as a reviewer would say it."""
    ref = parse_path(path)
    if ref is None:
        return _non_field_label(project, path)
    if ref.collection is None:
        return "表头"
    if ref.collection == "total":
        return "总分"
    try:
        item = _container(project, ref)
    except KeyError:
        return path
    index = (ref.index or 0) + 1
    if ref.collection == "funding":
        source = str(item.get("source") or "")
        return f"资金 · {FUNDING_SOURCES.get(source, source)}"
    if ref.collection == "subtotals":
        return f"小计 · {item.get('level1') or index}"
    return f"指标 {index}「{item.get('name') or ''}」"


def field_label(project: dict[str, Any] | None, path: str) -> str:
    """A Chinese label for a field: 指标 2「经办服务能力和质量」· 得分."""
    ref = parse_path(path)
    if ref is None:
        return _non_field_label(project, path)
    name = FIELD_NAMES.get(ref.name, ref.name)
    if ref.collection is None:
        return name
    return f"{item_label(project or {}, path)}·{name}"


def display(value: Any) -> str:
    """A value as the reviewer reads it: 10, 10.57, ≥95%, empty string for none."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("raw") or "")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.10g}"
    if isinstance(value, list):
        return "、".join(display(v) for v in value)
    return str(value)


def coerce(kind: FieldKind, text: str | None, *, label: str, op_hint: str | None = None) -> Any:
    """The stored value for the reviewer's input, or FieldInputError saying why not.

    Numbers accept what forms print ("1, 085.68", "105.68%"); "—" or "空" clears a cell.
    Messages never repeat the input (it may be long, or not meant to be shown)."""
    raw = (text or "").strip()
    if len(raw) > MAX_INPUT:
        raise FieldInputError(f"{label}：输入过长（最多 {MAX_INPUT} 字）")
    if kind == "none":
        raise FieldInputError("该问题不对应单个字段，不能修改数值；请选择「确认」或「原文错误」")
    if kind == "text":
        return re.sub(r"\s+", "", raw) or None
    if raw == "" and kind in ("number", "integer"):
        raise FieldInputError(f"{label}：是数字字段，请输入数字（如 9.5）；清空请输入“—”")
    if raw == "" or raw in _EMPTY_WORDS:
        return None
    if kind == "number":
        number = parse_number(raw)
        if number is None or not math.isfinite(number):
            raise FieldInputError(f"{label}：是数字字段，请输入数字（如 9.5）")
        return number
    if kind == "integer":
        if not re.fullmatch(r"\d{1,4}", raw):
            raise FieldInputError(f"{label}：应为四位数年份（如 2022）")
        return int(raw)
    if kind == "op":
        if raw not in OPS:
            raise FieldInputError(f"{label}：只能是 ≥ ≤ = > < 之一")
        return raw
    if kind == "value":
        parsed = parse_value(raw, op_hint)
        return parsed.model_dump() if parsed is not None else None
    raise FieldInputError(f"{label}：不能修改")


def check_required(path: str, value: Any, label: str) -> None:
    ref = parse_path(path)
    if ref is not None and ref.name in _REQUIRED_TEXT and value is None:
        raise FieldInputError(f"{label}：不能为空")


def iter_fields(project: dict[str, Any]) -> Iterator[str]:
    """Every field path of a project, in reading order."""
    yield from PROJECT_FIELDS
    for collection, names in _COLLECTIONS.items():
        for index, _item in enumerate(project.get(collection) or []):
            for name in names:
                yield f"{collection}[{index}].{name}"
    yield "total.weight"
    yield "total.score"
