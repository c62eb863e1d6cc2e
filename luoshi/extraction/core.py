"""From a speech or meeting minutes to tasks: who must do what by when. Pure: no database, no model.

The rules follow the task guidelines (what a task is, owners explicit then inherited, deadlines
resolved against the meeting date, targets as written):

1. The text is read as it is, offsets are characters into it. Lines broken by the page layout
   (a break after a character that cannot end a sentence, on a line full to the margin) are
   joined; paragraphs end at breaks after terminal punctuation, and at titles, signatures,
   headings and date lines.
2. Sentences end at 。！？ and ；, never inside quotation marks. Headings (一、…, （一）…, 一要…,
   1.… followed by more text, or bold **…**) structure the text and are never tasks.
3. A sentence is a task when it directs work outside quotation marks: a modal (要, 必须, 务必,
   确保, 力争, 请…), an assignment (由X同志负责/牵头), or an imperative verb where the text is
   already directing (an item with an assignment, minutes' 会议要求, a list under "X要：").
   The point of a list under "X要：" directs work whatever its verb. Preambles before the first
   heading of a structured document, reviews, exhortations to everyone (大家要…), calls to
   attitude (增强紧迫感, 提高政治站位), quotations, explanations (X既是…) and closings (同志们,
   让我们) are not tasks.
4. Owners: a subject before the modal in the sentence (县财政局要…, 会议要求各部门…, 请X…,
   力争X都…, 由X印发); otherwise the item's assignment (由X同志负责 or 请X副县长牵头 governs the
   item's following sentences, Y同志配合 adds a cooperator); otherwise the addressee of a list
   ("各乡镇要：", until the next heading of its level); otherwise none.
5. A sentence splits into several tasks where a clause starts with a new subject (…，县财政局要…)
   after a clause that already directs work.
6. Deadlines: the date expressions outside quotes (X月底前, X月X日前, 年底前, 本月底前, 第四季度,
   立即…), a phrase with 前 preferred over a bare month; dates that only describe (已进入三季度,
   距离…, a month already past), or recur (每月底前), are skipped. 立即 is the meeting day, or
   the office's time limit in working days when the caller gives one.
7. Targets: amounts with 不少于/至少/以上/以内/达到…, and amounts in 万/亿, as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from luoshi.core.dates import chinese_number, resolve_date
from luoshi.core.workdays import WorkCalendar

# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Entry:
    """A name in the region's directory: a leader or another person, or a unit."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "unit"  # "leader", "person" or "unit"
    ref: int | None = None  # the database id, for the review page

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Directory:
    entries: tuple[Entry, ...] = ()

    def lookup(self, name: str) -> Entry | None:
        name = name.removesuffix("同志").strip()
        for entry in self.entries:
            if name in entry.names():
                return entry
        return None

    def people(self) -> list[str]:
        return sorted({n for e in self.entries if e.kind != "unit" for n in e.names()}, key=len, reverse=True)

    def units(self) -> list[str]:
        return sorted({n for e in self.entries if e.kind == "unit" for n in e.names()}, key=len, reverse=True)


@dataclass(frozen=True)
class Target:
    text: str  # as written in the document (spaces and page breaks kept)
    value: Decimal | None
    unit: str
    start: int = -1  # where it stands in the text it was read from
    end: int = -1


@dataclass(frozen=True)
class Task:
    start: int
    end: int
    text: str
    owners: tuple[str, ...] = ()
    cooperators: tuple[str, ...] = ()
    deadline: date | None = None
    deadline_text: str = ""
    targets: tuple[Target, ...] = ()
    deadline_span: int = -1  # where the deadline's words start in the document

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "owners": list(self.owners),
            "cooperators": list(self.cooperators),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_text": self.deadline_text,
            "targets": [t.text for t in self.targets],
            "target_values": [
                {"text": t.text, "value": str(t.value) if t.value is not None else None, "unit": t.unit}
                for t in self.targets
            ],
        }


# ---------------------------------------------------------------------------------------------
# Vocabulary: the generic words of Chinese government texts (no names, no document's phrases)


def words(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


HAN = r"\u4e00-\u9fff"
TERMINAL = "。！？；"
QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』"}
PARENS = {"（": "）", "(": ")"}
# A note after a task that names who and by when: （责任单位：…；配合单位：…；完成时限：…）
ANNOTATION_KEYS = r"责任单位|牵头单位|主办单位|责任领导|责任人|配合单位|协办单位|完成时限|时限要求|完成时间"
# A point's closing bracket that assigns it: （县水利局牵头，县财政局、县级有关部门配合）
LEAD_BRACKET = re.compile(
    r"[（(]([^（）()：:]{2,60}?)牵头(?:[，,；;]([^（）()：:]{2,120}?)(?:配合|协助|参与))?[）)]"
)
# A task table's header cells: the task's column, and the columns of who and by when, which the
# extractor reads as the notes after a task (（牵头单位：A；配合单位：B；完成时限：C）)
TASK_HEADER = re.compile(
    r"^(?:重点|主要|具体|目标|民生)?(?:工作)?(?:任务|内容|措施|事项|举措|实事|项目)(?:内容|名称|措施)?$"
)
NOTE_HEADER = re.compile(
    r"^(?:牵头单位|主办单位|(?:主要)?责任单位|(?:协同)?配合单位|协同单位|协办单位|牵头领导|责任领导|分管领导|包抓领导|责任人|"
    r"(?:完成)?时限|完成时间|时间节点|时间要求)$"
)
NOTE_LINE = re.compile(rf"^(?:{ANNOTATION_KEYS}|牵头领导)\s*[：:]")
ANNOTATION = re.compile(rf"[（(](?=[^）)]*(?:{ANNOTATION_KEYS}))([^）)]*)[）)]")
CN_NUMERAL = "一二三四五六七八九十"

# Modal words that direct work. "要" is a modal except in these words.
MODALS = ("必须", "务必", "务于", "确保", "力争", "需要", "须", "应当", "一律", "要")
NOT_MODAL_YAO = words(
    "主要 重要 需要 要求 只要 纲要 纪要 摘要 要点 要素 要害 要闻 要件 要务 要领 机要 "
    "首要 次要 必要 紧要 要塞 要职 要员 险要"
)
# Verbs that direct work when the text around is already directing (an assigned item, 会议要求…).
IMPERATIVES = words(
    "抓紧 抓好 加快 推进 做好 完成 落实 加强 强化 严格 全面 切实 深入 扎实 积极 "
    "持续 进一步 全力 组织 开展 建立 制定 督促 统筹 推动 确保 力争 及时 认真 "
    "着力 聚焦 围绕 逐 对 按照 针对 紧盯 定期 加速"
)
# What the people and bodies that can be held to a task end with.
OWNER_SUFFIXES = words(
    "县级领导 领导 县长 书记 主任 局长 镇长 乡长 站长 所长 院长 负责人 成员 专班 "
    "小组 工作组 指挥部 部门 单位 镇办 镇街 乡镇 街道 办事处 社区 村 镇 乡 局 "
    "委 办 部 中心 站 所 院 公司 企业 集团 政府 队 同志 干部 机关 室 科 股 "
    "处 馆 学校 医院 银行 委员会 管委会 村委会 居委会 分队 小分队 工作队 主体 办公室 人员 "
    # bodies named by their kind: 爱卫会, 总工会, 工商联, 科协, 园区; and 各级 (各级各部门)
    "会 联 协 园区 各级 "
    # 各县市, 各群团组织, 全体帮扶责任人
    # a county, a district, a city of the one that meets: 太康县, 东新区
    "县 区 市 旗 "
    "县市 县区 区县 市县 县市区 市县区 群团组织 党组织 社会组织 基层组织 责任人 机构 地区 一把手 "
    # heads of a command, a team or a chief's charge: 项目指挥长, 各河长
    "指挥长 组长 队长 河长 林长 路长 田长 网格长 校长 行长 卡点 组 农场 林场"
)
# Words ending in 会 that name a meeting, not a body.
MEETING_WORDS = (
    "会议",
    "大会",
    "例会",
    "全会",
    "常务会",
    "推进会",
    "调度会",
    "座谈会",
    "专题会",
    "现场会",
    "办公会",
)
# Owner words for whole classes of units, that a compound like 单位乡镇 is made of.
UNIT_CLASSES = ("镇办", "部门", "单位", "镇街", "乡镇", "街道", "社区", "村", "镇", "乡", "企业", "各级")
PERSON_SUFFIXES = (
    "领导",
    "人员",
    "县长",
    "书记",
    "主任",
    "局长",
    "镇长",
    "乡长",
    "负责人",
    "成员",
    "干部",
    "同志",
)
OWNER_PREFIXES = ("各位", "各", "每个", "每一个", "全体", "所有")
# Common surnames (the first characters of a name after a title: 副镇长马文斌).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文"
    "牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲"
    "翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫"
)
TITLES = "常委|县长|书记|主任|局长|镇长|乡长|部长|主席|委员|组长|区长|市长|秘书长|调研员"
NAME_THEN_TITLE = re.compile(
    rf"^([{SURNAMES}][{HAN}]{{1,2}})(?:常务)?副?(?:县长|书记|主任|局长|镇长|乡长|部长|主席|区长|市长|组长)$"
)
NOT_NAMES = ("常务", "包抓", "分管", "主管", "挂联", "驻村", "专职", "兼职", "执行", "党委", "纪委", "常委")
PRONOUNS = ("大家", "我们", "我", "你们", "他们", "这些", "这", "那")
NOT_OWNERS = (
    *words(
        "全县 全市 全区 全州 全旗 本县 本市 本区 该县 该区 城区 市区 县城 园区 景区 社区 片区 辖区 山区 库区"
    ),
    *words("上级 群众 工作 任务 项目"),
)
# After these a subject begins; before an owner, these make it an object (督促各乡镇…).
SUBJECT_LEADS = (
    "请",
    "责成",
    "由",
    "力争",
    "确保",
    "要求",
    "同时",
    "特别是",
    "尤其是",
    "其中",
    "另外",
    "此外",
)
# An owner's name does not start with a modal or a preposition.
NOT_A_SUBJECT_START = (
    r"要|须|请|应|按|对|在|为|把|将|从|向|以|经(?![济信开发管])|所(?![属有在])|由|让|使|给|与|跟|同|会议"
)
# A verb or a time at the head of a phrase, or a time in it, makes it a clause: 成立指挥部, 三年以内…
NOT_A_NAME = re.compile(
    r"^(?:成立|建立|组建|设立|结合|体验|实施|开展|加强|推进|完成|做好|深入|学习|贯彻|落实"
    r"|积极|主动|全力|切实|认真|服务|动员|帮助|支持|引导|解决|走访|今年|明年|去年|全年|上半年|下半年|建设(?![局厅部处科股]))"
    r"(?!单位|主体)"
    r"|全[县区市州旗]$|以内|以上|以下|年内|之前"
)
# Words that make a phrase a predicate, not a subject (督促各乡镇…, 按照…要求).
VERBS = "|".join(
    (
        r"组织(?=[实开召协动发好])",  # a verb, not 县委组织部 or 群团组织
        *words("督促 指导 按照 对照 根据 围绕 针对 推进 加快 做好 确保 力争 要求 协调 引导 帮助 推动"),
        "将",
        "把",
        "对",
        "为",
        r"(?<!所)在",  # 所在乡镇: the town it lies in, an owner
        "从",
    )
)
# 县委、县政府督查办: one office of the committee and the government
PARTY_COMMITTEE = re.compile(r"[县市区州旗镇乡]?(?:党)?委")
JOINT_OFFICE = re.compile(rf"[县市区州旗镇乡](?:人民)?政府[{HAN}]{{2,8}}$")
# The topic a speaker's words are on, before the speaker: 就做好秋粮收储，他强调，…
TOPIC_LEAD = re.compile(r"(?:就|关于|对于|针对)[^，,。；]{2,30}[，,]")
# A clause that opens a topic of its own: 在X项目方面，要…; 关于Y工作，…
TOPIC_FRAME = re.compile(r"(?:在|就|关于)[^，,；。]{2,40}?(?:方面|问题上)[，,]|关于[^，,；。]{2,30}[，,]")
# The head of the unit addressed, named as a role: 主要领导, 主要负责人, 党政主要领导, 一把手
HEAD = re.compile(r"(?:党政)?(?:主要|分管)(?:领导|负责人|负责同志)(?:同志)?|一把手|第一责任人")
# Short names of several departments before their kind: 统计、税务、财政部门
SHORT_NAMES_OF_A_KIND = re.compile(rf"(?:[{HAN}]{{2,4}}、)+[{HAN}]{{2,4}}(?:部门|单位)")
# An aside in brackets after a subject (（未列牵头单位的，…，下同）), not a list in its name
ASIDE = re.compile(
    r"[（(][^（()）]*(?:[，,]|的|下同|详见|见附件)[^（()）]*[）)]$"
)  # matched at a phrase's end
# A time, a frequency or an adverb between a subject and its modal: 区委常委下周要…, 负责人每个月要…,
# 全镇各级各部门一定要…
AFTER_SUBJECT = re.compile(
    r"(?:下周|本周|本月|下月|每周|每月|每个月|每季度|每半月|每天|每日|近期|今后|年内|一定|也|还|均|更)+$"
)
# What may stand before a clause's subject: spaces, bold markup, a list number.
LEAD = re.compile(
    rf"\s*(?:\*\*)?\s*(?:\d+[.．、]|[（(][{CN_NUMERAL}\d]+[）)]|[①-⑳])?\s*"
    rf"(?:[{CN_NUMERAL}]+是|首先|其次|再次|最后|第[{CN_NUMERAL}]+[，、,])?[，,]?\s*"
)
STYLE_WORDS = words(
    "高度重视 引起重视 提高认识 统一思想 增强意识 坚定信心 改进作风 转变作风 真抓实干 "
    "担当作为 主动作为 亲自抓 按时完成 勇争一流 狠抓落实 抓出成效 树牢 树立 理念 "
    "主要精力 亲自 态度 高度负责 思想统一 责任感 紧迫感 使命感 政治站位 提高站位 务实的作风 工作作风"
)
# Calls to attitude and to work together, without an act of work of their own.
ATTITUDES = re.compile(
    "|".join(
        (
            *STYLE_WORDS,
            *words(
                "认识 解放思想 合力 共识 放在心上 抓在手上 落实在行动上 勇于担当 敢于担当 履职担责 "
                "积极作为 善于决策 积极配合 密切配合 亲力亲为 以身示范 率先垂范 团结一心 精神 "
                "压实责任 夯实责任 协调联动 工作机制 "
                # where to spend one's time and how to work: 把精力用在…, 在一线解决, 大兴调查研究
                "精力 一线 调查研究 "
                # study and resolve, lessons and mottos: 学习领会…精神, 汲取…教训, 牢记…, 结合实际, 落到实处
                "牢记 落到实处 看待 逐条对照 "
                # duty, teamwork and spirit: 认真履责, 接受调度, 一盘棋, 齐抓共管, 昂扬的斗志, 学深悟透
                "履责 履职 接受调度 主动配合 一盘棋 齐抓共管 斗志 状态 全身心 学深悟透 重要论述"
            ),
            r"确保(?:各项)?(?:工作)?任务(?:顺利|按期|如期)?完成$",
            r"党的.{0,6}领导",
            r"汲取.{0,8}教训",
            r"结合.{0,8}实际",
            r"统一.{0,4}思想",
            r"意识$",
            # study and political resolve: 深入学习…精神, 把思想和行动统一到…上来, 增强"四个意识"
            r"学习.{0,30}(?:精神|论述|思想|讲话)",
            r"^(?:要)?(?:认真|深入)?学习$|贯彻落实$|落实责任$|强化措施$|落地生根|落地见效|武装头脑|对标对表",
            r"站在.{0,20}高度|思想上|行动上|各负其责|各司其职|紧绷.{0,10}弦",
            # formulas of resolve: 筑牢…防线, 压实工作责任, 严守…底线, 落实…决策部署, 向纵深推进
            r"筑牢.{0,10}防线|压实.{0,6}责任|责任体系|(?:严守|守住|守牢).{0,10}底线|纪律",
            r"落实.{0,16}决策部署|向纵深推进|保持.{0,6}态势|常抓不懈|久久为功|持之以恒|抓落实$|^(?:要)?对标.{0,8}$",
            r"扛起.{0,6}(?:责任|担当)|明确主责|保质提效|对号入座|两手抓|两手都要硬|竞进有为|担当$",
            r"协作配合|绷紧.{0,4}(?:神经|弦)|强化.{0,10}落实$|落实落细|采取有力措施|科学分析研判",
            r"统一到.{0,40}上来",
            r"思想和行动",
            r"底线思维|风险意识|警惕|懈怠|麻痹|侥幸|冲刺状态|讲政治|警钟长鸣|如履薄冰|敬畏之心",
            r"坚持.{0,6}导向",
        )
    )
)
CONDITIONS = ("发现", "一旦", "遇到", "遇有", "如有", "出现", "接到")
# What follows an owner's name in a sentence: an obligation, an assignment, a verb of work.
TERM_FOLLOWERS = (
    "要|必须|务必|务于|须|需|应当|都|负责|牵头|主抓|统筹|配合|协助|协同|参与|分工|全力|抓紧|加紧|切实|认真|于|在|"
    "对|将|把|按|根据|结合|依据|做好|加快|组织|开展|立即|做|完成|落实|每|定期|及时|逐|具体|"
    # a time limit of its own: 城东办一周内完成…
    "[一二三两四五六七八九十\\d]+个?(?:周|天|日|工作日|月)内|下周|本周|本月|年底|年内|近期|"
    # and the first characters of the verbs that follow a subject
    "[明确安指报上提研制建抓加严深全统推落开组强完积主认定及尽切狠迅会联立亲汇]"
)

