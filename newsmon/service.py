"""`newsmon serve`: newsmon as a long-running Prefect service.

What runs: a Prefect server of our own on 127.0.0.1 (unless PREFECT_API_URL names one), its
UI included, in a thread of this process; two deployments served from this process by
Prefect's runner, each flow run in a subprocess of it —

- `ingest/ingest` on an interval or cron, which stores the cycle's articles and alerts and
  emits `newsmon.*` events;
- `deliver-alerts/deliver-alerts`, started by the `newsmon.alerts.queued` event, with a short
  schedule as a safety net that also serves retries;

and, when the config has `kind: push` sources, an HTTP receiver whose posts go through the
same split → classify → store → alert path at once. Every warehouse write holds the Prefect
global concurrency limit `newsmon-warehouse` (limit 1), which serve creates: runs that overlap
take turns, as under a deployment concurrency limit of 1 with the "enqueue" strategy. (Such a
limit is not used: with Prefect 3.8.8 an ingest run killed with serve keeps the deployment's
slot, so after a restart every ingest run waits for it, for good; crashing the run, forced or
not, does not free it.)
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsmon.errors import NewsmonError

if TYPE_CHECKING:
    from tasks.plan import CyclePlan

INGEST = "ingest/ingest"
DELIVER = "deliver-alerts/deliver-alerts"
QUEUED_EVENT = "newsmon.alerts.queued"
ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)
RETENTION_S = 7 * 24 * 3600  # flow runs, events and result files older than this are deleted
MAX_RESULT_FILES = 500
PRUNE_EVERY_S = 3600


def service_environment(warehouse_path: Path, ui_port: int,
                        environ: Mapping[str, str]) -> dict[str, str]:
    """Settings for Prefect under serve, to apply before prefect is imported (it reads them
    once, then): the API (PREFECT_API_URL, else our own server's), its state beside the
    warehouse, quick runner polls, quiet logs, no analytics, no result files."""
    prefect_home = Path(environ.get("PREFECT_HOME") or warehouse_path.parent / "prefect")
    return {
        "PREFECT_API_URL": environ.get("PREFECT_API_URL") or f"http://127.0.0.1:{ui_port}/api",
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_RUNNER_POLL_FREQUENCY": environ.get("PREFECT_RUNNER_POLL_FREQUENCY", "1"),
        # retries of a busy server come sooner (its Retry-After), so allow more of them
        "PREFECT_CLIENT_MAX_RETRIES": environ.get("PREFECT_CLIENT_MAX_RETRIES", "10"),
        "PREFECT_LOGGING_LEVEL": environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
        "PREFECT_SERVER_LOGGING_LEVEL": environ.get("PREFECT_SERVER_LOGGING_LEVEL", "WARNING"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        "PREFECT_SERVER_EVENTS_RETENTION_PERIOD": environ.get(
            "PREFECT_SERVER_EVENTS_RETENTION_PERIOD", "P7D"),
        # flow runs (with their task runs and logs) older than the retention are deleted
        "PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED": environ.get(
            "PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED", "events,flow_runs"),
        "PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD": environ.get(
            "PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD", str(RETENTION_S)),
        "PREFECT_RESULTS_LOCAL_STORAGE_PATH": environ.get(
            "PREFECT_RESULTS_LOCAL_STORAGE_PATH", str(prefect_home / "storage")),
    }


def prune_results(storage: Path, now: float, max_age_s: float = RETENTION_S,
                  keep: int = MAX_RESULT_FILES) -> int:
    """Delete Prefect's result files (a failed run always writes its exception there, whatever
    the persistence setting) older than `max_age_s`, and the oldest past the newest `keep`.
    Returns how many went."""
    if not storage.is_dir():
        return 0
    files = sorted((p for p in storage.iterdir() if p.is_file()),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    doomed = [p for i, p in enumerate(files) if i >= keep or now - p.stat().st_mtime > max_age_s]
    for path in doomed:
        path.unlink(missing_ok=True)
    return len(doomed)


@dataclass(frozen=True)
class Started:
    """What serve reports once it is up."""

    api_url: str
    ui_url: str
    push_url: str | None
    ingest: str


@contextmanager
def prefect_server_for_service(api_url: str, own: bool, ui_port: int) -> Iterator[str]:
    """The API serve uses: a server of our own with its UI on `ui_port` when `own`, stopped
    when the block ends; else the one at `api_url`, checked healthy."""
    import httpx

    from newsmon.prefect_server import ServiceServer

    if not own:
        try:
            healthy = httpx.get(f"{api_url.rstrip('/')}/health", timeout=5).status_code == 200
        except httpx.HTTPError as exc:
            raise NewsmonError(f"PREFECT_API_URL={api_url} does not answer ({exc}); start "
                               f"that server, or unset PREFECT_API_URL and newsmon serve will "
                               f"start its own") from None
        if not healthy:
            raise NewsmonError(f"PREFECT_API_URL={api_url} is not healthy")
        yield api_url
        return
    server = ServiceServer(ui_port)
    try:
        yield server.start()
    finally:
        server.stop()


def deployments(plan: CyclePlan) -> list[Any]:
    """The deployments serve runs, with their schedules and triggers."""
    from prefect.events import DeploymentEventTrigger
    from prefect.schedules import Cron, Interval

    from flows.deliver import deliver_alerts
    from flows.ingest import ingest

    settings = plan.config.service
    paths = {"config_path": str(plan.config.path), "db_path": str(plan.warehouse_path)}
    # A fixed anchor, so a restart neither moves the slots nor runs an extra cycle; serve
    # starts the first cycle itself.
    schedule = (Cron(settings.ingest_cron, timezone=settings.timezone) if settings.ingest_cron
                else Interval(timedelta(seconds=settings.ingest_every), anchor_date=ANCHOR))
    # deliveries at each digest's times and as quiet hours end, on the minute
    moments = sorted({t for r in plan.rules for t in r.timing.digest_at} |
                     {r.timing.quiet[1] for r in plan.rules if r.timing.quiet})
    on_time = [Cron(f"{t.minute} {t.hour} * * *", timezone=settings.timezone) for t in moments]
    return [
        ingest.to_deployment(
            name="ingest", schedules=[schedule],
            parameters={**paths, "deliver_alerts": False, "summary_line": True},
            description="Fetch every due source, classify, store; queue alerts."),
        deliver_alerts.to_deployment(
            name="deliver-alerts", parameters=paths,
            schedules=[Interval(timedelta(seconds=settings.deliver_every), anchor_date=ANCHOR),
                       *on_time],
            triggers=[DeploymentEventTrigger(name="alerts queued", expect={QUEUED_EVENT})],
            description="Send the alerts owed; started by newsmon.alerts.queued."),
    ]


def mark_stale_runs_crashed(deployment_ids: list[Any]) -> int:
    """Flow runs of these deployments left RUNNING or PENDING by a serve that was killed are
    marked Crashed, so the UI tells the truth and concurrency slots are freed."""
    from prefect import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Crashed

    with get_client(sync_client=True) as client:
        stale = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
                any_=[StateType.RUNNING, StateType.PENDING, StateType.CANCELLING]))),
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=deployment_ids)))
        for run in stale:
            client.set_flow_run_state(run.id, Crashed(message="newsmon serve stopped while "
                                                              "this run was in flight"),
                                      force=True)
    return len(stale)


def serve(config_path: str | None, db_path: str | None, *,
          on_started: Callable[[Started], None]) -> None:
    """Run the service until SIGTERM/SIGINT. Config errors raise before anything starts.
    In-flight runs are cancelled cleanly on the way out."""
    from flows.lifetime import SERVE_PID, start_guardian
    from tasks.plan import plan_cycle

    if "prefect" in sys.modules:  # its settings would be the ones read at that import
        raise RuntimeError("newsmon serve sets Prefect's environment: start it before "
                           "anything imports prefect")
    plan = plan_cycle(config_path, db_path)
    settings = plan.config.service
    own_server = not os.environ.get("PREFECT_API_URL")
    os.environ.update(service_environment(plan.warehouse_path, settings.ui_port, os.environ))
    os.environ[SERVE_PID] = str(os.getpid())  # its flow runs end with it (flows/lifetime.py)
    start_guardian()
    stop = threading.Event()
    with ExitStack() as stack:
        api_url = stack.enter_context(prefect_server_for_service(
            os.environ["PREFECT_API_URL"], own_server, settings.ui_port))
        from prefect import get_client
        from prefect.runner import Runner

        from tasks.pipeline import ensure_warehouse_limit

        ensure_warehouse_limit(reset=True)
        runner = Runner(name="newsmon", pause_on_shutdown=False, limit=4)
        ids: list[Any] = [runner.add_deployment(d) for d in deployments(plan)]  # sync here
        mark_stale_runs_crashed(ids)
        with get_client(sync_client=True) as client:  # the first cycle, now
            client.create_flow_run_from_deployment(ids[0])
        push_url = stack.enter_context(push_receiver(plan))
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=_run_until_stopped, args=(loop, runner),
                                  name="prefect-runner", daemon=True)
        thread.start()
        stack.callback(_stop_runner, loop, runner, thread)
        stack.enter_context(_stop_on_signals(stop))
        on_started(Started(api_url, api_url.removesuffix("/api"), push_url,
                           describe_schedule(plan)))
        storage, pruned_at = Path(os.environ["PREFECT_RESULTS_LOCAL_STORAGE_PATH"]), 0.0
        while not stop.wait(1):
            if not thread.is_alive():
                raise NewsmonError("the Prefect runner stopped unexpectedly; see the log above")
            if time.monotonic() - pruned_at > PRUNE_EVERY_S:
                prune_results(storage, time.time())
                pruned_at = time.monotonic()


def _run_until_stopped(loop: asyncio.AbstractEventLoop, runner: Any) -> None:
    asyncio.set_event_loop(loop)
    loop.run_until_complete(runner.start())


def _stop_runner(loop: asyncio.AbstractEventLoop, runner: Any, thread: threading.Thread) -> None:
    """Cancel in-flight runs ("Runner is shutting down") and free their slots."""
    if thread.is_alive():
        asyncio.run_coroutine_threadsafe(runner.astop(), loop).result(30)
        thread.join(30)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def describe_schedule(plan: CyclePlan) -> str:
    settings = plan.config.service
    return (f"cron {settings.ingest_cron!r} ({settings.timezone})" if settings.ingest_cron
            else f"every {settings.ingest_every:g} s")


@contextmanager
def push_receiver(plan: CyclePlan) -> Iterator[str | None]:
    """The HTTP receiver for `kind: push` sources, when there are any."""
    from tasks.sources.push import PushSource

    pushed = [s for s in plan.config.enabled_sources if isinstance(s, PushSource)]
    if not pushed:
        yield None
        return
    from newsmon.push_server import PushServer
    from tasks.pipeline import ingest_pushed

    settings = plan.config.service
    server = PushServer(pushed, lambda source, documents, skipped: ingest_pushed(
        plan, source, documents, skipped), host=settings.push_host, port=settings.push_port)
    server.start()
    try:
        yield f"http://{settings.push_host}:{server.port}/push/<source id>"
    finally:
        server.stop()
