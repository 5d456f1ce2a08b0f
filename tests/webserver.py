"""A real HTTP server on 127.0.0.1 for source tests: files from tests/data/web with ETags, plus
endpoints that misbehave on purpose (hang, huge body, error status, redirect loop)."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "data" / "web"
_TYPES = {".xml": "application/rss+xml", ".rdf": "application/rdf+xml", ".html": "text/html",
          ".txt": "text/plain"}


class WebServer:
    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()  # path -> responses with a body
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.content_types: dict[str, str] = {}  # path -> Content-Type to send instead
        self.files: dict[str, bytes] = {}  # extra files a test serves, by path
        self.release = threading.Event()  # set at shutdown so hanging handlers return
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> WebServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                server.requests.append((self.path, dict(self.headers)))
                if path == "/hang":
                    server.release.wait(60)
                    return self._send(200, b"late", "text/plain")
                if path == "/big":
                    return self._stream_big()
                if path.startswith("/status/"):
                    return self._send(int(path.rsplit("/", 1)[1]), b"error page", "text/html")
                if path == "/loop":
                    return self._redirect("/loop")
                if path == "/moved-feed":
                    return self._redirect("/feeds/utf8.xml")
                file = (ROOT / path.lstrip("/")).resolve()
                if path in server.files:
                    body = server.files[path]
                elif ROOT in file.parents and file.is_file():
                    body = file.read_bytes()
                else:
                    return self._send(404, b"not found", "text/html")
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                content_type = server.content_types.get(path, _TYPES.get(file.suffix, "text/plain"))
                return self._send(200, body, content_type, {"ETag": etag})

            def _send(self, status: int, body: bytes, content_type: str,
                      headers: dict[str, str] | None = None) -> None:
                if status == 200:
                    server.hits[self.path.split("?", 1)[0]] += 1
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def _redirect(self, target: str) -> None:
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def _stream_big(self) -> None:
                """50 MB without a Content-Length: only a streaming cap can stop it."""
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b"<!-- " + b"x" * 65_000 + b" -->"
                try:
                    for _ in range(50 * 1024 * 1024 // len(chunk)):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                        if server.release.is_set():
                            return
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading, as it should

        return Handler