EXHORTED = ("大家", "我们", "全[县区市镇乡州旗]上下", "各级干部", "党员干部", "广大干部")
CLOSINGS = ("同志们", "让我们", "最后，", "总之，")
IMPERATIVE_START = re.compile("(?:" + "|".join(IMPERATIVES) + ")")
# A quarter naming the period of some work (四季度安全生产工作), not when it is done (四季度完成…)
QUARTER_AS_PERIOD = re.compile(
    rf"(?!完成|开工|建成|实现|启动|竣工|投产|投用|全面|前|末|底|内)[{HAN}]{{1,8}}?工作|经济|“?开门红"
)
# A deadline that opens a clause before its subject
DATE_BEFORE_SUBJECT = re.compile(
    r"(?:\d{1,2}月\d{1,2}日|\d{1,2}月(?:底|末|中旬|上旬|下旬)?|年底|年内|本月底?|下周|近期)(?:之前|以前|前)[，,]?"
)
# 须 alone means "must" before how or when the work is done: 须在…前, 均须按…, 须及时报送
BARE_XU = re.compile(
    r"(?<=[均都应亦并，,])须|须(?=在|于|按|经|报|及时|严格|立即|全面|认真|做好|落实|完成|确保|提前|每|由|将|对)"
)
# What may stand between a subject and its modal: 各镇办对发现的问题必须…, 县住建局在8月底前要…
PREPOSITION = re.compile(r"对|把|将|按照|根据|围绕|针对|结合|在|从|向|就")
# 县农业、水务等部门 / 卫健局等相关部门: units named, then the others by their kind
SOME_AND_OTHERS = re.compile(
    r"(?P<named>[^等]{2,30}?)等(?P<group>(?:相关|有关|其他|各)?(?:部门|单位|镇办|乡镇|镇街|街道|媒体|企业|机构))"
)
# What a piece of work is done on, beside a call to attitude: …推进交通重点项目建设, …开展排查整治
WORK_OBJECTS = re.compile(
    r"项目|建设|工程|排查|整治|整改|改造|治理|清理|检查|验收|资金|台账|方案|隐患|设施|绿化|美化|开展|实施"
)
# The meeting as reported: who held it, who came
MEETING_HELD = re.compile(r"召开|进行了|带队|调研|视察")
NARRATION = re.compile(
    r"主持召开|主持会议|出席会议|参加会议|列席会议|参会|宣布|宣读|表态|作了?(?:讲话|发言|汇报)"
)
# 整治黑臭水体…任务艰巨，意义重大。: a judgement of the work, closing the sentence
WEIGHED = re.compile(r"(?:意义重大|任务艰巨|十分必要|至关重要|刻不容缓|势在必行|十分重要|非常重要)[。！]?$")
# …，对全县秋冬种工作进行了部署。: what a speaker did at the meeting, whatever words it quotes
DEPLOYED = re.compile(r"(?:进行了|作了|作出了|做了)(?:具体|全面|详细)?(?:安排)?部署[。！]?$")
# X是Y的重要抓手: a clause that says what the work is (no modal), not a task
EXPLANATION = re.compile(r"^[^。；：]{2,40}?是[^，。；：]{2,60}?的")
# What the meeting decided to do: a task whoever is named
DECIDED = re.compile(
    r"^会议(?:决定|议定|商定|明确)[，,：:]?[^。；]{0,30}?"
    r"(?:开展|实施|启动|成立|建立|组织|安排|拨付|召开|下达|出台|制定|筹措|划拨|列入)"
)
# The end of a piece of work, which with a date makes a task of a statement: …7月底前全面完成
COMPLETION = re.compile(r"完成|建成|完工|竣工|到位|投用|投产|交付|销号|清零|办结|报送|上报|报[县市区]|提交")
# A time that opens a directing sentence before its verb: 今冬明春完成…, 年底前完成…
TIME_LEAD = re.compile(
    r"^(?:今冬明春|今冬|明春|下半年|近期|年内|年底|本月底?|下月底?|"
    r"[\d一二三四五六七八九十]{1,3}月(?:底|末|份|[上中下]旬|\d{1,2}日)?)(?:之前|以前|前)?[，,]?"
)
DEADLINE_CLAUSE = re.compile(
    r"\s*(?:力争|确保|务必|务于|并|要|于|在)?\s*(?:明年|\d{4}\s*年)?\s*[\d一二三四五六七八九十]{1,3}\s*月|\s*(?:力争|确保)?\s*年底前"
)
# What follows 由A when A carries out a decision (由县政府办按程序印发实施), not an assignment.
DONE_BY = re.compile(
    r"(?:按程序|按规定|依法|依规|依纪依法|统一|严肃)?"
    r"(?:印发|实施|组织实施|办理|报送|制定|起草|发布|对接|落实|执行|审核|督办|问责|追责|查处|处理)"
)
# Minutes put the meeting before the subject: 会议要求各部门…, 会议明确，县财政局…
MINUTES_LEAD = re.compile(
    r"(?:会议(?:要求|明确|强调|决定|责成|指出|议定|商定|认为)[，,：:]?"
    # a speaker before the subject: 王刚强调，…; 某副县长在总结讲话中要求：…
    rf"|(?:他|她|[{HAN}]{{2,12}}?)(?:强调|指出)[，,：:]|[{HAN}]{{2,16}}?在[{HAN}]{{0,12}}?讲话[中时]?(?:强调|要求|指出)[，,：:]"
    # who requires it of whom: 他要求各乡镇…, 王副县长要求县交通局要…
    rf"|(?:他|她|(?:(?![要按据照依])[{HAN}]){{2,12}}?)要求[，,：:]?)"
)
ENUMERATOR_AFTER = re.compile(rf"(?<=[{HAN}])(?:[{CN_NUMERAL}]是|[{CN_NUMERAL}]|首先|第[{CN_NUMERAL}]+)$")
MINUTES_DIRECTIVE = re.compile(r"会议(要求|明确|强调|决定|指出要|同意|议定|责成|商定)")
REVIEW_LEADS = re.compile(
    r"^(会议(?:首先|还|同时|并|先后|集中)?(?:听取|审议|传达|学习|研究|印发|通报)了|会上)"
)

# After a review, the meeting's direction: 会议听取了…汇报，强调要…
ABOVE_UNITS = re.compile(r"(?:以上|上述)(?:责任)?(?:单位|部门)")
REPORTED_DIRECTIVE = re.compile(r"[，,](?:会议)?(?:强调|要求|指出|明确|责成)[，,：:]?(?:要|各|县|市|区|由)")

