"""`newsmon run` as a user starts it: a real process, its own temporary Prefect server, signals."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from webserver import WebServer

PROJECT = Path(__file__).resolve().parent.parent
NEWSMON = [sys.executable, "-m", "newsmon.cli"]


def environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "NEWSMON_"))}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), NEWSMON_DB=str(tmp_path / "w.duckdb"),
               NEWSMON_APPRISE_URLS="", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    return env


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(pid)
    return out


def wait_until(condition, timeout: float, what: str) -> None:
    give_up = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < give_up, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_a_config_mistake_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - id: a\n    kind: rsss\n    url: https://x/\n",
                      encoding="utf-8")
    result = subprocess.run([*NEWSMON, "run", "--sources", str(config)], cwd=PROJECT,
                            env=environment(tmp_path), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {config}:3 (sources.0.kind): unknown source kind 'rsss'; known kinds: "
        f"files, html, push, rss"]


@pytest.fixture
def hanging_feed(tmp_path: Path):
    server = WebServer().start()
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - id: slow\n    kind: rss\n    url: {server.url('/hang')}\n"
                      f"    read_timeout: 50\n", encoding="utf-8")
    yield server, config
    server.stop()


def test_a_killed_run_leaves_no_prefect_server_behind(tmp_path: Path, hanging_feed) -> None:
    """SIGTERM (a clean stop, exit 143) and SIGKILL (the server notices and ends), each on a
    run of its own; the two run side by side, each with its temporary server."""
    server, config = hanging_feed
    runs = {}
    for how in (signal.SIGTERM, signal.SIGKILL):
        home = tmp_path / how.name
        home.mkdir()
        runs[how] = subprocess.Popen([*NEWSMON, "run", "--sources", str(config)], cwd=PROJECT,
                                     env=environment(home), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
    try:  # both cycles are fetching: their servers are up and the feed requests hang
        wait_until(lambda: sum(path == "/hang" for path, _ in server.requests) >= 2, 120,
                   "both cycles to reach the feed")
        children = {how: descendants(run.pid) for how, run in runs.items()}
        for how, run in runs.items():
            assert children[how], "the temporary Prefect server should be a child of newsmon run"
            run.send_signal(how)
        for run in runs.values():
            run.wait(30)
        every = set().union(*children.values())
        wait_until(lambda: not alive(every), 30, f"children {every} to exit")
    finally:
        for run in runs.values():
            run.kill()
            run.wait()
    assert runs[signal.SIGTERM].returncode == 128 + signal.SIGTERM


def test_a_second_run_says_who_holds_the_lock_and_exits_0(tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - {id: a, kind: files, path: nothing-here/}\n",
                      encoding="utf-8")
    env = environment(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from warehouse.run_lock import RunLock; lock = RunLock.acquire(Path(sys.argv[1])); "
         "print('held', flush=True); sys.stdin.readline()", env["NEWSMON_DB"]],
        cwd=PROJECT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        started = time.monotonic()
        result = subprocess.run([*NEWSMON, "run", "--sources", str(config)], cwd=PROJECT,
                                env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert f"skipped: another newsmon cycle is running on {env['NEWSMON_DB']} " \
               f"(pid {holder.pid} since" in result.stdout
        assert time.monotonic() - started < 10  # no Prefect server was started for nothing
    finally:
        holder.kill()
        holder.wait()
