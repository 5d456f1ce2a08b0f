"""The ingest cycle: fetch every source, split and classify, store, alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from prefect import flow

from alerts.channels import build_channels
from alerts.deliver import DeliveryReport
from alerts.rules import resolve_rules
from newsmon.config import load_config
from tasks.classify import Classifier
from tasks.pipeline import deliver, fetch, load_state, split_and_classify, store
from tasks.sources import FetchResult
from warehouse import StoreReport, default_path


@dataclass(frozen=True)
class CycleSummary:
    cycle_id: str
    results: list[FetchResult]
    not_due: int  # enabled sources skipped because their interval has not passed
    stored: StoreReport
    delivered: DeliveryReport
    elapsed_s: float


@flow(name="ingest", log_prints=False)
def ingest(config_path: str | None = None, db_path: str | None = None) -> CycleSummary:
    """One cycle over every enabled source in the config."""
    started = datetime.now(UTC)
    cycle_id = f"{started:%Y%m%dT%H%M%SZ}-{uuid4().hex[:6]}"
    config = load_config(config_path)
    classifier = Classifier.load(config.catalog_files)
    rules = resolve_rules(config.rules, classifier, config.rule_lines, str(config.path))
    channels = build_channels(config.channels)
    warehouse_path = Path(db_path) if db_path else default_path()
    sources = config.enabled_sources

    state = load_state(warehouse_path, sources)
    results = fetch(state.due, config.base_dir, state, config.limits, config.fetch_workers)
    articles = split_and_classify(results, classifier)
    stored = store(warehouse_path, cycle_id, sources, results, articles, rules, state,
                   config.source_failures, [channel.label for channel in channels])
    delivered = deliver(warehouse_path, channels, config.max_attempts)

    return CycleSummary(cycle_id, results, len(sources) - len(state.due), stored, delivered,
                        (datetime.now(UTC) - started).total_seconds())
