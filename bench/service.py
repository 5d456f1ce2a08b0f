"""Service benchmark: what a cycle costs inside `newsmon serve`, how fresh its alerts are, and
whether it stays small over many cycles.

Starts, on loopback, an RSS feed and a webhook receiver of its own, then `newsmon serve` with
its own Prefect server, one polled feed and one push source. In the same run:

- `newsmon run` on the same feed with nothing new, `--baseline-runs` times (it starts a
  temporary Prefect server each time): the baseline;
- `--cycles` ingest cycles with nothing new inside serve, each started through the API and
  timed from that request to the run's end (runner poll, flow-run process, the cycle), with
  the run's own duration beside it, and the CPU of the flow-run process, serve and the server;
- `--samples` times, a new item in the feed and a cycle: from the store task's end (the
  article is in the warehouse) to the alert at the receiver, through `newsmon.alerts.queued`
  and the event-triggered deliver-alerts run;
- `--samples` times, a push POST to the alert at the receiver;
- task runs and events created by one cycle with news;
- the resident memory of serve and its Prefect server after the cycles.

Prints each figure beside its target and ends with `result: PASS` or `result: FAIL`.
Run from the project root: `.venv/bin/python bench/service.py` (about 10 minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx

PROJECT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
NOOP_WALL_TARGET_S = 1.0
STORED_TO_ALERT_TARGET_S = 3.0
PUSH_TO_ALERT_TARGET_S = 2.0
TASKS_OVER_SOURCES = 5
RSS_TARGET_MB = 400.0
PUSH_TOKEN = "bench-push-token"

# Stories for the cycles and the pushes, each its own (story dedup would fold near-repeats).
STORIES = [
    "MiniMax 宣布与一家汽车厂商合作，把语音模型装进新款车机。",
    "MiniMax 发布面向开发者的视频生成接口，按秒计费。",
    "据悉 MiniMax 正在筹备海外办公室，首站选在新加坡。",
    "MiniMax 的长文本模型在一项公开评测中排名上升。",
    "MiniMax 推出教育版产品，面向中小学教师试用三个月。",
    "一位投资人称 MiniMax 新一轮估值较去年翻倍。",
    "MiniMax 开源了一个小参数量的对话模型，许可证允许商用。",
    "MiniMax 与高校共建联合实验室，研究多模态推理。",
    "MiniMax 旗下应用的月活跃用户数突破新高。",
    "MiniMax 下调了文本接口价格，降幅约三成。",
    "MiniMax 发布音乐生成功能，用户可输入歌词生成演唱。",
    "MiniMax 在年度开发者大会上展示了智能体框架。",
    "MiniMax 招聘页面新增芯片方向岗位，引发外界猜测。",
    "MiniMax 回应传闻：暂无上市计划，专注产品研发。",
    "MiniMax 的语音克隆功能加入了防滥用水印。",
    "MiniMax 与一家云厂商签署算力长期租赁协议。",
    "MiniMax 推出面向游戏公司的角色对话解决方案。",
    "MiniMax 在医疗问答场景完成首批医院试点。",
    "MiniMax 更新了隐私政策，明确训练数据的使用范围。",
    "MiniMax 的图像模型支持了中文书法风格的生成。",
    "MiniMax 与出版社合作，把有声书制作周期缩短一半。",
    "MiniMax 宣布成立安全委员会，定期发布评估报告。",
]


@dataclass
class Feed:
    """An RSS feed on loopback whose items the benchmark adds."""

    items: list[tuple[str, str]] = field(default_factory=list)  # (link, text)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self) -> bytes:
        with self.lock:
            entries = "".join(
                f"<item><title>{escape(text[:20])}</title><link>{escape(link)}</link>"
                f"<description>{escape(text)}</description></item>" for link, text in self.items)
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>bench</title>{entries}</channel></rss>").encode()

    def add(self, link: str, text: str) -> None:
        with self.lock:
            self.items.append((link, text))


@dataclass
class Hook:
    """A webhook receiver on loopback: when each body arrived."""

    arrivals: list[tuple[float, str]] = field(default_factory=list)  # (time.time(), body)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, text: str, timeout: float) -> float:
        """When a body containing `text` arrived; raises TimeoutError past `timeout`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for at, body in self.arrivals:
                    if text in body:
                        return at
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no alert with {text!r} within {timeout:g} s")
                self.changed.wait(left)

    def count(self, text: str) -> int:
        with self.changed:
            return sum(text in body for _, body in self.arrivals)


