"""Who the demo's office invites and what they said: the directory (with the residents'
list as the street offices sent it, a CSV file), the places per category, the answers to
the two meetings' invitations, and the residents who applied in their public calls.

Names are made up; addresses are at example.cn and the phone numbers (138 1010 xxxx for
the directory, 138 1020 xxxx for applicants) belong to no one in the demo's story.
"""

from __future__ import annotations

from typing import NamedTuple

from engagement.sitting_in.models import Category

D, C, E, M = Category.DEPUTY, Category.CPPCC, Category.EXPERT, Category.MEDIA


class DemoPerson(NamedTuple):
    key: str
    name: str
    category: Category
    organisation: str
    title: str
    mailbox: str  # before @example.cn
    phone: str
    tags: str  # as typed: 、 between tags


# Added one by one when the office set sitting in up.
DIRECTORY = (
    DemoPerson("zhou", "周建华", D, "区第一实验中学", "副校长", "zhou.jianhua",
               "13810100101", "百人建议代表团、教育"),
    DemoPerson("sun", "孙丽萍", D, "新街口街道西里社区居委会", "主任", "sun.liping",
               "13810100102", "百人建议代表团、社区治理"),
    DemoPerson("zheng", "郑桂芳", D, "展览路社区卫生服务中心", "主任医师", "zheng.guifang",
               "13810100103", "医疗卫生、养老"),
    DemoPerson("ma", "马文涛", D, "北京华信建设工程有限公司", "总工程师", "ma.wentao",
               "13810100104", "城市建设、老旧小区"),
    DemoPerson("gao", "高志远", D, "区个体劳动者协会", "副会长", "gao.zhiyuan",
               "13810100105", "百人建议代表团、营商环境"),
    DemoPerson("lin", "林晓梅", C, "京华大学社会学系", "副教授", "lin.xiaomei",
               "13810100111", "养老、社区治理"),
    DemoPerson("he", "何振宇", C, "北京明理律师事务所", "合伙人律师", "he.zhenyu",
               "13810100112", "法律"),
    DemoPerson("wu", "吴秀兰", C, "区第二实验小学", "高级教师", "wu.xiulan",
               "13810100113", "教育、视频连线"),
    DemoPerson("luo", "罗志刚", C, "区工商业联合会", "副主席", "luo.zhigang",
               "13810100114", "营商环境"),
    DemoPerson("huang", "黄静怡", C, "区中医医院", "副院长", "huang.jingyi",
               "13810100115", "医疗卫生、养老"),
    DemoPerson("chen", "陈立群", E, "京华大学建筑与城市规划学院", "教授（城市规划）",
               "chen.liqun", "13810100121", "城市规划、老旧小区"),
    DemoPerson("xu", "徐海涛", E, "首都教育发展研究院", "研究员", "xu.haitao",
               "13810100122", "教育"),
    DemoPerson("shen", "沈佳宁", E, "市环境卫生科学研究所", "高级工程师", "shen.jianing",
               "13810100123", "垃圾分类"),
    DemoPerson("guo", "郭晓东", M, "区融媒体中心", "记者", "guo.xiaodong",
               "13810100131", "新闻报道"),
    DemoPerson("hu", "胡文博", M, "区融媒体中心", "摄像记者", "hu.wenbo",
               "13810100132", "新闻报道"),
)  # fmt: skip

# The resident representatives as the street offices sent their list (phones typed as
# people type them), imported half a year before the demo is loaded.
RESIDENTS_FILE = "居民代表名单2026.csv"
RESIDENTS_CSV = (
    "姓名,类别,社区,邮箱,手机,标签,备注\n"
    "王秀英,居民代表,什刹海街道柳荫街社区,wang.xiuying@example.cn,138 1010 0201,"
    "百人建议代表团、楼门长,退休教师，关心老旧小区加装电梯\n"
    "李建国,居民代表,新街口街道西里社区,,138-1010-0202,老旧小区,只用手机，不用邮箱\n"
    "张桂兰,居民代表,德胜街道六铺炕社区,zhang.guilan@example.cn,13810100203,养老,\n"
    "刘志强,居民代表,展览路街道百万庄社区,liu.zhiqiang@example.cn,13810100204,停车,\n"
    "赵玉梅,居民代表,月坛街道三里河社区,zhao.yumei@example.cn,13810100205,"
    "垃圾分类、楼门长,\n"
    "杨子涵,居民代表,金融街街道丰盛社区,yang.zihan@example.cn,13810100206,教育,"
    "孩子明年上小学\n"
    "朱海燕,居民代表,广安门内街道槐柏树社区,zhu.haiyan@example.cn,13810100207,"
    "百人建议代表团,\n"
)
RESIDENT_KEYS = ("wang", "li", "zhang", "liu", "zhao", "yang", "zhu")

