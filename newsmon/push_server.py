"""The HTTP receiver for `push` sources: `POST /push/<source_id>` with a feed or a JSON list of
articles, `GET /push/<source_id>` for WebSub subscription checks.

Every request is authenticated (the source's token, or a WebSub hub's X-Hub-Signature), bounded
(Content-Length required and capped, headers and body each within `read_timeout` seconds) and
answered with a small JSON body. What to do with the documents is the caller's `handle`.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from newsmon.errors import ConfigError, NewsmonError
from tasks.records import Document
from tasks.sources.push import PushError, PushSource, parse_push
from tasks.urls import mask_urls

Handle = Callable[[PushSource, list[Document], list[str]], dict]

log = logging.getLogger("newsmon.push")

_ROUTE = re.compile(r"^/push/([A-Za-z0-9][A-Za-z0-9_.-]*)$")
_SIGNATURE = re.compile(r"^\s*(sha1|sha256|sha384|sha512)=([0-9A-Fa-f]+)\s*$")
_TOKEN_IN_QUERY = re.compile(r"(?i)((?:^|[?&;])[^=&\s]*token=)[^&\s]*")
_WRITE_TIMEOUT = 10.0
# After refusing a body it did not read, the server drains this much of it (for so long) before
# closing, so the client gets the answer instead of a connection reset.
_DRAIN_BYTES, _DRAIN_SECONDS = 4 * 1024 * 1024, 1.0


class PushServer:
    """A threaded HTTP server receiving pushes for `sources` and handing what they parse to
    `handle(source, documents, skipped)`, whose dict is the 202 answer. `handle` is called from
    one thread at a time; raising NewsmonError there answers 503 with Retry-After (the sender
    tries again later), anything else 500.

    A request's headers, and then its body, must each arrive within `read_timeout` seconds; past
    `max_connections` open at once, more are closed unanswered. Disabled sources get 404.

    Raises ConfigError when a source's token (or hub secret) variable is unset or empty in
    `environ` (default os.environ), or the address cannot be bound.
    """

    def __init__(self, sources: Sequence[PushSource], handle: Handle, *, host: str = "127.0.0.1",
                 port: int = 0, environ: Mapping[str, str] | None = None,
                 read_timeout: float = 5.0, max_connections: int = 64) -> None:
        self._environ: Mapping[str, str] = os.environ if environ is None else environ
        self._handle = handle
        self._handle_lock = threading.Lock()
        self.read_timeout = read_timeout
        self.sources: dict[str, PushSource] = {}
        for source in sources:
            if not source.enabled:
                continue
            if source.id in self.sources:
                raise ConfigError(f"push source {source.id!r} is listed twice")
            for name in (source.token_env, source.hub_secret_env):
                if name is not None and not self._environ.get(name):
                    raise ConfigError(f"push source {source.id!r}: ${name} is not set in the "
                                      f"environment or .env; set it to a long random secret",
                                      key=f"sources.{source.id}")
            self.sources[source.id] = source
        self.host = host
        self._threads: set[threading.Thread] = set()
        self._threads_lock = threading.Lock()
        self._serving: threading.Thread | None = None
        try:
            self._server = _Server((host, port), _handler(self), max_connections)
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port} for push sources: "
                              f"{exc.strerror or exc}; choose another service.push_port") from None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, source_id: str) -> str:
        """Where a sender POSTs for this source."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/push/{source_id}"

    def start(self) -> PushServer:
        """Serve on a background thread; returns at once."""
        if self._serving is None:
            self._serving = threading.Thread(target=self._server.serve_forever, args=(0.1,),
                                             name="push-server", daemon=True)
            self._serving.start()
            log.info("push server listening on %s:%d for %d source(s)", self.host, self.port,
                     len(self.sources))
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, then wait at most `timeout` seconds for requests in progress."""
        if self._serving is not None:
            self._server.shutdown()
            self._serving.join(timeout)
            self._serving = None
        self._server.server_close()
        give_up = time.monotonic() + timeout
        with self._threads_lock:
            busy = list(self._threads)
        for thread in busy:
            thread.join(max(0.0, give_up - time.monotonic()))

    def __enter__(self) -> PushServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def token(self, source: PushSource) -> str:
        return self._environ.get(source.token_env) or ""

    def hub_secret(self, source: PushSource) -> str:
        return (self._environ.get(source.hub_secret_env) or "") if source.hub_secret_env else ""

    def mask(self, text: str) -> str:
        """`text` with every configured secret and any `token=` query value masked."""
        for source in self.sources.values():
            for secret in (self.token(source), self.hub_secret(source)):
                if secret:
                    text = text.replace(secret, "***")
        return mask_urls(_TOKEN_IN_QUERY.sub(r"\1***", text))

    def call_handle(self, source: PushSource, documents: list[Document],
                    skipped: list[str]) -> dict:
        with self._handle_lock:
            return self._handle(source, documents, skipped)

    def enter(self) -> None:
        with self._threads_lock:
            self._threads.add(threading.current_thread())

    def leave(self) -> None:
        with self._threads_lock:
            self._threads.discard(threading.current_thread())


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # PushServer.stop waits for requests, boundedly

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler],
                 max_connections: int) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self._max_connections = max_connections
        self._open: set[Any] = set()  # connections with a thread
        self._open_lock = threading.Lock()
        super().__init__(address, handler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        """Past `max_connections` open at once, another one is closed at once (no thread)."""
        with self._open_lock:
            room = len(self._open) < self._max_connections
        if not room:
            log.debug("push server: %d connections open, one more refused", self._max_connections)
        return room

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)


class _DeadlineReader(io.RawIOBase):
    """Socket reads that fail with TimeoutError once `deadline` (time.monotonic()) has passed,
    however the bytes arrive: a client trickling a byte a second cannot hold a thread."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self.deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request took too long to arrive")
        self._sock.settimeout(left)
        return self._sock.recv_into(buffer)