# A decision approved, then what is done with it: 会议原则同意《…》，修改完善后印发。
APPROVED = re.compile(r"^(?:会议)?(?:原则|审议|研究)?(?:同意|通过)(?!了)")
# Who drafted what the meeting approved (会议原则同意县财政局拟草的《…》): the owner of its follow-up.
DRAFTED_BY = re.compile(
    r"同意(?P<unit>[^，,。；;《》“”]{2,40}?)(?:拟草|起草|草拟|拟定|拟订|制定|提交|报送|提出)(?:并[^，,。；;《》]{0,12})?的"
)
FOLLOW_UP = re.compile(r"[，,][^，,。；]*?(?:修改完善|修改|完善|印发|发布|实施|执行|提交|报送|报请|办理)")

SECTION = re.compile(rf"^(?:\*\*)?[{CN_NUMERAL}]+、")
SUBSECTION = re.compile(rf"^(?:\*\*)?[（(][{CN_NUMERAL}\d]+[）)]")
ITEM = re.compile(
    rf"^(?:\*\*)?(?:[{CN_NUMERAL}]+[是要]|第[{CN_NUMERAL}]+[，、是]|其[{CN_NUMERAL}]+[，、是]|\d+[.．、]|[①-⑳])"
)
HEADING_MAX = 24  # Han characters
ITEM_MARK = re.compile(rf"^(?:\*\*)?(?:\d+[.．、]|[（(][{CN_NUMERAL}\d]+[）)]|[①-⑳]|[{CN_NUMERAL}]+是)")
HEADING_START = re.compile(f"{SECTION.pattern}|{SUBSECTION.pattern}")
DATE_LINE = re.compile(r"^[（(]?\d{4}年\d{1,2}月\d{1,2}日[）)]?$")

DATE_PHRASE = re.compile(
    rf"(?:(?:明年|今年|\d{{4}}\s*年)\s*)?"
    rf"(?:"
    rf"(?P<md>[\d{CN_NUMERAL}]{{1,3}}\s*月\s*[\d{CN_NUMERAL}]{{1,3}}\s*[日号](?:\s*(?:之前|以前|前))?)"
    rf"|(?P<xun>[\d{CN_NUMERAL}]{{1,3}}\s*月\s*[上中下]旬(?:\s*(?:之前|以前|前|末))?)"
    rf"|(?P<me>[\d{CN_NUMERAL}]{{1,3}}\s*月\s*(?:底|末|份)(?:\s*(?:之前|以前|前))?)"
    rf"|(?P<ye>年底前|年底之前|年底|年内|年末)"
    rf"|(?P<q>第?[一二三四1-4]\s*季度(?:末|底)?(?:\s*(?:之前|以前|前))?)"
    rf"|(?P<rel>(?:本|当|下个?)?月(?:底|末|内)(?:之前|以前|前)?)"
    rf"|(?P<now>立即|马上|立刻|即刻)"
    rf"|(?P<week>(?:本|下)(?:周|星期)(?:[一二三四五六日天](?:之前|以前|前)?|之前|以前|前|内)|下周(?=要|必须|务必|须))"
    rf"|(?P<hol>(?:元旦|春节|清明节?|五一|劳动节|端午节?|中秋节?|国庆节?)\s*(?:之前|以前|前)(?!后))"
    rf"|(?P<span>(?<![\d{CN_NUMERAL}月])[\d{CN_NUMERAL}两]{{1,3}}\s*个?\s*(?:工作日|天|日|周|星期|月)\s*(?:之内|以内|内))"
    rf"|(?P<half>半个月(?:之内|以内|内))"
    rf")"
)
DESCRIPTIVE_BEFORE = (
    "进入",
    "已进入",
    "距离",
    "距",
    "截至",
    "截止",
    "至今",
    "今年",
    "去年",
    "上年",
    "从",
    "自",
)
# Words before a span that make it a measure's level (审批时限压缩至15个工作日以内), not a deadline.
SPAN_AS_MEASURE = ("至", "到", "控制在", "不超过", "时限", "时限为", "期限为", "办结")
NUMBER = r"\d+(?:\.\d+)?"
UNIT_WORDS = words(
    "个百分点 个工作日 工作日 小时 分钟 平方米 公里 千米 千瓦 万元 亿元 元 个 家 天 袋 亩 吨 "
    "人次 场次 人 户 次 场 项 处 座 栋 米 辆 台 套 所 间 张 条 件 笔 批 期 起 名 位 例 宗 "
    "份 篇 % ％"
)
UNIT = "(?:" + "|".join(re.escape(u) for u in sorted(UNIT_WORDS, key=len, reverse=True)) + ")"
S = r"\s*"
TARGET_PATTERNS = [
    # 压缩至15个工作日以内, 提高到90%: a measure brought to a level
    re.compile(
        rf"(?:压缩|缩短|降低|下降|减少|提高|提升|增加|压减)[至到]{S}{NUMBER}{S}[万亿]?{S}{UNIT}"
        rf"(?:{S}(?:以上|以内|以下|左右))?"
    ),
    re.compile(
        rf"(?:不少于|不低于|不超过|至少|达到|突破|超过|保持在){S}{NUMBER}{S}[万亿]?{S}{UNIT}(?:{S}(?:以上|以内|以下|左右))?"
    ),
    re.compile(rf"(?:不得超过|不得低于|不超过|不低于|控制在)[{HAN}]{{1,8}}?{NUMBER}{S}{UNIT}"),
    re.compile(rf"{NUMBER}{S}[万亿]?{S}{UNIT}{S}(?:以上|以内|以下|左右)"),
    re.compile(rf"(?<![\d.]){NUMBER}{S}[万亿]{S}{UNIT}?"),
    # 至少打造一个亮点 (a measure word and its noun), 至少研判一次 (a number of times)
    re.compile(
        rf"至少[{HAN}]{{0,8}}?[{CN_NUMERAL}两\d]+{S}(?:个|项|家|处|名|人)(?:[{HAN}]{{1,2}}(?=[，。；、,]|$))?"
    ),
    re.compile(rf"至少[{HAN}]{{0,8}}?[{CN_NUMERAL}两\d]+{S}(?:场次|人次|次|场)"),
    re.compile(
        rf"(?<=完成|新增|实现|培育|引进|建成|招引|签约|新建|改造|种植|销售|储备|压减|压缩|降低|下降|减少|增长|提高|提升)"
        rf"{S}{NUMBER}{S}[万亿]?{S}{UNIT}"
    ),
    re.compile(rf"(?<![\d.]){NUMBER}{S}(?:亩|吨|公里|千米|平方米|立方米|千瓦|兆瓦|袋|株|人次|户)"),
    # 新培育电商示范村5个: a verb of creating, what it creates, how many
    re.compile(
        rf"(?:完成|实现|培育|建成|新建|打造|创建|引进|招引|新增|认定|评选){S}[{HAN}]{{1,10}}?{NUMBER}{S}{UNIT}"
    ),
]


# ---------------------------------------------------------------------------------------------
# Text: paragraphs and sentences, with offsets into the original


@dataclass
class Sentence:
    start: int
    end: int
    paragraph: int
    first_in_paragraph: bool
    last_in_paragraph: bool = False
    bold: bool = False


def _visible(text: str) -> str:
    """Text without markup and whitespace, for the tests below."""
    return re.sub(r"\s+|\*\*", "", text)


