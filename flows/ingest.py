"""The ingest cycle: fetch every source, split and classify, store, alert."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from prefect import flow, get_run_logger
from prefect.states import Failed

from alerts.deliver import DeliveryReport
from flows.lifetime import end_with_service
from newsmon.errors import ConfigError
from tasks.events import cycle_events
from tasks.pipeline import (
    announce,
    cycle_write,
    deliver,
    fetch,
    load_state,
    split_and_classify,
    store,
    warehouse_turn,
)
from tasks.plan import plan_cycle
from tasks.records import StoreReport
from tasks.sources import FetchResult


@dataclass(frozen=True)
class CycleSummary:
    cycle_id: str
    results: list[FetchResult]
    not_due: int  # enabled sources skipped because their interval has not passed
    stored: StoreReport
    delivered: DeliveryReport
    elapsed_s: float

    def line(self) -> str:
        """The cycle in one line, as `newsmon serve` logs it."""
        failed = [r.source_id for r in self.results if r.status == "failed"]
        return (f"newsmon cycle {self.cycle_id}: {len(self.results)} sources read"
                + (f", {self.not_due} not due" if self.not_due else "")
                + (f", failed: {', '.join(failed)}" if failed else "")
                + f"; {self.stored.new_articles} new articles, {self.stored.alerts_queued} "
                f"alerts queued; {self.elapsed_s:.1f} s")


def config_failed(exc: ConfigError) -> Any:
    """What a flow returns when its config is wrong (edited while `newsmon serve` runs): the
    run ends Failed with the error's one line (file:line: what), logged once at ERROR, with
    no traceback. A direct call of the flow (`newsmon run`) raises `exc` itself."""
    get_run_logger().error("%s", exc)
    # Typed Any: Prefect makes this state the run's end; the flow's callers never receive it.
    return Failed(message=str(exc), data=exc)


# A run serve starts is a fresh process that imports this module first of all: it watches
# serve from here on, before its first call to the API (which, serve gone, would retry for
# minutes).
end_with_service()


@flow(name="ingest", log_prints=False, persist_result=False)
def ingest(config_path: str | None = None, db_path: str | None = None,
           deliver_alerts: bool = True, summary_line: bool = False) -> CycleSummary:
    """One cycle over every enabled source in the config. Under `newsmon serve` alerts are
    left to the deliver-alerts flow, which the cycle's newsmon.alerts.queued event starts,
    and the cycle ends with its `summary_line` on stderr."""
    started = datetime.now(UTC)
    cycle_id = f"{started:%Y%m%dT%H%M%SZ}-{uuid4().hex[:6]}"
    try:
        plan = plan_cycle(config_path, db_path)
    except ConfigError as exc:
        return config_failed(exc)
    config, sources = plan.config, plan.config.polled_sources

    with warehouse_turn():  # for the whole cycle: bounded by the fetch budget
        state = load_state(plan.warehouse_path, sources)
        results = fetch(state.due, config.base_dir, state, config.limits, config.fetch_workers,
                        config.fetch_budget_s)
        articles = split_and_classify(results, plan.classifier)
        stored = store(plan.warehouse_path,
                       cycle_write(plan, cycle_id, results, articles, state.streaks), plan.rules)
        delivered = (deliver(plan.warehouse_path, plan.channels, plan.policy)
                     if deliver_alerts else DeliveryReport())
    announce(cycle_events(cycle_id, results, state.streaks, articles, stored))

    summary = CycleSummary(cycle_id, results, len(sources) - len(state.due), stored, delivered,
                           (datetime.now(UTC) - started).total_seconds())
    if summary_line:
        print(summary.line(), file=sys.stderr, flush=True)
    return summary
