"""Alert rules: which (rule, company, article) triples owe an alert. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from alerts.render import render_article_alert
from newsmon.config import AlertRule
from newsmon.errors import ConfigError
from tasks.classify.catalog import Catalog
from tasks.records import SALIENCE, Article, Mention
from warehouse import AlertIntent


@dataclass(frozen=True)
class ResolvedRule:
    name: str
    company_ids: frozenset[str]
    topics: frozenset[str]
    min_salience: str = "passing"


def resolve_rules(rules: Sequence[AlertRule], catalog: Catalog,
                  where: dict[str, int | None] | None = None, path: str | None = None
                  ) -> list[ResolvedRule]:
    """Turn company names/aliases/ids in rules into catalog ids; unknown names are errors."""
    resolved = []
    for rule in rules:
        ids = set()
        for name in rule.companies:
            company = catalog.resolve(name)
            if company is None:
                raise ConfigError(f"rule {rule.name!r}: unknown company {name!r} (not an id, "
                                  f"name or alias in the catalog)", path=path,
                                  line=(where or {}).get(rule.name), key="alerts.rules.companies")
            ids.add(company.id)
        resolved.append(ResolvedRule(rule.name, frozenset(ids), frozenset(rule.topics),
                                     rule.min_salience))
    return resolved


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
                message = render_article_alert(article, mention, rule.name, also)
                intents.append(AlertIntent(
                    dedup_key(rule.name, mention.company_id, story_id), "article",
                    rule.name, message.title, message.body, mention.company_id, mention.company,
                    article.article_id, article.source_id))
    return intents


def _first_mentions(article: Article) -> list[Mention]:
    """The first mention of each company: the one an alert quotes."""
    seen: dict[str, Mention] = {}
    for mention in article.labels.mentions:
        seen.setdefault(mention.company_id, mention)
    return list(seen.values())
