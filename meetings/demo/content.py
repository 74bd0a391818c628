"""What the demo meetings say and when each step of their story happened: the organising
bodies, the agenda items, and a year of meetings with the days they were drafted,
announced, changed and held (days counted from the day the demo is loaded)."""

from __future__ import annotations

from typing import NamedTuple

from meetings.models import BodyLevel

# The day the office set up its staff accounts and organising bodies, before its first
# meeting in the demo.
OFFICE_SETUP_DAY = -400

DEMO_BODIES = (
    ("区政府常务会议", BodyLevel.DISTRICT, "district-executive", "区政府第一会议室"),
    (
        "区发展和改革委员会主任办公会",
        BodyLevel.DEPARTMENT,
        "development-reform",
        "区发改委三层会议室",
    ),
    ("区民政局局务会", BodyLevel.DEPARTMENT, "civil-affairs", "区民政局二层会议室"),
    ("什刹海街道办事处主任办公会", BodyLevel.STREET, "shichahai-street", "什刹海街道办事处会议室"),
)

WITHHELD_BASIS = "涉及国家秘密，依据《中华人民共和国政府信息公开条例》第十四条不予公开"

# (title, summary, sponsor, presenter, major decision)
ITEMS = {
    "old-housing": (
        "关于2027年老旧小区综合整治项目计划的议题",
        "拟对辖区内12个建成于2000年前的老旧小区实施综合整治，包括抗震加固、节能改造、加装电梯和补齐养老托育设施。",
        "区住房城市建设委",
        "区住房城市建设委主任",
        True,
    ),
    "alleys": (
        "关于背街小巷环境整治提升三年行动方案的议题",
        "梳理全区背街小巷，按“十无五好”标准分批整治，同步建立街巷长制和日常巡查机制。",
        "区城市管理委",
        "区城市管理委副主任",
        False,
    ),
    "elderly": (
        "关于加快养老服务驿站建设的实施意见",
        "到2027年底实现每个社区至少一个养老服务驿站，提供助餐、助浴、日间照料和巡视探访服务。",
        "区民政局",
        "区民政局局长",
        True,
    ),
    "school": (
        "关于2027年义务教育阶段入学政策的议题",
        "进一步完善多校划片和学区制管理，明确非本市户籍适龄儿童入学材料审核办法。",
        "区教委",
        "区教委主任",
        True,
    ),
    "waste": (
        "关于深化生活垃圾分类工作的议题",
        "推进垃圾分类示范小区创建，完善桶站设置和收运体系。",
        "区城市管理委",
        "区城市管理委主任",
        False,
    ),
    "parking": (
        "关于居住区停车综合治理试点的议题",
        "在三个街道试点错时共享停车和路侧停车电子收费。",
        "区交通委",
        "区交通委副主任",
        False,
    ),
    "business": (
        "关于优化营商环境若干措施的议题",
        "压减审批时限，推行“一网通办”和“一次办好”。",
        "区发展改革委",
        "区发展改革委主任",
        False,
    ),
    "budget": (
        "关于2027年区级财政预算草案编制情况的汇报",
        "汇报预算编制原则、收支安排和重点项目保障情况。",
        "区财政局",
        "区财政局局长",
        False,
    ),
    "hutong": (
        "关于历史文化街区保护更新项目的议题",
        "对什刹海片区院落实施申请式退租和保护性修缮。",
        "什刹海街道",
        "街道办事处副主任",
        True,
    ),
    "community": (
        "关于社区议事厅运行情况的汇报",
        "总结居民议事协商成果，研究下一阶段议题征集办法。",
        "什刹海街道",
        "街道民生保障办主任",
        False,
    ),
    "relief": (
        "关于完善临时救助制度的议题",
        "调整临时救助标准，简化急难型救助审批流程。",
        "区民政局",
        "社会救助科科长",
        False,
    ),
    "price": (
        "关于居民用水阶梯价格调整听证准备工作的汇报",
        "通报价格听证会组织方案和参加人遴选办法。",
        "区发展改革委",
        "价格科科长",
        True,
    ),
}


class DemoMeeting(NamedTuple):
    """A meeting and its story. `fate` is where it stands when the demo is loaded: draft,
    submitted, announced, cancelled, postponed or concluded. Days count from the day the
    demo is loaded; a draft is written at 10:00, submitted at 16:30, announced at 11:00."""

    day: int
    body: str
    title: str
    number: int
    items: tuple[str, ...]
    fate: str
    drafted: int
    submitted: int | None = None
    announced: int | None = None
    # The day a cancellation or postponement was proposed and approved.
    changed: int | None = None
    # Live updates posted during the meeting: (minutes after the start, text).
    live: tuple[tuple[int, str], ...] = ()


