"""Organisation names the catalog does not have, read from the way news writes them: a name
ending in an organisation word (…资本, …科技有限公司, …公安局, …电视台, …医院, … Capital), or
standing where investors, partners and parents stand (由…领投, …参投, 与…签约, …旗下), before
a stock code (…(688256)), where a source is credited (据…统计, 来源：…, …记者, （图／…）) or
as an English government body or university (the Ministry of …). Pure.

What is found is stored as a `discovered` mention: counted across the warehouse and offered
for the catalog (`newsmon catalog suggest --from-warehouse`), never an alert.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from tasks.records import Discovered

# The last word of a Chinese organisation's name, and the kind of organisation it says.
_SUFFIXES = {
    "investor": "资本|資本|創投|创投|基金|资管|資管|产投|產投|资产管理|股权投资|私募|"
                "合伙企业（有限合伙）|合伙企业(有限合伙)|合夥企業（有限合夥）|合夥企業(有限合夥)",
    "university": "大学|大學|学院|學院|研究院|研究所|实验室|實驗室",
    "company": "股份有限公司|有限责任公司|有限公司|集团|集團|控股|科技|機器人|机器人|半导体|"
               "半導體|微电子|汽车|汽車|智驾|银行|銀行|证券|證券|保险|保險",
    "government": "市政府|区政府|區政府|县政府|縣政府|省政府|人民政府|管委会|管委會|管理委员会|"
                  "管理委員會|"  # a zone's name (…高新区) is a place; its 管委会 governs it
                  # a place's bureaus, courts, police, missions abroad
                  "公安局|公安厅|公安廳|公安分局|派出所|住建局|发改局|發改局|商务局|商務局|教育局|"
                  "教体局|金融局|统计局|統計局|财政局|財政局|税务局|稅務局|文物局|气象局|氣象局|"
                  "邮政局|郵政局|证监局|證監局|商务厅|商務廳|教育厅|教育廳|财政厅|財政廳|气象台|"
                  "氣象台|卫健委|衛健委|发改委|發改委|网信办|網信辦|人民法院|人民检察院|人民檢察院|"
                  "大使馆|大使館|总领馆|總領館|领事馆|領事館",
    "media": "电视台|電視台|卫视|衛視|日报|日報|晚报|晚報|周刊|週刊",
    # hospitals, associations, schools, clubs, rescue teams
    "other": "医院|醫院|协会|協會|学会|學會|商会|商會|联合会|聯合會|基金会|基金會|总工会|總工會|"
             "救援队|救援隊|俱乐部|俱樂部|中学|中學|小学|小學|学校|學校",
}
_KIND_OF = {word: kind for kind, words in _SUFFIXES.items() for word in words.split("|")}
_HAS_UNIVERSITY = re.compile("大学|大學|学院|學院|科学院|科學院|中科院|社科院")
_WEAK = ("科技", "汽车", "汽車", "机器人", "機器人", "半导体", "半導體", "保险", "保險", "产投", "產投",
         "中学", "中學", "小学", "小學", "学校", "學校", "学会", "學會")  # 初中学生, 学会了
# Legal names and government bodies run longer.
_LONG_NAMES = ("有限公司", "有限责任公司", "股份有限公司", "管委会", "管委會", "管理委员会", "管理委員會",
               "合伙企业（有限合伙）", "合伙企业(有限合伙)", "合夥企業（有限合夥）", "合夥企業(有限合夥)")
# Characters and words a name does not run back over: a name starts after them.
_STOP_CHARS = set("的在与與和由将將是为為对對及等了把从從被向其该該这這那于於至以而并並或也都就让讓给給但有"
                  "跟同下外年月轮輪方称稱说說示已获獲经經据據今近后後前再又还還共到"
                  "，。、；：！？“”‘’「」『』《》（）()【】[] \t\n,.;:!?\"'—…·")
_STOP_WORDS = ("融资", "融資", "股东", "股東", "投资方", "投資方", "包括", "宣布", "完成", "团队",
               "團隊", "研究", "领域", "領域", "行业", "行業", "产业", "產業", "旗下", "联合", "聯合",
               "母公司", "子公司", "参与", "參與", "合作", "签约", "簽約", "牵头", "牽頭", "发展",
               "發展", "推动", "推動", "打造", "实现", "實現", "通过", "通過", "聚焦", "加快", "注重",
               "持续", "持續", "积极", "積極", "加入", "来到", "來到", "走出", "融合", "我们", "我們",
               "我国", "我國", "他们", "他們", "进入", "進入", "高校", "世界", "全国", "全國", "项目",
               "項目", "通往", "扩展", "擴展", "城市级", "国家级", "國家級", "重点", "重點", "没有", "沒有",
               # verbs a name follows ("带动社会资本", "设立引导基金"), never part of one
               "来自", "來自", "震动", "震動", "展现出", "展現出", "带动", "帶動", "设立", "設立", "推进",
               "推進", "重视", "重視", "投入", "结合", "結合", "发行", "發行", "收购", "收購", "重塑",
               "深入", "包含", "发挥", "發揮", "押注", "促进", "促進", "加速", "吸引", "引入", "撬动",
               "撬動", "募集", "出资", "出資", "组建", "組建", "购买", "購買", "支付", "带领", "帶領",
               "冒充", "提供", "缓解", "緩解", "损害", "損害", "告诉", "告訴", "标榜", "標榜", "曝光",
               "监管", "監管", "进行", "進行", "筹备", "籌備", "优化", "優化", "懂得", "要求", "牵涉",
               "牽涉", "送往", "住进", "住進", "走进", "走進", "赶到", "趕到", "前往", "转往", "轉往",
               "送到", "就诊", "就診", "移送", "提请", "提請", "接受", "去过", "去過", "提高", "拥有",
               "擁有", "哪家", "这家", "這家", "那家", "哪所", "这所", "這所", "那所", "许多", "許多")
# Stop words (longest first) and characters, spelt backwards, for _name_start.
_STOP_BACKWARDS = re.compile("|".join([w[::-1] for w in sorted(_STOP_WORDS, key=len, reverse=True)]
                                      + ["[" + re.escape("".join(sorted(_STOP_CHARS))) + "]"]))
# Words of names that begin or end in a stop character: 示范区, 经济技术开发区, 东方, 同济.
_NAME_WORDS = frozenset(("示范", "示範", "经济", "經濟", "经开", "經開", "东方", "東方", "南方",
                         "北方", "同济", "同濟", "同方", "方正", "外高", "共享", "成都", "首都", "户外",
                         "戶外", "有色"))
_MAX_NAME = 8  # characters before the suffix (14 before a legal name's 有限公司)
# A name with a weak suffix (…科技, …智能) is one when the sentence goes on as after a name.
_AFTER_NAME = re.compile(r"(?:[，、（(]|宣布|发布|發布|完成|获得|獲得|表示|称|稱|与|與|和|及|推出|"
                         r"领投|領投|跟投|参投|參投|成立|创始人|創始人|CEO|董事长|董事長|联合创始人|"
                         r"聯合創始人|旗下|等)")
# Words a name stands before, suffix or not: an investor's role in a round.
ROLES = ("领投", "領投", "跟投", "参投", "參投", "联合领投", "聯合領投", "独家投资", "獨家投資")
_MAX_ROLE_NAME = 8
# The last word of an English organisation's name (matched lower-cased, as the text is).
ENGLISH = ("capital", "ventures", "partners", "investment", "investments", "technologies",
           "technology", "robotics", "labs", "holdings", "holding", "semiconductor", "motors",
           "group", "fund", "intelligence", "medical", "materials", "university")
_ENGLISH_INVESTORS = {"capital", "ventures", "partners", "investment", "investments", "fund"}
_ENGLISH_KIND = dict.fromkeys(_ENGLISH_INVESTORS, "investor") | {"university": "university"}
_ENGLISH_NAME = re.compile(r"((?:[A-Z][A-Za-z0-9&.\-]*\s+){1,5})$")
# The name goes on after its organisation word: China International Capital Corp, Guozhi
# Investment (Shanghai) Private Equity Fund Management.
_NAME_GOES_ON = re.compile(r" (?:\([A-Z][a-z]+\) )?[A-Z]")
# Capitalised words that start a sentence or describe, not name: "In robotics", "Chinese technology".
_ENGLISH_NOT_NAME = {"in", "the", "a", "an", "and", "of", "for", "to", "at", "on", "by", "with",
                     "as", "its", "our", "their", "his", "her", "this", "that", "these", "those",
                     "both", "all", "many", "some", "other", "chinese", "american", "u.s.", "us",
                     "china's", "global", "western", "while", "but", "when", "artificial",
                     "embodied", "business", "general", "machine", "generative", "physical"}
# A prefix made only of these is a kind of thing, not a name: 人形机器人, 美元基金, 股份制银行.
_GENERIC = re.compile(r"^(?:AI|创新|創新|联合|聯合|重点|重點|投资|投資|管理|产业|產業|创业|創業|股权|股權|"
                      r"上市公司|"
                      r"专项|專項|转型升级|轉型升級|人工|具身|生成式|通用|自动|自動|智慧|数字|數字|"
                      r"新能源|智能|科技|信息|"
                      r"技术|技術|网络|電子|电子|汽车|能源|中国|中國|全球|国内|國內|海外|上海|北京|"
                      r"深圳|杭州|国家|國家|人形|双足|雙足|四足|仿生|工业|工業|服务|服務|协作|協作|"
                      r"轮式|輪式|自平衡|家用|陪伴|手术|手術|PE|VC|美元|人民币|人民幣|子|母|引导|引導|"
                      r"国际化|國際化|新一批|传统|傳統|股份制|城商|农商|農商|商业|商業|全民|主流|"
                      r"头部|頭部|大型|小型|中小|民营|民營|外资|外資|本土|国产|國產|网上|網上|"
                      r"金融|存款|养老|養老|保障|偏股型|私募|明星|市委|区委|區委|县委|縣委|省委|共享|经济|"
                      r"經濟|定点|定點|三甲|公立|私立|专科|專科|综合|綜合|附近|当地|當地|行业|行業|"
                      r"应急|應急|上一级|上一級|上级|上級)+$")
# A country's bureau is no kind of thing: 国家邮政局, 中国文物局.
_NATIONAL = ("国家", "國家", "中国", "中國")
# A product's model code before a category word: R1機器人, H2机器人.
_MODEL_CODE = re.compile(r"(?:^|[^A-Za-z0-9])[A-Za-z]{1,3}\d{1,3}[A-Za-z]?$")
_HELD_BY = ("政府", "国资委", "國資委")  # 市政府控股的…: held by, not a name
_QUANTIFIED = re.compile(r"^(?:多家|一家|两家|兩家|其他|相关|相關|这家|這家|很多|不少|该|該|某|各|知名|"
                         r"头部|頭部|"
                         r"社会|社會|耐心|风险|風險|产业|產業|民间|民間|国有|國有|外资|外資|境外|"
                         r"战略|戰略|国家|國家|国内|國內|海外|政府|引导|引導|专利|專利|"
                         r"[\d一二三四五六七八九十百千万几多余两兩]+(?:家|支|只|个|個|位|名|批|类|類|所)?)")
# An amount before a name describes a tranche, not a firm: "100亿元的设计基金".
_AMOUNT_BEFORE = re.compile(r"[\d.]+\s*[亿億万萬千百]?\s*(元|美元|人民币|人民幣)的$")
# Where news names its source: 据IT桔子统计, 據鉅亨網報導, 来源：集微网. Each pattern is tried
# where its first word is (据 is frequent: 数据, 根据), not at every character.
_SOURCES = {
    "据": re.compile(r"[“\"「《]?(?P<name>(?:(?!记者|記者)[^\W_]){2,10})[”\"」》]?(?:的)?(?:不完全)?"
                    r"(?:报道|報導|报導|统计|統計|数据|數據|消息|援引|记者|記者)"),
    "来源": re.compile(r"\s?[:：|｜丨]\s*(?P<name>[^\W_][^\s，。、；：,;:|｜（()）]{1,11})"
                      r"(?=[\s，。、；|｜（()）]|$)"),
    # a photo credit: （图／CFP）, (图片来源：…) is 来源's
    "（图": re.compile(r"[／/:：]\s*(?P<name>[^\W_][^\s）)／/]{1,11})[）)]"),
}
_SOURCES |= {"據": _SOURCES["据"], "來源": _SOURCES["来源"], "(图": _SOURCES["（图"],
             "（圖": _SOURCES["（图"], "(圖": _SOURCES["（图"]}
_NOT_AFTER = set("数數证證占佔票收单單论論")  # 数据, 证据, 占据 …: not "according to"
# The run of name characters since the last punctuation, before a word that follows a source's
# name: a desk before 记者 (（云岫日报记者 王一）), an account before its WeChat id
# (机器人前瞻（公众号：…）, 直面AI(ID:…)).
_RUN_BEFORE = re.compile(r"(?:^|[\s，。、；：:,（(“”「」]|据|據)(?![据據])([^\W_]{2,10}?)"
                         r"(?:首席|特约|特約|见习|見習)?$")
_AFTER_SOURCE = ("记者", "記者", "（公众号", "(公众号", "（公眾號", "(公眾號", "（微信公众号",
                 "(微信公众号", "（ID:", "(ID:", "（ID：", "(ID：")
# Every word above, found in one scan of the text.
_SOURCE_WORDS = re.compile("|".join(re.escape(w) for w in sorted(
    [*_SOURCES, *_AFTER_SOURCE], key=len, reverse=True)))
# A listed company before its stock code: 万通发展(600246), 地平线(09660.HK). Codes of indexes
# and funds (88…, 15…, 51…) are not companies.
_TICKER = re.compile(r"[（(](?:(?:60|68|00|30)\d{4}(?:\.(?:SH|SZ))?|\d{4,5}\.HK)[）)]")
_NOT_SOURCE = re.compile(r"(?:不完全|不|了解|悉|介绍|介紹|称|稱|说|說|该|該|此|其|相关|相關|有关|"
                         r"有關|业内|業內|知情|媒体|媒體|外媒|官方|公开|公開|初步|测算|測算|估计|估計|"
                         r"预测|預測|预计|預計|本报|本報|本刊|本台|本网|本網|新华社|记者|記者|多家|"
                         r"多位|公司|企业|企業|网友|網友|报道|報導|市场|市場|行业|行業|机构|機構|统计|"
                         r"統計|数据|數據|财报|財報|公告|调查|調查|研究|分析)")
_NO_NAME = re.compile(r"\d{4}")  # a code or a date, not a source's name
# A source that is no name: 台媒, 港媒; 交管部门, 龙湖方面, 业内人士.
_NO_SOURCE_NAME = re.compile(r"[^\W_]{1,2}媒|.*(?:部门|部門|方面|人士|人员|人員|官员|官員|负责人|"
                             r"負責人)")
# Said to a source's reporter (温先生告诉南都记者, 负责人向记者表示): the name follows the verb.
_TOLD = re.compile(r".*(?:告诉|告訴|向|对|對|接受)")
# Words of time after a source's name (据港媒刚刚消息, 据新流财经此前报道): not part of it.
_WHEN_AFTER = re.compile(r"(?:刚刚|剛剛|此前|日前|近日|早前|最新|昨日|今日|昨天|今天)$")
_INNER_KIND = re.compile(r"资本|資本|基金|创投|創投")
# English government bodies and universities: the Ministry of Industry and Information
# Technology, the Lunaria government, the University of Science and Technology of China.
_OF_WORDS = (r"(?: (?:and|the|for|of|[A-Z][A-Za-z]+))*? [A-Z][A-Za-z]+"
             r"(?= (?!and\b|the\b|for\b|of\b)[^A-Z]|[^\w ]|$)")
_ENGLISH_BODIES = (
    ("government", re.compile(r"\b(?:Ministry|Department|Bureau|Commission|Administration) of"
                              + _OF_WORDS)),
    ("government", re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)? (?:municipal |city |provincial )?"
                              r"government\b")),
    ("university", re.compile(r"\b(?:[A-Z][a-z]+ )?(?:University|Institute|Academy) of"
                              + _OF_WORDS)),
)
_MIN_LENGTH = 2


SUFFIXES = tuple(_KIND_OF)
# The classifier finds all of these with its other phrases, in its one scan of the text.
PHRASES = (*((w, "suffix") for w in SUFFIXES), *((w, "role") for w in ROLES),
           *((w, "english") for w in ENGLISH))


def discover(text: str, hits: Iterable[tuple[int, int, str]],
             known: Iterable[tuple[int, int]] = ()) -> list[Discovered]:
    """Names in `text` that look like organisations and do not overlap `known` spans (the
    catalog's mentions), each once, in order of first appearance. `hits` are where the words
    of `PHRASES` occur: (start, end, what they are)."""
    taken = sorted(known)
    found: dict[str, Discovered] = {}

    def add(start: int, end: int, kind: str, pattern: str, suffix: str = "") -> None:
        name = text[start:end].strip()
        prefix = name[:len(name) - len(suffix)]
        # A kind of firm before the name: 产业资本金鼎资本, 国际化基金毅峰资本.
        inner = _INNER_KIND.search(prefix)
        if inner and (not inner.start() or _GENERIC.match(prefix[:inner.start()])
                      or _QUANTIFIED.fullmatch(prefix[:inner.start()])):
            start, name, prefix = (start + inner.end(), name[inner.end():],
                                   prefix[inner.end():])
        if (len(name) >= _MIN_LENGTH and name not in found and not _overlaps(taken, start, end)
                and not ((_QUANTIFIED.match(prefix) or _GENERIC.match(prefix))
                         and not (kind == "government" and prefix in _NATIONAL))
                and not (kind == "company" and _MODEL_CODE.search(prefix))
                and not _AMOUNT_BEFORE.search(text, max(0, start - 12), start)):
            found[name] = Discovered(name, start, end, kind, pattern)

    sources = []
    for word in _SOURCE_WORDS.finditer(text):
        at = word.start()
        if (pattern := _SOURCES.get(word.group())) is not None:
            if (at == 0 or text[at - 1] not in _NOT_AFTER) and (
                    source := pattern.match(text, word.end())):
                sources.append(source.span("name"))
        elif run := _RUN_BEFORE.search(text, max(0, at - 14), at):
            sources.append(run.span(1))
    for start, end in sources:
        if told := _TOLD.match(text, start, end):
            start = told.end()
        if when := _WHEN_AFTER.search(text, start, end):
            end = when.start()
        if (end - start >= 2 and not _NOT_SOURCE.match(text, start)
                and not _NO_NAME.search(text, start, end)
                and not _NO_SOURCE_NAME.fullmatch(text, start, end)):
            add(start, end, "media", "source")
    if "(" in text or "（" in text:
        for ticker in _TICKER.finditer(text):
            start = _name_start(text, ticker.start(), _MAX_NAME)
            if ticker.start() - start >= 2:
                add(start, ticker.start(), "company", "ticker")
    if "of" in text or "government" in text:
        for body_kind, pattern in _ENGLISH_BODIES:
            for body in pattern.finditer(text):
                first, _, rest = body.group().partition(" ")
                if first.lower() not in _ENGLISH_NOT_NAME:
                    add(body.start(), body.end(), body_kind, "english")
                elif " " in rest and rest.split()[0].lower() not in _ENGLISH_NOT_NAME:
                    # "The Lunaria government": the name starts after "The"
                    add(body.end() - len(rest), body.end(), body_kind, "english")

    longest: dict[int, int] = {}  # end -> the earliest start of a suffix ending there
    followed = set()
    for start, end, what in hits:
        if what == "suffix" and text.endswith(_HELD_BY, 0, start) and text[start:end] == "控股":
            continue  # 市政府控股的…: held by, not a name
        if what == "suffix":
            longest[end] = min(start, longest.get(end, start))
            followed.add(start)
        elif what == "role":
            name_start = _name_start(text, start, _MAX_ROLE_NAME)
            if start - name_start >= 2:
                add(name_start, start, "investor", "role")
        elif (text[start].isupper() and not _NAME_GOES_ON.match(text, end)
              and (name := _english_name(text, start)) is not None):
            add(name, end, _ENGLISH_KIND.get(text[start:end].lower(), "company"), "english")
    for end, suffix_start in longest.items():
        if end in followed:
            continue  # …科技有限公司: the name goes on to the next suffix
        suffix = text[suffix_start:end]
        kind = _KIND_OF.get(suffix)
        if kind is None or (suffix in _WEAK and not _AFTER_NAME.match(text, end)):
            continue
        start = _name_start(text, suffix_start, 14 if suffix in _LONG_NAMES else _MAX_NAME)
        if kind == "university" and start and text[start - 1] in "与與":
            # a faculty of two fields: 西岭大学地理与旅游学院, 某科学院地理科学与资源研究所;
            # not a list of two bodies (西岭大学与南湖实验室): a field stands before 与
            before = _name_start(text, start - 1, 14)
            bodies = [m.end() for m in _HAS_UNIVERSITY.finditer(text, before, start - 1)]
            if bodies and 2 <= start - 1 - bodies[-1] <= 4:
                start = before
        if suffix_start - start >= 2:
            add(start, end, kind, "suffix", suffix)
    # A name inside a longer one is part of it: JinYi Capital in JinYi Capital Multi-Strategy Fund;
    # one that ends another is that one without its place: 金银潭医院 after 武汉金银潭医院.
    spans = [(d.start, d.end) for d in found.values()]
    return sorted((d for d in found.values()
                   if not any(s <= d.start and d.end <= e and (s, e) != (d.start, d.end)
                              for s, e in spans)
                   and not any(n != d.name and n.endswith(d.name) for n in found)),
                  key=lambda d: d.start)


def _english_name(text: str, suffix_start: int) -> int | None:
    """Where the capitalised words before an English organisation word begin, leaving out a
    sentence's first word or a describing one; None when no name word is left."""
    found = _ENGLISH_NAME.search(text, max(0, suffix_start - 80), suffix_start)
    if found is None:
        return None
    start = found.start(1)
    for word in found.group(1).split():
        if word.lower() not in _ENGLISH_NOT_NAME:
            return start
        start = text.index(word, start) + len(word)
        start += len(text[start:suffix_start]) - len(text[start:suffix_start].lstrip())
    return None


def _name_start(text: str, end: int, longest: int) -> int:
    """Where the name ending at `end` begins: after the last punctuation, function word or
    phrase word within `longest` characters before it; `end` when there is none (the name may
    run on further back, and a cut name is no name)."""
    lo = max(0, end - longest)
    floor = max(lo - 1, 0)  # a stop just before the longest name counts
    # The nearest stop first: searched in the characters before `end`, read backwards.
    backwards = text[floor:end][::-1]
    found = _STOP_BACKWARDS.search(backwards)
    while found is not None:
        at = end - found.start()
        if (found.end() - found.start() > 1 or (text[at - 2:at] not in _NAME_WORDS
                                                 and text[at - 1:at + 1] not in _NAME_WORDS)):
            return at
        found = _STOP_BACKWARDS.search(backwards, found.start() + 1)
    return lo if lo == 0 else end


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of `spans` (sorted, not overlapping each other)."""
    before = bisect_left(spans, (end, -1)) - 1
    return before >= 0 and spans[before][1] > start
