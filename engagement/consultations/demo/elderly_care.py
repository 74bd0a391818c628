"""The consultation on elderly-care stations (养老服务驿站): closed months ago, its feedback
report published before the executive meeting that discussed it."""

from __future__ import annotations

from engagement.consultations.demo.story import DemoComment, DemoConsultation, DemoFeedback
from engagement.consultations.models import Channel, Disposition

PRIVATE_DETAILS = (
    "意见中含有他人的姓名和电话，为保护个人信息不予公开；"
    "所反映的独居老人情况已转德胜街道核实，社区已上门探访。"
)
ADVERTISING = "内容为商业广告，不予公开。"

CONSULTATION = DemoConsultation(
    meeting="2026年第12次区政府常务会议",
    item="养老服务驿站",
    theme=("养老", "驿站", "老人", "老年", "助餐", "助浴", "日间照料", "护理", "失能", "高龄"),
    author="editor",
    title="《关于加快养老服务驿站建设的实施意见（征求意见稿）》公开征求意见",
    draft_text=(
        "## 一、建设目标\n\n"
        "到2027年底，全区每个社区至少建成一个养老服务驿站，形成街道养老照料中心、"
        "社区养老服务驿站和居家养老相衔接的服务网络。\n\n"
        "## 二、服务内容\n\n"
        "驿站为辖区老年人提供助餐、助浴、日间照料、呼叫服务、健康指导和巡视探访服务，"
        "对高龄、独居、失能老年人优先保障。\n\n"
        "## 三、选址和建设\n\n"
        "优先利用社区用房、疏解腾退空间和闲置配套用房；新建住宅小区按标准配建。\n\n"
        "## 四、运营和补贴\n\n"
        "驿站由政府无偿提供设施，专业机构连锁运营；区财政按服务人次和星级评定结果给予运营补贴。\n\n"
        "## 五、人员配备\n\n"
        "每个驿站至少配备2名经过培训的养老护理员。"
    ),
    explanation=(
        "全区现有养老服务驿站58个，还有41个社区没有驿站，部分老年人需要到较远的驿站就餐和活动。"
        "区民政局在调研各街道需求的基础上起草了本实施意见，**欢迎对驿站选址、服务项目、"
        "收费和运营方式提出意见。**"
    ),
    other_channels=(
        "信函：区民政局养老服务科（请在信封上注明“驿站意见”）\n"
        "电话：12345政务服务便民热线\n"
        "电子邮箱：mzj-yijian@example.gov.cn"
    ),
    opens_before_meeting=46,
    closes_before_meeting=12,
    comments=(
        DemoComment(
            received=(1, 19, 42),
            name="王建国",
            community="德胜里社区",
            phone="13800000101",
            body=(
                "我们社区六十岁以上的老人占了三成多，最近的养老驿站在两站地以外。"
                "建议选址时把步行距离作为硬指标，最好十五分钟能走到。"
            ),
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的意见。实施意见已明确驿站选址以老年人步行15分钟可达为原则，"
                "德胜里社区已列入明年首批建设名单。"
            ),
        ),
        DemoComment(
            received=(2, 8, 15),
            name="李秀英",
            community="六铺炕社区",
            body=(
                "助餐很实用，但不少独居老人腿脚不便，下楼取餐都困难。"
                "希望驿站能送餐上门，收一点配送费也可以。"
            ),
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的建议。实施意见增加了“助餐服务可按需送餐上门”的内容，"
                "高龄、失能老年人的配送费由区财政给予补贴。"
            ),
        ),
        DemoComment(
            received=(4, 21, 3),
            name="刘桂兰",
            show_name=False,
            body=(
                "日间照料不能只是打牌看电视，希望增加康复训练和认知症老人的照护，"
                "护理员要经过专业培训。"
            ),
            disposition=Disposition.PARTLY_ADOPTED,
            disposition_reason=(
                "护理员培训要求已写入；认知症照护对场地和人员要求较高，"
                "先在条件成熟的街道养老照料中心试点。"
            ),
            reply="感谢您的建议。护理员须经培训合格后上岗，认知症照护将先行试点。",
        ),
        DemoComment(
            received=(6, 12, 30),
            name="陈志强",
            community="百万庄社区",
            body="建议把每个驿站的服务项目和收费标准贴在门口，网上也能查到。",
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的意见。各驿站的服务项目、收费标准和补贴政策将在驿站门口"
                "和区政府网站同步公示。"
            ),
        ),
        DemoComment(
            received=(9, 10, 10),
            name="赵淑芬",
            show_name=False,
            community="三里河社区",
            phone="13800000102",
            body=(
                "我母亲今年八十七岁，失能在床，我们白天都要上班。"
                "希望驿站的巡视探访能每周至少来一次，有个照应。"
            ),
            disposition=Disposition.PARTLY_ADOPTED,
            disposition_reason=(
                "对独居、失能老年人每周至少探访一次已写入；"
                "其他老年人按每月两次安排，以兼顾现有服务力量。"
            ),
        ),
        DemoComment(
            received=(10, 13, 12),
            name="张先生",
            show_name=False,
            body=(
                "我家楼下的王大爷一个人住，儿子也不常来，电话13800001234，"
                "你们赶紧去看看，这样的老人驿站应该管起来。"
            ),
            rejected=PRIVATE_DETAILS,
        ),
        DemoComment(
            received=(12, 9, 0),
            channel=Channel.LETTER,
            name="孙德顺",
            community="西四北社区",
            body=(
                "来信建议：我是退休职工，今年七十三岁，老伴腿脚不好。驿站的助浴间一定要有防滑地面、"
                "扶手和紧急呼叫按钮，洗澡时要有专人陪护，老年人洗澡最怕摔倒。"
                "另外希望驿站周末也能开门，子女平时上班，周末才有空陪老人过来，"
                "可现在驿站周末大多关门。"
            ),
            disposition=Disposition.PARTLY_ADOPTED,
            disposition_reason=(
                "助浴的安全要求已写入建设标准；周末是否开放由各驿站根据需求确定，鼓励至少开放半天。"
            ),
        ),
        DemoComment(
            received=(15, 22, 48),
            name="周明",
            body="建议提高养老金标准，现在物价涨得快。",
            disposition=Disposition.OUT_OF_SCOPE,
            disposition_reason="养老金标准不属于本实施意见的内容，意见已转区人力社保局。",
            reply="感谢您的关注。养老金标准由国家和本市统一调整，您的意见已转区人力社保局。",
        ),
        DemoComment(
            received=(18, 2, 17),
            name="康乐居家养老服务公司",
            body=(
                "专业居家养老护理，护工24小时上门，价格全市最低！"
                "咨询热线400-000-1234，欢迎各驿站洽谈合作。"
            ),
            rejected=ADVERTISING,
        ),
        DemoComment(
            received=(20, 7, 55),
            name="吴海燕",
            community="新街口社区",
            body=(
                "补贴按服务人次发放，容易出现虚报人次。"
                "建议请第三方评估驿站的服务质量，也听听老年人自己的评价。"
            ),
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的意见。运营补贴将与星级评定和老年人满意度评价挂钩，"
                "区民政局每年委托第三方机构评估一次。"
            ),
        ),
        DemoComment(
            received=(23, 16, 40),
            name="郑国华",
            body="驿站应当全部由政府直接举办，不要交给企业运营。",
            disposition=Disposition.NOT_ADOPTED,
            disposition_reason=(
                "本市养老服务驿站采取政府无偿提供设施、专业机构连锁运营的方式，"
                "由政府直接举办难以保证服务的专业性和持续性；区民政局将加强对运营机构的监管和考核。"
            ),
        ),
        DemoComment(
            received=(25, 14, 5),
            channel=Channel.EMAIL,
            name="何立平",
            community="百万庄社区",
            body=(
                "邮件建议：驿站不要设在没有电梯的二楼，坐轮椅的老人上不去。"
                "已经建在楼上的驿站，建议加装无障碍升降平台。"
            ),
            disposition=Disposition.PARTLY_ADOPTED,
            disposition_reason=(
                "新建驿站原则上设在首层；已建在二层以上的驿站逐步加装无障碍设施，列入明年改造计划。"
            ),
        ),
        DemoComment(
            received=(27, 15, 20),
            channel=Channel.PHONE,
            name="钱玉珍",
            community="德胜里社区",
            body="来电建议：驿站能不能教老年人用智能手机挂号、缴费，子女不在身边时自己也能办。",
            disposition=Disposition.ADOPTED,
            reply="感谢您的建议。驿站将定期开设智能手机使用辅导课，由社区志愿者一对一帮助。",
        ),
    ),
    feedback=DemoFeedback(
        summary=(
            "征求意见期间共收到意见{received}条，公开{published}条；"
            "{rejected}条因含有他人个人信息或属于商业广告未予公开，所反映的情况已转有关部门处理。\n\n"
            "经逐条研究，采纳{adopted}条、部分采纳{partly_adopted}条、未采纳{not_adopted}条，"
            "另有{out_of_scope}条不属于本实施意见的内容，已转相关部门。主要修改如下：\n\n"
            "- 驿站选址以老年人步行15分钟可达为原则；\n"
            "- 助餐服务可按需送餐上门，高龄、失能老年人的配送费给予补贴；\n"
            "- 对独居、失能老年人每周至少巡视探访一次；\n"
            "- 各驿站的服务项目和收费标准在驿站门口和区政府网站公示；\n"
            "- 运营补贴与星级评定、老年人满意度评价挂钩，每年由第三方机构评估。\n\n"
            "未采纳的意见已在该条意见下说明理由。"
        ),
        answered=1,
        saved=2,
        submitted=3,
        approved=3,
    ),
)
