"""HTTP for sources: bytes plus metadata, with hard limits. No parsing happens here.

Every request has connect/read timeouts, a body size cap enforced while streaming (after
decompression, a bounded slice at a time), a redirect cap, a clear User-Agent, a per-host gate
(at most N requests in flight to one host, spaced by a small delay), and an overall bound that
no server can stretch: each socket operation waits at most until the request's own deadline or
the caller's, whichever comes first, so trickled headers or bodies cannot hold a cycle. (Prefect
task timeouts cannot interrupt a blocked socket read; this can.)
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
import math
import re
import socket
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from newsmon import __version__

if TYPE_CHECKING:  # imported on first use: commands that never fetch start faster
    import httpx

USER_AGENT = f"newsmon/{__version__} (+news monitoring; respects robots.txt)"
# httpx logs every request with its full URL at INFO: a feed's API key would reach the logs.
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    deadline: float = 30.0  # whole request, connect to last byte, redirects included
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
    def slot(self, host: str, until: float | None = None) -> Iterator[None]:
        """Hold one of `host`'s slots for the duration of the block. With `until` (a
        time.monotonic() instant), raises TimeoutError if the turn would start after it."""
        with self._lock:
            semaphore = self._slots[host]
        if not semaphore.acquire(timeout=None if until is None else max(until - time.monotonic(), 0)):
            raise TimeoutError(f"no free slot for {host}")
        try:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start[host])
                if until is not None and start > until:
                    raise TimeoutError(f"the next turn at {host} starts too late")
                self._next_start[host] = start + self._delay
            if start > now:
                time.sleep(start - now)
            yield
        finally:
            semaphore.release()


def make_client(limits: Limits) -> httpx.Client:
    """One client per cycle, shared by every source's thread: pooled connections, our UA, no
    redirects of its own (http_get follows them, each hop through the gate), and sockets that
    keep http_get's deadlines. `limits` only sets the defaults of requests made without http_get."""
    import httpx

    client = httpx.Client(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
    )
    _bound_sockets(client, strict=True)
    return client


