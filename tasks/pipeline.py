"""The cycle's Prefect tasks. Coarse on purpose: a handful per cycle, whatever the source count
(the Prefect server records every task run). Each calls plain functions that know nothing about
Prefect; retries and caching are declared here, on the decorators, where a reader looks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import task
from prefect.cache_policies import NO_CACHE

from alerts.channels import Channel
from alerts.deliver import DeliveryReport, Policy, deliver_pending
from alerts.health import health_intents
from alerts.rules import ResolvedRule, alert_intents
from tasks.classify import Classifier
from tasks.dedup import assign_stories
from tasks.events import EventSpec, article_events, delivery_events
from tasks.http import HostGate, Limits, make_client
from tasks.records import Article, Cursor, CycleWrite, Document, FetchRun, StoreReport, Streak
from tasks.sources import FetchContext, FetchResult, SourceConfig, due_sources, fetch_all
from tasks.split import split_document
from warehouse import Warehouse

if TYPE_CHECKING:
    from tasks.plan import CyclePlan

# How long a step waits for the warehouse while another process (a `newsmon sql`) holds it.
BUSY_WAIT_S = 60.0
# The Prefect global concurrency limit every warehouse write takes: DuckDB has one writer.
WAREHOUSE_LIMIT = "newsmon-warehouse"
# A holder that dies keeps its slot this long at most (Prefect's minimum lease).
LEASE_S = 60


def ensure_warehouse_limit(reset: bool = False) -> None:
    """Create the warehouse's concurrency limit (limit 1) on the Prefect server; `reset`
    drops slots a killed process still holds. Without the limit, `concurrency()` would
    silently let every writer through."""
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        if reset:
            with suppress(ObjectNotFound):
                client.delete_global_concurrency_limit_by_name(WAREHOUSE_LIMIT)
        client.upsert_global_concurrency_limit_by_name(WAREHOUSE_LIMIT, 1)


@contextmanager
def warehouse_turn() -> Iterator[None]:
    """Hold the warehouse's single write slot (strict: a missing limit is an error). Flows
    take it first thing, before any task runs: Prefect 3.8 grants it in milliseconds then,
    but takes about 2 s once a task run has happened in the process."""
    from prefect.concurrency.sync import concurrency

    with concurrency(WAREHOUSE_LIMIT, occupy=1, strict=True, lease_duration=LEASE_S):
        yield


@dataclass(frozen=True)
class SourceState:
    """What the warehouse knows that the fetch needs: which sources are due, their cursors,
    the URLs already stored, and their failure streaks."""

    due: list[SourceConfig]
    cursors: dict[tuple[str, str], Cursor]
    known_urls: set[str]
    streaks: dict[str, Streak]


@task(name="load-state", cache_policy=NO_CACHE)
def load_state(db_path: Path, sources: Sequence[SourceConfig]) -> SourceState:
    ids = [source.id for source in sources]
    with Warehouse.open(db_path, wait=BUSY_WAIT_S) as warehouse:
        due = due_sources(sources, warehouse.last_fetched(ids), datetime.now(UTC))
        return SourceState(due, warehouse.cursors(ids), warehouse.known_urls(ids),
                           warehouse.failure_streaks(ids))


@task(name="fetch", cache_policy=NO_CACHE)
def fetch(sources: Sequence[SourceConfig], base_dir: Path, state: SourceState, limits: Limits,
          workers: int, budget_s: float) -> list[FetchResult]:
    """Fetch every source concurrently, all of it within `budget_s` seconds; a failing source
    comes back with its error."""
    with make_client(limits) as client:
        context = FetchContext(base_dir=base_dir, client=client, limits=limits,
                               gate=HostGate(limits.per_host, limits.host_delay),
                               cursors=state.cursors, known_urls=state.known_urls,
                               deadline=time.monotonic() + budget_s, budget_s=budget_s)
        return fetch_all(sources, context, workers)


@task(name="split-and-classify", cache_policy=NO_CACHE)
def split_and_classify(results: Sequence[FetchResult], classifier: Classifier) -> list[Article]:
    """Every story of every fetched document, classified."""
    return classify_results(results, classifier)


@task(name="store", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def store(db_path: Path, cycle: CycleWrite, rules: Sequence[ResolvedRule]) -> StoreReport:
    """Write the cycle in one transaction: runs, articles, cursors and the alerts they owe
    under `rules`, source-health alerts included. Retried because a reader may hold the
    warehouse."""
    with Warehouse.open(db_path, wait=BUSY_WAIT_S) as warehouse:
        return store_results(warehouse, cycle, rules)


def store_results(warehouse: Warehouse, cycle: CycleWrite,
                  rules: Sequence[ResolvedRule]) -> StoreReport:
    """Story dedup against the signatures the warehouse remembers, the alerts the rules then
    owe, and one transaction for all of it. The signatures are read on the handle that
    writes, so no other writer's stories slip in between."""
    stories, signatures = assign_stories(cycle.articles, warehouse.recent_signatures())
    owed = alert_intents(cycle.articles, rules, stories) + list(cycle.health)
    return warehouse.store_cycle(cycle.cycle_id, cycle.runs, cycle.articles, owed,
                                 cycle.channels, now=datetime.now(UTC), cursors=cycle.cursors,
                                 stories=stories, signatures=signatures)


