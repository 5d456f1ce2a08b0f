"""Secrets in URLs never reach the terminal, the warehouse, a chat message or a log: a feed's
API key in its query, a webhook token in a channel's path, a password in userinfo."""

import logging
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from conftest import free_port
from newsmon.cli import main

FEED_KEY = "fk9Zq27XbY4mPw0c"
HOOK_TOKEN = "s3cr3tT0kenValue123"
PASSWORD = "pw-Hunter2-Hunter2"
SECRETS = (FEED_KEY, HOOK_TOKEN, PASSWORD)

pytestmark = pytest.mark.usefixtures("prefect_harness", "clean_env")


def every_text_in(db: Path) -> str:
    """Every VARCHAR and JSON value of every table, joined."""
    out = []
    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute("""select table_name, column_name from information_schema.columns
                                 where data_type in ('VARCHAR', 'JSON')""").fetchall()
        for table, column in columns:
            out += [str(v[0]) for v in con.execute(f'select "{column}" from "{table}"').fetchall()]
    return "\n".join(out)


def test_no_secret_in_output_warehouse_alerts_or_logs(tmp_path: Path, web, receiver,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    down = f"http://reader:{PASSWORD}@127.0.0.1:{free_port()}/feed"
    config = tmp_path / "sources.yaml"
    config.write_text(f"""\
sources:
  - id: keyed
    kind: rss
    url: {web.url('/feeds/utf8.xml')}?key=${{FEED_KEY}}
  - id: down
    kind: rss
    url: {down}?api_key=${{FEED_KEY}}
alerts:
  source_failures: 1
  channels:
    - json://127.0.0.1:{receiver.port}/hooks/{HOOK_TOKEN}
""", encoding="utf-8")
    monkeypatch.setenv("FEED_KEY", FEED_KEY)
    db = tmp_path / "w.duckdb"
    caplog.set_level(logging.DEBUG)
    result = CliRunner().invoke(main, ["run", "--sources", str(config), "--db", str(db)])

    assert result.exit_code == 0, result.output
    assert "FAILED source down: source 'down': http://reader:***@127.0.0.1" in result.output
    assert "alerts:   3 queued, 3 sent" in result.output  # two articles and the source down
    assert {r["path"] for r in receiver.requests} == {f"/hooks/{HOOK_TOKEN}"}  # really sent
    alert = "\n".join(b["title"] + b["message"] for b in receiver.bodies())
    assert "【源失效】down" in alert and "reader:***@127.0.0.1" in alert  # masked, not dropped
    stored = every_text_in(db)
    assert "/feeds/utf8.xml?key=" in stored and f"json://127.0.0.1:{receiver.port}/" in stored
    for secret in SECRETS:
        assert secret not in result.output
        assert secret not in stored
        assert secret not in alert
        assert secret not in caplog.text
