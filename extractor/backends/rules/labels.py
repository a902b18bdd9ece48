"""The vocabulary of the national templates (财政部 绩效指标体系): level labels, funding
columns and rows, header fields. Nothing here is specific to one report."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from extractor.headers import header_label_pattern
from extractor.normalize import split_weight, squash

# 一级指标 of self-evaluation and target forms.
LEVEL1 = ("产出指标", "效益指标", "效果指标", "满意度指标")
# 二级指标 under them. 成本指标 is a 二级 under 产出 in the templates these forms follow.
LEVEL2 = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "满意度指标",
)
# Which 一级 a 二级 belongs to: 产出 (output), 效益/效果 (benefit), 满意度 (satisfaction).
_LEVEL2_FAMILY = {
    "数量指标": "output",
    "质量指标": "output",
    "时效指标": "output",
    "成本指标": "output",
    "经济效益指标": "benefit",
    "社会效益指标": "benefit",
    "生态效益指标": "benefit",
    "可持续影响指标": "benefit",
    "服务对象满意度指标": "satisfaction",
    "满意度指标": "satisfaction",
}
_LEVEL1_FAMILIES = {
    "产出指标": {"output"},
    "效益指标": {"benefit"},
    "效果指标": {"benefit", "satisfaction"},  # older templates put 满意度 under 效果
    "满意度指标": {"satisfaction"},
}


DEFAULT_LEVEL1 = {"output": "产出指标", "benefit": "效益指标", "satisfaction": "满意度指标"}


def family_of_level2(level2: str | None) -> str | None:
    return _LEVEL2_FAMILY.get(level2 or "")


def families_of_level1(level1: str) -> set[str]:
    return _LEVEL1_FAMILIES.get(level1, {"output", "benefit", "satisfaction"})


# Merged cells that label the whole indicator block, not a level: 绩效指标, 年度绩效目标
# (and OCR scraps of them: a short cell made mostly of these words' characters).
BLOCK_LABEL = re.compile(
    r"^(绩效指标|年度绩效指标|年度绩效目标|年度绩效|绩效|年度|目标|指标|标|指)+$"
)
_BLOCK_CHARS = set("年度绩效指标目对")
_WEIGHT_NOTE = re.compile(r"[（(]\d+分?[）)]")
GROUP_LABEL = re.compile(r"年度目标\s*(\d)|^目标\s*(\d)")


def _canon(key: str, vocab: tuple[str, ...]) -> str | None:
    """The vocabulary entry a label cell stands for, tolerating a lost last character
    ("质量指" → "质量指标") but not other words."""
    if key in vocab:
        return key
    for word in vocab:
        if len(key) >= 3 and word.startswith(key) and len(word) - len(key) <= 1:
            return word
    return None


def level1_of(text: str) -> tuple[str, float | None] | None:
    """("产出指标", 50.0) for "产出 指标 (50 分)"; None when the cell is no level-1 label."""
    label, weight = split_weight(text)
    canon = _canon(label, LEVEL1)
    return (canon, weight) if canon else None


def level2_of(text: str) -> str | None:
    label, _ = split_weight(text)
    return _canon(label, LEVEL2)


def is_block_label(text: str) -> bool:
    key = _WEIGHT_NOTE.sub("", squash(text))
    if not key or BLOCK_LABEL.match(key):
        return bool(key) or bool(squash(text))
    if len(key) > 6 or level1_of(key) or level2_of(key) or fuzzy_labels(key):
        return False
    return sum(ch in _BLOCK_CHARS for ch in key) * 3 >= len(key) * 2


# Stems of level labels, for cells OCR garbled or scrambled ("指标质量", "满度指", "效益",
# vertical text "满意服务对度指象满意标度指标"): stem → (level, label).
_STEMS: tuple[tuple[str, int, str], ...] = (
    ("服务", 2, "服务对象满意度指标"),
    ("数量", 2, "数量指标"),
    ("质量", 2, "质量指标"),
    ("时效", 2, "时效指标"),
    ("成本", 2, "成本指标"),
    ("经济效益", 2, "经济效益指标"),
    ("社会效益", 2, "社会效益指标"),
    ("生态效益", 2, "生态效益指标"),
    ("可持续", 2, "可持续影响指标"),
    ("产出", 1, "产出指标"),
    ("效果", 1, "效果指标"),
    ("满意", 1, "满意度指标"),
    ("效益", 1, "效益指标"),
)
FUZZY_LABEL_MIN = 60.0  # rapidfuzz ratio of a garbled label to the label it stands for
_LABEL_CHARS = set("产出效益果满意度率指标服务对象数量质时成本经济社会生态可持续影响")


def fuzzy_labels(text: str) -> list[tuple[int, str]]:
    """[(level, label)] for a cell made only of label words, however garbled; [] for
    anything else (a name always has other characters)."""
    key = split_weight(text)[0]
    if not key or len(key) > 16 or not set(key) <= _LABEL_CHARS:
        return []
    if len(key) > 3 and "指" not in key and "标" not in key:
        return []  # "服务对象", "象满意度": more likely part of a name
    found: dict[int, str] = {}
    for stem, level, label in _STEMS:
        if stem in key and level not in found:
            if level == 1 and stem == "效益" and 2 in found and "效益" in found[2]:
                continue
            found[level] = label
    if not found and 2 <= len(key) <= 6:  # a label that lost characters ("产指", "满度指")
        found.update(_closest_label(key))
    return sorted(found.items())


def _stem(label: str) -> str:
    return label.replace("指", "").replace("标", "")


def _closest_label(key: str) -> dict[int, str]:
    """The level label whose distinctive characters (all but 指标) a garbled cell's are
    closest to, when close enough; level 1 on a tie."""
    stem = _stem(key)
    if not stem:
        return {}
    scored = [
        (fuzz.ratio(stem, _stem(word)), -level, word)
        for level, words in ((1, LEVEL1), (2, LEVEL2))
        for word in words
    ]
    score, level, label = max(scored)
    return {-level: label} if score >= FUZZY_LABEL_MIN else {}


def ocr_repaired_label(label: str) -> str:
    """A level label as OCR misread it ("敗量指标", "效益接标"), put back as the vocabulary
    label it is a character or two away from (same length: misread, not missing)."""
    if label in LEVEL1 or label in LEVEL2:
        return label
    for word in (*LEVEL1, *LEVEL2):
        if len(word) == len(label) and word[-2:] in (label[-2:], "指标"):
            misread = sum(a != b for a, b in zip(word, label, strict=True))
            if misread <= max(1, len(word) // 4):
                return word
    return label


def is_label_debris(text: str) -> bool:
    """A short scrap of a label ("度指", "标") with no word of its own."""
    key = split_weight(text)[0]
    return 0 < len(key) <= 3 and set(key) <= _LABEL_CHARS and not fuzzy_labels(text)


_GARBAGE = re.compile(r"^[\d\W_]+$|^.$")


def is_debris(text: str) -> bool:
    """OCR debris before a name: stray digits, punctuation, one lone character, or a
    short cell mixing digits with a character or two ("1日小小")."""
    key = squash(text)
    return bool(_GARBAGE.match(key)) or (
        len(key) <= 4 and bool(re.search(r"\d", key)) and not re.search(r"[%％]", key)
    )


# --- funding -------------------------------------------------------------------------

# Column header → FundingLine field; first match wins, so rates come before amounts.
FUNDING_COLUMNS: tuple[tuple[str, str | None], ...] = (
    (r"得分", "score"),  # first: "得分(20分*执行率)" names the score, not the rate
    (r"到位时间", None),
    (r"到位率", "received_rate"),
    (r"执行率|支出率|使用率", "execution_rate"),
    (r"年初预算", "initial_budget"),
    (r"上年度?结转(金额|数)", "carried_in"),
    (r"结余", "balance"),
    (r"到位金额|实际到位|到位资金", "received"),
    (r"全年执行|执行数|实际支出|支出金额|支出数", "executed"),
    (r"全年预算|预算数|调整后预算|安排金额|预算安排|本年度安排", "budget"),
    (r"分值|权重", "weight"),
)
FUNDING_HEADER = re.compile(r"年初预算|全年预算|预算数|执行数|安排金额|到位金额|资金来源")


def funding_field(header_cell: str) -> str | None:
    key = squash(header_cell)
    for pattern, name in FUNDING_COLUMNS:
        if re.search(pattern, key):
            return name
    return None


def funding_source(label: str) -> str:
    """Row label → FundingLine.source ("total", "fiscal", "carryover", "other" or as printed)."""
    key = re.sub(r"^其中[:：]?", "", squash(label)).rstrip(":：")
    if re.search(r"资金总额|支出总额|^合计|^总计|^小计", key):
        return "total"
    if re.search(r"财政拨款", key):
        return "fiscal"
    if re.search(r"上年结转", key):
        return "carryover"
    if key == "其他资金":
        return "other"
    return key


FUNDING_ROW = re.compile(
    r"资金总额|支出总额|财政拨款|上年结转|其他资金|^合计|^总计|财政$|资金$|支出$"
)

# --- header fields --------------------------------------------------------------------


NAME_LABEL = header_label_pattern("name", ("项目/",))
DEPARTMENT_LABEL = header_label_pattern("department", ("主管部", "主管"))
IMPLEMENTER_LABEL = header_label_pattern("implementer")
LABEL_FRAGMENT = re.compile(r"^(名称|称|.称|部门|单位|项目|/)$")
YEAR = re.compile(r"(20\d\d)\s*年")
