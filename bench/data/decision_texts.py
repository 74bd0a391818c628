"""The words generated decisions are written with: what each agenda topic decides, the
sentences any decision may carry, and the policy interpretation's sections, put together
to the lengths staff write (a decision of 80 to 200 characters, an interpretation of 300
to 900 in Markdown).

Some words are everywhere (居民 in nearly every decision, 社区 in about half, 养老 and 停车
in one in five), some only in one topic's (老旧小区 in one in thirty, 阶梯水价), so a search
finds many decisions or few. No text holds 单车: the bench's search for 共享单车 matches
nothing, though 共享 is in one in seven.
"""

from __future__ import annotations

import random

from meetings.decisions.models import DecisionOutcome

# What the decision on each topic of `texts.TOPICS` requires, clause by clause.
MEASURES = {
    "老旧小区综合整治项目计划": ("对建成年代较早的老旧小区开展抗震加固和节能改造", "在具备条件的楼栋加装电梯", "补齐社区养老、托育等服务设施", "整治方案在施工前向小区居民公示"),  # noqa: E501
    "背街小巷环境整治提升行动方案": ("清理背街小巷的违法建设和堆物堆料", "规范架空线缆，修补破损路面", "增设街巷照明和休憩座椅", "落实街巷长制，加强日常巡查"),  # noqa: E501
    "养老服务驿站建设实施意见": ("在每个街道建成至少一处养老服务驿站", "为高龄、失能老人提供助餐、助浴和上门巡视服务", "引入专业机构运营养老服务驿站", "对驿站服务质量开展第三方评估"),  # noqa: E501
    "义务教育阶段入学政策": ("按照多校划片方式安排适龄儿童入学", "公开各学校招生范围和招生计划", "简化非本市户籍适龄儿童入学材料审核", "开通入学咨询电话，及时解答家长疑问"),  # noqa: E501
    "生活垃圾分类工作": ("优化小区垃圾桶站设置", "配备垃圾分类指导员开展桶前值守", "做到分类收集、分类运输、分类处理", "加强对物业服务企业的检查指导"),  # noqa: E501
    "居住区停车综合治理": ("推行错时共享停车，开放机关和企事业单位停车场夜间车位", "路侧停车实行电子收费", "对本街道登记的居民车辆实行夜间停车优惠", "挖掘社区周边停车资源，规范居住区停车秩序"),  # noqa: E501
    "优化营商环境若干措施": ("压减涉企审批时限", "推行“一网通办”，更多事项网上办理", "材料齐全的事项力争一次办好", "建立企业诉求快速响应机制"),  # noqa: E501
    "区级财政预算执行情况": ("优先保障教育、养老等民生支出", "从严控制一般性支出", "加快重点项目预算执行进度", "按规定向社会公开预算执行情况"),  # noqa: E501
    "历史文化街区保护更新": ("保护胡同肌理和传统院落格局", "对历史建筑实行挂牌保护", "改善街区内居民的居住条件", "引导社区居民参与街区更新"),  # noqa: E501
    "社区议事厅运行情况": ("规范社区议事厅的议题征集和议事程序", "议事结果在社区公示栏和网上公开", "吸纳居民代表、驻区单位参与议事", "跟踪议定事项的落实情况"),  # noqa: E501
    "临时救助制度": ("简化临时救助申请和审批程序", "对急难型救助实行先行救助", "适当提高临时救助标准", "加强救助政策在社区的宣传"),  # noqa: E501
    "居民用水阶梯价格调整": ("阶梯水价调整方案在听证会前向社会公开征求意见", "听证会消费者代表通过自愿报名、随机抽取产生", "对低收入家庭给予用水补贴", "做好阶梯水价政策解读"),  # noqa: E501
    "公共卫生应急体系建设": ("完善传染病监测预警机制", "加强社区卫生服务中心应急能力建设", "储备必要的应急物资", "定期开展应急演练"),  # noqa: E501
    "社区卫生服务中心布局规划": ("按照服务人口合理布局社区卫生服务中心", "推进家庭医生签约服务", "延长部分社区卫生服务中心的服务时间", "为行动不便的老年人提供上门医疗服务"),  # noqa: E501
    "城市道路大修工程计划": ("对破损严重的道路实施大修", "施工期间做好交通疏导", "施工安排提前向周边居民公告", "同步完善无障碍设施"),  # noqa: E501
    "慢行系统品质提升": ("连通步行和自行车道路网络", "治理占用自行车道停车的行为", "完善人行道无障碍设施", "增设过街设施和林荫步道"),  # noqa: E501
    "就业困难人员帮扶措施": ("为就业困难人员提供一对一就业指导", "开发公益性岗位托底安置", "组织专场招聘会", "落实社会保险补贴政策"),  # noqa: E501
    "食品安全监督抽检计划": ("扩大食品安全抽检覆盖面", "重点抽检校园周边和农贸市场食品", "抽检结果按规定向社会公布", "对不合格食品依法处置"),  # noqa: E501
    "大气污染防治重点任务": ("加强施工工地扬尘治理", "推进餐饮油烟治理", "淘汰高排放老旧机动车", "重污染天气及时启动应急措施"),  # noqa: E501
    "公共文化设施免费开放": ("公共图书馆、文化馆免费开放", "延长文化设施开放时间", "在社区开展公益文化活动", "为老年人、残疾人提供便利服务"),  # noqa: E501
    "全民健身设施补短板": ("在社区和公园增设健身设施", "推动学校体育场地向社会开放", "更新维护老化的健身器材", "组织群众性体育赛事活动"),  # noqa: E501
    "政务服务“一网通办”改革": ("推动更多政务服务事项网上办理", "压减办事材料和办理时限", "在街道和社区设置自助服务终端", "为老年人保留线下办理渠道"),  # noqa: E501
    "防汛工作预案": ("排查低洼院落和地下空间积水隐患", "储备防汛物资，组建抢险队伍", "汛期实行领导带班和值班制度", "及时发布预警信息，组织居民转移避险"),  # noqa: E501
    "住房保障房源分配办法": ("保障性住房房源分配实行公开摇号", "分配结果向社会公示", "优先保障老年人、残疾人等困难家庭", "加强对保障房使用情况的监督检查"),  # noqa: E501
    "学前教育普惠性资源扩充": ("新增普惠性幼儿园学位", "支持社区办园点建设", "规范普惠性幼儿园收费", "加强幼儿园教师队伍建设"),  # noqa: E501
    "老年助餐服务补贴办法": ("对老年人在助餐点就餐给予补贴", "高龄、失能老人优先享受送餐上门服务", "加强助餐点食品安全管理", "补贴标准和助餐点名单向社会公布"),  # noqa: E501
    "社区菜市场便民网点建设": ("在居民步行可达范围内布局便民菜市场", "规范便民网点经营秩序", "稳定蔬菜、肉蛋等基本生活物资价格", "支持连锁品牌企业进社区"),  # noqa: E501
    "公园绿地建设和管理": ("新建一批口袋公园和小微绿地", "提升公园绿地的无障碍和适老化水平", "加强公园绿地日常养护", "广泛听取周边居民对公园建设的意见"),  # noqa: E501
}  # fmt: skip