def start_http(feed: Feed, hook: Hook) -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = feed.body()
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:  # apprise's json:// escapes non-ASCII
                body = json.dumps(json.loads(raw), ensure_ascii=False)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            with hook.changed:
                hook.arrivals.append((time.time(), body))
                hook.changed.notify_all()
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(tmp: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSMON_"))}
    env.update(NEWSMON_DB=str(tmp / f"{name}.duckdb"), PREFECT_HOME=str(tmp / f"{name}-prefect"),
               BENCH_PUSH_TOKEN=PUSH_TOKEN)
    return env


# --- processes, from /proc -------------------------------------------------------------------

def proc_stat(pid: int) -> list[str]:
    raw = Path(f"/proc/{pid}/stat").read_text()
    return raw[raw.rindex(")") + 2:].split()  # fields from 3 (state) on


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(proc_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return found


def runs_below(pid: int) -> list[int]:
    """serve's children but its guardian (flows/lifetime.py), which lives as long as serve."""
    def guardian(child: int) -> bool:
        try:
            return b"-I\0-S\0-c" in Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return True  # gone already: not a run to wait for
    return [child for child in children(pid) if not guardian(child)]


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def cpu_s(pid: int, *, reaped_children: bool = False) -> float:
    """CPU seconds of `pid`, plus those of the children it has waited for."""
    fields = proc_stat(pid)
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_until(check: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")


# --- the Prefect API -------------------------------------------------------------------------

@dataclass
class Api:
    url: str
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=15))

    busy: int = 0  # 503 answers retried, as Prefect's own client retries them

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        for attempt in range(6):
            response = self.client.request(method, f"{self.url}{path}", json=body)
            if response.status_code != 503 or attempt == 5:
                break
            self.busy += 1
            time.sleep(0.2 * 2 ** attempt)  # the server's "busy, try again"
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict | None = None) -> Any:
        return self._call("POST", path, body or {})

    def get(self, path: str) -> Any:
        return self._call("GET", path)

    def deployment_id(self, name: str) -> str:
        found = self.post("/deployments/filter", {"deployments": {"name": {"any_": [name]}}})
        return found[0]["id"]

    def runs(self, deployment: str, state: str = "COMPLETED") -> list[dict]:
        return self.post("/flow_runs/filter", {  # type: ignore[return-value]
            "flow_runs": {"state": {"type": {"any_": [state]}}},
            "deployments": {"name": {"any_": [deployment]}}})

    def run_to_end(self, deployment_id: str, timeout: float = 120) -> tuple[dict, float]:
        """Start a run of the deployment and wait for its end: (the run, seconds from the
        request to the end being visible)."""
        started = time.monotonic()
        run = self.post(f"/deployments/{deployment_id}/create_flow_run", {})
        assert isinstance(run, dict)

        def ended() -> dict | None:
            current = self.get(f"/flow_runs/{run['id']}")
            return current if current["state"]["type"] in {
                "COMPLETED", "FAILED", "CRASHED", "CANCELLED"} else None
        final = wait_until(ended, timeout, "the ingest run to end")
        assert isinstance(final, dict)
        if final["state"]["type"] != "COMPLETED":
            raise RuntimeError(f"ingest run ended {final['state']['type']}: "
                               f"{final['state'].get('message')}")
        return final, time.monotonic() - started

    def task_runs(self, flow_run_id: str) -> list[dict]:
        return self.post("/task_runs/filter", {  # type: ignore[return-value]
            "flow_runs": {"id": {"any_": [flow_run_id]}}})

    def events_between(self, since: str, until: str, prefix: str = "") -> int:
        """How many events occurred in the window (of every kind, or names with `prefix`)."""
        page = self.post("/events/filter", {"limit": 1, "filter": {
            "occurred": {"since": since, "until": until},
            **({"event": {"prefix": [prefix]}} if prefix else {})}})
        assert isinstance(page, dict)
        return page["total"]