def _soft_breaks(text: str) -> list[tuple[int, int]]:
    """The line breaks (with their spaces) that belong to the page layout, not to the author:
    after a character that cannot end a sentence, on a line full to the margin. A short line
    without terminal punctuation is a title or a date line: its break is the author's."""
    lines = [len(_visible(line)) for line in text.splitlines() if len(_visible(line)) >= 10]
    typical = sorted(lines)[len(lines) // 2] if lines else 30
    full = min(30, int(typical * 0.8))
    soft = []
    start = 0
    for match in re.finditer(r"[ \t]*\n[\s]*", text):
        before = text[start : match.start()]
        last = _visible(before)[-1:]
        line = _visible(before.rsplit("\n", 1)[-1])
        line_end = text.find("\n", match.end())
        following = _visible(text[match.end() : line_end if line_end >= 0 else len(text)])
        short = len(line) < typical * 0.9  # not full to the margin
        authors = (
            # a title or a signature: a whole line without punctuation
            (short and line == _visible(before) and not re.search(r"[，、。；：！？,;:]", line))
            # a heading that has not ended with a full stop
            or (short and HEADING_START.match(line) is not None and not re.search(f"[{TERMINAL}]", line))
            # before a heading or a date line
            or HEADING_START.match(following) is not None
            or DATE_LINE.match(following) is not None
            # a note line of who and by when, and the numbered point after it
            or NOTE_LINE.match(line) is not None
            or NOTE_LINE.match(following) is not None
            or re.match(r"^\d+[.．、](?!\d)", following) is not None
            # the cells of a table flattened to a line each: a row's number, a header, a list of units
            or any(_table_cell(cell) for cell in (line, following))
        )
        if last and last not in TERMINAL + "：:" and len(line) >= full and not authors:
            soft.append((match.start(), match.end()))
        else:
            start = match.end()
    return soft


def _table_cell(line: str) -> bool:
    """A line that is a cell of a flattened table: 1, 序号, 牵头单位, 区发改局、区财政局."""
    if re.fullmatch(r"\d{1,3}|序号|编号", line) or TASK_HEADER.match(line) or NOTE_HEADER.match(line):
        return True
    if not line or re.search(r"[：:。；;！？]", line) or line.endswith(("、", "，", ",")):
        return False  # a line of running text that wraps in the middle of a list
    names = re.split(r"[、，,]", line)
    return all(0 < len(name) <= 15 and name.endswith((*OWNER_SUFFIXES, "）", ")")) for name in names)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: text between line breaks that are the author's."""
    soft = {start for start, _ in _soft_breaks(text)}
    spans = []
    start = 0
    for match in re.finditer(r"[ \t]*\n[\s]*", text):
        if match.start() in soft:
            continue
        if _visible(text[start : match.start()]):
            spans.append((start, match.start()))
        start = match.end()
    if _visible(text[start:]):
        spans.append((start, len(text.rstrip())))
    return spans


def sentences(text: str) -> list[Sentence]:
    result: list[Sentence] = []
    pairs = QUOTES | PARENS
    for number, (p_start, p_end) in enumerate(paragraphs(text)):
        first = True
        depth: list[str] = []
        cursor = p_start
        i = p_start
        while i < p_end:
            char = text[i]
            if char in pairs:
                depth.append(pairs[char])
            elif depth and char == depth[-1]:
                depth.pop()
            elif char in TERMINAL and not depth:
                end = i + 1
                # A bold heading closes after its full stop: **一要…。**
                if text.startswith("**", end) and text[cursor:end].lstrip().startswith("**"):
                    end += 2
                # A note of who and by when belongs to the sentence before it.
                note = ANNOTATION.match(text, end + len(text[end:p_end]) - len(text[end:p_end].lstrip()))
                if note:
                    end = note.end()
                    i = end - 1
                result.extend(_sentence(text, cursor, end, number, first))
                first = False if result and result[-1].paragraph == number else first
                cursor = end
            i += 1
        if _visible(text[cursor:p_end]):
            result.extend(_sentence(text, cursor, p_end, number, first))
        if result and result[-1].paragraph == number:
            result[-1].last_in_paragraph = True
    return result


def _sentence(text: str, start: int, end: int, paragraph: int, first: bool) -> list[Sentence]:
    """Trim whitespace and stray markup; a bold heading glued to its text becomes its own sentence."""
    while start < end and (
        text[start].isspace() or (text.startswith("**", start) and not _bold_heading(text, start, end))
    ):
        start += 2 if text.startswith("**", start) else 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return []
    bold = _bold_heading(text, start, end)
    if bold and bold < end:
        # **一要…**。 or **一要…** followed by text in the same sentence
        head_end = bold
        while head_end < end and text[head_end] in TERMINAL:
            head_end += 1
        head = Sentence(start, head_end, paragraph, first, bold=True)
        rest = _sentence(text, head_end, end, paragraph, False)
        return [head, *rest]
    return [Sentence(start, end, paragraph, first, bold=bool(bold))]


def _bold_heading(text: str, start: int, end: int) -> int:
    """The end of a **…** run at `start` (after its closing stars), or 0."""
    if not text.startswith("**", start):
        return 0
    close = text.find("**", start + 2, end)
    return close + 2 if close > 0 else 0


# ---------------------------------------------------------------------------------------------
# Reading a sentence


def outside_quotes(text: str) -> str:
    """The text with quoted passages blanked (same length, so offsets still hold)."""
    out = []
    depth: list[str] = []
    for char in text:
        if char in QUOTES:
            depth.append(QUOTES[char])
            out.append(char)
        elif depth and char == depth[-1]:
            depth.pop()
            out.append(char)
        else:
            out.append(" " if depth else char)
    return "".join(out)


def modal_positions(text: str) -> list[int]:
    """Where modal words stand in `text` (quoted passages already blanked)."""
    found = []
    for word in MODALS:
        for match in re.finditer(word, text):
            at = match.start()
            if word == "要":
                window = text[max(0, at - 2) : at + 3]
                if any(compound in window and _covers(text, at, compound) for compound in NOT_MODAL_YAO):
                    continue
                if text[max(0, at - 1) : at] == "我":  # 我要强调: the speaker, not a task
                    continue
                if re.match(r"要(?:看到|认识到|清醒|明白|意识到|知道|承认|相信)", text[at:]):
                    continue  # 要看到…: what to understand, not work to do
            if word == "确保" and text[at + 2 : at + 3] == "了":
                continue
            if word == "须" and text[max(0, at - 1) : at] in ("必", "无"):
                continue
            if word == "须" and not BARE_XU.match(text, at):
                continue  # 凤须岭, 胡须: a name's character, not "must"
            if word == "一律" and text[max(0, at - 1) : at] in ("不", "非"):
                continue
            found.append(at)
    return sorted(set(found))


def _covers(text: str, at: int, word: str) -> bool:
    index = word.index("要")
    return text[at - index : at - index + len(word)] == word


def is_heading(text: str, sentence: Sentence, following: Sentence | None) -> str:
    """'section', 'subsection', 'item' or '' for the sentence at hand."""
    raw = text[sentence.start : sentence.end]
    visible = _visible(raw)
    if visible.endswith(("；", ";")):
        return ""  # an enumeration inside a sentence (一是…；二是…), not a heading
    han = len(re.findall(rf"[{HAN}]", visible))
    continues = following is not None and following.paragraph == sentence.paragraph
    if SECTION.match(visible) and han <= HEADING_MAX + 6:
        return "section"
    if SUBSECTION.match(visible) and han <= HEADING_MAX:
        return "subsection"
    if ITEM.match(visible) and han <= HEADING_MAX and (continues or sentence.bold):
        return "item"
    topic = TOPIC_LEAD.match(visible)  # 就做好秋粮收储，他强调，一是要…
    minutes = MINUTES_LEAD.match(visible, topic.end() if topic else 0)
    point = visible[minutes.end() :] if minutes else ""
    if point and ITEM.match(point) and len(re.findall(rf"[{HAN}]", point)) <= HEADING_MAX and continues:
        return "item"  # 会议强调，一要抓好隐患排查。对…: the meeting's first point, its words below
    if sentence.bold and han <= HEADING_MAX:
        return "item"
    return ""


def subject_start(visible: str, start: int) -> int:
    """Where a clause's subject may start: after a list number and the meeting (会议要求…)."""
    lead = LEAD.match(visible, start)
    offset = lead.end() if lead else start
    minutes = MINUTES_LEAD.match(visible, offset)
    if minutes is None:
        return offset
    lead = LEAD.match(visible, minutes.end())  # 会议要求：一是…
    return lead.end() if lead else minutes.end()


def _clause_starts(text: str) -> list[int]:
    starts = [0]
    depth: list[str] = []
    for i, char in enumerate(text):
        if char in QUOTES:
            depth.append(QUOTES[char])
        elif depth and char == depth[-1]:
            depth.pop()
        elif char in "（(" and not depth:
            depth.append("）" if char == "（" else ")")  # （无牵头单位的，下同）: an aside, not a clause
        elif char in "，,：:" and not depth:
            starts.append(i + 1)
    return starts


@dataclass(frozen=True)
class Subject:
    at: int  # offset in the sentence where the subject starts
    owners: tuple[str, ...]
    leads_clause: bool  # the clause starts with the subject (not after 请/力争…)
    by_assignment: bool = False  # "X牵头" / "X负责": part of an assignment, not a modal


class Reader:
    """Reads owners, assignments, deadlines and targets out of sentences, with the directory's names."""

    def __init__(self, directory: Directory, meeting_date: date) -> None:
        self.directory = directory
        self.meeting_date = meeting_date
        people = [re.escape(n) for n in directory.people()]
        units = [re.escape(n) for n in directory.units()]
        known = "|".join(people + units) or "(?!)"
        prefixes = "|".join(OWNER_PREFIXES)
        suffixes = "|".join(sorted(OWNER_SUFFIXES, key=len, reverse=True))
        # An owner term: a known name, a name followed by 同志, or a short phrase ending in an owner word.
        self.term = re.compile(
            rf"(?:{known})(?:同志)?|[{HAN}]{{2,3}}同志|[{HAN}]{{0,8}}?(?:{TITLES})[{SURNAMES}][{HAN}]{{1,2}}"
            rf"|(?:{prefixes})?(?:[{HAN}\d]|[（(][{HAN}、]{{1,8}}[）)]){{0,14}}?(?:{suffixes})(?:[（(][{HAN}、]{{1,8}}[）)])?"
        )

    # Owners ------------------------------------------------------------------------------------

    def owner_list(self, text: str, at: int) -> tuple[tuple[str, ...], int]:
        """The owners named from `at` on (A、B和C…), and where the list ends; ((), at) if none."""
        owners: list[str] = []
        cursor = at
        while True:
            end = self._term_end(text, cursor)
            if end is None:
                break
            owners.extend(self._split_compound(text[cursor:end]))
            cursor = end
            separator = re.match(r"、|和|及|与|以及", text[cursor:])
            if not separator or self._term_end(text, cursor + separator.end()) is None:
                break
            cursor += separator.end()
        return self._people(owners), cursor

    @staticmethod
    def _people(owners: list[str]) -> tuple[str, ...]:
        """Names without 同志 and without their titles: 县委常委、常务副县长孙立新同志 → 孙立新."""
        named: list[str] = []
        for owner in owners:
            listed = re.match(r"^(.+?)等(?:单位|部门|镇办|乡镇|镇街)$", owner)
            if listed and listed.group(1).endswith(OWNER_SUFFIXES):
                owner = listed.group(1)  # A、B、C等单位: the units listed
            titled_name = re.match(rf"^(?:.*(?:{TITLES}))([{HAN}]{{2,3}})$", owner)
            name_then_title = NAME_THEN_TITLE.match(owner)
            if name_then_title and name_then_title.group(1) not in NOT_NAMES:
                named.append(name_then_title.group(1))  # 张文斌副县长 → 张文斌
            elif owner.endswith("负责同志"):
                named.append(owner)  # 主要负责同志: a role, not a name
            elif owner.endswith("同志") or (titled_name and not owner.endswith(OWNER_SUFFIXES)):
                bare = owner.removesuffix("同志")
                titled = re.match(rf"^(?:.*(?:{TITLES}))([{HAN}]{{2,3}})$", bare)
                if titled:
                    # the titles before the name in the same list are this person's, not owners
                    while (
                        named
                        and re.search(rf"(?:{TITLES})$", named[-1])
                        and not named[-1].startswith(OWNER_PREFIXES)
                    ):
                        named.pop()
                    bare = titled.group(1)
                named.append(bare)
            else:
                named.append(owner)
        return tuple(dict.fromkeys(named))

    def _term_end(self, text: str, at: int) -> int | None:
        """The end of the longest owner term at `at` that a separator, a verb or punctuation follows."""
        limit = min(len(text), at + 20)
        for end in range(limit, at, -1):
            candidate = text[at:end]
            if self._is_list(candidate):
                continue  # 县自然资源局和县住建局: two owners, read one by one
            if self.term.fullmatch(candidate) and self._is_owner(candidate):
                rest = text[end:]
                if not rest or re.match(rf"[^{HAN}]|、|和|及|与|以及|同志|{TERM_FOLLOWERS}", rest):
                    return end
        return None

    def _is_list(self, candidate: str) -> bool:
        for match in re.finditer(r"和|及|与", candidate):
            left, right = candidate[: match.start()], candidate[match.end() :]
            if all(self.term.fullmatch(side) and self._is_owner(side) for side in (left, right)):
                return True
        return False

    def _is_owner(self, term: str) -> bool:
        bare = term.removesuffix("同志")
        if bare in NOT_OWNERS or bare.startswith(PRONOUNS) or re.match(NOT_A_SUBJECT_START, bare):
            return False
        if bare.endswith(MEETING_WORDS) or (bare.endswith("各级") and bare != "各级"):
            return False
        if modal_positions(bare) or NOT_A_NAME.search(bare):
            return False  # 每周要形成简报向镇党委, 成立指挥部, 两年以内村卫生室: a clause, not a name
        if re.search(
            r"按照|对照|根据|围绕|针对|督促|组织(?=[实开召协动发好])|推进|加快|做好|确保|力争|要求|会同|协同(?!部门|单位)|联合(?=开展|推进|行动|发文|印发)|应(?=与|和|同|当|在|按|对|及)|配合(?!单位)|负责(?!人|同志)|牵头(?!责任|单位|部门)",
            term,
        ):
            return False
        if len(bare) < 2 and self.directory.lookup(bare) is None:
            return False  # 所上报的项目: a word's first character, not an institute
        if re.search(r"[和及与、][县区市旗]$|.{2}(?:为|代表)", bare):
            return False  # 开发区和市…, 主要负责同志为…责任人: a clause, not a name
        return self.directory.lookup(bare) is not None or term != bare or len(bare) <= 18

    @staticmethod
    def _split_compound(term: str) -> list[str]:
        """各乡镇各单位 → 各乡镇, 各单位; 单位乡镇 → 单位, 乡镇; but 各乡镇各单位主要负责人 stays one."""
        if term.endswith(PERSON_SUFFIXES):
            return [term]
        parts = [p for p in re.split(r"(?=各(?!位))", term) if p]
        if len(parts) > 1 and parts[0] == "各级":
            parts = [parts[0] + parts[1], *parts[2:]]  # 各级各部门: the departments at every level
            if len(parts) == 1:
                return parts
        # 县指挥部各工作组: the groups of one body, one owner; 各乡镇各单位: two
        whole_body = not (parts[0].startswith("各") or parts[0] in UNIT_CLASSES)
        if (
            len(parts) > 1
            and not whole_body
            and all(p.endswith(UNIT_CLASSES) or p.endswith(OWNER_SUFFIXES) or p == "各地" for p in parts)
        ):
            return parts
        words: list[str] = []
        rest = term
        while rest:
            word = next((w for w in sorted(UNIT_CLASSES, key=len, reverse=True) if rest.startswith(w)), None)
            if word is None:
                return [term]
            words.append(word)
            rest = rest[len(word) :]
        return words if len(words) > 1 else [term]

    def subjects(self, text: str) -> list[Subject]:
        """Explicit subjects: owners at a clause's start followed by a modal (县财政局要…), or
        introduced by 请 (请A和B做好…) or by 力争/确保 with 都/要 (力争A、B都…)."""
        found: list[Subject] = []
        visible = outside_quotes(text)
        modals = set(modal_positions(visible))
        for start in _clause_starts(visible):
            offset = subject_start(visible, start)
            word = next((w for w in SUBJECT_LEADS if visible.startswith(w, offset)), None)
            if word == "由":
                # 由A同志负责 is an assignment, read by assignment(); 由A印发实施 names who does it
                owners, end = self.owner_list(visible, offset + 1)
                if owners and DONE_BY.match(visible, end):
                    found.append(Subject(offset + 1, owners, False))
                continue
            if word:
                offset += len(word)
            dated = DATE_BEFORE_SUBJECT.match(visible, offset)
            if dated and word is None:
                offset = dated.end()  # 9月5日前东河村、柳湾村要完成…
            leads_clause = word is None or word in ("同时", "特别是", "尤其是", "其中", "另外", "此外")
            marker = self._marker(visible, offset, modals)
            if marker is not None:
                # 各乡镇一要…；二要…: the list's number stands between the subject and its modal
                phrase = ENUMERATOR_AFTER.sub("", visible[offset:marker].rstrip("，, "))
                phrase = phrase.removesuffix("之间")  # 各部门之间要加强沟通
                phrase = ASIDE.sub("", phrase)  # 牵头单位（未列牵头单位的，下同）要…
                phrase = re.sub(r"^[^，,]{1,12}后(?=各|县|市|区|镇|乡)", "", phrase)  # 项目结束后各镇要…
                phrase = AFTER_SUBJECT.sub("", phrase) if len(phrase) > 2 else phrase
                owners = self.noun_phrase(phrase)
                preposition = PREPOSITION.search(phrase, 2)
                if not owners and preposition and not re.search("[，,]", phrase):
                    owners = self.noun_phrase(phrase[: preposition.start()])  # 各镇办对…问题必须…
                if owners:
                    assigned = bool(re.match(r"牵头|(?:具体)?负责(?!人)", visible[marker:]))
                    found.append(Subject(offset, owners, leads_clause, assigned))
                    continue
            if word in ("请", "责成") or visible[:offset].endswith("责成"):
                owners, _end = self.owner_list(visible, offset)
                if owners:
                    found.append(Subject(offset, owners, False))
        return found

    @staticmethod
    def _marker(visible: str, offset: int, modals: set[int]) -> int | None:
        """Where the clause's verb of obligation stands, within reach of a subject."""
        asides = re.finditer(r"[（(][^（()）]{2,40}[）)]", visible[offset : offset + 40])
        reach = 26 + sum(len(a[0]) for a in asides)  # 牵头单位（…，下同）要, 各县（区）、…要
        window = visible[offset : offset + reach]
        for i in range(len(window)):
            at = offset + i
            if at in modals or re.match(
                r"都(?!是)|将(?=对|从|于|在|组织|开展|进行|按|严格|认真|及时|定期|集中|继续|全力|加快|进一步|启动|实施|召开|适时|持续|加大|全面|会同|牵头|成立|建立|制定|出台)|(?:具体)?负责(?!人)|牵头(?=[，,。；、]|抓总|$)|务于|加紧|抓紧|全力|会同|联合(?=开展|推进|行动|执法|发文|印发)"
                r"|应(?=与|和|同|在|按|对|及时|加强|加快|做好|严格|切实|认真|主动|积极)",
                visible[at:],
            ):
                return at
            if window[i] in "。；！？":
                return None
        return None

    def noun_phrase(self, phrase: str) -> tuple[str, ...]:
        """The owners a subject phrase names (A、B和C), or () when it is not a list of owners."""
        phrase = phrase.strip()
        if not phrase or len(phrase) > 30 or re.search(VERBS, phrase) or re.match(r"与|和|及|同|跟", phrase):
            return ()  # 与村干部要沟通: with whom, the subject left unsaid
        listed = SOME_AND_OTHERS.fullmatch(phrase)
        if listed:
            return self._some_and_others(listed["named"], listed["group"])
        owners: list[str] = []
        parts = self._conjuncts(phrase)
        if not parts and SHORT_NAMES_OF_A_KIND.fullmatch(phrase):
            return (phrase,)  # 统计、税务、财政部门: the departments, named short, one group as written
        if not parts:
            return ()
        for part in parts:
            owners.extend(self._split_compound(part))
        return self._people(owners)

    def _conjuncts(self, phrase: str) -> list[str]:
        """A phrase's owners joined by 、和及与 (not inside brackets: 各镇（街道、园区）), as many
        as make names: 县卫生和健康局和县医保局 → 县卫生和健康局, 县医保局; 县委、县政府督查室 is one
        office of both. [] when the phrase is not a list of owners."""
        spans: list[tuple[int, int]] = []
        cursor = depth = 0
        for at, char in enumerate(phrase):
            depth += 1 if char in "（(" else -1 if char in "）)" else 0
            if depth == 0 and char in "、和及与，,":
                spans.append((cursor, at - 1 if phrase.startswith("以及", at - 1) else at))
                cursor = at + 1
        spans.append((cursor, len(phrase)))

        def name(start: int, end: int) -> str | None:
            text = phrase[spans[start][0] : spans[end - 1][1]].strip()
            office_of_both = end < len(spans) and JOINT_OFFICE.match(phrase, spans[end][0])
            if office_of_both and PARTY_COMMITTEE.fullmatch(text):
                return None  # 县委、县政府督查办: the committee is half of the office's name
            both = re.fullmatch(rf"{PARTY_COMMITTEE.pattern}、{JOINT_OFFICE.pattern}", text)
            return text if text and (both or self._owner_term(text)) else None

        # most[i]: the most names atoms[:i] make, and where the last of them starts
        most: list[tuple[int, int] | None] = [(0, 0), *([None] * len(spans))]
        for end in range(1, len(spans) + 1):
            for start in range(end):
                before, so_far = most[start], most[end]
                if before is None or (so_far is not None and so_far[0] >= before[0] + 1):
                    continue
                if name(start, end):
                    most[end] = (before[0] + 1, start)
        parts: list[tuple[int, str]] = []
        end = len(spans)
        while end:
            last = most[end]
            if last is None:
                return []
            parts.append((spans[last[1]][0], name(last[1], end) or ""))
            end = last[1]
        joined: list[str] = []
        for start, part in parts[::-1]:
            # 各协同部门和单位: the bare class after 和 shares the first's words, one group as written
            if joined and part in ("单位", "部门") and phrase[start - 1] in "和及与" and len(joined[-1]) > 4:
                joined[-1] = f"{joined[-1]}{phrase[start - 1]}{part}"
            else:
                joined.append(part)
        return joined

    def _some_and_others(self, named: str, group: str) -> tuple[str, ...]:
        """县农业、水务等部门 → 县农业, 水务 (their short names stand for units); 卫健局等相关部门 →
        教育局, 相关部门 (the others are named as a group of their own)."""
        parts = [p.strip() for p in re.split(r"、|和|及|与|，|,", named) if p.strip()]
        if not parts or not all(re.fullmatch(rf"[{HAN}（）()]{{2,16}}", p) for p in parts):
            return ()
        if not any(self._owner_term(p) for p in parts) and len(parts) < 2:
            return ()
        others = [group] if re.match(r"(?:相关|有关|其他|各)", group) else []
        return self._people([*parts, *others])

    def _owner_term(self, part: str) -> bool:
        match = self.term.fullmatch(part)
        return bool(match) and self._is_owner(part)

    def assignment(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """由A同志负责/牵头, B牵头, C同志配合, D分工负责 → owners (A, B, D), cooperators (C)."""
        visible = outside_quotes(text)
        owners: list[str] = []
        cooperators: list[str] = []
        for match in re.finditer(r"由|(?<![提申邀聘报])请", visible):
            names, end = self.owner_list(visible, match.end())
            if names and re.match(r"\s*(?:负责|牵头|主抓|统筹|组织实施|具体负责)", visible[end:]):
                owners.extend(names)
        if not owners:
            return (), ()
        for start in _clause_starts(visible):
            offset = subject_start(visible, start)
            if visible.startswith(("由", "请"), offset):
                continue
            names, end = self.owner_list(visible, offset)
            tail = visible[end:]
            if names and re.match(r"\s*(?:配合|协助|协同|参与)", tail):
                cooperators.extend(names)
            elif names and re.match(r"\s*(?:分工负责|具体负责|牵头|负责)(?!人)", tail):
                owners.extend(names)
        return tuple(dict.fromkeys(owners)), tuple(dict.fromkeys(c for c in cooperators if c not in owners))

    def annotation(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[date | None, str]]:
        """（责任单位：A；配合单位：B、C；完成时限：9月30日） → owners, cooperators, deadline."""
        return self.notes([note.group(1) for note in ANNOTATION.finditer(text)])

    def notes(self, notes: list[str]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[date | None, str]]:
        """Notes of who and by when (责任单位：A；配合单位：B), in brackets or on lines of their own.
        Where a lead unit is named (牵头单位：A), the responsible units (责任单位：B) assist it."""
        owners: list[str] = []
        cooperators: list[str] = []
        deadline: tuple[date | None, str] = (None, "")
        parts = [part for note in notes for part in re.split(r"[；;]", note)]
        leads = any(re.search(r"牵头单位|主办单位|牵头领导", part.split("：")[0]) for part in parts)
        for part in parts:
            key, _, value = part.partition("：") if "：" in part else part.partition(":")
            names = [n for n in re.split(r"[、，,\s]", value.strip()) if n]
            if leads and re.search(r"责任单位", key):
                cooperators.extend(names)
            elif re.search(r"责任单位|牵头单位|主办单位|牵头领导|责任领导|责任人", key):
                owners.extend(names)
            elif re.search(r"配合单位|协办单位", key):
                cooperators.extend(names)
            elif re.search(r"时限|时间", key) and value.strip():
                # 12月底前 as it stands; 5月底前动工, 9月投入使用: the date in the cell's words
                found = DATE_PHRASE.search(value) or re.search(rf"[\d{CN_NUMERAL}]{{1,3}}月份?", value)
                for words in (value.strip(), found[0] if found else ""):
                    resolved = resolve_date(words, reference=self.meeting_date, roll_forward=True)
                    if words and resolved:
                        deadline = (resolved, words)
                        break
        return tuple(owners), tuple(cooperators), deadline

    def responsible_named(self, visible: str) -> tuple[str, ...]:
        """The units a sentence names as responsible (由A负责的…、B负责的…)."""
        found: list[str] = []
        for match in re.finditer(r"^|由|、|[，,]", visible):
            names, end = self.owner_list(visible, match.end())
            if names and re.match(r"\s*(?:具体)?负责(?!人)", visible[end:]):
                found.extend(n for n in names if not ABOVE_UNITS.search(n))
        return tuple(dict.fromkeys(found))

    def partners(self, text: str) -> tuple[str, ...]:
        """Units named to work with the owner: 会同A、B, 协同A…, and A、B配合 after who leads."""
        visible = outside_quotes(text)
        found: list[str] = []
        for match in re.finditer(rf"会同|协同(?!部门|单位)|联合(?![{HAN}]{{0,3}}[组队])", visible):
            names, _end = self.owner_list(visible, match.end())
            found.extend(names)
        for match in re.finditer(r"牵头[、，,]", visible):
            names, end = self.owner_list(visible, match.end())
            if names and re.match(r"\s*(?:配合|协助)", visible[end:]):
                found.extend(names)
        return tuple(dict.fromkeys(found))

    # Deadlines and targets ---------------------------------------------------------------------

    def deadline(self, text: str) -> tuple[date | None, str]:
        found = self.deadline_at(text)
        return (found[0], found[1]) if found else (None, "")

    def deadline_at(self, text: str) -> tuple[date, str, int] | None:
        """The task's deadline, its words and where they start in `text`: a phrase with 前 beats a
        bare month, the last one wins; dates before the meeting only describe."""
        visible = outside_quotes(text)
        best: tuple[int, int, date, str] | None = None  # (rank, position, date, words)
        for match in DATE_PHRASE.finditer(visible):
            words = text[match.start() : match.end()]
            before = visible[max(0, match.start() - 4) : match.start()].replace(" ", "")
            if any(before.endswith(word) for word in DESCRIPTIVE_BEFORE) or before.endswith("每"):
                continue  # 截至7月底: a date that describes; 每月底前: a date that recurs
            if match.group("ye") in ("年底", "年内") and visible.startswith(
                ("拟", "的", "进度", "目标", "计划"), match.end()
            ):
                continue  # 年内进度目标: a column of a form, not when the work is due
            if visible.startswith(("有关", "相关"), match.end()) or (
                match.group("hol") and visible.startswith("的", match.end())
            ):
                continue  # 部署中秋节前有关工作: the work of a season, not when it is due
            if match.group("span") or match.group("half"):
                clause_start = max(visible.rfind(c, 0, match.start()) for c in "，,；")
                if before.endswith(SPAN_AS_MEASURE) or "后" in visible[clause_start + 1 : match.start()]:
                    continue  # 压缩至15个工作日以内: a level; 收到通知后3天内: a rule, not a deadline
            if match.group("now"):
                clause_start = max(visible.rfind(c, 0, match.start()) for c in "，,；")
                if any(word in visible[clause_start + 1 : match.start()] for word in CONDITIONS):
                    continue  # 发现火情立即报告: how to react, not when the work is done
            if match.group("q") and QUARTER_AS_PERIOD.match(text[match.end() : match.end() + 12]):
                continue  # 四季度森林防火工作: the work of a period, not its deadline
            clause_end = re.search(r"[，,；;。！？]|$", visible[match.end() :])
            if "基础上" in visible[match.end() : match.end() + (clause_end.start() if clause_end else 0)]:
                continue  # 在三季度工作的基础上: what the work builds on
            resolved = resolve_date(words, reference=self.meeting_date, roll_forward=True)
            written_out = re.match(r"\d{4}\s*年", words) and re.search(r"前|之前|以前", words)
            if resolved is None or (resolved < self.meeting_date and not written_out):
                continue  # 今年3月份…: a month already past describes, it is no deadline
            rank = 2 if re.search(r"前|之前|以前|内", words) else (1 if match.group("now") else 0)
            if best is None or (rank, match.start()) >= best[:2]:
                best = (rank, match.start(), resolved, words)
        if best is None:
            return None
        return best[2], best[3].strip(), best[1]

    @staticmethod
    def targets(text: str) -> tuple[Target, ...]:
        visible = outside_quotes(text)
        spans: list[tuple[int, int]] = []
        for pattern in TARGET_PATTERNS:
            for match in pattern.finditer(visible):
                if any(s <= match.start() < e or s < match.end() <= e for s, e in spans):
                    continue
                spans.append((match.start(), match.end()))
        return tuple(replace(_target(text[s:e]), start=s, end=e) for s, e in sorted(spans))


def _target(words: str) -> Target:
    compact = "".join(words.split())
    number = re.search(NUMBER, compact)
    value: Decimal | None = None
    if number:
        try:
            value = Decimal(number.group())
        except InvalidOperation:
            value = None
    else:
        numeral = re.search(rf"[{CN_NUMERAL}两]+", compact.removeprefix("至少"))
        if numeral:
            parsed = chinese_number(numeral.group().replace("两", "二"))
            value = Decimal(parsed) if parsed is not None else None
    unit_match = re.search(rf"([万亿]?{UNIT})", compact)
    unit = unit_match.group(1) if unit_match else ""
    return Target(text=words, value=value, unit=unit)


# ---------------------------------------------------------------------------------------------
# The document


LEVELS = {"section": 0, "subsection": 1, "item": 2}


@dataclass
class _Context:
    level: int = -1  # the level of the innermost heading so far (LEVELS), -1 before the first
    owners: tuple[str, ...] = ()  # an item's assignment (由X同志负责)
    cooperators: tuple[str, ...] = ()
    addressee: tuple[str, ...] = ()  # "各乡镇各单位要：" before a list
    in_list: bool = False  # inside the list that a sentence ending in ： opened
    section_directing: bool = False  # a section of 会议要求/议定 or under an addressee
    directing_level: int = -1  # the heading level where section_directing and addressee were set
    item_directing: bool = False  # an item with an assignment
    chain: tuple[str, ...] = ()  # the subject of an enumerated list in one sentence (各乡镇一要A；二要B。)
    measures: bool = False  # a sentence of measures so far: 针对X要…；针对Y，严格督促…；
    salutation: tuple[str, ...] = ()  # a notice's addressees on a line of their own (各承办单位：)

    @property
    def directing(self) -> bool:
        return self.section_directing or self.item_directing

    def enter(self, heading: str, raw: str) -> None:
        """A heading closes the item's assignment, and the list and the directing words of its level."""
        level = LEVELS[heading]
        if level <= self.directing_level or (self.directing_level < 0 and level == 0):
            self.addressee, self.section_directing, self.directing_level = (), False, -1
        if heading == "section" and MINUTES_DIRECTIVE.search(raw):
            self.section_directing, self.directing_level = True, level  # 二、会议议定以下事项：
        self.level = level
        self.owners, self.cooperators, self.item_directing, self.in_list = (), (), False, False
        self.chain, self.measures = (), False


def extract(
    text: str,
    *,
    meeting_date: date,
    directory: Directory | None = None,
    immediate_workdays: int = 0,
    calendar: WorkCalendar | None = None,
) -> list[Task]:
    """The tasks `text` assigns, in document order, with offsets into `text` as it is.

    立即 is given `immediate_workdays` working days from the meeting by `calendar` (see
    `immediate_deadlines`); with none, it is the meeting day, as the labelled corpus reads it.
    """
    joined, where = join_soft_breaks(full_width(text))
    tasks = [_in_original(task, text, where) for task in _extract(joined, meeting_date, directory)]
    return immediate_deadlines(
        tasks, meeting_date=meeting_date, workdays=immediate_workdays, calendar=calendar
    )


HALF_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
# A half-width mark that stands as Chinese punctuation: not inside a number (1,200, 18:00, 3.5).
HALF_WIDTH_MARK = re.compile(r"[,;:!?()]")
AS_WRITTEN = {ord(full): half for half, full in HALF_WIDTH.items()}


def full_width(text: str) -> str:
    """The text with half-width punctuation used as Chinese punctuation made full-width, character
    for character (offsets hold). Sites publish minutes with `,` `;` `:`; the rules read `，` `；` `：`.
    """

    def mark(match: re.Match[str]) -> str:
        at = match.start()
        char = match.group()
        if char in ",:" and text[at - 1 : at].isdigit() and text[at + 1 : at + 2].isdigit():
            return char  # 1,200户, 18:00
        return HALF_WIDTH[char]

    return HALF_WIDTH_MARK.sub(mark, text)


IMMEDIATELY = re.compile(r"^(?:立即|马上|立刻|即刻)$")


def immediate_deadlines(
    tasks: list[Task], *, meeting_date: date, workdays: int, calendar: WorkCalendar | None = None
) -> list[Task]:
    """Tasks to be done 立即 get the time limit the office sets for such work: `workdays` working
    days after the meeting. Read literally 立即 would be the meeting day, and the item would be
    overdue the day it is assigned. Tasks of any reader (the rules', the model's) go through here."""
    if workdays <= 0:
        return tasks
    due = (calendar or WorkCalendar()).add_workdays(meeting_date, workdays)
    return [
        replace(task, deadline=due) if IMMEDIATELY.match("".join(task.deadline_text.split())) else task
        for task in tasks
    ]


def join_soft_breaks(text: str) -> tuple[str, list[int]]:
    """The text with the page layout's line breaks taken out, and where each character came from.

    A term, a number or a date cut by a line break (县市场\n监管局, 4.\n2亿元) reads whole again.
    """
    keep = [True] * len(text)
    for start, end in _soft_breaks(text):
        for i in range(start, end):
            keep[i] = False
    where = [i for i, kept in enumerate(keep) if kept]
    joined = "".join(text[i] for i in where)
    where.append(len(text))
    return joined, where


def _in_original(task: Task, text: str, where: list[int]) -> Task:
    def span(start: int, end: int) -> tuple[int, int]:
        return where[start], where[end - 1] + 1

    start, end = span(task.start, task.end)
    targets = []
    for target in task.targets:
        t_start, t_end = span(target.start, target.end)
        targets.append(replace(target, text=text[t_start:t_end], start=t_start, end=t_end))
    words = task.deadline_text
    if task.deadline_text and task.deadline_span >= 0:
        d_start, d_end = span(task.deadline_span, task.deadline_span + len(task.deadline_text))
        words = text[d_start:d_end]
    return replace(
        task,
        start=start,
        end=end,
        text=text[start:end],
        targets=tuple(targets),
        deadline_text=words,
        owners=tuple(_as_written(name, text[start:end], text) for name in task.owners),
        cooperators=tuple(_as_written(name, text[start:end], text) for name in task.cooperators),
    )


def _as_written(name: str, words: str, document: str) -> str:
    """A name read with full-width marks (各街道（镇）) as the task's words write it (各街道(镇)), or
    as the document does where the name stands outside them (a table's 责任单位 column)."""
    if name in words:
        return name
    written = name.translate(AS_WRITTEN)
    if written in words or (name not in document and written in document):
        return written
    return name


def _extract(text: str, meeting_date: date, directory: Directory | None) -> list[Task]:
    reader = Reader(directory or Directory(), meeting_date)
    all_sentences = sentences(text)
    # Lines of their own after a point that name who and by when (牵头单位：A / 责任单位：B).
    note_line = [NOTE_LINE.match(_visible(text[s.start : s.end])) is not None for s in all_sentences]
    headings = []
    for index, sentence in enumerate(all_sentences):
        following = all_sentences[index + 1] if index + 1 < len(all_sentences) else None
        if following and note_line[index + 1] and not note_line[index]:
            headings.append("")  # （一）税收收入增长6%以上 / 责任单位：县税务局: a row of a task table
            continue
        before = all_sentences[index - 1] if index else None
        previous = _visible(text[before.start : before.end]) if before else ""
        # the last point of a list (…；（3）…。) is no heading
        element = previous.endswith(("；", ";")) and ITEM_MARK.match(previous) is not None
        headings.append("" if element else is_heading(text, sentence, following))
    # A structured document (two headings of its first kind or more) opens with a preamble; not a
    # report whose points are sentences of their own (会议强调，一要…。…二要…。): what precedes them directs
    first = next((h for h in headings if h), "")
    preamble = headings.index(first) if first and headings.count(first) >= 2 else 0
    if first == "item" and re.search(
        r"会议(?:要求|强调|指出|明确)|(?:强调|要求|指出)[，：]", text[: all_sentences[preamble].start]
    ):
        preamble = 0
    slogans = _parallel_slogans(text, all_sentences)
    table_tasks, table_others = _flat_table(text, all_sentences)
    spaced_tasks, spaced_others = _spaced_table(text, all_sentences)
    table_tasks |= spaced_tasks
    table_others |= spaced_others
    # 1.优化审批。推行…。5月底前…。（县行政审批局牵头，县商务局配合）: each sentence of the point
    bracketed: dict[int, list[str]] = {}
    for sentence in all_sentences:
        lead = (
            LEAD_BRACKET.search(text[sentence.start : sentence.end]) if sentence.last_in_paragraph else None
        )
        if lead:
            bracketed[sentence.paragraph] = [f"牵头单位：{lead[1]}"] + (
                [f"配合单位：{lead[2]}"] if lead[2] else []
            )
    context = _Context()
    for sentence in all_sentences[:12]:  # 各镇人民政府、街道办事处，区政府各部门： at a notice's head
        if sentence.first_in_paragraph and sentence.last_in_paragraph:
            context.salutation = _salutation(reader, _visible(text[sentence.start : sentence.end]))
            if context.salutation:
                break
    tasks: list[Task] = []
    for index, sentence in enumerate(all_sentences):
        if index in slogans:
            context.measures = True  # what follows a slogan says what it means: the measures it heads
            continue
        if note_line[index] or index in table_others:
            continue
        if index in table_tasks:
            tasks.extend(_read(reader, text, sentence, context, table_tasks[index]))
            continue
        if sentence.paragraph in bracketed and not headings[index]:
            if LEAD_BRACKET.fullmatch(_visible(text[sentence.start : sentence.end])):
                continue  # the bracket itself, standing after the point's last full stop
            tasks.extend(_read(reader, text, sentence, context, bracketed[sentence.paragraph]))
            continue
        if headings[index]:
            context.enter(headings[index], text[sentence.start : sentence.end])
            heading = _visible(text[sentence.start : sentence.end])
            topic = TOPIC_LEAD.match(heading)
            # 会议强调，一要…。/ 他强调，一是要…。: what follows is directed
            if MINUTES_DIRECTIVE.match(heading) or MINUTES_LEAD.match(heading, topic.end() if topic else 0):
                context.section_directing = True
        elif index >= preamble:
            notes = []
            for after in range(index + 1, len(all_sentences)):
                if not note_line[after] or all_sentences[after].paragraph == sentence.paragraph:
                    break
                notes.append(_visible(text[all_sentences[after].start : all_sentences[after].end]))
            tasks.extend(_read(reader, text, sentence, context, notes))
        if not _visible(text[sentence.start : sentence.end]).endswith("；"):
            context.chain, context.measures = (), False  # a full stop ends the sentence
    return tasks


def _flat_table(text: str, all_sentences: list[Sentence]) -> tuple[dict[int, list[str]], set[int]]:
    """A task table that a web page flattened to one cell a line: its header (序号 / 主要工作举措 /
    牵头单位 / 配合单位 …), then each row's number and cells in the header's order. Returns the
    sentences of each row's task cell with the row's notes (牵头单位：A), and the sentences of its
    other cells, which are no tasks. A leader's column is left out where units are named."""
    paragraphs: dict[int, list[int]] = {}
    for index, sentence in enumerate(all_sentences):
        paragraphs.setdefault(sentence.paragraph, []).append(index)
    order = list(paragraphs)
    words = {
        p: _visible("".join(text[all_sentences[i].start : all_sentences[i].end] for i in paragraphs[p]))
        for p in order
    }
    tasks: dict[int, list[str]] = {}
    others: set[int] = set()
    position = 0
    while position < len(order):
        header: list[str] = []
        while position + len(header) < len(order):
            cell = words[order[position + len(header)]]
            if not (cell in ("序号", "编号") or TASK_HEADER.match(cell) or NOTE_HEADER.match(cell)):
                break
            header.append(cell)
        columns = [c for c in header if c not in ("序号", "编号")]
        task_column = next((i for i, c in enumerate(columns) if TASK_HEADER.match(c)), None)
        if (
            task_column is None
            or not any(NOTE_HEADER.match(c) for c in columns)
            or header[0] not in ("序号", "编号")
        ):
            position += max(len(header), 1)
            continue
        others.update(i for p in order[position : position + len(header)] for i in paragraphs[p])
        position += len(header)
        units = any(re.search("单位", c) for c in columns)
        while position < len(order) and SECTION.match(words[order[position]]):
            position += 1  # 一、做大做强主导产业: a section row before the first row
        while position < len(order) and re.fullmatch(r"\d{1,3}", words[order[position]]):
            others.update(paragraphs[order[position]])
            end = position + 1
            while end < len(order) and not (
                re.fullmatch(r"\d{1,3}", words[order[end]]) or SECTION.match(words[order[end]])
            ):
                end += 1
            if end - position - 1 > len(columns) and task_column == 0:
                # a cell on several lines (县水务局 / 县住建局) or a second task in the row: read by kind
                _loose_row(
                    [words[p] for p in order[position + 1 : end]],
                    columns,
                    tasks,
                    others,
                    [paragraphs[p] for p in order[position + 1 : end]],
                )
                position = end
                continue
            cells = order[position + 1 : position + 1 + len(columns)]
            cells = cells[
                : next((k for k, p in enumerate(cells) if re.fullmatch(r"\d{1,3}", words[p])), len(cells))
            ]
            notes = [
                f"{name}：{words[p]}"
                for name, p in zip(columns, cells, strict=False)
                if not TASK_HEADER.match(name) and not (units and re.search("领导|责任人", name))
            ]
            for k, p in enumerate(cells):
                for i in paragraphs[p]:
                    if k == task_column:
                        tasks[i] = notes
                    else:
                        others.add(i)
            position += 1 + len(cells)
            while position < len(order) and SECTION.match(words[order[position]]):
                position += 1  # 二、发展现代服务业: a section row between the rows
    return tasks, others


def _spaced_table(text: str, all_sentences: list[Sentence]) -> tuple[dict[int, list[str]], set[int]]:
    """A task table copied as text, a row a line and its cells apart by spaces (序号 重点工作任务
    主要责任单位 协同配合单位 / 1 地区生产总值增长6.5%左右。 区发改委 区财政局…), a cell running on to
    the lines below. Returns the task sentence of each row with its notes, and the row's other sentences."""
    tasks: dict[int, list[str]] = {}
    others: set[int] = set()
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text)]
    columns: list[str] = []
    rows: list[list[tuple[int, str]]] = []
    for start, line in lines:
        cells = line.split()
        if cells and cells[0] in ("序号", "编号") and len(cells) >= 3:
            named = cells[1:]
            if TASK_HEADER.match(named[0]) and all(NOTE_HEADER.match(c) for c in named[1:]):
                columns, rows = named, []
                continue
        if not columns:
            continue
        if re.match(r"\d{1,3}\s", line):
            rows.append([(start, line)])
        elif SECTION.match(line.strip()) or not rows:
            continue  # 一、主要预期目标: a section row
        else:
            rows[-1].append((start, line))  # a cell that runs on: 区税务局 under 区财政局
    if not columns:
        return tasks, others
    lead = columns[1] if len(columns) > 1 else "责任单位"
    partner = next((c for c in columns[2:] if re.search("配合|协同|协办", c)), None)
    for row in rows:
        first_start, first_line = row[0]
        number = re.match(r"\d{1,3}\s+", first_line)
        body_start = first_start + (number.end() if number else 0)
        after = number.end() if number else 0
        stop = first_line.find("。", after)
        space = re.search(r"\s", first_line[after:])
        task_end = first_start + (
            stop + 1 if stop >= 0 else after + (space.start() if space else len(first_line) - after)
        )
        rest = (
            text[task_end : first_start + len(first_line)] + " " + " ".join(line for _, line in row[1:])
        ).split()
        rest = [cell.rstrip("。；;") for cell in rest]
        owners, partners = (rest[:-1], rest[-1:]) if partner and len(rest) >= 2 else (rest, [])
        notes = [f"{lead}：{'、'.join(owners)}"] if owners else []
        notes += [f"{partner}：{'、'.join(partners)}"] if partner and partners else []
        row_end = row[-1][0] + len(row[-1][1])
        for index, sentence in enumerate(all_sentences):
            if body_start <= sentence.start < task_end or sentence.start <= body_start < sentence.end:
                tasks[index] = notes
            elif first_start <= sentence.start < row_end:
                others.add(index)
    return tasks, others