OPENERS = {
    DecisionOutcome.APPROVED: ("会议审议并原则通过{subject}相关方案。", "会议原则同意{sponsor}提出的{subject}方案。"),  # noqa: E501
    DecisionOutcome.APPROVED_WITH_CHANGES: ("会议原则同意{subject}方案，并提出修改意见。",),
    DecisionOutcome.FOR_INFORMATION: ("会议听取了{sponsor}关于{subject}的汇报。",),
    DecisionOutcome.DEFERRED: ("会议研究了{subject}，认为方案涉及面广、与群众切身利益密切相关，决定暂缓审议。",),  # noqa: E501
    DecisionOutcome.NOT_APPROVED: ("会议审议了{subject}方案，认为论证尚不充分，未予通过。",),
}  # fmt: skip
# How the measures are introduced, by outcome: required, reported, or still to be studied.
MIDDLES = {
    DecisionOutcome.APPROVED: "会议要求{measures}。",
    DecisionOutcome.APPROVED_WITH_CHANGES: "会议要求在方案中明确{measures}。",
    DecisionOutcome.FOR_INFORMATION: "汇报提出，下一步将{measures}。",
    DecisionOutcome.DEFERRED: "会议认为，{measures}等安排需进一步听取意见。",
    DecisionOutcome.NOT_APPROVED: "会议认为，{measures}等措施的可行性需重新论证。",
}
CLOSERS = {
    DecisionOutcome.APPROVED: ("会议要求{sponsor}按程序印发实施。", "会议要求{sponsor}抓紧组织实施，年底前报告进展情况。"),  # noqa: E501
    DecisionOutcome.APPROVED_WITH_CHANGES: ("会议要求{sponsor}根据会议意见修改完善后印发实施。",),
    DecisionOutcome.FOR_INFORMATION: ("会议要求{sponsor}继续做好相关工作，重要情况及时报告。",),
    DecisionOutcome.DEFERRED: ("会议要求{sponsor}进一步调研论证、修改完善后再提请会议审议。",),
    DecisionOutcome.NOT_APPROVED: ("会议要求{sponsor}重新研究后另行提请审议。",),
}  # fmt: skip
REQUIREMENTS = (
    "会议要求加强政策宣传解读，及时回应居民关切。",
    "会议要求各街道、社区做好组织实施，确保各项措施落到实处。",
    "会议要求实施过程中充分听取居民和驻区单位的意见。",
    "会议要求强化部门协同，形成工作合力。",
    "会议要求严格资金管理，提高资金使用效益。",
    "会议要求建立工作台账，定期报告进展情况。",
    "会议要求做好风险评估，稳妥有序推进。",
    "会议要求将落实情况纳入年度绩效考核。",
    "会议要求统筹解决停车、养老等居民反映集中的问题。",
    "会议要求注重发挥社区议事协商作用，做到共建共治共享。",
)

