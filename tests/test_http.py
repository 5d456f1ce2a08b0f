"""tasks/http.py against a real loopback server that misbehaves on purpose."""

import threading
import time

import pytest

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
