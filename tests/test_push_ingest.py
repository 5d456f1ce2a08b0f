"""tasks/pipeline.ingest_pushed: what a push source sends is classified, stored and alerted at
once, on the cycle's own path; sent again, it changes nothing."""

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from tasks.pipeline import ingest_pushed
from tasks.plan import plan_cycle
from tasks.sources.push import parse_push

pytestmark = pytest.mark.usefixtures("prefect_harness", "clean_env")

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>推送</title>
<item><title>MiniMax发布新一代语音模型</title><link>https://push.example.cn/a/1</link>
<description>MiniMax今天发布新一代语音模型，支持多种方言。</description></item>
</channel></rss>""".encode()


def test_a_push_is_stored_and_alerted_once(tmp_path: Path, receiver,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUSH_TOKEN", "t0ken-for-tests")
    config = tmp_path / "sources.yaml"
    config.write_text(f"""\
sources:
  - {{id: hook, kind: push, token_env: PUSH_TOKEN}}
alerts:
  channels: [json://127.0.0.1:{receiver.port}/hook]
""", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    plan = plan_cycle(str(config), str(db))
    source = plan.config.sources[0]
    documents, skipped = parse_push(source, FEED, "application/rss+xml", datetime.now(UTC))

    first = ingest_pushed(plan, source, documents, skipped)
    again = ingest_pushed(plan, source, documents, skipped)

    assert (first["stored"], first["alerts_sent"]) == (1, 1)
    assert (again["stored"], again["already_stored"], again["alerts_sent"]) == (0, 1, 0)
    assert len(receiver.requests) == 1 and "MiniMax" in receiver.bodies()[0]["title"]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select source_id, url from articles").fetchall() == [
            ("hook", "https://push.example.cn/a/1")]