HEADINGS = {
    "what": ("这项决定是什么", "这次会议决定了什么", "这是什么议题"),
    "effect": ("对居民有什么影响", "主要内容有哪些", "具体怎么做"),
    "when": ("什么时候开始", "接下来怎么做"),
    "why": ("为什么要这样做", "这项工作的背景"),
    "money": ("资金从哪里来",),
    "voice": ("怎么反映意见", "遇到问题怎么办"),
    "more": ("还需要了解什么", "相关说明"),
}
WHAT = {
    DecisionOutcome.APPROVED: "{body}通过了{subject}的相关安排，{purpose}。",
    DecisionOutcome.APPROVED_WITH_CHANGES: "{body}原则同意{subject}，要求根据会议意见修改完善，{purpose}。",  # noqa: E501
    DecisionOutcome.FOR_INFORMATION: "{sponsor}向会议汇报了{subject}的情况。这是一次工作汇报，会议没有作出新的政策决定。",  # noqa: E501
    DecisionOutcome.DEFERRED: "会议讨论了{subject}，决定暂缓审议。现行政策暂不调整，方案修改完善后会再次提请审议。",  # noqa: E501
    DecisionOutcome.NOT_APPROVED: "会议审议了{subject}，没有通过，现行做法不变。{sponsor}将重新研究后另行提请审议。",  # noqa: E501
}  # fmt: skip
PURPOSES = (
    "目的是让居民生活更方便",
    "目的是解决群众反映集中的问题",
    "目的是补齐公共服务短板",
    "目的是提升城市精细化管理水平",
    "目的是让政策执行更公平、更透明",
    "目的是让老年人、残疾人等群体得到更多照顾",
)
BULLETS = (
    "相关信息将在街道公示栏和区政府网站同步公开",
    "实施中听取居民和驻区单位的意见",
    "涉及居民切身利益的事项事先公示",
    "老年人、残疾人等群体可以得到优先照顾和帮助",
    "居委会将协助做好宣传和组织工作",
    "办理进度可以在网上查询",
    "符合条件的困难群众可以申请减免相关费用",
    "实施前将在小区张贴告示",
    "有关费用按规定由财政资金保障，不向居民收取",
    "实施进展定期向社会通报",
)
WHEN = (
    "方案印发后由{sponsor}牵头组织实施，各街道按分工陆续落实。",
    "具体实施时间和范围以正式印发的文件为准，届时将在区政府网站公布。",
    "{sponsor}将在三个月内制定实施细则，实施满一年后开展评估。",
    "先在部分街道试点，跟踪评估效果后再决定是否在全区推广。",
)
WHY = (
    "近年来，居民通过12345热线、人大代表建议等渠道反映这方面的问题较多。{sponsor}在前期调研中开展了实地走访，听取了居民、专家和相关单位的意见，形成了现在的方案。",  # noqa: E501
    "这项工作关系群众切身利益。方案起草过程中，{sponsor}梳理了近三年的居民诉求，参考了其他城区的做法，并征求了各街道的意见。",  # noqa: E501
    "根据上级部署和本区实际，这项工作需要在原有基础上进一步完善。会前，{sponsor}组织了专题调研，对可能遇到的问题作了评估。",  # noqa: E501
)  # fmt: skip
MONEY = (
    "所需资金由区级财政统筹安排，纳入年度预算，使用情况按规定向社会公开。",
    "所需资金由区级财政和街道共同承担，**不向居民收取费用**。",
)
VOICE = (
    "对实施中的问题，可以向所在街道办事处反映，也可以拨打12345热线。",
    "居民可以通过区政府网站“政民互动”栏目提出意见建议，{sponsor}将在15个工作日内答复。",
    "{sponsor}将通过座谈会、问卷调查等渠道定期听取居民意见，并在实施中不断改进。",
)
EXTRAS = (("why", WHY), ("money", MONEY), ("voice", VOICE))
MORE = (
    "这项决定只适用于本区范围内的相关事项。市级层面另有规定的，按照市级规定执行。",
    "决定实施后，{sponsor}将会同各街道定期检查落实情况，检查结果在区政府网站公开。居民发现落实不到位的，可以随时反映。",  # noqa: E501
    "政策实施中遇到的新情况、新问题，{sponsor}将及时研究，必要时提请区政府调整完善。调整前会再次听取社会意见。",  # noqa: E501
    "为方便居民了解政策，各街道将通过居民微信群、宣传栏等方式发布解读材料，并安排工作人员现场答疑。",  # noqa: E501
    "对行动不便的老年人、残疾人，街道工作人员可以上门讲解政策、协助办理相关手续。",
    "本解读用通俗的语言介绍决定的主要内容，具体要求以正式印发的文件为准。",
    "有关的办事指南将在区政府网站和政务服务大厅同步发布，方便居民查询。",
    "决定执行中如与新出台的法律法规不一致，以法律法规为准。",
    "有关数据和进展情况将纳入年度政府信息公开工作报告。",
    "街道将组织居民代表参与监督，听取大家的意见。",
)  # fmt: skip
DISSENTS = (
    "会议中有同志对{measure}的实施范围保留意见，认为宜先行试点、评估后再推开。会议对该意见记录在案。",  # noqa: E501
    "有参会同志认为{measure}所需资金测算偏紧，建议进一步核实。会议对该意见记录在案，并要求在实施中予以关注。",  # noqa: E501
)  # fmt: skip
COMMENTS_USED = "本议题会前公开征求了意见。{sponsor}对收到的意见建议逐条研究，采纳和部分采纳的意见已体现在方案中，未采纳的说明了理由，详见该议题征求意见的反馈报告。"  # noqa: E501
# (what the correction note says, what the corrected text adds)
CORRECTIONS = (
    ("原文遗漏了会议对实施时限的要求，现予补充。", "会议要求相关工作于年内完成。"),
    ("原文未列明配合单位，现予补充。", "会议明确相关街道办事处配合落实。"),
    ("原文未载明评估安排，现予补充。", "会议要求实施满一年后开展评估并公开评估结果。"),
)
DOCUMENTS_CORRECTION = "补充了会后正式印发的文件。"
OUTCOME_WORDS = {
    DecisionOutcome.APPROVED: "原则通过",
    DecisionOutcome.APPROVED_WITH_CHANGES: "原则同意，修改完善后实施",
    DecisionOutcome.FOR_INFORMATION: "听取汇报",
    DecisionOutcome.DEFERRED: "暂缓审议",
    DecisionOutcome.NOT_APPROVED: "未予通过",
}
TEXT_LENGTH = (80, 200)
INTERPRETATION_LENGTH = (300, 900)