def _loose_row(
    cells: list[str],
    columns: list[str],
    tasks: dict[int, list[str]],
    others: set[int],
    sentences: list[list[int]],
) -> None:
    """A flattened row whose cells are more lines than the header has columns: after the task, lines
    of names are its units, a line with a date its time limit, and another sentence a second task of
    the same row (开工建设老年大学。/ 12月底前), with the row's units."""
    unit_column = next((c for c in columns if "单位" in c and not re.search("配合|协办", c)), "责任单位")
    time_column = next((c for c in columns if re.search("时限|时间", c)), "完成时限")
    current: list[int] = []
    units: list[str] = []
    when = ""

    def close() -> None:
        notes = [f"{unit_column}：{'、'.join(units)}"] if units else []
        notes += [f"{time_column}：{when}"] if when else []
        for i in current:
            tasks[i] = notes

    for k, (cell, indices) in enumerate(zip(cells, sentences, strict=True)):
        date = DATE_PHRASE.search(cell)
        if k and date and len(re.findall(rf"[{HAN}]", cell)) <= 10:
            when = date[0]
            others.update(indices)
        elif k and _table_cell(cell):
            units.append(cell)
            others.update(indices)
        else:
            if current:
                close()
            current, when = list(indices), ""
    close()


def _salutation(reader: Reader, compact: str) -> tuple[str, ...]:
    """The addressees a notice opens with, a line of names ending in a colon (各承办单位：)."""
    if not compact.endswith(("：", ":")) or re.search(r"参会|参加|出席|列席|与会|主持|记录|抄送", compact):
        return ()  # 参会领导：… is who came, not whom the notice is for
    names: list[str] = []
    for group in re.split(r"[，,]", compact[:-1]):
        owners, end = reader.owner_list(group, 0)
        if not owners or end != len(group):
            return ()
        names.extend(owners)
    return tuple(names)


