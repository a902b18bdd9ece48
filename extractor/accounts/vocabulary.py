"""What the national template prints (财政部 部门决算 公开表 表1–表9).

Every department publishes the same nine tables with the same column headers, and
表6 lists the national 支出经济分类 (economic classification) 科目. The reader uses these
lists only to put OCR damage right: a header broken over several cells and lines is
joined and, when garbled, snapped to the template label it clearly is; a 表6 name
wrapped over two lines whose code was garbled is rejoined. Anything the template does
not know is kept as printed.
"""

from __future__ import annotations

# Column labels the templates print (one cell each, possibly broken over lines).
COLUMN_LABELS: tuple[str, ...] = (
    "决算数",
    "预算数",
    "年初预算数",
    "全年预算数",
    "本年收入合计",
    "财政拨款收入",
    "上级补助收入",
    "事业收入",
    "经营收入",
    "附属单位上缴收入",
    "其他收入",
    "本年支出合计",
    "基本支出",
    "项目支出",
    "上缴上级支出",
    "经营支出",
    "对附属单位补助支出",
    "合计",
    "小计",
    "总计",
    "一般公共预算财政拨款",
    "政府性基金预算财政拨款",
    "国有资本经营预算财政拨款",
    "年初结转和结余",
    "本年收入",
    "本年支出",
    "年末结转和结余",
    "年初财政拨款结转和结余",
    "年末财政拨款结转和结余",
    "使用非财政拨款结余",
    "结余分配",
    "因公出国(境)费",
    "公务用车购置及运行维护费",
    "公务用车购置费",
    "公务用车运行维护费",
    "公务接待费",
    "人员经费",
    "公用经费",
)

# Headers that span several columns (a group over its sub-columns) or sides.
GROUP_LABELS: tuple[str, ...] = (
    "决算数",
    "预算数",
    "本年支出",
    "本年收入",
    "收入",
    "支出",
    "项目",
    "公务用车购置及运行维护费",
    "人员经费",
    "公用经费",
    "财政拨款",
)

# Columns the template makes the sum of others, found by label within one table:
# (total label, ((sign, component label or alternatives), …)). A rule applies when at
# least two components are printed; the first rule that applies to a column wins. A
# table printing each label twice (三公: 预算数 and 决算数) is checked per occurrence.
_FISCAL = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
_SPENDING = ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")
_INCOME = ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")


def _plus(*labels: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    return tuple((1, (label,)) for label in labels)


COLUMN_SUMS: tuple[tuple[str, tuple[tuple[int, tuple[str, ...]], ...]], ...] = (
    ("本年收入合计", _plus(*_INCOME)),
    ("本年支出合计", _plus(*_SPENDING)),
    ("合计", _plus(*_SPENDING)),
    ("小计", _plus(*_SPENDING)),
    ("本年支出", _plus(*_SPENDING)),
    ("合计", _plus(*_FISCAL)),
    ("小计", _plus(*_FISCAL)),
    (
        "合计",
        (
            (1, ("因公出国(境)费",)),
            (1, ("小计", "公务用车购置及运行维护费")),
            (1, ("公务接待费",)),
        ),
    ),
    ("小计", _plus("公务用车购置费", "公务用车运行维护费")),
    ("公务用车购置及运行维护费", _plus("公务用车购置费", "公务用车运行维护费")),
    (
        "年末结转和结余",
        (
            (1, ("年初结转和结余",)),
            (1, ("本年收入",)),
            (-1, ("本年支出", "合计", "小计")),
        ),
    ),
)

# Words of header cells that name a column's role rather than an amount column.
CODE_WORDS: tuple[str, ...] = ("编码", "代码", "科目编", "类款", "分类")
NAME_WORDS: tuple[str, ...] = ("科目名称", "名称", "项目")
LINE_WORDS: tuple[str, ...] = ("行次",)
HEADER_WORDS: tuple[str, ...] = (
    "项目",
    "行次",
    "栏次",
    "科目名称",
    "科目编码",
    "功能分类",
    "经济分类",
    "决算数",
    "预算数",
)

# 支出经济分类科目 (部门预算), as 表6 prints them.
ECONOMIC_CLASSIFICATION: dict[str, str] = {
    "301": "工资福利支出",
    "30101": "基本工资",
    "30102": "津贴补贴",
    "30103": "奖金",
    "30106": "伙食补助费",
    "30107": "绩效工资",
    "30108": "机关事业单位基本养老保险缴费",
    "30109": "职业年金缴费",
    "30110": "职工基本医疗保险缴费",
    "30111": "公务员医疗补助缴费",
    "30112": "其他社会保障缴费",
    "30113": "住房公积金",
    "30114": "医疗费",
    "30199": "其他工资福利支出",
    "302": "商品和服务支出",
    "30201": "办公费",
    "30202": "印刷费",
    "30203": "咨询费",
    "30204": "手续费",
    "30205": "水费",
    "30206": "电费",
    "30207": "邮电费",
    "30208": "取暖费",
    "30209": "物业管理费",
    "30211": "差旅费",
    "30212": "因公出国(境)费用",
    "30213": "维修(护)费",
    "30214": "租赁费",
    "30215": "会议费",
    "30216": "培训费",
    "30217": "公务接待费",
    "30218": "专用材料费",
    "30224": "被装购置费",
    "30225": "专用燃料费",
    "30226": "劳务费",
    "30227": "委托业务费",
    "30228": "工会经费",
    "30229": "福利费",
    "30231": "公务用车运行维护费",
    "30239": "其他交通费用",
    "30240": "税金及附加费用",
    "30299": "其他商品和服务支出",
    "303": "对个人和家庭的补助",
    "30301": "离休费",
    "30302": "退休费",
    "30303": "退职(役)费",
    "30304": "抚恤金",
    "30305": "生活补助",
    "30306": "救济费",
    "30307": "医疗费补助",
    "30308": "助学金",
    "30309": "奖励金",
    "30310": "个人农业生产补贴",
    "30311": "代缴社会保险费",
    "30399": "其他对个人和家庭的补助",
    "307": "债务利息及费用支出",
    "30701": "国内债务付息",
    "30702": "国外债务付息",
    "310": "资本性支出",
    "31001": "房屋建筑物购建",
    "31002": "办公设备购置",
    "31003": "专用设备购置",
    "31005": "基础设施建设",
    "31006": "大型修缮",
    "31007": "信息网络及软件购置更新",
    "31008": "物资储备",
    "31009": "土地补偿",
    "31010": "安置补助",
    "31011": "地上附着物和青苗补偿",
    "31012": "拆迁补偿",
    "31013": "公务用车购置",
    "31019": "其他交通工具购置",
    "31021": "文物和陈列品购置",
    "31022": "无形资产购置",
    "31099": "其他资本性支出",
    "399": "其他支出",
    "39906": "赠与",
    "39907": "国家赔偿费用支出",
    "39908": "对民间非营利组织和群众性自治组织补贴",
    "39999": "其他支出",
}

KNOWN_NAMES: frozenset[str] = frozenset(ECONOMIC_CLASSIFICATION.values())
