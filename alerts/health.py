"""Source-health alerts: one when a source has failed N cycles in a row, one when it recovers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from tasks.records import AlertIntent, Streak
from tasks.sources import FetchResult, SourceConfig

RULE = "source-health"


def health_intents(results: Sequence[FetchResult], streaks: Mapping[str, Streak],
                   sources: Mapping[str, SourceConfig], threshold: int,
                   cycle_id: str) -> list[AlertIntent]:
    """Alerts owed this cycle. `streaks` are the failures before this cycle. Each outage is
    keyed by the cycle it began in, so it alerts once however many cycles it lasts."""
    if threshold <= 0:
        return []
    intents = []
    for result in results:
        before = streaks.get(result.source_id)
        label = sources[result.source_id].label if result.source_id in sources else result.source_id
        if result.status == "failed":
            failures = (before.failures if before else 0) + 1
            if failures == threshold:
                since = before.since_cycle if before else cycle_id
                intents.append(_intent(result.source_id, "down", since,
                                       f"【源失效】{label}",
                                       f"来源 {result.source_id} 已连续 {failures} 次抓取失败。\n"
                                       f"最近错误：{result.reason}"))
        elif before and before.failures >= threshold:
            intents.append(_intent(result.source_id, "recovered", before.since_cycle,
                                   f"【源恢复】{label}",
                                   f"来源 {result.source_id} 在连续 {before.failures} 次失败后"
                                   f"恢复正常，本轮抓取 {len(result.documents)} 条。"))
    return intents


def _intent(source_id: str, event: str, since: str, title: str, body: str) -> AlertIntent:
    key = hashlib.sha256(f"{RULE}\x1f{source_id}\x1f{event}\x1f{since}".encode()).hexdigest()[:24]
    return AlertIntent(key, "source_health", RULE, title, body, source_id=source_id)
