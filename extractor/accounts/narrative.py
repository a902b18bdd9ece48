"""What the 部门决算情况说明 says about the tables, read from its sentences.

The explanation follows a national template too ("2022 年度收、支总计 X 万元", "其中：基本
支出 Y 万元，占本年支出 P%", "…(类)…(款)…(项)。年初预算为 A 万元，支出决算为 B 万元，完成
年初预算的 P%", "人员经费 X 万元，主要包括：…"). `read_claims` returns each restated
figure as a `Claim` naming what it restates; the validator looks the figure up in the
tables. Offsets are into the text given (whitespace already removed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUM = r"(\d+(?:\.\d+)?)"
_STOP = "，,。；;：:（）()！!？?\n"
_YEAR = re.compile(r"^(?:\d{4}年度?|本年度|本年|全年|其中)+")

# Subjects a figure may restate, longest first (the label right before the figure).
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("fiscal_grand_total", r"财政拨款收、?支总计"),
    ("grand_total", r"收、?支总计"),
    ("general_basic", r"一般公共预算财政拨款基本支出"),
    ("general_expense", r"一般公共预算财政拨款支出"),
    ("general_income", r"一般公共预算财政拨款收入"),
    ("fund_income", r"政府性基金预算财政拨款收入"),
    ("capital_income", r"国有资本经营预算财政拨款收入"),
    ("income_total", r"(?:本年)?收入合计"),
    ("expense_total", r"(?:本年)?支出合计"),
    ("personnel", r"人员经费"),
    ("public", r"公用经费"),
    ("income:财政拨款收入", r"财政拨款收入"),
    ("income:上级补助收入", r"上级补助收入"),
    ("income:事业收入", r"事业收入"),
    ("income:经营收入", r"经营收入"),
    ("income:附属单位上缴收入", r"附属单位上缴收入"),
    ("income:其他收入", r"其他收入"),
    ("expense:基本支出", r"基本支出"),
    ("expense:项目支出", r"项目支出"),
    ("expense:上缴上级支出", r"上缴上级支出"),
    ("expense:经营支出", r"经营支出"),
    ("expense:对附属单位补助支出", r"对附属单位补助支出"),
)
_SUBJECT = [(key, re.compile(rf"(?:{pattern})(?:为|共计|是|总计)?")) for key, pattern in SUBJECTS]
_MONEY = re.compile(rf"{_NUM}万元")
_SHARE = re.compile(rf"[，,]?占(本年收入|本年支出合计|本年支出|[^\d%，,。；;]{{0,12}}?)的?{_NUM}%")
_CLASS_SHARE = re.compile(rf"([\u4e00-\u9fff()]{{2,24}}?)\(类\)支出{_NUM}万元(?:[，,]占{_NUM}%)?")
_CLASS_SPENT = re.compile(
    rf"([\u4e00-\u9fff()]{{2,24}}?)\(类\)[。．.，,]?支出决算(?:数)?为{_NUM}万元"
)
_COMPLETION = re.compile(
    rf"年初预算(?:数)?为{_NUM}万元[，,]?支出决算(?:数)?为{_NUM}万元(?:[，,]?完成年初预算的{_NUM}%)?"
)
_LIST_USED = re.compile(r"主要使用([^。；;]{2,300}?)等科目")
_LIST_PARTS = re.compile(rf"(人员经费|公用经费){_NUM}万元[，,]?主要包括[:：]?([^。；;]{{2,300}})")
_FUND_PART = re.compile(rf"(年初结转和结余|本年收入|本年支出|年末结转和结余)(?:为)?{_NUM}万元")
_THREE = re.compile(
    rf"(\"?三公\"?经费财政拨款支出|因公出国\(境\)费|公务用车购置及运行维护费|公务用车购置费"
    rf"|公务用车运行维护费|公务接待费)(?:支出)?预算为{_NUM}万元[，,]?支出决算为{_NUM}万元"
)
_CHANGE = re.compile(rf"各?(增加|减少)了?{_NUM}万元[，,](?:增长|下降|降低|上升)了?{_NUM}%")
_MARKER = re.compile(r"^(?:[-•·]|\d+[.、．]|[①-⑳]|[一二三四五六七八九十]+[、.]|[（(]\d+[)）])+")


@dataclass(frozen=True)
class Claim:
    kind: str  # amount share change class completion fund three used parts
    subject: str  # a SUBJECTS key, a 类 name, a column label …
    start: int
    end: int
    value: float | None = None  # the amount restated (万元)
    rate: float | None = None  # a printed percentage
    base: float | None = None  # 年初预算 (completion), 预算 (三公), ±1 (change)
    denominator: str | None = None  # for a share: what it is a share of
    path: tuple[str, ...] = ()  # 科目 names 类/款/项 for a completion
    items: tuple[str, ...] = field(default_factory=tuple)


def _label(text: str, pos: int) -> str:
    start = pos
    while start > 0 and text[start - 1] not in _STOP:
        start -= 1
    return _YEAR.sub("", text[start:pos])


def _ascii_brackets(text: str) -> str:
    return text.replace("（", "(").replace("）", ")").replace("“", '"').replace("”", '"')


def amount_claims(text: str) -> list[Claim]:
    claims: list[Claim] = []
    for m in _MONEY.finditer(text):
        label = _label(text, m.start())
        subject = next((key for key, p in _SUBJECT if p.fullmatch(label)), None)
        if subject is None:
            continue
        value = float(m.group(1))
        share = _SHARE.match(text, m.end())
        if share:
            claims.append(
                Claim(
                    "share",
                    subject,
                    m.start(),
                    share.end(),
                    value,
                    float(share.group(2)),
                    denominator=share.group(1),
                )
            )
        else:
            claims.append(Claim("amount", subject, m.start(), m.end(), value))
    return claims


def change_claims(text: str) -> list[Claim]:
    """ "收、支总计各减少 75.64 万元，下降 6.4%": a year-on-year change of a subject whose
    current amount is in the tables (base: +1 for 增加, -1 for 减少)."""
    claims = []
    for m in _CHANGE.finditer(text):
        label = _label(text, m.start())
        subject = next((key for key, p in _SUBJECT if p.fullmatch(label)), None)
        if subject is None:
            continue
        sign = 1.0 if m.group(1) == "增加" else -1.0
        claims.append(
            Claim("change", subject, m.start(), m.end(), float(m.group(2)), float(m.group(3)), sign)
        )
    return claims


def class_claims(text: str) -> list[Claim]:
    """ "一般公共服务(类)支出 5.11 万元，占 0.5%"."""
    claims = []
    for m in _CLASS_SHARE.finditer(text):
        name = _MARKER.sub("", m.group(1)) + "支出"
        rate = float(m.group(3)) if m.group(3) else None
        claims.append(Claim("class", name, m.start(), m.end(), float(m.group(2)), rate))
    for m in _CLASS_SPENT.finditer(text):  # "其他支出(类)。支出决算为 28.35 万元"
        name = _MARKER.sub("", m.group(1))
        claims.append(Claim("class", name, m.start(), m.end(), float(m.group(2))))
    return claims


def completion_claims(text: str) -> list[Claim]:
    """ "…(类)…(款)…(项)。年初预算为 A 万元，支出决算为 B 万元，完成年初预算的 P%"; and
    "一般公共预算财政拨款支出年初预算为 A 万元 …" (subject general_expense)."""
    claims = []
    for m in _COMPLETION.finditer(text):
        head = text[max(0, text.rfind("。", 0, max(0, m.start() - 1)) + 1) : m.start()]
        head = _MARKER.sub("", head.strip("。．.，,"))
        rate = float(m.group(3)) if m.group(3) else None
        budget, spent = float(m.group(1)), float(m.group(2))
        path = tuple(p for p in re.split(r"\((?:类|款|项)\)", head) if p)
        if re.search(r"\((?:类|款|项)\)", head):
            path = tuple(_MARKER.sub("", p.strip("。．.，, ")) for p in path)
            claims.append(
                Claim("completion", "path", m.start(), m.end(), spent, rate, budget, path=path)
            )
        elif _label(text, m.start()).endswith("一般公共预算财政拨款支出"):
            claims.append(
                Claim("completion", "general_expense", m.start(), m.end(), spent, rate, budget)
            )
    return claims


def fund_claims(text: str) -> list[Claim]:
    """政府性基金 sentence: 年初结转和结余 / 本年收入 / 本年支出 / 年末结转和结余."""
    claims = []
    for sentence in re.finditer(r"[^。]*政府性基金预算财政拨款年初结转和结余[^。]*", text):
        for m in _FUND_PART.finditer(sentence.group(0)):
            at = sentence.start() + m.start()
            claims.append(Claim("fund", m.group(1), at, at + len(m.group(0)), float(m.group(2))))
    return claims


def three_claims(text: str) -> list[Claim]:
    claims = []
    for m in _THREE.finditer(text):
        subject = "合计" if "三公" in m.group(1) else m.group(1)
        claims.append(
            Claim("three", subject, m.start(), m.end(), float(m.group(3)), base=float(m.group(2)))
        )
    return claims


def list_claims(text: str) -> list[Claim]:
    """ "主要使用 A、B、C 等科目" and "人员经费 X 万元，主要包括：A、B、C"."""
    claims = []
    for m in _LIST_USED.finditer(text):
        items = tuple(i for i in re.split(r"[、，,]", m.group(1)) if i)
        claims.append(Claim("used", "科目", m.start(), m.end(), items=items))
    for m in _LIST_PARTS.finditer(text):
        items = tuple(i for i in re.split(r"[、，,]", m.group(3).rstrip("等")) if i)
        claims.append(
            Claim("parts", m.group(1), m.start(), m.end(), float(m.group(2)), items=items)
        )
    return claims


def read_claims(text: str) -> list[Claim]:
    text = _ascii_brackets(text)
    return [
        *amount_claims(text),
        *change_claims(text),
        *class_claims(text),
        *completion_claims(text),
        *fund_claims(text),
        *three_claims(text),
        *list_claims(text),
    ]
