"""tasks/http.py against a real loopback server that misbehaves on purpose."""

import re
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

from hostile import BAD_PORT_LINK, HostileServer
from tasks.http import USER_AGENT, FetchFailed, HostGate, Limits, http_get, make_client

FAST = Limits(connect_timeout=1, read_timeout=1, deadline=5, max_bytes=1024 * 1024,
              max_redirects=3)


def get(web, path: str, limits: Limits = FAST, **kw):
    with make_client(limits) as client:
        return http_get(client, web.url(path), limits, **kw)


def test_ok_response_carries_bytes_headers_and_final_url(web) -> None:
    response = get(web, "/moved-feed")
    assert response.status == 200 and response.url == web.url("/feeds/utf8.xml")
    assert response.body.startswith(b"<?xml") and response.headers["etag"]
    assert web.requests[-1][1]["User-Agent"] == USER_AGENT


@pytest.mark.parametrize("path, reason", [
    ("/status/500", "HTTP 500"),
    ("/status/404", "HTTP 404 Not Found"),
    ("/loop", "more than 3 redirects"),
    ("/big", "over the 1,048,576-byte limit"),
])
def test_failures_have_one_line_reasons(web, path: str, reason: str) -> None:
    with pytest.raises(FetchFailed, match=reason) as info:
        get(web, path)
    assert "\n" not in str(info.value)


def test_hanging_endpoint_times_out_on_the_read_timeout(web) -> None:
    started = time.monotonic()
    with pytest.raises(FetchFailed, match="read timeout after 1 s"):
        get(web, "/hang")
    assert time.monotonic() - started < 4


def test_refused_connection(web) -> None:
    from conftest import free_port

    limits = FAST
    with make_client(limits) as client, pytest.raises(FetchFailed, match="cannot connect"):
        http_get(client, f"http://127.0.0.1:{free_port()}/", limits)


def test_conditional_request_gets_304(web) -> None:
    first = get(web, "/feeds/utf8.xml")
    second = get(web, "/feeds/utf8.xml", etag=first.headers["etag"])
    assert second.not_modified and second.body == b""


def test_host_gate_spaces_requests_to_one_host() -> None:
    gate = HostGate(per_host=1, delay=0.2)
    starts: list[float] = []

    def hit() -> None:
        with gate.slot("example.cn"):
            starts.append(time.monotonic())

    threads = [threading.Thread(target=hit) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    assert starts[1] - starts[0] >= 0.19 and starts[2] - starts[1] >= 0.19


# Against tests/hostile.py: a server that trickles, hangs, loops and inflates on purpose.

HOSTILE = Limits(connect_timeout=1, read_timeout=1, deadline=2, max_bytes=1024 * 1024,
                 max_redirects=3)
SECRET = "?key=s3cret-7f3a"  # a reason may name the limit, never the URL's query


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    server = HostileServer().start()
    yield server
    server.stop()


def failure(url: str, limits: Limits = HOSTILE, client_limits: Limits | None = None,
            **kw) -> tuple[str, float]:
    """The FetchFailed reason for `url`, and the seconds http_get took to give it."""
    with make_client(client_limits or limits) as client:
        started = time.monotonic()
        with pytest.raises(FetchFailed) as info:
            http_get(client, url, limits, **kw)
        return str(info.value), time.monotonic() - started


DEADLINE_2S = r"no complete response within 2 s \(deadline\)"


@pytest.mark.parametrize("mode, reason, at_least, within", [
    ("500", r"HTTP 500 Internal Server Error", 0, 1),
    ("404", r"HTTP 404 Not Found", 0, 1),
    ("refused", r"cannot connect: connection refused", 0, 1),
    ("stalled", r"connect timeout after 1 s", 0.9, 1.8),
    ("hang", r"read timeout after 1 s", 0.9, 1.8),
    ("trickle-headers", DEADLINE_2S, 1.9, 2.8),  # a byte every 0.5 s: no read ever times out
    ("trickle-body", DEADLINE_2S, 1.9, 2.8),
    ("redirect-loop", r"more than 3 redirects \(a redirect loop\?\)", 0, 1),
    ("oversized", r"body over the 1,048,576-byte limit; stopped reading", 0, 2),
    ("oversized-declared", r"body of 10,737,418,240 bytes is over the 1,048,576-byte limit", 0, 1),
    ("gzip-bomb", r"body over the 1,048,576-byte limit once decompressed; stopped reading", 0, 2),
    ("bad-port", r"invalid URL: port out of range", 0, 0.5),
])
def test_hostile_servers_fail_within_the_limits_with_a_reason(
        hostile: HostileServer, mode: str, reason: str, at_least: float, within: float) -> None:
    url = {"refused": hostile.refused_url, "stalled": hostile.stalled_url,
           "bad-port": lambda: BAD_PORT_LINK}.get(mode, lambda: hostile.url(mode))()
    text, elapsed = failure(url + SECRET)
    assert re.fullmatch(reason, text), text
    assert at_least <= elapsed < within, f"{mode}: {elapsed:.2f} s"
    assert "s3cret" not in text


def test_a_redirect_loop_is_cut_after_max_redirects_hops(hostile: HostileServer) -> None:
    before = hostile.hits["redirect-loop"]
    failure(hostile.url("redirect-loop"))
    assert hostile.hits["redirect-loop"] - before == 4  # the request and its 3 redirects


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1:99999/x", "invalid URL: port out of range"),
    ("http://127.0.0.1:0/x", "invalid URL: port out of range"),
    ("http://news.example.cn:8o/x", "invalid URL: port is not a number"),
    ("http:///news?key=s3cret", "invalid URL: no host"),
    ("ftp://news.example.cn/feed", "invalid URL: unsupported scheme 'ftp'"),
    ("news.example.cn/feed", "invalid URL: no scheme"),
    ("http://news example.cn/feed", "invalid URL: a space in the host"),
    ("http://news.example.cn/\x00feed", "invalid URL: control characters in it"),
    ("http://[::1/feed", "invalid URL: invalid IPv6 URL"),
    ("http://xn--zz.cn/feed", "invalid URL: invalid A-label"),
])
def test_invalid_urls_fail_without_a_request(url: str, reason: str) -> None:
    text, elapsed = failure(url)
    assert text == reason and elapsed < 0.5


