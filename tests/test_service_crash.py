"""`newsmon serve` killed with SIGKILL mid-cycle, twice (while fetching, then while storing,
inside the write transaction), then started again: nothing of it outlives the kill, the
restart is not blocked, and every alert owed arrives exactly once."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from test_run_command import PROJECT, alive, descendants, wait_until
from test_service import service_config

from conftest import free_port
from webserver import WebServer

pytestmark = pytest.mark.timeout(240)

STORIES = [("https://news.example.cn/a/1", "无问芯穹发布推理加速平台",
            "无问芯穹今天发布新一代推理加速平台，称可在多种国产芯片上部署大模型，首批客户来自"
            "金融与制造行业，公司表示年底前会开放更多接口给开发者使用。"),
           ("https://news.example.cn/a/2", "MiniMax推出语音合成新版本",
            "MiniMax 推出语音合成模型新版本，支持二十多种方言与情绪控制，开发者可以通过开放"
            "平台按调用量付费使用，官方称延迟比上一版降低了一半。")]

# Loaded by every Python the test starts (PYTHONPATH): when NEWSMON_TEST_PAUSE_MARK is set,
# the warehouse's cycle write stops half-way through its transaction, after inserting the
# articles, and says so by creating that file.
SITECUSTOMIZE = '''
import importlib.abc, importlib.machinery, os, sys, threading

MARK = os.environ.get("NEWSMON_TEST_PAUSE_MARK")


class _PauseInStore(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "warehouse":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            insert = module.Warehouse._insert_new_articles

            def paused(self, *args, **kwargs):
                result = insert(self, *args, **kwargs)
                open(MARK, "w").close()
                threading.Event().wait(120)
                return result
            module.Warehouse._insert_new_articles = paused
        spec.loader.exec_module = exec_module
        return spec


if MARK:
    sys.meta_path.insert(0, _PauseInStore())
'''


def feed() -> bytes:
    items = "".join(f"<item><title>{title}</title><link>{url}</link>"
                    f"<description>{text}</description></item>" for url, title, text in STORIES)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>t</title>{items}</channel></rss>").encode()


def count(db: Path, sql: str) -> int:
    """A count read once the killed cycle's warehouse lock is gone: under load the lock has
    outlasted, by a moment, every process seen below serve when it was killed."""
    give_up = time.monotonic() + 30
    while True:
        try:
            with duckdb.connect(str(db), read_only=True) as con:
                return con.execute(sql).fetchone()[0]
        except duckdb.IOException as exc:
            assert "lock" in str(exc) and time.monotonic() < give_up, exc
            time.sleep(0.05)


def test_serve_killed_while_fetching_then_while_storing_owes_every_alert_once(
        tmp_path: Path, receiver) -> None:
    web = WebServer().start()
    web.files["/feed.xml"] = feed()
    port = free_port()
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    config = tmp_path / "sources.yaml"
    db = tmp_path / "w.duckdb"

    def configure(path: str) -> None:
        config.write_text(service_config(web.url(path), receiver.port, port), encoding="utf-8")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSMON_"))}
    env.update(NEWSMON_DB=str(db), PREFECT_HOME=str(tmp_path / "prefect"),
               PYTHONPATH=str(tmp_path / "hooks"),
               PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2")
    api = f"http://127.0.0.1:{port}/api"

    def start(**extra: str) -> subprocess.Popen:
        serve = subprocess.Popen([sys.executable, "-m", "newsmon.cli", "serve", "--sources",
                                  str(config)], cwd=PROJECT, env={**env, **extra},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert serve.stderr is not None
        banner = serve.stderr.readline()
        assert "Prefect UI at" in banner, banner + serve.stderr.read()
        return serve

    def command_line(pid: int) -> str:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            return f"{pid} (gone)"

    def runs(*states: str) -> list[dict]:
        response = httpx.post(f"{api}/flow_runs/filter", json={
            "flow_runs": {"state": {"type": {"any_": list(states)}}}}, timeout=10)
        response.raise_for_status()
        return response.json()

    killed: set[str] = set()  # the runs in flight when serve was killed

    def kill(serve: subprocess.Popen) -> None:
        killed.update(r["id"] for r in runs("RUNNING"))
        below = descendants(serve.pid)
        assert below, "serve runs a Prefect server and a flow-run process"
        serve.send_signal(signal.SIGKILL)
        serve.wait(10)
        give_up = time.monotonic() + 30
        while left := alive(below):
            assert time.monotonic() < give_up, ("every process serve started should end with it; "
                                                "left: " + "; ".join(map(command_line, left)))
            time.sleep(0.05)

    serve = None
    try:
        # 1. killed while fetching: the feed request hangs
        configure("/hang")
        serve = start()
        wait_until(lambda: any(p == "/hang" for p, _ in web.requests), 60, "the fetch")
        kill(serve)

        # 2. killed while storing: the articles are inserted, the transaction not committed
        configure("/feed.xml")
        mark = tmp_path / "in-store"
        serve = start(NEWSMON_TEST_PAUSE_MARK=str(mark))
        wait_until(mark.exists, 60, "the cycle to be half-way through its write")
        kill(serve)
        assert count(db, "select count(*) from articles") == 0  # rolled back, nothing half-done
        assert count(db, "select count(*) from alert_deliveries") == 0
        assert receiver.requests == []

        # 3. started again: not blocked, and it finishes the job
        serve = start()
        wait_until(lambda: len(receiver.requests) >= len(STORIES), 60, "the owed alerts")
        first = {r["id"] for r in runs("COMPLETED")}
        wait_until(lambda: {r["id"] for r in runs("COMPLETED")
                            if r["deployment_id"]} - first, 30, "another cycle after them")
        assert len(receiver.requests) == len(STORIES)  # each alert once
        bodies = "".join(r["body"] for r in receiver.requests)
        assert "\\u65e0\\u95ee\\u82af\\u7a79" in bodies and "MiniMax" in bodies  # 无问芯穹
        assert len(killed) >= 2
        assert killed <= {r["id"] for r in runs("CRASHED")}  # on record as such, not running
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(60) == 0
        serve = None
        assert count(db, "select count(*) from articles") == len(STORIES)  # none twice
        assert count(db, "select count(distinct url) from articles") == len(STORIES)
        assert count(db, "select count(*) from alert_deliveries where status = 'sent'") == len(STORIES)
    finally:
        if serve is not None:
            serve.kill()
            serve.wait()
        web.stop()
