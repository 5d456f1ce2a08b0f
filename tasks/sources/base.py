"""What every source kind shares: its config fields, the context a fetch gets, what it returns."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from newsmon.errors import SourceError
from tasks.http import FetchFailed, HostGate, Limits, Response, http_get
from tasks.records import Document

if TYPE_CHECKING:
    import httpx


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


@dataclass(frozen=True)
class Cursor:
    """What was learnt about a URL last time, for a conditional request next time."""

    source_id: str
    url: str
    etag: str | None
    last_modified: str | None


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
    cursors: list[Cursor] = field(default_factory=list)
    not_modified: bool = False
    downloads: int = 0  # response bodies actually transferred


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

    def http(self) -> httpx.Client:
        if self.client is None:
            raise RuntimeError("this fetch needs an HTTP client in its FetchContext")
        return self.client


def get_if_changed(source: WebSourceConfig, context: FetchContext, result: FetchResult,
                   limits: Limits) -> Response | None:
    """The source's own URL, asked for with its cursor (ETag, Last-Modified): None when the
    server says it has not changed since the last cycle."""
    cursor = context.cursors.get((source.id, source.url))
    try:
        response = http_get(context.http(), source.url, limits, context.gate,
                            etag=cursor.etag if cursor else None,
                            last_modified=cursor.last_modified if cursor else None)
    except FetchFailed as exc:
        raise SourceError(source.id, f"{source.url}: {exc}") from None
    if response.not_modified:
        result.not_modified = True
        return None
    result.downloads += 1
    return response