def _parallel_slogans(text: str, all_sentences: list[Sentence]) -> set[int]:
    """Short sentences that end alike (要一鼓作气抓招商。…要久久为功抓招商。…要同心协力抓招商。):
    the slogans that head a speech's parts, each followed by what it means, are no tasks."""
    endings: dict[str, list[int]] = {}
    calls: dict[int, list[int]] = {}  # 要强化招商。聚焦…。要提高质量。…: a paragraph's short calls
    for index, sentence in enumerate(all_sentences):
        compact = _visible(text[sentence.start : sentence.end])
        words = compact[subject_start(compact, 0) :]
        han = re.findall(rf"[{HAN}]", words)
        if words.endswith(("。", "！")) and 4 <= len(han) <= 10:
            endings.setdefault("".join(han[-3:]), []).append(index)
        short_call = re.fullmatch(rf"[{HAN}]{{0,4}}要[{HAN}]{{1,6}}[。！]", words) and len(han) <= 8
        numbered = sentence.bold or ITEM_MARK.match(words)  # 一要抓招商。: an item's heading, read as one
        if short_call and not numbered and not sentence.last_in_paragraph:
            calls.setdefault(sentence.paragraph, []).append(index)
    alike = {index for group in endings.values() if len(group) >= 3 for index in group}
    return alike | {index for group in calls.values() if len(group) >= 2 for index in group}