def http_get(client: httpx.Client, url: str, limits: Limits, gate: HostGate | None = None, *,
             etag: str | None = None, last_modified: str | None = None,
             deadline: float | None = None) -> Response:
    """GET `url`. Returns 2xx and 304 responses; raises FetchFailed, and only FetchFailed, with a
    one-line reason for everything else: error statuses, invalid URLs, network and protocol errors.

    `limits` holds for this request whatever the client was built with. The request, redirects
    included, is over within `limits.deadline` seconds of its start and by `deadline` (a
    time.monotonic() instant, the caller's own budget), however slowly the server sends; the
    wait for a turn at `gate` counts against `deadline` too."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    _bound_sockets(client, strict=False)  # a client not made by make_client keeps the bounds too
    request = _Request(limits, deadline)
    token = _REQUEST.set(request)
    try:
        return _follow(client, url, headers, gate, request)
    except FetchFailed:
        raise
    except Exception as exc:  # a hostile server must not reach the caller as an unknown error
        raise FetchFailed(_reason(exc, request)) from None
    finally:
        _REQUEST.reset(token)


@dataclass
class _Request:
    """The request under way on this thread, as its sockets see it (through _REQUEST)."""

    limits: Limits
    caller_deadline: float | None
    until: float = math.inf  # every socket wait ends by this time.monotonic() instant
    started: float | None = None  # when the first hop got its turn
    cut: bool = False  # a wait was cut short by `until`

    def __post_init__(self) -> None:
        if self.caller_deadline is not None:
            self.until = self.caller_deadline

    def begin(self) -> None:
        self.started = time.monotonic()
        self.until = min(self.until, self.started + self.limits.deadline)

    @property
    def reason(self) -> str:
        """Why the request ran out of time, naming the limit in force."""
        if self.started is None:
            return "the source's deadline passed before the request could start; not sent"
        if self.caller_deadline is None or self.started + self.limits.deadline <= self.caller_deadline:
            return f"no complete response within {_secs(self.limits.deadline)} s (deadline)"
        return (f"no complete response within {_secs(self.caller_deadline - self.started)} s "
                f"(the source's deadline)")


_REQUEST: contextvars.ContextVar[_Request | None] = contextvars.ContextVar("newsmon_http_request",
                                                                           default=None)
_REDIRECTS = (301, 302, 303, 307, 308)
_DRAIN_BYTES = 64 * 1024  # a redirect body this small is read, so its connection can be reused


def _follow(client: httpx.Client, url: str, headers: dict[str, str], gate: HostGate | None,
            request: _Request) -> Response:
    """The hops of one request: at most limits.max_redirects redirects, each through the gate."""
    limits = request.limits
    target = _checked_url(url, "URL")
    for _ in range(limits.max_redirects + 1):
        if time.monotonic() >= request.until:
            raise FetchFailed(request.reason)
        host = target.host
        turn = gate.slot(host, None if math.isinf(request.until) else request.until) \
            if gate is not None else _no_gate()
        entered = False
        try:
            with turn:
                entered = True
                if request.started is None:
                    request.begin()
                outcome = _hop(client, target, headers, request)
        except TimeoutError:
            if entered:
                raise
            raise FetchFailed(request.reason if request.started is not None else
                              f"no turn at {host} before the source's deadline; not sent") from None
        if isinstance(outcome, Response):
            return outcome
        target = _checked_url(outcome, "redirect target")
    raise FetchFailed(f"more than {limits.max_redirects} redirects (a redirect loop?)")


@contextmanager
def _no_gate() -> Iterator[None]:
    yield


def _hop(client: httpx.Client, target: httpx.URL, headers: dict[str, str],
         request: _Request) -> Response | str:
    """One GET: the final Response, or the URL a redirect points to."""
    import httpx

    limits = request.limits
    left = request.until - time.monotonic()
    timeout = httpx.Timeout(connect=limits.connect_timeout, read=limits.read_timeout,
                            write=limits.read_timeout, pool=None if math.isinf(left) else max(left, 0))
    with client.stream("GET", target, headers=headers, timeout=timeout,
                       follow_redirects=False) as response:
        status = response.status_code
        if status not in _REDIRECTS:
            return _read(response, request)
        location = response.headers.get("location", "").strip()
        if not location:
            raise FetchFailed(_one_line(f"HTTP {status} {response.reason_phrase} without a Location"))
        try:
            next_url = str(response.url.join(location))
        except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
            raise FetchFailed(f"invalid redirect target: {_os_reason(exc)}") from None
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) <= _DRAIN_BYTES:
            for _ in response.iter_raw():
                pass
        return next_url


def _read(response: httpx.Response, request: _Request) -> Response:
    """The body of a final response, within max_bytes once decompressed and within the deadline."""
    limits = request.limits
    status, headers = response.status_code, _headers(response)
    if status != 304 and not 200 <= status < 300:
        raise FetchFailed(_one_line(f"HTTP {status} {response.reason_phrase}"))
    body = bytearray()
    if status != 304:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes:
            raise FetchFailed(f"body of {int(declared):,} bytes is over the "
                              f"{limits.max_bytes:,}-byte limit")
        inflater = _Inflater.for_header(headers.get("content-encoding", ""))
        for raw in response.iter_raw():
            _keep(inflater.feed(raw, limits.max_bytes - len(body) + 1), body, inflater, request)
        _keep(inflater.flush(limits.max_bytes - len(body) + 1), body, inflater, request)
    return Response(str(response.url), status, headers, bytes(body),
                    time.monotonic() - (request.started or 0.0))


def _keep(data: bytes, body: bytearray, inflater: _Inflater, request: _Request) -> None:
    limits = request.limits
    if len(body) + len(data) > limits.max_bytes:
        once = " once decompressed" if inflater.compressed else ""
        raise FetchFailed(f"body over the {limits.max_bytes:,}-byte limit{once}; stopped reading")
    body += data
    if time.monotonic() >= request.until:  # sockets wait no longer, but a steady trickle never waits
        request.cut = True
        raise FetchFailed(request.reason)


class _Inflater:
    """Undoes one Content-Encoding (gzip or deflate) a bounded slice at a time: a few kilobytes
    that inflate to gigabytes never put more than the caller's `room` into memory."""

    _WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}

    def __init__(self, coding: str | None) -> None:
        self.coding = coding
        self._zlib = zlib.decompressobj(self._WBITS[coding]) if coding else None
        self._fed = False

    @property
    def compressed(self) -> bool:
        return self._zlib is not None

    @classmethod
    def for_header(cls, value: str) -> _Inflater:
        """The inflater for a Content-Encoding header; FetchFailed for codings we never asked for."""
        codings = [c.strip().lower() for c in value.split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        if not codings:
            return cls(None)
        if len(codings) == 1 and codings[0] in cls._WBITS:
            return cls(codings[0])
        raise FetchFailed(f"unsupported content-encoding {_one_line(value)[:60]!r}")

    def feed(self, data: bytes, room: int) -> bytes:
        """What `data` inflates to, at most `room` bytes (reaching `room` means: over the limit)."""
        if self._zlib is None:
            return data
        if self._zlib.eof:
            return b""  # bytes after the end of the stream are ignored, as browsers do
        try:
            out = self._zlib.decompress(data, room)
        except zlib.error as exc:
            if self.coding == "deflate" and not self._fed:
                # Many servers send "deflate" as raw deflate, without the zlib header.
                self._zlib, self._fed = zlib.decompressobj(-zlib.MAX_WBITS), True
                return self.feed(data, room)
            raise FetchFailed(f"corrupt {self.coding} body: {_one_line(exc)}") from None
        self._fed = True
        return out

    def flush(self, room: int) -> bytes:
        """Whatever zlib still holds; nothing is left to inflate, since feed consumed all input."""
        if self._zlib is None or self._zlib.eof:
            return b""
        try:
            return self._zlib.flush()[:room]
        except zlib.error as exc:
            raise FetchFailed(f"corrupt {self.coding} body: {_one_line(exc)}") from None


def _checked_url(text: str, what: str) -> httpx.URL:
    """`text` as a URL fit to fetch, else FetchFailed saying what is wrong with it (never quoting
    it: its query may hold a secret). Spaces in a path or query are escaped, as browsers do."""
    import httpx

    text = text.strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise FetchFailed(f"invalid {what}: control characters in it")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        why = str(exc)
        why = "port out of range" if "out of range" in why else \
            "port is not a number" if "integer" in why else _os_reason(exc)
        raise FetchFailed(f"invalid {what}: {why}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchFailed(f"invalid {what}: " + (f"unsupported scheme {scheme[:20]!r}" if scheme
                                                  else "no scheme"))
    if not parts.hostname:
        raise FetchFailed(f"invalid {what}: no host")
    if any(c.isspace() for c in parts.netloc):
        raise FetchFailed(f"invalid {what}: a space in the host")
    if port == 0:
        raise FetchFailed(f"invalid {what}: port out of range")
    try:
        url = httpx.URL(text)
        url.host  # noqa: B018 (decodes the IDNA host, which can fail)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise FetchFailed(f"invalid {what}: {_os_reason(exc)}") from None
    return url


