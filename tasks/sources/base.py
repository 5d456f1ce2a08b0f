"""What every source kind shares: its config fields, the context a fetch gets, what it returns."""

from __future__ import annotations

import time
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from newsmon.errors import SourceError
from tasks.http import FetchFailed, HostGate, Limits, Response, http_get
from tasks.records import Cursor, Document
from tasks.urls import mask_url, mask_urls

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")


class SourceConfig(BaseModel):
    """Fields common to every kind; each kind's module subclasses this with its own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=64)
    kind: str
    name: str | None = None
    enabled: bool = True
    tags: tuple[str, ...] = ()
    language: str | None = None
    # Report the source as silent when it yields nothing new for this many hours.
    silent_after_hours: float = Field(default=72, gt=0)
    # Fetch at most this often, however often cycles run (none: every cycle).
    interval_minutes: float | None = Field(default=None, gt=0)
    # The whole source, every request included, ends within this many seconds; items left
    # over are fetched next cycle.
    max_seconds: float = Field(default=90, gt=0, le=3600)

    @property
    def label(self) -> str:
        return self.name or self.id


class WebSourceConfig(SourceConfig):
    """Limits that web kinds share; every one can be set per source."""

    url: str = Field(pattern=r"^https?://\S+$")
    max_items: int = Field(default=30, ge=1, le=1000)  # new articles per cycle
    connect_timeout: float = Field(default=5, gt=0, le=120)
    read_timeout: float = Field(default=15, gt=0, le=600)
    max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    max_redirects: int = Field(default=5, ge=0, le=30)

    def limits(self, base: Limits) -> Limits:
        return Limits(connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
                      deadline=max(base.deadline, self.connect_timeout + self.read_timeout),
                      max_bytes=self.max_bytes, max_redirects=self.max_redirects,
                      per_host=base.per_host, host_delay=base.host_delay)


@dataclass
class FetchResult:
    """Everything one source produced in one cycle. `error` set means the source failed."""

    source_id: str
    kind: str
    documents: list[Document] = field(default_factory=list)
    error: str | None = None
    elapsed_s: float = 0.0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    warnings: list[str] = field(default_factory=list)
    # One line per item that failed (skipped this cycle, fetched again next cycle).
    item_errors: list[str] = field(default_factory=list)
    unfetched: int = 0  # items left for the next cycle because the time budget ran out
    budget_s: float | None = None  # that budget, for the message
    cursors: list[Cursor] = field(default_factory=list)
    not_modified: bool = False
    downloads: int = 0  # response bodies actually transferred

    @property
    def failed_items(self) -> int:
        return len(self.item_errors) + self.unfetched

    @property
    def status(self) -> str:
        """ok; partial when some items failed; failed when the source or every item did."""
        if self.error or (self.failed_items and not self.documents):
            return "failed"
        return "partial" if self.failed_items else "ok"

    @property
    def reason(self) -> str | None:
        """The one line fetch_runs keeps: the source's error, else what its items suffered."""
        if self.error or not self.failed_items:
            return self.error
        said = [self.item_errors[0]] if self.item_errors else []
        if self.unfetched:
            said.append(f"{self.unfetched} not fetched: the source's {self.budget_s or 0:g} s "
                        f"budget ran out")
        return (f"source {self.source_id!r}: {self.failed_items} of "
                f"{len(self.documents) + self.failed_items} items failed: {'; '.join(said)}")

    def skip_item(self, what: str, make: Callable[[], T]) -> T | None:
        """`make()`, or None when it raises: one bad item is that item's failure, recorded
        with a one-line reason, never the whole source's."""
        try:
            return make()
        except Exception as exc:  # any input can break a parser; it must not stop the rest
            self.item_errors.append(mask_urls(f"{what}: {one_line(exc)}"))
            return None


@dataclass
class FetchContext:
    """Collaborators a fetch may need; passed in so tests can hand in their own."""

    base_dir: Path
    client: httpx.Client | None = None
    limits: Limits = field(default_factory=Limits)
    gate: HostGate | None = None
    cursors: Mapping[tuple[str, str], Cursor] = field(default_factory=dict)
    known_urls: Container[str] = field(default_factory=frozenset)
    robots: dict[str, object] = field(default_factory=dict)  # host -> parsed robots.txt
    deadline: float | None = None  # time.monotonic() by which this fetch must be over
    budget_s: float | None = None  # the seconds that deadline allowed, for messages

    def http(self) -> httpx.Client:
        if self.client is None:
            raise RuntimeError("this fetch needs an HTTP client in its FetchContext")
        return self.client

    def out_of_time(self, result: FetchResult, left: int) -> bool:
        """True once the deadline has passed; the `left` items not fetched are recorded as
        failed, so the source is not taken as done and they are fetched next cycle."""
        if self.deadline is None or time.monotonic() < self.deadline or left <= 0:
            return False
        result.unfetched, result.budget_s = left, self.budget_s
        return True


def cursor_key(source_id: str, url: str) -> tuple[str, str]:
    """How a URL's cursor is stored and looked up: masked, so no API key reaches the
    warehouse."""
    return source_id, mask_url(url)


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:300]
    return text if isinstance(exc, FetchFailed | SourceError) or not text \
        else f"{type(exc).__name__}: {text}"


def get_if_changed(source: WebSourceConfig, context: FetchContext, result: FetchResult,
                   limits: Limits) -> Response | None:
    """The source's own URL, asked for with its cursor (ETag, Last-Modified): None when the
    server says it has not changed since the last cycle."""
    cursor = context.cursors.get(cursor_key(source.id, source.url))
    try:
        response = http_get(context.http(), source.url, limits, context.gate,
                            etag=cursor.etag if cursor else None,
                            last_modified=cursor.last_modified if cursor else None,
                            deadline=context.deadline)
    except FetchFailed as exc:
        raise SourceError(source.id, f"{source.url}: {exc}") from None
    if response.not_modified:
        result.not_modified = True
        return None
    result.downloads += 1
    return response