class _Refused(Exception):
    """An answer other than 202, decided before `handle` is called."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.message, self.headers = status, message, headers or {}
        super().__init__(message)


def _handler(push: PushServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "newsmon-push"

        def version_string(self) -> str:
            return self.server_version

        def setup(self) -> None:
            push.enter()
            super().setup()
            self._reader = _DeadlineReader(self.connection, time.monotonic() + push.read_timeout)
            self.rfile.close()  # the makefile() one; its socket reference would delay the close
            self.rfile = io.BufferedReader(self._reader, 65536)
            self._body_read = True  # nothing left unread on the socket
            self._expects_continue = False

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                push.leave()

        def handle_expect_100(self) -> bool:
            # "100 Continue" only once the request is authorised and its size accepted.
            self._expects_continue = True
            return True

        def do_POST(self) -> None:
            self._answer(self._post)

        def do_GET(self) -> None:
            self._answer(self._verify)

        def _not_allowed(self) -> None:
            self._answer(self._refuse_method)

        do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _not_allowed  # noqa: N815

        def _answer(self, work: Callable[[PushSource], tuple[int, bytes, str, dict[str, str]]]
                    ) -> None:
            self._body_read = self.headers.get("Content-Length", "0").strip() in ("", "0") \
                and "Transfer-Encoding" not in self.headers
            try:
                source = self._source()
                status, body, content_type, headers = work(source)
            except _Refused as refusal:
                status, headers = refusal.status, refusal.headers
                body, content_type = _error(push.mask(refusal.message)), "application/json"
                level = logging.WARNING if status in (401, 403, 408) or status >= 500 \
                    else logging.INFO
                log.log(level, "push %s %s: %d %s", self.command, push.mask(self.path), status,
                        push.mask(refusal.message))
            except Exception:  # a bug here must cost this request only, never the server
                log.exception("push %s %s failed", self.command, push.mask(self.path))
                status, headers = 500, {}
                body, content_type = _error("internal error; see the newsmon log"), \
                    "application/json"
            self._send(status, body, content_type, headers)

        def _source(self) -> PushSource:
            match = _ROUTE.match(urlsplit(self.path).path)
            source = push.sources.get(match.group(1)) if match else None
            if source is None:
                raise _Refused(404, "no such push source")
            if not push.token(source):
                raise _Refused(503, f"push source {source.id!r} has no token: "
                                    f"${source.token_env} is not set")
            return source

        def _refuse_method(self, source: PushSource) -> tuple[int, bytes, str, dict[str, str]]:
            raise _Refused(405, f"{self.command} not allowed; POST a feed or JSON here",
                           {"Allow": "GET, POST"})

        def _post(self, source: PushSource) -> tuple[int, bytes, str, dict[str, str]]:
            signature = self.headers.get("X-Hub-Signature") if source.hub_secret_env else None
            if signature is None:
                self._check_token(source)
            body = self._read_body(source)
            if signature is not None:
                self._check_signature(source, signature, body)
            received_at = datetime.now(UTC)
            try:
                documents, skipped = parse_push(source, body, self.headers.get("Content-Type"),
                                                received_at)
            except PushError as exc:
                raise _Refused(400, str(exc)) from None
            try:
                result = push.call_handle(source, documents, skipped)
            except NewsmonError as exc:
                raise _Refused(503, str(exc), {"Retry-After": "5"}) from None
            except Exception:  # the store's bug or outage: this push fails, the server stays
                log.exception("push source %s: storing %d document(s) failed", source.id,
                              len(documents))
                raise _Refused(500, "internal error while storing; see the newsmon log") from None
            log.info("push source %s: %d document(s), %d skipped, %d bytes", source.id,
                     len(documents), len(skipped), len(body))
            return 202, json.dumps(result, ensure_ascii=False, default=str).encode("utf-8"), \
                "application/json", {}

        def _check_token(self, source: PushSource) -> None:
            given = _bearer(self.headers.get("Authorization")) \
                or self.headers.get("X-Newsmon-Token") \
                or next(iter(parse_qs(urlsplit(self.path).query).get("token", [])), None)
            if not given:
                raise _Refused(401, "missing token: send Authorization: Bearer <token>",
                               {"WWW-Authenticate": 'Bearer realm="newsmon"'})
            if not hmac.compare_digest(given.strip().encode("utf-8"),
                                       push.token(source).encode("utf-8")):
                raise _Refused(403, "wrong token")

        def _check_signature(self, source: PushSource, signature: str, body: bytes) -> None:
            if not push.hub_secret(source):  # never an HMAC keyed with nothing
                raise _Refused(503, f"push source {source.id!r} has no hub secret: "
                                    f"${source.hub_secret_env} is not set")
            match = _SIGNATURE.match(signature)
            if match is None:
                raise _Refused(403, "X-Hub-Signature is not method=hex (sha1, sha256, sha384, "
                                    "sha512); nothing processed")
            method, digest = match.group(1), match.group(2).lower()
            expected = hmac.new(push.hub_secret(source).encode("utf-8"), body,
                                getattr(hashlib, method)).hexdigest()
            if not hmac.compare_digest(digest.encode("ascii"), expected.encode("ascii")):
                raise _Refused(403, "X-Hub-Signature does not match the body; nothing processed")

        def _read_body(self, source: PushSource) -> bytes:
            if "Transfer-Encoding" in self.headers:
                raise _Refused(411, "chunked bodies are not accepted; send a Content-Length")
            lengths = set(self.headers.get_all("Content-Length") or [])
            if not lengths:
                raise _Refused(411, "Content-Length required")
            length_text = lengths.pop().strip()
            if lengths or not length_text.isdigit() or not length_text.isascii():
                raise _Refused(400, "invalid Content-Length")
            length = int(length_text)
            if length > source.max_bytes:
                raise _Refused(413, f"body of {length:,} bytes is over this source's "
                                    f"max_bytes ({source.max_bytes:,})")
            if self._expects_continue:
                self.send_response_only(100)
                self.end_headers()
            self._reader.deadline = time.monotonic() + push.read_timeout
            chunks, left = [], length
            try:
                while left:
                    chunk = self.rfile.read1(min(left, 65536))
                    if not chunk:
                        self._body_read = True  # the client closed its side
                        raise _Refused(400, f"body ended after {length - left:,} of "
                                            f"{length:,} bytes")
                    chunks.append(chunk)
                    left -= len(chunk)
            except TimeoutError:
                raise _Refused(408, f"body not received within {push.read_timeout:g} s") from None
            self._body_read = True
            return b"".join(chunks)

        def _verify(self, source: PushSource) -> tuple[int, bytes, str, dict[str, str]]:
            """A WebSub hub checking that we asked for this (un)subscription (W3C WebSub §5.3)."""
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query,
                                                  keep_blank_values=True).items()}
            mode, topic = query.get("hub.mode"), query.get("hub.topic")
            if mode == "denied":
                log.warning("push source %s: the hub denied the subscription to %s: %s",
                            source.id, push.mask(topic or "?"), query.get("hub.reason", "no reason"))
                return 200, b"", "text/plain", {}
            challenge = query.get("hub.challenge")
            if mode not in ("subscribe", "unsubscribe") or not challenge:
                raise _Refused(404, "not a WebSub verification request")
            if topic != source.topic and not (source.topic is None and mode == "subscribe"):
                raise _Refused(404, f"not subscribed to that topic ({mode})")
            log.info("push source %s: hub verified %s to %s (lease %s s)", source.id, mode,
                     push.mask(topic or "?"), query.get("hub.lease_seconds", "?"))
            return 200, challenge.encode("utf-8"), "text/plain; charset=utf-8", {}

        def _send(self, status: int, body: bytes, content_type: str,
                  headers: dict[str, str]) -> None:
            self.connection.settimeout(_WRITE_TIMEOUT)
            self.close_connection = True  # one request per connection: stop() stays bounded
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.send_header("Cache-Control", "no-store")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
                self.wfile.flush()
            except OSError as exc:
                log.info("push %s: the client left before the answer (%s)", status, exc)
                return
            if not self._body_read:
                self._drain()

        def _drain(self) -> None:
            """Read what is left of a refused body, briefly, so the client sees the answer."""
            try:
                self.connection.shutdown(socket.SHUT_WR)
                self._reader.deadline = time.monotonic() + _DRAIN_SECONDS
                drained = 0
                while drained < _DRAIN_BYTES:
                    chunk = self.rfile.read1(65536)
                    if not chunk:
                        return
                    drained += len(chunk)
            except OSError:  # TimeoutError included: done waiting
                return

        def send_error(self, code: int, message: str | None = None,
                       explain: str | None = None) -> None:
            """http.server's own refusals (bad request line, unknown method) as JSON too."""
            self.close_connection = True
            self._body_read = True
            log.info("push: %s %s", code, push.mask(message or ""))
            self._send(code, _error(message or self.responses.get(code, ("error",))[0]),
                       "application/json", {})

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            log.debug("push %s %s", push.mask(self.requestline), code)

        def log_message(self, format: str, *args: Any) -> None:
            log.info("push: %s", push.mask(format % args))

    return Handler


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def _error(message: str) -> bytes:
    return json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
