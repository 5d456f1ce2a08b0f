"""warehouse/shell.py and `newsmon sql`: reads work; writes, files, URLs, settings and
extensions are refused by the parser check and, underneath it, by DuckDB's own locks."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest
from click.testing import CliRunner

from newsmon.cli import main
from newsmon.errors import WarehouseError
from warehouse import Warehouse
from warehouse.shell import SHELL_CONFIG, check_output, open_shell, read_statements
from webserver import WebServer

FILES_REFUSED = "reading files or URLs is disabled in newsmon sql"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sql(*args: str) -> object:
    return CliRunner().invoke(main, ["sql", *args])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A small migrated warehouse: two articles, three mentions."""
    path = tmp_path / "w.duckdb"
    with Warehouse.open(path) as wh:
        wh.con.execute("""
            INSERT INTO articles (article_id, source_id, url, title, body, fetched_at,
                                  content_hash, story_id, cycle_id)
            VALUES ('a1', 'feed', 'https://news.example/1', 'MiniMax 递表港交所', '正文一。',
                    TIMESTAMPTZ '2025-03-01 08:00:00+00', 'h1', 's1', 'c1'),
                   ('a2', 'feed', 'https://news.example/2', 'Startup raises a seed round',
                    '無問芯穹完成新一輪融資。', TIMESTAMPTZ '2025-03-02 09:00:00+00', 'h2', 's2', 'c1')
        """)
        wh.con.execute("""
            INSERT INTO entity_mentions VALUES
                ('a1', 'minimax', 'MiniMax', 'MiniMax', 0, 7, 'MiniMax 递表港交所', 'title'),
                ('a1', 'minimax', 'MiniMax', 'MiniMax', 11, 18, '正文一。', 'passing'),
                ('a2', 'infinigence', '无问芯穹', '無問芯穹', 30, 34, '無問芯穹完成新一輪融資。', 'lead')
        """)
    return path


@pytest.fixture
def shell(db: Path) -> Iterator[Warehouse]:
    with open_shell(db) as wh:
        yield wh


def counts(db: Path) -> tuple[int, int]:
    with open_shell(db) as wh:
        return (wh.query("select count(*) from articles")[1][0][0],
                wh.query("select count(*) from entity_mentions")[1][0][0])


# -- reads still work ---------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("select title from articles order by article_id limit 1", [("MiniMax 递表港交所",)]),
    ("with m as (select company, count(*) as n from entity_mentions group by company) "
     "select company, n from m order by n desc, company", [("MiniMax", 2), ("无问芯穹", 1)]),
    ("from company_daily_mentions select company, day::varchar, articles, mentions order by day",
     [("MiniMax", "2025-03-01", 1, 2), ("无问芯穹", "2025-03-02", 1, 1)]),
    ("pragma table_info('fetch_runs')", None),
])
def test_reads_return_rows(shell: Warehouse, query: str, expected: list | None) -> None:
    columns, rows = shell.query(query)
    assert columns
    if expected is not None:
        assert rows == expected
    else:
        assert ("cycle_id",) in [(r[1],) for r in rows]


def test_describe_show_summarize_and_explain_are_reads(shell: Warehouse) -> None:
    _, described = shell.query("describe articles")
    assert [r[0] for r in described][:3] == ["article_id", "source_id", "url"]
    _, tables = shell.query("show tables")
    assert {"articles", "entity_mentions", "company_daily_mentions"} <= {r[0] for r in tables}
    columns, summary = shell.query("summarize articles")
    assert "approx_unique" in columns and len(summary) >= 12
    _, plan = shell.query("explain analyze select count(*) from articles")
    assert "analyzed_plan" in {r[0] for r in plan}
    _, settings = shell.query("call duckdb_settings()")
    assert ("enable_external_access", "false") in {(r[0], r[1]) for r in settings}


def test_several_reads_return_the_last(shell: Warehouse) -> None:
    assert shell.query("select 1 as a; select '二' as b") == (["b"], [("二",)])