# Places per category on both meetings; residents have the six of the public call.
QUOTAS = {D: 3, C: 3, E: 1, M: 1}


class Answer(NamedTuple):
    key: str
    days: int  # after the invitations went out
    hour: int
    accepted: bool
    note: str | None = None
    name_public: bool = False


# The held meeting (old housing, back alleys, elderly care). 何振宇 declines; 吴秀兰 is
# invited in his place; 郑桂芳 accepts but does not come.
HELD_INVITED = ("sun", "zheng", "ma", "lin", "he", "huang", "chen", "guo")
HELD_RESIDENTS = ("wang", "li")
HELD_ANSWERS = (
    Answer("sun", 0, 17, True),
    Answer("chen", 0, 18, True, "会前可以提供老旧小区加装电梯的调研材料。"),
    Answer("guo", 1, 9, True),
    Answer("he", 1, 10, False, "当天在外地出庭，无法参加，抱歉。"),
    Answer("ma", 1, 11, True),
    Answer("wang", 1, 16, True, "想就楼里老人加装电梯的事说说意见。", name_public=True),
    Answer("lin", 2, 9, True),
    Answer("li", 2, 19, True),
    Answer("zheng", 3, 8, True),
    Answer("huang", 3, 12, True, "通过视频连线参加。"),
)
HELD_ABSENT = "zheng"


class Applicant(NamedTuple):
    name: str
    phone: str
    email: str | None
    community: str
    reason: str
    name_public: bool
    eligible: bool = True  # as the office found it (the held meeting's call)


ELIGIBLE = "本区常住居民，材料齐全。"
NOT_ELIGIBLE = "居住地和户籍均不在本区：列席名额面向本区居民。"

HELD_APPLICANTS = (
    Applicant("陈淑珍", "13810200301", None, "什刹海街道大石碑社区",
              "我家住的是八十年代的老楼，想听听整治计划里加装电梯怎么安排。", False),
    Applicant("马俊杰", "13810200302", "ma.junjie@example.cn", "德胜街道新康社区",
              "母亲在社区养老驿站吃饭，想就驿站的助餐服务提点建议。", True),
    Applicant("罗桂英", "13810200303", None, "海淀区北太平庄街道",
              "关心背街小巷整治，想来旁听。", False, eligible=False),
)  # fmt: skip

# The next meeting (school admissions, waste sorting). 罗志刚 declines and 黄静怡 is
# invited in his place; 高志远 has not answered yet.
UPCOMING_INVITED = ("zhou", "sun", "gao", "lin", "wu", "luo", "xu", "guo")
UPCOMING_ANSWERS = (
    Answer("zhou", 0, 14, True),
    Answer("xu", 0, 16, True, "可以介绍一下兄弟城区多校划片的做法。"),
    Answer("luo", 1, 9, False, "届时在外地参加工商联调研，无法出席。"),
    Answer("guo", 1, 10, True),
    Answer("wu", 1, 20, True, "通过视频连线参加。"),
    Answer("lin", 2, 11, True),
    Answer("sun", 3, 9, True),
)

UPCOMING_APPLICANTS = (
    Applicant("何丽娟", "13810200401", "he.lijuan@example.cn", "什刹海街道大石碑社区",
              "孩子明年上小学，想了解多校划片的政策是怎么定的。", True),
    Applicant("林晓东", "13810200402", None, "新街口街道西四北头条社区",
              "我是楼门长，垃圾分类桶站怎么设我们有不少实际经验。", False),
    Applicant("孙玉兰", "13810200403", None, "德胜街道六铺炕社区",
              "外孙是随迁子女，想知道入学材料审核有没有简化。", False),
    Applicant("徐文静", "13810200404", "xu.wenjing@example.cn", "月坛街道三里河社区",
              "做过两年垃圾分类志愿者，希望能列席听听区里的安排。", True),
    Applicant("周海波", "13810200405", None, "展览路街道百万庄社区",
              "关心学区划分对老小区房子的影响。", False),
    Applicant("吴建平", "13810200406", "wu.jianping@example.cn", "金融街街道丰盛社区",
              "想看看区政府常务会议是怎么开的，回社区给邻居们讲讲。", False),
    Applicant("郭淑华", "13810200407", None, "广安门内街道槐柏树社区",
              "小区垃圾清运时间不合理，想当面反映。", True),
)  # fmt: skip