def test_per_request_limits_override_the_clients(hostile: HostileServer) -> None:
    loose = Limits(connect_timeout=30, read_timeout=30, deadline=60, max_bytes=100 * 1024 * 1024,
                   max_redirects=10)
    tight = Limits(connect_timeout=1, read_timeout=1, deadline=20, max_bytes=4096, max_redirects=1)
    for url, reason in [(hostile.url("hang"), "read timeout after 1 s"),
                        (hostile.stalled_url(), "connect timeout after 1 s"),
                        (hostile.url("oversized"), "body over the 4,096-byte limit; stopped reading"),
                        (hostile.url("redirect-loop"), "more than 1 redirects (a redirect loop?)")]:
        text, elapsed = failure(url, tight, client_limits=loose)
        assert (text, elapsed < 1.8) == (reason, True), elapsed


@pytest.mark.parametrize("mode", ["trickle-headers", "trickle-body", "hang", "stalled"])
def test_the_callers_deadline_cuts_a_request_short(hostile: HostileServer, mode: str) -> None:
    roomy = Limits(connect_timeout=5, read_timeout=5, deadline=30)
    url = hostile.stalled_url() if mode == "stalled" else hostile.url(mode)
    text, elapsed = failure(url, roomy, deadline=time.monotonic() + 1)
    assert re.fullmatch(r"no complete response within (1|0\.\d+) s \(the source's deadline\)", text), text
    assert 0.9 <= elapsed < 1.8


def test_a_deadline_already_past_sends_nothing(hostile: HostileServer) -> None:
    before = hostile.hits["ok-feed"]
    text, _ = failure(hostile.url("ok-feed"), HOSTILE, deadline=time.monotonic() - 1)
    assert text == "the source's deadline passed before the request could start; not sent"
    assert hostile.hits["ok-feed"] == before


def test_waiting_for_the_gate_counts_against_the_deadline(hostile: HostileServer) -> None:
    gate = HostGate(per_host=1, delay=0)
    held, done = threading.Event(), threading.Event()

    def hold_the_only_slot() -> None:
        with gate.slot("127.0.0.1"):
            held.set()
            done.wait(10)

    holder = threading.Thread(target=hold_the_only_slot)
    holder.start()
    before = hostile.hits["ok-feed"]
    try:
        assert held.wait(5)
        text, elapsed = failure(hostile.url("ok-feed"), HOSTILE, gate=gate,
                                deadline=time.monotonic() + 0.5)
    finally:
        done.set()
        holder.join(5)
    assert text == "no turn at 127.0.0.1 before the source's deadline; not sent"
    assert 0.4 <= elapsed < 1.2 and hostile.hits["ok-feed"] == before


class RecordingGate(HostGate):
    """A real HostGate that also remembers which hosts asked for a turn."""

    def __init__(self) -> None:
        super().__init__(per_host=2, delay=0)
        self.hosts: list[str] = []

    @contextmanager
    def slot(self, host: str, until: float | None = None) -> Iterator[None]:
        self.hosts.append(host)
        with super().slot(host, until):
            yield