def _read(
    reader: Reader, text: str, sentence: Sentence, context: _Context, notes: list[str] | None = None
) -> list[Task]:
    raw = text[sentence.start : sentence.end]
    visible = outside_quotes(raw)
    compact = _visible(visible)
    if compact.startswith(CLOSINGS):
        return []
    if REVIEW_LEADS.match(compact) and not REPORTED_DIRECTIVE.search(compact):
        return []  # 会议听取了…汇报。 but not 会议听取了…汇报，强调要…
    if MINUTES_DIRECTIVE.search(compact[:8]):
        context.section_directing = True

    owners, cooperators = reader.assignment(raw)
    # only a decision with a follow-up (修改完善后印发); 会议同意X提出的意见。 alone assigns nothing
    approved = APPROVED.match(compact) and FOLLOW_UP.search(compact)
    drafted = DRAFTED_BY.search(visible) if approved else None
    if ABOVE_UNITS.search(visible):
        owners = reader.responsible_named(visible) or owners  # 请以上责任单位…: the units it names
    if owners:
        context.owners, context.cooperators = owners, cooperators
        context.item_directing = True
    elif drafted:
        # 会议同意县财政局拟草的《…》，修改完善后印发: the drafters finish it (this decision only)
        owners = reader.noun_phrase(drafted["unit"])
    subjects = reader.subjects(raw)
    # 县住建局要A；要B；三要C。 The subject that opens a sentence is the addressee of its later clauses
    # that name none, up to the full stop (the guidelines' section addressee: 各镇办各部门要…); a full
    # stop ends it (no sentence-to-sentence inheritance).
    if TOPIC_FRAME.match(compact[subject_start(compact, 0) :]):
        context.chain = ()  # 在…方面，要…: a topic of its own, not the addressee's before it
    chained = context.chain
    leading = sorted({s.at: s for s in subjects if not s.by_assignment}.values(), key=lambda s: s.at)
    if leading:
        opens = not modal_positions(visible[: leading[0].at])  # 就…，他指出…，他要求各部门一要…
        if opens and leading[0].leads_clause:
            context.chain = leading[0].owners
    if visible.rstrip().endswith(("：", ":")):
        if subjects and not owners:
            context.addressee = subjects[0].owners  # "各乡镇各单位要：" before a list
        if subjects or MINUTES_DIRECTIVE.search(compact) or compact.endswith(("如下：", "如下:")):
            context.section_directing, context.directing_level = True, context.level
        context.in_list = True
        return []
    noted_owners, noted_cooperators, noted_deadline = reader.annotation(raw)
    if notes:
        noted_owners, noted_cooperators, noted_deadline = reader.notes(notes)
    directed = context.directing or bool(context.salutation)  # 会议要求… / a notice to its addressees
    if not subjects and not owners:
        at = subject_start(visible, 0)
        named, end = reader.owner_list(visible, at)
        rest = DATE_PHRASE.sub("", visible[end:])
        says_more = len(re.findall(rf"[{HAN}]", rest)) >= 2  # not a signature and its date
        if named and says_more and (directed or reader.deadline(raw)[0] or reader.targets(raw)):
            subjects = [Subject(at, named, True)]

    modals = modal_positions(visible)
    opening = _visible(visible[subject_start(visible, 0) :]).removeprefix("同时，")
    point = context.addressee and context.in_list and ITEM_MARK.match(compact)  # 各位副县长要：（1）…
    # under 会议要求/强调…: 农村危房改造7月底前全面完成 is a task without a modal, by its date and its end
    dated = directed and bool(COMPLETION.search(compact)) and reader.deadline(raw)[0] is not None
    decided = DECIDED.match(compact) is not None  # 会议决定在全镇集中开展…专项行动
    imperative = (
        bool(point)
        or dated
        or decided
        or bool(APPROVED.match(compact) and FOLLOW_UP.search(compact))
        or (
            (context.directing or context.measures)
            and bool(IMPERATIVE_START.match(TIME_LEAD.sub("", opening, count=1)))
        )
    )
    if modals:
        context.measures = True  # the measures after this one's ； direct as it does
    if not (modals or owners or subjects or imperative or noted_owners):
        return []
    if _exhortation(modals, visible, reader) or _style_only(compact, visible, reader):
        return []
    if _attitudes_only(visible, reader):
        return []
    if re.match(r"^[^，。]{0,20}既是", compact):
        return []  # an explanation of why the work matters (X既是…也是…)
    if (not modals and NARRATION.search(compact)) or DEPLOYED.search(compact):
        return []  # 张县长主持召开…调度会，相关部门负责人参加会议: who met, not what they must do
    purpose = all(re.match("确保|力争", visible[m:]) for m in modals)
    if modals and purpose and MEETING_HELD.search(_visible(visible[: modals[0]])):
        return []  # 秋收推进会召开，会议对秋种任务进行了分解，确保颗粒归仓: the meeting's own aim
    if not modals and EXPLANATION.match(opening):
        return []  # 建好产业园区是…的重要抓手: what the work is, not who must do it
    if not modals and WEIGHED.search(compact):
        return []  # 抓好四季度工作至关重要。: what the work weighs, not who must do it

    result: list[Task] = []
    pieces = _split(reader, raw, visible, subjects, assignment=owners, dated=dated)
    for piece in pieces:
        number = re.match(r"\d{1,3}[ \t]+", text[sentence.start + piece.start :]) if notes else None
        if number:
            piece.start += number.end()  # 1 地区生产总值增长6%: a table row's number is not its task
        piece_text = text[sentence.start + piece.start : sentence.start + piece.end]
        piece_visible = outside_quotes(piece_text)
        if _attitudes_only(piece_visible, reader):
            continue  # …，各单位要强化大局意识，县财政局要…: the call to attitude split off
        if not (
            modal_positions(piece_visible)
            or owners
            or imperative
            or piece.owners
            or piece.inherits
            or noted_owners
        ):
            continue
        if noted_owners:
            piece_owners, piece_coops = noted_owners, noted_cooperators
        elif piece.owners and piece.inherits and result:
            piece_owners, piece_coops = piece.owners, result[-1].cooperators
        elif piece.owners and not (_heads(piece.owners) and chained):
            piece_owners, piece_coops = piece.owners, reader.partners(piece_text)
        elif owners:
            # 由A负责X，B负责Y split in two: each piece is its own assignee's
            split = len(pieces) > 1 and reader.assignment(piece_text)[0]
            piece_owners, piece_coops = split or owners, cooperators
        elif chained:
            piece_owners, piece_coops = chained, ()
        elif context.owners:
            piece_owners, piece_coops = context.owners, context.cooperators
        else:
            piece_owners, piece_coops = context.addressee or context.salutation, ()
        base = sentence.start + piece.start
        deadline, words, deadline_span = noted_deadline[0], noted_deadline[1], -1
        if deadline is None:
            found = reader.deadline_at(piece_text)
            if found:
                deadline, words, deadline_span = found[0], found[1], base + found[2]
        result.append(
            Task(
                start=base,
                end=sentence.start + piece.end,
                text=piece_text,
                owners=piece_owners,
                cooperators=piece_coops,
                deadline=deadline,
                deadline_text=words,
                deadline_span=deadline_span,
                targets=tuple(
                    replace(t, start=base + t.start, end=base + t.end) for t in reader.targets(piece_text)
                ),
            )
        )
    return result


