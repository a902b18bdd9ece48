"""A made-up 部门决算 in another template family, rendered as a ruled text-layer PDF.

Not the layout the two real reports of `golden/accounts/` print: titles with "(表N)",
栏次 rows, 行次 columns, one 科目编码 column, 表6 as one list, a 政府性基金 table with data,
the 国有资本 table empty with a 备注, 三公 as 表9 in 元 with 预算数 and 决算数 as groups
over six columns each, thousands separators, and a 情况说明 in the older national wording
("收、支总计均为", "(类)…(款)…(项)", "决算数大于预算数的主要原因是"). The figures are
invented; nine inconsistencies are planted and listed in `EXPECTED_FLAGS`.

The spec is the ground truth: `golden()` turns it into the `AccountTable`s a reader must
give back, `write_pdf()` draws it (tests/fixtures/make_pdfs.py: ruled cells, CJK font).
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

from extractor.models import AccountColumn, AccountRow, AccountTable, ExpectedFlag
from tests.fixtures.make_pdfs import add_form_page, add_text_page, save_pdf

Row = list[str]


def _num(text: str) -> float | None:
    text = text.replace(",", "").strip()
    return float(text) if text else None


# (number, title, unit, header rows, body rows, notes, golden columns, side split)
T1 = (
    [
        ["收入", "", "", "支出", "", ""],
        ["项目", "行次", "决算数", "项目", "行次", "决算数"],
        ["栏次", "", "1", "栏次", "", "2"],
    ],
    [
        ["一、一般公共预算财政拨款收入", "1", "1,400.00", "一、教育支出", "8", "1,234.65"],
        ["二、政府性基金预算财政拨款收入", "2", "100.00", "二、社会保障和就业支出", "9", "196.64"],
        ["三、事业收入", "3", "20.00", "三、其他支出", "10", "100.00"],
        ["四、其他收入", "4", "11.20", "", "", ""],
        ["本年收入合计", "5", "1,531.20", "本年支出合计", "11", "1,531.20"],
        ["年初结转和结余", "6", "", "年末结转和结余", "12", ""],
        ["总计", "7", "1,531.20", "总计", "13", "1,531.20"],
    ],
)
T2 = (
    [
        ["科目编码", "科目名称", "本年收入合计", "财政拨款收入", "事业收入", "其他收入"],
        ["", "栏次", "1", "2", "3", "4"],
    ],
    [
        ["", "合计", "1,531.20", "1,500.00", "20.00", "11.20"],
        ["205", "教育支出", "1,234.56", "1,203.36", "20.00", "11.20"],
        ["20502", "普通教育", "1,234.56", "1,203.36", "20.00", "11.20"],
        ["2050201", "学前教育", "534.56", "503.36", "20.00", "11.20"],
        ["2050202", "小学教育", "700.00", "700.00", "", ""],
        ["208", "社会保障和就业支出", "196.64", "196.64", "", ""],
        ["20805", "行政事业单位养老支出", "196.64", "196.64", "", ""],
        ["2080505", "机关事业单位基本养老保险缴费支出", "196.64", "196.64", "", ""],
        ["229", "其他支出", "100.00", "100.00", "", ""],
        ["22960", "彩票公益金安排的支出", "100.00", "100.00", "", ""],
        ["2296002", "用于社会福利的彩票公益金支出", "100.00", "100.00", "", ""],
    ],
)
T3 = (
    [
        ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
        ["", "栏次", "1", "2", "3"],
    ],
    [
        ["", "合计", "1,531.20", "1,031.20", "500.00"],
        ["205", "教育支出", "1,234.56", "834.56", "400.00"],
        ["20502", "普通教育", "1,234.56", "834.56", "400.00"],
        ["2050201", "学前教育", "534.56", "334.56", "200.00"],
        ["2050202", "小学教育", "700.00", "500.00", "200.00"],
        ["208", "社会保障和就业支出", "196.64", "196.64", ""],
        ["20805", "行政事业单位养老支出", "196.64", "196.64", ""],
        ["2080505", "机关事业单位基本养老保险缴费支出", "196.64", "196.64", ""],
        ["229", "其他支出", "100.00", "", "100.00"],
        ["22960", "彩票公益金安排的支出", "100.00", "", "100.00"],
        ["2296002", "用于社会福利的彩票公益金支出", "100.00", "", "100.00"],
    ],
)
T4 = (
    [
        ["收入", "", "", "支出", "", "", "", ""],
        [
            "项目",
            "行次",
            "决算数",
            "项目",
            "行次",
            "小计",
            "一般公共预算财政拨款",
            "政府性基金预算财政拨款",
        ],
    ],
    [
        [
            "一、一般公共预算财政拨款",
            "1",
            "1,400.00",
            "一、教育支出",
            "6",
            "1,203.36",
            "1,203.36",
            "",
        ],
        [
            "二、政府性基金预算财政拨款",
            "2",
            "100.00",
            "二、社会保障和就业支出",
            "7",
            "196.64",
            "196.64",
            "",
        ],
        ["", "", "", "三、其他支出", "8", "100.00", "", "100.00"],
        ["本年收入合计", "3", "1,500.00", "本年支出合计", "9", "1,500.00", "1,400.00", "100.00"],
        ["年初财政拨款结转和结余", "4", "", "年末财政拨款结转和结余", "10", "", "", ""],
        ["总计", "5", "1,500.00", "总计", "11", "1,500.00", "1,400.00", "100.00"],
    ],
)
T5 = (
    [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["", "栏次", "1", "2", "3"],
    ],
    [
        ["", "合计", "1,400.00", "1,000.00", "400.00"],
        ["205", "教育支出", "1,203.36", "803.36", "400.00"],
        ["20502", "普通教育", "1,203.36", "803.36", "400.00"],
        ["2050201", "学前教育", "503.36", "303.36", "200.00"],
        ["2050202", "小学教育", "699.00", "500.00", "199.00"],
        ["208", "社会保障和就业支出", "196.64", "196.64", ""],
        ["20805", "行政事业单位养老支出", "196.64", "196.64", ""],
        ["2080505", "机关事业单位基本养老保险缴费支出", "196.64", "196.64", ""],
    ],
)
T6 = (
    [["科目编码", "科目名称", "决算数"]],
    [
        ["301", "工资福利支出", "900.00"],
        ["30101", "基本工资", "500.00"],
        ["30102", "津贴补贴", "203.36"],
        ["30108", "机关事业单位基本养老保险缴费", "196.64"],
        ["", "人员经费合计", "900.00"],
        ["302", "商品和服务支出", "100.00"],
        ["30201", "办公费", "40.00"],
        ["30211", "差旅费", "30.01"],
        ["30228", "工会经费", "29.98"],
        ["30229", "福利费", "0.00"],
        ["", "公用经费合计", "100.00"],
    ],
)
T7 = (
    [
        [
            "科目编码",
            "科目名称",
            "年初结转和结余",
            "本年收入",
            "本年支出",
            "",
            "",
            "年末结转和结余",
        ],
        # the last header is printed again below itself: the fixture drawer would otherwise
        # stretch 项目支出 over the empty cell after it
        ["", "", "", "", "小计", "基本支出", "项目支出", "年末结转和结余"],
    ],
    [
        ["", "合计", "", "100.00", "100.00", "", "100.00", ""],
        ["229", "其他支出", "", "100.00", "100.00", "", "100.00", ""],
        ["22960", "彩票公益金安排的支出", "", "100.00", "100.00", "", "100.00", ""],
        ["2296002", "用于社会福利的彩票公益金支出", "", "100.00", "100.00", "", "100.00", ""],
    ],
)
T8 = [["科目编码", "科目名称", "合计", "基本支出", "项目支出"]], [["", "合计", "", "", ""]]
_ITEMS = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"]
_SUB = ["", "", "小计", "公务用车购置费", "公务用车运行维护费", ""]
T9 = (
    [
        ["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""],
        _ITEMS + _ITEMS,
        [*_SUB, *_SUB[:-1], "公务接待费"],  # (see T7)
        [str(k) for k in range(1, 13)],
    ],
    [
        [
            "35,000.00",
            "0.00",
            "25,000.00",
            "0.00",
            "25,000.00",
            "10,000.00",
            "22,961.68",
            "0.00",
            "20,000.00",
            "0.00",
            "20,000.00",
            "2,961.68",
        ]
    ],
)

_THREE_LABELS = [
    "合计",
    "因公出国（境）费",
    "小计",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
]

TABLES = [
    (
        1,
        "收入支出决算总表",
        "万元",
        T1,
        ["注：5行=(1+2+3+4)行；7行=(5+6)行；11行=(8+9+10)行；13行=(11+12)行。"],
    ),
    (2, "收入决算表", "万元", T2, ["注：1栏各行=(2+3+4)栏各行。"]),
    (3, "支出决算表", "万元", T3, ["注：1栏各行=(2+3)栏各行。"]),
    (4, "财政拨款收入支出决算总表", "万元", T4, []),
    (5, "一般公共预算财政拨款支出决算表", "万元", T5, []),
    (6, "一般公共预算财政拨款基本支出决算明细表", "万元", T6, []),
    (7, "政府性基金预算财政拨款收入支出决算表", "万元", T7, []),
    (
        8,
        "国有资本经营预算财政拨款支出决算表",
        "万元",
        T8,
        ["备注：本单位无国有资本经营预算财政拨款支出。"],
    ),
    (9, "财政拨款“三公”经费支出决算表", "元", T9, []),
]

NARRATIVE = [
    "第三部分 某市某区教育局2023年度部门决算情况说明",
    "一、收入支出决算总体情况说明",
    "2023年度收、支总计均为1,531.20万元。",
    "二、收入决算情况说明",
    "2023年度本年收入合计1,531.20万元，其中：财政拨款收入1,500.00万元，占97.96%；",
    "事业收入20.00万元，占1.31%；其他收入11.20万元，占0.73%。",
    "三、支出决算情况说明",
    "2023年度本年支出合计1,531.20万元，其中：基本支出1,031.20万元，占60.50%；",
    "项目支出500.00万元，占32.65%。",
    "四、一般公共预算财政拨款支出决算情况说明",
    "2023年度一般公共预算财政拨款支出年初预算为1,350.00万元，支出决算为1,400.00万元，",
    "完成年初预算的103.70%。决算数大于预算数的主要原因是追加了学前教育项目。其中：",
    "1.教育支出(类)普通教育(款)学前教育(项)。年初预算为520.00万元，支出决算为503.36万元，",
    "完成年初预算的96.80%，决算数大于预算数的主要原因是项目追加。",
    "2.社会保障和就业支出(类)行政事业单位养老支出(款)机关事业单位基本养老保险缴费支出(项)。",
    "年初预算为196.64万元，支出决算为196.64万元，完成年初预算的100.00%，决算数与预算数持平。",
    "五、一般公共预算财政拨款基本支出决算情况说明",
    "2023年度一般公共预算财政拨款基本支出1,000.00万元，其中：人员经费900.00万元，主要包括：",
    "基本工资、津贴补贴、机关事业单位基本养老保险缴费、奖金；公用经费100.00万元，主要包括：",
    "办公费、差旅费、工会经费。",
    "六、财政拨款“三公”经费支出决算情况说明",
    "2023年度“三公”经费财政拨款支出预算为3.50万元，支出决算为2.30万元，完成预算的65.71%。",
    "其中：因公出国（境）费支出决算为1.20万元；公务用车购置及运行维护费支出决算为2.00万元，",
    "完成预算的80.00%；公务接待费支出决算为0.30万元，完成预算的29.62%。",
    "七、政府性基金预算财政拨款收入支出决算情况说明",
    "2023年度政府性基金预算财政拨款年初结转和结余0万元，本年收入100.00万元，",
    "本年支出100.00万元，年末结转和结余0万元。",
    "八、国有资本经营预算财政拨款收入支出决算情况说明",
    "本单位无国有资本经营预算财政拨款收入和支出。",
]


def write_pdf(path: Path) -> None:
    doc = pymupdf.open()
    add_text_page(doc, ["某市某区教育局", "2023年度部门决算", "第二部分 2023年度部门决算表"])
    for number, title, unit, (header, body), notes in TABLES:
        add_form_page(
            doc,
            [*header, *body],
            title_lines=[f"2023年度{title}（表{number}）", f"单位：{unit}"],
            after_lines=notes,
            merge_cols=4 if number == 7 else 0,
        )
    for start in range(0, len(NARRATIVE), 24):
        add_text_page(doc, NARRATIVE[start : start + 24])
    save_pdf(doc, path)
    doc.close()


def _rows(
    body: list[Row], code: int | None, name: int, line: int | None, values: list[int]
) -> list[AccountRow]:
    rows = []
    for cells in body:
        texts = [cells[k] for k in values]
        label = cells[name]
        number = int(cells[line]) if line is not None and cells[line] else None
        if not label and number is None and not any(texts):
            continue
        rows.append(
            AccountRow(
                code=(cells[code] or None) if code is not None else None,
                name=label,
                line=number,
                values=[_num(t) for t in texts],
            )
        )
    return rows


def golden() -> list[AccountTable]:
    """The tables as a reader must give them back (the spec above, not a reader's output)."""
    out: list[AccountTable] = []
    for number, title, unit, (header, body), notes in TABLES:
        formulas = [n.removeprefix("注：").rstrip("。") for n in notes if "=" in n]

        def table(
            columns: list[AccountColumn],
            rows: list[AccountRow],
            side: str | None = None,
            number: int = number,
            title: str = title,
            unit: str = unit,
        ) -> AccountTable:
            return AccountTable(
                number=number, title=title, side=side, unit=unit, columns=columns, rows=rows
            )

        if number in (1, 4):
            width = len(header[1]) // 2 if number == 1 else 3
            sides = [
                (0, 1, [2], "收入"),
                (width, width + 1, list(range(width + 2, len(header[1]))), "支出"),
            ]
            for name, line, values, side in sides:
                lanci = header[2] if number == 1 else None
                columns = [
                    AccountColumn(label=header[1][k], number=int(lanci[k]) if lanci else None)
                    for k in values
                ]
                t = table(columns, _rows(body, None, name, line, values), side)
                t.formulas = [
                    f for f in (formulas[0].split("；") if formulas else []) if _side_formula(f, t)
                ]
                out.append(t)
            continue
        if number == 9:
            columns = [AccountColumn(label=_THREE_LABELS[k % 6], number=k + 1) for k in range(12)]
            out.append(table(columns, [AccountRow(name="", values=[_num(t) for t in body[0]])]))
            continue
        first_value = 2
        labels = header[-1] if number == 7 else header[0]
        lanci = header[1] if number in (2, 3, 5) else None
        columns = [
            AccountColumn(
                label=(labels[k] or header[0][k]) if number == 7 else labels[k],
                number=int(lanci[k]) if lanci else None,
            )
            for k in range(first_value, len(header[0]))
        ]
        t = table(columns, _rows(body, 0, 1, None, list(range(first_value, len(header[0])))))
        t.formulas = formulas[0].split("；") if formulas else []
        if number == 8:
            t.remark = "本单位无国有资本经营预算财政拨款支出。"
        out.append(t)
    return out


def _side_formula(formula: str, table: AccountTable) -> bool:
    target = int(formula.split("行", 1)[0])
    return any(row.line == target for row in table.rows)


# Planted inconsistencies (paths in `golden()`'s indices); the planted 因公出国 1.20 also
# breaks the 三公 sentence's own sum (1.20 + 2.00 + 0.30 ≠ 2.30), a real narrative.sum.
EXPECTED_FLAGS = [
    ExpectedFlag(
        rule="accounts.cross_table",
        path="accounts[1].rows[0].values[0]",
        note="表1 一、教育支出 1,234.65 vs 表3 205 1,234.56",
    ),
    ExpectedFlag(
        rule="accounts.formula",
        path="accounts[1].rows[3].values[0]",
        note="表1 11行=(8+9+10)行: 1,531.20 vs 1,234.65 + 196.64 + 100.00 = 1,531.29",
    ),
    ExpectedFlag(
        rule="accounts.hierarchy",
        path="accounts[6].rows[2].values[0]",
        note="表5 20502 合计 1,203.36 vs 503.36 + 699.00 = 1,202.36",
    ),
    ExpectedFlag(
        rule="accounts.hierarchy",
        path="accounts[6].rows[2].values[2]",
        note="表5 20502 项目支出 400.00 vs 200.00 + 199.00 = 399.00",
    ),
    ExpectedFlag(
        rule="narrative.rate",
        path="narrative",
        note="基本支出 1,031.20 / 1,531.20 = 67.35%, 印 60.50%",
    ),
    ExpectedFlag(
        rule="narrative.conflict",
        path="narrative",
        note="学前教育 决算 503.36 < 年初预算 520.00, 却称决算数大于预算数",
    ),
    ExpectedFlag(
        rule="narrative.conflict", path="narrative", note="人员经费主要包括…奖金, 表6 无奖金"
    ),
    ExpectedFlag(
        rule="narrative.conflict",
        path="narrative",
        note="因公出国（境）费支出决算 1.20 万元, 表9 为 0.00 元",
    ),
    ExpectedFlag(
        rule="narrative.sum",
        path="narrative",
        note="三公 2.30 万元, 其中 1.20 + 2.00 + 0.30 = 3.50",
    ),
]

# The 舍入差异 planted, reported as info (not an inconsistency, so not scored as a flag).
EXPECTED_INFO = [("accounts.rounding", "accounts[7].rows[5].values[0]")]  # 表6 302: 99.99 vs 100.00
