"""Organisation names the catalog does not have, read from the way news writes them: a name
ending in an organisation word (…资本, …科技有限公司, … Capital), or standing where investors,
partners and parents stand (由…领投, …参投, 与…签约, …旗下). Pure.

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
    "investor": "资本|資本|創投|创投|基金|资管|資管|产投|產投|资产管理|股权投资|私募",
    "university": "大学|大學|学院|學院|研究院|研究所|实验室|實驗室",
    "company": "股份有限公司|有限责任公司|有限公司|集团|集團|控股|科技|機器人|机器人|半导体|"
               "半導體|微电子|汽车|汽車|智驾|银行|銀行|证券|證券|保险|保險",
}
_KIND_OF = {word: kind for kind, words in _SUFFIXES.items() for word in words.split("|")}
_WEAK = ("科技", "汽车", "汽車", "机器人", "機器人", "半导体", "半導體", "保险", "保險")
_LONG_NAMES = ("有限公司", "有限责任公司", "股份有限公司")  # legal names run longer
# Characters and words a name does not run back over: a name starts after them.
_STOP_CHARS = set("的在与與和由将將是为為对對及等了把从從被向其该該这這那于於至以而并並或也都就让讓给給"
                  "跟同下外年月轮輪方称稱说說示已获獲经經据據今近后後前再又还還共到"
                  "，。、；：！？“”‘’「」『』《》（）()【】[] \t\n,.;:!?\"'—…·")
_STOP_WORDS = ("融资", "融資", "股东", "股東", "投资方", "投資方", "包括", "宣布", "完成", "团队",
               "團隊", "研究", "领域", "領域", "行业", "行業", "产业", "產業", "旗下", "联合", "聯合",
               "母公司", "子公司", "参与", "參與", "合作", "签约", "簽約", "牵头", "牽頭", "发展",
               "發展", "推动", "推動", "打造", "实现", "實現", "通过", "通過", "聚焦", "加快", "注重",
               "持续", "持續", "积极", "積極", "加入", "来到", "來到", "走出", "融合", "我们", "我們",
               "我国", "我國", "他们", "他們", "进入", "進入", "高校", "世界", "全国", "全國", "项目",
               "項目", "通往", "扩展", "擴展", "城市级", "国家级", "國家級", "重点", "重點", "没有", "沒有")
_MAX_NAME = 8  # characters before the suffix (14 before a legal name's 有限公司)
_STOP = re.compile("|".join(sorted(_STOP_WORDS, key=len, reverse=True))
                   + "|[" + re.escape("".join(sorted(_STOP_CHARS))) + "]")
# A name with a weak suffix (…科技, …智能) is one when the sentence goes on as after a name.
_AFTER_NAME = re.compile(r"(?:[，、（(]|宣布|发布|發布|完成|获得|獲得|表示|称|稱|与|與|和|及|推出|"
                         r"领投|領投|跟投|参投|參投|成立|创始人|創始人|CEO|董事长|董事長|联合创始人|"
                         r"聯合創始人|旗下|等)")
# Words a name stands before, suffix or not: an investor's role in a round.
ROLES = ("领投", "領投", "跟投", "参投", "參投", "联合领投", "聯合領投", "独家投资", "獨家投資")
_MAX_ROLE_NAME = 8
# The last word of an English organisation's name (matched lower-cased, as the text is).
ENGLISH = ("capital", "ventures", "partners", "investment", "investments", "technologies",
           "technology", "robotics", "labs", "holdings", "semiconductor", "motors", "group",
           "fund")
_ENGLISH_INVESTORS = {"capital", "ventures", "partners", "investment", "investments", "fund"}
_ENGLISH_NAME = re.compile(r"((?:[A-Z][A-Za-z0-9&.\-]*\s+){1,3})$")
_GENERIC = re.compile(r"^(?:人工|具身|生成式|通用|自动|自動|智慧|数字|數字|新能源|智能|科技|信息|"
                      r"技术|技術|网络|電子|电子|汽车|能源|中国|中國|全球|国内|國內|海外|上海|北京|"
                      r"深圳|杭州|国家|國家)+$")
_QUANTIFIED = re.compile(r"^(?:多家|一家|两家|兩家|其他|相关|相關|这家|這家|该|該|某|各|知名|头部|頭部|"
                         r"社会|社會|耐心|风险|風險|产业|產業|民间|民間|国有|國有|外资|外資|境外|"
                         r"战略|戰略|国家|國家|国内|國內|海外|政府|引导|引導|专利|專利|"
                         r"[\d一二三四五六七八九十百千万几多余]+)")
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
        if (len(name) >= _MIN_LENGTH and name not in found and not _overlaps(taken, start, end)
                and not _QUANTIFIED.match(prefix)
                and not (kind == "company" and _GENERIC.match(prefix))):
            found[name] = Discovered(name, start, end, kind, pattern)

    longest: dict[int, int] = {}  # end -> the earliest start of a suffix ending there
    followed = set()
    for start, end, what in hits:
        if what == "suffix":
            longest[end] = min(start, longest.get(end, start))
            followed.add(start)
        elif what == "role":
            name_start = _name_start(text, start, _MAX_ROLE_NAME)
            if start - name_start >= 2:
                add(name_start, start, "investor", "role")
        elif (name := _ENGLISH_NAME.search(text, max(0, start - 60), start)):
            add(name.start(1), end, "investor" if text[start:end].lower() in _ENGLISH_INVESTORS
                else "company", "english")
    for end, suffix_start in longest.items():
        if end in followed:
            continue  # …科技有限公司: the name goes on to the next suffix
        suffix = text[suffix_start:end]
        kind = _KIND_OF.get(suffix)
        if kind is None or (suffix in _WEAK and not _AFTER_NAME.match(text, end)):
            continue
        start = _name_start(text, suffix_start, 14 if suffix in _LONG_NAMES else _MAX_NAME)
        if suffix_start - start >= 2:
            add(start, end, kind, "suffix", suffix)
    return sorted(found.values(), key=lambda d: d.start)


def _name_start(text: str, end: int, longest: int) -> int:
    """Where the name ending at `end` begins: after the last punctuation, function word or
    phrase word within `longest` characters before it; `end` when there is none (the name may
    run on further back, and a cut name is no name)."""
    lo = max(0, end - longest)
    stops = [stop.end() for stop in _STOP.finditer(text, lo, end)]
    if stops:
        return stops[-1]
    return lo if lo == 0 else end


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of `spans` (sorted, not overlapping each other)."""
    before = bisect_left(spans, (end, -1)) - 1
    return before >= 0 and spans[before][1] > start
