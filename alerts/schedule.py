"""When a rule's alerts may go out: at once, at a digest's local times, or after quiet hours.
Decided at delivery time from the config as it is then, so changing `at` or `quiet_hours`
takes effect on what is already owed. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Timing:
    digest_at: tuple[time, ...] = ()  # local times of a digest; empty: instant
    quiet: tuple[time, time] | None = None  # [start, end) local; may wrap midnight


def parse_clock(text: str) -> time:
    found = _CLOCK.match(text.strip())
    if not found:
        raise ValueError(f"not a time of day: {text!r} (use HH:MM, e.g. 09:00)")
    return time(int(found.group(1)), int(found.group(2)))


def parse_window(text: str) -> tuple[time, time]:
    """"23:00-08:00" as (start, end)."""
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"not a time window: {text!r} (use HH:MM-HH:MM, e.g. 23:00-08:00)")
    window = parse_clock(start), parse_clock(end)
    if window[0] == window[1]:
        raise ValueError(f"quiet hours {text!r} start and end at the same time")
    return window


def in_window(moment: datetime, window: tuple[time, time], tz: tzinfo) -> bool:
    """Whether `moment` falls within the local-time window [start, end)."""
    start, end = window
    local = moment.astimezone(tz).time()
    return start <= local < end if start < end else local >= start or local < end


def last_slot(now: datetime, times: tuple[time, ...], tz: tzinfo) -> datetime | None:
    """The latest of the local `times` (on any day) at or before `now`."""
    today = now.astimezone(tz).date()
    slots = [datetime.combine(today - timedelta(days=back), t, tz)
             for back in (0, 1) for t in times]
    return max((s for s in slots if s <= now), default=None)


def next_slot(after: datetime, times: tuple[time, ...], tz: tzinfo) -> datetime:
    """The first of the local `times` (on any day) after `after`."""
    today = after.astimezone(tz).date()
    return min(s for s in (datetime.combine(today + timedelta(days=ahead), t, tz)
                           for ahead in (0, 1) for t in times) if s > after)


def window_end(now: datetime, window: tuple[time, time], tz: tzinfo) -> datetime:
    """When the quiet window `now` falls in (or the next one) ends."""
    local = now.astimezone(tz)
    end = datetime.combine(local.date(), window[1], tz)
    return end if end > now else end + timedelta(days=1)
