"""newsmon/status.py: what `newsmon status` says of the outbox, on a real warehouse."""

from datetime import UTC, datetime
from pathlib import Path

from alerts.rules import ResolvedRule, alert_intents
from newsmon.status import read_status
from tasks.records import Article, FetchRun, Labels, Mention, Story
from warehouse import Warehouse


def test_status_counts_what_a_digest_holds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    config = tmp_path / "sources.yaml"
    config.write_text("""\
sources:
  - {id: news, kind: files, path: news/}
alerts:
  rules:
    - {name: daily, companies: [minimax], mode: digest, at: ["09:00"]}
    - {name: now, companies: [minimax]}
""", encoding="utf-8")
    now = datetime.now(UTC)
    article = Article("news", Story("MiniMax 发布新模型", "MiniMax 今天发布新模型。",
                                    "https://news.example.cn/1", 1),
                      Labels((Mention("minimax", "MiniMax", "MiniMax", 0, 7, "MiniMax 发布新模型"),)),
                      now)
    rules = [ResolvedRule("daily", frozenset({"minimax"})), ResolvedRule("now", frozenset({"minimax"}))]
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as wh:
        wh.store_cycle("c1", [FetchRun("news", "files", now, "ok", 1, 1, None, 0.0)], [article],
                       alert_intents([article], rules), ["terminal"], now)
    lines = list(read_status(str(config), str(db)))
    assert ("alerts owed: 2 pending (1 held for a digest or quiet hours), 0 retrying after a "
            "failure") in lines, lines
