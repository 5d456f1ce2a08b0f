"""Which messages a channel is sent now, from the alerts it is owed: one per instant alert;
one digest per rule at its local times; one message for what quiet hours held, when they
end; and past the channel's hourly cap, one summary of the rest instead of a flood. Nothing
is dropped: what is not sent now stays owed. Pure."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from alerts.render import Message, render_alert, render_fold, render_plain
from alerts.schedule import Timing, in_window, last_slot
from tasks.records import AlertView, PendingAlert


@dataclass(frozen=True)
class Send:
    """One message to send: a single alert, or several folded into one."""

    alerts: tuple[PendingAlert, ...]
    kind: str = "single"  # single | digest | quiet | burst
    title: str = ""
    intro: str = ""

    @property
    def message_id(self) -> str:
        if self.kind == "single":
            return self.alerts[0].dedup_key
        keys = "\x1f".join(sorted(a.dedup_key for a in self.alerts))
        return f"{self.kind}-" + hashlib.sha256(keys.encode()).hexdigest()[:20]

    def render(self, fmt: str) -> Message:
        if self.kind != "single":
            return render_fold(self.title, self.intro, [view_of(a) for a in self.alerts], fmt)
        alert = self.alerts[0]
        return (render_alert(alert.view, fmt) if alert.view
                else render_plain(alert.title, alert.body, fmt))


def view_of(alert: PendingAlert) -> AlertView:
    return alert.view or AlertView(company=alert.company or "newsmon", alias="",
                                   title=alert.title, url="", source="", rule=alert.rule)


def plan_sends(alerts: Sequence[PendingAlert], timings: Mapping[str, Timing], tz: tzinfo,
               now: datetime, room: int | None = None) -> list[Send]:
    """The messages to send `now` for `alerts` (one channel's, oldest first). `room`: how
    many more messages the channel may take this hour (None: no cap). Digests, the message
    after quiet hours and source-health alerts always go; instant alerts beyond the room
    are folded into one summary, and wait for the next hour when there is no room at all."""
    singles: list[PendingAlert] = []
    always: list[Send] = []
    digests: dict[str, list[PendingAlert]] = {}
    quiet: list[PendingAlert] = []
    for alert in alerts:
        timing = timings.get(alert.rule, Timing())
        if alert.kind != "article":
            always.append(Send((alert,)))
        elif timing.digest_at:
            slot = last_slot(now, timing.digest_at, tz)
            if slot is not None and alert.created_at < slot:
                digests.setdefault(alert.rule, []).append(alert)
        elif timing.quiet and in_window(now, timing.quiet, tz):
            continue  # held until quiet ends
        elif timing.quiet and in_window(alert.created_at, timing.quiet, tz):
            quiet.append(alert)
        else:
            singles.append(alert)
    for rule, held in digests.items():
        slot = last_slot(now, timings[rule].digest_at, tz)
        assert slot is not None
        always.append(Send(tuple(held), "digest", f"【{rule} 摘要】{len(held)} 条 · "
                           f"{slot.astimezone(tz):%m-%d %H:%M}",
                           f"{_counts(held)}（规则 {rule}，截至 {slot.astimezone(tz):%H:%M}）"))
    if quiet:
        always.append(Send(tuple(quiet), "quiet", f"【安静时段】{len(quiet)} 条提醒",
                           f"安静时段内的 {len(quiet)} 条提醒：{_counts(quiet)}"))
    if room is None or len(singles) <= room:
        return always + [Send((a,)) for a in singles]
    if room <= 0:
        return always
    kept, rest = singles[:room - 1], singles[room - 1:]
    burst = Send(tuple(rest), "burst", f"【另有 {len(rest)} 条】{_counts(rest)}",
                 f"本小时的提醒已达上限，另有 {len(rest)} 条合为一条：{_counts(rest)}")
    return always + [Send((a,)) for a in kept] + [burst]


def _counts(alerts: Sequence[PendingAlert], shown: int = 5) -> str:
    """MiniMax 12 条、智谱 3 条 — the companies most alerted first, the first `shown` of them."""
    counted = Counter(view_of(a).company for a in alerts).most_common()
    named = "、".join(f"{company} {n} 条" for company, n in counted[:shown])
    return named + (f" 等 {len(counted)} 家" if len(counted) > shown else "")
