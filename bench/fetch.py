"""Fetch-cycle benchmark: do hanging feeds cost one timeout in parallel rather than one each,
and are unchanged feeds left undownloaded on the next cycle?

Serves `--feeds` small RSS feeds from a child process, dealt over `--hosts` loopback addresses
(127.0.0.1, 127.0.0.2, ...: each its own host to the real per-host gate), with a
`--hang-ratio` share of them never answering. Then, in the same run, so the machine's noise
weighs on every figure alike:

- the concurrent cycle (`fetch_all`), `--repeats` times: its median wall time should stay
  within 1.5x the per-source read timeout, as the hangs time out side by side;
- the sequential baseline (`fetch_source` in a loop), `--baseline-repeats` times: one
  timeout per hanging feed, which is what the concurrency saves;
- a second cycle with the first cycle's cursors: every feed that answered should now answer
  304, so no body is downloaded again.

Exits 1 when the concurrent median is over 1.5x the timeout, when the second cycle downloads
a body again, or when the failures are not exactly the hanging feeds timing out (the figures
would then measure something else). Run from the project root: `.venv/bin/python bench/fetch.py`.

The gate keeps the project's defaults (`--per-host`, `--host-delay`) and the header says how
long its delay alone spreads the requests to one host: with few hosts and a short timeout
that spread, not the hangs, can set the wall time.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event
from pathlib import Path
from xml.sax.saxutils import escape

from tasks.http import HostGate, Limits, make_client
from tasks.records import Cursor
from tasks.sources import FetchContext, FetchResult, fetch_all, fetch_source
from tasks.sources.rss import RssSource

TARGET_RATIO = 1.5  # concurrent wall time over the per-source read timeout
HANG_LIMIT_S = 60.0  # a hanging handler returns by itself after this, even if never released
ENTRIES_PER_FEED = 5
_TITLES = ["无问芯穹发布新一代推理引擎", "MiniMax 开源长上下文模型", "智谱完成新一轮融资",
           "月之暗面上线多模态助手", "百川智能推出医疗大模型"]

Cycle = Callable[[Sequence[RssSource], FetchContext], list[FetchResult]]


@dataclass(frozen=True)
class Feed:
    number: int
    host: str
    hangs: bool

    @property
    def path(self) -> str:
        return f"/feed/{self.number}.xml"


def plan_feeds(count: int, hosts: int, hang_ratio: float) -> list[Feed]:
    """Hanging feeds spread evenly through the config order, since a hang can only start when
    the pool reaches it; hanging and answering feeds each dealt round-robin over the hosts, so
    every host has its share of both."""
    feeds, dealt = [], Counter[bool]()
    for number in range(count):
        hangs = int((number + 1) * hang_ratio) > int(number * hang_ratio)
        feeds.append(Feed(number, f"127.0.0.{dealt[hangs] % hosts + 1}", hangs))
        dealt[hangs] += 1
    return feeds


def feed_body(number: int) -> bytes:
    """A small RSS 2.0 feed with Chinese titles and links no other feed has."""
    items = "".join(
        f"<item><title>{_TITLES[k % len(_TITLES)]}（第 {number} 号源第 {k} 条）</title>"
        f"<link>https://news.example.cn/feed{number}/item{k}.html</link>"
        f"<description>{escape(f'<p>{_TITLES[k % len(_TITLES)]}。详情见原文。</p>')}"
        f"</description><pubDate>Mon, 03 Nov 2025 {k:02d}:00:00 +0800</pubDate></item>"
        for k in range(ENTRIES_PER_FEED))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>测试源 {number}</title><link>https://news.example.cn/feed{number}/</link>"
            f"<description>基准测试</description>{items}</channel></rss>").encode()


class FeedServers:
    """One ThreadingHTTPServer per host address, all in a child process: the fetching side
    must not share its interpreter lock with the servers, as it would not with real sites."""

    def __init__(self, feeds: Sequence[Feed]) -> None:
        self._feeds = list(feeds)
        self._release = multiprocessing.Event()  # set at shutdown so hanging handlers return
        self._sent = multiprocessing.Value("i", 0)
        self._ports: dict[str, int] = {}
        self._process: multiprocessing.Process | None = None

    @property
    def bodies_sent(self) -> int:
        return self._sent.value

    def url(self, feed: Feed) -> str:
        return f"http://{feed.host}:{self._ports[feed.host]}{feed.path}"

    def start(self) -> None:
        receiver, sender = multiprocessing.Pipe(duplex=False)
        self._process = multiprocessing.Process(
            target=_serve, args=(self._feeds, self._release, self._sent, sender), daemon=True)
        self._process.start()
        answer = receiver.recv()
        if isinstance(answer, str):
            raise SystemExit(answer)
        self._ports = answer

    def stop(self) -> None:
        self._release.set()
        if self._process is not None:
            self._process.terminate()
            self._process.join()


def _serve(feeds: Sequence[Feed], release: Event, sent: Synchronized,
           ports: Connection) -> None:
    """The child process: start every host's server, report the ports, serve until stopped."""
    hanging = {feed.path for feed in feeds if feed.hangs}
    bodies = {feed.path: feed_body(feed.number) for feed in feeds if not feed.hangs}
    etags = {path: '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
             for path, body in bodies.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path in hanging:
                release.wait(HANG_LIMIT_S)
                self.close_connection = True
                return
            body, etag = bodies.get(self.path), etags.get(self.path)
            if body is None or etag is None:
                self.send_error(404)
                return
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with sent.get_lock():
                sent.value += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

    try:
        servers = {host: _listen(host, Handler) for host in dict.fromkeys(f.host for f in feeds)}
    except SystemExit as exc:
        ports.send(str(exc))
        return
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports.send({host: server.server_address[1] for host, server in servers.items()})
    release.wait()


def _listen(host: str, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    try:
        server = ThreadingHTTPServer((host, 0), handler)
    except OSError as exc:
        raise SystemExit(f"cannot listen on {host} ({exc}). Linux routes all of 127/8 to lo; "
                         "elsewhere alias the addresses on lo0, or run with --hosts 1 "
                         "--per-host 64 --host-delay 0") from None
    server.daemon_threads = True
    return server


@dataclass(frozen=True)
class Setup:
    sources: list[RssSource]
    hanging: set[str]  # ids of the sources whose server never answers
    limits: Limits
    concurrent: Cycle

    @property
    def timeout(self) -> float:
        return self.limits.read_timeout


def run_cycle(cycle: Cycle, setup: Setup, cursors: Mapping[tuple[str, str], Cursor]
              ) -> tuple[float, list[FetchResult]]:
    """Wall time and results of one cycle, set up as the pipeline sets one up: a fresh client
    and gate, nothing known but the cursors."""
    started = time.perf_counter()
    with make_client(setup.limits) as client:
        context = FetchContext(base_dir=Path.cwd(), client=client, limits=setup.limits,
                               gate=HostGate(setup.limits.per_host, setup.limits.host_delay),
                               cursors=cursors, known_urls=set())
        results = cycle(setup.sources, context)
    return time.perf_counter() - started, results


def sequential(sources: Sequence[RssSource], context: FetchContext) -> list[FetchResult]:
    return [fetch_source(source, context) for source in sources]


def concurrent_cycles(setup: Setup, repeats: int) -> tuple[float, list[FetchResult]]:
    """Median wall time of `repeats` first cycles, and the last one's results."""
    walls, results = [], []
    for _ in range(repeats):
        wall, results = run_cycle(setup.concurrent, setup, {})
        walls.append(wall)
    median = statistics.median(walls)
    print(f"concurrent cycle:    median {median:.2f} s ({median / setup.timeout:.2f}x the "
          f"timeout; target <= {TARGET_RATIO:g}x)  {runs(walls)}")
    print(f"  last run: {describe(results, setup.hanging)}")
    return median, results


def second_cycle(setup: Setup, first: Sequence[FetchResult], servers: FeedServers
                 ) -> list[FetchResult]:
    """A cycle given the first one's cursors, as the warehouse would hand them back."""
    cursors = {(c.source_id, c.url): c for r in first for c in r.cursors}
    sent_before = servers.bodies_sent
    wall, results = run_cycle(setup.concurrent, setup, cursors)
    print(f"second cycle (unchanged feeds): {sum(r.downloads for r in results)} bodies "
          f"downloaded again (server sent {servers.bodies_sent - sent_before}), "
          f"{sum(r.not_modified for r in results)} answered 304, "
          f"{sum(bool(r.error) for r in results)} failed (hang); wall {wall:.2f} s")
    return results


def sequential_baseline(setup: Setup, repeats: int, concurrent_median: float) -> None:
    walls = [run_cycle(sequential, setup, {})[0] for _ in range(repeats)]
    median = statistics.median(walls)
    print(f"sequential baseline: median {median:.2f} s ({median / setup.timeout:.1f}x the "
          f"timeout; the concurrent cycle is {median / concurrent_median:.1f}x faster)  "
          f"{runs(walls)}")


def problems(setup: Setup, median: float, first: Sequence[FetchResult],
             second: Sequence[FetchResult]) -> list[str]:
    found = []
    if median > TARGET_RATIO * setup.timeout:
        found.append(f"concurrent median {median:.2f} s is over "
                     f"{TARGET_RATIO * setup.timeout:g} s")
    if again := sum(r.downloads for r in second):
        found.append(f"the second cycle downloaded {again} bodies again")
    if not all(failures_are_the_hangs(results, setup.hanging) for results in (first, second)):
        found.append("the failed sources are not exactly the hanging feeds timing out")
    return found


def failures_are_the_hangs(results: Sequence[FetchResult], hanging: set[str]) -> bool:
    failed = [r for r in results if r.error]
    return ({r.source_id for r in failed} == hanging
            and all("read timeout" in (r.error or "") for r in failed))


def describe(results: Sequence[FetchResult], hanging: set[str]) -> str:
    failed = [r for r in results if r.error]
    timeouts = sum("read timeout" in (r.error or "") for r in failed)
    of_hanging = sum(r.source_id in hanging for r in failed)
    example = f"; e.g. {failed[0].error!r}" if failed else ""
    return (f"{sum(len(r.documents) for r in results)} documents from "
            f"{len(results) - len(failed)} feeds; {len(failed)} sources failed, "
            f"{of_hanging} of them hanging feeds, {timeouts} errors say \"read timeout\""
            f"{example}")


def runs(times: Sequence[float]) -> str:
    return "[runs: " + " ".join(f"{t:.2f}" for t in times) + "]"


def parse_args() -> argparse.Namespace:
    defaults = Limits()
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--hang-ratio", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=2.0, help="per-source read timeout, s")
    parser.add_argument("--repeats", type=int, default=3, help="concurrent cycles")
    parser.add_argument("--baseline-repeats", type=int, default=1, help="sequential cycles")
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--hosts", type=int, default=200,
                        help="loopback addresses, 1 to 254 (default: a site per feed)")
    parser.add_argument("--per-host", type=int, default=defaults.per_host,
                        help="the HostGate's requests at once to one host")
    parser.add_argument("--host-delay", type=float, default=defaults.host_delay,
                        help="the HostGate's seconds between two requests to one host")
    args = parser.parse_args()
    if not 1 <= args.hosts <= 254 or args.repeats < 1 or args.baseline_repeats < 1:
        parser.error("--hosts must be 1 to 254, and the repeats at least 1")
    return args


def main() -> int:
    args = parse_args()
    feeds = plan_feeds(args.feeds, args.hosts, args.hang_ratio)
    servers = FeedServers(feeds)
    servers.start()
    try:
        sources = [RssSource(id=f"f{feed.number:03d}", kind="rss", url=servers.url(feed),
                             read_timeout=args.timeout, connect_timeout=1) for feed in feeds]
        # http_get applies each source's own limits; these are the client's defaults.
        limits = Limits(connect_timeout=1, read_timeout=args.timeout, per_host=args.per_host,
                        host_delay=args.host_delay)
        setup = Setup(sources, {s.id for s, f in zip(sources, feeds, strict=True) if f.hangs}, limits,
                      partial(fetch_all, workers=args.workers))
        most = max(Counter(feed.host for feed in feeds).values())
        print(f"fetch bench: {len(feeds)} feeds ({len(setup.hanging)} hang), per-source read "
              f"timeout {args.timeout:g} s, {args.workers} workers, {args.hosts} hosts "
              f"(127.0.0.1-{args.hosts}, up to {most} feeds each; real HostGate: "
              f"{args.per_host} per host, {args.host_delay:g} s apart, so starts on one host "
              f"spread over >= {(most - 1) * args.host_delay:.1f} s), repeats {args.repeats}")
        median, first = concurrent_cycles(setup, args.repeats)
        second = second_cycle(setup, first, servers)
        sequential_baseline(setup, args.baseline_repeats, median)
    finally:
        servers.stop()
    found = problems(setup, median, first, second)
    if found:
        print("failed: " + "; ".join(found))
    print(f"result: {'FAIL' if found else 'PASS'}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
