"""flows/ingest.py: real Prefect runs over the shipped seeds, into a real DuckDB file."""

import logging
import os
from pathlib import Path

import duckdb
import pytest

from conftest import SEEDS
from flows.deliver import deliver_alerts
from flows.ingest import ingest
from newsmon.errors import ConfigError
from tasks.plan import plan_cycle

pytestmark = pytest.mark.usefixtures("prefect_harness", "clean_env")


def table_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("articles", "entity_mentions", "article_topics", "alert_deliveries")}


def seeds_with(db: Path, company: str) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            select distinct regexp_extract(a.url, '/(\\d{3})_[^/]*$', 1)
            from articles a join entity_mentions m using (article_id)
            where m.company = ? and a.url like 'file://%'""", [company]).fetchall()
    return {r[0] for r in rows}


def test_first_cycle_stores_classifies_and_alerts(seeds_config: Path, tmp_path: Path,
                                                  capfd: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.duckdb"
    summary = ingest(config_path=str(seeds_config), db_path=str(db))
    out = capfd.readouterr().out

    counts = table_counts(db)
    assert counts["articles"] >= 20
    assert summary.stored.new_articles == counts["articles"]
    assert seeds_with(db, "无问芯穹") >= {"000", "001", "002"}
    assert seeds_with(db, "MiniMax") >= {"000", "001", "002"}
    with duckdb.connect(str(db), read_only=True) as con:
        digest_minimax = con.execute("""
            select count(*) from articles a join entity_mentions m using (article_id)
            where m.company_id = 'minimax' and a.url like 'https://%'""").fetchone()[0]
        delivered = dict(con.execute("""
            select company, count(*) from alert_deliveries where status = 'sent'
            group by company""").fetchall())
    assert digest_minimax >= 2  # seed 004's sections and links carry their own https URLs
    assert delivered["无问芯穹"] >= 3 and delivered["MiniMax"] >= 4
    assert summary.delivered.sent == sum(delivered.values()) == counts["alert_deliveries"]
    assert out.count("🔔 【无问芯穹】") == delivered["无问芯穹"]


def test_second_cycle_changes_nothing_and_sends_nothing(seeds_config: Path, tmp_path: Path,
                                                       capfd: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "w.duckdb"
    ingest(config_path=str(seeds_config), db_path=str(db))
    before = table_counts(db)
    capfd.readouterr()
    summary = ingest(config_path=str(seeds_config), db_path=str(db))
    assert table_counts(db) == before
    assert (summary.stored.new_articles, summary.delivered.sent) == (0, 0)
    assert summary.results[0].downloads == 0  # unchanged files are not even read
    assert "🔔" not in capfd.readouterr().out


def test_touched_files_are_read_again_but_store_nothing_twice(seeds_config: Path,
                                                              tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ingest(config_path=str(seeds_config), db_path=str(db))
    before = table_counts(db)
    for path in (seeds_config.parent / "seeds").iterdir():
        path.write_bytes(path.read_bytes())  # same content, new mtime
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    summary = ingest(config_path=str(seeds_config), db_path=str(db))
    assert summary.results[0].downloads == 5
    assert summary.stored.seen_articles == before["articles"]
    assert table_counts(db) == before


def test_broken_source_is_recorded_and_the_rest_goes_on(seeds_config: Path, tmp_path: Path) -> None:
    text = seeds_config.read_text(encoding="utf-8").replace(
        "sources:\n", "sources:\n  - id: gone\n    kind: files\n    path: no/such/folder\n", 1)
    seeds_config.write_text(text, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    summary = ingest(config_path=str(seeds_config), db_path=str(db))
    assert summary.stored.new_articles >= 20
    with duckdb.connect(str(db), read_only=True) as con:
        runs = dict(con.execute("select source_id, status || ':' || coalesce(error, '') "
                                "from fetch_runs").fetchall())
    assert runs["seeds"] == "ok:"
    assert runs["gone"].startswith("failed:") and "no/such/folder" in runs["gone"]


def test_channel_down_then_up_delivers_each_alert_once(seeds_config: Path, tmp_path: Path,
                                                       receiver, monkeypatch) -> None:
    db = tmp_path / "w.duckdb"
    receiver.status = 503
    monkeypatch.setenv("NEWSMON_APPRISE_URLS", receiver.url)
    first = ingest(config_path=str(seeds_config), db_path=str(db))
    assert first.delivered.sent == 0 and first.delivered.failed == 1
    owed = first.stored.alerts_queued
    assert first.delivered.deferred == owed - 1

    receiver.status = 200
    receiver.requests.clear()
    waiting = ingest(config_path=str(seeds_config), db_path=str(db))
    assert (waiting.delivered.sent, waiting.delivered.failed) == (0, 0)  # within its backoff
    assert receiver.requests == []
    with duckdb.connect(str(db)) as con:  # the backoff has passed
        con.execute("update alert_deliveries set next_attempt_at = next_attempt_at - "
                    "interval 1 hour where next_attempt_at is not null")
    second = ingest(config_path=str(seeds_config), db_path=str(db))
    third = ingest(config_path=str(seeds_config), db_path=str(db))
    assert (second.delivered.sent, third.delivered.sent) == (owed, 0)
    titles = [body["title"] for body in receiver.bodies()]
    assert len(titles) == len(set(titles)) == owed


def test_crash_after_store_is_finished_by_next_cycle(seeds_config: Path, tmp_path: Path,
                                                     receiver, monkeypatch) -> None:
    """Articles stored and alerts owed, then the process dies before sending: the next cycle
    stores nothing new and sends what was owed."""
    from tasks.pipeline import classify_results, cycle_write, store
    from tasks.sources import FetchContext, fetch_source

    monkeypatch.setenv("NEWSMON_APPRISE_URLS", receiver.url)
    db = tmp_path / "w.duckdb"
    plan = plan_cycle(str(seeds_config), str(db))
    results = [fetch_source(s, FetchContext(plan.config.base_dir)) for s in plan.config.sources]
    articles = classify_results(results, plan.classifier)
    stored = store.fn(db, cycle_write(plan, "crashed", results, articles, {}), plan.rules)
    assert receiver.requests == []

    summary = ingest(config_path=str(seeds_config), db_path=str(db))
    assert summary.stored.new_articles == 0
    assert summary.delivered.sent == stored.alerts_queued == len(receiver.requests)


def test_default_project_config_ingests_shipped_seeds(tmp_path: Path) -> None:
    summary = ingest(db_path=str(tmp_path / "w.duckdb"))
    [result] = summary.results
    assert result.source_id == "seeds" and len(result.documents) == len(list(SEEDS.iterdir()))
    assert summary.stored.new_articles >= 20


def test_web_sources_cycle_then_nothing_downloaded_again(tmp_path: Path, web,
                                                         capfd: pytest.CaptureFixture[str]) -> None:
    web.content_types["/feeds/gbk_undeclared.xml"] = "application/rss+xml; charset=gbk"
    config = tmp_path / "sources.yaml"
    config.write_text(
        "sources:\n"
        f"  - {{id: feed, kind: rss, url: '{web.url('/feeds/gbk_undeclared.xml')}'}}\n"
        f"  - {{id: site, kind: html, url: '{web.url('/list.html')}', link_selector: '.news-list a'}}\n"
        f"  - {{id: dead, kind: rss, url: '{web.url('/status/500')}'}}\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    first = ingest(config_path=str(config), db_path=str(db))
    out = capfd.readouterr().out
    assert first.stored.new_by_source == {"feed": 3, "site": 3}
    assert "🔔 【无问芯穹】无问芯穹完成新一轮融资，加速异构算力平台建设" in out
    assert "🔔 【无问芯穹】无问芯穹完成新一轮融资 估值超百亿" in out
    assert "🔔 【MiniMax】稀宇科技通过港交所聆讯" in out  # the GBK page

    second = ingest(config_path=str(config), db_path=str(db))
    downloads = {r.source_id: (r.downloads, r.not_modified, r.error) for r in second.results}
    assert downloads["feed"] == (0, True, None) and downloads["site"] == (0, True, None)
    assert "HTTP 500" in downloads["dead"][2]
    assert (second.stored.new_articles, second.delivered.sent) == (0, 0)
    with duckdb.connect(str(db), read_only=True) as con:
        urls = {r[0] for r in con.execute(
            "select url from articles where source_id = 'feed'").fetchall()}
    assert "https://news.example.cn/a/1001" in urls  # tracking parameters stripped


def test_source_interval_skips_sources_not_due(seeds_config: Path, tmp_path: Path) -> None:
    text = seeds_config.read_text(encoding="utf-8").replace(
        "    path: seeds/\n", "    path: seeds/\n    interval_minutes: 60\n", 1)
    seeds_config.write_text(text, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    ingest(config_path=str(seeds_config), db_path=str(db))
    second = ingest(config_path=str(seeds_config), db_path=str(db))
    assert (second.results, second.not_due) == ([], 1)


class FlowRunLog(logging.Handler):
    """Every record the flow runs log, as Prefect's console and API handlers receive them."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("run_flow, was, mistake, where", [
    (ingest, "[无问芯穹, MiniMax]", "[无问芯琼, MiniMax]", 7),  # a rule's company: cycles read rules
    (deliver_alerts, "alerts:\n", "alerts:\n  max_attempts: 0\n", 6),  # what a delivery reads
], ids=["ingest", "deliver-alerts"])
def test_a_config_mistake_ends_the_run_failed_with_its_line_and_no_traceback(
        run_flow, was: str, mistake: str, where: int, seeds_config: Path, tmp_path: Path) -> None:
    """Each run reads the config again (under `newsmon serve`, a typo can appear meanwhile):
    the run ends Failed with the error's one line, logged once, without a traceback."""
    seeds_config.write_text(seeds_config.read_text(encoding="utf-8").replace(was, mistake),
                            encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    with pytest.raises(ConfigError) as raised:
        plan_cycle(str(seeds_config), db)
    line = str(raised.value)
    assert line.startswith(f"{seeds_config}:{where} ")

    log = FlowRunLog()
    logger = logging.getLogger("prefect.flow_runs")
    logger.addHandler(log)
    try:
        state = run_flow(config_path=str(seeds_config), db_path=db, return_state=True)
    finally:
        logger.removeHandler(log)
    assert state.is_failed() and state.message == line
    assert [r.getMessage() for r in log.records if r.levelno >= logging.ERROR] == [line]
    assert [r for r in log.records if r.exc_info] == []
    assert not (tmp_path / "w.duckdb").exists()  # nothing was opened, let alone fetched
    with pytest.raises(ConfigError, match=f":{where} "):  # a direct call, as `newsmon run` makes
        run_flow(config_path=str(seeds_config), db_path=db)
