"""`newsmon serve`: newsmon as a long-running Prefect service.

What runs: a Prefect server of our own on 127.0.0.1 (unless PREFECT_API_URL names one), its
UI included; three deployments served from this process by Prefect's runner, each flow run in
a subprocess of it —

- `ingest/ingest` on an interval or cron, which stores the cycle's articles and alerts and
  emits `newsmon.*` events;
- `deliver-alerts/deliver-alerts`, started by the `newsmon.alerts.queued` event, with a short
  schedule as a safety net that also serves retries;

and, when the config has `kind: push` sources, an HTTP receiver whose posts go through the
same split → classify → store → alert path at once. Every warehouse write holds the Prefect
global concurrency limit `newsmon-warehouse` (limit 1), which serve creates: runs that overlap
take turns. (A deployment-level `concurrency_limit` is not used: with Prefect 3.8.8 its runs
were cancelled at start, "Deployment concurrency slot lost during provisioning".)
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsmon.errors import NewsmonError

if TYPE_CHECKING:
    from flows.ingest import CyclePlan

INGEST = "ingest/ingest"
DELIVER = "deliver-alerts/deliver-alerts"
QUEUED_EVENT = "newsmon.alerts.queued"
ANCHOR = datetime(2026, 1, 1, tzinfo=UTC)


def service_environment(warehouse_path: Path, environ: dict[str, str]) -> dict[str, str]:
    """Settings for Prefect under serve, to apply before prefect is imported: its state
    beside the warehouse, quick runner polls, quiet logs, no analytics, no result files."""
    return {
        "PREFECT_HOME": environ.get("PREFECT_HOME") or str(warehouse_path.parent / "prefect"),
        "PREFECT_RUNNER_POLL_FREQUENCY": environ.get("PREFECT_RUNNER_POLL_FREQUENCY", "1"),
        "PREFECT_LOGGING_LEVEL": environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        "PREFECT_SERVER_EVENTS_RETENTION_PERIOD": environ.get(
            "PREFECT_SERVER_EVENTS_RETENTION_PERIOD", "P7D"),
    }


@dataclass(frozen=True)
class Started:
    """What serve reports once it is up."""

    api_url: str
    ui_url: str
    push_url: str | None
    ingest: str


@contextmanager
def prefect_server_for_service(ui_port: int, environ: dict[str, str]) -> Iterator[str]:
    """The API serve uses: PREFECT_API_URL when set (checked healthy), else a server of our
    own with its UI on `ui_port`, stopped when the block ends. Sets PREFECT_API_URL for the
    flow-run subprocesses."""
    import httpx

    from newsmon.prefect_server import PrefectServer

    configured = environ.get("PREFECT_API_URL")
    if configured:
        try:
            healthy = httpx.get(f"{configured.rstrip('/')}/health", timeout=5).status_code == 200
        except httpx.HTTPError as exc:
            raise NewsmonError(f"PREFECT_API_URL={configured} does not answer ({exc}); start "
                               f"that server, or unset PREFECT_API_URL and newsmon serve will "
                               f"start its own") from None
        if not healthy:
            raise NewsmonError(f"PREFECT_API_URL={configured} is not healthy")
        yield configured
        return
    server = PrefectServer(port=ui_port)
    try:
        os.environ["PREFECT_API_URL"] = server.start()
        yield server.api_url
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
    return [
        ingest.to_deployment(
            name="ingest", schedules=[schedule],
            parameters={**paths, "deliver_alerts": False},
            description="Fetch every due source, classify, store; queue alerts."),
        deliver_alerts.to_deployment(
            name="deliver-alerts", parameters=paths,
            schedules=[Interval(timedelta(seconds=settings.deliver_every), anchor_date=ANCHOR)],
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
    from flows.ingest import plan_cycle

    plan = plan_cycle(config_path, db_path)
    settings = plan.config.service
    os.environ.update(service_environment(plan.warehouse_path, dict(os.environ)))
    stop = threading.Event()
    with ExitStack() as stack:
        api_url = stack.enter_context(prefect_server_for_service(settings.ui_port,
                                                                 dict(os.environ)))
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
        while not stop.wait(1):
            if not thread.is_alive():
                raise NewsmonError("the Prefect runner stopped unexpectedly; see the log above")


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
