"""Alert rules: as written in the config, resolved against the catalog, and which (rule,
company, story) triples owe an alert. Pure."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alerts.render import describe_event, render_alert
from alerts.schedule import Timing, parse_clock, parse_window
from newsmon.errors import ConfigError
from tasks.classify.script import to_simplified
from tasks.records import EVENT_TYPES, SALIENCE, AlertIntent, AlertView, Article, Mention

if TYPE_CHECKING:  # the config loads rules without the classifier's matcher and catalog
    from tasks.classify import Classifier


class AlertRule(BaseModel):
    """Alert when an article mentions one of `companies` (ids, names or aliases), at least as
    prominently as `min_salience`; when `topics` is set, only if it carries one of them; when
    `events` is set, only if it reports one of those events about that company; when
    `keywords` is set, only if its text contains one of them (a rule with keywords and no
    companies alerts on any article that does); when `sources` is set, only articles from
    those sources (ids, or `tag:NAME` for the sources tagged so). `companies` may name a group
    (`group:NAME`, from `alerts.groups`) or a catalog sector (`sector:model`).

    `mode: digest` gathers the rule's stories into one message at each of the local times in
    `at`; instant alerts wait out `quiet_hours` ("23:00-08:00", default `alerts.quiet_hours`,
    `false` for none) and are sent as one message when quiet ends."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    companies: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    events: tuple[str, ...] = ()  # funding, ipo, launch, partnership, policy, executive_change
    # Skip articles that name the company less prominently than this.
    min_salience: Literal["passing", "frequent", "lead", "title"] = "passing"
    # Named channels (alerts.channels: {name: url}) this rule's alerts go to; empty: all.
    channels: tuple[str, ...] = ()
    mode: Literal["instant", "digest"] = "instant"
    at: tuple[str, ...] = ()  # a digest's local times, HH:MM
    quiet_hours: str | Literal[False] | None = None  # None: alerts.quiet_hours

    @field_validator("at", mode="before")
    @classmethod
    def _sexagesimal(cls, times: object) -> object:
        """YAML 1.1 reads an unquoted 09:00 as the number 540 (minutes): take it as meant."""
        if isinstance(times, list | tuple):
            return [f"{t // 60:02d}:{t % 60:02d}" if isinstance(t, int) and 0 <= t < 1440 else t
                    for t in times]
        return times

    @field_validator("at")
    @classmethod
    def _valid_times(cls, times: tuple[str, ...]) -> tuple[str, ...]:
        for text in times:
            parse_clock(text)
        return times

    @field_validator("quiet_hours")
    @classmethod
    def _valid_window(cls, window: str | Literal[False] | None) -> str | Literal[False] | None:
        if window:
            parse_window(window)
        return window

    @model_validator(mode="after")
    def _complete(self) -> AlertRule:
        if not self.companies and not self.keywords:
            raise ValueError("give `companies` (names, group:NAME, sector:NAME) or `keywords`")
        if self.mode == "digest" and not self.at:
            raise ValueError('a digest needs `at`: its local times, e.g. ["09:00", "18:00"]')
        if self.at and self.mode != "digest":
            raise ValueError("`at` is for `mode: digest`")
        return self

    def timing(self, default_quiet: str | None) -> Timing:
        quiet = default_quiet if self.quiet_hours is None else self.quiet_hours
        return Timing(tuple(parse_clock(t) for t in sorted(set(self.at))),
                      parse_window(quiet) if quiet and self.mode == "instant" else None)


@dataclass(frozen=True)
class ResolvedRule:
    name: str
    company_ids: frozenset[str]
    topics: frozenset[str] = frozenset()
    min_salience: str = "passing"
    events: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()  # folded (see `fold_text`)
    source_ids: frozenset[str] | None = None  # None: every source
    timing: Timing = Timing()


def resolve_rules(rules: Sequence[AlertRule], classifier: Classifier,
                  where: dict[str, int | None] | None = None, path: str | None = None,
                  channel_names: Sequence[str] = (),
                  source_tags: Mapping[str, Sequence[str]] | None = None,
                  quiet_hours: str | None = None) -> list[ResolvedRule]:
    """Turn company names/aliases/ids/sectors in rules into catalog ids and source ids/tags
    (`source_tags`: each source id's tags) into source ids. Unknown companies, sectors,
    sources, topics, event types and channels (not among `channel_names`) are errors naming
    the rule's line: a typo must not silence a rule."""
    return [_resolve(rule, classifier, (where or {}).get(rule.name), path, channel_names,
                     source_tags, quiet_hours) for rule in rules]


