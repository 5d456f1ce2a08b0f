"""The ingest cycle: fetch every source, split and classify, store, alert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from prefect import flow

from alerts.channels import Channel, build_channels
from alerts.deliver import DeliveryReport
from alerts.rules import ResolvedRule, resolve_rules
from newsmon.config import Config, load_config
from tasks.classify import Classifier
from tasks.events import cycle_events
from tasks.pipeline import (
    announce,
    deliver,
    fetch,
    load_state,
    split_and_classify,
    store,
    warehouse_turn,
)
from tasks.sources import FetchResult
from warehouse import StoreReport, default_path
from warehouse.label_key import label_key


@dataclass(frozen=True)
class CycleSummary:
    cycle_id: str
    results: list[FetchResult]
    not_due: int  # enabled sources skipped because their interval has not passed
    stored: StoreReport
    delivered: DeliveryReport
    elapsed_s: float


@dataclass(frozen=True)
class CyclePlan:
    """What a cycle needs from its config, every part of it validated."""

    config: Config
    classifier: Classifier
    rules: list[ResolvedRule]
    channels: list[Channel]
    warehouse_path: Path


def plan_cycle(config_path: str | None = None, db_path: str | None = None) -> CyclePlan:
    """Load and check the config, catalog, rules and channels. Raises ConfigError, naming
    the file and line, before anything is fetched; callers run it first to fail fast."""
    config = load_config(config_path)
    classifier = Classifier.load(config.catalog_files)
    rules = resolve_rules(config.rules, classifier, config.rule_lines, str(config.path))
    warehouse_path = Path(db_path) if db_path else default_path()
    channels = build_channels(config.channels, key=label_key(warehouse_path))
    return CyclePlan(config, classifier, rules, channels, warehouse_path)


@flow(name="ingest", log_prints=False, persist_result=False)
def ingest(config_path: str | None = None, db_path: str | None = None,
           deliver_alerts: bool = True) -> CycleSummary:
    """One cycle over every enabled source in the config. Under `newsmon serve` alerts are
    left to the deliver-alerts flow, which the cycle's newsmon.alerts.queued event starts."""
    started = datetime.now(UTC)
    cycle_id = f"{started:%Y%m%dT%H%M%SZ}-{uuid4().hex[:6]}"
    plan = plan_cycle(config_path, db_path)
    config, sources = plan.config, plan.config.polled_sources

    with warehouse_turn():  # for the whole cycle: bounded by the fetch budget
        state = load_state(plan.warehouse_path, sources)
        results = fetch(state.due, config.base_dir, state, config.limits, config.fetch_workers,
                        config.fetch_budget_s)
        articles = split_and_classify(results, plan.classifier)
        stored = store(plan.warehouse_path, cycle_id, sources, results, articles, plan.rules,
                       state, config.source_failures, [c.label for c in plan.channels])
        delivered = (deliver(plan.warehouse_path, plan.channels, config.max_attempts)
                     if deliver_alerts else DeliveryReport())
    announce(cycle_events(cycle_id, results, state.streaks, articles, stored))

    return CycleSummary(cycle_id, results, len(sources) - len(state.due), stored, delivered,
                        (datetime.now(UTC) - started).total_seconds())
