"""Alert benchmark, embedded mode (the `newsmon run` path: one ingest flow stores, then
delivers): how long from an article being stored to its alert arriving at a local webhook, and
whether a channel that hangs delays the other channels' alerts.

Against a temporary Prefect server, `--samples` cycles each find one new story (a new file in
a files source) about a tracked company; the time is from the store task's end (as the Prefect
API records it) to the webhook receiving the alert. Then the same again with a second channel
whose server accepts connections and never answers: each cycle's send to it waits out apprise's
4 s read timeout (its backoff is skipped, so that every cycle tries it). The first figure is
the baseline, the second must stay within `SLOWDOWN_S` of it. Prints medians beside targets and
ends with `result: PASS` or `FAIL`. Run from the project root: `.venv/bin/python
bench/alerts.py` (about 2 minutes).
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and its name would hide the
# `alerts` package: the project root takes that place.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

STORED_TO_ALERT_TARGET_S = 1.0
SLOWDOWN_S = 0.5  # what a hanging channel may add to the others' alerts
COMPANIES = ["MiniMax", "无问芯穹"]  # the default rule tracks these
ACTIONS = ["发布新一代模型", "完成新一轮融资", "开放企业版接口", "与高校共建实验室", "推出海外版应用",
           "下调调用价格", "获得算力合作订单", "上线语音助手"]


def story(n: int) -> str:
    """A story of its own for sample `n` (story dedup would fold near-repeats)."""
    company, action = COMPANIES[n % len(COMPANIES)], ACTIONS[n % len(ACTIONS)]
    filler = "".join(f"第{n}号样本在第{i}段里写下不同的细节，编号{n * 31 + i}。" for i in range(6))
    return f"{company}{action}（样本{n}）\n\n{company}今天宣布{action}。{filler}\n"


class Hook:
    """A webhook on loopback: when the alert whose title contains a text arrived."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str]] = []
        self.changed = threading.Condition()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with hook.changed:
                    hook.arrivals.append((time.time(), json.loads(raw)["title"]))
                    hook.changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def arrived(self, text: str, timeout: float = 30) -> float:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not any(text in title for _, title in self.arrivals):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no alert about {text!r} within {timeout:g} s")
                self.changed.wait(left)
            return next(at for at, title in self.arrivals if text in title)


def hanging_url() -> tuple[str, socket.socket]:
    """A webhook that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return
    threading.Thread(target=accept, daemon=True).start()
    return f"json://127.0.0.1:{listener.getsockname()[1]}/hang", listener


def samples(root: Path, hook: Hook, channels: list[str], first: int, count: int) -> list[float]:
    import duckdb
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.ingest import ingest

    config = root / "sources.yaml"
    config.write_text("sources:\n  - {id: desk, kind: files, path: desk/}\nalerts:\n"
                      "  max_per_hour: 0\n  channels:\n"  # every sample's alert on its own
                      + "".join(f"    - {url}\n" for url in channels), encoding="utf-8")
    latencies = []
    for n in range(first, first + count):
        (root / "desk" / f"{n:03d}.txt").write_text(story(n), encoding="utf-8")
        if (root / "w.duckdb").exists():  # as if the backoff had passed: every cycle tries
            with duckdb.connect(str(root / "w.duckdb")) as con:  # the hanging channel again
                con.execute("update alert_deliveries set next_attempt_at = now() - "
                            "interval 1 second where status = 'retrying'")
        state = ingest(config_path=str(config), db_path=str(root / "w.duckdb"), return_state=True)
        arrived = hook.arrived(f"（样本{n}）")
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
        [store] = [r for r in runs if r.name.rsplit("-", 1)[0] == "store"]
        assert store.end_time is not None
        latencies.append(arrived - datetime.fromisoformat(str(store.end_time)).timestamp())
    return latencies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()

    from newsmon.cli import _quiet_prefect
    from newsmon.prefect_server import prefect_api

    _quiet_prefect(False)
    hook = Hook()
    hang, listener = hanging_url()
    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as name, prefect_api():
        root = Path(name)
        (root / "desk").mkdir()
        print(f"newsmon alert benchmark: {args.samples} cycles with one channel, then "
              f"{args.samples} with a hanging channel beside it", flush=True)
        alone = samples(root, hook, [hook.url], 0, args.samples)
        beside = samples(root, hook, [hang, hook.url], args.samples, args.samples)
        import duckdb

        with duckdb.connect(str(root / "w.duckdb"), read_only=True) as con:
            [(tries,)] = con.execute("select coalesce(sum(attempts), 0) from alert_deliveries "
                                     "where status <> 'sent'").fetchall()
    listener.close()

    med = statistics.median
    ok_alone = med(alone) <= STORED_TO_ALERT_TARGET_S
    # every cycle of the second run must have tried the hanging channel, or it measured nothing
    ok_beside = med(beside) - med(alone) <= SLOWDOWN_S and tries >= args.samples
    print()
    print(f"  {'figure':<58} {'median':>8}   target")
    print(f"  {'article stored → alert received, one channel':<58} {med(alone):>6.2f} s   "
          f"≤ {STORED_TO_ALERT_TARGET_S:g} s   {'ok' if ok_alone else 'OVER TARGET'}")
    print(f"  {'the same, a hanging channel beside it':<58} {med(beside):>6.2f} s   "
          f"≤ baseline + {SLOWDOWN_S:g} s   {'ok' if ok_beside else 'OVER TARGET'}")
    print(f"  (slowest: {max(alone):.2f} s alone, {max(beside):.2f} s beside the hanging channel,"
          f" which was tried {tries} times in {args.samples} cycles, each waiting out a timeout)")
    print(f"result: {'PASS' if ok_alone and ok_beside else 'FAIL'}")
    return 0 if ok_alone and ok_beside else 1


if __name__ == "__main__":
    sys.exit(main())
