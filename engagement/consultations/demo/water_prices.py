"""The consultation on tiered household water prices (居民阶梯水价): closed a few days ago,
every comment answered, its feedback report waiting for the reviewer."""

from __future__ import annotations

from engagement.consultations.demo.story import DemoComment, DemoConsultation, DemoFeedback
from engagement.consultations.models import Channel, Disposition

CONSULTATION = DemoConsultation(
    meeting="区发改委2026年第9次主任办公会",
    item="用水阶梯价格",
    theme=("水价", "用水", "阶梯", "水费", "听证", "水表", "自来水"),
    author="editor",
    title="《居民用水阶梯价格调整方案（征求意见稿）》公开征求意见",
    draft_text=(
        "## 一、调整内容\n\n"
        "居民用水实行三档阶梯价格，按年度用水量计算：第一档0—180立方米，第二档181—260立方米，"
        "第三档260立方米以上。\n\n"
        "## 二、人口较多家庭\n\n"
        "户籍人口超过4人的家庭，每增加1人，各档年度用水量基数增加30立方米。\n\n"
        "## 三、保障措施\n\n"
        "对城乡低保和特困供养家庭给予水费补贴。\n\n"
        "## 四、价格听证\n\n"
        "方案经价格听证会听证后，报区政府批准实施。"
    ),
    explanation=(
        "现行居民水价自2014年执行至今，供水成本上升较多。区发展改革委会同区水务局起草了本方案，"
        "将提交价格听证会听证。**欢迎对各档用水量、人口较多家庭和困难家庭的保障措施提出意见。**"
    ),
    other_channels=(
        "信函：区发展改革委价格科（请在信封上注明“水价意见”）\n电话：12345政务服务便民热线"
    ),
    opens_before_meeting=52,
    closes_before_meeting=17,
    comments=(
        DemoComment(
            received=(1, 20, 10),
            name="张宏伟",
            community="百万庄社区",
            phone="13800000401",
            body=(
                "第一档用水量建议按家庭实际人口核定。我家三代六口人，按户计算很容易超过第一档，"
                "用水多不是浪费。"
            ),
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的意见。方案明确，户籍人口超过4人的家庭，每增加1人，"
                "各档年度用水量基数增加30立方米，凭户口簿到供水企业办理。"
            ),
        ),
        DemoComment(
            received=(3, 12, 35),
            name="周女士",
            show_name=False,
            body="希望对低保家庭、特困人员的水费给予减免或补贴，别让调价影响基本生活。",
            disposition=Disposition.ADOPTED,
            reply=("感谢您的意见。城乡低保和特困供养家庭每户每月的水费补贴标准已在方案中列明。"),
        ),
        DemoComment(
            received=(6, 19, 58),
            name="刘建国",
            community="三里河社区",
            body=(
                "不少老楼是几户共用一块总水表，没有一户一表，阶梯水价怎么算？"
                "建议先完成一户一表改造再实施。"
            ),
            disposition=Disposition.PARTLY_ADOPTED,
            disposition_reason=(
                "一户一表改造已列入老旧小区综合整治计划；改造完成前，"
                "共用水表的住户按合表用户价格执行，不实行阶梯计价。"
            ),
        ),
        DemoComment(
            received=(10, 8, 44),
            name="吴静",
            community="德胜里社区",
            body="价格听证会的参加人怎么选？希望有普通居民代表，参加人名单和听证记录都要公开。",
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的意见。听证会参加人中消费者人数不少于五分之二，并在社区公开报名遴选；"
                "参加人名单和听证笔录将向社会公开。"
            ),
        ),
        DemoComment(
            received=(12, 3, 18),
            name="净水专家",
            body="自来水水垢多有害健康！进口净水器限时特价，免费上门安装，电话400-000-5678。",
            rejected="内容为商业广告，不予公开。",
        ),
        DemoComment(
            received=(15, 23, 2),
            name="马强",
            body="建议取消阶梯水价，所有人一个价。",
            disposition=Disposition.NOT_ADOPTED,
            disposition_reason=(
                "实行居民阶梯水价是国家和本市推进节约用水的统一要求，不能取消；"
                "第一档用水量已覆盖绝大多数家庭的基本生活用水。"
            ),
        ),
        DemoComment(
            received=(21, 16, 25),
            name="黄志明",
            community="西四北社区",
            body="最近自来水有时发黄，希望水务部门加强水质检测。",
            disposition=Disposition.OUT_OF_SCOPE,
            disposition_reason="水质问题不属于本次价格调整方案的内容，意见已转区水务局核查处理。",
            reply="感谢您的反映。区水务局已安排对您所在片区的管网水质进行抽检。",
        ),
        DemoComment(
            received=(28, 10, 40),
            channel=Channel.PHONE,
            name="宋桂英",
            community="六铺炕社区",
            body="来电建议：水费能否两三个月交一次，并开通社区代缴和手机缴费，省得每月跑。",
            disposition=Disposition.PARTLY_ADOPTED,
            disposition_reason=(
                "抄表和缴费周期按现行规定为两个月一次；手机缴费和社区代缴渠道已全部开通。"
            ),
        ),
    ),
    feedback=DemoFeedback(
        summary=(
            "征求意见期间共收到意见{received}条，公开{published}条；"
            "{rejected}条属于商业广告，未予公开。\n\n"
            "经逐条研究，采纳{adopted}条、部分采纳{partly_adopted}条、未采纳{not_adopted}条，"
            "另有{out_of_scope}条不属于本方案的内容，已转区水务局。主要修改如下：\n\n"
            "- 户籍人口超过4人的家庭，每增加1人，各档年度用水量基数增加30立方米；\n"
            "- 列明低保和特困供养家庭的水费补贴标准；\n"
            "- 共用水表的住户在一户一表改造完成前不实行阶梯计价；\n"
            "- 听证会参加人名单和听证笔录向社会公开。\n\n"
            "本报告将随方案提交价格听证会。"
        ),
        answered=1,
        saved=1,
        submitted=2,
    ),
)
