"""Typed business events: who raised money, filed for an IPO, launched, partnered, was visited
or regulated, or changed executives. Rules over the sentences that name a company. Pure.

Each event carries the sentence it was read from and a confidence: higher when the company
is the sentence's subject (named before the trigger word) and when details could be read.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from tasks.records import Event, Mention
from tasks.split.text import Sentences

_ROUND = re.compile(r"(天使\+?|种子|Pre-?A\+?|Pre-?B\+?|[A-F]\+{0,2}|战略|新一|首"
                    r"|第[一二三四五六七八九十]+)轮")
_AMOUNT = re.compile(r"(?P<value>\d+(?:\.\d+)?|[数十百千近超逾]+)\s*(?P<unit>亿|万|千万|百万)?\s*"
                     r"(?P<currency>美元|美金|人民币|元|港元|港币|欧元|日元)")
_INVESTOR_CUE = re.compile(r"(领投|跟投|参投|联合投资|投资方|投资机构|获得?.{0,20}投资)")
_EXCHANGES = [("港交所", "HKEX"), ("香港交易所", "HKEX"), ("联交所", "HKEX"), ("港股", "HKEX"),
              ("科创板", "SSE STAR"), ("上交所", "SSE"), ("上海证券交易所", "SSE"),
              ("深交所", "SZSE"), ("创业板", "SZSE ChiNext"), ("北交所", "BSE"),
              ("纳斯达克", "Nasdaq"), ("Nasdaq", "Nasdaq"), ("纽交所", "NYSE"), ("NYSE", "NYSE")]
_IPO_STAGES = [("listed", re.compile(r"(挂牌上市|正式上市|上市首日|敲钟|登陆|正式挂牌|成功上市)")),
               ("priced", re.compile(r"(定价|招股价|发行价)")),
               ("hearing", re.compile(r"(聆讯)")),
               ("filed", re.compile(r"(招股书|招股说明书|递表|递交.{0,10}申请|提交.{0,10}申请"
                                    r"|IPO辅导|上市申请)"))]
_ROLE = re.compile(r"(CEO|CTO|COO|CFO|首席\S{2,4}官|首席科学家|总裁|董事长|总经理|负责人|创始人|联合创始人)")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: rules are constants
class Rule:
    type: str
    # Every match of `trigger` contains one of the cues: a sentence without one is skipped
    # before any regular expression runs, which keeps extraction fast.
    cues: tuple[str, ...]
    trigger: re.Pattern[str]
    base: float


RULES = [
    Rule("funding", ("融资", "投资"),
         re.compile(r"(完成|宣布完成|获得?|斩获|拿下|官宣).{0,25}(融资|投资)|轮融资|融资.{0,6}(亿|万)"),
         0.6),
    Rule("ipo", ("IPO", "上市", "招股", "聆讯", "递表", "挂牌", "敲钟"),
         re.compile(r"(IPO|上市|招股书|招股说明书|聆讯|递表|挂牌|敲钟)"), 0.55),
    Rule("launch", ("发布", "推出", "上线", "开源", "亮相", "首发", "面世"),
         re.compile(r"(发布|推出|上线|开源|亮相|首发|面世)"), 0.5),
    Rule("partnership", ("合作", "协议", "携手", "联合发布"),
         re.compile(r"(战略合作|签署.{0,12}(协议|合作)|达成.{0,6}合作|携手|合作伙伴|联合发布|"
                    r"深度合作|开展.{0,6}合作)"), 0.55),
    Rule("policy", ("考察", "调研", "视察", "走进", "来到", "出口管制", "实体清单", "监管", "备案",
                    "政策支持", "管理办法"),
         re.compile(r"((总书记|总理|部长|省长|市长|书记|区长|局长|主席).{0,12}"
                    r"(考察|调研|视察|走进|来到)|出口管制|实体清单|监管|备案|政策支持|管理办法)"), 0.5),
    Rule("executive_change", ("出任", "担任", "任命", "加盟", "加入", "离职", "卸任", "辞任", "辞去",
                              "接任", "接掌", "履新"),
         re.compile(r"(出任|担任|任命|加盟|加入|离职|卸任|辞任|辞去|接任|接掌|履新)"), 0.5),
]


def extract_events(sentences: Sentences, mentions: Sequence[Mention],
                   cues: Sequence[tuple[int, Rule]],
                   never_subject: frozenset[str] = frozenset()) -> list[Event]:
    """Events about the companies in `mentions` (in text order), one per (type, company),
    read from the sentences that name them and hold a cue of the rule (`cues`: where each
    cue word was found, and its rule). Companies in `never_subject` (exchanges, funds) appear
    in details, never as subjects."""
    if not mentions or not cues:
        return []
    cued: dict[tuple[int, int], set[Rule]] = {}
    for offset, rule in cues:
        cued.setdefault(sentences.span(offset), set()).add(rule)
    starts = [mention.start for mention in mentions]
    found: dict[tuple[str, str], Event] = {}
    for span, present in cued.items():
        named = mentions[bisect_left(starts, span[0]):bisect_left(starts, span[1])]
        if not named:
            continue
        raw = sentences.text[span[0]:span[1]]
        sentence = raw.strip()
        start = span[0] + len(raw) - len(raw.lstrip())  # offsets into the stripped sentence
        for rule in (rule for rule in RULES if rule in present):
            trigger = rule.trigger.search(sentence)
            if not trigger:
                continue
            details = _details(rule.type, sentence, named, trigger.end())
            if rule.type == "partnership" and len({m.company_id for m in named}) < 2 \
                    and not details:
                continue
            candidates = [m for m in named if m.company_id not in never_subject]
            for mention in _subjects(rule.type, candidates, start, trigger.start()):
                subject = mention.start - start < trigger.start()
                confidence = min(0.95, rule.base + (0.2 if subject else 0.0)
                                 + (0.1 if details else 0.0))
                key = (rule.type, mention.company_id)
                if key not in found or found[key].confidence < confidence:
                    found[key] = Event(rule.type, mention.company_id, mention.company, sentence,
                                       round(confidence, 2), details)
    return list(found.values())


def _subjects(kind: str, named: list[Mention], offset: int, trigger: int) -> list[Mention]:
    """Companies the event is about: for funding, investors named after the cue are not the
    ones raising; otherwise every company named in the sentence."""
    first: dict[str, Mention] = {}
    for mention in named:
        first.setdefault(mention.company_id, mention)
    unique = list(first.values())
    if kind == "funding" and len(unique) > 1:
        before = [m for m in unique if m.start - offset < trigger]
        return before or unique[:1]
    return unique


def _details(kind: str, sentence: str, named: Sequence[Mention], after: int) -> dict[str, object]:
    details: dict[str, object] = {}
    if kind == "funding":
        if (round_ := _ROUND.search(sentence)):
            details["round"] = round_.group()
        if (amount := _AMOUNT.search(sentence)):
            details["amount"] = amount.group("value") + (amount.group("unit") or "")
            details["currency"] = {"美金": "美元", "人民币": "元"}.get(
                amount.group("currency"), amount.group("currency"))
        cue = _INVESTOR_CUE.search(sentence)
        if cue and len({m.company_id for m in named}) > 1:
            first = named[0].company_id
            investors = [m.company for m in named if m.company_id != first]
            details["investors"] = list(dict.fromkeys(investors))
    elif kind == "ipo":
        for word, exchange in _EXCHANGES:
            if word in sentence:
                details["exchange"] = exchange
                break
        for stage, pattern in _IPO_STAGES:
            if pattern.search(sentence):
                details["stage"] = stage
                break
    elif kind == "launch":
        quoted = re.search(r"[「“《\"]([^」”》\"]{2,30})[」”》\"]", sentence)
        if quoted:
            details["product"] = quoted.group(1)
    elif kind == "partnership":
        partners = list(dict.fromkeys(m.company for m in named))
        if len(partners) > 1:
            details["partners"] = partners
    elif kind == "executive_change":
        # The new role follows the trigger (加盟X出任CTO); an earlier one is the old job.
        role = _ROLE.search(sentence, after) or _ROLE.search(sentence)
        if role:
            details["role"] = role.group()
    return details
