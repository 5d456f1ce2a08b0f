"""Fetch-cycle benchmark: do hanging feeds cost one timeout in parallel rather than one each,
and are unchanged feeds left undownloaded on the next cycle?

Serves `--feeds` small RSS feeds from this process, dealt over `--hosts` loopback addresses
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
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from tasks.http import HostGate, Limits, make_client
from tasks.sources import Cursor, FetchContext, FetchResult, fetch_all, fetch_source
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
    """Feeds dealt round-robin over the hosts. Each host has the same share of hanging feeds,
    spread out, so that no host is an outlier holding most of the hangs."""
    feeds = []
    for number in range(count):
        host, position = number % hosts, number // hosts
        hangs = int((position + 1) * hang_ratio) > int(position * hang_ratio)
        feeds.append(Feed(number, f"127.0.0.{host + 1}", hangs))
    return feeds


def feed_body(number: int) -> bytes:
    """A small RSS 2.0 feed with Chinese titles and links no other feed has."""
    items = "".join(
        f"<item><title>{_TITLES[k % len(_TITLES)]}（第 {number} 号源第 {k} 条）</title>"
        f"<link>https://news.example.cn/feed{number}/item{k}.html</link>"
        f"<description>{escape(f'<p>{_TITLES[k % len(_TITLES)]}。详情见原文。</p>')}"
        f"</description><pubDate>Mon, 03 Nov 2025 0{k}:00:00 +0800</pubDate></item>"
        for k in range(ENTRIES_PER_FEED))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>测试源 {number}</title><link>https://news.example.cn/feed{number}/</link>"
            f"<description>基准测试</description>{items}</channel></rss>").encode()


class FeedServers:
    """One ThreadingHTTPServer per host address, served from background threads."""

    def __init__(self, feeds: Sequence[Feed]) -> None:
        self.release = threading.Event()  # set at shutdown so hanging handlers return
        self.bodies_sent = 0
        self._lock = threading.Lock()
        self._hanging = {feed.path for feed in feeds if feed.hangs}
        self._bodies = {feed.path: feed_body(feed.number) for feed in feeds if not feed.hangs}
        self._etags = {path: '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                       for path, body in self._bodies.items()}
        handler = self._handler()
        self._servers = {host: _listen(host, handler) for host in dict.fromkeys(f.host for f in feeds)}

    def url(self, feed: Feed) -> str:
        return f"http://{feed.host}:{self._servers[feed.host].server_address[1]}{feed.path}"

    def start(self) -> None:
        for server in self._servers.values():
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        for server in self._servers.values():
            server.shutdown()
            server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        feeds = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path in feeds._hanging:
                    feeds.release.wait(HANG_LIMIT_S)
                    self.close_connection = True
                    return
                body, etag = feeds._bodies.get(self.path), feeds._etags.get(self.path)
                if body is None or etag is None:
                    self.send_error(404)
                    return
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with feeds._lock:
                    feeds.bodies_sent += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        return Handler


def _listen(host: str, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    try:
        server = ThreadingHTTPServer((host, 0), handler)
    except OSError as exc:
        raise SystemExit(f"cannot listen on {host} ({exc}). Linux routes all of 127/8 to lo; "
                         "elsewhere alias the addresses on lo0, or run with --hosts 1 "
                         "--per-host 64 --host-delay 0") from None
    server.daemon_threads = True
    return server


def run_cycle(cycle: Cycle, sources: Sequence[RssSource], limits: Limits,
              cursors: Mapping[tuple[str, str], Cursor]) -> tuple[float, list[FetchResult]]:
    """Wall time and results of one cycle, built as the pipeline builds it: a fresh client
    and gate, nothing known yet but the cursors."""
    started = time.perf_counter()
    with make_client(limits) as client:
        context = FetchContext(base_dir=Path.cwd(), client=client, limits=limits,
                               gate=HostGate(limits.per_host, limits.host_delay),
                               cursors=cursors, known_urls=set())
        results = cycle(sources, context)
    return time.perf_counter() - started, results


def sequential(sources: Sequence[RssSource], context: FetchContext) -> list[FetchResult]:
    return [fetch_source(source, context) for source in sources]


def failures_are_the_hangs(results: Sequence[FetchResult], hanging: set[str]) -> bool:
    failed = {r.source_id for r in results if r.error}
    return failed == hanging and all("read timeout" in (r.error or "") for r in results
                                     if r.error)


def describe_failures(results: Sequence[FetchResult], hanging: set[str]) -> str:
    failed = [r for r in results if r.error]
    timeouts = sum("read timeout" in (r.error or "") for r in failed)
    of_hanging = sum(r.source_id in hanging for r in failed)
    example = f"; e.g. {failed[0].error!r}" if failed else ""
    return (f"{len(failed)} sources failed, {of_hanging} of them hanging feeds, "
            f"{timeouts} errors say \"read timeout\"{example}")


def runs(times: Sequence[float]) -> str:
    return "[runs: " + " ".join(f"{t:.2f}" for t in times) + "]"


def parse_args() -> argparse.Namespace:
    defaults = Limits()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--hang-ratio", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=2.0, help="per-source read timeout, s")
    parser.add_argument("--repeats", type=int, default=3, help="concurrent cycles")
    parser.add_argument("--baseline-repeats", type=int, default=1, help="sequential cycles")
    parser.add_argument("--workers", type=int, default=32)
    parser.add_argument("--hosts", type=int, default=10, help="loopback addresses, <= 254")
    parser.add_argument("--per-host", type=int, default=defaults.per_host)
    parser.add_argument("--host-delay", type=float, default=defaults.host_delay)
    args = parser.parse_args()
    if not 1 <= args.hosts <= 254 or args.repeats < 1 or args.baseline_repeats < 1:
        parser.error("--hosts must be 1..254, the repeats at least 1")
    return args


def main() -> int:
    args = parse_args()
    feeds = plan_feeds(args.feeds, args.hosts, args.hang_ratio)
    servers = FeedServers(feeds)
    servers.start()
    try:
        return bench(args, feeds, servers)
    finally:
        servers.stop()


def bench(args: argparse.Namespace, feeds: Sequence[Feed], servers: FeedServers) -> int:
    sources = [RssSource(id=f"f{feed.number:03d}", kind="rss", url=servers.url(feed),
                         read_timeout=args.timeout, connect_timeout=1) for feed in feeds]
    hanging = {source.id for source, feed in zip(sources, feeds) if feed.hangs}
    # The client gets the sources' timeouts too, so the figures hold whichever of the two
    # http_get ends up applying.
    limits = Limits(connect_timeout=1, read_timeout=args.timeout, per_host=args.per_host,
                    host_delay=args.host_delay)
    timeout, target = args.timeout, TARGET_RATIO * args.timeout
    per_host = -(-len(feeds) // args.hosts)
    print(f"fetch bench: {len(feeds)} feeds ({len(hanging)} hang), per-source read timeout "
          f"{timeout:g} s, {args.workers} workers, {args.hosts} hosts (127.0.0.1-127.0.0.{args.hosts}, "
          f"up to {per_host} feeds each; real HostGate: {args.per_host} per host, "
          f"{args.host_delay:g} s apart), repeats {args.repeats}")

    def concurrent(batch: Sequence[RssSource], context: FetchContext) -> list[FetchResult]:
        return fetch_all(batch, context, args.workers)

    walls, first = [], []
    for _ in range(args.repeats):
        wall, first = run_cycle(concurrent, sources, limits, {})
        walls.append(wall)
    median = statistics.median(walls)
    print(f"concurrent cycle:    median {median:.2f} s ({median / timeout:.2f}x the timeout; "
          f"target <= {TARGET_RATIO:g}x)  {runs(walls)}")
    print(f"  last run: {describe_failures(first, hanging)}")

    cursors = {(c.source_id, c.url): c for r in first for c in r.cursors}
    sent_before = servers.bodies_sent
    second_wall, second = run_cycle(concurrent, sources, limits, cursors)
    again = sum(r.downloads for r in second)
    print(f"second cycle (unchanged feeds): {again} bodies downloaded again "
          f"(server sent {servers.bodies_sent - sent_before}), "
          f"{sum(r.not_modified for r in second)} answered 304, "
          f"{sum(bool(r.error) for r in second)} failed (hang); wall {second_wall:.2f} s")

    baseline = [run_cycle(sequential, sources, limits, {})[0]
                for _ in range(args.baseline_repeats)]
    base_median = statistics.median(baseline)
    print(f"sequential baseline: median {base_median:.2f} s ({base_median / timeout:.1f}x the "
          f"timeout; the concurrent cycle is {base_median / median:.1f}x faster)  {runs(baseline)}")

    problems = []
    if median > target:
        problems.append(f"concurrent median {median:.2f} s is over {target:g} s")
    if again:
        problems.append(f"the second cycle downloaded {again} bodies again")
    if not (failures_are_the_hangs(first, hanging) and failures_are_the_hangs(second, hanging)):
        problems.append("the failed sources are not exactly the hanging feeds timing out")
    print("result: " + ("FAIL: " + "; ".join(problems) if problems else "PASS"))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
