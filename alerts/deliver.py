"""Send what is owed. Every attempt is recorded right after it is made; a failure stays owed,
with a backoff, until it is sent or goes dead.

- A channel that is down (refused, timed out, 5xx) gets one try per delivery; its other alerts
  wait, and the channel as a whole waits out the failed alert's backoff.
- A message the channel rejects (4xx) is that alert's own failure: the alerts behind it go on,
  and it goes dead after `REJECTED_ATTEMPTS` tries instead of `max_attempts`.
- An alert that goes dead is said so on another channel that works, and stays listed
  (`newsmon alerts list --status dead`) until `newsmon alerts retry` revives it.
- Owed alerts follow their channel's label: its name when it has one, so a rotated token or
  a new URL takes them along. Alerts owed on a label no channel has any more are reported.

The crash window: an alert is marked sent only after its channel accepted it. A crash between
the two (the channel's answer received, the mark not yet written) sends it again on the next
delivery: newsmon chooses at-least-once over losing an alert.
"""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from alerts.channels import Channel
from alerts.render import Message
from newsmon.errors import DeliveryError
from tasks.records import PendingAlert
from warehouse import Warehouse

RETRY_BASE_S = 60.0  # the wait after a first failure; it doubles with each further one
RETRY_CAP_S = 6 * 3600.0
REJECTED_ATTEMPTS = 3  # a message a channel refuses (4xx) is dead after this many tries


@dataclass(frozen=True)
class DeliveryOutcome:
    """One send attempt: the alert (with its channel) and how it went."""

    alert: PendingAlert
    error: str | None = None  # None: sent
    dead: bool = False  # the attempt was its last


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0  # left owed untried because their channel was down this delivery
    dead: int = 0
    stranded: list[tuple[str, int]] = field(default_factory=list)  # owed on unknown channels
    errors: list[str] = field(default_factory=list)
    outcomes: list[DeliveryOutcome] = field(default_factory=list)


def retry_delay(failures: int, rng: random.Random) -> timedelta:
    """How long an alert waits after its `failures`-th failed attempt: 1, 2, 4, ... minutes,
    at most 6 hours, each ±20% so alerts that failed together do not retry together."""
    seconds = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** (failures - 1))
    return timedelta(seconds=seconds * rng.uniform(0.8, 1.2))


def deliver_pending(warehouse: Warehouse, channels: Sequence[Channel], max_attempts: int,
                    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                    rng: random.Random | None = None) -> DeliveryReport:
    """Try every alert that is due once on its channel and record each outcome right after
    the attempt, so a crash between two sends loses nothing and repeats nothing recorded.
    Channels are served side by side: one that hangs until its timeout delays only itself."""
    rng = rng or random.Random()
    by_label = {channel.label: channel for channel in channels}
    for channel in channels:  # queued before the channel had its name: now under the name
        unnamed = getattr(channel, "url_label", channel.label)
        if unnamed != channel.label:
            warehouse.move_owed(unnamed, channel.label)
    report = DeliveryReport(stranded=warehouse.owed_elsewhere(list(by_label)))
    queues: dict[str, list[PendingAlert]] = defaultdict(list)
    for alert in warehouse.pending_alerts(list(by_label), clock()):
        queues[alert.channel].append(alert)
    lock = threading.Lock()  # one warehouse connection, one report: a write at a time
    down: set[str] = set()

    def serve_channel(channel: Channel, alerts: list[PendingAlert]) -> None:
        for position, alert in enumerate(alerts):
            try:
                channel.send(Message(alert.title, alert.body))
            except DeliveryError as exc:
                with lock:
                    _record_failure(warehouse, report, alert, exc, max_attempts, clock(), rng)
                    if not exc.rejected:  # down: its other alerts wait with it
                        down.add(channel.label)
                        report.deferred += len(alerts) - position - 1
                        return
                continue
            with lock:
                warehouse.record_sent(alert.dedup_key, alert.channel, clock())
                report.sent += 1
                report.outcomes.append(DeliveryOutcome(alert))

    if queues:
        with ThreadPoolExecutor(max_workers=min(8, len(queues)),
                                thread_name_prefix="deliver") as pool:
            for future in [pool.submit(serve_channel, by_label[label], alerts)
                           for label, alerts in queues.items()]:
                future.result()
    _tell_of_dead(report, [c for c in channels if c.label not in down])
    return report


def _record_failure(warehouse: Warehouse, report: DeliveryReport, alert: PendingAlert,
                    exc: DeliveryError, max_attempts: int, now: datetime,
                    rng: random.Random) -> None:
    failures = alert.attempts + 1
    dead = failures >= (min(REJECTED_ATTEMPTS, max_attempts) if exc.rejected else max_attempts)
    warehouse.record_failure(alert.dedup_key, alert.channel, error=str(exc),
                             kind="rejected" if exc.rejected else "down",
                             retry_at=None if dead else now + retry_delay(failures, rng), now=now)
    report.failed += 1
    report.dead += dead
    report.errors.append(str(exc))
    report.outcomes.append(DeliveryOutcome(alert, str(exc), dead))


def _tell_of_dead(report: DeliveryReport, working: Sequence[Channel]) -> None:
    """Say on another channel (the first that takes it) that an alert went dead: once, as it
    happens. Best effort: the dead alert stays listed whatever becomes of the notice."""
    for outcome in (o for o in report.outcomes if o.dead):
        notice = Message(
            "newsmon：一条提醒无法送达",
            f"提醒「{outcome.alert.title}」在 {outcome.alert.channel} 上已放弃重试：{outcome.error}\n"
            f"重新发送：newsmon alerts retry {outcome.alert.dedup_key[:12]}")
        for channel in working:
            if channel.label == outcome.alert.channel:
                continue
            try:
                channel.send(notice)
                break
            except DeliveryError as exc:
                report.errors.append(f"notice of a dead alert: {exc}")
