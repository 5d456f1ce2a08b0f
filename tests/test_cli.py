"""newsmon/cli.py: the commands a user types, run in-process through click."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SEEDS
from newsmon.cli import main


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_sql_csv_counts_articles(filled_warehouse: Path) -> None:
    result = invoke("sql", "--db", str(filled_warehouse), "--format", "csv",
                    "select count(*) as n from articles")
    assert result.exit_code == 0
    header, value = result.output.split()
    assert header == "n" and int(value) >= 20


def test_sql_json_and_table(filled_warehouse: Path) -> None:
    result = invoke("sql", "--db", str(filled_warehouse), "--format", "json",
                    "select company from entity_mentions where company_id = 'infinigence' limit 1")
    assert json.loads(result.output) == [{"company": "无问芯穹"}]
    table = invoke("sql", "--db", str(filled_warehouse), "select 'MiniMax' as 公司, 1 as n").output
    assert table.splitlines()[0] == "公司    | n"


def test_sql_drop_is_refused_and_table_survives(filled_warehouse: Path) -> None:
    result = invoke("sql", "--db", str(filled_warehouse), "drop table articles")
    assert result.exit_code != 0
    assert "refused: DROP" in result.output
    assert invoke("sql", "--db", str(filled_warehouse), "select count(*) from articles").exit_code == 0


def test_sql_without_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = invoke("sql", "--db", str(tmp_path / "none.duckdb"), "select 1")
    assert result.exit_code != 0 and "newsmon run" in result.output


def test_classify_json_one_object_per_story() -> None:
    path = next(SEEDS.glob("004_*.txt"))
    result = invoke("classify", str(path), "--format", "json")
    assert result.exit_code == 0, result.output
    stories = [json.loads(line) for line in result.output.splitlines()]
    assert len(stories) == 66
    first = stories[0]
    assert set(first) == {"title", "companies", "company_ids", "topics", "events", "mentions"}
    assert "MiniMax" in first["companies"] and "minimax" in first["company_ids"]
    assert "ipo" in first["topics"]
    assert {"type": "ipo", "company_id": "minimax"}.items() <= first["events"][0].items()
    mention = first["mentions"][0]
    text = f"{first['title']}\n\n"
    assert text[mention["start"]:mention["end"]] == mention["alias"] == "MiniMax"


def test_classify_big_file_in_workers_matches_one_process(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A file of hundreds of stories is classified in worker processes (one per core): the
    output is the same, story for story and in order, as classifying it in one process."""
    from newsmon import preview

    pages = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[0-3]_*.txt"))]
    path = tmp_path / "pages.txt"
    path.write_text("\n\n".join(pages * 24), encoding="utf-8")
    parallel = subprocess.run([sys.executable, "-m", "newsmon.cli", "classify", str(path),
                               "--format", "json"], capture_output=True, timeout=120,
                              check=True).stdout.decode()
    stories = len(parallel.splitlines())
    assert stories >= preview.PARALLEL_FROM
    monkeypatch.setattr(preview, "PARALLEL_FROM", stories + 1)
    serial = invoke("classify", str(path), "--format", "json")
    assert serial.exit_code == 0, serial.output
    assert parallel == serial.output


def test_classify_reads_stdin_and_explains() -> None:
    result = CliRunner().invoke(main, ["classify", "-", "--explain"],
                                input="商汤灭夏桀，建立商朝。\n\n商汤科技发布日日新大模型。".encode())
    assert result.exit_code == 0, result.output
    assert "✗ 商汤" in result.output and "夏桀" in result.output
    assert "商汤科技" in result.output