def _resolve(rule: AlertRule, classifier: Classifier, line: int | None,
             path: str | None, channel_names: Sequence[str],
             source_tags: Mapping[str, Sequence[str]] | None,
             quiet_hours: str | None) -> ResolvedRule:
    def error(message: str, key: str) -> ConfigError:
        return ConfigError(f"rule {rule.name!r}: {message}", path=path, line=line,
                           key=f"alerts.rules.{key}")

    ids = set()
    for name in rule.companies:
        if name.startswith("sector:"):
            sector = name.removeprefix("sector:")
            members = {c.id for c in classifier.catalog.companies.values() if c.sector == sector}
            if not members:
                known = sorted({c.sector for c in classifier.catalog.companies.values()
                                if c.sector})
                raise error(f"no company in sector {sector!r} (sectors: {', '.join(known)})",
                            "companies")
            ids |= members
            continue
        company = classifier.catalog.resolve(name)
        if company is None:
            raise error(f"unknown company {name!r} (not an id, name or alias in the catalog)",
                        "companies")
        ids.add(company.id)
    source_ids: set[str] | None = None
    if rule.sources:
        tags = source_tags or {}
        source_ids = set()
        for name in rule.sources:
            tagged = ({s for s, t in tags.items() if name.removeprefix("tag:") in t}
                      if name.startswith("tag:") else {name} & set(tags))
            if not tagged:
                what = "no source tagged" if name.startswith("tag:") else "unknown source"
                raise error(f"{what} {name.removeprefix('tag:')!r}", "sources")
            source_ids |= tagged
    known_topics = sorted(topic.id for topic in classifier.topics)
    if unknown := sorted(set(rule.topics) - set(known_topics)):
        raise error(f"unknown topic {unknown[0]!r} (known: {', '.join(known_topics)})", "topics")
    if unknown := sorted(set(rule.events) - set(EVENT_TYPES)):
        raise error(f"unknown event type {unknown[0]!r} (known: {', '.join(EVENT_TYPES)})",
                    "events")
    if unknown := sorted(set(rule.channels) - set(channel_names)):
        named = ", ".join(channel_names) or "none: give alerts.channels as {name: url}"
        raise error(f"unknown channel {unknown[0]!r} (named channels: {named})", "channels")
    return ResolvedRule(rule.name, frozenset(ids), frozenset(rule.topics), rule.min_salience,
                        frozenset(rule.events), frozenset(rule.channels),
                        tuple(fold_text(k) for k in rule.keywords),
                        None if source_ids is None else frozenset(source_ids),
                        rule.timing(quiet_hours))


def fold_text(text: str) -> str:
    """Text as keywords are matched: full-width folded (NFKC), case-folded, simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text).casefold())


def dedup_key(rule: str, company_id: str, story_id: str) -> str:
    return hashlib.sha256(f"{rule}\x1f{company_id}\x1f{story_id}".encode()).hexdigest()[:24]


def alert_intents(articles: Sequence[Article], rules: Sequence[ResolvedRule],
                  stories: Mapping[str, str] | None = None) -> list[AlertIntent]:
    """One rendered intent per (rule, company, story) where the rule matches (per (rule,
    story) for a rule of keywords alone): near-duplicate articles of one story (`stories`
    maps article_id to story_id) alert once, naming the other sources that carry it."""
    stories = stories or {}
    carriers: dict[str, list[Article]] = {}
    for article in articles:
        carriers.setdefault(stories.get(article.article_id, article.article_id), []).append(article)
    intents = []
    for article in articles:
        story_id = stories.get(article.article_id, article.article_id)
        also = [a.source_id for a in carriers[story_id] if a is not article]
        topics = {t.topic for t in article.labels.topics}
        text = fold_text(article.story.text)
        for rule in rules:
            if rule.topics and not rule.topics & topics:
                continue
            if rule.source_ids is not None and article.source_id not in rule.source_ids:
                continue
            keyword = next((k for k in rule.keywords if k in text), None)
            if rule.keywords and keyword is None:
                continue
            hits = ([m for m in _first_mentions(article) if m.company_id in rule.company_ids]
                    if rule.company_ids else [_keyword_mention(article, keyword or "")])
            for mention in hits:
                if SALIENCE.index(mention.salience) < SALIENCE.index(rule.min_salience):
                    continue
                if rule.events and not any(e.type in rule.events and
                                           e.company_id == mention.company_id
                                           for e in article.labels.events):
                    continue
                view = alert_view(article, mention, rule.name, also)
                message = render_alert(view)
                intents.append(AlertIntent(
                    dedup_key(rule.name, mention.company_id, story_id), "article",
                    rule.name, message.title, message.body, mention.company_id or None,
                    mention.company, article.article_id, article.source_id, rule.channels,
                    view))
    return intents


def alert_view(article: Article, mention: Mention, rule: str,
               also: Sequence[str] = ()) -> AlertView:
    story = article.story
    return AlertView(
        company=mention.company, alias=mention.alias, title=story.title, url=story.url,
        source=article.source_id, rule=rule, sentence=mention.sentence,
        events=tuple(describe_event(e) for e in article.labels.events
                     if e.company_id == mention.company_id and mention.company_id),
        origins=tuple(o.name for o in story.origins),
        also=tuple(dict.fromkeys(s for s in also if s != article.source_id)),
        published=f"{story.published_at:%Y-%m-%d}" if story.published_at else None)


def _keyword_mention(article: Article, keyword: str) -> Mention:
    """A keyword hit as a mention of no company: the alert quotes the sentence it is in."""
    text = article.story.text
    at = fold_text(text).find(keyword)
    word = text[at:at + len(keyword)]
    start = max(text.rfind(ch, 0, at) for ch in "。！？\n") + 1
    ends = [i for i in (text.find(ch, at) for ch in "。！？\n") if i >= 0]
    sentence = text[start:min(ends) + 1 if ends else len(text)].strip()
    return Mention("", f"关键词：{word}", word, at, at + len(word), sentence,
                   "title" if at < len(article.story.title) else "passing")


def _first_mentions(article: Article) -> list[Mention]:
    """The first mention of each company: the one an alert quotes."""
    seen: dict[str, Mention] = {}
    for mention in article.labels.mentions:
        seen.setdefault(mention.company_id, mention)
    return list(seen.values())
