"""`newsmon serve` as a user runs it: a real Prefect server and runner, a loopback feed and a
loopback webhook receiver; scheduled ingest, the event-triggered delivery, a clean stop."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from test_run_command import PROJECT, alive, descendants, wait_until

from conftest import free_port
from webserver import WebServer

pytestmark = pytest.mark.timeout(240)


def api(url: str, path: str, body: dict | None = None) -> list[dict]:
    response = httpx.post(f"{url}{path}", json=body or {}, timeout=10)
    response.raise_for_status()
    return response.json()


def test_serve_schedules_ingest_triggers_delivery_and_stops_cleanly(tmp_path: Path,
                                                                    receiver) -> None:
    web = WebServer().start()
    port = free_port()
    config = tmp_path / "sources.yaml"
    config.write_text(f"""\
sources:
  - id: feed
    kind: rss
    url: {web.url('/feeds/utf8.xml')}
alerts:
  channels: [json://127.0.0.1:{receiver.port}/hook]
service:
  ingest_every: 10
  deliver_every: 3600
  ui_port: {port}
""", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSMON_"))}
    env.update(NEWSMON_DB=str(tmp_path / "w.duckdb"), PREFECT_HOME=str(tmp_path / "prefect"),
               PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2")
    serve = subprocess.Popen([sys.executable, "-m", "newsmon.cli", "serve", "--sources",
                              str(config)], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        assert serve.stderr is not None
        banner = serve.stderr.readline()
        assert f"Prefect UI at http://127.0.0.1:{port}" in banner, banner
        wait_until(lambda: len(receiver.requests) >= 2, 60, "the first cycle's alerts")

        def completed(deployment: str, **extra: object) -> list[dict]:
            runs = api(url, "/flow_runs/filter", {
                "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}, **extra},
                "deployments": {"name": {"any_": [deployment]}}})
            return runs

        # a cycle the scheduler started, after the first one serve started itself
        wait_until(lambda: any(r["auto_scheduled"] for r in completed("ingest")), 60,
                   "a scheduled ingest run")
        wait_until(lambda: any((r.get("created_by") or {}).get("type") == "AUTOMATION"
                               for r in completed("deliver-alerts")), 30,
                   "a deliver-alerts run started by newsmon.alerts.queued")
        assert len(receiver.requests) == 2  # each alert once, whatever ran after
        assert {d["name"] for d in api(url, "/deployments/filter")} == {"ingest", "deliver-alerts"}

        def events() -> set[str]:
            page = api(url, "/events/filter", {"limit": 50, "filter": {
                "event": {"prefix": ["newsmon."]}}})
            return {e["event"] for e in page["events"]}
        wait_until(lambda: {"newsmon.article.mentioned", "newsmon.alerts.queued",
                            "newsmon.alert.sent", "newsmon.cycle.completed"} <= events(), 30,
                   "newsmon events in the server")

        status = subprocess.run([sys.executable, "-m", "newsmon.cli", "status", "--sources",
                                 str(config)], cwd=PROJECT, env={**env, "PREFECT_API_URL": url},
                                capture_output=True, text=True, timeout=60)
        assert "deployment ingest: next run 20" in status.stdout, status.stdout + status.stderr
        assert "alerts owed: 0 pending" in status.stdout

        children = descendants(serve.pid)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(60) == 0
        wait_until(lambda: not alive(children), 30, "serve's children to exit")
        assert "newsmon serve: stopped" in serve.stderr.read()
    finally:
        serve.kill()
        serve.wait()
        web.stop()