def _reason(exc: Exception, request: _Request) -> str:
    """The one-line reason for an error raised under http_get."""
    import httpx

    limits = request.limits
    if request.cut or isinstance(exc, httpx.PoolTimeout):
        return request.reason
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timeout after {_secs(limits.connect_timeout)} s"
    if isinstance(exc, httpx.ReadTimeout):
        return f"read timeout after {_secs(limits.read_timeout)} s"
    if isinstance(exc, httpx.WriteTimeout):
        return f"write timeout after {_secs(limits.read_timeout)} s"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {_os_reason(exc)}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"broken HTTP response: {_os_reason(exc)}"
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return f"connection broken: {_os_reason(exc)}"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return f"invalid URL: {_os_reason(exc)}"
    if isinstance(exc, httpx.HTTPError):
        return f"HTTP error: {_os_reason(exc)}"
    if isinstance(exc, UnicodeError):
        return f"undecodable response: {_os_reason(exc)}"
    return f"unexpected {type(exc).__name__}: {_os_reason(exc)}"


@contextmanager
def _bounded(timeout: float | None, timed_out: type[Exception]) -> Iterator[float | None]:
    """`timeout` cut down to the time left before the current request's `until`; the request is
    marked as cut short when a wait so cut times out."""
    request = _REQUEST.get()
    left = math.inf if request is None else request.until - time.monotonic()
    if request is None or math.isinf(left) or (timeout is not None and timeout < left):
        yield timeout
        return
    if left <= 0:
        request.cut = True
        raise timed_out("no time left before the deadline")
    try:
        yield left
    except timed_out:
        request.cut = True
        raise


