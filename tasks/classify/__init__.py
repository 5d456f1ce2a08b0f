"""Classify a text by company, topic and business event. Pure: text in, labels with evidence
out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from tasks.classify.catalog import Alias, Catalog, Topic, load_catalog, load_topics
from tasks.classify.discover import COUNTRIES, discover
from tasks.classify.discover import PHRASES as DISCOVERY_PHRASES
from tasks.classify.events import RULES as EVENT_RULES
from tasks.classify.events import Rule, extract_events
from tasks.classify.matcher import (
    KEEP_CASE,
    Hit,
    PhraseMatcher,
    longest_non_overlapping,
    normalize,
    one_of,
    spellings,
)
from tasks.classify.script import looks_traditional, to_simplified
from tasks.records import Labels, Mention, TopicLabel
from tasks.split.text import Sentences


@dataclass(frozen=True)
class Decision:
    """Why one alias occurrence was accepted or rejected, for `classify --explain`."""

    alias: str
    company_id: str
    start: int
    end: int
    accepted: bool
    reason: str


class Classifier:
    """Holds the automata built from a catalog and taxonomy; `classify` is then pure and fast."""

    def __init__(self, catalog: Catalog, topics: list[Topic]) -> None:
        self.catalog = catalog
        self.topics = topics
        # One automaton for every phrase the classifier looks for (aliases, topic keywords,
        # event cues), so a text is scanned once. A phrase may play several parts.
        # An alias that needs context to be a company is no context for another one: 苹果 may
        # be a fruit, so it cannot vouch for 小米 being the company.
        ambiguous = {normalize(a.text) for a in catalog.aliases if a.require_near or a.reject_near}
        self._phrases: PhraseMatcher[_Candidate | Topic | Rule | _Clue] = PhraseMatcher(
            [(phrase, _Candidate.of(alias, ambiguous, phrase)) for alias in catalog.aliases
             for phrase in spellings(alias.text)]
            + [(keyword, topic) for topic in topics for keyword in topic.keywords]
            + [(cue, rule) for rule in EVENT_RULES for cue in rule.cues]
            + [(phrase, _Clue(what)) for phrase, what in DISCOVERY_PHRASES])
        self._parts = [_Part.of(self._phrases.entries(i)) for i in range(self._phrases.size)]
        self._known = {a.text.casefold() for a in catalog.aliases}  # not "discovered" again
        # What each phrase stands for, as one list per part it may play: attribute lookups
        # on every match would cost more than the matching.
        self._plain = [part.plain for part in self._parts]
        self._clue = [part.clue for part in self._parts]
        self._topic_ids = [part.topics for part in self._parts]
        self._rules = [part.rules for part in self._parts]
        # The company aliases that carry a case or context rule: the only ones to look closer at.
        self._checked = [bool(part.candidates) and part.plain is None for part in self._parts]

    @classmethod
    def load(cls, extra_catalogs: list[Path] | tuple[Path, ...] = ()) -> Classifier:
        return cls(load_catalog(extra_catalogs), load_topics(extra_catalogs))

    def classify(self, text: str, title_length: int = 0) -> Labels:
        """Labels for `text`; its first `title_length` characters are the title."""
        return self._classify(text, title_length, None)

    def explain(self, text: str, title_length: int = 0) -> tuple[Labels, list[Decision]]:
        """Labels for `text`, plus every alias decision taken on the way."""
        decisions: list[Decision] = []
        return self._classify(text, title_length, decisions), decisions

    def _classify(self, text: str, title_length: int, decisions: list[Decision] | None) -> Labels:
        normalized = normalize(text)
        # Traditional text is matched twice: as written (for 繁體 aliases) and converted to
        # simplified; both have the same offsets.
        views, reading = [normalized], text
        if looks_traditional(text):
            views.append(to_simplified(normalized))
            reading = to_simplified(text)  # what the event rules read
        accepted: list[Hit[Alias]] = []
        seen: set[tuple[int, int]] = set()
        other_sense: set[str] = set()  # companies one of whose names is shown to mean else
        wanting: list[Hit[Alias]] = []  # names that lack only a context word
        sentences = Sentences(text)
        plain, parts, checked, clue_of = self._plain, self._parts, self._checked, self._clue
        clues: dict[tuple[int, int], str] = {}  # words of discovery, in either view
        for view in views:
            matches = self._phrases.matches(view)
            clues |= {(start, end): clue for i, start, end in matches if (clue := clue_of[i])}
            # Hundreds of matches per article: comprehensions, and a closer look only for the
            # aliases that carry rules (or all of them, when explaining).
            to_check = matches
            if decisions is None:
                accepted += [Hit(start, end, alias) for i, start, end in matches
                             if (alias := plain[i]) is not None]
                to_check = [m for m in matches if checked[m[0]]]
            for index, start, end in to_check:
                candidates = parts[index].candidates
                if not candidates or (start, end) in seen:
                    continue
                alias, reason, rejected, wants = _accept(text, views, start, end, candidates,
                                                         sentences)
                if alias is not None:
                    seen.add((start, end))
                    accepted.append(Hit(start, end, alias))
                elif wants is not None:
                    wanting.append(Hit(start, end, wants))
                if rejected:
                    other_sense.update(a.company_id for a in rejected)
                if decisions is not None:
                    considered = [alias] if alias else [c.alias for _, c in candidates]
                    decisions += [Decision(a.text, a.company_id, start, end, alias is not None,
                                           reason) for a in considered]
        if wanting:
            # A name that lacks only a context word has one when the text names the company
            # elsewhere for sure or a firm of its trade close by (中行 a clause after 工行), or
            # lists it beside an accepted organisation.
            wanting = [h for h in wanting if (h.start, h.end) not in seen]
            named = {h.payload.company_id for h in accepted}
            companies = self.catalog.companies
            # not a product's: it may yet turn out a medium (在臉書直播), and tells its maker's
            # trade less surely
            trades = [(h.start, companies[h.payload.company_id].sector) for h in accepted
                      if not h.payload.is_product]
            again = [h for h in wanting if h.payload.company_id in named or any(
                sector == companies[h.payload.company_id].sector
                and abs(start - h.start) <= _SAME_TRADE_REACH for start, sector in trades)]
            rest = [h for h in wanting if h not in again]
            investors = [h for h in rest if _among_investors(text, h, sentences)]
            listed = _listed(text, accepted, [h for h in rest if h not in investors])
            accepted += again + investors + listed
            if decisions is not None:
                decisions += [Decision(h.payload.text, h.payload.company_id, h.start, h.end, True,
                                       why) for hits, why in (
                                           (again, "accepted: the text names the company elsewhere"),
                                           (investors, "accepted: in a list of investors"),
                                           (listed, "accepted: listed beside another organisation"))
                              for h in hits]
        # Topics and events read the last view's matches (the simplified one).
        topic_ids, rules = self._topic_ids, self._rules
        topic_hits = [(topic, start, end) for i, start, end in matches if topic_ids[i]
                      for topic in topic_ids[i]]
        cues = [(start, rule) for i, start, _ in matches if rules[i] for rule in rules[i]]
        # The longest name at each place first: 百度地图 (a product, here maybe a medium) is not 百度.
        chosen = longest_non_overlapping(accepted)
        # Most names need no second look: only products, and all of them where the text
        # shares or shows another sense.
        everyone = bool(other_sense) or _SHARE_WORDS.search(text) is not None
        titles = [m.span(1) for m in _BOOK_TITLE.finditer(text)] if "《" in text else []
        title_ends = {end for _, end in titles}
        likened = {m.end() for m in _LIKENED.finditer(text)} if "版" in text else set()
        styled = {m.start() for m in _STYLED.finditer(text)} if "-" in text else set()
        gear = ([m.span() for m in _GEAR_CREDIT.finditer(text)]
                if "aptur" in text or "hot " in text or "aken " in text else [])
        verdicts = [(h, why) for h in chosen
                    if (everyone or h.end in title_ends or h.start in likened or h.end in styled
                        or h.payload.is_product or _after_surname(text, h) or gear)
                    and (why := _not_news(text, h, other_sense, chosen, titles, likened, styled,
                                          gear))]
        if verdicts:
            dropped = {id(h) for h, _ in verdicts}
            chosen = [h for h in chosen if id(h) not in dropped]
            if decisions is not None:
                decisions += [Decision(h.payload.text, h.payload.company_id, h.start, h.end,
                                       False, why) for h, why in verdicts]
        salience = _salience(chosen, title_length)
        mentions = []
        for hit in chosen:
            company = self.catalog.companies[hit.payload.company_id]
            mentions.append(Mention(company.id, company.name, text[hit.start:hit.end], hit.start,
                                    hit.end, sentences.around(hit.start, hit.end),
                                    salience[company.id]))
        events = extract_events(sentences, mentions, cues, self.catalog.companies, reading)
        companies = self.catalog.companies
        discovered = [d for d in discover(text, [(start, end, clue) for (start, end), clue
                                                 in sorted(clues.items())],
                                          [(h.start, h.end) for h in chosen],
                                          [(h.start, h.end, companies[h.payload.company_id].kind)
                                           for h in chosen if not h.payload.is_product])
                      if d.name.casefold() not in self._known]
        return Labels(tuple(mentions), tuple(self._topics(sentences, topic_hits)), tuple(events),
                      tuple(discovered))

    def _topics(self, sentences: Sentences,
                hits: list[tuple[str, int, int]]) -> list[TopicLabel]:
        counts: dict[str, int] = {}
        first: dict[str, tuple[int, int]] = {}
        for topic_id, start, end in hits:
            if topic_id in counts:
                counts[topic_id] += 1
            else:
                counts[topic_id], first[topic_id] = 1, (start, end)
        labels = []
        for topic in self.topics if counts else ():
            if counts.get(topic.id, 0) >= topic.min_hits:
                start, end = first[topic.id]
                evidence = sentences.around(start, end, 120)
                labels.append(TopicLabel(topic.id, f"{sentences.text[start:end]}: {evidence}"))
        return labels


@dataclass(frozen=True)
class _Clue:
    """A word of discover.PHRASES in the automaton: what it tells of a name near it."""

    what: str  # suffix | role | english


@dataclass(frozen=True)
class _Candidate:
    """An alias with its context words normalised once, as the text will be."""

    alias: Alias
    reject_words: tuple[str, ...]
    require_words: tuple[str, ...]
    latin: bool  # the alias has Latin letters
    # Reject words that hold the alias (京东大鼓 for 京东), with where the alias starts in each:
    # looked for exactly where they would hold it, however far they reach beyond the window.
    holding: tuple[tuple[str, int], ...]
    # A CamelCase brand split by a space is the brand only in its own capitals: "Linked In",
    # not "intelligence-linked in".
    case_sensitive: bool

    @property
    def is_plain(self) -> bool:
        return not (self.case_sensitive or self.reject_words or self.require_words
                    or _WORD_LIKE.match(self.alias.text))

    # Each list as one pattern, longest word first, compiled when the alias is first met:
    # compiling them all would cost every process a third of a second.
    @cached_property
    def reject_near(self) -> re.Pattern[str] | None:
        return _words_pattern(self.reject_words)

    @cached_property
    def require_near(self) -> re.Pattern[str] | None:
        return _words_pattern(self.require_words)

    @classmethod
    def of(cls, alias: Alias, ambiguous: set[str] | frozenset[str] = frozenset(),
           phrase: str | None = None) -> _Candidate:
        split = phrase is not None and phrase != alias.text and _CAMEL_SPLIT.search(phrase)
        reject = tuple(map(normalize, alias.reject_near))
        name = normalize(alias.text)
        return cls(alias, reject,
                   tuple(n for n in map(normalize, alias.require_near) if n not in ambiguous),
                   latin=_LATIN.search(alias.text) is not None,
                   holding=tuple((w, w.find(name)) for w in reject if name in w and w != name),
                   case_sensitive=alias.case_sensitive or bool(split))


def _words_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(one_of(words))


@dataclass(frozen=True)
class _Part:
    """What one phrase of the automaton stands for."""

    candidates: tuple[tuple[str, _Candidate], ...]  # company aliases, as spelled
    plain: Alias | None  # the only alias, when it has no case or context rule to check
    topics: tuple[str, ...]  # the topics it is a keyword of
    rules: tuple[Rule, ...]  # the event rules it is a cue of
    clue: str | None  # a word names outside the catalog end in or stand before (discover.py)

    @classmethod
    def of(cls, entries: list[tuple[str, _Candidate | Topic | Rule | _Clue]]) -> _Part:
        candidates = tuple((p, c) for p, c in entries if isinstance(c, _Candidate))
        plain = (candidates[0][1].alias if len(candidates) == 1 and candidates[0][1].is_plain
                 else None)
        return cls(candidates, plain, tuple(t.id for _, t in entries if isinstance(t, Topic)),
                   tuple(r for _, r in entries if isinstance(r, Rule)),
                   next((c.what for _, c in entries if isinstance(c, _Clue)), None))


# How near a firm of the same trade stands to vouch for a name that lacks a context word.
_SAME_TRADE_REACH = 100
# Context for a rule is the alias's window and its clause, so a guard word one comma away
# counts however long the words between; a clause longer than this is cut to it.
_CLAUSE_REACH = 60
_NEIGHBOUR = 2  # a window this small asks for a neighbouring character, not a context
_CLAUSE_END = "。！？；;\n"
# A brand followed by one of these names its investing arm (小米产投, 联想创投): the company's
# own, whatever the words around it.
_INVESTING_ARM = re.compile(r"(资本|創投|创投|投资|投資|基金|产投|產投|战投|戰投|资管|\s?(Capital|"
                            r"Ventures|Investment|Partners)\b)")
# What follows a name only an organisation has: its stock code (台积电（2330）, 华兴(1911.HK)), or
# the kind of firm it is one of (中兴等企业, Cadence等公司).
_STOCK_CODE = r"[（(]\d{4,6}(?:\.[A-Z]{2})?[）)]"
_ORGANISATION_AFTER = re.compile(_STOCK_CODE + r"|等(?:企业|企業|公司|厂商|廠商|机构|機構|车企|車企|"
                                 r"银行|銀行|券商|巨头|巨頭|大厂|大廠)")
_BOOK_TITLE = re.compile(r"《([^《》\n]{1,30})》")
# A firm likened to a famous one by a place's "version" of it: 中国版英伟达, 「國產版OpenAI」.
_LIKENED = re.compile(r"(?:中国|中國|国产|國產|国内|國內|本土|亚洲|亞洲|欧洲|歐洲|美国|美國|日本|韩国|"
                      r"韓國|印度|大陆|大陸|台湾|台灣|香港)版[「“\"]?")
# Or, in English, a thing in a famous firm's style: a Nasdaq-style market, a Tesla-like car.
_STYLED = re.compile(r"-(?:style|like|esque|type)\b", re.IGNORECASE)
# Interface text, not news about the app: "分享到微信", "分享至QQ".
_SHARE_WORDS = re.compile("分享|转发|轉發|发送")
_SHARE_TO = re.compile(rf"({_SHARE_WORDS.pattern})给?(到|至|给|給)\s*$")
# A page's notice of the browsers it is best seen in: 建議使用 Chrome、Firefox 或 Microsoft Edge 的瀏覽器.
_BROWSER_NOTICE = re.compile(r"(?:建议|建議|推荐|推薦|请|請)您?(?:使用|用|以)[^。\n]{0,60}(?:浏览器|瀏覽器)"
                             r"|(?i:best viewed (?:in|with|using)[^.\n]{0,60})")
# What stands between two items of a list of names (a stock code may end the first, a country
# start the second: 菜鸟、日本软银).
_LIST_SEPARATOR = re.compile(rf"(?:{_STOCK_CODE})?\s?(?:[、，,/／]|和|与|與|及|以及|、以及)\s?"
                             rf"(?:{COUNTRIES})?")
# The head of a list of investors, and how far its items run.
_INVESTORS_ARE = re.compile(r"(?:投资方|投資方|投资人|投資人|投资者|投資者|投资机构|投資機構|股东|股東|"
                            r"参投方|參投方|跟投方)(?:包括|包含|有|为|為|是|还有|還有)[:：]?")
_LIST_REACH = 80
_ITEM_BEFORE = frozenset("、，,和与與及")
_ITEM_AFTER = frozenset("、，,和与與及等。；;")
_MEDIUM_BEFORE = re.compile(r"(在|通过|通過|利用|打开|打開|关注|關注|登录|登錄|下载|下載|扫描|掃描|"
                            r"官方|加|联系|聯系|聯繫|合作|客服)\s?$")
_MEDIUM_AFTER = re.compile(r"\s?(上(?![市线線涨漲调調半午])|里|裡|公众号|公眾號|小程序|视频号|視頻號|群|"
                           r"扫码|掃碼|洽谈|洽談|直播间|直播間|账号|賬號|帐号|帳號|好友|搜索|搜尋|查询|"
                           r"查詢|导航|導航|选择|選擇|头像|頭像|等\S{0,5}平台|号|號|"
                           r"\s?[:：]\s?[A-Za-z0-9_\-]{4,})")  # an account: 微信：kingback
# A photo's credit for the camera and lens: "Capture with Sony A7s & Lens Canon TSE17".
_GEAR_CREDIT = re.compile(r"\b(?:[Cc]aptured?|[Ss]hot|[Tt]aken|[Pp]hotographed|[Ff]ilmed) (?:with|on)\b"
                          r"[^\n.]*")
# A count of a device before its name: 一台iPad, 两部手机, 这台Mate.
_ONE_OF_THEM = re.compile(r"(?:[一两兩二三四五六七八九十几幾每这這那\d]|多)(?:台|部|支|块|塊)\s?$")
_LAUNCHED = re.compile(r"\s?(发布|發布|推出|上线|上線|问世|問世)")
_LATIN = re.compile(r"[A-Za-z]")
_CAMEL_SPLIT = re.compile(r"[a-z] [A-Z]")
# Common surnames, less those that are also common words before a name (周 in 本周, 何 in 为何,
# 钟 in 分钟, 曾, 谢 in 感谢, 高, 金, 方, 向, 于, 任, 余, 程 ...).
_SURNAMES = frozenset("王李张刘陈杨黄赵吴徐孙马朱胡郭林罗郑梁宋唐许韩冯邓曹彭萧肖董袁潘蔡蒋杜叶苏魏"
                      "吕丁沈姚卢姜崔谭陆汪范廖贾韦邹孟熊秦邱尹薛闫侯陶贺顾郝龚邵覃莫孔汤"
                      "張劉陳楊黃趙吳孫馬鄭許韓馮鄧蕭葉蘇呂盧譚陸賈韋鄒閆賀顧龔湯")
# What follows a person's name: speech, a title, a verb of action.
_PERSON_GOES_ON = re.compile(r"(?:向|对|對|表示|称|稱|说|說|分析|认为|認為|指出|介绍|介紹|告诉|告訴|"
                             r"透露|坦言|回忆|回憶|强调|強調|先生|女士|教授|博士|老师|老師|同学|同學|"
                             r"等人|说道|說道|笑|曾|则|則)")
# A capitalised Latin name that is also a word (Anthropic, Amazon): in lower case in an English
# sentence it is the word ("the anthropic principle").
_WORD_LIKE = re.compile(r"[A-Z][a-z]{3,}$")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef、，。：；（）《》“”]")


class _Verdict(NamedTuple):
    alias: Alias | None  # the alias accepted here, if any
    reason: str
    other_sense: list[Alias]  # aliases a reject word showed to mean something else here
    wanting: Alias | None  # an alias whose only fault is that no context word is near


def _accept(text: str, views: list[str], start: int, end: int,
            candidates: tuple[tuple[str, _Candidate], ...], sentences: Sentences) -> _Verdict:
    """The first alias at this place whose case and context rules hold, and why."""
    reason = "no alias rule matched"
    other_sense: list[Alias] = []
    wanting = None
    for phrase, candidate in candidates:
        alias = candidate.alias
        if candidate.latin:  # case rules are about Latin letters
            written = text[start:end].translate(KEEP_CASE)
            if candidate.case_sensitive and not _same_case(written, phrase, text, start, end):
                reason = f"{phrase!r} is case-sensitive"
                continue
            if written.islower() and _WORD_LIKE.match(phrase) and _in_english(text, start, end):
                reason = f"{phrase!r} written in lower case in English text: a word, not the name"
                continue
        if not (candidate.reject_words or candidate.require_words):
            return _Verdict(alias, f"{phrase!r} accepted (alias; {alias.origin})", other_sense,
                            None)
        if candidate.holding and (held := _held(views, candidate.holding, start)):
            reason = f"{phrase!r} rejected: it is part of {held!r} here"
            continue
        # The window includes the alias, so a rule may name a longer phrase around it
        # (文心雕龙 for 文心, 小米粥 for 小米); in traditional text, both scripts count. A word
        # lying wholly inside the alias is the alias, not its context.
        lo, hi = _context_span(sentences, start, end, alias.window)
        if candidate.reject_near and (
                rejected := _near(views, candidate.reject_near, lo, hi, start, end)):
            reason = (f"{phrase!r} rejected: {rejected.group()!r} in its clause or within "
                      f"{alias.window} chars")
            # A word about another sense (商朝 for 商汤) tells of the whole text; a neighbour or
            # a longer phrase holding the name (北京东路 for 京东) only of this place.
            if alias.window > _NEIGHBOUR and (rejected.end() <= start or rejected.start() >= end):
                other_sense.append(alias)
            continue
        if candidate.require_near and not (
                _INVESTING_ARM.match(text, end) or _ORGANISATION_AFTER.match(text, end)
                or _near(views, candidate.require_near, lo, hi, start, end)):
            reason = f"{phrase!r} rejected: none of {list(alias.require_near)} nearby"
            wanting = wanting or alias
            continue
        return _Verdict(alias, f"{phrase!r} accepted (context rule satisfied; {alias.origin})",
                        other_sense, None)
    return _Verdict(None, reason, other_sense, wanting)


def _among_investors(text: str, hit: Hit[Alias], sentences: Sentences) -> bool:
    """Whether the name is an item of a list its sentence gives as investors or shareholders
    (投资方包括鄂尔多斯国投、中集车辆、地平线等): every item of it is an organisation."""
    if text[hit.end:hit.end + 1] not in _ITEM_AFTER:
        return False
    sentence_start = max(sentences.span(hit.start)[0], hit.start - _LIST_REACH)
    heads = list(_INVESTORS_ARE.finditer(text, sentence_start, hit.start))
    return bool(heads) and (heads[-1].end() == hit.start or text[hit.start - 1] in _ITEM_BEFORE)


def _listed(text: str, accepted: list[Hit[Alias]], wanting: list[Hit[Alias]]) -> list[Hit[Alias]]:
    """The names that lack context but stand in a list beside an accepted one (高瓴、启明、蓝驰,
    or a chain of them): a list of organisations is their context."""
    spans = [(h.start, h.end) for h in accepted]
    found: list[Hit[Alias]] = []
    grown = True
    while grown and wanting:
        grown = False
        for hit in wanting:
            if any(_LIST_SEPARATOR.fullmatch(text, end, hit.start) if end <= hit.start
                   else hit.end <= start and _LIST_SEPARATOR.fullmatch(text, hit.end, start)
                   for start, end in spans):
                found.append(hit)
                spans.append((hit.start, hit.end))
                grown = True
        wanting = [h for h in wanting if h not in found]
    return found


def _not_news(text: str, hit: Hit[Alias], other_sense: set[str], accepted: list[Hit[Alias]],
              titles: list[tuple[int, int]], likened: set[int], styled: set[int],
              gear: list[tuple[int, int]]) -> str:
    """Why an accepted name is still not the company in this text, or "" when it is.

    - Interface text: "分享到微信", "分享至QQ".
    - A product used as a medium: "在微信上聊", "利用微信公众号", "在B站是UP主", "抖音等平台".
    - A device someone has: "一台iPad", "两部Mate"; the gear a photo was taken with ("Captured
      with Sony A7s", `gear` holds where such credits run).
    - A person's name: a two-character name after a surname, then what follows a person
      (王清华向记者表示, 李小米说).
    - One sense per text: a name a reject word showed to mean something else once (商汤 the
      king, 小米 the grain) means it throughout, unless the company is also named by a name
      without that doubt (商汤科技).
    - The end of a longer book title: 通义 in 《白虎通义》 (not 《柳叶刀》, nor 《华为年报》).
    - A figure of speech: another firm likened to it, 有「中国版英伟达」之称 (`likened` holds
      where such a name would start), a Nasdaq-style market (`styled` holds where such a
      style word starts)."""
    alias, before, end = hit.payload, text[max(0, hit.start - 6):hit.start], hit.end
    if _after_surname(text, hit) and _PERSON_GOES_ON.match(text, end):
        return f"{text[hit.start - 1:hit.end]!r} is a person's name here"
    if _SHARE_TO.search(before):
        return "interface text (share to …), not news"
    if alias.is_product and any(n.start() <= hit.start and hit.end <= n.end() for n in
                                _BROWSER_NOTICE.finditer(text, max(0, hit.start - 40),
                                                         hit.end + 60)):
        return "interface text (the browsers a page is best seen in), not news"
    if any(start < hit.start and hit.end == end for start, end in titles):
        return f"{alias.text!r} ends a longer title here: a word of it"
    if hit.start in likened or hit.end in styled:
        return f"{alias.text!r} is a figure of speech here: another thing is likened to it"
    if alias.is_product and ((_MEDIUM_BEFORE.search(before) and not _LAUNCHED.match(text, end))
                             or _MEDIUM_AFTER.match(text, end)):
        return f"{alias.text!r} is used as a medium here, not news about its maker"
    if any(start <= hit.start < end for start, end in gear):
        return f"{alias.text!r} is the gear a photo was taken with here, not news about its maker"
    if alias.is_product and _ONE_OF_THEM.search(before):
        return f"{alias.text!r} is a thing someone has here (一台, 两部), not news about its maker"
    if alias.company_id in other_sense and alias.reject_near and not any(
            h.payload.company_id == alias.company_id and not h.payload.reject_near
            for h in accepted):
        return f"{alias.text!r} means something else elsewhere in this text"
    return ""


def _after_surname(text: str, hit: Hit[Alias]) -> bool:
    return hit.end - hit.start == 2 and hit.start > 0 and text[hit.start - 1] in _SURNAMES


def _in_english(text: str, start: int, end: int) -> bool:
    """Whether the words around text[start:end] are Latin (an English sentence)."""
    around = text[max(0, start - 12):start] + text[end:end + 12]
    return len(_LATIN.findall(around)) >= 6


def _same_case(written: str, phrase: str, text: str, start: int, end: int) -> bool:
    """Whether a case-sensitive alias is written as the name: its Latin letters in the same
    case (traditional script around them does not matter), or with a capital, the way a name
    is miscased, between Chinese characters (投资方包括Minimax、智谱), or in capitals after one
    (以及VIVO iQOO Pro)."""
    letters = "".join(_LATIN.findall(written))
    if letters == "".join(_LATIN.findall(phrase)):
        return True
    return (len(letters) >= 4 and letters != letters.lower()
            and (start == 0 or bool(_CJK.match(text[start - 1])))
            and (letters.isupper() or end == len(text) or bool(_CJK.match(text[end]))))


def _context_span(sentences: Sentences, start: int, end: int, window: int) -> tuple[int, int]:
    """Where context words count: `window` characters either side, or the clause, whichever
    reaches further (the clause at most `_CLAUSE_REACH` beyond the alias). A window of one or
    two characters asks for a neighbour (京东 in 北京东路), not a context: the clause is not used."""
    if window <= _NEIGHBOUR:
        return start - window, end + window
    left, right = sentences.span(start)
    return (max(0, min(start - window, max(left, start - _CLAUSE_REACH))),
            max(end + window, min(right, end + _CLAUSE_REACH)))


def _near(views: list[str], words: re.Pattern[str], lo: int, hi: int, start: int,
          end: int) -> re.Match[str] | None:
    """The first of `words` in a view's [lo, hi) other than wholly inside the alias at
    [start, end) or another place that writes it (甲骨 in 甲骨文 twice in a sentence), if any."""
    for view in views:
        found = words.search(view, max(0, lo), hi)
        phrase = view[start:end]
        while found is not None:
            # (only a word the alias holds can lie inside another place that writes it)
            if found.group() not in phrase or not _inside(view, phrase, found):
                return found
            # A shorter word at the same place lies inside the alias too: look one further.
            found = words.search(view, found.start() + 1, hi)
    return None


def _held(views: list[str], words: tuple[tuple[str, int], ...], start: int) -> str | None:
    """The first of `words` that a view writes around the alias starting at `start`, if any."""
    for view in views:
        for word, at in words:
            if start >= at and view.startswith(word, start - at):
                return word
    return None


def _inside(view: str, phrase: str, found: re.Match[str]) -> bool:
    """Whether `found` lies wholly inside a place where `view` writes `phrase`."""
    at = view.find(phrase, max(0, found.end() - len(phrase)), found.start() + len(phrase))
    return at != -1 and at <= found.start()


# The lead: the first characters of the body, where a news story says who it is about.
LEAD_LENGTH = 150


def _salience(hits: list[Hit[Alias]], title_length: int) -> dict[str, str]:
    by_company: dict[str, list[int]] = {}
    for hit in hits:
        by_company.setdefault(hit.payload.company_id, []).append(hit.start)
    levels = {}
    for company_id, starts in by_company.items():
        if title_length and min(starts) < title_length:
            levels[company_id] = "title"
        elif min(starts) < title_length + LEAD_LENGTH:
            levels[company_id] = "lead"
        elif len(starts) >= 3:
            levels[company_id] = "frequent"
        else:
            levels[company_id] = "passing"
    return levels


__all__ = ["Classifier", "Decision"]
