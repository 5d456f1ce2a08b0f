"""Prefect API servers for newsmon's own use, on 127.0.0.1, stopped on every exit path.

- `PrefectServer`, for one `newsmon run`: the API app under uvicorn in a child process, UI
  off, as Prefect's own temporary server runs it. The child asks the kernel to end it when its
  parent dies (PR_SET_PDEATHSIG), so not even kill -9 of newsmon leaves a server running.
- `ServiceServer`, for `newsmon serve`: what `prefect server start` runs (the app with its UI
  and every service, under uvicorn), in a thread of serve's own process, so the service is one
  Python with Prefect loaded rather than two (about 90 MB less) and dies with it.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsmon.errors import NewsmonError

_PR_SET_PDEATHSIG = 1
RETRY_AFTER_S = 0.3  # how soon a client may retry a request the server was too busy for


class PrefectServer:
    """A temporary Prefect server on a free loopback port, in a child process."""

    def __init__(self) -> None:
        self.port = _free_port()
        self._process: subprocess.Popen[bytes] | None = None
        # The server's stderr, kept for the message if it fails to start (a pipe nobody
        # reads could fill and block it); open as long as this object lives.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    def start(self, timeout: float = 90) -> str:
        """Start the server and wait until /api/health answers; returns the API URL."""
        spec = importlib.util.find_spec("prefect")
        if spec is None or spec.origin is None:
            raise NewsmonError("prefect is not installed in this environment")
        command = [sys.executable, "-m", "uvicorn", "--app-dir",
                   str(Path(spec.origin).parent.parent), "--factory",
                   "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
                   str(self.port), "--log-level", "error", "--lifespan", "on"]
        self._process = subprocess.Popen(
            command, env={**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                          "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1"},
            preexec_fn=_die_with_parent(os.getpid()), stdout=subprocess.DEVNULL,
            stderr=self._errors)
        process = self._process
        if _healthy_within(self.api_url, timeout, lambda: process.poll() is None):
            return self.api_url
        if process.poll() is not None:
            self._errors.seek(0)
            error = self._errors.read().decode(errors="replace").strip()
            raise NewsmonError(f"the Prefect server exited with code {process.returncode}: "
                               f"{error[-300:]}")
        self.stop()
        raise NewsmonError(f"the Prefect server on {self.url} was not healthy after {timeout:g} s")

    def stop(self, timeout: float = 10) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # uvicorn shuts the app down cleanly on it
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def prefect_api() -> Iterator[str | None]:
    """The Prefect API to run flows against: the one configured (PREFECT_API_URL or a
    profile), else a temporary server of our own for as long as the block runs. Either way
    the warehouse's concurrency limit exists on it."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from tasks.pipeline import ensure_warehouse_limit

    configured = get_current_settings().api.url
    if configured:
        ensure_warehouse_limit()
        yield configured
        return
    server = PrefectServer()
    try:
        url = server.start()
        with temporary_settings(updates={PREFECT_API_URL: url}):
            ensure_warehouse_limit()
            yield url
    finally:
        server.stop()


class ServiceServer:
    """The Prefect server `prefect server start` runs (`create_app(final=True)`: API, UI and
    every service, under uvicorn), in a thread of this process, on 127.0.0.1:`port`. Prefect's
    settings (PREFECT_HOME, ...) must be in the environment before prefect is imported."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.api_url = f"http://127.0.0.1:{port}/api"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 90) -> str:
        """Start it and wait until /api/health answers; returns the API URL."""
        import uvicorn
        from prefect.server.api.server import create_app

        try:
            with socket.socket() as probe:  # as uvicorn binds: past connections' TIME_WAIT ok
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(("127.0.0.1", self.port))
        except OSError as exc:
            raise NewsmonError(f"cannot serve the Prefect UI on 127.0.0.1:{self.port} "
                               f"({exc.strerror}); set service.ui_port to a free port") from None
        app = create_app(final=True)
        app.add_middleware(RetrySoon)
        self._server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, name="prefect-server",
                                        daemon=True)
        self._thread.start()
        if _healthy_within(self.api_url, timeout, self._thread.is_alive):
            return self.api_url
        self.stop()
        raise NewsmonError(f"the Prefect server on 127.0.0.1:{self.port} did not become "
                           f"healthy within {timeout:g} s; see the log above")

    def stop(self, timeout: float = 20) -> None:
        """Stop it: its services end, then the API."""
        if self._thread is not None and self._thread.is_alive():
            self._server.should_exit = True
            self._thread.join(timeout)
        self._thread = None


class RetrySoon:
    """ASGI middleware: a 503 answer ("busy": on SQLite, a write that met another's commit)
    gets `Retry-After: seconds`. Prefect's clients honour the header; without it they wait
    2 s, then 4, 8, ...: an automation whose run collides with a finishing run's writes would
    start its deployment 2 s late. On the app itself, so the server's in-memory clients (the
    automations' actions) get it too."""

    def __init__(self, app: Any, seconds: float = RETRY_AFTER_S) -> None:
        self.app = app
        self.header = (b"retry-after", str(seconds).encode())

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_hint(message: Any) -> None:
            if (message["type"] == "http.response.start" and message["status"] == 503
                    and not any(k.lower() == b"retry-after" for k, _ in message["headers"])):
                message = {**message, "headers": [*message["headers"], self.header]}
            await send(message)
        return await self.app(scope, receive, send_with_hint)


@contextmanager
def exit_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into SystemExit, so `finally` blocks (stopping servers, rolling back)
    run as they do on Ctrl-C."""
    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy_within(api_url: str, timeout: float, running: Callable[[], bool]) -> bool:
    """Whether /health answers 200 within `timeout` seconds, while the server is `running`."""
    import httpx

    give_up = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < give_up and running():
            try:
                if client.get(f"{api_url}/health").status_code == 200:
                    return True
            except httpx.TransportError:
                pass
            time.sleep(0.1)  # polling for readiness, bounded by `timeout`
    return False


def _die_with_parent(parent: int):  # type: ignore[no-untyped-def]
    def preexec() -> None:
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
    return preexec
