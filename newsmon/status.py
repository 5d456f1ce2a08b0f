"""`newsmon status`: what the service is doing, from the Prefect API and the warehouse."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from newsmon.config import Config, load_config
from newsmon.errors import WarehouseError
from newsmon.health import health_table
from tasks.records import PendingAlert
from warehouse import Warehouse, default_path


def read_status(config_path: str | None, db_path: str | None) -> Iterator[str]:
    """Lines to print. The Prefect part needs PREFECT_API_URL (serve prints it)."""
    config = load_config(config_path)
    db = Path(db_path) if db_path else default_path()
    yield from _prefect_lines(os.environ.get("PREFECT_API_URL"))
    try:
        with Warehouse.open(db, read_only=True) as warehouse:
            _, last = warehouse.query("""
                select cycle_id, min(started_at), count(*), count(*) filter (status = 'failed'),
                       sum(new) from fetch_runs where cycle_id not like 'push-%'
                group by cycle_id order by min(started_at) desc limit 1""")
            _, owed = warehouse.query("""
                select count(*) filter (status = 'pending'), count(*) filter (status = 'retrying'),
                       count(*) filter (status = 'dead')
                from alert_deliveries""")
            _, mutes = warehouse.query("select rule, until from rule_mutes where until > now() "
                                       "order by rule")
            held = _held(warehouse, config)
    except WarehouseError as exc:
        yield f"warehouse: {exc}"
        return
    if last:
        cycle, started, sources, failed, new = last[0]
        yield (f"last cycle: {cycle} at {started:%Y-%m-%d %H:%M:%S %Z}: {sources} sources, "
               f"{failed} failed, {new} new articles")
    else:
        yield "last cycle: none yet"
    pending, retrying, dead = owed[0]
    yield (f"alerts owed: {pending} pending"
           + (f" ({held} held for a digest or quiet hours)" if held else "")
           + f", {retrying} retrying after a failure"
           + (f"; {dead} DEAD (newsmon alerts list --status dead)" if dead else ""))
    for rule, until in mutes:
        yield f"rule {rule} muted until {until:%Y-%m-%d %H:%M %Z}"
    failing = [row for row in health_table(config, db) if row.status == "failing"]
    yield (f"sources failing: {', '.join(f'{r.source_id} ({r.failures}x: {r.last_error})' for r in failing)}"
           if failing else "sources failing: none")


def _held(warehouse: Warehouse, config: Config) -> int:
    """Pending alerts the rules' timing holds now (a digest not yet due, quiet hours)."""
    from zoneinfo import ZoneInfo

    from alerts.fold import plan_sends

    now = datetime.now(UTC)
    _, rows = warehouse.query("select distinct channel from alert_deliveries "
                              "where status = 'pending'")
    pending = [a for a in warehouse.pending_alerts([c for (c,) in rows], now)
               if a.attempts == 0]
    timings = {rule.name: rule.timing(config.quiet_hours) for rule in config.rules}
    tz = ZoneInfo(config.service.timezone)
    by_channel: dict[str, list[PendingAlert]] = {}
    for alert in pending:
        by_channel.setdefault(alert.channel, []).append(alert)
    due = sum(len(send.alerts) for alerts in by_channel.values()
              for send in plan_sends(alerts, timings, tz, now))
    return len(pending) - due


def _prefect_lines(api_url: str | None) -> Iterator[str]:
    import httpx

    if not api_url:
        yield "prefect: PREFECT_API_URL is not set (newsmon serve prints the URL it uses)"
        return
    try:
        deployments = httpx.post(f"{api_url}/deployments/filter", json={}, timeout=5).json()
        yield f"prefect: {api_url} (UI {api_url.removesuffix('/api')})"
        for deployment in deployments:
            upcoming = httpx.post(f"{api_url}/flow_runs/filter", timeout=5, json={
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}},
                              "expected_start_time": {"after_": datetime.now(UTC).isoformat()}},
                "deployments": {"id": {"any_": [deployment["id"]]}},
                "sort": "EXPECTED_START_TIME_ASC", "limit": 1}).json()
            when = upcoming[0]["expected_start_time"] if upcoming else "none scheduled"
            yield f"  deployment {deployment['name']}: next run {when}"
    except httpx.HTTPError as exc:
        yield f"prefect: {api_url} does not answer ({type(exc).__name__})"