# A meeting with a consultation on one of its items is announced long enough before it for
# the comment period (normally at least 30 days) to open after and close before it.
DEMO_MEETINGS = (
    DemoMeeting(
        -340,
        "district-executive",
        "2025年第22次区政府常务会议",
        22,
        ("budget", "business"),
        "concluded",
        drafted=-352,
        submitted=-348,
        announced=-347,
    ),
    DemoMeeting(
        -290,
        "district-executive",
        "2026年第3次区政府常务会议",
        3,
        ("old-housing", "waste"),
        "concluded",
        drafted=-300,
        submitted=-298,
        announced=-297,
    ),
    DemoMeeting(
        -230,
        "district-executive",
        "2026年第7次区政府常务会议",
        7,
        ("school", "parking"),
        "concluded",
        drafted=-240,
        submitted=-238,
        announced=-237,
    ),
    DemoMeeting(
        -170,
        "development-reform",
        "区发改委2026年第6次主任办公会",
        6,
        ("price", "business"),
        "concluded",
        drafted=-180,
        submitted=-176,
        announced=-175,
    ),
    DemoMeeting(
        -120,
        "district-executive",
        "2026年第12次区政府常务会议",
        12,
        ("elderly", "alleys", "secret"),
        "concluded",
        drafted=-180,
        submitted=-173,
        announced=-172,
    ),
    DemoMeeting(
        -60,
        "civil-affairs",
        "区民政局2026年第8次局务会",
        8,
        ("relief", "elderly"),
        "concluded",
        drafted=-70,
        submitted=-66,
        announced=-65,
    ),
    DemoMeeting(
        -25,
        "shichahai-street",
        "什刹海街道2026年第9次主任办公会",
        9,
        ("hutong", "community"),
        "concluded",
        drafted=-82,
        submitted=-77,
        announced=-76,
    ),
    DemoMeeting(
        -12,
        "district-executive",
        "2026年第18次区政府常务会议",
        18,
        ("old-housing", "alleys", "elderly"),
        "concluded",
        drafted=-24,
        submitted=-20,
        announced=-19,
        live=(
            (0, "会议开始。区长主持会议，区人大代表、政协委员和居民代表列席。"),
            (
                25,
                "第一项议题：区住房城市建设委汇报老旧小区综合整治项目计划，列席居民代表就加装电梯发表意见。",
            ),
            (
                70,
                "第三项议题：区民政局汇报养老服务驿站建设实施意见落实情况，会议要求年内完成首批20个驿站选址。",
            ),
        ),
    ),
    DemoMeeting(
        9,
        "district-executive",
        "2026年第19次区政府常务会议",
        19,
        ("school", "waste", "secret"),
        "announced",
        drafted=-10,
        submitted=-8,
        announced=-7,
    ),
    DemoMeeting(
        14,
        "development-reform",
        "区发改委2026年第9次主任办公会",
        9,
        ("business", "price"),
        "announced",
        drafted=-50,
        submitted=-45,
        announced=-44,
    ),
    DemoMeeting(
        20,
        "civil-affairs",
        "区民政局2026年第10次局务会",
        10,
        ("relief",),
        "cancelled",
        drafted=-15,
        submitted=-10,
        announced=-9,
        changed=-3,
    ),
    DemoMeeting(
        23,
        "district-executive",
        "2026年第20次区政府常务会议",
        20,
        ("parking", "budget"),
        "postponed",
        drafted=-14,
        submitted=-9,
        announced=-8,
        changed=-2,
    ),
    DemoMeeting(
        16,
        "shichahai-street",
        "什刹海街道2026年第11次主任办公会",
        11,
        ("community", "alleys"),
        "submitted",
        drafted=-4,
        submitted=-1,
    ),
    DemoMeeting(
        45,
        "shichahai-street",
        "什刹海街道2026年第12次主任办公会",
        12,
        ("hutong",),
        "announced",
        drafted=-6,
        submitted=-3,
        announced=-2,
    ),
    DemoMeeting(
        52,
        "district-executive",
        "2027年第1次区政府常务会议",
        1,
        ("budget",),
        "draft",
        drafted=-2,
    ),
)

CANCEL_REASON = "议题尚需进一步征求社区意见，本次会议取消，议题另行安排。"
POSTPONE_REASON = "因区人大常委会会议时间调整，本次会议延期一周举行。"