def _exhortation(modals: list[int], visible: str, reader: Reader) -> bool:
    """大家要…, 我们必须…: addressed to everyone, with no date or figure to hold anyone to."""
    if not modals:
        return False
    text = visible.replace(" ", "")
    if not re.search("(?:" + "|".join(EXHORTED) + r")(?:更|都|也|一定)?(?:要|必须|务必|应该|需要)", text):
        return False
    return not (reader.deadline(visible)[0] or reader.targets(visible) or _work_of_its_own(_visible(text)))


def _attitudes_only(visible: str, reader: Reader) -> bool:
    """要提高认识，解放思想，形成合力: every clause a call to attitude, none an act, a date or a figure."""
    directed = visible[modal_positions(visible)[0] :] if modal_positions(visible) else visible
    clauses = [c for c in re.split(r"[，,；;。！？、]", _visible(directed)) if c]
    if not clauses or reader.deadline(visible)[0] or reader.targets(visible):
        return False
    # a verb before a quoted slogan (增强“…”) says no more than the slogan: no work of its own
    return all(ATTITUDES.search(clause) or len(re.findall(rf"[{HAN}]", clause)) <= 2 for clause in clauses)


def _style_only(compact: str, visible: str, reader: Reader) -> bool:
    """A short call to work harder (高度重视…按时完成, 树牢…理念) with no date, figure or work of its own."""
    han = len(re.findall(rf"[{HAN}]", compact))
    clauses = len(re.findall(r"[，,]", compact)) + 1
    if han > 40 or clauses > 3 or not any(word in compact for word in STYLE_WORDS):
        return False
    if reader.deadline(visible)[0] or reader.targets(visible):
        return False
    return not _work_of_its_own(compact)


def _work_of_its_own(compact: str) -> bool:
    """要提高认识，形成合力、加快推进农村公路改造工程: beside the calls, a piece of work of its own."""
    after = compact[modal_positions(compact)[0] :] if modal_positions(compact) else compact
    pieces = [p for p in re.split(r"[，,；;。！？、]", after) if p and not ATTITUDES.search(p)]
    return any(len(re.findall(rf"[{HAN}]", p)) >= 8 and WORK_OBJECTS.search(p) for p in pieces)


@dataclass
class _Piece:
    start: int
    end: int
    owners: tuple[str, ...] = ()
    inherits: bool = False  # a clause split off by its own deadline keeps the sentence's owners


def _split(
    reader: Reader,
    raw: str,
    visible: str,
    subjects: list[Subject],
    *,
    assignment: tuple[str, ...],
    dated: bool = False,
) -> list[_Piece]:
    """Split where a clause starts with a new subject, or a new deadline, after a clause that
    already directs work (…要抓紧启动，县财政局要…；…立即启动…，力争明年6月底前…)."""
    assigned = bool(assignment)
    # 由A负责X，B负责Y: a sentence that gives different work to different units is split between them
    # (not 由A负责，B牵头，C配合，做X: one piece of work, led by all of them)
    shared = not any(
        s.by_assignment
        and set(s.owners) != set(assignment)
        and re.search(r"(?:负责|牵头)[^，,；;。]{4,}[，,]", visible[: s.at])
        for s in subjects
    )
    owner_cuts: set[int] = set()
    for subject in subjects:
        if not subject.leads_clause or (assigned and subject.by_assignment and shared):
            continue
        comma = max(visible.rfind("，", 0, subject.at), visible.rfind(",", 0, subject.at))
        if _heads(subject.owners) and not _attitudes_only(
            visible[max(owner_cuts, default=0) : comma], reader
        ):
            continue  # 各部门要推进X，主要负责人要亲自抓: how the unit does X, not a task of another
        # 其中，东关办事处加紧推进…，北关办事处抓紧完成…: one unit's clause after another's
        named_before = any(s.leads_clause and s.at < comma for s in subjects)
        if comma < 0 or not (assigned or named_before or modal_positions(visible[:comma])):
            continue
        preceding = visible[max(owner_cuts, default=0) : comma]
        last = max(preceding.rfind("，"), preceding.rfind(","))
        lead_in = last >= 0 and not modal_positions(preceding[:last])  # 会议…强调，一要…，各部门要…
        if _bare_call(preceding[last + 1 :] if lead_in else preceding, reader):
            continue  # 三是要加强调度，各单位要明确专人…: the call is the next clause's heading
        owner_cuts.add(comma + 1)
    bounds = [0, *sorted(owner_cuts), len(raw)]
    deadline_cuts = set()
    for start, end in pairwise(bounds):
        for clause in _clause_starts(visible[start:end])[1:]:
            at = start + clause
            if not DEADLINE_CLAUSE.match(visible[at:end]):
                continue
            before, _ = reader.deadline(raw[start:at])
            after, _ = reader.deadline(raw[at:end])
            directing = assigned or dated or any(s.by_assignment for s in subjects if start <= s.at < at)
            if before and after and before != after and (directing or modal_positions(visible[start:at])):
                deadline_cuts.add(at)
    pieces: list[_Piece] = []
    cuts = sorted(owner_cuts | deadline_cuts)
    for start, end in zip([0, *cuts], [*cuts, len(raw)], strict=False):
        piece_subjects = [
            s for s in subjects if start <= s.at < end and not (assigned and s.by_assignment and shared)
        ]
        units = [s for s in piece_subjects if not _heads(s.owners)]
        owners = (units or piece_subjects)[0].owners if piece_subjects else ()
        inherits = start in deadline_cuts
        if inherits and not owners and pieces:
            owners = pieces[-1].owners  # …要立即启动，确保11月15日完成: the same subject
        pieces.append(_Piece(start, end, owners=owners, inherits=inherits))
    return pieces


def _heads(owners: tuple[str, ...]) -> bool:
    """主要领导, 主要负责人, 党政主要领导, 一把手: the heads of the units a sentence addresses."""
    return bool(owners) and all(HEAD.fullmatch(owner) for owner in owners)


def _bare_call(clause: str, reader: Reader) -> bool:
    """A short call with no subject, date or figure of its own (三是要加强调度), before a clause
    that names who does what: it does not stand as a task of its own."""
    words = re.sub(rf"^[{CN_NUMERAL}]+要", "", _visible(clause[subject_start(clause, 0) :]))  # 一要加强调度
    han = len(re.findall(rf"[{HAN}]", words))
    return (
        han <= 8
        and not reader.subjects(clause)
        and not reader.deadline(clause)[0]
        and not reader.targets(clause)
    )


def directory_from(rows: Iterable[dict[str, object]]) -> Directory:
    """A directory from plain rows ({"name", "aliases", "kind"}), as `--directory FILE` gives it."""
    entries = []
    for row in rows:
        raw = row.get("aliases") or ()
        aliases = re.split(r"[、，,\s]+", raw) if isinstance(raw, str) else [str(a) for a in raw]  # type: ignore[attr-defined]
        entries.append(
            Entry(
                name=str(row["name"]),
                aliases=tuple(a for a in aliases if a),
                kind=str(row.get("kind", "unit")),
            )
        )
    return Directory(tuple(entries))