def test_cli_csv_json_and_table(db: Path) -> None:
    result = sql("--db", str(db), "--format", "csv",
                 "select article_id, title from articles order by article_id")
    assert result.exit_code == 0, result.output
    assert result.output == ("article_id,title\na1,MiniMax 递表港交所\n"
                             "a2,Startup raises a seed round\n")
    result = sql("--db", str(db), "--format", "json",
                 "select company, mentions from company_daily_mentions order by company")
    assert json.loads(result.output) == [{"company": "MiniMax", "mentions": 2},
                                         {"company": "无问芯穹", "mentions": 1}]
    table = sql("--db", str(db), "select alias from entity_mentions where article_id = 'a2'")
    assert table.output.splitlines()[0].rstrip() == "alias" and "無問芯穹" in table.output


# -- DuckDB's locks are really on ----------------------------------------------------------------

def test_shell_connection_has_the_locked_settings(shell: Warehouse) -> None:
    names = sorted(SHELL_CONFIG)
    rows = shell.con.execute(
        "select name, value from duckdb_settings() where name in (select unnest(?::VARCHAR[]))",
        [names]).fetchall()
    assert dict(rows) == {"enable_external_access": "false", "autoload_known_extensions": "false",
                          "autoinstall_known_extensions": "false",
                          "python_enable_replacements": "false", "lock_configuration": "true"}


@pytest.mark.parametrize("statement", [
    "set enable_external_access = true", "reset enable_external_access",
    "set lock_configuration = false", "set autoinstall_known_extensions = true",
    "pragma enable_external_access = true",
])
def test_duckdb_itself_refuses_settings_changes(shell: Warehouse, statement: str,
                                                tmp_path: Path) -> None:
    """Beneath the parser check: the raw connection cannot unlock itself either."""
    with pytest.raises(duckdb.Error, match="configuration has been locked"):
        shell.con.execute(statement)
    (tmp_path / "local.csv").write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(duckdb.PermissionException):
        shell.con.execute("select * from read_csv(?)", [str(tmp_path / "local.csv")])


def test_duckdb_itself_refuses_copy_onto_the_warehouse(db: Path) -> None:
    before = sha256(db)
    with open_shell(db) as wh, pytest.raises(duckdb.PermissionException):
        wh.con.execute(f"copy (select 'x') to '{db}'")
    assert sha256(db) == before and counts(db) == (2, 3)


# -- refused by the parser check -----------------------------------------------------------------

def test_copy_onto_the_warehouse_is_refused_and_the_file_is_untouched(db: Path) -> None:
    before = sha256(db)
    result = sql("--db", str(db), f"COPY (select 'x') TO '{db}'")
    assert result.exit_code != 0
    assert result.output.strip() == (
        "Error: refused: COPY statements could write files; newsmon sql only reads "
        "(export with --format csv|json --output FILE)")
    assert sha256(db) == before and counts(db) == (2, 3)


@pytest.mark.parametrize("template", [
    "copy (select 1) to '{out}'", "copy articles to '{out}' (format csv)",
    "export database '{dir}'", "explain analyze copy (select 1) to '{out}'",
    "select 1; copy (select 1) to '{out}'",
])
def test_copy_and_export_to_other_files_are_refused(shell: Warehouse, tmp_path: Path,
                                                    template: str) -> None:
    out, folder = tmp_path / "out.csv", tmp_path / "exported"
    with pytest.raises(WarehouseError, match=r"^refused: (EXPLAIN )?(COPY|EXPORT) statements could write"):
        shell.query(template.format(out=out, dir=folder))
    assert not out.exists() and not folder.exists()


