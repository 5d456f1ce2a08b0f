"""Send what is owed. Every attempt is recorded; a failure stays owed for the next cycle."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from alerts.channels import Channel
from alerts.render import Message
from newsmon.errors import DeliveryError
from tasks.records import PendingAlert
from warehouse import Warehouse


@dataclass(frozen=True)
class DeliveryOutcome:
    """One send attempt: the alert (with its channel) and how it went."""

    alert: PendingAlert
    error: str | None = None  # None: sent


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0  # left owed untried because their channel already failed this cycle
    errors: list[str] = field(default_factory=list)
    outcomes: list[DeliveryOutcome] = field(default_factory=list)


def deliver_pending(warehouse: Warehouse, channels: Sequence[Channel], max_attempts: int,
                    clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> DeliveryReport:
    """Try every owed alert once on its channel and record the outcome right after the attempt,
    so a crash between two sends loses nothing and repeats nothing already recorded as sent."""
    by_label = {channel.label: channel for channel in channels}
    report = DeliveryReport()
    down: set[str] = set()
    for alert in warehouse.pending_alerts(list(by_label), max_attempts):
        if alert.channel in down:  # one timeout per dead channel per cycle, not one per alert
            report.deferred += 1
            continue
        message = Message(alert.title, alert.body)
        try:
            by_label[alert.channel].send(message)
        except DeliveryError as exc:
            warehouse.record_delivery(alert.dedup_key, alert.channel, ok=False, error=str(exc),
                                      now=clock())
            down.add(alert.channel)
            report.failed += 1
            report.errors.append(str(exc))
            report.outcomes.append(DeliveryOutcome(alert, str(exc)))
            continue
        warehouse.record_delivery(alert.dedup_key, alert.channel, ok=True, error=None, now=clock())
        report.sent += 1
        report.outcomes.append(DeliveryOutcome(alert))
    return report
