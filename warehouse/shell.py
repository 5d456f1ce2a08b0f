"""`newsmon sql`: the warehouse opened for a user's own SQL, which may read it and nothing else.

Two locks: DuckDB's parser says what each statement is, and only reads run; DuckDB's own
configuration, locked at connect time, keeps a read from touching files, URLs or extensions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from newsmon.errors import WarehouseError
from warehouse import Warehouse, default_path

# Applied at connect time; lock_configuration makes every later SET or RESET fail.
SHELL_CONFIG: dict[str, Any] = {
    "enable_external_access": False,  # no file or URL reads/writes, no ATTACH, no INSTALL
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "python_enable_replacements": False,  # SQL cannot scan Python objects in the caller's frame
    "lock_configuration": True,
}
DEFAULT_WAIT = 5.0

_READS = {"SELECT"}  # DESCRIBE, SHOW, SUMMARIZE, FROM … and read-only PRAGMAs parse as SELECT
_READ_CALL_PREFIXES = ("duckdb_", "pragma_")  # catalog and metadata table functions
_EXPORT_HINT = " (export with --format csv|json --output FILE)"
_REASONS = {
    "COPY": ("could write files", _EXPORT_HINT),
    "EXPORT": ("could write files", _EXPORT_HINT),
    "COPY_DATABASE": ("could write another database", _EXPORT_HINT),
    "SET": ("would change settings", ""),
    "VARIABLE_SET": ("would change settings", ""),
    "PRAGMA": ("would change settings", ""),
    "ATTACH": ("could open other database files", ""),
    "DETACH": ("could close the warehouse", ""),
    "LOAD": ("could install or load extensions", ""),
    "EXTENSION": ("could install or load extensions", ""),
    "CALL": ("run procedures", " (CALL works for duckdb_* and pragma_* table functions)"),
    **{kind: ("would change the warehouse", "") for kind in (
        "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "MERGE_INTO", "VACUUM",
        "ANALYZE", "CREATE_FUNC")},
}
_FILES_REFUSED = "refused: reading files or URLs is disabled in newsmon sql"


def open_shell(path: Path | str | None = None, *, wait: float = DEFAULT_WAIT) -> Warehouse:
    """Open the warehouse read-only with external access and extension loading off and the
    configuration locked. While a cycle holds the write lock, retry for up to `wait` seconds,
    then raise a WarehouseError saying the warehouse is busy."""
    return Warehouse.open(path, read_only=True, wait=wait, config=SHELL_CONFIG)


def check_output(output: Path | str, warehouse_path: Path | str | None = None) -> None:
    """Refuse an output file that is the warehouse, its write-ahead log, or a link to either."""
    target = Path(output)
    db = Path(warehouse_path) if warehouse_path else default_path()
    protected = [(db, "the warehouse file"), (Path(f"{db}.wal"), "the warehouse's write-ahead log"),
                 (Path(f"{db.resolve()}.wal"), "the warehouse's write-ahead log")]
    for guarded, what in protected:
        same = target.resolve() == guarded.resolve()
        if not same and target.exists() and guarded.exists():
            same = os.path.samefile(target, guarded)  # hard links too
        if same:
            raise WarehouseError(
                f"refused: --output {output} is {what} ({guarded}); choose another file")


def read_statements(con: duckdb.DuckDBPyConnection, sql: str) -> list[duckdb.Statement]:
    """Parse `sql` with `con`'s parser and return its statements if every one only reads;
    otherwise raise a one-line WarehouseError naming the first statement type refused."""
    statements = _parse(con, sql)
    if not statements:
        raise WarehouseError("SQL error: no statement given")
    for statement in statements:
        _refuse_unless_read(con, statement)
    return statements


def run_read(con: duckdb.DuckDBPyConnection, sql: str,
             params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
    """Run `sql` if it only reads; returns the last statement's column names and rows.
    Parameters bind to the last statement, as in DuckDB."""
    statements = read_statements(con, sql)
    try:
        for statement in statements[:-1]:
            con.execute(statement)
        cursor = con.execute(statements[-1], list(params))
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall() if cursor.description else []
    except duckdb.PermissionException as exc:
        raise WarehouseError(f"{_FILES_REFUSED} ({_first_line(exc)})") from None
    except duckdb.Error as exc:
        raise WarehouseError(f"SQL error: {exc}") from None


def _parse(con: duckdb.DuckDBPyConnection, sql: str) -> list[duckdb.Statement]:
    # The connection's own parser: some statements (IMPORT, extension PRAGMAs) touch files
    # or the network while being parsed, and a locked connection refuses that.
    try:
        return con.extract_statements(sql)
    except duckdb.PermissionException as exc:
        raise WarehouseError(f"{_FILES_REFUSED} ({_first_line(exc)})") from None
    except duckdb.Error as exc:
        raise WarehouseError(f"SQL error: {exc}") from None


def _refuse_unless_read(con: duckdb.DuckDBPyConnection, statement: duckdb.Statement,
                        prefix: str = "") -> None:
    kind = statement.type.name
    if kind in _READS:
        return
    if kind == "EXPLAIN":  # EXPLAIN ANALYZE runs its statement: allowed only for reads
        inner = _parse(con, _explained(statement.query))
        if not inner:
            raise WarehouseError(f"refused: {prefix}EXPLAIN of nothing; newsmon sql only reads")
        for explained in inner:
            _refuse_unless_read(con, explained, prefix=f"{prefix}EXPLAIN ")
        return
    words = _words(statement.query)
    if (kind == "CALL" and len(words) > 1 and words[0] == "CALL"
            and words[1].strip('"').lower().startswith(_READ_CALL_PREFIXES)):
        return
    label = words[0] if words and words[0] not in ("WITH", "(") else kind
    reason, hint = _REASONS.get(kind, ("are not reads", ""))
    if not statement.query.strip(" ;'\n"):  # DuckDB expanded the input, as a PIVOT without IN (…)
        hint = f"{hint} (a PIVOT needs an explicit IN (…) list)"
    raise WarehouseError(f"refused: {prefix}{label} statements {reason}; "
                         f"newsmon sql only reads{hint}")


def _tokens(sql: str) -> list[tuple[int, str]]:
    """(byte offset, text) of each token; DuckDB's tokenizer counts bytes and skips comments."""
    raw = sql.encode("utf-8")
    starts = [offset for offset, _ in duckdb.tokenize(sql)] if sql.strip() else []
    ends = [*starts[1:], len(raw)]
    return [(a, raw[a:b].decode("utf-8", "replace").strip()) for a, b in zip(starts, ends, strict=False)]


def _words(sql: str) -> list[str]:
    return [t.upper() if t.isidentifier() else t for _, t in _tokens(sql)[:2]]


def _explained(sql: str) -> str:
    """The statement after EXPLAIN [ANALYZE] [(options)]."""
    tokens = _tokens(sql)
    i = 1
    if i < len(tokens) and tokens[i][1].lower() in ("analyze", "analyse"):
        i += 1
    if i < len(tokens) and tokens[i][1].startswith("("):
        depth = 0
        while i < len(tokens):
            depth += tokens[i][1].count("(") - tokens[i][1].count(")")
            i += 1
            if depth <= 0:
                break
    return sql.encode("utf-8")[tokens[i][0]:].decode("utf-8") if i < len(tokens) else ""


def _first_line(exc: BaseException) -> str:
    line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return line.removeprefix("Permission Error: ")