def seconds(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


# --- the measurements ------------------------------------------------------------------------

def write_config(path: Path, feed_url: str, hook_url: str, ui_port: int, push_port: int,
                 with_push: bool) -> None:
    push = ("  - {id: wire, kind: push, token_env: BENCH_PUSH_TOKEN}\n" if with_push else "")
    path.write_text(f"""\
sources:
  - {{id: feed, kind: rss, url: "{feed_url}"}}
{push}alerts:
  channels: ["{hook_url}"]
  max_per_hour: 0  # every sample's alert on its own, however many an hour
service:
  ingest_cron: "0 3 1 1 *"
  deliver_every: 3600
  ui_port: {ui_port}
  push_port: {push_port}
""", encoding="utf-8")


def baseline(tmp: Path, feed_url: str, hook_url: str, runs: int) -> tuple[list[float], list[float]]:
    """`newsmon run` with nothing new: wall and CPU (its own and its children's) per run."""
    config = tmp / "baseline.yaml"
    write_config(config, feed_url, hook_url, free_port(), free_port(), with_push=False)
    env = clean_env(tmp, "baseline")
    command = [sys.executable, "-m", "newsmon.cli", "run", "--sources", str(config)]

    def run() -> None:
        done = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True,
                              timeout=300)
        if done.returncode:
            raise RuntimeError(f"newsmon run exited {done.returncode}:\n{done.stderr[-2000:]}")
    run()
    walls, cpus = [], []
    for _ in range(runs):
        before = os.times()
        started = time.monotonic()
        run()
        walls.append(time.monotonic() - started)
        after = os.times()
        cpus.append(after.children_user + after.children_system
                    - before.children_user - before.children_system)
    return walls, cpus


@dataclass
class Serve:
    process: subprocess.Popen
    api: Api
    log: Path


def start_serve(tmp: Path, feed_url: str, hook_url: str) -> tuple[Serve, int]:
    ui_port, push_port = free_port(), free_port()
    config = tmp / "serve.yaml"
    write_config(config, feed_url, hook_url, ui_port, push_port, with_push=True)
    log = tmp / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsmon.cli", "serve", "--sources", str(config)],
            cwd=PROJECT, env=clean_env(tmp, "serve"), stdout=out, stderr=subprocess.STDOUT)
    wait_until(lambda: "Prefect UI at" in log.read_text(errors="replace")
               or process.poll() is not None, 120, "serve to start")
    if process.poll() is not None:
        raise RuntimeError(f"serve exited {process.returncode}:\n{log.read_text()}")
    api = Api(f"http://127.0.0.1:{ui_port}/api")
    return Serve(process, api, log), push_port


def noop_cycles(serve: Serve, deployment_id: str, cycles: int) -> dict[str, list[float]]:
    """Per cycle: request → end, the run's own duration, the CPU of its flow-run process (reaped
    by serve), and that of serve itself (runner and the Prefect server in it)."""
    figures: dict[str, list[float]] = {"wall": [], "duration": [], "cpu": [], "serve_cpu": []}
    for _ in range(cycles):
        run_before = cpu_s(serve.process.pid, reaped_children=True) - cpu_s(serve.process.pid)
        serve_before = cpu_s(serve.process.pid)
        run, wall = serve.api.run_to_end(deployment_id)
        wait_until(lambda: not runs_below(serve.process.pid), 30, "the flow-run process to exit")
        figures["wall"].append(wall)
        figures["duration"].append(seconds(run["start_time"], run["end_time"]))
        figures["cpu"].append(cpu_s(serve.process.pid, reaped_children=True)
                              - cpu_s(serve.process.pid) - run_before)
        figures["serve_cpu"].append(cpu_s(serve.process.pid) - serve_before)
    return figures