@pytest.mark.parametrize(("statement", "kind"), [
    ("pragma enable_external_access = true", "PRAGMA"),
    ("pragma force_checkpoint", "PRAGMA"),
    ("set enable_external_access = true", "SET"),
    ("reset enable_external_access", "RESET"),
    ("set variable lang = '中文'", "SET"),
    ("attach ':memory:' as scratch", "ATTACH"),
    ("detach w", "DETACH"),
    ("install httpfs", "INSTALL"),
    ("load httpfs", "LOAD"),
    ("create temp table t (a int)", "CREATE"),
    ("insert into articles select * from articles", "INSERT"),
    ("with x as (select 1) delete from articles", "DELETE"),
    ("update articles set title = '改'", "UPDATE"),
    ("drop view company_daily_mentions", "DROP"),
    ("vacuum", "VACUUM"),
    ("checkpoint", "CHECKPOINT"),
    ("call checkpoint()", "CALL"),
    ("begin transaction", "BEGIN"),
    ("explain delete from articles", "EXPLAIN DELETE"),
    ("select 1; drop table articles", "DROP"),
])
def test_non_reads_are_refused_naming_the_statement(shell: Warehouse, statement: str,
                                                    kind: str) -> None:
    with pytest.raises(WarehouseError) as caught:
        shell.query(statement)
    message = str(caught.value)
    assert message.startswith(f"refused: {kind} statements ") and "\n" not in message
    assert shell.query("select count(*) from articles")[1] == [(2,)]


