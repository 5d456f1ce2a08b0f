"""`newsmon serve` as a user runs it: pointed at a real Prefect server of the test's own
(serve's own server is what tests/test_service_crash.py runs), a loopback feed and a loopback
webhook receiver; scheduled ingest, the event-triggered delivery, a clean stop."""

import os
import re
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


def service_config(feed_url: str, hook_port: int, ui_port: int) -> str:
    """One feed, alerts to the loopback receiver, a cycle every 10 s; a digest rule that
    matches nothing, for its schedule."""
    return f"""\
sources:
  - {{id: feed, kind: rss, url: "{feed_url}", read_timeout: 50}}
alerts:
  channels: [json://127.0.0.1:{hook_port}/hook]
  rules:
    - {{name: tracked, companies: [infinigence, minimax]}}
    - {{name: brief, keywords: [从未出现的词], mode: digest, at: ["09:00", "18:30"]}}
service:
  ingest_every: 10
  deliver_every: 3600
  ui_port: {ui_port}
"""


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_serve_schedules_ingest_triggers_delivery_and_stops_cleanly(tmp_path: Path,
                                                                    receiver) -> None:
    web = WebServer().start()
    port = free_port()
    config = tmp_path / "sources.yaml"
    config.write_text(service_config(web.url("/feeds/utf8.xml"), receiver.port, port),
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSMON_"))}
    url = f"http://127.0.0.1:{port}/api"
    server = subprocess.Popen(  # the user's own Prefect server, which serve is pointed at
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
         str(port)], env={**env, "PREFECT_HOME": str(tmp_path / "server"),
                          "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                          "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: healthy(url), 90, "the Prefect server")
    env.update(NEWSMON_DB=str(tmp_path / "w.duckdb"), PREFECT_API_URL=url)
    serve = subprocess.Popen([sys.executable, "-m", "newsmon.cli", "serve", "--sources",
                              str(config)], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert serve.stderr is not None
        banner = serve.stderr.readline()
        assert f"Prefect UI at http://127.0.0.1:{port}" in banner, banner
        # bounds, not waits: generous, since a loaded runner may take twice the usual 20 s
        wait_until(lambda: len(receiver.requests) >= 2, 120, "the first cycle's alerts")
        # the server at PREFECT_API_URL and no other: Prefect's settings were in place before
        # it loaded, so it never started an ephemeral server of its own
        commands = [command_line(pid) for pid in descendants(serve.pid)]
        assert not any("uvicorn" in c or "prefect server" in c for c in commands), commands

        def completed(deployment: str, **extra: object) -> list[dict]:
            runs = api(url, "/flow_runs/filter", {
                "flow_runs": {"state": {"type": {"any_": ["COMPLETED"]}}, **extra},
                "deployments": {"name": {"any_": [deployment]}}})
            return runs

        # a cycle the scheduler started, after the first one serve started itself
        wait_until(lambda: any(r["auto_scheduled"] for r in completed("ingest")), 120,
                   "a scheduled ingest run")
        wait_until(lambda: any((r.get("created_by") or {}).get("type") == "AUTOMATION"
                               for r in completed("deliver-alerts")), 30,
                   "a deliver-alerts run started by newsmon.alerts.queued")
        assert len(receiver.requests) == 2  # each alert once, whatever ran after
        deployed = {d["name"]: d for d in api(url, "/deployments/filter")}
        assert set(deployed) == {"ingest", "deliver-alerts"}
        assert {(s["schedule"].get("cron"), s["schedule"].get("timezone"))
                for s in deployed["deliver-alerts"]["schedules"]} >= {
            ("0 9 * * *", "Asia/Shanghai"), ("30 18 * * *", "Asia/Shanghai")}  # the digest's

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
        log = serve.stderr.read()
        assert "newsmon serve: stopped" in log
        # one line per cycle; the first one found the feed's two stories about tracked companies
        assert re.search(r"newsmon cycle \S+: 1 sources read; \d+ new articles, 2 alerts "
                         r"queued; [\d.]+ s\n", log), log
    finally:
        serve.kill()
        serve.wait()
        server.send_signal(signal.SIGINT)
        server.wait(30)
        web.stop()


def test_serve_validates_its_config_before_anything_imports_prefect() -> None:
    """Prefect reads its settings once, at import: serve must set them first."""
    code = ("import sys, newsmon.cli, newsmon.service, tasks.plan, flows.lifetime\n"
            "tasks.plan.plan_cycle('sources.yaml', '/nonexistent/w.duckdb')\n"
            "assert 'prefect' not in sys.modules, 'prefect imported'")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_service_environment_keeps_what_the_user_set(tmp_path: Path) -> None:
    from newsmon.service import service_environment

    own = service_environment(tmp_path / "w.duckdb", 4321, {})
    assert own["PREFECT_API_URL"] == "http://127.0.0.1:4321/api"
    assert own["PREFECT_HOME"] == str(tmp_path / "prefect")
    assert own["PREFECT_RESULTS_LOCAL_STORAGE_PATH"] == str(tmp_path / "prefect" / "storage")
    assert "flow_runs" in own["PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED"]
    theirs = service_environment(tmp_path / "w.duckdb", 4321, {
        "PREFECT_API_URL": "http://10.0.0.5:4200/api", "PREFECT_RUNNER_POLL_FREQUENCY": "5"})
    assert theirs["PREFECT_API_URL"] == "http://10.0.0.5:4200/api"
    assert theirs["PREFECT_RUNNER_POLL_FREQUENCY"] == "5"


def test_result_files_are_kept_bounded_by_age_and_count(tmp_path: Path) -> None:
    from newsmon.service import prune_results

    now = 1_000_000.0
    for n, age in enumerate([10, 20, 30, 8 * 24 * 3600]):
        path = tmp_path / f"result-{n}"
        path.write_bytes(b"x")
        os.utime(path, (now - age, now - age))
    assert prune_results(tmp_path, now, max_age_s=7 * 24 * 3600, keep=2) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result-0", "result-1"]
    assert prune_results(tmp_path / "absent", now) == 0
