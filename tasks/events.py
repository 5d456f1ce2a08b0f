"""The events a cycle announces, as values: named `newsmon.*`, each with the resource it is
about and the resources related to it, so Prefect automations can react to them. Pure.

Volume stays bounded whatever a cycle brings: at most MAX_PER_KIND events of one kind per
cycle, the rest folded into the cycle's own summary event.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from alerts.deliver import DeliveryOutcome
from tasks.records import Article, StoreReport, Streak
from tasks.sources import FetchResult

MAX_PER_KIND = 50
# The resource of events about the alert outbox as a whole (what deliver-alerts reacts to).
OUTBOX = {"prefect.resource.id": "newsmon.outbox", "prefect.resource.name": "alert outbox"}


@dataclass(frozen=True)
class EventSpec:
    event: str
    resource: dict[str, str]
    related: list[dict[str, str]] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)


def source_resource(source_id: str, role: str | None = None) -> dict[str, str]:
    resource = {"prefect.resource.id": f"newsmon.source.{source_id}",
                "prefect.resource.name": source_id}
    if role:
        resource["prefect.resource.role"] = role
    return resource


def article_events(articles: Sequence[Article], new_ids: frozenset[str],
                   stories: Mapping[str, str] | None = None) -> list[EventSpec]:
    """`newsmon.article.mentioned` for each new article that names a company: the article is
    the resource, its companies and its source are related."""
    out = []
    for article in articles:
        if article.article_id not in new_ids or not article.labels.mentions:
            continue
        companies = {m.company_id: m.company for m in article.labels.mentions}
        out.append(EventSpec(
            "newsmon.article.mentioned",
            {"prefect.resource.id": f"newsmon.article.{article.article_id}",
             "prefect.resource.name": article.story.title[:120],
             "newsmon.url": article.story.url},
            [{"prefect.resource.id": f"newsmon.company.{company_id}",
              "prefect.resource.role": "company", "prefect.resource.name": name}
             for company_id, name in companies.items()] + [source_resource(article.source_id,
                                                                            "source")],
            {"companies": list(companies), "title": article.story.title,
             "url": article.story.url, "story_id": (stories or {}).get(article.article_id,
                                                                       article.article_id),
             "events": sorted({e.type for e in article.labels.events})}))
    return out


def cap(events: list[EventSpec]) -> tuple[list[EventSpec], int]:
    """At most MAX_PER_KIND events of each name; how many were left out."""
    kept, counts, left_out = [], dict[str, int](), 0
    for event in events:
        counts[event.event] = counts.get(event.event, 0) + 1
        if counts[event.event] <= MAX_PER_KIND:
            kept.append(event)
        else:
            left_out += 1
    return kept, left_out


def cycle_events(cycle_id: str, results: Sequence[FetchResult], streaks: Mapping[str, Streak],
                 articles: Sequence[Article], stored: StoreReport,
                 stories: Mapping[str, str] | None = None) -> list[EventSpec]:
    """What an ingest cycle announces: articles that mention companies, sources that failed
    or recovered, alerts queued, and one `newsmon.cycle.completed` with the counts."""
    events = article_events(articles, stored.new_ids, stories)
    for result in results:
        before = streaks.get(result.source_id)
        if result.status == "failed":
            events.append(EventSpec("newsmon.source.failed", source_resource(result.source_id),
                                    payload={"error": result.reason, "cycle_id": cycle_id,
                                             "failures": (before.failures if before else 0) + 1}))
        elif before is not None:
            events.append(EventSpec("newsmon.source.recovered",
                                    source_resource(result.source_id),
                                    payload={"after_failures": before.failures,
                                             "cycle_id": cycle_id}))
    if stored.alerts_queued:
        events.append(EventSpec("newsmon.alerts.queued", OUTBOX,
                                payload={"count": stored.alerts_queued, "cycle_id": cycle_id}))
    kept, left_out = cap(events)
    kept.append(EventSpec(
        "newsmon.cycle.completed", {"prefect.resource.id": f"newsmon.cycle.{cycle_id}"},
        [source_resource(r.source_id, "source") for r in results][:MAX_PER_KIND],
        {"cycle_id": cycle_id, "sources": len(results),
         "failed": sum(r.status == "failed" for r in results),
         "new_articles": stored.new_articles, "alerts_queued": stored.alerts_queued,
         "events_left_out": left_out}))
    return kept


def delivery_events(outcomes: Sequence[DeliveryOutcome]) -> list[EventSpec]:
    """`newsmon.alert.sent` or `newsmon.alert.failed` per send attempt."""
    events = []
    for outcome in outcomes:
        alert = outcome.alert
        related = ([{"prefect.resource.id": f"newsmon.company.{alert.company_id}",
                     "prefect.resource.role": "company",
                     "prefect.resource.name": alert.company or alert.company_id}]
                   if alert.company_id else [])
        events.append(EventSpec(
            "newsmon.alert.failed" if outcome.error else "newsmon.alert.sent",
            {"prefect.resource.id": f"newsmon.alert.{alert.dedup_key}",
             "prefect.resource.name": alert.title[:120], "newsmon.channel": alert.channel},
            related, {"kind": alert.kind, "error": outcome.error, "gave_up": outcome.dead}))
    kept, left_out = cap(events)
    if left_out:
        kept.append(EventSpec("newsmon.alerts.delivered", OUTBOX,
                              payload={"sent": sum(o.error is None for o in outcomes),
                                       "failed": sum(o.error is not None for o in outcomes),
                                       "events_left_out": left_out}))
    return kept
