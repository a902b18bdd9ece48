"""What the 部门决算情况说明 says about the tables, read from its sentences.

The explanation follows a national template too, and `read_claims` returns each figure
it restates as a `Claim` naming what it restates; the validator looks it up in the
tables. The template's sentences (publication template 2024; older wordings too):

- "收入支出总计 X 万元" / "收、支总计 X 万元"; "本年收入合计 X 万元，其中：财政拨款收入 Y
  万元，占 P%" (a share without a named denominator is a share of its sentence's head
  figure, here X); "占本年支出合计的 P%" (a named denominator);
- "与 2023 年度相比，…增加（减少）D 万元，增长（下降）R%" (a change; "（如持平作持平表述）");
- "…支出（类）X 万元，占 P%" / "…（类）支出 X 万元";
- "…（类）…（款）…（项）。主要用于：…。年初预算为 A 万元，支出决算为 B 万元，完成年初
  预算的 P%。决算数大于（小于）预算数的主要原因…" / "决算数同预算数持平" (a completion,
  with the purpose and the stated relation of 决算 to 预算);
- "人员经费 X 万元，主要包括：A、B、C"; "主要使用 A、B 等科目";
- "“三公”经费财政拨款支出年初预算为 A 万元，支出决算为 B 万元，完成预算的 P%，其中：
  因公出国（境）费决算为 …，完成预算的 …"; "…费支出决算 X 万元，占 P%".

Offsets are into the text given (whitespace already removed; brackets are folded to
ASCII here without changing lengths).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extractor.accounts.arithmetic import digits_of

_NUM = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"  # thousands separators allowed
_STOP = "，,。；;：:（）()！!？?\n"
_YEAR = re.compile(r"^(?:\d{4}年度?|本年度|本年|全年|其中)+")
_CHANGE_CONTEXT = re.compile(r"比|较|增加|减少|增长|下降|降低|相比|持平")

# Subjects a figure may restate, longest first (the label right before the figure).
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("fiscal_grand_total", r"财政拨款收入?、?支出?总计"),
    ("grand_total", r"收入?、?支出?总计"),
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
_SUBJECT = [
    (key, re.compile(rf"(?:{pattern})(?:为|均为|各为|共计|是|总计|决算)?$"))
    for key, pattern in SUBJECTS
]
_MONEY = re.compile(rf"(?<![\d.]){_NUM}万元")
_SHARE = re.compile(rf"[，,]?占([^\d%，,。；;]{{0,16}}?)的?{_NUM}%")
_CLASS = re.compile(
    rf"([\u4e00-\u9fff()、]{{2,30}}?)(?:\(类\)支出|支出\(类\))(?:决算)?(?:为)?{_NUM}万元"
)
_CLASS_SPENT = re.compile(
    rf"([\u4e00-\u9fff()、]{{2,30}}?)\(类\)[。．.，,]?支出决算(?:数)?为{_NUM}万元"
)
_PATH = re.compile(
    r"([^。；;，,：:]{2,40}?)\(类\)"
    r"(?:([^。；;，,：:]{2,40}?)\(款\))?"
    r"(?:([^。；;，,：:]{2,40}?)\(项\))?"
)
_BUDGETED = re.compile(
    rf"(年初预算|全年预算|调整后预算|预算)(?:数)?为{_NUM}万元[，,]?"
    rf"(?:(年初预算|全年预算|调整后预算)(?:数)?为{_NUM}万元[，,]?)?"
    rf"支出决算(?:数)?为{_NUM}万元"
    rf"(?:[，,。]?完成(?:了)?(年初预算|全年预算|调整后预算|预算)(?:数)?的{_NUM}%)?"
)
_RELATION = re.compile(
    r"决算数?(?:与|同|和)(?:年初|全年|调整后)?预算数?(?:基本)?持平"
    r"|决算数?(大于|小于|高于|低于|超过|超出)(?:年初|全年|调整后)?预算数?"
)
_PURPOSE = re.compile(r"主要用于[:：]?([^。；;]{2,120})")
_LIST_USED = re.compile(r"主要使用([^。；;]{2,300}?)等科目")
_LIST_PARTS = re.compile(rf"(人员经费|公用经费){_NUM}万元[，,]?主要包括[:：]?([^。；;]{{2,400}})")
_FUND_PART = re.compile(rf"(年初结转和结余|本年收入|本年支出|年末结转和结余)(?:为)?{_NUM}万元")
_THREE_ITEMS = (
    r"因公出国\(境\)费|公务用车购置及运行维护费|公务用车购置费?|公务用车运行维护费?|公务接待费"
)
_THREE_TOTAL = re.compile(
    rf"\"?三公\"?经费(?:财政拨款)?支出(?:年初)?预算(?:数)?为{_NUM}万元[，,]?"
    rf"支出决算(?:数)?为{_NUM}万元(?:[，,]?完成(?:年初)?预算的{_NUM}%)?"
)
_THREE_BUDGETED = re.compile(
    rf"({_THREE_ITEMS})(?:支出)?(?:年初)?预算(?:数)?为{_NUM}万元[，,]?支出决算(?:数)?为{_NUM}万元"
    rf"(?:[，,]?完成(?:年初)?预算的{_NUM}%)?"
)
_THREE_SPENT = re.compile(
    rf"({_THREE_ITEMS})(?:支出)?(?:决算)?(?:数)?(?:为)?{_NUM}万元"
    rf"(?:[，,]?完成(?:年初)?预算的{_NUM}%|[，,]?占{_NUM}%)?"
)
_CHANGE = re.compile(
    rf"(增加|减少|增长|下降)了?{_NUM}万元[，,](增长|下降|降低|上升|增加|减少)了?(?:\((?:增长|下降)\))?{_NUM}%"
)
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
    denominator: str | None = None  # for a share: what it names as its denominator
    path: tuple[str, ...] = ()  # 科目 names 类/款/项 for a completion
    items: tuple[str, ...] = field(default_factory=tuple)
    head: float | None = None  # a share's sentence head figure (its denominator)
    rate_of: str | None = None  # completion: the budget its rate is of (年初预算 …)
    budgets: tuple[tuple[str, float], ...] = ()  # completion: every budget stated
    relation: str | None = None  # completion: 持平 / 大于 / 小于 as stated
    purpose: str | None = None  # completion: the 主要用于 text
    value_digits: int = 2  # decimals the amount is printed with
    rate_digits: int = 2  # decimals the percentage is printed with

    def with_digits(self, text: str) -> Claim:
        """The claim with the printed decimals of its amount and rate read from its
        own text (the last percentage is the rate, the first 万元 figure the amount)."""
        piece = text[self.start : self.end]
        money = [m.group(1) for m in _MONEY.finditer(piece)]
        own = next((m for m in money if number(m) == self.value), money[0] if money else None)
        rates = re.findall(r"(\d+(?:\.\d+)?)%", piece)
        return replace(
            self,
            value_digits=digits_of(own) if own else self.value_digits,
            rate_digits=digits_of(rates[-1]) if rates else self.rate_digits,
        )


def number(text: str) -> float:
    """A printed figure ("1,531.20" → 1531.2)."""
    return float(text.replace(",", ""))


def _label(text: str, pos: int) -> str:
    start = pos
    while start > 0 and text[start - 1] not in _STOP:
        start -= 1
    return _YEAR.sub("", text[start:pos])


def ascii_brackets(text: str) -> str:
    """Full-width brackets and quotes folded one for one (offsets survive)."""
    return text.replace("（", "(").replace("）", ")").replace("“", '"').replace("”", '"')


def subject_of(label: str) -> str | None:
    """The subject a label ends with ("…其中：财政拨款收入" → income:财政拨款收入)."""
    label = _MARKER.sub("", label)
    for key, pattern in _SUBJECT:
        m = pattern.search(label)
        if m is None:
            continue
        before = label[: m.start()]
        if _CHANGE_CONTEXT.search(before[-6:]) or _CHANGE_CONTEXT.search(m.group(0)):
            return None
        if before and before[-1] not in "：:、的" and not before.endswith(("其中", "年度")):
            # the label names something longer ("城乡医疗救助项目支出"): not the subject
            if re.search(r"[\u4e00-\u9fff]$", before):
                continue
        return key
    return None


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind("。", 0, pos), text.rfind("；", 0, pos), text.rfind(";", 0, pos)) + 1


def _head(text: str, pos: int) -> float | None:
    """The first money figure of the sentence before `pos`, when the sentence goes on
    with 其中 / 主要用于 (a list of its parts)."""
    start = max(text.rfind("。", 0, pos), 0)
    first = _MONEY.search(text, start, pos)
    if first is None:
        return None
    between = text[first.end() : pos]
    if re.search(r"其中|主要用于|包括|分别", between):
        return number(first.group(1))
    return None


def amount_claims(text: str) -> list[Claim]:
    claims: list[Claim] = []
    for m in _MONEY.finditer(text):
        label = _label(text, m.start())
        subject = subject_of(label)
        if subject is None:
            continue
        value = number(m.group(1))
        share = _SHARE.match(text, m.end())
        if share:
            claims.append(
                Claim(
                    "share",
                    subject,
                    m.start(),
                    share.end(),
                    value,
                    number(share.group(2)),
                    denominator=share.group(1),
                    head=_head(text, m.start()),
                )
            )
        else:
            claims.append(Claim("amount", subject, m.start(), m.end(), value))
    return claims


def change_claims(text: str) -> list[Claim]:
    """ "收、支总计各减少 75.64 万元，下降 6.4%": a year-on-year change (base +1 for an
    increase, -1 for a decrease; `items` the two direction words as printed)."""
    claims = []
    for m in _CHANGE.finditer(text):
        label = _label(text, m.start())
        subject = next((key for key, p in _SUBJECT if p.search(re.sub(r"各$", "", label))), None)
        sign = 1.0 if m.group(1) in ("增加", "增长") else -1.0
        claims.append(
            Claim(
                "change",
                subject or label,
                m.start(),
                m.end(),
                number(m.group(2)),
                number(m.group(4)),
                sign,
                items=(m.group(1), m.group(3)),
            )
        )
    return claims


def class_claims(text: str) -> list[Claim]:
    """ "一般公共服务(类)支出 5.11 万元，占 0.5%", "社会保障和就业支出（类）754.75 万元，
    占 7.74%"; a share's head is its sentence's first figure ("…支出 X 万元，主要用于")."""
    claims = []
    for m in _CLASS.finditer(text):
        name = _MARKER.sub("", m.group(1).split("、")[-1])
        name = name if name.endswith("支出") else name + "支出"
        share = _SHARE.match(text, m.end())
        rate = number(share.group(2)) if share else None
        end = share.end() if share else m.end()
        claims.append(
            Claim(
                "class", name, m.start(), end, number(m.group(2)), rate, head=_head(text, m.start())
            )
        )
    for m in _CLASS_SPENT.finditer(text):  # "其他支出(类)。支出决算为 28.35 万元"
        name = _MARKER.sub("", m.group(1))
        claims.append(Claim("class", name, m.start(), m.end(), number(m.group(2))))
    return claims


