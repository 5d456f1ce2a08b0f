"""Send the alerts owed: started by the newsmon.alerts.queued event an ingest cycle emits, and
on a schedule as a safety net (a lost event never loses an alert; retries come due)."""

from __future__ import annotations

from prefect import flow

from alerts.deliver import DeliveryReport
from flows.ingest import config_failed
from flows.lifetime import end_with_service
from newsmon.errors import ConfigError
from tasks.events import delivery_events
from tasks.pipeline import announce, deliver, warehouse_turn
from tasks.plan import plan_delivery

# A run serve starts is a fresh process that imports this module first of all: it watches
# serve from here on, before its first call to the API (which, serve gone, would retry for
# minutes).
end_with_service()


@flow(name="deliver-alerts", log_prints=False, persist_result=False)
def deliver_alerts(config_path: str | None = None, db_path: str | None = None) -> DeliveryReport:
    """Every alert still owed, once per channel; newsmon.alert.sent/failed for each."""
    try:
        plan = plan_delivery(config_path, db_path)
    except ConfigError as exc:
        return config_failed(exc)
    with warehouse_turn():
        report = deliver(plan.warehouse_path, plan.channels, plan.policy)
    announce(delivery_events(report.outcomes))
    return report
