"""warehouse/: a real DuckDB file; idempotent cycles, read-only queries, the lock."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from newsmon.errors import WarehouseError
from tasks.records import AlertIntent, Article, FetchRun, Labels, Mention, Origin, Story, TopicLabel
from warehouse import Warehouse

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def article(n: int, text: str = "正文", url: str | None = None, company: str = "minimax") -> Article:
    story = Story(title=f"标题{n}", body=f"{text}{n}", url=url or f"file:///x.txt#{n}", position=n,
                  origins=(Origin("机器之心", "https://example.com/a"),))
    labels = Labels((Mention(company, "MiniMax", "稀宇科技", 4, 8, "稀宇科技发布新模型。"),),
                    (TopicLabel("model_release", "发布: 稀宇科技发布新模型。"),))
    return Article("seeds", story, labels, NOW)


def intent(key: str, a: Article) -> AlertIntent:
    return AlertIntent(key, "article", "tracked", f"【MiniMax】{a.story.title}", "正文",
                       "minimax", "MiniMax", a.article_id, a.source_id)


def run(source: str = "seeds") -> FetchRun:
    return FetchRun(source, "files", NOW, "ok", 1, 2, None, 0.01)


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("articles", "entity_mentions", "article_topics", "alert_deliveries")}


def test_store_cycle_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    batch = [article(1), article(2)]
    intents = [intent(f"k{a.article_id}", a) for a in batch]
    with Warehouse.open(db) as wh:
        first = wh.store_cycle("c1", [run()], batch, intents, ["terminal"], NOW)
        second = wh.store_cycle("c2", [run()], batch, intents, ["terminal"], NOW)
    assert (first.new_articles, first.alerts_queued, first.mentions) == (2, 2, 2)
    assert (second.new_articles, second.seen_articles, second.alerts_queued) == (0, 2, 0)
    assert counts(db) == {"articles": 2, "entity_mentions": 2, "article_topics": 2,
                          "alert_deliveries": 2}


def test_same_url_or_same_content_is_not_stored_again(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.store_cycle("c1", [run()], [article(1)], [], [], NOW)
        edited = article(1, text="改过的正文")  # same URL, new content
        copied = Article("other", article(1).story.__class__(
            title="标题1", body="正文1", url="https://elsewhere/1", position=1), Labels(), NOW)
        report = wh.store_cycle("c2", [run()], [edited, copied], [], [], NOW)
    assert report.new_articles == 0


def test_duplicates_within_one_batch_store_once(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        report = wh.store_cycle("c1", [run()], [article(1), article(1)], [], [], NOW)
    assert report.new_articles == 1


def test_articles_keep_origins_and_fetch_runs_count_new(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as wh:
        wh.store_cycle("c1", [run()], [article(1), article(2)], [], [], NOW)
        _, rows = wh.query("select origins[1].name, origins[1].url from articles limit 1")
        assert rows == [("机器之心", "https://example.com/a")]
        _, rows = wh.query("select source_id, status, items, stories, new from fetch_runs")
        assert rows == [("seeds", "ok", 1, 2, 2)]
        _, rows = wh.query("select company, articles, mentions from company_daily_mentions")
        assert rows == [("MiniMax", 2, 2)]


def test_failed_delivery_waits_its_backoff_and_sent_is_final(tmp_path: Path) -> None:
    a = article(1)
    later = NOW + timedelta(minutes=5)
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.store_cycle("c1", [run()], [a], [intent("k1", a)], ["ch"], NOW)
        [owed] = wh.pending_alerts(["ch"], NOW)
        assert (owed.title, owed.body, owed.company) == ("【MiniMax】标题1", "正文", "MiniMax")
        wh.record_failure("k1", "ch", error="refused", kind="down", retry_at=later, now=NOW)
        assert wh.pending_alerts(["ch"], NOW) == []  # waiting out its backoff
        assert len(wh.pending_alerts(["ch"], later)) == 1
        assert wh.pending_alerts(["other-channel"], later) == []
        wh.record_sent("k1", "ch", later)
        assert wh.pending_alerts(["ch"], later) == []
        wh.record_failure("k1", "ch", error="late failure", kind="down", retry_at=None, now=later)
        _, rows = wh.query("select status, attempts from alert_deliveries")
    assert rows == [("sent", 2)]


def test_a_channel_that_is_down_holds_its_other_alerts_but_a_rejection_does_not(
        tmp_path: Path) -> None:
    a, b = article(1), article(2)
    later = NOW + timedelta(minutes=5)
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.store_cycle("c1", [run()], [a, b], [intent("k1", a), intent("k2", b)], ["ch"], NOW)
        wh.record_failure("k1", "ch", error="HTTP 400", kind="rejected", retry_at=later, now=NOW)
        assert [p.dedup_key for p in wh.pending_alerts(["ch"], NOW)] == ["k2"]
        wh.record_failure("k1", "ch", error="refused", kind="down", retry_at=later, now=NOW)
        assert wh.pending_alerts(["ch"], NOW) == []
        assert [p.dedup_key for p in wh.pending_alerts(["ch"], later)] == ["k1", "k2"]


def test_dead_alerts_are_listed_and_revived(tmp_path: Path) -> None:
    a, b = article(1), article(2)
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.store_cycle("c1", [run()], [a, b], [intent("k1-dead-one", a), intent("k2-dead-two", b)],
                       ["ch"], NOW)
        for key in ("k1-dead-one", "k2-dead-two"):
            wh.record_failure(key, "ch", error="HTTP 410", kind="rejected", retry_at=None, now=NOW)
        assert wh.pending_alerts(["ch"], NOW + timedelta(days=1)) == []
        assert [row[:3] for row in wh.deliveries("dead", NOW)] == [
            ("k2-dead-two", "dead", "ch"), ("k1-dead-one", "dead", "ch")]
        with pytest.raises(WarehouseError, match="too short"):
            wh.revive(["k1"])
        assert wh.revive(["k1-dea"]) == 1
        assert [p.dedup_key for p in wh.pending_alerts(["ch"], NOW)] == ["k1-dead-one"]
        assert wh.revive(every_dead=True) == 1
        _, rows = wh.query("select status, attempts from alert_deliveries order by dedup_key")
    assert rows == [("pending", 0), ("pending", 0)]


def test_source_alerts_are_queued_without_an_article(tmp_path: Path) -> None:
    health = AlertIntent("h1", "source_health", "source-health", "源失效", "连续3次失败",
                         source_id="feed")
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        first = wh.store_cycle("c1", [run()], [], [health], ["ch"], NOW)
        again = wh.store_cycle("c2", [run()], [], [health], ["ch"], NOW)
        assert [a.title for a in wh.pending_alerts(["ch"], NOW)] == ["源失效"]
    assert (first.alerts_queued, again.alerts_queued) == (1, 0)


@pytest.mark.parametrize("statement", [
    "drop table articles", "delete from articles", "insert into articles select * from articles",
    "update articles set title = 'x'", "create table t (a int)", "attach 'other.duckdb' as o",
])
def test_query_refuses_writes_and_table_survives(tmp_path: Path, statement: str) -> None:
    db = tmp_path / "w.duckdb"
    Warehouse.open(db).close()
    with Warehouse.open(db, read_only=True) as wh:
        with pytest.raises(WarehouseError, match="refused"):
            wh.query(statement)
        assert wh.query("select count(*) from articles")[1] == [(0,)]


def test_sql_errors_are_warehouse_errors(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    Warehouse.open(db).close()
    with Warehouse.open(db, read_only=True) as wh, pytest.raises(WarehouseError, match="SQL error"):
        wh.query("select nope from articles")


def test_missing_warehouse_read_only_says_run_first(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="newsmon run"):
        Warehouse.open(tmp_path / "none.duckdb", read_only=True)


def test_migrations_apply_once(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as wh:
        assert wh.migrate() == []
    with Warehouse.open(db) as wh:
        versions = wh.query("select version from schema_migrations")[1]
        assert versions == [(1,), (2,), (3,), (4,), (5,), (6,)]


def test_failed_alerts_of_an_older_warehouse_become_retrying(tmp_path: Path) -> None:
    from warehouse import MIGRATIONS

    db = tmp_path / "w.duckdb"
    with duckdb.connect(str(db)) as con:  # a warehouse as versions 1 and 2 left it
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "applied_at TIMESTAMPTZ DEFAULT now())")
        for version, name in [(1, "001_initial.sql"), (2, "002_sightings_and_flags.sql")]:
            con.execute((MIGRATIONS / name).read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [version])
        con.execute("""INSERT INTO alert_deliveries (dedup_key, channel, kind, rule, title, body,
                       status, attempts, created_at) VALUES
                       ('k1', 'ch', 'article', 'r', '标题', '正文', 'failed', 2, now())""")
    with Warehouse.open(db) as wh:
        _, rows = wh.query("select status, failure_kind, attempts from alert_deliveries")
        assert rows == [("retrying", "down", 2)]
        assert len(wh.pending_alerts(["ch"], NOW)) == 1


def sightings(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("""select s.source_id, s.url, a.source_id from article_sightings s
                              join articles a using (article_id) order by 1, 2""").fetchall()


def test_an_exact_duplicate_from_another_source_is_a_sighting_not_a_loss(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    original = article(1, url="https://a.example/1")
    repost = Article("other", Story(original.story.title, original.story.body,
                                    "https://b.example/9", 1), original.labels, NOW)
    with Warehouse.open(db) as wh:
        wh.store_cycle("c1", [run()], [original], [], [], NOW)
        report = wh.store_cycle("c2", [run("other")], [repost], [], [], NOW)
        assert wh.known_urls(["other"]) == {"https://b.example/9"}  # not downloaded again
    assert report.new_articles == 0
    assert sightings(db) == [("other", "https://b.example/9", "seeds"),
                             ("seeds", "https://a.example/1", "seeds")]


def test_one_feed_under_two_ids_leaves_both_in_one_batch(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = article(1, url="https://a.example/1")
    second = Article("mirror", first.story, first.labels, NOW)
    with Warehouse.open(db) as wh:
        report = wh.store_cycle("c1", [run(), run("mirror")], [first, second], [], [], NOW)
    assert report.new_articles == 1
    assert [row[0] for row in sightings(db)] == ["mirror", "seeds"]


def test_near_duplicates_keep_their_own_rows_and_story(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    one, two = article(1, url="https://a.example/1"), article(2, url="https://b.example/2")
    stories = {one.article_id: one.article_id, two.article_id: one.article_id}
    with Warehouse.open(db) as wh:
        wh.store_cycle("c1", [run()], [one, two], [], [], NOW, stories=stories)
        _, rows = wh.query("select count(distinct story_id), count(*) from articles")
    assert rows == [(1, 2)]
    assert len(sightings(db)) == 2


def test_title_only_items_with_one_headline_and_two_urls_are_both_kept(tmp_path: Path) -> None:
    first = Article("a", Story("AI早报", "", "https://a.example/1", 1), Labels(), NOW)
    second = Article("b", Story("AI早报", "", "https://b.example/2", 1), Labels(), NOW)
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        report = wh.store_cycle("c1", [run("a"), run("b")], [first, second], [], [], NOW)
    assert report.new_articles == 2


def test_a_flagged_article_is_fetched_again_and_replaced_when_clean(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    url = "https://a.example/gbk"
    garbled = Article("seeds", Story("ÎÞÎÊÐ¾ñ·", "ÎÞÎÊÐ¾ñ·Íê³ÉÈÚ×Ê", url, 1), Labels(), NOW,
                      text_issue="looks mis-decoded")
    clean = article(1, url=url)
    with Warehouse.open(db) as wh:
        wh.store_cycle("c1", [run()], [garbled], [], [], NOW)
        assert wh.known_urls(["seeds"]) == set()  # not taken as done
        again = wh.store_cycle("c2", [run()], [garbled], [], [], NOW)
        fixed = wh.store_cycle("c3", [run()], [clean], [intent("k1", clean)], ["terminal"], NOW)
        assert wh.known_urls(["seeds"]) == {url}
        _, rows = wh.query("select title, text_issue from articles")
    assert (again.new_articles, fixed.new_articles, fixed.alerts_queued) == (0, 1, 1)
    assert rows == [("标题1", None)]
    assert sightings(db) == [("seeds", url, "seeds")]
    assert counts(db)["entity_mentions"] == 1


def test_a_warehouse_from_before_sightings_gets_them_backfilled(tmp_path: Path) -> None:
    from warehouse import MIGRATIONS

    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute((MIGRATIONS / "001_initial.sql").read_text(encoding="utf-8"))
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "applied_at TIMESTAMPTZ DEFAULT now()); INSERT INTO schema_migrations "
                    "(version) VALUES (1)")
        con.execute("INSERT INTO articles VALUES ('a1', 'seeds', 'https://a.example/1', 't', "
                    "'b', NULL, [], NULL, now(), 'h', 'a1', 'c0')")
    with Warehouse.open(db) as wh:
        assert wh.known_urls(["seeds"]) == {"https://a.example/1"}
        _, rows = wh.query("select text_issue from articles")
    assert rows == [(None,)]


READ_FOR_A_WHILE = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("reading", flush=True)
sys.stdin.readline()
"""


