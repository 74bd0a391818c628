"""What the demo meetings decided, for every meeting held (fate "concluded") and each of its
public agenda items: the decision (议定事项) with its outcome, the plain-words policy
interpretation (政策解读), any dissent recorded at the meeting, how public comments were
used, the final documents, the meeting summary (会议通稿) and one published correction.

Keys are (meeting day as in `meetings.demo.content.DEMO_MEETINGS`, item key in `ITEMS`);
the withheld item ("secret") has no published decision."""

from __future__ import annotations

from meetings.decisions.demo import earlier_meetings, later_meetings
from meetings.decisions.demo.shape import DemoDecision

# (meeting day as in DEMO_MEETINGS, item key) -> its decision
DECISIONS: dict[tuple[int, str], DemoDecision] = {
    **earlier_meetings.DECISIONS,
    **later_meetings.DECISIONS,
}


# meeting day -> 会议通稿 (Markdown)
SUMMARIES: dict[int, str] = {
    -340: (
        "区长王明主持召开区政府常务会议，"
        "听取区财政局关于2027年区级财政预算草案编制情况的汇报，"
        "审议《关于优化营商环境若干措施》。会议指出，预算编制要坚持量入为出、有保有压，"
        "把有限的财力更多用在民生上；优化营商环境要从企业和群众办事的难点入手。"
        "会议要求各部门压减审批时限，推行“一网通办”和“一次办好”，"
        "区发展改革委牵头抓好落实。"
    ),
    -290: (
        "区长王明主持召开2026年第3次区政府常务会议，"
        "研究2027年老旧小区综合整治项目计划和深化生活垃圾分类工作。会议指出，"
        "老旧小区整治是惠及群众的民生工程，要问需于民、一小区一方案。"
        "会议要求区住房城市建设委抓紧开展房屋检测和居民意愿征询，"
        "区城市管理委以示范小区创建为抓手，完善分类收运体系。"
    ),
    -230: (
        "区长王明主持召开2026年第7次区政府常务会议，"
        "研究2027年义务教育阶段入学政策和居住区停车综合治理试点。会议指出，"
        "入学政策关系千家万户，必须充分调研、广泛听取意见，决定暂缓审议。"
        "会议原则同意在三个街道开展停车综合治理试点，要求修改完善试点方案，"
        "试点满半年进行评估。"
    ),
    -170: (
        "区发展改革委主任刘建华主持召开委主任办公会，"
        "听取居民用水阶梯价格调整听证准备工作的汇报，"
        "研究优化营商环境若干措施的落实工作。会议指出，价格听证要做到程序公开、"
        "参加人广泛。会议要求调整方案在听证会前公开征求意见；"
        "各科室按分工推进审批时限压减，每月报送进展。"
    ),
    -120: (
        "区长王明主持召开2026年第12次区政府常务会议，"
        "审议通过《关于加快养老服务驿站建设的实施意见》和《背街小巷环境整治提升三年行动"
        "方案》。会议指出，实施意见根据公众意见作了修改，要把群众的期盼落到实处。"
        "会议要求区民政局抓紧制定首批驿站建设计划，各街道同步建立街巷长制。"
        "会议还研究了其他事项。"
    ),
    -60: (
        "区民政局局长陈静主持召开局务会，"
        "研究完善临时救助制度和养老服务驿站建设落实工作。"
        "会议同意简化急难型临时救助审批流程，救助标准调整方案修改完善后再次审议。"
        "会议原则同意首批20个养老服务驿站建设计划和运营机构遴选办法，"
        "要求逐一核实选址后提请区政府常务会议审议。"
    ),
    -25: (
        "什刹海街道办事处主任赵雪主持召开主任办公会，"
        "审议历史文化街区申请式退租和保护性修缮实施方案，听取社区议事厅运行情况汇报。"
        "会议指出，院落修缮要保护好街区传统风貌，充分尊重居民意愿。"
        "会议要求在各社区设立咨询点，做到政策公开、自愿申请；"
        "社区议事厅每季度至少召开一次议事会。"
    ),
    -12: (
        "区长王明主持召开2026年第18次区政府常务会议，区人大代表、"
        "政协委员和居民代表列席。会议审议通过2027年老旧小区综合整治项目实施方案，"
        "听取背街小巷整治和养老服务驿站建设进展的汇报。会议指出，"
        "列席代表的意见要认真吸纳。会议要求开工前在小区公示整治方案，"
        "年内完成首批20个驿站选址。"
    ),
}

# One published correction: (meeting day, item key) -> (correction note, corrected text)
CORRECTIONS: dict[tuple[int, str], tuple[str, str]] = {
    (-120, "alleys"): (
        "原文中“首批整治120条”有误，应为“首批整治102条”，特此更正。",
        (
            "会议审议通过《背街小巷环境整治提升三年行动方案》。"
            "会议明确全区梳理出的436条背街小巷分三批整治，首批整治102条，"
            "按“十无五好”标准逐条验收。会议要求同步建立街巷长制和日常巡查机制，"
            "各街道明确每条街巷的街巷长并向社会公布。"
        ),
    ),
}
