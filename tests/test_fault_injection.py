"""One hostile source, one good source, one real cycle each: the hostile source ends as its own
fetch_runs row with a one-line reason, the good source is stored, and the cycle ends on time."""

import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from hostile import HostileServer
from webserver import WebServer

pytestmark = pytest.mark.usefixtures("prefect_harness", "clean_env")

LIMITS = ("connect_timeout: 1, read_timeout: 1, max_bytes: 1048576, max_redirects: 3, "
          "max_seconds: 3")
GOOD = "无问芯穹今日宣布完成新一轮融资，资金将用于扩大推理算力平台。\n\n本轮融资由多家机构共同参与。\n"


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def run_cycle(tmp_path: Path, hostile_source: str, budget: float = 240) -> tuple[float, Path]:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "news.txt").write_text(GOOD, encoding="utf-8")
    config = tmp_path / "sources.yaml"
    config.write_text(f"sources:\n  - {{id: good, kind: files, path: good/}}\n{hostile_source}"
                      f"fetch:\n  budget_seconds: {budget}\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    started = time.monotonic()
    ingest(config_path=str(config), db_path=str(db))
    return time.monotonic() - started, db


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def fetch_run(db: Path, source: str) -> tuple:
    return rows(db, f"select status, error, failed_items from fetch_runs "
                    f"where source_id = '{source}'")[0]


def source_seconds(db: Path, source: str) -> float:
    """How long the source's fetch took, as its fetch run recorded it."""
    return rows(db, f"select elapsed_s from fetch_runs where source_id = '{source}'")[0][0]


# What a whole cycle costs beyond its fetches (Prefect, classify, store): generous, as the two
# cores may be busy; the faults these tests guard against cost tens of seconds.
CYCLE_OVERHEAD_S = 10.0


def assert_good_source_stored(db: Path) -> None:
    assert rows(db, "select status, new from fetch_runs where source_id = 'good'") == [("ok", 1)]
    assert rows(db, """select count(distinct article_id) from articles a
                       join entity_mentions m using (article_id)
                       where a.source_id = 'good' and m.company_id = 'infinigence'""") == [(1,)]


FAILING = [  # (mode, reason in fetch_runs.error, seconds the whole cycle may take)
    ("500", "HTTP 500 Internal Server Error", 4),
    ("404", "HTTP 404 Not Found", 4),
    ("refused", "cannot connect: connection refused", 4),
    ("hang", "read timeout after 1 s", 5),
    ("trickle-headers", "no complete response within 3 s", 6),
    ("trickle-body", "no complete response within 3 s", 6),
    ("redirect-loop", "more than 3 redirects (a redirect loop?)", 4),
    ("oversized", "body over the 1,048,576-byte limit; stopped reading", 5),
    ("oversized-declared", "body of 10,737,418,240 bytes is over the 1,048,576-byte limit", 4),
    ("gzip-bomb", "over the 1,048,576-byte limit once decompressed", 5),
    ("malformed-xml", "malformed feed", 4),
    ("billion-laughs", "malformed feed", 4),
    ("xxe", "malformed feed", 4),
]


@pytest.mark.parametrize("mode, reason, bound", FAILING, ids=[m for m, _, _ in FAILING])
def test_hostile_feed_fails_alone_with_its_reason(tmp_path: Path, hostile: HostileServer,
                                                 mode: str, reason: str, bound: float) -> None:
    url = hostile.refused_url() if mode == "refused" else hostile.url(mode)
    elapsed, db = run_cycle(tmp_path, f"  - {{id: hostile, kind: rss, url: '{url}', {LIMITS}}}\n")
    status, error, _ = fetch_run(db, "hostile")
    assert status == "failed"
    assert reason in error and "\n" not in error
    assert_good_source_stored(db)
    assert source_seconds(db, "hostile") < bound
    assert elapsed < bound + CYCLE_OVERHEAD_S
    assert rows(db, "select count(*) from articles where source_id = 'hostile'") == [(0,)]


def test_xxe_never_brings_a_local_file_into_the_warehouse(tmp_path: Path,
                                                         hostile: HostileServer) -> None:
    secret = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    _, db = run_cycle(tmp_path, f"  - {{id: hostile, kind: rss, url: '{hostile.url('xxe')}'}}\n")
    stored = rows(db, "select string_agg(title || body, '') from articles")[0][0]
    assert not secret or secret not in stored


def test_one_bad_item_skips_that_item_not_the_feed(tmp_path: Path,
                                                   hostile: HostileServer) -> None:
    url = hostile.url("bad-port-item")
    _, db = run_cycle(tmp_path, f"  - {{id: hostile, kind: rss, url: '{url}', {LIMITS}}}\n")
    status, error, failed = fetch_run(db, "hostile")
    assert (status, failed) == ("partial", 1)
    assert "1 of 3 items failed" in error and "port out of range" in error.lower()
    assert rows(db, "select count(*) from articles where source_id = 'hostile'") == [(2,)]
    assert_good_source_stored(db)
    # the feed is not remembered as seen, so the skipped item is looked at again next cycle
    assert rows(db, "select count(*) from source_cursors where source_id = 'hostile'") == [(0,)]


def test_a_gbk_feed_served_as_latin1_is_stored_in_chinese(tmp_path: Path,
                                                          hostile: HostileServer) -> None:
    url = hostile.url("wrong-charset")
    _, db = run_cycle(tmp_path, f"  - {{id: hostile, kind: rss, url: '{url}', {LIMITS}}}\n")
    assert fetch_run(db, "hostile")[0] == "ok"
    titles = [r[0] for r in rows(db, "select title from articles where source_id = 'hostile' "
                                     "order by title")]
    assert titles == ["MiniMax海外应用月活用户再创新高", "无问芯穹与高校共建算力联合实验室"]
    assert rows(db, "select count(*) from articles where text_issue is not null") == [(0,)]


def test_hanging_article_links_fail_the_html_source_within_its_budget(
        tmp_path: Path, hostile: HostileServer) -> None:
    site = WebServer().start()
    try:
        links = "".join(f'<li><a href="{hostile.url("hang")}?n={n}">第{n}篇</a></li>'
                        for n in range(8))
        site.files["/list.html"] = f"<html><body><ul>{links}</ul></body></html>".encode()
        elapsed, db = run_cycle(tmp_path, f"  - {{id: hostile, kind: html, url: "
                                          f"'{site.url('/list.html')}', obey_robots: false, "
                                          f"{LIMITS}}}\n")
    finally:
        site.stop()
    status, error, failed = fetch_run(db, "hostile")
    assert (status, failed) == ("failed", 8)  # not "ok": every article timed out or was left
    assert "8 of 8 items failed" in error and "read timeout after 1 s" in error
    assert "not fetched: the source's 3 s budget ran out" in error
    assert source_seconds(db, "hostile") < 6
    assert elapsed < 6 + CYCLE_OVERHEAD_S
    assert_good_source_stored(db)


def test_the_cycle_ends_within_its_budget_whatever_the_servers_do(
        tmp_path: Path, hostile: HostileServer) -> None:
    slow = "connect_timeout: 1, read_timeout: 50, max_seconds: 60"
    sources = "".join(f"  - {{id: slow{n}, kind: rss, url: '{hostile.url(mode)}', {slow}}}\n"
                      for n, mode in enumerate(["trickle-headers", "trickle-body", "hang"]))
    elapsed, db = run_cycle(tmp_path, sources, budget=2)
    assert max(source_seconds(db, f"slow{n}") for n in range(3)) < 5
    assert elapsed < 5 + CYCLE_OVERHEAD_S
    for n in range(3):
        status, error, _ = fetch_run(db, f"slow{n}")
        assert status == "failed" and "the source's deadline" in error
    assert_good_source_stored(db)