def test_a_writer_waits_for_a_reader_in_another_process(tmp_path: Path) -> None:
    import subprocess
    import sys
    import threading

    db = tmp_path / "w.duckdb"
    Warehouse.open(db).close()
    reader = subprocess.Popen([sys.executable, "-c", READ_FOR_A_WHILE, str(db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert reader.stdout is not None and reader.stdout.readline() == "reading\n"
    with pytest.raises(WarehouseError, match="in use by another process .* stayed busy for 0.2 s"):
        Warehouse.open(db, wait=0.2)
    threading.Timer(0.5, reader.communicate, kwargs={"input": "\n"}).start()
    with Warehouse.open(db, wait=20) as wh:  # opens once the reader is gone
        assert wh.store_cycle("c1", [run()], [article(1)], [], [], NOW).new_articles == 1
    reader.wait(10)


@pytest.mark.parametrize(("module", "left_out"), [
    ("warehouse", ("datasketch", "tasks.dedup", "tasks.sources", "prefect", "httpx")),
    ("tasks.records", ("datasketch", "prefect", "duckdb", "numpy")),
])
def test_importing_storage_leaves_heavy_libraries_out(module: str, left_out: tuple[str, ...]
                                                      ) -> None:
    """`newsmon sql` opens the warehouse: it must not pay for MinHash or the fetchers."""
    import subprocess
    import sys

    check = (f"import sys, {module}; print(sorted(m for m in sys.modules for x in {left_out!r} "
             f"if m == x or m.startswith(x + '.')))")
    found = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                           timeout=60, check=True)
    assert found.stdout.strip() == "[]", found.stdout


def test_a_muted_rule_records_its_alerts_without_owing_them(tmp_path: Path) -> None:
    a, b = article(1), article(2)
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.mute("tracked", NOW + timedelta(hours=2))
        assert wh.mutes(NOW) == [("tracked", NOW + timedelta(hours=2))]
        wh.store_cycle("c1", [run()], [a], [intent("k1", a)], ["ch"], NOW)
        assert wh.pending_alerts(["ch"], NOW) == []
        assert [row[:2] for row in wh.deliveries("muted", NOW)] == [("k1", "muted")]
        wh.store_cycle("c2", [run()], [b], [intent("k2", b)], ["ch"], NOW + timedelta(hours=3))
        assert [p.dedup_key for p in wh.pending_alerts(["ch"], NOW)] == ["k2"]  # over
        wh.mute("tracked", NOW + timedelta(days=1))
        wh.mute("tracked", None)
        assert wh.mutes(NOW) == []


def test_discovered_names_are_stored_and_counted_across_articles(tmp_path: Path) -> None:
    from dataclasses import replace

    from tasks.records import Discovered

    def naming(n: int, *names: str) -> Article:
        a = article(n, text=f"由{'、'.join(names)}参投")
        found = tuple(Discovered(name, 1 + 5 * i, 1 + 5 * i + len(name), "investor", "role")
                      for i, name in enumerate(names))
        return replace(a, labels=replace(a.labels, discovered=found))

    db = tmp_path / "w.duckdb"
    articles = [naming(1, "青禾资本", "北辰创投"), naming(2, "青禾资本"), naming(3, "青禾资本")]
    with Warehouse.open(db) as wh:
        wh.store_cycle("c1", [run()], articles, [], [], NOW)
        wh.store_cycle("c1", [run()], articles, [], [], NOW)  # again: counted once
        [(name, kind, count, latest)] = wh.discovered_names(2)
        assert (name, kind, count) == ("青禾资本", "investor", 3) and latest.startswith("标题")
        assert [row[0] for row in wh.discovered_names(1)] == ["青禾资本", "北辰创投"]
