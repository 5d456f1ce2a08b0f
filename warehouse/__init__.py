"""The DuckDB warehouse: one class, named methods, bound parameters, numbered migrations.

Writes happen in one transaction per cycle and go through Arrow tables, never row by row.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from newsmon.errors import WarehouseError
from tasks.records import (
    AlertIntent,
    AlertView,
    Article,
    Cursor,
    Event,
    FetchRun,
    Labels,
    Mention,
    Origin,
    PendingAlert,
    Signed,
    SourceHealth,
    StoreReport,
    Story,
    Streak,
    TopicLabel,
)

MIGRATIONS = Path(__file__).with_name("migrations")
DEFAULT_PATH = Path(__file__).with_name("newsmon.duckdb")


def default_path() -> Path:
    return Path(os.environ.get("NEWSMON_DB") or DEFAULT_PATH)


class Warehouse:
    """Handle on one DuckDB file. Open with `Warehouse.open(path)`; use as a context manager."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con, self.path, self.read_only = con, path, read_only

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False,
             wait: float = 0, config: Mapping[str, Any] | None = None) -> Warehouse:
        """Open the warehouse, migrating it when writable; `config` goes to DuckDB's connect.
        DuckDB lets one process write (or several read); while another holds it, retry with
        backoff for up to `wait` seconds."""
        path = Path(path) if path else default_path()
        if read_only and not path.exists():
            raise WarehouseError(f"no warehouse at {path} yet: run `newsmon run` first")
        path.parent.mkdir(parents=True, exist_ok=True)
        give_up, pause = time.monotonic() + wait, 0.05
        while True:
            try:
                con = duckdb.connect(str(path), read_only=read_only, config=dict(config or {}))
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise WarehouseError(f"cannot open warehouse {path}: {exc}") from None
                left = give_up - time.monotonic()
                if left <= 0:
                    raise WarehouseError(
                        f"warehouse busy: {path} is in use by another process (a running cycle "
                        f"or a long `newsmon sql`?) and stayed busy for {wait:g} s; try again in "
                        f"a moment. DuckDB said: {' '.join(str(exc).split())[:200]}") from None
                time.sleep(min(pause, left))
                pause = min(pause * 2, 1.0)
            except duckdb.Error as exc:
                raise WarehouseError(f"cannot open warehouse {path}: {exc}") from None
        warehouse = cls(con, path, read_only)
        if not read_only:
            warehouse.migrate()
        return warehouse

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.begin()
        try:
            yield
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    # -- schema -------------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        """Apply the numbered migrations not applied yet; returns the versions applied."""
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                         "(version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ DEFAULT now())")
        done = {row[0] for row in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for script in sorted(MIGRATIONS.glob("*.sql")):
            version = int(script.name.split("_", 1)[0])
            if version in done:
                continue
            with self.transaction():
                self.con.execute(script.read_text(encoding="utf-8"))
                self.con.execute("INSERT INTO schema_migrations (version) VALUES (?)", [version])
            applied.append(version)
        return applied

    # -- one cycle's writes ---------------------------------------------------------------------

    def store_cycle(self, cycle_id: str, runs: Sequence[FetchRun], articles: Sequence[Article],
                    alerts: Sequence[AlertIntent], channels: Sequence[str],
                    now: datetime, cursors: Sequence[Cursor] = (),
                    stories: Mapping[str, str] | None = None,
                    signatures: Sequence[Signed] = ()) -> StoreReport:
        """Store a cycle atomically: its fetch runs, the articles not stored before (same URL or
        same content means stored), their mentions and topics, and the alerts they trigger,
        one row per channel, as `pending`. Running it again with the same input changes nothing."""
        with self.transaction():
            new_articles = self._insert_new_articles(cycle_id, articles, stories or {}, now)
            new = {a.article_id for a in new_articles}
            self._insert("entity_mentions", _mention_rows(new_articles))
            self._insert("article_topics", _topic_rows(new_articles))
            self._insert("article_events", _event_rows(new_articles))
            self._insert("discovered_mentions", [
                {"article_id": a.article_id, "name": d.name, "kind": d.kind,
                 "pattern": d.pattern, "start": d.start, "end": d.end}
                for a in new_articles for d in a.labels.discovered])
            self._insert("article_signatures", [
                {"article_id": s.article_id, "story_id": s.story_id,
                 "signature": s.signature.tolist(), "fetched_at": now}
                for s in signatures if s.article_id in new], on_conflict="DO NOTHING")
            owed = [a for a in alerts if a.article_id is None or a.article_id in new]
            queued = self._queue_alerts(owed, channels, now)
            new_by_source: dict[str, int] = {}
            for article in new_articles:
                new_by_source[article.source_id] = new_by_source.get(article.source_id, 0) + 1
            self._insert("fetch_runs", [
                {"cycle_id": cycle_id, "source_id": r.source_id, "kind": r.kind,
                 "started_at": r.started_at, "status": r.status, "items": r.items,
                 "stories": r.stories, "new": new_by_source.get(r.source_id, 0),
                 "error": r.error, "elapsed_s": r.elapsed_s, "failed_items": r.failed_items}
                for r in runs],
                on_conflict="DO NOTHING")
            self._insert("source_cursors", [
                {"source_id": c.source_id, "url": c.url, "etag": c.etag,
                 "last_modified": c.last_modified, "updated_at": now} for c in cursors],
                on_conflict="(source_id, url) DO UPDATE SET etag = excluded.etag, "
                            "last_modified = excluded.last_modified, "
                            "updated_at = excluded.updated_at")
        return StoreReport(len(new_articles), len(articles) - len(new_articles), new_by_source,
                           sum(len(a.labels.mentions) for a in new_articles),
                           queued,
                           dict(Counter(c for a in new_articles for c in a.labels.companies)),
                           frozenset(new))

    def _insert_new_articles(self, cycle_id: str, articles: Sequence[Article],
                             stories: Mapping[str, str], now: datetime) -> list[Article]:
        """Insert the articles not stored before and record a sighting of every (source, URL)
        in `articles`, new or not. An article is stored before when its URL is, or its text
        is and it has a body (headline-only items share headlines too easily). A stored
        article flagged as mis-decoded is replaced by a clean fetch of the same URL."""
        if not articles:
            return []
        first: dict[str, Article] = {}  # the first of any duplicates within the batch wins
        same_as: dict[str, str] = {}  # article_id -> the batch article it repeats
        for article in articles:
            keys = [article.story.url] + ([article.content_hash] if article.story.body else [])
            winner = next((first[k] for k in keys if k in first), article)
            same_as[article.article_id] = winner.article_id
            for key in keys:
                first.setdefault(key, winner)
        unique = {a.article_id: a for a in articles if same_as[a.article_id] == a.article_id}
        batch = pa.Table.from_pylist(
            [_article_row(a, cycle_id, stories.get(a.article_id, a.article_id))
             for a in unique.values()], schema=_ARTICLE_SCHEMA)
        self.con.register("incoming_articles", batch)
        try:
            matches = self.con.execute("""
                SELECT i.article_id, a.article_id, a.text_issue IS NOT NULL AND a.url = i.url
                FROM incoming_articles i JOIN articles a ON a.url = i.url
                UNION ALL
                SELECT i.article_id, a.article_id, false
                FROM incoming_articles i JOIN articles a ON a.content_hash = i.content_hash
                WHERE i.body <> '' AND a.body <> '' AND a.url <> i.url
            """).fetchall()
            stored_as: dict[str, str] = {}  # incoming -> the stored article it repeats
            replaces: dict[str, str] = {}  # incoming -> the flagged article it replaces
            for incoming, existing, flagged in matches:
                if flagged and unique[incoming].text_issue is None:
                    replaces[incoming] = existing
                else:
                    stored_as.setdefault(incoming, existing)
            replaces = {i: e for i, e in replaces.items() if i not in stored_as}
            new = sorted(set(unique) - set(stored_as))
            self._replace_flagged(replaces)
            self.con.execute("""
                INSERT INTO articles SELECT * FROM incoming_articles
                WHERE article_id IN (SELECT unnest(?::VARCHAR[]))
            """, [new])
        finally:
            self.con.unregister("incoming_articles")
        self._insert("article_sightings", [
            {"source_id": a.source_id, "url": a.story.url, "cycle_id": cycle_id,
             "article_id": stored_as.get(same_as[a.article_id], same_as[a.article_id]),
             "first_seen_at": now} for a in articles], on_conflict="DO NOTHING")
        return [unique[article_id] for article_id in new]

    def _replace_flagged(self, replaces: Mapping[str, str]) -> None:
        """Remove flagged articles and everything derived from them; their sightings move to
        the articles replacing them, inserted next in the same transaction."""
        if not replaces:
            return
        old = sorted(replaces.values())
        for table in ("entity_mentions", "article_topics", "article_events", "discovered_mentions",
                      "article_signatures", "articles"):
            self.con.execute(f"DELETE FROM {table} WHERE article_id IN "
                             f"(SELECT unnest(?::VARCHAR[]))", [old])
        self.con.executemany("UPDATE article_sightings SET article_id = ? WHERE article_id = ?",
                             list(replaces.items()))

    def _queue_alerts(self, alerts: Sequence[AlertIntent], channels: Sequence[str],
                      now: datetime) -> int:
        muted = {rule for (rule,) in self.con.execute(
            "SELECT rule FROM rule_mutes WHERE until > ?", [now]).fetchall()}
        return self._insert("alert_deliveries", [
            {"dedup_key": a.dedup_key, "channel": channel, "kind": a.kind, "rule": a.rule,
             "company_id": a.company_id, "company": a.company, "article_id": a.article_id,
             "source_id": a.source_id, "title": a.title, "body": a.body,
             "view": a.view.to_json() if a.view else None,
             "status": "muted" if a.rule in muted else "pending", "attempts": 0,
             "created_at": now}
            for a in alerts for channel in channels
            if not a.channels or channel in a.channels], on_conflict="DO NOTHING")

    def _insert(self, table: str, rows: list[dict[str, Any]], on_conflict: str = "") -> int:
        """Bulk insert through Arrow; returns how many rows went in."""
        if not rows:
            return 0
        batch = pa.Table.from_pylist(rows)
        columns = ", ".join(f'"{name}"' for name in batch.column_names)
        self.con.register("incoming_rows", batch)
        try:
            conflict = f"ON CONFLICT {on_conflict}" if on_conflict else ""
            inserted = self.con.execute(f"INSERT INTO {table} ({columns}) "
                                        f"SELECT {columns} FROM incoming_rows {conflict} "
                                        f"RETURNING 1").fetchall()
        finally:
            self.con.unregister("incoming_rows")
        return len(inserted)

    # -- what the next fetch needs to know -----------------------------------------------------

    def cursors(self, source_ids: Sequence[str]) -> dict[tuple[str, str], Cursor]:
        rows = self.con.execute("""
            SELECT source_id, url, etag, last_modified FROM source_cursors
            WHERE source_id IN (SELECT unnest(?::VARCHAR[]))""", [list(source_ids)]).fetchall()
        return {(row[0], row[1]): Cursor(*row) for row in rows}

    def known_urls(self, source_ids: Sequence[str]) -> set[str]:
        """URLs these sources carried before, stored or as a repeat of a stored article: their
        links are not fetched again. Articles flagged as mis-decoded do not count."""
        rows = self.con.execute("""
            SELECT DISTINCT s.url FROM article_sightings s JOIN articles a USING (article_id)
            WHERE s.source_id IN (SELECT unnest(?::VARCHAR[])) AND a.text_issue IS NULL
        """, [list(source_ids)]).fetchall()
        return {row[0] for row in rows}

    def content_hashes(self) -> set[str]:
        """Hashes of every stored article's text."""
        return {row[0] for row in self.con.execute(
            "SELECT content_hash FROM articles").fetchall()}

    def recent_signatures(self, days: int = 14) -> list[Signed]:
        """Signatures of articles fetched in the last `days`: what a new article may repeat."""
        rows = self.con.execute("""
            SELECT article_id, story_id, signature FROM article_signatures
            WHERE fetched_at >= now() - to_days(?) ORDER BY fetched_at
        """, [days]).fetchall()
        return [Signed(row[0], row[1], np.array(row[2], dtype=np.uint32)) for row in rows]

    def last_fetched(self, source_ids: Sequence[str]) -> dict[str, datetime]:
        rows = self.con.execute("""
            SELECT source_id, max(started_at) FROM fetch_runs
            WHERE source_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY source_id
        """, [list(source_ids)]).fetchall()
        return dict(rows)

    def failure_streaks(self, source_ids: Sequence[str]) -> dict[str, Streak]:
        """For each source failing now: how many cycles in a row, since which cycle."""
        rows = self.con.execute("""
            WITH ordered AS (
                SELECT source_id, cycle_id, started_at,
                       sum(CASE WHEN status <> 'failed' THEN 1 ELSE 0 END) OVER (
                           PARTITION BY source_id ORDER BY started_at DESC
                           ROWS UNBOUNDED PRECEDING) AS successes_since
                FROM fetch_runs WHERE source_id IN (SELECT unnest(?::VARCHAR[]))
            )
            SELECT source_id, count(*), arg_min(cycle_id, started_at)
            FROM ordered WHERE successes_since = 0 GROUP BY source_id
        """, [list(source_ids)]).fetchall()
        return {row[0]: Streak(row[1], row[2]) for row in rows}

    def source_health(self, source_ids: Sequence[str], now: datetime) -> list[SourceHealth]:
        """One row per source: last success and error, failures in a row, recent articles."""
        streaks = self.failure_streaks(source_ids)
        runs = {row[0]: row[1:] for row in self.con.execute("""
            SELECT source_id, max(started_at) FILTER (WHERE status <> 'failed'),
                   arg_max(error, started_at) FILTER (WHERE error IS NOT NULL)
            FROM fetch_runs WHERE source_id IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY source_id""", [list(source_ids)]).fetchall()}
        articles = {row[0]: row[1:] for row in self.con.execute("""
            SELECT source_id,
                   count(*) FILTER (WHERE fetched_at >= ?::TIMESTAMPTZ - INTERVAL 1 DAY),
                   count(*) FILTER (WHERE fetched_at >= ?::TIMESTAMPTZ - INTERVAL 7 DAY),
                   max(fetched_at)
            FROM articles WHERE source_id IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY source_id""", [now, now, list(source_ids)]).fetchall()}
        out = []
        for source_id in source_ids:
            last_ok, last_error = runs.get(source_id, (None, None))
            day, week, last_new = articles.get(source_id, (0, 0, None))
            streak = streaks.get(source_id)
            out.append(SourceHealth(source_id, last_ok, last_error,
                                    streak.failures if streak else 0, day, week, last_new))
        return out

    # -- alerts -----------------------------------------------------------------------------------

    def pending_alerts(self, channels: Sequence[str], now: datetime) -> list[PendingAlert]:
        """Alerts owed on `channels` and due at `now`: pending, or retrying with their backoff
        over; none on a channel that is down and waiting out its backoff. Retries first (one
        of them probes a channel that was down), then oldest first."""
        if not channels:
            return []
        rows = self.con.execute("""
            SELECT dedup_key, channel, kind, rule, company_id, company, title, body, attempts,
                   created_at, view
            FROM alert_deliveries d
            WHERE channel IN (SELECT unnest(?::VARCHAR[]))
              AND status IN ('pending', 'retrying')
              AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
              AND NOT EXISTS (
                  SELECT 1 FROM alert_deliveries w
                  WHERE w.channel = d.channel AND w.status = 'retrying'
                    AND w.failure_kind = 'down' AND w.next_attempt_at > ?)
            ORDER BY status = 'retrying' DESC, created_at, rowid
        """, [list(channels), now, now]).fetchall()
        return [PendingAlert(key, channel, kind, rule, company_id, company, title, body,
                             attempts, created, AlertView.from_json(view) if view else None)
                for (key, channel, kind, rule, company_id, company, title, body, attempts,
                     created, view) in rows]

    def record_sent(self, dedup_key: str, channel: str, now: datetime,
                    message_id: str | None = None) -> None:
        """Sent at `now`, in message `message_id` (a digest or summary carrying several
        alerts; default: its own)."""
        self.con.execute("""
            UPDATE alert_deliveries
            SET attempts = attempts + 1, status = 'sent', last_attempt_at = ?, sent_at = ?,
                next_attempt_at = NULL, message_id = ?
            WHERE dedup_key = ? AND channel = ? AND status <> 'sent'
        """, [now, now, message_id or dedup_key, dedup_key, channel])

    def messages_sent(self, channel: str, since: datetime) -> int:
        """How many messages `channel` was sent since `since` (a digest counts once)."""
        [(count,)] = self.con.execute("""
            SELECT count(DISTINCT coalesce(message_id, dedup_key)) FROM alert_deliveries
            WHERE channel = ? AND status = 'sent' AND sent_at > ?""", [channel, since]).fetchall()
        return int(count)

    def record_failure(self, dedup_key: str, channel: str, *, error: str, kind: str,
                       retry_at: datetime | None, now: datetime) -> None:
        """One failed attempt (`kind`: down | rejected): retrying at `retry_at`, or dead when
        None. Never overwrites a success."""
        self.con.execute("""
            UPDATE alert_deliveries
            SET attempts = attempts + 1, status = CASE WHEN ? THEN 'dead' ELSE 'retrying' END,
                last_error = ?, failure_kind = ?, last_attempt_at = ?, next_attempt_at = ?
            WHERE dedup_key = ? AND channel = ? AND status <> 'sent'
        """, [retry_at is None, error, kind, now, retry_at, dedup_key, channel])

    def revive(self, ids: Sequence[str] = (), *, every_dead: bool = False) -> int:
        """Make alerts owed again now, with fresh attempts: those whose id (`dedup_key`, or a
        prefix of it of 6 characters or more) is in `ids` and that are dead or retrying, or
        every dead one. Returns how many."""
        revived = "SET status = 'pending', attempts = 0, next_attempt_at = NULL"
        if every_dead:
            return len(self.con.execute(f"UPDATE alert_deliveries {revived} "
                                        f"WHERE status = 'dead' RETURNING 1").fetchall())
        total = 0
        for prefix in ids:
            if len(prefix) < 6:
                raise WarehouseError(f"alert id {prefix!r} is too short: give 6 characters or more")
            total += len(self.con.execute(
                f"UPDATE alert_deliveries {revived} WHERE status IN ('dead', 'retrying') "
                f"AND starts_with(dedup_key, ?) RETURNING 1", [prefix]).fetchall())
        return total

    def move_owed(self, old: str, new: str) -> int:
        """Alerts still owed (or dead) on channel label `old` now belong to `new`, but for
        those `new` already has. Returns how many moved."""
        return len(self.con.execute("""
            UPDATE alert_deliveries SET channel = ?
            WHERE channel = ? AND status IN ('pending', 'retrying', 'dead')
              AND NOT EXISTS (SELECT 1 FROM alert_deliveries o
                              WHERE o.channel = ? AND o.dedup_key = alert_deliveries.dedup_key)
            RETURNING 1""", [new, old, new]).fetchall())

    def owed_elsewhere(self, channels: Sequence[str]) -> list[tuple[str, int]]:
        """Channel labels, not among `channels`, with alerts still owed: (label, how many)."""
        return self.con.execute("""
            SELECT channel, count(*) FROM alert_deliveries
            WHERE status IN ('pending', 'retrying')
              AND channel NOT IN (SELECT unnest(?::VARCHAR[]))
            GROUP BY channel ORDER BY channel""", [list(channels)]).fetchall()

    def explain(self, prefix: str) -> dict[str, Any]:
        """Why an alert (its id or a prefix of 6+ characters) fired: the alert and its rule,
        each channel's delivery, and for an article alert the article, the company's first
        mention (alias, sentence, salience), its events and the article's topics."""
        if len(prefix) < 6:
            raise WarehouseError(f"alert id {prefix!r} is too short: give 6 characters or more")
        rows = self.con.execute("""
            SELECT dedup_key, kind, rule, company_id, company, article_id, source_id, title,
                   body, channel, status, attempts, created_at, sent_at, last_error
            FROM alert_deliveries WHERE starts_with(dedup_key, ?) ORDER BY channel""",
                                [prefix]).fetchall()
        if len({row[0] for row in rows}) > 1:
            raise WarehouseError(f"alert id {prefix!r} matches {len({r[0] for r in rows})} "
                                 f"alerts: give more of it")
        if not rows:
            raise WarehouseError(f"no alert {prefix!r}; see `newsmon alerts list`")
        key, kind, rule, company_id, company, article_id, source_id, title, body = rows[0][:9]
        found: dict[str, Any] = {
            "id": key, "kind": kind, "rule": rule, "company_id": company_id,
            "company": company, "source_id": source_id, "title": title, "body": body,
            "deliveries": [row[9:] for row in rows]}
        if article_id:
            found["article"] = self.con.execute("""
                SELECT title, source_id, url, published_at, fetched_at FROM articles
                WHERE article_id = ?""", [article_id]).fetchone()
            found["mention"] = self.con.execute("""
                SELECT alias, sentence, salience, "start" FROM entity_mentions
                WHERE article_id = ? AND company_id = ? ORDER BY "start" LIMIT 1""",
                                                [article_id, company_id]).fetchone()
            found["events"] = self.con.execute("""
                SELECT type, details, evidence FROM article_events
                WHERE article_id = ? AND company_id = ? ORDER BY type""",
                                               [article_id, company_id]).fetchall()
            found["topics"] = [t for (t,) in self.con.execute(
                "SELECT topic FROM article_topics WHERE article_id = ? ORDER BY topic",
                [article_id]).fetchall()]
        return found

    def mute(self, rule: str, until: datetime | None) -> None:
        """Mute `rule` until `until` (None: unmute)."""
        self.con.execute("DELETE FROM rule_mutes WHERE rule = ?", [rule])
        if until is not None:
            self.con.execute("INSERT INTO rule_mutes VALUES (?, ?)", [rule, until])

    def mutes(self, now: datetime) -> list[tuple[str, datetime]]:
        """Rules muted at `now`, with when they speak again."""
        return self.con.execute("SELECT rule, until FROM rule_mutes WHERE until > ? "
                                "ORDER BY rule", [now]).fetchall()

    def deliveries(self, status: str | None, since: datetime) -> list[tuple]:
        """Alert deliveries created since `since` (of one status, or all; `failed`: retrying
        or dead), newest first:
        (id, status, channel, attempts, created_at, next_attempt_at, title, last_error)."""
        statuses = ["retrying", "dead"] if status == "failed" else [status] if status else None
        return self.con.execute("""
            SELECT left(dedup_key, 12), status, channel, attempts, created_at, next_attempt_at,
                   title, last_error
            FROM alert_deliveries
            WHERE created_at >= ? AND (?::VARCHAR[] IS NULL OR list_contains(?, status))
            ORDER BY created_at DESC, rowid DESC
        """, [since, statuses, statuses]).fetchall()

    # -- reads --------------------------------------------------------------------------------------

    def stored_articles(self, since: datetime) -> tuple[list[Article], dict[str, str]]:
        """The articles fetched since `since`, oldest first, with the labels stored for them,
        and the story each belongs to (article_id -> story_id): what a rule is replayed on."""
        rows = self.con.execute("""
            SELECT article_id, source_id, url, title, body, category, origins, published_at,
                   fetched_at, story_id, text_issue
            FROM articles WHERE fetched_at >= ? ORDER BY fetched_at, article_id""",
                                [since]).fetchall()
        ids = [row[0] for row in rows]
        labels: dict[str, dict[str, list]] = {i: {"m": [], "t": [], "e": []} for i in ids}
        for table, key, columns in [
                ("entity_mentions", "m", 'company_id, company, alias, "start", "end", sentence, '
                                         'salience'),
                ("article_topics", "t", "topic, evidence"),
                ("article_events", "e", "type, company_id, company, evidence, confidence, "
                                        "details")]:
            order = '"start"' if key == "m" else "1"
            for article_id, *values in self.con.execute(
                    f"SELECT article_id, {columns} FROM {table} WHERE article_id IN "
                    f"(SELECT unnest(?::VARCHAR[])) ORDER BY article_id, {order}", [ids]).fetchall():
                labels[article_id][key].append(values)
        articles = []
        for (article_id, source_id, url, title, body, category, origins, published, fetched,
             _, issue) in rows:
            found = labels[article_id]
            story = Story(title, body, url, 0, category, published,
                          tuple(Origin(o["name"], o["url"]) for o in origins or ()))
            articles.append(Article(source_id, story, Labels(
                tuple(Mention(*m) for m in found["m"]),
                tuple(TopicLabel(*t) for t in found["t"]),
                tuple(Event(kind, company_id, company, evidence, confidence, json.loads(details))
                      for kind, company_id, company, evidence, confidence, details in found["e"])),
                fetched, issue))
        return articles, {a.article_id: row[9] for a, row in zip(articles, rows, strict=True)}

    def discovered_names(self, min_articles: int = 2) -> list[tuple[str, str, int, str]]:
        """Names found outside the catalog in at least `min_articles` articles, most first:
        (name, kind, articles, the title of the latest article naming it)."""
        return self.con.execute("""
            SELECT d.name, mode(d.kind), count(DISTINCT d.article_id),
                   arg_max(a.title, a.fetched_at)
            FROM discovered_mentions d JOIN articles a USING (article_id)
            GROUP BY d.name HAVING count(DISTINCT d.article_id) >= ?
            ORDER BY 3 DESC, 1""", [min_articles]).fetchall()

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """Run read statements (SELECT, DESCRIBE, SHOW, EXPLAIN of a read …), as DuckDB's parser
        classifies them; returns the last one's column names and rows. Anything else is refused
        with a WarehouseError before it runs."""
        from warehouse.shell import run_read  # shell.py builds on this module

        return run_read(self.con, sql, params)


_ARTICLE_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("source_id", pa.string()), ("url", pa.string()),
    ("title", pa.string()), ("body", pa.string()), ("category", pa.string()),
    ("origins", pa.list_(pa.struct([("name", pa.string()), ("url", pa.string())]))),
    ("published_at", pa.timestamp("us")), ("fetched_at", pa.timestamp("us", tz="UTC")),
    ("content_hash", pa.string()), ("story_id", pa.string()), ("cycle_id", pa.string()),
    ("text_issue", pa.string()),
])


