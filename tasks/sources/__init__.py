"""Source kinds. Adding a kind means adding its module and one line in KINDS."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from newsmon.errors import SourceError
from tasks.records import Document
from tasks.sources import files, html, rss
from tasks.sources.base import Cursor, FetchContext, FetchResult, SourceConfig, WebSourceConfig

Fetcher = Callable[[Any, FetchContext, FetchResult], Iterator[Document]]

KINDS: dict[str, tuple[type[SourceConfig], Fetcher]] = {
    "files": (files.FilesSource, files.fetch),
    "rss": (rss.RssSource, rss.fetch),
    "html": (html.HtmlSource, html.fetch),
}


def fetch_source(source: SourceConfig, context: FetchContext) -> FetchResult:
    """Fetch one source. Failures are returned in the result, never raised: the cycle goes on."""
    started = time.perf_counter()
    result = FetchResult(source.id, source.kind)
    _, fetcher = KINDS[source.kind]
    try:
        result.documents = list(fetcher(source, context, result))
    except SourceError as exc:
        result.error = str(exc)
        result.cursors.clear()  # a failed fetch must not mark anything as seen
    except OSError as exc:
        result.error = f"source {source.id!r}: {exc.strerror or exc} ({exc.filename or ''})"
        result.cursors.clear()
    result.elapsed_s = time.perf_counter() - started
    return result


def due_sources(sources: Sequence[SourceConfig], last_fetched: Mapping[str, datetime],
                now: datetime) -> list[SourceConfig]:
    """The sources whose `interval_minutes` has passed since their last fetch."""
    due = []
    for source in sources:
        last = last_fetched.get(source.id)
        if (source.interval_minutes is None or last is None
                or now - last >= timedelta(minutes=source.interval_minutes)):
            due.append(source)
    return due


def fetch_all(sources: Sequence[SourceConfig], context: FetchContext,
              workers: int = 32) -> list[FetchResult]:
    """Fetch sources concurrently on threads, so slow or hanging ones cost one timeout in
    parallel rather than one each in turn. Results come back in config order."""
    if not sources:
        return []
    with ThreadPoolExecutor(max_workers=min(workers, len(sources)),
                            thread_name_prefix="fetch") as pool:
        return list(pool.map(lambda source: fetch_source(source, context), sources))


__all__ = ["KINDS", "Cursor", "FetchContext", "FetchResult", "SourceConfig", "WebSourceConfig",
           "due_sources", "fetch_all", "fetch_source"]