def redirect(hostile: HostileServer, target: str) -> str:
    return hostile.url("redirect") + "?to=" + quote(target, safe="")


def test_each_redirect_hop_takes_its_turn_at_its_hosts_gate(hostile: HostileServer) -> None:
    gate = RecordingGate()
    target = f"http://localhost:{hostile.port}/ok-feed"
    with make_client(HOSTILE) as client:
        response = http_get(client, redirect(hostile, target), HOSTILE, gate)
    assert response.url == target and response.body == hostile.body("ok-feed")
    assert gate.hosts == ["127.0.0.1", "localhost"]


def test_a_relative_redirect_resolves_against_the_current_url(hostile: HostileServer) -> None:
    with make_client(HOSTILE) as client:
        response = http_get(client, redirect(hostile, "../article/7"), HOSTILE)
    assert response.url == hostile.url("article/7")
    assert "第7号稿件" in response.body.decode("utf-8")


@pytest.mark.parametrize("target, reason", [
    ("ftp://127.0.0.1/feed", "invalid redirect target: unsupported scheme 'ftp'"),
    ("http://127.0.0.1:99999/x", "invalid redirect target: port out of range"),
])
def test_redirects_go_only_to_valid_http_urls(hostile: HostileServer, target: str, reason: str) -> None:
    assert failure(redirect(hostile, target))[0] == reason


def test_one_client_reuses_its_connections(hostile: HostileServer) -> None:
    before = hostile.connections
    with make_client(HOSTILE) as client:
        for _ in range(3):
            http_get(client, hostile.url("ok-feed"), HOSTILE)
        http_get(client, redirect(hostile, "/article/2"), HOSTILE)  # both hops on it too
    assert hostile.connections - before == 1
    headers = hostile.requests[-1][1]
    assert (headers["User-Agent"], headers["Accept-Encoding"]) == (USER_AGENT, "gzip, deflate")


@pytest.mark.parametrize("mode", ["gzip-feed", "deflate-feed"])
def test_compressed_bodies_arrive_decompressed(hostile: HostileServer, mode: str) -> None:
    with make_client(HOSTILE) as client:
        response = http_get(client, hostile.url(mode), HOSTILE)
    assert response.body == hostile.body("ok-feed")
    assert response.headers["content-encoding"] in ("gzip", "deflate")


def test_an_encoding_never_asked_for_fails(hostile: HostileServer) -> None:
    assert failure(hostile.url("unknown-encoding"))[0] == "unsupported content-encoding 'br'"


def test_a_gzip_bomb_never_inflates_past_the_cap_in_memory(hostile: HostileServer) -> None:
    limits = Limits(connect_timeout=1, read_timeout=1, deadline=10, max_bytes=8 * 1024 * 1024)
    with make_client(limits) as client:
        tracemalloc.start()
        try:
            with pytest.raises(FetchFailed, match="over the 8,388,608-byte limit once decompressed"):
                http_get(client, hostile.url("gzip-bomb"), limits)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, f"{peak:,} bytes"


def test_threads_sharing_a_client_each_keep_their_own_deadline(hostile: HostileServer) -> None:
    outcomes: dict[str, tuple[str, float]] = {}
    statuses: list[int] = []

    def fetch(name: str, deadline: float) -> None:
        limits = Limits(connect_timeout=1, read_timeout=1, deadline=deadline)
        started = time.monotonic()
        try:
            http_get(client, hostile.url("trickle-headers"), limits)
        except FetchFailed as exc:
            outcomes[name] = (str(exc), time.monotonic() - started)
        statuses.append(http_get(client, hostile.url("ok-feed"), limits).status)

    with make_client(Limits()) as client:
        threads = [threading.Thread(target=fetch, args=("short", 1.5)),
                   threading.Thread(target=fetch, args=("long", 3))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert outcomes["short"][0] == "no complete response within 1.5 s (deadline)"
    assert outcomes["long"][0] == "no complete response within 3 s (deadline)"
    assert 1.4 <= outcomes["short"][1] < 2.2 and 2.9 <= outcomes["long"][1] < 3.7
    assert statuses == [200, 200]


def test_stop_releases_every_handler_promptly() -> None:
    import socket

    server = HostileServer().start()
    clients = []
    for mode in ("hang", "trickle-headers", "trickle-body", "oversized"):
        conn = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        conn.sendall(f"GET /{mode} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        clients.append(conn)
    until = time.monotonic() + 5
    while sum(server.hits.values()) < 4 and time.monotonic() < until:
        time.sleep(0.01)
    assert server.alive_handlers() == 4
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2 and server.alive_handlers() == 0
    for conn in clients:
        conn.close()
