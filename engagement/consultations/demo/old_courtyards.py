"""The street office's consultation on the historic courtyards of Shichahai (申请式退租和
保护性修缮): closed before its meeting, feedback report published."""

from __future__ import annotations

from engagement.consultations.demo.story import DemoComment, DemoConsultation, DemoFeedback
from engagement.consultations.models import Channel, Disposition

CONSULTATION = DemoConsultation(
    meeting="什刹海街道2026年第9次主任办公会",
    item="历史文化街区",
    theme=("院落", "退租", "修缮", "胡同", "四合院", "风貌", "历史文化街区", "平房", "杂院"),
    author="editor2",
    title="《什刹海历史文化街区申请式退租和保护性修缮实施方案（征求意见稿）》公开征求意见",
    draft_text=(
        "## 一、实施范围\n\n"
        "什刹海历史文化街区内的直管公房院落，首批选取32个院落。\n\n"
        "## 二、申请式退租\n\n"
        "承租人自愿申请退租，可选择货币补偿或共有产权房安置；不申请的住户继续居住。\n\n"
        "## 三、保护性修缮\n\n"
        "按照“一院一策”实施修缮，保留传统格局和历史风貌，同步改善厨卫和上下水条件。\n\n"
        "## 四、腾退空间利用\n\n"
        "腾退房屋优先用于补齐便民服务设施和公共空间，具体用途由街道会同居民议事会研究确定。"
    ),
    explanation=(
        "街区内不少院落年久失修、人口密集，居住条件亟待改善。街道办事处会同区住房城市建设委"
        "起草了本方案，**欢迎街区居民对退租补偿、修缮内容和腾退空间利用提出意见。**"
    ),
    other_channels=(
        "现场：什刹海街道办事处一层接待室（工作日9:00—17:00）\n"
        "信函：什刹海街道办事处城市管理办公室（请在信封上注明“修缮意见”）"
    ),
    opens_before_meeting=45,
    closes_before_meeting=12,
    comments=(
        DemoComment(
            received=(2, 19, 20),
            name="赵永利",
            community="柳荫街社区",
            phone="13800000301",
            body=(
                "我家住的大杂院七户人家，私搭乱建很多。申请式退租是好事，"
                "但希望把补偿标准和安置房源说清楚，让大家心里有底。"
            ),
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的意见。方案已补充退租补偿的计算方式和可选择的安置房源清单，"
                "街道将在各社区设立咨询点。"
            ),
        ),
        DemoComment(
            received=(3, 9, 48),
            name="那淑珍",
            community="西海社区",
            body="不想退租的住户怎么办？希望修缮时把我们的房子也一起修了，屋顶每年雨季都漏。",
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的意见。方案明确，未申请退租的住户所在院落同步实施保护性修缮，"
                "屋面防水列为首批修缮内容。"
            ),
        ),
        DemoComment(
            received=(5, 14, 2),
            name="刘志远",
            community="松树街社区",
            body=(
                "修缮要保留老院落的门楼、影壁和砖雕，尽量用传统的青砖灰瓦，"
                "不要刷成千篇一律的仿古样子，这样才能守住街区的历史风貌。"
            ),
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的意见。方案增加了“一院一策”的修缮设计要求，传统构件原样保留，"
                "修缮设计须经文物和规划部门审查。"
            ),
        ),
        DemoComment(
            received=(9, 22, 15),
            name="王女士",
            show_name=False,
            body="退租腾出来的房子做什么用？希望优先做社区便民服务，别开酒吧和民宿，胡同里本来就吵。",
            disposition=Disposition.PARTLY_ADOPTED,
            disposition_reason=(
                "腾退空间优先用于便民服务和公共空间已写入方案；具体用途由街道会同居民议事会"
                "逐院研究，不能一概排除经营性用途。"
            ),
        ),
        DemoComment(
            received=(11, 23, 50),
            name="李某",
            show_name=False,
            body=(
                "我们院落里邻居刘某某私搭的小房至今没拆，他家住后院3号，手机13900005678，"
                "请街道去查处。"
            ),
            rejected=(
                "意见中含有他人的姓名、住址和电话，为保护个人信息不予公开；"
                "反映的违法建设问题已转街道城市管理办公室处理。"
            ),
        ),
        DemoComment(
            received=(14, 7, 30),
            name="孙建华",
            community="西海社区",
            body="修缮施工期间胡同窄，建议运料避开早晚高峰，工地要围挡，别影响街坊出行。",
            disposition=Disposition.ADOPTED,
            reply=(
                "感谢您的意见。方案增加了文明施工要求：运料避开早晚高峰，院落施工全封闭围挡，"
                "并公示施工单位的联系方式。"
            ),
        ),
        DemoComment(
            received=(16, 9, 0),
            channel=Channel.LETTER,
            name="何秀兰",
            community="松树街社区",
            body=(
                "来信建议：修缮时一并改造院落里的上下水管线和电线，"
                "老房子电线老化，冬天用电取暖很不安全。"
            ),
            disposition=Disposition.ADOPTED,
            reply="感谢您的来信。院落上下水管线和电力线路改造已纳入修缮内容，与房屋修缮同步实施。",
        ),
        DemoComment(
            received=(20, 18, 5),
            name="郭宏",
            body="建议把什刹海的平房全部拆了重建楼房，彻底解决住房问题。",
            disposition=Disposition.NOT_ADOPTED,
            disposition_reason=(
                "什刹海地区是历史文化街区，依法实行整体保护，不能大拆大建；"
                "本方案通过申请式退租和保护性修缮改善居住条件。"
            ),
        ),
        DemoComment(
            received=(25, 11, 11),
            name="陈立新",
            community="柳荫街社区",
            body="节假日游客的车把胡同口都堵了，希望街道协调解决景区周边的停车难。",
            disposition=Disposition.OUT_OF_SCOPE,
            disposition_reason="停车治理不属于本方案的内容，意见已转区交通委和街道城市管理办公室研究。",
        ),
    ),
    feedback=DemoFeedback(
        summary=(
            "征求意见期间共收到意见{received}条，公开{published}条；"
            "{rejected}条因含有他人个人信息未予公开，所反映的问题已转街道城市管理办公室处理。\n\n"
            "经逐条研究，采纳{adopted}条、部分采纳{partly_adopted}条、未采纳{not_adopted}条，"
            "另有{out_of_scope}条不属于本方案的内容，已转相关部门。主要修改如下：\n\n"
            "- 补充退租补偿的计算方式和安置房源清单，在各社区设立咨询点；\n"
            "- 未申请退租住户所在院落同步修缮，屋面防水列为首批内容；\n"
            "- 修缮实行“一院一策”，保留门楼、影壁、砖雕等传统构件；\n"
            "- 院落上下水管线和电力线路改造与房屋修缮同步实施；\n"
            "- 施工运料避开早晚高峰，全封闭围挡。"
        ),
        answered=1,
        saved=2,
        submitted=3,
        approved=3,
    ),
)