def test_attach_of_another_file_is_refused_by_both_locks(shell: Warehouse, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("create table secret as select '机密' as v")
    with pytest.raises(WarehouseError, match="refused: ATTACH"):
        shell.query(f"attach '{other}' as o")
    with pytest.raises(duckdb.PermissionException):
        shell.con.execute(f"attach '{other}' as o")


def test_install_and_load_are_refused_by_both_locks(shell: Warehouse) -> None:
    for statement in ("install httpfs", "load httpfs"):
        with pytest.raises(WarehouseError, match="could install or load extensions"):
            shell.query(statement)
        with pytest.raises(duckdb.PermissionException):
            shell.con.execute(statement)


def test_warehouse_query_shares_the_check(db: Path, tmp_path: Path) -> None:
    """The library's read helper, on an ordinary read-write handle, refuses what it once let by."""
    out = tmp_path / "leak.csv"
    with Warehouse.open(db) as wh:
        for statement in (f"copy (select 1) to '{out}'", "set threads = 1",
                          "pragma enable_profiling"):
            with pytest.raises(WarehouseError, match="^refused: "):
                wh.query(statement)
        assert wh.query("select count(*) from articles where source_id = ?", ["feed"])[1] == [(2,)]
    assert not out.exists()


def test_read_statements_returns_what_it_checked(shell: Warehouse) -> None:
    statements = read_statements(shell.con, "select 1; show tables")
    assert [s.type.name for s in statements] == ["SELECT", "SELECT"]
    with pytest.raises(WarehouseError, match="no statement"):
        read_statements(shell.con, " ; ")


# -- files and URLs inside a SELECT: DuckDB refuses, newsmon explains -----------------------------

def test_read_csv_of_a_local_file_is_refused(shell: Warehouse, tmp_path: Path) -> None:
    local = tmp_path / "notes.csv"
    local.write_text("公司,备注\nMiniMax,不应被读到\n", encoding="utf-8")
    for query in (f"select * from read_csv('{local}')", f"select * from '{local}'",
                  f"select * from read_text('{local}')", f"select * from read_blob('{local}')"):
        with pytest.raises(WarehouseError) as caught:
            shell.query(query)
        assert str(caught.value).startswith(f"refused: {FILES_REFUSED}")
        assert str(local) in str(caught.value) and "\n" not in str(caught.value)


def test_glob_is_refused(shell: Warehouse, tmp_path: Path) -> None:
    (tmp_path / "visible.txt").write_text("x", encoding="utf-8")
    with pytest.raises(WarehouseError, match=FILES_REFUSED):
        shell.query(f"select * from glob('{tmp_path}/*')")


def test_http_read_csv_is_refused_and_sends_no_request(db: Path) -> None:
    server = WebServer()
    server.files["/x.csv"] = "公司,金额\nMiniMax,1\n".encode()
    server.start()
    try:
        result = sql("--db", str(db), f"select * from read_csv('{server.url('/x.csv')}')")
        assert result.exit_code != 0 and FILES_REFUSED in result.output
        assert server.requests == []
        # The server does answer, so an empty log above means no request was made.
        assert httpx.get(server.url("/x.csv")).status_code == 200
        assert [path for path, _ in server.requests] == ["/x.csv"]
    finally:
        server.stop()


# -- --output ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_output_writes_the_formatted_result(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"result.{fmt}"
    result = sql("--db", str(db), "--format", fmt, "--output", str(out),
                 "select company, count(*) as n from entity_mentions group by company order by n desc")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        assert text == "company,n\nMiniMax,2\n无问芯穹,1\n"
    elif fmt == "json":
        assert json.loads(text) == [{"company": "MiniMax", "n": 2}, {"company": "无问芯穹", "n": 1}]
    else:
        assert text.splitlines()[2].startswith("MiniMax") and text.endswith("(2 rows)\n")


@pytest.mark.parametrize("target", ["warehouse", "wal", "symlink", "wal_symlink", "hardlink"])
def test_output_refuses_the_warehouse_and_its_wal(db: Path, tmp_path: Path, target: str) -> None:
    wal = Path(f"{db}.wal")
    paths = {"warehouse": db, "wal": wal, "symlink": tmp_path / "innocent.csv",
             "wal_symlink": tmp_path / "log.csv", "hardlink": tmp_path / "copy.csv"}
    if target == "symlink":
        paths[target].symlink_to(db)
    elif target == "wal_symlink":
        paths[target].symlink_to(wal)  # dangling now; the WAL appears when a cycle writes
    elif target == "hardlink":
        paths[target].hardlink_to(db)
    before = sha256(db)
    result = sql("--db", str(db), "--format", "csv", "--output", str(paths[target]),
                 "select * from articles")
    assert result.exit_code != 0
    assert "refused: --output" in result.output and "choose another file" in result.output
    assert sha256(db) == before and counts(db) == (2, 3)
    assert not wal.exists()


def test_check_output_through_a_relative_path(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(db.parent)
    with pytest.raises(WarehouseError, match="write-ahead log"):
        check_output("./sub/../w.duckdb.wal", db)
    check_output("w.csv", db)  # anything else is fine


# -- busy and missing ---------------------------------------------------------------------------

def hold_write_lock(db: Path) -> subprocess.Popen:
    """A child process holding DuckDB's write lock on `db` until its stdin closes."""
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, duckdb\n"
         f"con = duckdb.connect({str(db)!r})\n"
         "print('locked', flush=True)\n"
         "sys.stdin.read()\n"
         "con.close()\n"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    return child


def release(child: subprocess.Popen) -> None:
    assert child.stdin is not None
    child.stdin.close()
    child.wait(timeout=30)


@pytest.mark.timeout(60)
def test_busy_warehouse_fails_clearly_within_the_wait(db: Path) -> None:
    child = hold_write_lock(db)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseError) as caught:
            open_shell(db, wait=0.6)
        elapsed = time.monotonic() - started
        assert re.match(r"warehouse busy: .* stayed busy for 0.6 s; try again in a moment",
                        str(caught.value))
        assert 0.5 <= elapsed < 3.0
        result = sql("--db", str(db), "--wait", "0.2", "select 1")
        assert result.exit_code != 0 and "warehouse busy" in result.output
    finally:
        release(child)
    result = sql("--db", str(db), "--format", "csv", "select count(*) as n from articles")
    assert result.exit_code == 0 and result.output == "n\n2\n"


@pytest.mark.timeout(60)
def test_waiting_succeeds_once_the_cycle_lets_go(db: Path) -> None:
    child = hold_write_lock(db)
    threading.Timer(0.4, release, [child]).start()
    try:
        with open_shell(db, wait=20) as wh:
            assert wh.query("select count(*) from entity_mentions")[1] == [(3,)]
    finally:
        if child.poll() is None:
            release(child)


def test_missing_warehouse_says_run_first(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="newsmon run"):
        open_shell(tmp_path / "none.duckdb")
    result = sql("--db", str(tmp_path / "none.duckdb"), "select 1")
    assert result.exit_code != 0 and "newsmon run" in result.output