def stored_to_alert(serve: Serve, feed: Feed, hook: Hook, feed_url: str, deployment_id: str,
                    stories: list[str]) -> tuple[dict[str, list[float]], dict]:
    """Per new article: from the store task's end to the alert's arrival, and its legs: to the
    triggered deliver-alerts run's creation, to its start, to the alert."""
    legs: dict[str, list[float]] = {"total": [], "triggered": [], "started": [], "sent": []}
    last_run: dict = {}
    for n, text in enumerate(stories):
        feed.add(f"{feed_url.rsplit('/', 1)[0]}/news/{n}", text)
        last_run, _ = serve.api.run_to_end(deployment_id)
        store = next(t for t in serve.api.task_runs(last_run["id"])
                     if t["name"].rsplit("-", 1)[0] == "store")
        arrived = hook.wait_for(text[:20], 60)
        stored_at = datetime.fromisoformat(store["end_time"]).timestamp()

        def triggered(stored_at: float = stored_at) -> dict | None:  # the first one after it
            after = [r for r in serve.api.runs("deliver-alerts", "COMPLETED")
                     if datetime.fromisoformat(r["created"]).timestamp() > stored_at]
            return min(after, key=lambda r: r["created"]) if after else None
        delivery = wait_until(triggered, 30, "the deliver-alerts run to complete")
        assert isinstance(delivery, dict)
        created = datetime.fromisoformat(delivery["created"]).timestamp()
        started = datetime.fromisoformat(delivery["start_time"]).timestamp()
        legs["total"].append(arrived - stored_at)
        legs["triggered"].append(created - stored_at)
        legs["started"].append(started - created)
        legs["sent"].append(arrived - started)
    return legs, last_run


def push_to_alert(hook: Hook, push_port: int, stories: list[str]) -> list[float]:
    latencies = []
    with httpx.Client(timeout=30) as client:
        for n, text in enumerate(stories):
            body = json.dumps([{"title": text[:20], "url": f"https://push.example.cn/{n}",
                                "text": text}], ensure_ascii=False).encode()
            sent = time.time()
            response = client.post(f"http://127.0.0.1:{push_port}/push/wire", content=body,
                                   headers={"Authorization": f"Bearer {PUSH_TOKEN}",
                                            "Content-Type": "application/json"})
            response.raise_for_status()
            latencies.append(hook.wait_for(text[:20], 60) - sent)
    return latencies


def stop(serve: Serve) -> int:
    serve.process.send_signal(signal.SIGTERM)
    try:
        return serve.process.wait(90)
    except subprocess.TimeoutExpired:
        serve.process.kill()
        return serve.process.wait()


