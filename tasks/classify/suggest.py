"""Alias candidates read from text, for a human to accept into a catalog file.

News writing introduces names in a few fixed ways: a full name followed by (以下简称X), a Chinese
name followed by its English one in brackets, and products named after 旗下. Each candidate says
whose alias it would be (a company already in the catalog, or a new one) and where it was seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tasks.classify import Classifier
from tasks.classify.catalog import Catalog, Company
from tasks.split.text import sentence_around

# The end of an organisation's full name; a phrase with none of these is an event, a law, a place.
_ORG_SUFFIX = re.compile(r"(公司|集团|研究院|研究所|实验室|大学|学院|中心|银行|基金|资本|创投|投资|"
                         r"交易所|科技|智能|Inc\.?|Ltd\.?|Corp\.?|Co\.)$")
_CJK = re.compile("[\u4e00-\u9fff]")
_SHORT_NAME = 8  # characters: longer unregistered phrases are descriptions
# A name is the run of characters before the bracket, back to the last of these.
_NAME_STOP = re.compile(r"[\s，。；：、！？,.;:!?“”\"「」《》（）()【】]|[了的是由与和在及将为对向把从被其]")
_ABBREVIATION = re.compile(
    r"[（(](?:以下|下文|下)?(?:简称|簡稱)[：:为為]?\s*[“\"「『]?(?P<short>[^”\"」』）)，,。；]{2,20}?)"
    r"[”\"」』]?[）)]")
_ENGLISH = re.compile(
    r"[（(](?P<label>英文名称?[：:]?\s*|英文[：:]\s*)?(?P<en>[A-Za-z][A-Za-z0-9.&'\- ]{1,40}?)[）)]")
_SUBSIDIARY = re.compile(
    r"旗下(?:的)?(?:[^，。；\s]{0,6}?(?:公司|品牌|平台|产品|应用|助手|模型))?"
    r"(?:[“\"「《](?P<quoted>[^”\"」》]{2,20})[”\"」》]"
    r"|(?P<latin>[A-Za-z][A-Za-z0-9.\-]{1,30})"
    r"|(?P<cjk>[\u4e00-\u9fff]{2,8}?)(?=大模型|模型|平台|公司|应用|App|APP|[，。；、\s]|发布|推出|上线|宣布|正式|已|将|$))")


@dataclass(frozen=True)
class Suggestion:
    alias: str
    company_id: str | None  # None: a company not in the catalog yet
    name: str               # the display name for a new company, else the known company's
    is_product: bool
    pattern: str            # abbreviation | english | subsidiary
    start: int              # offset of the evidence in the text
    evidence: str


def suggest(text: str, classifier: Classifier) -> Iterator[Suggestion]:
    """Every candidate in `text` that the catalog does not know yet."""
    catalog = classifier.catalog
    for match in _ABBREVIATION.finditer(text):
        short = match.group("short").strip()
        full = _name_before(text, match.start(), hint=short)
        if full:
            yield from _pair(catalog, full, short, "abbreviation", text, match.start())
    for match in _ENGLISH.finditer(text):
        english = match.group("en").strip()
        chinese = _name_before(text, match.start())
        # A name, not a description: a short name or a registered one.
        if not _CJK.search(chinese) or (len(chinese) > _SHORT_NAME
                                        and not _ORG_SUFFIX.search(chinese)):
            continue
        # A bare bracket is often a gloss ("人工智能（AI）"): only an explicit 英文名 label or a
        # known company makes the pair worth proposing.
        if match.group("label") or catalog.resolve(chinese) or catalog.resolve(english):
            yield from _pair(catalog, chinese, english, "english", text, match.start())
    for match in _SUBSIDIARY.finditer(text):
        product = (match.group("quoted") or match.group("latin") or match.group("cjk") or "").strip()
        owner = _owner_before(text, match.start(), classifier)
        if owner and product and not catalog.resolve(product):
            yield Suggestion(product, owner, catalog.companies[owner].name, True, "subsidiary",
                             match.start(), _evidence(text, match.start()))


def _pair(catalog: Catalog, full: str, short: str, pattern: str, text: str,
          at: int) -> Iterator[Suggestion]:
    known_full, known_short = catalog.resolve(full), catalog.resolve(short)
    evidence = _evidence(text, at)
    if known_full and not known_short:
        if not _extends_alias(short, known_full):
            yield Suggestion(short, known_full.id, known_full.name, False, pattern, at, evidence)
    elif known_short and not known_full:
        if not _extends_alias(full, known_short):
            yield Suggestion(full, known_short.id, known_short.name, False, pattern, at, evidence)
    elif not known_full and not known_short and _ORG_SUFFIX.search(full):
        name = short if pattern == "abbreviation" else full
        alias = full if pattern == "abbreviation" else short
        yield Suggestion(alias, None, name, False, pattern, at, evidence)


def _extends_alias(candidate: str, company: Company) -> bool:
    """True when the candidate is a known alias with words in front (随着深度求索): the name
    scan went too far back, it is not a new name."""
    return any(candidate.endswith(alias.text) for alias in company.aliases)


def _name_before(text: str, end: int, hint: str = "") -> str:
    """The name that ends at `end`, back to the last stop character. When the abbreviation is
    written inside it (北京清程极智科技有限公司, 清程极智), the name starts at the abbreviation or
    at the place name just before it."""
    start = end
    while start > 0 and end - start < 40 and not _NAME_STOP.match(text[start - 1]):
        start -= 1
    name = text[start:end].strip()
    if hint and hint in name:
        at = name.find(hint)
        place = next((p for p in _PLACES if name[:at].endswith(p)), "")
        name = place + name[at:]
    return name


# Province and city prefixes of registered company names.
_PLACES = ("北京", "上海", "天津", "重庆", "深圳", "广州", "杭州", "南京", "苏州", "成都", "武汉",
           "西安", "合肥", "香港", "珠海", "厦门", "青岛", "无锡", "长沙", "郑州", "济南", "宁波",
           "东莞", "佛山", "福州", "大连", "沈阳", "哈尔滨", "上海市", "北京市", "深圳市", "杭州市")


def _owner_before(text: str, at: int, classifier: Classifier) -> str | None:
    """The known company whose name ends right where 旗下 begins."""
    window_start = max(0, at - 30)
    labels = classifier.classify(text[window_start:at])
    ending = [m for m in labels.mentions if window_start + m.end == at]
    return ending[-1].company_id if ending else None


def _evidence(text: str, at: int) -> str:
    return sentence_around(text, at, at + 1, 120)
