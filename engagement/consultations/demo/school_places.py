"""The consultation on school places (义务教育入学): open now, on a shortened period, with
the first comments published, one rejected and yesterday's awaiting moderation."""

from __future__ import annotations

from engagement.consultations.demo.story import DemoComment, DemoConsultation

CONSULTATION = DemoConsultation(
    meeting="2026年第19次区政府常务会议",
    item="入学政策",
    theme=("入学", "学位", "划片", "学校", "学区", "小学", "初中", "家长", "适龄儿童"),
    author="editor",
    title="《2027年义务教育阶段入学工作实施意见（征求意见稿）》公开征求意见",
    draft_text=(
        "## 一、总体要求\n\n"
        "坚持免试就近入学，完善多校划片和学区制管理，保障适龄儿童少年平等接受义务教育。\n\n"
        "## 二、划片安排\n\n"
        "小学按社区划片，学位紧张的片区实行多校划片；划片范围在招生前向社会公布。\n\n"
        "## 三、入学材料审核\n\n"
        "非本市户籍适龄儿童入学材料由居住地街道统一受理，区教委会同有关部门联合审核。\n\n"
        "## 四、招生信息公开\n\n"
        "各校招生计划、划片范围和咨询电话在区教委网站集中公布。"
    ),
    explanation=(
        "为进一步规范义务教育阶段入学工作，区教委在总结近年招生工作的基础上起草了本实施意见。"
        "**欢迎对划片办法、材料审核和信息公开提出意见。**"
    ),
    other_channels=(
        "信函：区教委基础教育科（请在信封上注明“入学意见”）\n电子邮箱：jw-yijian@example.gov.cn"
    ),
    short_period_reason=(
        "为确保明年春季入学工作按时启动，征求意见期缩短，并同步在各社区张贴公告。"
    ),
    opens_before_meeting=11,
    closes_before_meeting=3,
    comments=(
        DemoComment(
            received=(0, 10, 26),
            name="马丽娜",
            community="德胜里社区",
            phone="13800000201",
            body="建议多校划片的方案公布前先在各社区公示，给家长留出至少一个月的准备时间。",
            reply=("感谢您的建议。划片方案将在正式公布前30日在各社区公示栏和区教委网站同步公示。"),
        ),
        DemoComment(
            received=(0, 12, 47),
            name="李卫东",
            community="六铺炕社区",
            body="多校划片要考虑孩子上学路上的安全，小学低年级尽量就近入学，最好不要穿过两条主干道。",
        ),
        DemoComment(
            received=(0, 20, 5),
            name="黄女士",
            show_name=False,
            body=(
                "非本市户籍适龄儿童的入学材料审核，希望列明需要哪些材料、到哪里办理，"
                "最好能在网上提交，不要让家长来回跑。"
            ),
        ),
        DemoComment(
            received=(0, 23, 41),
            name="招生老师",
            body="小升初名校冲刺班火热招生，包过学校面试，学区房信息免费咨询，微信 xsc-2026。",
            rejected="内容为商业广告，不予公开。",
        ),
        DemoComment(
            received=(1, 8, 12),
            name="杨帆",
            community="百万庄社区",
            body=(
                "我家老大已经在划片学校上学，建议明确同一户的兄弟姐妹可以在同一所学校入学，"
                "接送方便。"
            ),
            awaiting=True,
        ),
        DemoComment(
            received=(1, 21, 30),
            name="周静",
            show_name=False,
            body="学位紧张的学区，能否提前公布每所学校明年的招生计划和往年实际招生人数？",
            awaiting=True,
        ),
    ),
)