def _article_row(article: Article, cycle_id: str, story_id: str) -> dict[str, Any]:
    story = article.story
    return {"article_id": article.article_id, "source_id": article.source_id, "url": story.url,
            "title": story.title, "body": story.body, "category": story.category,
            "origins": [{"name": o.name, "url": o.url} for o in story.origins],
            "published_at": story.published_at, "fetched_at": article.fetched_at,
            "content_hash": article.content_hash, "story_id": story_id, "cycle_id": cycle_id,
            "text_issue": article.text_issue}


def _mention_rows(articles: Sequence[Article]) -> list[dict[str, Any]]:
    return [{"article_id": a.article_id, "company_id": m.company_id, "company": m.company,
             "alias": m.alias, "start": m.start, "end": m.end, "sentence": m.sentence,
             "salience": m.salience}
            for a in articles for m in a.labels.mentions]


def _event_rows(articles: Sequence[Article]) -> list[dict[str, Any]]:
    return [{"article_id": a.article_id, "type": e.type, "company_id": e.company_id,
             "company": e.company, "details": json.dumps(e.details, ensure_ascii=False),
             "evidence": e.evidence, "confidence": e.confidence}
            for a in articles for e in a.labels.events]


def _topic_rows(articles: Sequence[Article]) -> list[dict[str, Any]]:
    return [{"article_id": a.article_id, "topic": t.topic, "evidence": t.evidence}
            for a in articles for t in a.labels.topics]
