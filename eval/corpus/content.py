"""Invented content for the generated forms: places, departments, projects and the
indicators a project of each kind reports.

Everything here is made up for the corpus (place names are real counties of many
provinces, the departments, projects, people and figures are not real); none of it comes
from the seed reports. A `Domain` is a kind of project (rural road maintenance, farmland
construction …) with the department that runs it, names it is published under and the
indicators it is measured by; the families draw projects from the domains.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# (province, city, county): counties from many provinces, none of the seeds' places.
PLACES: tuple[tuple[str, str, str], ...] = (
    ("河北省", "邯郸市", "临漳县"),
    ("山西省", "晋中市", "平遥县"),
    ("内蒙古自治区", "呼伦贝尔市", "扎兰屯市"),
    ("辽宁省", "沈阳市", "新民市"),
    ("吉林省", "通化市", "梅河口市"),
    ("黑龙江省", "哈尔滨市", "五常市"),
    ("江苏省", "宿迁市", "沭阳县"),
    ("浙江省", "湖州市", "安吉县"),
    ("福建省", "泉州市", "永春县"),
    ("江西省", "上饶市", "婺源县"),
    ("山东省", "潍坊市", "寿光市"),
    ("河南省", "开封市", "兰考县"),
    ("湖北省", "宜昌市", "宜都市"),
    ("湖南省", "株洲市", "醴陵市"),
    ("广东省", "清远市", "英德市"),
    ("广西壮族自治区", "桂林市", "荔浦市"),
    ("海南省", "省直辖", "琼海市"),
    ("四川省", "遂宁市", "射洪市"),
    ("贵州省", "遵义市", "湄潭县"),
    ("云南省", "红河州", "弥勒市"),
    ("陕西省", "渭南市", "富平县"),
    ("甘肃省", "酒泉市", "敦煌市"),
    ("青海省", "海东市", "互助县"),
    ("宁夏回族自治区", "银川市", "贺兰县"),
    ("新疆维吾尔自治区", "阿克苏地区", "库车市"),
    ("安徽省", "宣城市", "宁国市"),
    ("重庆市", "重庆市", "璧山区"),
    ("江苏省", "苏州市", "太仓市"),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋"
    "蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫"
    "段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "建国志强海燕丽华文博晓东红梅国栋秀英春生桂兰振华德明永刚玉兰宏伟静怡子涵俊杰雪梅立新长江"


def person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def phone(rng: random.Random) -> str:
    return f"0{rng.randint(310, 998)}-{rng.randint(2000000, 8999999)}"


# ---------------------------------------------------------------------------------------
# Indicators


@dataclass(frozen=True)
class Spec:
    """One indicator a project of a domain can report.

    Quantitative (`op` set): a target `op` + number in [lo, hi] with `dec` decimals and a
    `unit`; `better` says which way is good ("up": more is better, "down": less is
    better, "eq": exactly). Qualitative: `target` and `actual` texts."""

    level1: str
    level2: str
    name: str
    op: str | None = None
    lo: float = 0.0
    hi: float = 0.0
    unit: str = ""
    dec: int = 0
    better: str = "up"
    target: str = ""
    actual: str = ""
    bounded: bool = False  # a rate that cannot pass 100 (coverage, satisfaction …)

    @property
    def quantitative(self) -> bool:
        return self.op is not None


OUT = "产出指标"
EFF = "效益指标"
SAT = "满意度指标"
NUM, QUA, TIME, COST = "数量指标", "质量指标", "时效指标", "成本指标"
ECO, SOC, ENV, SUS = "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"
SATL2 = "服务对象满意度指标"


def q(l2: str, name: str, op: str, lo: float, hi: float, unit: str, dec: int = 0, **kw) -> Spec:
    level1 = OUT if l2 in (NUM, QUA, TIME, COST) else SAT if l2 == SATL2 else EFF
    better = "down" if op in ("≤", "<") else "eq" if op == "=" else "up"
    return Spec(level1, l2, name, op, lo, hi, unit, dec, kw.pop("better", better), **kw)


def t(l2: str, name: str, target: str, actual: str) -> Spec:
    level1 = OUT if l2 in (NUM, QUA, TIME, COST) else SAT if l2 == SATL2 else EFF
    return Spec(level1, l2, name, target=target, actual=actual)


def rate(l2: str, name: str, lo: float = 90, hi: float = 98, op: str = "≥") -> Spec:
    return q(l2, name, op, lo, hi, "%", bounded=True)


def full(l2: str, name: str) -> Spec:
    return q(l2, name, "=", 100, 100, "%", bounded=True)


@dataclass(frozen=True)
class Domain:
    key: str
    department: str  # the department's name after the place: "交通运输局"
    implementers: tuple[str, ...]  # units under it that implement the projects
    names: tuple[str, ...]  # project names ("{county}" is filled in where present)
    specs: tuple[Spec, ...]
    goal: str  # the annual goal, "{amount}" filled in
    budget: tuple[float, float]  # 万元
    reasons: tuple[str, ...] = field(default=())  # deviation reasons for missed targets


COMMON_REASONS = (
    "受天气影响部分工程延期，下一步将加强进度调度",
    "部分资金年底才下达，支付进度滞后，将提前做好支付准备",
    "实施过程中实际需求低于预期，下年度将科学测算目标值",
    "个别乡镇配套工作推进缓慢，已督促整改",
    "统计口径调整导致完成值偏低，今后将规范数据统计",
    "政府采购流程较长，影响项目进度，将提前启动采购",
)

DOMAINS: tuple[Domain, ...] = (
    Domain(
        "road",
        "交通运输局",
        ("公路事业发展中心", "农村公路管理站"),
        ("农村公路日常养护经费", "{county}农村公路养护工程", "农村公路危桥改造补助资金"),
        (
            q(NUM, "农村公路养护里程", "≥", 280, 460, "公里"),
            full(NUM, "列养率"),
            rate(QUA, "路面优良路率", 78, 88),
            rate(QUA, "养护工程验收合格率", 95, 99),
            rate(TIME, "养护工程完工及时率", 90, 98),
            q(COST, "单位养护成本", "≤", 2.5, 3.8, "万元/公里", 1),
            t(SOC, "道路通行条件", "明显改善", "明显改善"),
            t(SUS, "农村公路长效管护机制", "逐步健全", "逐步健全"),
            rate(SATL2, "沿线群众出行满意度", 88, 95),
        ),
        "完成农村公路养护{amount}万元，确保列养公路路况稳定，保障群众安全便捷出行。",
        (300, 1800),
    ),
    Domain(
        "farmland",
        "农业农村局",
        ("农田建设服务中心", "农业技术推广中心"),
        ("高标准农田建设项目", "{county}高标准农田建设补助资金", "耕地质量提升项目"),
        (
            q(NUM, "新建高标准农田面积", "≥", 1.2, 3.5, "万亩", 1),
            q(NUM, "新增高效节水灌溉面积", "≥", 3000, 9000, "亩"),
            full(QUA, "工程验收合格率"),
            rate(TIME, "项目按期完工率", 90, 98),
            q(COST, "亩均财政投入", "≤", 1500, 3000, "元/亩"),
            q(ECO, "项目区粮食亩产增加", "≥", 50, 100, "公斤"),
            t(SUS, "工程设施管护", "长效管护", "长效管护"),
            rate(SATL2, "项目区农民满意度", 88, 95),
        ),
        "新建高标准农田并配套灌排设施，投入资金{amount}万元，提升粮食综合生产能力。",
        (800, 4800),
    ),
    Domain(
        "nutrition",
        "教育局",
        ("学生资助管理中心", "教育后勤服务中心"),
        ("农村义务教育学生营养改善计划", "学生营养膳食补助资金"),
        (
            q(NUM, "受益学生人数", "≥", 8000, 25000, "人"),
            q(NUM, "覆盖学校数量", "≥", 40, 120, "所"),
            q(QUA, "膳食补助标准", "=", 5, 5, "元/人·天", better="eq"),
            q(QUA, "食品安全事故", "=", 0, 0, "起", better="eq"),
            full(TIME, "资金发放及时率"),
            t(SOC, "学生营养健康状况", "持续改善", "持续改善"),
            rate(SATL2, "学生家长满意度", 88, 95),
        ),
        "为义务教育阶段学生提供营养膳食补助，安排资金{amount}万元，改善学生营养健康状况。",
        (600, 3200),
    ),
    Domain(
        "clinic",
        "卫生健康委员会",
        ("县人民医院", "基层卫生服务中心"),
        ("基层医疗卫生机构能力建设", "乡镇卫生院设备购置项目", "家庭医生签约服务补助"),
        (
            q(NUM, "配置医疗设备数量", "≥", 30, 80, "台(套)"),
            q(NUM, "基层诊疗人次", "≥", 15, 40, "万人次", 2),
            full(QUA, "设备验收合格率"),
            rate(QUA, "县域内就诊率", 85, 92),
            rate(TIME, "设备采购完成及时率", 90, 98),
            q(COST, "设备购置成本", "≤", 400, 900, "万元"),
            t(SOC, "基层服务能力", "有效提升", "有效提升"),
            rate(SATL2, "就诊群众满意度", 88, 95),
        ),
        "提升基层医疗卫生机构服务能力，投入{amount}万元用于设备购置和人员培训。",
        (300, 1500),
    ),
    Domain(
        "sewage",
        "住房和城乡建设局",
        ("城市排水管理处", "市政设施维护中心"),
        ("城乡污水处理设施运维经费", "{county}污水处理厂运营补助"),
        (
            q(NUM, "污水处理量", "≥", 500, 1500, "万吨"),
            q(NUM, "化学需氧量削减量", "≥", 800, 2000, "吨"),
            full(QUA, "出水水质达标率"),
            rate(TIME, "运营费用拨付及时率", 95, 99),
            q(COST, "吨水运营成本", "≤", 0.8, 1.4, "元/吨", 2),
            t(ENV, "水环境质量", "持续改善", "持续改善"),
            t(SUS, "设施稳定运行", "长期稳定", "长期稳定"),
            rate(SATL2, "周边群众满意度", 85, 93),
        ),
        "保障城乡污水处理设施稳定运行，全年安排运维资金{amount}万元。",
        (400, 2600),
    ),
    Domain(
        "disability",
        "残疾人联合会",
        ("残疾人就业服务所", "残疾人康复中心"),
        ("困难残疾人生活补贴和重度残疾人护理补贴", "残疾人康复救助项目"),
        (
            q(NUM, "补贴发放人数", "≥", 2000, 6000, "人"),
            q(NUM, "康复救助人数", "≥", 150, 600, "人"),
            q(QUA, "补贴标准", "≥", 80, 80, "元/人·月", better="eq"),
            full(QUA, "发放准确率"),
            full(TIME, "按月发放及时率"),
            t(SOC, "残疾人基本生活", "有效保障", "有效保障"),
            rate(SATL2, "受助残疾人满意度", 88, 96),
        ),
        "按时足额发放残疾人两项补贴，开展康复救助，全年安排资金{amount}万元。",
        (200, 1200),
    ),
    Domain(
        "water",
        "水利局",
        ("农村供水管理站", "水利工程建设管理中心"),
        ("农村饮水安全巩固提升工程", "农村供水工程维修养护资金"),
        (
            q(NUM, "新建改造供水工程", "≥", 10, 40, "处"),
            q(NUM, "受益人口", "≥", 1.5, 6.0, "万人", 2),
            rate(QUA, "农村自来水普及率", 90, 97),
            full(QUA, "供水水质达标率"),
            rate(TIME, "工程完工及时率", 90, 98),
            q(COST, "工程建设成本", "≤", 500, 1800, "万元"),
            t(SOC, "农村群众饮水条件", "明显改善", "明显改善"),
            rate(SATL2, "受益群众满意度", 88, 95),
        ),
        "巩固提升农村饮水安全保障水平，实施供水工程，总投资{amount}万元。",
        (500, 2200),
    ),
    Domain(
        "forestfire",
        "林业局",
        ("森林消防大队", "国有林场"),
        ("森林防火专项经费", "森林草原防灭火能力提升项目"),
        (
            q(NUM, "巡护面积", "≥", 10, 60, "万亩"),
            q(NUM, "防火宣传活动", "≥", 30, 120, "场次"),
            q(QUA, "森林火灾受害率", "≤", 0.5, 0.9, "‰", 1),
            full(TIME, "火情处置及时率"),
            q(ENV, "森林覆盖率", "≥", 50, 70, "%", 1),
            t(SUS, "群防群治机制", "持续巩固", "持续巩固"),
            rate(SATL2, "林区群众满意度", 88, 95),
        ),
        "加强森林防火巡护和宣传，提升扑救能力，安排资金{amount}万元。",
        (100, 800),
    ),
    Domain(
        "culture",
        "文化和旅游局",
        ("文化馆", "图书馆"),
        ("公共文化服务体系建设补助", "送戏下乡文化惠民工程"),
        (
            q(NUM, "送戏下乡场次", "≥", 60, 200, "场"),
            q(NUM, "公共图书馆年接待读者", "≥", 5, 20, "万人次", 1),
            q(QUA, "免费开放时长", "≥", 2000, 2800, "小时"),
            q(QUA, "活动安全事故", "=", 0, 0, "起", better="eq"),
            t(SOC, "群众文化生活", "更加丰富", "更加丰富"),
            rate(SATL2, "群众满意度", 88, 95),
        ),
        "开展文化惠民活动，保障公共文化场馆免费开放，安排资金{amount}万元。",
        (100, 700),
    ),
    Domain(
        "oldtown",
        "住房和城乡建设局",
        ("城市更新服务中心", "房产管理服务中心"),
        ("城镇老旧小区改造项目", "{county}老旧小区配套设施改造"),
        (
            q(NUM, "改造小区数量", "≥", 8, 30, "个"),
            q(NUM, "改造建筑面积", "≥", 10000, 50000, "平方米", 2),
            full(QUA, "竣工验收合格率"),
            rate(TIME, "项目开工率", 90, 99),
            q(COST, "单位面积改造成本", "≤", 180, 320, "元/平方米"),
            t(SOC, "居住环境", "明显改善", "明显改善"),
            rate(SATL2, "小区居民满意度", 85, 93),
        ),
        "对城区老旧小区实施综合改造，完成投资{amount}万元，改善居民居住条件。",
        (900, 5200),
    ),
    Domain(
        "jobs",
        "人力资源和社会保障局",
        ("公共就业服务中心", "职业技能鉴定所"),
        ("就业创业补贴资金", "职业技能提升行动专项资金"),
        (
            q(NUM, "职业技能培训", "≥", 1500, 5000, "人次"),
            q(NUM, "城镇新增就业", "≥", 2000, 6000, "人"),
            rate(QUA, "培训合格率", 85, 95),
            full(QUA, "补贴发放准确率"),
            q(ECO, "城镇登记失业率", "≤", 3.5, 4.5, "%", 1),
            t(SUS, "就业服务体系", "不断完善", "不断完善"),
            rate(SATL2, "参训学员满意度", 88, 95),
        ),
        "落实就业创业扶持政策，开展职业技能培训，安排补贴资金{amount}万元。",
        (300, 2000),
    ),
    Domain(
        "geohazard",
        "自然资源局",
        ("地质环境监测站", "自然资源执法监察大队"),
        ("地质灾害防治专项资金", "地质灾害隐患点监测预警项目"),
        (
            q(NUM, "隐患点监测", "≥", 50, 200, "处"),
            q(NUM, "实施治理工程", "≥", 3, 10, "处"),
            full(QUA, "群测群防覆盖率"),
            full(TIME, "预警信息发布及时率"),
            t(SOC, "受威胁群众生命财产安全", "得到保障", "得到保障"),
            rate(SATL2, "受益群众满意度", 88, 96),
        ),
        "开展地质灾害隐患点监测和工程治理，安排资金{amount}万元，保障群众安全。",
        (150, 1200),
    ),
    Domain(
        "foodsafety",
        "市场监督管理局",
        ("食品药品检验检测中心", "市场监管综合执法大队"),
        ("食品安全监督抽检经费", "食品安全示范城市创建经费"),
        (
            q(NUM, "食品抽检批次", "≥", 1500, 4000, "批次"),
            full(QUA, "问题产品核查处置率"),
            rate(TIME, "抽检结果公开及时率", 95, 99),
            q(COST, "每批次检测成本", "≤", 600, 900, "元/批次"),
            rate(SOC, "食品安全知晓率", 82, 90),
            rate(SATL2, "公众满意度", 85, 92),
        ),
        "完成食品安全监督抽检任务，及时处置问题产品，安排资金{amount}万元。",
        (100, 600),
    ),
    Domain(
        "reserve",
        "应急管理局",
        ("应急物资储备库", "应急救援指挥中心"),
        ("应急物资储备经费", "自然灾害救灾物资采购项目"),
        (
            q(NUM, "储备物资品种", "≥", 20, 45, "种"),
            q(NUM, "储备物资数量", "≥", 1, 5, "万件", 1),
            rate(QUA, "储备物资完好率", 96, 99),
            q(TIME, "物资调拨响应时间", "≤", 2, 4, "小时"),
            t(SOC, "受灾群众基本生活", "得到保障", "得到保障"),
            rate(SATL2, "受灾群众满意度", 88, 95),
        ),
        "储备救灾物资，保障受灾群众基本生活，安排资金{amount}万元。",
        (100, 900),
    ),
    Domain(
        "manure",
        "农业农村局",
        ("畜牧兽医服务中心", "农业生态环境保护站"),
        ("畜禽粪污资源化利用整县推进项目", "畜禽养殖废弃物治理补助"),
        (
            q(NUM, "新建粪污处理设施", "≥", 20, 80, "个"),
            rate(QUA, "畜禽粪污综合利用率", 80, 90),
            full(QUA, "规模养殖场设施装备配套率"),
            t(TIME, "项目完成时限", "年内完成", "年内完成"),
            t(ENV, "农业面源污染", "有效减轻", "有效减轻"),
            rate(SATL2, "养殖户满意度", 85, 95),
        ),
        "推进畜禽粪污资源化利用，建设处理设施，投入资金{amount}万元。",
        (300, 1600),
    ),
    Domain(
        "fitness",
        "文化广电体育局",
        ("全民健身服务中心", "体育场馆管理所"),
        ("全民健身设施建设项目", "体育公园建设补助资金"),
        (
            q(NUM, "新建健身路径", "≥", 20, 60, "条"),
            q(NUM, "新建社会足球场", "≥", 2, 8, "块"),
            full(QUA, "器材验收合格率"),
            q(SOC, "人均体育场地面积", "≥", 2.2, 2.8, "平方米", 2),
            t(SUS, "健身设施管护", "长期有效", "长期有效"),
            rate(SATL2, "健身群众满意度", 88, 95),
        ),
        "建设全民健身设施，完善城乡健身网络，投入资金{amount}万元。",
        (150, 900),
    ),
    Domain(
        "revival",
        "乡村振兴局",
        ("乡村振兴服务中心", "农村经营管理站"),
        ("衔接推进乡村振兴补助资金", "特色产业发展扶持项目"),
        (
            q(NUM, "扶持产业项目", "≥", 10, 30, "个"),
            q(NUM, "带动脱贫户", "≥", 500, 3000, "户"),
            full(QUA, "项目资产确权率"),
            rate(TIME, "资金拨付及时率", 92, 99),
            q(ECO, "脱贫人口人均纯收入增长", "≥", 8, 12, "%", 1),
            t(SUS, "联农带农机制", "持续完善", "持续完善"),
            rate(SATL2, "受益群众满意度", 90, 96),
        ),
        "支持特色产业发展，带动脱贫群众增收，安排衔接资金{amount}万元。",
        (800, 4500),
    ),
    Domain(
        "river",
        "水利局",
        ("河道管理所", "河湖保护中心"),
        ("河湖长制工作经费", "河道保洁及水环境治理项目"),
        (
            q(NUM, "保洁河道长度", "≥", 100, 300, "公里"),
            q(NUM, "河湖巡查", "≥", 1000, 3000, "次"),
            rate(QUA, "水质达标断面比例", 80, 92),
            q(COST, "单位保洁成本", "≤", 0.8, 1.6, "万元/公里", 2),
            t(ENV, "河湖水环境", "持续改善", "持续改善"),
            rate(SATL2, "沿河群众满意度", 88, 95),
        ),
        "落实河湖长制，开展河道保洁和水环境治理，安排资金{amount}万元。",
        (150, 1100),
    ),
)

DOMAIN_BY_KEY = {d.key: d for d in DOMAINS}


# ---------------------------------------------------------------------------------------
# Department-level indicators (部门整体)

DEPARTMENT_SPECS: tuple[Spec, ...] = (
    rate(QUA, "重点工作任务完成率", 95, 100),
    q(NUM, "年度重点项目实施数量", "≥", 6, 15, "个"),
    rate(TIME, "预算执行进度", 90, 98),
    q(COST, "“三公”经费控制率", "≤", 100, 100, "%", better="down"),
    full(QUA, "政府采购执行率"),
    t(SOC, "部门履职效能", "有效提升", "有效提升"),
    t(SUS, "内部管理制度", "健全完善", "健全完善"),
    rate(SATL2, "服务对象满意度", 88, 96),
)


# ---------------------------------------------------------------------------------------
# Scoring tables (评价指标体系): 决策 / 过程 / 产出 / 效益


@dataclass(frozen=True)
class Criterion:
    """A 三级指标 of an evaluation's indicator system, with its explanation and scoring
    standard (both invented wording)."""

    level1: str
    level2: str
    name: str
    explain: str
    standard: str


SCORING_CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "决策",
        "项目立项",
        "立项依据充分性",
        "考察项目立项是否符合法律法规、相关政策和发展规划。",
        "依据充分得满分；依据不够充分的酌情扣分。",
    ),
    Criterion(
        "决策",
        "项目立项",
        "立项程序规范性",
        "考察项目申请、设立是否履行规定的程序。",
        "程序规范得满分；每发现一处不规范扣1分。",
    ),
    Criterion(
        "决策",
        "绩效目标",
        "绩效目标合理性",
        "考察绩效目标与项目实际是否相符。",
        "目标明确合理得满分；否则酌情扣分。",
    ),
    Criterion(
        "决策",
        "绩效目标",
        "绩效指标明确性",
        "考察绩效指标是否细化、量化、可衡量。",
        "指标清晰可衡量得满分；每缺一项扣0.5分。",
    ),
    Criterion(
        "决策",
        "资金投入",
        "预算编制科学性",
        "考察预算编制是否经过论证，内容与项目相匹配。",
        "测算依据充分得满分；依据不足酌情扣分。",
    ),
    Criterion(
        "决策",
        "资金投入",
        "资金分配合理性",
        "考察资金分配依据是否充分，分配额度是否合理。",
        "分配合理得满分；存在不合理情况扣分。",
    ),
    Criterion(
        "过程",
        "资金管理",
        "资金到位率",
        "实际到位资金与预算资金的比率。",
        "到位率100%得满分，每低1个百分点扣0.2分。",
    ),
    Criterion(
        "过程",
        "资金管理",
        "预算执行率",
        "实际支出资金与实际到位资金的比率。",
        "执行率达到100%得满分，按比例计算得分。",
    ),
    Criterion(
        "过程",
        "资金管理",
        "资金使用合规性",
        "考察资金使用是否符合财务管理制度规定。",
        "无违规情况得满分；发现一处违规扣1分。",
    ),
    Criterion(
        "过程",
        "组织实施",
        "管理制度健全性",
        "考察项目实施单位管理制度是否健全。",
        "制度健全得满分；制度缺失酌情扣分。",
    ),
    Criterion(
        "过程",
        "组织实施",
        "制度执行有效性",
        "考察项目实施是否符合相关管理规定。",
        "执行到位得满分；资料不全扣0.5分。",
    ),
    Criterion(
        "产出",
        "产出数量",
        "实际完成率",
        "项目实施的实际产出数与计划产出数的比率。",
        "完成率100%得满分，按比例扣分。",
    ),
    Criterion(
        "产出",
        "产出质量",
        "质量达标率",
        "达到质量标准的产出数与实际产出数的比率。",
        "达标率100%得满分，每低1%扣0.5分。",
    ),
    Criterion(
        "产出",
        "产出时效",
        "完成及时性",
        "项目实际完成时间与计划完成时间的比较。",
        "按时完成得满分；延期酌情扣分。",
    ),
    Criterion(
        "产出",
        "产出成本",
        "成本节约率",
        "完成工作后实际节约成本与计划成本的比率。",
        "成本控制在预算内得满分；超支扣分。",
    ),
    Criterion(
        "效益",
        "项目效益",
        "社会效益",
        "项目实施对社会发展带来的直接或间接影响。",
        "效益明显得满分；效益一般酌情扣分。",
    ),
    Criterion(
        "效益",
        "项目效益",
        "经济效益",
        "项目实施对经济发展带来的直接或间接影响。",
        "效益明显得满分；效益一般酌情扣分。",
    ),
    Criterion(
        "效益",
        "项目效益",
        "可持续影响",
        "项目后续运行及成效发挥的可持续性。",
        "长效机制健全得满分；否则酌情扣分。",
    ),
    Criterion(
        "效益",
        "满意度",
        "服务对象满意度",
        "服务对象对项目实施效果的满意程度。",
        "满意度90%以上得满分，每低1%扣0.5分。",
    ),
)

OPINIONS_FULL = ("符合要求", "依据充分", "程序规范", "完成良好", "效果明显", "达到预期")
OPINIONS_PART = (
    "部分资料不完整",
    "个别指标未细化量化",
    "资金拨付进度偏慢",
    "部分任务延期完成",
    "长效管护机制尚需完善",
    "满意度调查样本偏少",
)


def pick_domain(rng: random.Random, exclude: set[str] | frozenset[str] = frozenset()) -> Domain:
    choices = [d for d in DOMAINS if d.key not in exclude]
    return rng.choice(choices)


# ---------------------------------------------------------------------------------------
# Report text (no figures, so nothing in it restates or contradicts a table)

REPORT_SENTENCES: tuple[tuple[str, ...], ...] = (
    (
        "（一）组织实施情况",
        "项目由{unit}具体实施，成立了工作专班，明确了责任分工和完成时限。",
        "实施过程中严格执行相关管理办法，建立工作台账，实行定期调度和通报制度。",
        "主管部门加强业务指导和监督检查，及时协调解决实施中遇到的困难和问题。",
    ),
    (
        "（二）资金管理情况",
        "项目资金实行专账核算、专款专用，资金拨付严格履行审批程序。",
        "未发现截留、挤占、挪用项目资金的情况，会计核算规范，资料完整。",
        "政府采购事项均按规定程序组织实施，合同管理较为规范。",
    ),
    (
        "（三）绩效目标完成情况",
        "对照年初设定的绩效目标，项目主要产出指标基本完成，效益逐步显现。",
        "通过问卷调查和实地走访，服务对象对项目实施总体满意。",
        "个别指标因客观原因未完全达到预期，已在自评表中说明原因。",
    ),
    (
        "（四）存在的问题",
        "一是部分绩效指标设置不够细化、量化，可衡量性有待加强。",
        "二是资金支付进度前慢后快，年底集中支付的情况仍然存在。",
        "三是项目建成后的长效管护机制还需进一步健全。",
    ),
    (
        "（五）改进措施及建议",
        "进一步加强事前绩效评估和绩效目标审核，提高目标设置的科学性。",
        "强化绩效运行监控，对偏离目标的项目及时预警纠偏。",
        "加强评价结果应用，将评价结果作为以后年度预算安排的重要依据。",
    ),
)


def report_text(rng: random.Random, unit: str, sections: int) -> list[str]:
    """Report paragraphs (sections of 2–3 sentences), as lines."""
    chosen = sorted(rng.sample(range(len(REPORT_SENTENCES)), min(sections, len(REPORT_SENTENCES))))
    lines: list[str] = []
    for i in chosen:
        heading, *sentences = REPORT_SENTENCES[i]
        lines.append(heading)
        picked = sentences[: rng.randint(2, len(sentences))]
        lines.append("".join(picked).replace("{unit}", unit))
    return lines