def cycle_write(plan: CyclePlan, cycle_id: str, results: Sequence[FetchResult],
                articles: Sequence[Article],
                streaks: Mapping[str, Streak] | None = None) -> CycleWrite:
    """What a cycle's results make the warehouse store: a fetch run and the cursors of each
    result, the articles, the plan's channels. Given `streaks` (each source's failures before
    this cycle), the source-health alerts owed too; a push, given none, owes none."""
    health = () if streaks is None else tuple(health_intents(
        results, streaks, {s.id: s for s in plan.config.polled_sources},
        plan.config.source_failures, cycle_id))
    return CycleWrite(cycle_id, tuple(fetch_run(r, articles) for r in results), tuple(articles),
                      tuple(channel.label for channel in plan.channels),
                      tuple(c for r in results for c in r.cursors), health)


def ingest_pushed(plan: CyclePlan, source: SourceConfig, documents: Sequence[Document],
                  skipped: Sequence[str]) -> dict[str, int]:
    """Documents a push source sent: classified, stored and their alerts sent at once, on the
    same path a cycle takes (no flow run: a push is answered within the request)."""
    started = datetime.now(UTC)
    cycle_id = f"push-{started:%Y%m%dT%H%M%S%fZ}-{source.id}"
    result = FetchResult(source.id, source.kind, documents=list(documents),
                         item_errors=list(skipped), started_at=started)
    articles = classify_results([result], plan.classifier)
    with warehouse_turn(), Warehouse.open(plan.warehouse_path, wait=BUSY_WAIT_S) as warehouse:
        stored = store_results(warehouse, cycle_write(plan, cycle_id, [result], articles),
                               plan.rules)
        delivered = deliver_pending(warehouse, plan.channels, plan.policy)
    announce.fn(article_events(articles, stored.new_ids) + delivery_events(delivered.outcomes))
    return {"documents": len(documents), "stored": stored.new_articles,
            "already_stored": stored.seen_articles, "skipped": len(skipped),
            "alerts_sent": delivered.sent, "alerts_failed": delivered.failed}


@task(name="deliver", cache_policy=NO_CACHE)
def deliver(db_path: Path, channels: Sequence[Channel], policy: Policy) -> DeliveryReport:
    """Send every alert that is due, this cycle's and earlier ones'."""
    with Warehouse.open(db_path, wait=BUSY_WAIT_S) as warehouse:
        return deliver_pending(warehouse, channels, policy)


@task(name="announce", cache_policy=NO_CACHE)
def announce(events: Sequence[EventSpec]) -> int:
    """Emit the cycle's `newsmon.*` events to the Prefect server, for its event feed and for
    automations (deliver-alerts reacts to newsmon.alerts.queued)."""
    from prefect.events import emit_event

    sent = 0
    for spec in events:
        if emit_event(event=spec.event, resource=spec.resource, related=spec.related,
                      payload=spec.payload) is not None:
            sent += 1
    return sent


def classify_results(results: Sequence[FetchResult], classifier: Classifier) -> list[Article]:
    """Every story of every document, classified. A document that cannot be split or
    classified is its source's item failure (the result records it), never the cycle's."""
    articles = []
    for result in results:
        for document in list(result.documents):
            stories = result.skip_item(document.url, partial(
                classify_document, result.source_id, document, classifier))
            if stories is None:
                result.documents.remove(document)
                result.cursors.clear()  # fetch it again next cycle
            else:
                articles.extend(stories)
    return articles


def classify_document(source_id: str, document: Document, classifier: Classifier
                      ) -> list[Article]:
    return [Article(source_id, story, classifier.classify(story.text, len(story.title)),
                    document.fetched_at, document.text_issue)
            for story in split_document(document)]


def fetch_run(result: FetchResult, articles: Sequence[Article]) -> FetchRun:
    stories = sum(1 for a in articles if a.source_id == result.source_id)
    return FetchRun(
        source_id=result.source_id, kind=result.kind, started_at=result.started_at,
        status=result.status, items=len(result.documents), stories=stories,
        error=result.reason, elapsed_s=round(result.elapsed_s, 4),
        failed_items=result.failed_items)
