"""Alert rules: as written in the config, resolved against the catalog, and which (rule,
company, story) triples owe an alert. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from alerts.render import render_article_alert
from newsmon.errors import ConfigError
from tasks.records import EVENT_TYPES, SALIENCE, AlertIntent, Article, Mention

if TYPE_CHECKING:  # the config loads rules without the classifier's matcher and catalog
    from tasks.classify import Classifier


class AlertRule(BaseModel):
    """Alert when an article mentions one of `companies` (ids, names or aliases), at least as
    prominently as `min_salience`; when `topics` is set, only if it carries one of them; when
    `events` is set, only if it reports one of those events about that company. `companies`
    may name a group (`group:NAME`, from `alerts.groups`), expanded when the config loads."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    companies: tuple[str, ...] = Field(min_length=1)
    topics: tuple[str, ...] = ()
    events: tuple[str, ...] = ()  # funding, ipo, launch, partnership, policy, executive_change
    # Skip articles that name the company less prominently than this.
    min_salience: Literal["passing", "frequent", "lead", "title"] = "passing"
    # Named channels (alerts.channels: {name: url}) this rule's alerts go to; empty: all.
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResolvedRule:
    name: str
    company_ids: frozenset[str]
    topics: frozenset[str] = frozenset()
    min_salience: str = "passing"
    events: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()


def resolve_rules(rules: Sequence[AlertRule], classifier: Classifier,
                  where: dict[str, int | None] | None = None, path: str | None = None,
                  channel_names: Sequence[str] = ()) -> list[ResolvedRule]:
    """Turn company names/aliases/ids in rules into catalog ids. Unknown companies, topics,
    event types and channels (not among `channel_names`) are errors naming the rule's line:
    a typo must not silence a rule."""
    return [_resolve(rule, classifier, (where or {}).get(rule.name), path, channel_names)
            for rule in rules]


def _resolve(rule: AlertRule, classifier: Classifier, line: int | None,
             path: str | None, channel_names: Sequence[str]) -> ResolvedRule:
    def error(message: str, key: str) -> ConfigError:
        return ConfigError(f"rule {rule.name!r}: {message}", path=path, line=line,
                           key=f"alerts.rules.{key}")

    ids = set()
    for name in rule.companies:
        company = classifier.catalog.resolve(name)
        if company is None:
            raise error(f"unknown company {name!r} (not an id, name or alias in the catalog)",
                        "companies")
        ids.add(company.id)
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
                        frozenset(rule.events), frozenset(rule.channels))


def dedup_key(rule: str, company_id: str, story_id: str) -> str:
    return hashlib.sha256(f"{rule}\x1f{company_id}\x1f{story_id}".encode()).hexdigest()[:24]


def alert_intents(articles: Sequence[Article], rules: Sequence[ResolvedRule],
                  stories: Mapping[str, str] | None = None) -> list[AlertIntent]:
    """One rendered intent per (rule, company, story) where the rule matches: near-duplicate
    articles of one story (`stories` maps article_id to story_id) alert once, naming the
    other sources that carry it."""
    stories = stories or {}
    carriers: dict[str, list[Article]] = {}
    for article in articles:
        carriers.setdefault(stories.get(article.article_id, article.article_id), []).append(article)
    intents = []
    for article in articles:
        story_id = stories.get(article.article_id, article.article_id)
        also = [a.source_id for a in carriers[story_id] if a is not article]
        topics = {t.topic for t in article.labels.topics}
        for rule in rules:
            if rule.topics and not rule.topics & topics:
                continue
            for mention in _first_mentions(article):
                if (mention.company_id not in rule.company_ids or
                        SALIENCE.index(mention.salience) < SALIENCE.index(rule.min_salience)):
                    continue
                if rule.events and not any(e.type in rule.events and
                                           e.company_id == mention.company_id
                                           for e in article.labels.events):
                    continue
                message = render_article_alert(article, mention, rule.name, also)
                intents.append(AlertIntent(
                    dedup_key(rule.name, mention.company_id, story_id), "article",
                    rule.name, message.title, message.body, mention.company_id, mention.company,
                    article.article_id, article.source_id, rule.channels))
    return intents


def _first_mentions(article: Article) -> list[Mention]:
    """The first mention of each company: the one an alert quotes."""
    seen: dict[str, Mention] = {}
    for mention in article.labels.mentions:
        seen.setdefault(mention.company_id, mention)
    return list(seen.values())
