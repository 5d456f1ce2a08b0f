"""What a rule would have sent on stored history, day by day, without sending: the same
matching a cycle does, one alert per (rule, company, story), then the rule's timing and the
hourly cap turned into messages. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from alerts.rules import ResolvedRule, alert_intents
from alerts.schedule import in_window, next_slot, window_end
from tasks.records import AlertIntent, Article


@dataclass
class Day:
    day: date
    alerts: int = 0
    messages: int = 0  # digests, or instant messages within the hourly cap (+1 per summary)
    held: int = 0  # alerts that quiet hours would have held
    companies: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class Backtest:
    rule: ResolvedRule
    articles: int
    days: list[Day]
    recent: list[tuple[datetime, AlertIntent]]  # the last alerts it would have sent

    @property
    def alerts(self) -> int:
        return sum(d.alerts for d in self.days)


def backtest(articles: Sequence[Article], stories: Mapping[str, str], rule: ResolvedRule,
             tz: tzinfo, max_per_hour: int = 0, recent: int = 10) -> Backtest:
    """Replay `rule` on `articles` (oldest first; `stories` maps article_id to story_id), as
    if each had been stored when it was fetched. Messages are counted on the day they would
    have gone out: a digest at its slot, what quiet hours held when they end, instant alerts
    within `max_per_hour` each clock hour (a burst over it: the cap, its last one a summary)."""
    fetched = {a.article_id: a.fetched_at for a in articles}
    owed: dict[str, AlertIntent] = {}  # a story alerts once, when first seen
    for intent in alert_intents(articles, [rule], stories):
        owed.setdefault(intent.dedup_key, intent)
    timed = sorted(((fetched[i.article_id or ""], i) for i in owed.values()),
                   key=lambda pair: pair[0])
    days: dict[date, Day] = {}

    def on(moment: datetime) -> Day:
        local = moment.astimezone(tz).date()
        return days.setdefault(local, Day(local))

    folds: set[datetime] = set()  # the digests and quiet-hour releases, by when they go out
    per_hour: Counter[datetime] = Counter()
    for at, intent in timed:
        day = on(at)
        day.alerts += 1
        day.companies[intent.company or ""] += 1
        if rule.timing.digest_at:
            folds.add(next_slot(at, rule.timing.digest_at, tz))
        elif rule.timing.quiet and in_window(at, rule.timing.quiet, tz):
            day.held += 1
            folds.add(window_end(at, rule.timing.quiet, tz))
        else:
            per_hour[at.astimezone(tz).replace(minute=0, second=0, microsecond=0)] += 1
    for moment in folds:
        on(moment).messages += 1
    for hour, count in per_hour.items():
        on(hour).messages += min(count, max_per_hour) if max_per_hour else count
    return Backtest(rule, len(articles), sorted(days.values(), key=lambda d: d.day),
                    timed[-recent:] if recent else [])