@pytest.mark.parametrize("command", [[], ["run"], ["sql"], ["classify"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_alerts_list_and_retry(filled_warehouse: Path, tmp_path: Path) -> None:
    import shutil

    import duckdb

    db = tmp_path / "w.duckdb"
    shutil.copy(filled_warehouse, db)
    with duckdb.connect(str(db)) as con:
        con.execute("update alert_deliveries set status = 'dead', attempts = 3, "
                    "last_error = 'hook: error=410.'")
        owed = con.execute("select count(*) from alert_deliveries").fetchone()[0]
    listed = invoke("alerts", "list", "--status", "dead", "--since", "3650d", "--db", str(db))
    assert listed.exit_code == 0, listed.output
    assert listed.output.count(" dead ") == owed and "error=410" in listed.output
    failed = invoke("alerts", "list", "--status", "failed", "--since", "3650d", "--db", str(db))
    assert failed.output == listed.output  # failed: retrying or dead
    assert "0 alert(s)" not in invoke("alerts", "retry", "--dead", "--db", str(db)).output
    pending = invoke("alerts", "list", "--status", "pending", "--since", "3650d", "--db", str(db))
    assert pending.output.count(" pending ") == owed
    assert invoke("alerts", "retry", "--db", str(db)).exit_code == 2  # neither ids nor --dead
    assert "m, h or d" in invoke("alerts", "list", "--since", "soon", "--db", str(db)).output


def test_alerts_explain_says_why_an_alert_fired(filled_warehouse: Path) -> None:
    import duckdb

    with duckdb.connect(str(filled_warehouse), read_only=True) as con:
        key, company = con.execute("select dedup_key, company from alert_deliveries "
                                   "where kind = 'article' order by dedup_key limit 1").fetchone()
    result = invoke("alerts", "explain", key[:10], "--db", str(filled_warehouse))
    assert result.exit_code == 0, result.output
    assert "rule:      tracked" in result.output
    assert f"company:   {company}" in result.output
    assert "matched:   「" in result.output and "salience" in result.output
    assert "sentence:" in result.output and "【" in result.output
    assert "→ terminal: sent, 1 tries" in result.output
    assert "too short" in invoke("alerts", "explain", "abc", "--db", str(filled_warehouse)).output
    assert "no alert" in invoke("alerts", "explain", "zzzzzzzz", "--db",
                                str(filled_warehouse)).output


def test_alerts_mute_checks_the_rule_and_the_duration(filled_warehouse: Path,
                                                      tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "w.duckdb"
    shutil.copy(filled_warehouse, db)
    config = filled_warehouse.parent / "sources.yaml"
    base = ["--sources", str(config), "--db", str(db)]
    muted = invoke("alerts", "mute", "tracked", "--for", "2h", *base)
    assert muted.exit_code == 0 and "muted until" in muted.output, muted.output
    assert "no rule 'trackd'" in invoke("alerts", "mute", "trackd", "--for", "2h", *base).output
    assert invoke("alerts", "mute", "tracked", *base).exit_code == 2  # neither --for nor --off
    assert "unmuted" in invoke("alerts", "mute", "tracked", "--off", *base).output


def test_alerts_backtest_replays_a_rule_on_stored_history(filled_warehouse: Path,
                                                          tmp_path: Path) -> None:
    import duckdb

    with duckdb.connect(str(filled_warehouse), read_only=True) as con:
        [(queued,)] = con.execute("select count(distinct dedup_key) from alert_deliveries "
                                  "where rule = 'tracked'").fetchall()
    config = tmp_path / "sources.yaml"
    config.write_text("""\
sources:
  - {id: seeds, kind: files, path: seeds/}
alerts:
  rules:
    - {name: tracked, companies: [infinigence, minimax]}
    - {name: daily, companies: [infinigence, minimax], mode: digest, at: ["09:00", "18:00"]}
    - {name: words, keywords: [不会出现的词语]}
""", encoding="utf-8")
    base = ["--sources", str(config), "--db", str(filled_warehouse)]
    result = invoke("alerts", "backtest", "tracked", "--since", "30d", *base)
    assert result.exit_code == 0, result.output
    assert "rule 'tracked' (instant) on " in result.output
    assert result.output.splitlines()[0].endswith(f": {queued} alerts")  # as the run queued them
    header, rule, row = result.output.splitlines()[1:4]
    assert header.split()[:4] == ["day", "|", "alerts", "|"]
    assert row.split("|")[1].strip() == str(queued) and "MiniMax" in row
    assert "last alerts:" in result.output and "【MiniMax】" in result.output
    digest = invoke("alerts", "backtest", "daily", *base).output
    assert "(digest at 09:00, 18:00)" in digest and f": {queued} alerts" in digest
    rows = [line for line in digest.split("last alerts:")[0].splitlines()[3:] if "|" in line]
    assert sum(int(line.split("|")[2]) for line in rows) == 1  # all fetched at once: one digest
    assert "nothing would have been sent" in invoke("alerts", "backtest", "words", *base).output
    assert "no rule 'nope'" in invoke("alerts", "backtest", "nope", *base).output


def test_catalog_suggest_from_the_warehouse(filled_warehouse: Path, tmp_path: Path) -> None:
    import shutil

    import duckdb

    db = tmp_path / "w.duckdb"
    shutil.copy(filled_warehouse, db)
    with duckdb.connect(str(db)) as con:
        ids = [r[0] for r in con.execute("select article_id from articles limit 3").fetchall()]
        con.executemany("insert into discovered_mentions values (?, ?, 'investor', 'role', ?, ?)",
                        [(i, name, at, at + 4) for i in ids
                         for name, at in (("青禾资本", 0), ("智谱", 10))])
    result = invoke("catalog", "suggest", "--from-warehouse", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert '    name: "青禾资本"\n    kind: investor' in result.output
    assert "# in 3 articles, latest: " in result.output
    assert '"智谱"' not in result.output  # the catalog knows it by now
    assert "青禾资本" not in invoke("catalog", "suggest", "--from-warehouse", "--min", "4",
                                "--db", str(db)).output
    assert invoke("catalog", "suggest", "--db", str(db)).exit_code == 2  # neither