_MAX_PATH_GAP = 200  # characters between a path and its budget sentence (主要用于…)


def _path_before(text: str, start: int, floor: int) -> tuple[tuple[str, ...], str] | None:
    """The "…(类)…(款)…(项)" a budget sentence at `start` is about: the last path since
    `floor`, with no figure between them (only its 主要用于 sentence)."""
    found = None
    for m in _PATH.finditer(text, max(floor, start - _MAX_PATH_GAP), start):
        found = m
    if found is None:
        return None
    between = text[found.end() : start]
    if re.search(r"\d+(?:\.\d+)?(?:万元|%)", between):
        return None
    path = tuple(_MARKER.sub("", p.strip("。．.，, ")) for p in found.groups() if p)
    return path, between


def completion_claims(text: str) -> list[Claim]:
    """ "…(类)…(款)…(项)。主要用于：…。年初预算为 A 万元，支出决算为 B 万元，完成年初预算的
    P%。决算数大于预算数…" (subject "path"); "一般公共预算财政拨款支出年初预算为 A 万元 …"
    (subject general_expense)."""
    claims = []
    floor = 0
    matches = list(_BUDGETED.finditer(text))
    for i, m in enumerate(matches):
        budgets = [(m.group(1), number(m.group(2)))]
        if m.group(3):
            budgets.append((m.group(3), number(m.group(4))))
        spent = number(m.group(5))
        rate_of = m.group(6)
        rate = number(m.group(7)) if m.group(7) else None
        base = next((v for kind, v in budgets if rate_of and kind == rate_of), budgets[-1][1])
        following = text[m.end() : matches[i + 1].start() if i + 1 < len(matches) else len(text)]
        relation = _relation(following[:80])
        general = _label(text, m.start()).endswith("一般公共预算财政拨款支出")
        found = None if general else _path_before(text, m.start(), floor)
        common = {
            "rate_of": rate_of,
            "budgets": tuple(budgets),
            "relation": relation,
        }
        if found is not None:
            path, between = found
            purpose = _PURPOSE.search(between)
            claims.append(
                Claim(
                    "completion",
                    "path",
                    m.start(),
                    m.end(),
                    spent,
                    rate,
                    base,
                    path=path,
                    purpose=purpose.group(1) if purpose else None,
                    **common,  # type: ignore[arg-type]
                )
            )
        elif general:
            claims.append(
                Claim(
                    "completion",
                    "general_expense",
                    m.start(),
                    m.end(),
                    spent,
                    rate,
                    base,
                    **common,  # type: ignore[arg-type]
                )
            )
        floor = m.end()
    return claims


