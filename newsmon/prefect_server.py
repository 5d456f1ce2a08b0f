"""A Prefect API server for newsmon's own use: started as a child on 127.0.0.1, stopped on
every exit path. The child asks the kernel to end it when its parent dies (PR_SET_PDEATHSIG),
so not even kill -9 of newsmon leaves a server running.
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
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newsmon.errors import NewsmonError

_PR_SET_PDEATHSIG = 1


class PrefectServer:
    """A Prefect server on a loopback port (a free one unless given). `temporary`: the app
    under uvicorn with the UI off, as Prefect's own temporary server runs it, for one
    `newsmon run`; otherwise `prefect server start`, UI and every service included."""

    def __init__(self, port: int | None = None, *, temporary: bool = False) -> None:
        self.port = port or _free_port()
        self.temporary = temporary
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
        import httpx

        spec = importlib.util.find_spec("prefect")
        if spec is None or spec.origin is None:
            raise NewsmonError("prefect is not installed in this environment")
        if self.temporary:
            command = [sys.executable, "-m", "uvicorn", "--app-dir",
                       str(Path(spec.origin).parent.parent), "--factory",
                       "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port",
                       str(self.port), "--log-level", "error", "--lifespan", "on"]
            env = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1"}
        else:
            command = [sys.executable, "-m", "prefect", "server", "start", "--host",
                       "127.0.0.1", "--port", str(self.port), "--log-level", "WARNING"]
            env = {}
        self._process = subprocess.Popen(
            command, env={**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **env},
            preexec_fn=_die_with_parent(os.getpid()), stdout=subprocess.DEVNULL,
            stderr=self._errors)
        give_up = time.monotonic() + timeout
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < give_up:
                if self._process.poll() is not None:
                    self._errors.seek(0)
                    error = self._errors.read().decode(errors="replace").strip()
                    raise NewsmonError(f"the Prefect server exited with code "
                                       f"{self._process.returncode}: {error[-300:]}")
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return self.api_url
                except httpx.TransportError:
                    pass
                time.sleep(0.1)  # polling for readiness, bounded by `timeout`
        self.stop()
        raise NewsmonError(f"the Prefect server on {self.url} was not healthy after {timeout:g} s")

    def stop(self, timeout: float = 10) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # `prefect server start` exits cleanly on it
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
    server = PrefectServer(temporary=True)
    try:
        url = server.start()
        with temporary_settings(updates={PREFECT_API_URL: url}):
            ensure_warehouse_limit()
            yield url
    finally:
        server.stop()


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


def _die_with_parent(parent: int):  # type: ignore[no-untyped-def]
    def preexec() -> None:
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
    return preexec
