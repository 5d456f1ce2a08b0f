"""Shared real parts for the tests: loopback HTTP and SMTP servers, a Prefect harness, seeds."""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from webserver import WebServer

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that records every request and answers `status`, or
    400 to a body containing `reject` (a message the channel refuses)."""

    port: int
    status: int = 200
    reject: str | None = None
    requests: list[dict] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.port}/hook"

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length).decode("utf-8")
            state.requests.append({"path": self.path, "body": body,
                                   "headers": dict(self.headers)})
            refused = state.reject is not None and state.reject in json.loads(body)["title"]
            self.send_response(400 if refused else state.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def web() -> Iterator[WebServer]:
    """A real HTTP server on 127.0.0.1 serving tests/data/web (see webserver.py)."""
    server = WebServer().start()
    yield server
    server.stop()


@dataclass
class Mailbox:
    port: int
    messages: list = field(default_factory=list)


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    box = Mailbox(port=free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
            box.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def down_url() -> str:
    """An apprise URL whose port has nothing listening: connection refused at once."""
    return f"json://127.0.0.1:{free_port()}/hook"


@pytest.fixture
def seeds_config(tmp_path: Path) -> Path:
    """A config reading a copy of the shipped seeds, with a warehouse path beside it."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    config = tmp_path / "sources.yaml"
    config.write_text(
        "sources:\n"
        "  - id: seeds\n"
        "    kind: files\n"
        "    path: seeds/\n"
        "alerts:\n"
        "  rules:\n"
        "    - name: tracked\n"
        "      companies: [无问芯穹, MiniMax]\n", encoding="utf-8")
    return config


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No channels or paths leaking in from the developer's environment."""
    for name in ("NEWSMON_APPRISE_URLS", "NEWSMON_SOURCES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NEWSMON_DB", str(tmp_path / "warehouse.duckdb"))


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A real Prefect API for flow runs, with its state in a temporary PREFECT_HOME."""
    import os

    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    from prefect.testing.utilities import prefect_test_harness

    from tasks.pipeline import ensure_warehouse_limit

    with prefect_test_harness(server_startup_timeout=120):
        ensure_warehouse_limit()
        yield


@pytest.fixture(scope="session")
def filled_warehouse(tmp_path_factory: pytest.TempPathFactory, prefect_harness: None) -> Path:
    """A warehouse filled by one real `newsmon run` over a copy of the seeds."""
    from click.testing import CliRunner

    from newsmon.cli import main

    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(SEEDS, root / "seeds")
    (root / "sources.yaml").write_text(
        "sources:\n  - {id: seeds, kind: files, path: seeds/}\n", encoding="utf-8")
    db = root / "w.duckdb"
    result = CliRunner().invoke(main, ["run", "--sources", str(root / "sources.yaml"),
                                       "--db", str(db)], env={"NEWSMON_APPRISE_URLS": ""})
    assert result.exit_code == 0, result.output
    assert "newsmon cycle" in result.output and "🔔 【MiniMax】" in result.output
    return db
