"""Typed business events: who raised money, filed for an IPO, launched, partnered, was visited
or regulated, or changed executives. Rules over the sentences that name a company, in Chinese
and English. Pure.

Each event carries the sentence it was read from and a confidence: higher when the company
is the sentence's subject (named before the trigger word) and when details could be read.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from tasks.classify.catalog import Company
from tasks.records import Event, Mention
from tasks.split.text import Sentences

_ROUND = re.compile(r"(天使\+?|种子|Pre-?A\+?|Pre-?B\+?|[A-F]\+{0,2}|战略|新一|首"
                    r"|第[一二三四五六七八九十]+)轮|(?i:\b(?:Series [A-F]\+?|seed|angel)\b)")
_AMOUNT = re.compile(r"(?P<value>\d+(?:\.\d+)?|[数十百千近超逾]+)\s*(?P<unit>亿|万|千万|百万)?\s*"
                     r"(?P<currency>美元|美金|人民币|元|港元|港币|欧元|日元)"
                     r"|(?P<symbol>US\$|\$|HK\$|RMB|¥)\s?(?P<number>\d+(?:\.\d+)?)\s?"
                     r"(?P<scale>billion|million|bn|m)?")
_INVESTOR_CUE = re.compile(r"(领投|跟投|参投|联合投资|投资方|投资机构|获得?.{0,20}投资)"
                           r"|(?i:\b(?:led by|backed by|participation from)\b)")
_QUOTED = re.compile(r"[「“《\"]([^」”》\"]{2,30})[」”》\"]")
# "X入股Y": the company after the verb is the one taking the money.
_STAKE = re.compile(r"入股|注资|战略投资了?|投资了")
_EXCHANGES = [("港交所", "HKEX"), ("香港交易所", "HKEX"), ("联交所", "HKEX"), ("港股", "HKEX"),
              ("科创板", "SSE STAR"), ("上交所", "SSE"), ("上海证券交易所", "SSE"),
              ("深交所", "SZSE"), ("创业板", "SZSE ChiNext"), ("北交所", "BSE"),
              ("纳斯达克", "Nasdaq"), ("Nasdaq", "Nasdaq"), ("纽交所", "NYSE"), ("NYSE", "NYSE"),
              ("HKEX", "HKEX"), ("Hong Kong", "HKEX"), ("STAR Market", "SSE STAR")]
_IPO_STAGES = [("listed", re.compile(r"(挂牌上市|正式上市|上市首日|敲钟|登陆|正式挂牌|成功上市)"
                                     r"|(?i:\b(?:debuted|began trading|rang the bell|listed on)\b)")),
               ("priced", re.compile(r"(定价|招股价|发行价)|(?i:\bpric(?:ed|ing)\b)")),
               ("hearing", re.compile(r"(聆讯)|(?i:\blisting hearing\b)")),
               ("filed", re.compile(r"(招股书|招股说明书|递表|递交.{0,10}申请|提交.{0,10}申请"
                                    r"|IPO辅导|上市申请)|(?i:\b(?:files? for|filed for|prospectus)\b)"))]
_ROLE = re.compile(r"(CEO|CTO|COO|CFO|首席\S{2,4}官|首席科学家|总裁|董事长|总经理|负责人|创始人|联合创始人"
                   r"|chief \w+ officer|president|chairman)")
# Sectors that are never the subject of an event type, though often named beside it: funds
# and universities invest or list others, exchanges list, media report, and a university in
# a sentence about a new job is an alma mater.
# (Sectors and kinds alike: a government body is never the subject of these either.)
_NEVER_SUBJECT = {
    "funding": frozenset({"investor", "exchange", "media", "research", "university",
                          "government"}),
    "ipo": frozenset({"investor", "exchange", "media", "research", "university", "government"}),
    "executive_change": frozenset({"exchange", "media", "research", "university", "government"}),
}
_DEFAULT_NEVER = frozenset({"exchange", "media", "government"})
_CLAUSE_MARKS = "，,；;：:"
_CLAUSE_END = re.compile(f"[{_CLAUSE_MARKS}]")
_TO_CLAUSE = re.compile(f"(?s:.*)[{_CLAUSE_MARKS}]")  # up to the last clause mark


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: rules are constants
class Rule:
    type: str
    # Every match of `trigger` contains one of the cues (as the classifier's automaton sees
    # them: lower case, whole Latin words): a sentence without one is skipped before any
    # regular expression runs, which keeps extraction fast.
    cues: tuple[str, ...]
    trigger: re.Pattern[str]
    base: float


RULES = [
    Rule("funding", ("融资", "投资", "入股", "注资", "raise", "raises", "raised", "raising",
                     "funding", "investment", "invests", "invested"),
         re.compile(r"(完成|宣布完成|获得?|斩获|拿下|官宣).{0,25}(融资|投资)|轮融资|融资.{0,6}(亿|万)"
                    r"|入股|注资|(?i:\b(?:rais(?:e[sd]?|ing)|funding round|invest(?:s|ed|ment) in)\b)"),
         0.6),
    Rule("ipo", ("IPO", "上市", "招股", "聆讯", "递表", "挂牌", "敲钟", "listing", "public",
                 "prospectus"),
         re.compile(r"(IPO|上市|招股书|招股说明书|聆讯|递表|挂牌|敲钟)"
                    r"|(?i:\b(?:listing|prospectus|go(?:es)? public|went public)\b)"), 0.55),
    Rule("launch", ("发布", "推出", "上线", "开源", "亮相", "首发", "面世", "launch", "launches",
                    "launched", "release", "releases", "released", "unveil", "unveils", "unveiled",
                    "open-source", "open-sources", "open-sourced", "debuts", "debuted"),
         re.compile(r"(发布|推出|上线|开源|亮相|首发|面世)"
                    r"|(?i:\b(?:launch(?:es|ed)?|releas(?:e[sd]?|ing)|unveil(?:s|ed)?"
                    r"|open-sourc(?:e[sd]?|ing)|debut(?:s|ed))\b)"), 0.5),
    Rule("partnership", ("合作", "协议", "携手", "联手", "联合发布", "联合推出", "partner",
                         "partners", "partnered", "partnership", "collaborate", "collaboration",
                         "teams", "alliance"),
         re.compile(r"(战略合作|签署.{0,12}(协议|合作)|达成.{0,6}合作|携手|联手|合作伙伴|联合发布"
                    r"|联合推出|深度合作|开展.{0,6}合作|与.{1,20}合作)"
                    r"|(?i:\b(?:partner(?:s|ed|ship)? with|collaborat(?:e|es|ed|ion) with"
                    r"|teams? up with|alliance with)\b)"), 0.55),
    Rule("policy", ("考察", "调研", "视察", "走进", "来到", "出口管制", "实体清单", "监管", "备案",
                    "政策支持", "管理办法", "regulation", "regulators", "export", "sanctions"),
         re.compile(r"((总书记|总理|部长|省长|市长|书记|区长|局长|主席|领导|官员|代表团).{0,12}"
                    r"(考察|调研|视察|走进|来到)|出口管制|实体清单|监管|(?<!辅导)备案|政策支持|管理办法)"
                    r"|(?i:\b(?:regulation|regulators|export controls?|entity list|sanctions)\b)"),
         0.5),
    Rule("executive_change", ("出任", "担任", "任命", "加盟", "加入", "离职", "卸任", "辞任", "辞去",
                              "接任", "接掌", "履新", "appoints", "appointed", "hires", "hired",
                              "joins", "joined", "resigns", "resigned", "steps"),
         re.compile(r"(出任|担任|任命|加盟|加入|离职|卸任|辞任|辞去|接任|接掌|履新)"
                    r"|(?i:\b(?:appoint(?:s|ed)|hire[sd]|join(?:s|ed) as|resign(?:s|ed)"
                    r"|steps? down)\b)"), 0.5),
]


def extract_events(sentences: Sentences, mentions: Sequence[Mention],
                   cues: Sequence[tuple[int, Rule]], companies: Mapping[str, Company],
                   reading: str | None = None) -> list[Event]:
    """Events about the companies in `mentions` (in text order), one per (type, company),
    read from the sentences that name them and hold a cue of the rule (`cues`: where each
    cue word was found, and its rule). `companies` gives each one's sector and parent;
    `reading` is the text as the rules read it, with the same offsets (the simplified form
    of a traditional text)."""
    if not mentions or not cues:
        return []
    reading = reading or sentences.text
    cued: dict[tuple[int, int], set[Rule]] = {}
    for offset, rule in cues:
        cued.setdefault(sentences.span(offset), set()).add(rule)
    starts = [mention.start for mention in mentions]
    # The company a headline is about, for sentences that leave it out ("与英特尔联手…").
    main = next((m for m in mentions if m.salience == "title"
                 and _may_be_subject(companies[m.company_id], _NEVER_SUBJECT["funding"])), None)
    found: dict[tuple[str, str], Event] = {}
    for span, present in cued.items():
        named = mentions[bisect_left(starts, span[0]):bisect_left(starts, span[1])]
        if not named:
            continue
        raw = reading[span[0]:span[1]]
        sentence = raw.strip()
        start = span[0] + len(raw) - len(raw.lstrip())  # offsets into the stripped sentence
        evidence = sentences.text[start:start + len(sentence)]
        for rule in (rule for rule in RULES if rule in present):
            trigger = rule.trigger.search(sentence)
            if not trigger:
                continue
            subjects, implied = _subjects(rule.type, named, companies, start, trigger), False
            if rule.type == "partnership":
                subjects, implied = _parties(subjects, main, trigger, start)
            if not subjects:
                continue
            details = _details(rule.type, sentence, named, subjects, trigger.end())
            for mention in subjects:
                subject = mention.start - start < trigger.start() and not implied
                confidence = min(0.95, rule.base + (0.2 if subject else 0.0)
                                 + (0.1 if details else 0.0))
                key = (rule.type, mention.company_id)
                known = found.get(key)
                if known is None or known.confidence < confidence:
                    found[key] = Event(rule.type, mention.company_id, mention.company, evidence,
                                       round(confidence, 2),
                                       {**(known.details if known else {}), **details})
                else:  # the best sentence stays the evidence; others may add details
                    found[key] = replace(known, details={**details, **known.details})
    # Money raised in a listing is the IPO's, not a funding round.
    return [event for key, event in found.items()
            if not (key[0] == "funding" and ("ipo", key[1]) in found
                    and found["ipo", key[1]].evidence == event.evidence)]


def _parties(named: list[Mention], main: Mention | None, trigger: re.Match[str],
             offset: int) -> tuple[list[Mention], bool]:
    """The parties of a partnership, and whether one is implied: two or more named; one, with
    the headline's company when the sentence leaves its subject out ("与英特尔联手…"); or one
    named inside the trigger ("与华为云合作"). Else none: one name alone is not enough."""
    if len(named) != 1:
        return named, False
    only = named[0]
    if (main is not None and main.company_id != only.company_id
            and trigger.string.startswith(("与", "和", "同"))):
        return [main, only], True
    return (named if trigger.start() <= only.start - offset < trigger.end() else []), False


def _subjects(kind: str, named: Sequence[Mention], companies: Mapping[str, Company],
              offset: int, trigger: re.Match[str]) -> list[Mention]:
    """Companies the event is about, each once. Partners: every company named, a parent
    giving way to its unit (华为云 and 华为 are one party). Otherwise those of the sentence's
    companies that can be the subject, named in the trigger's clause if any are; for funding,
    the company after a stake verb (X入股Y) when there is one, else those named before the
    trigger (the ones after are its investors)."""
    never = _NEVER_SUBJECT.get(kind, _DEFAULT_NEVER)
    first: dict[str, Mention] = {}
    for mention in named:
        if _may_be_subject(companies[mention.company_id], never):
            first.setdefault(mention.company_id, mention)
    unique = list(first.values())
    if kind == "partnership":
        parents = {companies[m.company_id].parent for m in unique}
        return [m for m in unique if m.company_id not in parents]
    sentence = trigger.string
    clause_start = (found.end() if (found := _TO_CLAUSE.match(sentence, 0, trigger.start()))
                    else 0)
    clause_end = (found.start() if (found := _CLAUSE_END.search(sentence, trigger.end()))
                  else len(sentence))
    in_clause = [m for m in unique if clause_start <= m.start - offset < clause_end]
    unique = in_clause or unique
    if kind != "funding" or len(unique) < 2:
        return unique
    if (stake := _STAKE.search(sentence)) is not None:
        after = [m for m in unique if m.start - offset >= stake.end()]
        if after:
            return after[:1]
    before = [m for m in unique if m.start - offset < trigger.start()]
    return before or unique[:1]


def _details(kind: str, sentence: str, named: Sequence[Mention], subjects: Sequence[Mention],
             after: int) -> dict[str, object]:
    details: dict[str, object] = {}
    if kind == "funding":
        if (round_ := _ROUND.search(sentence)):
            details["round"] = round_.group()
        if (amount := _AMOUNT.search(sentence)):
            details.update(_amount(amount))
        subject_ids = {m.company_id for m in subjects}
        investors = [m.company for m in named if m.company_id not in subject_ids]
        if investors and (_INVESTOR_CUE.search(sentence) or _STAKE.search(sentence)):
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
        quoted = _QUOTED.search(sentence)
        if quoted:
            details["product"] = quoted.group(1)
    elif kind == "partnership":
        partners = list(dict.fromkeys(m.company for m in subjects))
        if len(partners) > 1:
            details["partners"] = partners
    elif kind == "executive_change":
        # The new role follows the trigger (加盟X出任CTO); an earlier one is the old job.
        role = _ROLE.search(sentence, after) or _ROLE.search(sentence)
        if role:
            details["role"] = role.group()
    return details


def _amount(match: re.Match[str]) -> dict[str, object]:
    if match.group("currency"):
        return {"amount": match.group("value") + (match.group("unit") or ""),
                "currency": {"美金": "美元", "人民币": "元"}.get(match.group("currency"),
                                                                 match.group("currency"))}
    scale = {"billion": "billion", "bn": "billion", "million": "million", "m": "million"}
    currency = {"US$": "美元", "$": "美元", "HK$": "港元", "RMB": "元", "¥": "元"}
    amount = match.group("number") + (f" {scale[match.group('scale')]}"
                                      if match.group("scale") else "")
    return {"amount": amount, "currency": currency[match.group("symbol")]}


def _may_be_subject(company: Company, never: frozenset[str]) -> bool:
    return company.sector not in never and company.kind not in never
