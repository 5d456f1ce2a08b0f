"""The cycle's Prefect tasks. Coarse on purpose: a handful per cycle, whatever the source count
(the Prefect server records every task run). Each calls plain functions that know nothing about
Prefect; retries and caching are declared here, on the decorators, where a reader looks.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from alerts.channels import Channel
from alerts.deliver import DeliveryReport, deliver_pending
from alerts.health import health_intents
from alerts.rules import ResolvedRule, alert_intents
from tasks.classify import Classifier
from tasks.dedup import assign_stories
from tasks.http import HostGate, Limits, make_client
from tasks.records import Article, Document
from tasks.sources import Cursor, FetchContext, FetchResult, SourceConfig, due_sources, fetch_all
from tasks.split import split_document
from warehouse import FetchRun, StoreReport, Streak, Warehouse

# How long a step waits for the warehouse while another process (a `newsmon sql`) holds it.
BUSY_WAIT_S = 60.0


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
def store(db_path: Path, cycle_id: str, sources: Sequence[SourceConfig],
          results: Sequence[FetchResult], articles: Sequence[Article],
          rules: Sequence[ResolvedRule], state: SourceState, failure_threshold: int,
          channels: Sequence[str]) -> StoreReport:
    """Write the cycle in one transaction: runs, articles, cursors and the alerts they owe.
    Retried because a reader may hold the warehouse for a moment."""
    runs = [fetch_run(result, articles) for result in results]
    cursors = [cursor for result in results for cursor in result.cursors]
    with Warehouse.open(db_path, wait=BUSY_WAIT_S) as warehouse:
        stories, signatures = assign_stories(articles, warehouse.recent_signatures())
        owed = alert_intents(articles, rules, stories) + health_intents(
            results, state.streaks, {s.id: s for s in sources}, failure_threshold, cycle_id)
        return warehouse.store_cycle(cycle_id, runs, articles, owed, channels,
                                     now=datetime.now(UTC), cursors=cursors, stories=stories,
                                     signatures=signatures)


@task(name="deliver", cache_policy=NO_CACHE)
def deliver(db_path: Path, channels: Sequence[Channel], max_attempts: int) -> DeliveryReport:
    """Send every alert still owed, this cycle's and earlier ones'."""
    with Warehouse.open(db_path, wait=BUSY_WAIT_S) as warehouse:
        return deliver_pending(warehouse, channels, max_attempts)


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