def line(name: str, value: str, target: str, ok: bool | None) -> bool:
    verdict = "" if ok is None else ("ok" if ok else "OVER TARGET")
    print(f"  {name:<56} {value:>10}   target {target:<16} {verdict}")
    return ok is not False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--baseline-runs", type=int, default=3)
    args = parser.parse_args()
    if 2 * args.samples > len(STORIES):
        parser.error(f"--samples is at most {len(STORIES) // 2}")

    feed, hook = Feed(), Hook()
    http, port = start_http(feed, hook)
    feed_url, hook_url = f"http://127.0.0.1:{port}/feed.xml", f"json://127.0.0.1:{port}/hook"
    feed.add(f"http://127.0.0.1:{port}/news/first", STORIES[-1])
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as name:
        tmp = Path(name)
        print(f"newsmon service benchmark: {args.cycles} no-op cycles, {args.samples} samples "
              f"per latency, {os.cpu_count()} cores")
        print(f"baseline: `newsmon run` with nothing new, {args.baseline_runs} runs ...",
              flush=True)
        run_walls, run_cpus = baseline(tmp, feed_url, hook_url + "-baseline",
                                       args.baseline_runs)
        serve, push_port = start_serve(tmp, feed_url, hook_url)
        try:
            hook.wait_for(STORIES[-1][:20], 120)  # the first cycle, which serve starts
            ingest = serve.api.deployment_id("ingest")
            wait_until(lambda: not serve.api.runs("ingest", "RUNNING"), 60, "the first cycle")
            print(f"serve: {args.cycles} cycles with nothing new ...", flush=True)
            noop = noop_cycles(serve, ingest, args.cycles)
            rss = {pid: rss_mb(pid) for pid in [serve.process.pid,
                                                *descendants(serve.process.pid)]}
            print(f"serve: {args.samples} stored → alert, {args.samples} push → alert ...",
                  flush=True)
            stored, news_run = stored_to_alert(serve, feed, hook, feed_url, ingest,
                                               STORIES[:args.samples])
            pushed = push_to_alert(hook, push_port, STORIES[args.samples:2 * args.samples])
            tasks = serve.api.task_runs(news_run["id"])
            # events reach the API a few seconds after they occur
            window = news_run["start_time"], news_run["end_time"]
            wait_until(lambda: serve.api.events_between(*window, prefix="newsmon.cycle"), 30,
                       "the cycle's events")
            events = serve.api.events_between(*window)
            doubled = [text for text in STORIES[:2 * args.samples] if hook.count(text[:20]) > 1]
        except Exception:
            print(f"serve's log, the end:\n{serve.log.read_text(errors='replace')[-4000:]}",
                  file=sys.stderr)
            raise
        finally:
            code = stop(serve)
            http.shutdown()

    med = statistics.median
    polled_sources = 1
    print()
    print(f"  {'figure':<56} {'median':>10}   target")
    ok = all([
        line("newsmon run, nothing new: wall", f"{med(run_walls):.2f} s", "(baseline)", None),
        line("newsmon run, nothing new: CPU", f"{med(run_cpus):.2f} s", "(baseline)", None),
        line("serve cycle, nothing new: the run (start → end)",
             f"{med(noop['duration']):.2f} s", f"≤ {NOOP_WALL_TARGET_S:g} s",
             med(noop["duration"]) <= NOOP_WALL_TARGET_S),
        line("serve cycle, nothing new: request → end", f"{med(noop['wall']):.2f} s",
             "(poll + process)", None),
        line("serve cycle, nothing new: CPU of its flow-run process",
             f"{med(noop['cpu']):.2f} s", "", None),
        line("serve cycle, nothing new: CPU of serve (runner, API)",
             f"{med(noop['serve_cpu']):.2f} s", "", None),
        line("article stored → alert received (event trigger)", f"{med(stored['total']):.2f} s",
             f"≤ {STORED_TO_ALERT_TARGET_S:g} s", med(stored["total"]) <= STORED_TO_ALERT_TARGET_S),
        line("  stored → deliver-alerts run created (event, trigger)",
             f"{med(stored['triggered']):.2f} s", "", None),
        line("  created → started (runner poll, process start)", f"{med(stored['started']):.2f} s",
             "", None),
        line("  started → alert received", f"{med(stored['sent']):.2f} s", "", None),
        line("push POST → alert received", f"{med(pushed):.2f} s",
             f"≤ {PUSH_TO_ALERT_TARGET_S:g} s", med(pushed) <= PUSH_TO_ALERT_TARGET_S),
        line("task runs in a cycle with news", f"{len(tasks)}",
             f"≤ {polled_sources + TASKS_OVER_SOURCES}",
             len(tasks) <= polled_sources + TASKS_OVER_SOURCES),
        line("events in a cycle with news (all kinds)", f"{events}", "", None),
        line(f"RSS of serve + Prefect server after {args.cycles} cycles",
             f"{sum(rss.values()):.0f} MB", f"≤ {RSS_TARGET_MB:g} MB",
             sum(rss.values()) <= RSS_TARGET_MB),
        line("alerts received twice", f"{len(doubled)}", "0", not doubled),
        line("API answers 503 (busy), retried", f"{serve.api.busy}", "", None),
        line("serve exit status after SIGTERM", f"{code}", "0", code == 0),
    ])
    print(f"  (speedup of a no-op cycle over newsmon run, request → end: "
          f"{med(run_walls) / med(noop['wall']):.1f}x)")
    print(f"result: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
