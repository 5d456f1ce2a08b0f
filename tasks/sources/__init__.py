"""Source kinds. Adding a kind means adding its module and one line in KINDS."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from newsmon.errors import SourceError
from tasks.records import Document
from tasks.sources import files, html, push, rss
from tasks.sources.base import (
    FetchContext,
    FetchResult,
    SourceConfig,
    WebSourceConfig,
    cursor_key,
    one_line,
)
from tasks.urls import mask_urls

Fetcher = Callable[[Any, FetchContext, FetchResult], Iterator[Document]]

log = logging.getLogger(__name__)
# Past the cycle's deadline every request has ended; a source still busy this much later is
# stuck in something that no deadline reaches, and is left behind.
ABANDON_AFTER_S = 15.0

KINDS: dict[str, tuple[type[SourceConfig], Fetcher]] = {
    "files": (files.FilesSource, files.fetch),
    "rss": (rss.RssSource, rss.fetch),
    "html": (html.HtmlSource, html.fetch),
    "push": (push.PushSource, push.fetch),
}


def fetch_source(source: SourceConfig, context: FetchContext) -> FetchResult:
    """Fetch one source within its time budget (and the cycle's, when `context` has one).
    Failures are returned in the result, never raised: whatever breaks inside one source,
    the cycle goes on with the others."""
    started = time.perf_counter()
    result = FetchResult(source.id, source.kind)
    now = time.monotonic()
    if context.deadline is not None and context.deadline <= now:
        result.error = (f"source {source.id!r}: not fetched: the cycle's "
                        f"{context.budget_s or 0:g} s fetch budget ran out before its turn")
        return result
    deadline = now + source.max_seconds
    own = replace(context, deadline=deadline, budget_s=source.max_seconds)
    if context.deadline is not None and context.deadline < deadline:
        own = replace(context, deadline=context.deadline, budget_s=context.budget_s)
    _, fetcher = KINDS[source.kind]
    try:
        for document in fetcher(source, own, result):
            result.documents.append(document)
    except SourceError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = f"source {source.id!r}: {exc.strerror or exc} ({exc.filename or ''})"
    except Exception as exc:  # a hostile input or a bug: this source's failure, not the cycle's
        log.warning("source %s failed", source.id, exc_info=True)
        result.error = f"source {source.id!r}: {one_line(exc)}"
    if result.error:
        result.cursors.clear()  # a failed fetch must not mark anything as seen
        result.error = mask_urls(result.error)
    result.warnings = [mask_urls(w) for w in result.warnings]
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
    parallel rather than one each in turn. Results come back in config order.

    The threads are daemons and are never waited for past the context's deadline (plus a
    grace period): a source still busy then is reported abandoned, and a signal that ends
    the process is not held up by a hanging socket."""
    if not sources:
        return []
    results: list[FetchResult | None] = [None] * len(sources)
    todo = list(enumerate(sources))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not todo:
                    return
                index, source = todo.pop(0)
            results[index] = fetch_source(source, context)

    threads = [threading.Thread(target=work, name=f"fetch-{n}", daemon=True)
               for n in range(min(workers, len(sources)))]
    for thread in threads:
        thread.start()
    give_up = None if context.deadline is None else context.deadline + ABANDON_AFTER_S
    for thread in threads:
        thread.join(None if give_up is None else max(0.0, give_up - time.monotonic()))
    return [result or FetchResult(
        source.id, source.kind, error=f"source {source.id!r}: still busy "
                                      f"{ABANDON_AFTER_S:g} s after the cycle's fetch budget "
                                      f"ran out; abandoned")
        for source, result in zip(sources, results, strict=True)]


__all__ = ["KINDS", "FetchContext", "FetchResult", "SourceConfig", "WebSourceConfig", "cursor_key",
           "due_sources", "fetch_all", "fetch_source"]
