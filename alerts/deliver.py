"""Send what is owed. Every attempt is recorded right after it is made; a failure stays owed,
with a backoff, until it is sent or goes dead.

- A channel that is down (refused, timed out, 5xx) gets one try per delivery; its other alerts
  wait, and the channel as a whole waits out the failed alert's backoff.
- A message the channel rejects (4xx) is that alert's own failure: the alerts behind it go on,
  and it goes dead after `REJECTED_ATTEMPTS` tries instead of `max_attempts`.
- An alert that goes dead is said so on another channel that works, and stays listed
  (`newsmon alerts list --status dead`) until `newsmon alerts retry` revives it.
- What a channel is sent is planned by `alerts.fold`: digests at their local times, what
  quiet hours held when they end, and one summary past the channel's hourly cap. A message
  carrying several alerts succeeds or fails for all of them.
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
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from alerts.channels import Channel
from alerts.fold import Send, plan_sends
from alerts.render import render_plain
from alerts.schedule import Timing
from newsmon.errors import DeliveryError
from tasks.records import PendingAlert
from warehouse import Warehouse

RETRY_BASE_S = 60.0  # the wait after a first failure; it doubles with each further one
RETRY_CAP_S = 6 * 3600.0
REJECTED_ATTEMPTS = 3  # a message a channel refuses (4xx) is dead after this many tries


@dataclass(frozen=True)
class Policy:
    """How alerts are delivered: attempts before giving up, each rule's timing (digest times,
    quiet hours) and the time zone those are in."""

    max_attempts: int = 10
    timings: Mapping[str, Timing] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"


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
    messages: int = 0  # a digest or summary carries several alerts in one
    stranded: list[tuple[str, int]] = field(default_factory=list)  # owed on unknown channels
    errors: list[str] = field(default_factory=list)
    outcomes: list[DeliveryOutcome] = field(default_factory=list)


def retry_delay(failures: int, rng: random.Random) -> timedelta:
    """How long an alert waits after its `failures`-th failed attempt: 1, 2, 4, ... minutes,
    at most 6 hours, each ±20% so alerts that failed together do not retry together."""
    seconds = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** (failures - 1))
    return timedelta(seconds=seconds * rng.uniform(0.8, 1.2))


def deliver_pending(warehouse: Warehouse, channels: Sequence[Channel],
                    policy: Policy = Policy(),
                    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                    rng: random.Random | None = None) -> DeliveryReport:
    """Send what is due on every channel and record each outcome right after the attempt,
    so a crash between two sends loses nothing and repeats nothing recorded. Channels are
    served side by side: one that hangs until its timeout delays only itself."""
    rng = rng or random.Random()
    tz = ZoneInfo(policy.timezone)
    by_label = {channel.label: channel for channel in channels}
    for channel in channels:  # queued before the channel had its name: now under the name
        unnamed = getattr(channel, "url_label", channel.label)
        if unnamed != channel.label:
            warehouse.move_owed(unnamed, channel.label)
    report = DeliveryReport(stranded=warehouse.owed_elsewhere(list(by_label)))
    now = clock()
    queues: dict[str, list[PendingAlert]] = defaultdict(list)
    for alert in warehouse.pending_alerts(list(by_label), now):
        queues[alert.channel].append(alert)
    plans: dict[str, list[Send]] = {}
    for label, alerts in queues.items():
        cap = by_label[label].max_per_hour
        room = (None if not cap else
                cap - warehouse.messages_sent(label, now - timedelta(hours=1)))
        plans[label] = plan_sends(alerts, policy.timings, tz, now, room)
    lock = threading.Lock()  # one warehouse connection, one report: a write at a time
    down: set[str] = set()

    def serve_channel(channel: Channel, sends: list[Send]) -> None:
        for position, send in enumerate(sends):
            try:
                channel.send(send.render(channel.format))
            except DeliveryError as exc:
                with lock:
                    for alert in send.alerts:
                        _record_failure(warehouse, report, alert, exc, policy.max_attempts,
                                        clock(), rng)
                    if not exc.rejected:  # down: its other alerts wait with it
                        down.add(channel.label)
                        report.deferred += sum(len(s.alerts) for s in sends[position + 1:])
                        return
                continue
            with lock:
                sent_at = clock()
                for alert in send.alerts:
                    warehouse.record_sent(alert.dedup_key, alert.channel, sent_at,
                                          send.message_id)
                    report.outcomes.append(DeliveryOutcome(alert))
                report.sent += len(send.alerts)
                report.messages += 1

    if plans:
        with ThreadPoolExecutor(max_workers=min(8, len(plans)),
                                thread_name_prefix="deliver") as pool:
            for future in [pool.submit(serve_channel, by_label[label], sends)
                           for label, sends in plans.items() if sends]:
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
    """Say on another channel (the first that takes it) which alerts went dead: once, as it
    happens, in one message. Best effort: dead alerts stay listed whatever becomes of it."""
    dead = [o for o in report.outcomes if o.dead]
    if not dead:
        return
    lines = [f"{o.alert.dedup_key[:12]}「{o.alert.title}」在 {o.alert.channel} 上已放弃重试："
             f"{o.error}" for o in dead[:10]]
    lines += [f"……共 {len(dead)} 条"] if len(dead) > 10 else []
    again = " ".join(o.alert.dedup_key[:12] for o in dead) if len(dead) <= 3 else "--dead"
    lines.append(f"重新发送：newsmon alerts retry {again}；查看：newsmon alerts list --status dead")
    body = "\n".join(lines)
    failed_on = {o.alert.channel for o in dead}
    for channel in working:
        if channel.label in failed_on:
            continue
        try:
            channel.send(render_plain(f"newsmon：{len(dead)} 条提醒无法送达", body, channel.format))
            break
        except DeliveryError as exc:
            report.errors.append(f"notice of a dead alert: {exc}")