def _relation(text: str) -> str | None:
    m = _RELATION.search(text)
    if m is None:
        return None
    word = m.group(1)
    if word is None:
        return "持平"
    return "大于" if word in ("大于", "高于", "超过", "超出") else "小于"


def fund_claims(text: str) -> list[Claim]:
    """政府性基金 sentence: 年初结转和结余 / 本年收入 / 本年支出 / 年末结转和结余."""
    claims = []
    for sentence in re.finditer(r"[^。]*政府性基金预算财政拨款年初结转和结余[^。]*", text):
        for m in _FUND_PART.finditer(sentence.group(0)):
            at = sentence.start() + m.start()
            claims.append(Claim("fund", m.group(1), at, at + len(m.group(0)), number(m.group(2))))
    return claims


def _three_subject(item: str) -> str:
    if item.startswith("公务用车购置") and "运行" not in item:
        return "公务用车购置费"
    if item.startswith("公务用车运行"):
        return "公务用车运行维护费"
    return item


def three_claims(text: str) -> list[Claim]:
    """The 三公 sentences: budget and 决算 of the whole and of each item, a completion
    rate (of the table's 预算数) or a share (of the 三公 决算 total)."""
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for m in _THREE_TOTAL.finditer(text):
        rate = number(m.group(3)) if m.group(3) else None
        claims.append(
            Claim("three", "合计", m.start(), m.end(), number(m.group(2)), rate, number(m.group(1)))
        )
        taken.append((m.start(), m.end()))
    for m in _THREE_BUDGETED.finditer(text):
        rate = number(m.group(4)) if m.group(4) else None
        claims.append(
            Claim(
                "three",
                _three_subject(m.group(1)),
                m.start(),
                m.end(),
                number(m.group(3)),
                rate,
                number(m.group(2)),
            )
        )
        taken.append((m.start(), m.end()))
    for m in _THREE_SPENT.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        if text[m.end() : m.end() + 1] == "万" or text[m.start(2) - 1 : m.start(2)] == "比":
            continue
        completion = number(m.group(3)) if m.group(3) else None
        share = number(m.group(4)) if m.group(4) else None
        claims.append(
            Claim(
                "three",
                _three_subject(m.group(1)),
                m.start(),
                m.end(),
                number(m.group(2)),
                completion if completion is not None else share,
                denominator="决算合计"
                if share is not None
                else ("预算" if completion is not None else None),
            )
        )
    return claims


def _split_items(text: str) -> tuple[str, ...]:
    return tuple(i for i in (p.strip("等") for p in re.split(r"[、，,]", text)) if i)


def list_claims(text: str) -> list[Claim]:
    """ "主要使用 A、B、C 等科目" and "人员经费 X 万元，主要包括：A、B、C"."""
    claims = []
    for m in _LIST_USED.finditer(text):
        claims.append(Claim("used", "科目", m.start(), m.end(), items=_split_items(m.group(1))))
    for m in _LIST_PARTS.finditer(text):
        items = _split_items(re.sub(r"[（(]不涉及的不列[）)]", "", m.group(3)))
        claims.append(
            Claim("parts", m.group(1), m.start(), m.end(), number(m.group(2)), items=items)
        )
    return claims


def read_claims(text: str) -> list[Claim]:
    text = ascii_brackets(text)
    claims = [
        *amount_claims(text),
        *change_claims(text),
        *class_claims(text),
        *completion_claims(text),
        *fund_claims(text),
        *three_claims(text),
        *list_claims(text),
    ]
    return [claim.with_digits(text) for claim in claims]
