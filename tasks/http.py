"""HTTP for sources: bytes plus metadata, with hard limits. No parsing happens here.

Every request has connect/read timeouts and an overall deadline (httpx's, not Prefect's: task
timeouts cannot interrupt a blocked socket read), a body size cap enforced while streaming,
a redirect cap, a clear User-Agent, and a per-host gate: at most N requests in flight to one
host, spaced by a small delay.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from newsmon import __version__

if TYPE_CHECKING:  # imported on first use: commands that never fetch start faster
    import httpx

USER_AGENT = f"newsmon/{__version__} (+news monitoring; respects robots.txt)"


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 30.0  # whole request, headers to last byte
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    host_delay: float = 0.2  # seconds between two requests to one host


@dataclass(frozen=True)
class Response:
    url: str  # final URL, after redirects
    status: int
    headers: dict[str, str]
    body: bytes
    elapsed_s: float

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def charset(self) -> str | None:
        content_type = self.headers.get("content-type", "")
        for part in content_type.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset":
                return value.strip().strip("'\"") or None
        return None


class FetchFailed(Exception):
    """One-line reason a fetch failed, fit for fetch_runs.error."""


class HostGate:
    """At most `per_host` requests in flight per host, `delay` seconds apart."""

    def __init__(self, per_host: int, delay: float) -> None:
        self._per_host, self._delay = per_host, delay
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = defaultdict(
            lambda: threading.Semaphore(self._per_host))
        self._next_start: dict[str, float] = defaultdict(float)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots[host]
        with semaphore:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start[host])
                self._next_start[host] = start + self._delay
            if start > now:
                time.sleep(start - now)
            yield


def make_client(limits: Limits) -> httpx.Client:
    """One client per cycle, shared by every source: connection pooling, our UA, our timeouts."""
    import httpx

    return httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout),
        follow_redirects=True,
        max_redirects=limits.max_redirects,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
    )


def http_get(client: httpx.Client, url: str, limits: Limits, gate: HostGate | None = None, *,
             etag: str | None = None, last_modified: str | None = None) -> Response:
    """GET `url`. Returns 2xx and 304 responses; raises FetchFailed for everything else."""
    import httpx

    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    host = urlsplit(url).hostname or ""
    started = time.monotonic()
    try:
        if gate is None:
            return _get(client, url, headers, limits, started)
        with gate.slot(host):
            return _get(client, url, headers, limits, time.monotonic())
    except httpx.TooManyRedirects:
        raise FetchFailed(f"more than {limits.max_redirects} redirects (a redirect loop?)") from None
    except httpx.ConnectTimeout:
        raise FetchFailed(f"connect timeout after {limits.connect_timeout:g} s") from None
    except httpx.TimeoutException:
        raise FetchFailed(f"read timeout after {limits.read_timeout:g} s") from None
    except httpx.ConnectError as exc:
        raise FetchFailed(f"cannot connect: {_short(exc)}") from None
    except httpx.HTTPError as exc:
        raise FetchFailed(f"HTTP error: {_short(exc)}") from None


def _get(client: httpx.Client, url: str, headers: dict[str, str], limits: Limits,
         started: float) -> Response:
    with client.stream("GET", url, headers=headers) as response:
        if response.status_code == 304:
            return Response(str(response.url), 304, _headers(response), b"",
                            time.monotonic() - started)
        if response.status_code >= 400:
            raise FetchFailed(f"HTTP {response.status_code} {response.reason_phrase}".strip())
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limits.max_bytes:
            raise FetchFailed(f"body of {int(declared):,} bytes is over the "
                              f"{limits.max_bytes:,}-byte limit")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limits.max_bytes:
                raise FetchFailed(f"body over the {limits.max_bytes:,}-byte limit; stopped reading")
            if time.monotonic() - started > limits.deadline:
                raise FetchFailed(f"still downloading after {limits.deadline:g} s; gave up")
            chunks.append(chunk)
        return Response(str(response.url), response.status_code, _headers(response),
                        b"".join(chunks), time.monotonic() - started)


def _headers(response: httpx.Response) -> dict[str, str]:
    return {key.lower(): value for key, value in response.headers.items()}


def _short(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
