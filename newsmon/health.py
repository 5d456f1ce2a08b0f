"""`newsmon sources`: how each source is doing, and what a fetch would store right now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsmon.config import Config
from newsmon.errors import ConfigError, WarehouseError
from tasks.classify import Classifier
from tasks.http import HostGate, make_client
from tasks.pipeline import classify_results
from tasks.sources import FetchContext, fetch_all
from warehouse import Warehouse


@dataclass(frozen=True)
class HealthRow:
    source_id: str
    kind: str
    status: str  # ok | failing | silent | never run | disabled
    last_success: datetime | None
    last_error: str | None
    failures: int
    articles_24h: int
    articles_7d: int


def health_table(config: Config, db_path: Path | None, now: datetime | None = None
                 ) -> list[HealthRow]:
    """One row per configured source, from what the warehouse recorded."""
    now = now or datetime.now(UTC)
    ids = [s.id for s in config.sources]
    try:
        with Warehouse.open(db_path, read_only=True) as warehouse:
            health = {h.source_id: h for h in warehouse.source_health(ids, now)}
    except WarehouseError:  # no warehouse yet: every source simply never ran
        health = {}
    rows = []
    for source in config.sources:
        h = health.get(source.id)
        if not source.enabled:
            status = "disabled"
        elif h is None or (h.last_success is None and not h.consecutive_failures):
            status = "never run"
        elif h.consecutive_failures:
            status = "failing"
        elif h.last_new_article is None or (
                now - h.last_new_article > timedelta(hours=source.silent_after_hours)):
            status = "silent"
        else:
            status = "ok"
        rows.append(HealthRow(source.id, source.kind, status, h.last_success if h else None,
                              h.last_error if h else None, h.consecutive_failures if h else 0,
                              h.articles_24h if h else 0, h.articles_7d if h else 0))
    return rows


@dataclass(frozen=True)
class CheckReport:
    source_id: str
    error: str | None
    documents: int
    stories: int
    new: list[tuple[str, list[str]]]  # (title, companies) of stories not stored yet
    warnings: list[str]


def check_sources(config: Config, ids: list[str], db_path: Path | None) -> list[CheckReport]:
    """Fetch the sources (all when `ids` is empty) without storing anything, ignoring
    conditional-request cursors, and say what a cycle would store."""
    unknown = set(ids) - {s.id for s in config.sources}
    if unknown:
        raise ConfigError(f"no source with id {', '.join(sorted(unknown))}", path=str(config.path))
    sources = [s for s in config.sources if s.id in ids] if ids else config.enabled_sources
    known: set[str] = set()
    stored_hashes: set[str] = set()
    try:
        with Warehouse.open(db_path, read_only=True) as warehouse:
            known = warehouse.known_urls([s.id for s in sources])
            stored_hashes = warehouse.content_hashes()
    except WarehouseError:  # no warehouse yet: everything would be new
        pass
    with make_client(config.limits) as client:
        context = FetchContext(config.base_dir, client, config.limits,
                               HostGate(config.limits.per_host, config.limits.host_delay),
                               known_urls=known)
        results = fetch_all(sources, context, config.fetch_workers)
    classifier = Classifier.load(config.catalog_files)
    reports = []
    for result in results:
        articles = classify_results([result], classifier)
        new = [(a.story.title, a.labels.companies) for a in articles
               if a.story.url not in known and a.content_hash not in stored_hashes]
        reports.append(CheckReport(result.source_id, result.error, len(result.documents),
                                   len(articles), new, result.warnings))
    return reports