def decision_text(rng: random.Random, subject: str, sponsor: str, outcome: DecisionOutcome) -> str:
    """What was decided, 80 to 200 characters: the outcome, the measures, what is asked."""
    measures = rng.sample(MEASURES[subject], rng.randint(1, 3))
    opener = rng.choice(OPENERS[outcome]).format(subject=subject, sponsor=sponsor)
    closer = rng.choice(CLOSERS[outcome]).format(sponsor=sponsor)
    required = rng.sample(REQUIREMENTS, rng.randint(0, 2))

    def text() -> str:
        middle = MIDDLES[outcome].format(measures="，".join(measures))
        return opener + middle + "".join(required) + closer

    while len(text()) > TEXT_LENGTH[1] and (required or len(measures) > 1):
        (required or measures).pop()
    while len(text()) < TEXT_LENGTH[0]:
        required.append(rng.choice([r for r in REQUIREMENTS if r not in required]))
    return text()


def interpretation(
    rng: random.Random, subject: str, sponsor: str, body: str, outcome: DecisionOutcome
) -> str:
    """The policy interpretation in plain words, Markdown, 300 to 900 characters: what was
    decided, what it changes for residents, when; then as much background as its length
    drawn between those allows."""
    target = rng.randint(*INTERPRETATION_LENGTH)
    fill = {"subject": subject, "sponsor": sponsor, "body": body}

    def section(key: str, *lines: str) -> list:
        return [rng.choice(HEADINGS[key]), key, [line.format(**fill) for line in lines]]

    what = WHAT[outcome].format(purpose=rng.choice(PURPOSES), **fill)
    effect = section("effect", *rng.sample(MEASURES[subject], rng.randint(2, 4)))
    sections = [section("what", what), effect, section("when", rng.choice(WHEN))]
    extras = [section(key, rng.choice(pool)) for key, pool in EXTRAS]
    rng.shuffle(extras)
    notes, more = section("more"), [line.format(**fill) for line in rng.sample(MORE, len(MORE))]
    spare = [line for line in rng.sample(BULLETS, len(BULLETS)) if line not in effect[2]]
    while len(_markdown(sections)) < target and (extras or spare or more):
        draw = rng.random()
        if extras and draw < 0.4:
            extra = extras.pop()  # background after what was decided, the rest at the end
            end = len(sections) - (notes in sections)
            sections.insert(1 if extra[1] == "why" else end, extra)
        elif spare and draw < 0.7:
            effect[2].append(spare.pop())
        elif more:
            if notes not in sections:
                sections.append(notes)
            notes[2].append(more.pop())
    while len(_markdown(sections)) > INTERPRETATION_LENGTH[1]:
        if notes[2]:
            notes[2].pop()
            if not notes[2]:
                sections.remove(notes)
        elif len(effect[2]) > 2:
            effect[2].pop()
        else:
            sections.pop()
    return _markdown(sections)


def _markdown(sections: list[list]) -> str:
    parts = []
    for heading, key, lines in sections:
        parts.append(f"## {heading}")
        if key == "effect":
            last = len(lines) - 1
            parts.append("\n".join(f"- {line}{'。' if n == last else '；'}"
                                   for n, line in enumerate(lines)))  # fmt: skip
        else:
            parts.extend(lines)
    return "\n\n".join(parts)


def dissent(rng: random.Random, subject: str) -> str:
    return rng.choice(DISSENTS).format(measure=rng.choice(MEASURES[subject]))


def summary_text(title: str, day: str, venue: str | None, decided: list[tuple[str, str]]) -> str:
    """The meeting summary: when and where, then each public item and what became of it."""
    where = f"在{venue}" if venue else ""
    lines = "\n".join(f"- {subject}：{words}；" for subject, words in decided)
    return (
        f"{title}于{day}{where}召开。会议研究了以下议题：\n\n{lines.removesuffix('；')}。\n\n"
        "各议题的决定和政策解读已在本页公开，欢迎社会各界监督。"
    )