class _BoundedStream:
    """An httpcore network stream whose every wait ends by the current request's deadline."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        import httpcore

        with _bounded(timeout, httpcore.ReadTimeout) as limit:
            data: bytes = self._inner.read(max_bytes, limit)
            return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        import httpcore

        with _bounded(timeout, httpcore.WriteTimeout) as limit:
            self._inner.write(buffer, limit)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> _BoundedStream:
        import httpcore

        with _bounded(timeout, httpcore.ConnectTimeout) as limit:
            return _BoundedStream(self._inner.start_tls(ssl_context, server_hostname, limit))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _BoundedBackend:
    """An httpcore network backend (duck-typed, so httpcore loads only on first use) that wraps
    another, httpcore's SyncBackend, and ends every wait by the current request's deadline.
    Names are resolved in a thread that is waited for only that long: socket timeouts do not
    bound getaddrinfo. The connect timeout covers every address a name resolves to."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> _BoundedStream:
        import httpcore

        with _bounded(timeout, httpcore.ConnectTimeout) as limit:
            until = None if limit is None else time.monotonic() + limit
            error: Exception = httpcore.ConnectError(f"no address for {host}")
            for address in _resolve(host, port, until):
                left = None if until is None else until - time.monotonic()
                if left is not None and left <= 0:
                    raise httpcore.ConnectTimeout(f"no connection to {host} in time")
                try:
                    return _BoundedStream(self._inner.connect_tcp(
                        address, port, timeout=left, local_address=local_address,
                        socket_options=socket_options))
                except httpcore.ConnectError as exc:
                    error = exc
            raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> _BoundedStream:
        import httpcore

        with _bounded(timeout, httpcore.ConnectTimeout) as limit:
            return _BoundedStream(self._inner.connect_unix_socket(path, limit, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _resolve(host: str, port: int, until: float | None) -> list[str]:
    """The addresses of `host`, waiting for the resolver no later than `until`."""
    import httpcore

    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass  # a name, not an address
    answer: list[Any] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as exc:
            answer.append(exc)
        finally:
            done.set()

    threading.Thread(target=lookup, name=f"resolve {host}", daemon=True).start()
    if not done.wait(None if until is None else max(until - time.monotonic(), 0)):
        raise httpcore.ConnectTimeout(f"looking up {host} took too long")
    if isinstance(answer[0], Exception):
        raise httpcore.ConnectError(str(answer[0])) from answer[0]
    return list(dict.fromkeys(str(info[4][0]) for info in answer[0]))


def _bound_sockets(client: httpx.Client, strict: bool) -> None:
    """Put a _BoundedBackend under every transport of `client`, once.

    httpx has no public way to choose the network backend of the transports it builds, so this
    sets httpcore's ConnectionPool._network_backend through httpx.HTTPTransport._pool (httpx 0.28,
    httpcore 1.0; proxy pools are ConnectionPools too). `strict`: fail loudly if that changes;
    otherwise a transport of another kind (one that does no socket I/O of httpcore's) is left as is.
    """
    mounts: dict[Any, Any] = getattr(client, "_mounts", {})
    for transport in [getattr(client, "_transport", None), *mounts.values()]:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None:
            if strict and transport is not None:
                raise RuntimeError(f"cannot bound the sockets of {type(transport).__name__}: "
                                   f"httpx/httpcore internals changed")
            continue
        if not isinstance(backend, _BoundedBackend):
            pool._network_backend = _BoundedBackend(backend)  # type: ignore[union-attr]


def _headers(response: httpx.Response) -> dict[str, str]:
    return {key.lower(): value for key, value in response.headers.items()}


def _secs(seconds: float) -> str:
    return f"{round(seconds, 1):g}" if seconds >= 1 else f"{seconds:.2g}"


def _one_line(text: object) -> str:
    return " ".join(str(text).split())[:200] or type(text).__name__


def _os_reason(exc: BaseException) -> str:
    """An exception's message, one line, without the "[Errno 111]" prefix, lower-cased at the
    start: "connection refused"."""
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", _one_line(exc)) or type(exc).__name__
    return text[0].lower() + text[1:] if text[:2].istitle() else text
