"""Charts of the dashboard as SVG drawn on the server: no script, no network, nothing
to vendor. This module lays the shapes out; `templates/charts.html` writes them (Jinja
escapes every label) and `review.css` colours them by class, so the page's strict
Content-Security-Policy holds (SVG presentation attributes are not inline styles).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import quote

from extractor.review.dashboard import Bin, DocumentCount, RuleCount
from extractor.review.state import SEVERITY_NAMES

FONT = 12  # px, as review.css sets for chart text


@dataclass(frozen=True)
class Shape:
    x: float
    y: float
    w: float
    h: float
    css: str
    title: str = ""  # tooltip
    href: str = ""


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    css: str = "axis"
    anchor: str = "start"  # start | middle | end
    title: str = ""
    href: str = ""


@dataclass
class Chart:
    width: int
    height: int
    title: str  # for screen readers (aria-label)
    shapes: list[Shape] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css, name)
    empty: str = ""  # shown instead when there is nothing to draw


def text_width(text: str) -> float:
    """Rough width at FONT px: ideographs are square, Latin about half."""
    return sum(FONT if ord(c) > 0x2E80 else FONT * 0.55 for c in text)


def fit(text: str, room: float) -> str:
    if text_width(text) <= room:
        return text
    while text and text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def _nice_max(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def columns(bins: list[Bin], title: str, *, width: int = 600, height: int = 250) -> Chart:
    """A histogram: one column per band, its count above it; a band's label may have
    a second word ("95–100 优"), drawn on a second line."""
    chart = Chart(width, height, title)
    if not any(b.count for b in bins):
        chart.empty = "没有可统计的数值"
        return chart
    left, right, top, bottom = 34, 8, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max(b.count for b in bins))
    for tick in (0, peak / 2, peak):
        y = top + plot_h - plot_h * tick / peak
        chart.lines.append((left, y, width - right, y))
        chart.labels.append(Label(left - 4, y + 4, f"{tick:g}", "axis", "end"))
    slot = plot_w / len(bins)
    for index, band in enumerate(bins):
        x = left + index * slot + slot * 0.14
        h = plot_h * band.count / peak
        y = top + plot_h - h
        chart.shapes.append(
            Shape(x, y, slot * 0.72, h, f"bar tone-{band.tone}", f"{band.label}：{band.count}")
        )
        if band.count:
            chart.labels.append(Label(x + slot * 0.36, y - 4, str(band.count), "value", "middle"))
        for line, word in enumerate(band.label.split(" ", 1)):
            y = height - bottom + 16 + 15 * line
            chart.labels.append(Label(x + slot * 0.36, y, fit(word, slot), "axis", "middle"))
    return chart


def _stacked_rows(
    chart: Chart,
    rows: list[tuple[str, list[tuple[int, str, str]], str, str]],
    *,
    label_w: float,
    bar_h: float = 18,
    gap: float = 8,
) -> None:
    """Horizontal stacked bars: (label, [(count, css, name)], value text, href)."""
    left, right, top = label_w + 8, 76, 6
    plot_w = chart.width - left - right
    peak = max((sum(c for c, _css, _n in parts) for _l, parts, _v, _h in rows), default=0) or 1
    for index, (label, parts, value, href) in enumerate(rows):
        y = top + index * (bar_h + gap)
        chart.labels.append(
            Label(label_w, y + bar_h - 5, fit(label, label_w), "axis", "end", label, href)
        )
        x = float(left)
        for count, css, name in parts:
            if not count:
                continue
            w = plot_w * count / peak
            chart.shapes.append(Shape(x, y, w, bar_h, css, f"{label} · {name}：{count}", href))
            x += w
        chart.labels.append(Label(x + 5, y + bar_h - 5, value, "value"))
    chart.height = int(top + len(rows) * (bar_h + gap) + 4)


def rules_chart(rules: list[RuleCount], *, width: int = 600) -> Chart:
    chart = Chart(width, 0, "按规则和严重度统计的问题")
    if not rules:
        chart.empty = "没有发现问题"
        chart.height = 40
        return chart
    rows = [
        (
            rule.name,
            [(rule.by_severity[s], f"bar sev-{s}", SEVERITY_NAMES[s]) for s in SEVERITY_NAMES],
            f"{rule.total}（待 {rule.open}）",
            "",
        )
        for rule in rules
    ]
    _stacked_rows(chart, rows, label_w=250)
    chart.legend = [(f"sev-{s}", name) for s, name in SEVERITY_NAMES.items()]
    return chart


def progress_chart(parts: list[tuple[str, str, int]], *, width: int = 600) -> Chart:
    """One bar split by flag status, with the share of each part."""
    chart = Chart(width, 54, "审核进度")
    total = sum(count for _s, _n, count in parts)
    if not total:
        chart.empty = "没有需要处理的问题"
        chart.height = 40
        return chart
    x = 0.0
    for status, name, count in parts:
        if not count:
            continue
        w = width * count / total
        chart.shapes.append(Shape(x, 4, w, 26, f"bar st-{status}", f"{name}：{count}"))
        share = f"{round(100 * count / total)}%"
        if w > text_width(share) + 6:
            chart.labels.append(Label(x + w / 2, 22, share, "inbar", "middle"))
        x += w
    chart.legend = [(f"st-{status}", f"{name} {count}") for status, name, count in parts]
    return chart


def documents_chart(documents: list[DocumentCount], *, width: int = 600) -> Chart:
    chart = Chart(width, 0, "待处理错误最多的文档")
    if not documents:
        chart.empty = "所有文档都没有待处理的错误或警告"
        chart.height = 40
        return chart
    rows = [
        (
            doc.label,
            [
                (doc.open_errors, "bar sev-error", "待处理错误"),
                (doc.open_warnings, "bar sev-warning", "待处理警告"),
            ],
            f"{doc.open_errors} / {doc.open_warnings}",
            f"/documents/{quote(doc.doc_id, safe='')}",
        )
        for doc in documents
    ]
    _stacked_rows(chart, rows, label_w=280)
    chart.legend = [("sev-error", "待处理错误"), ("sev-warning", "待处理警告")]
    return chart
