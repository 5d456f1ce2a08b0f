"""The values that flow through a cycle: fetched documents, split stories, classified articles,
and what the warehouse stores and hands back about them (runs, cursors, alerts, reports).

Imported by every layer, so it imports nothing heavy: no prefect, duckdb or numpy.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # only for the annotation: a signature is made and read where numpy already is
    import numpy as np


@dataclass(frozen=True)
class Document:
    """One fetched item, decoded to text. Produced by every source kind."""

    source_id: str
    url: str
    text: str
    fetched_at: datetime
    media_type: str = "text/plain"  # text/plain, text/markdown or text/html
    encoding: str = "utf-8"
    title: str | None = None  # known up front for feed entries
    published_at: datetime | None = None
    category: str | None = None
    # Why the text may be mis-decoded (mojibake signals), or None: such a document is stored
    # flagged and fetched again, never taken as done.
    text_issue: str | None = None


@dataclass(frozen=True)
class Origin:
    """Where a story says it comes from (a digest's 来源 line)."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Story:
    """One article cut out of a document, before classification."""

    title: str
    body: str
    url: str
    position: int
    category: str | None = None
    published_at: datetime | None = None
    origins: tuple[Origin, ...] = ()

    @property
    def text(self) -> str:
        """What the classifier reads; mention offsets are relative to this string."""
        return f"{self.title}\n\n{self.body}" if self.body else self.title


SALIENCE = ("passing", "frequent", "lead", "title")  # weakest to strongest


class Mention(NamedTuple):  # a named tuple: made for every name found, 3x faster than a dataclass
    company_id: str
    company: str
    alias: str
    start: int
    end: int
    sentence: str
    # How central the company is to the text (the same for all its mentions): named in the
    # title, in the lead, several times, or in passing.
    salience: str = "passing"


@dataclass(frozen=True, slots=True)
class Discovered:
    """An organisation name the catalog does not have, as the text wrote it."""

    name: str
    start: int
    end: int
    # investor | university | company | government | media | other: guessed from the name or
    # where it stands
    kind: str
    pattern: str  # suffix | role | english | source | ticker | list | quoted: how it was found


@dataclass(frozen=True, slots=True)
class TopicLabel:
    topic: str
    evidence: str


EVENT_TYPES = ("funding", "ipo", "launch", "partnership", "policy", "executive_change")


@dataclass(frozen=True, slots=True)
class Event:
    """A business event read from one sentence: funding, ipo, launch, partnership, policy,
    executive_change."""

    type: str
    company_id: str
    company: str
    evidence: str
    confidence: float
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Labels:
    """What `classify` found in one text, with the evidence for each label."""

    mentions: tuple[Mention, ...] = ()
    topics: tuple[TopicLabel, ...] = ()
    events: tuple[Event, ...] = ()
    discovered: tuple[Discovered, ...] = ()  # names outside the catalog: counted, never alerted

    @property
    def company_ids(self) -> list[str]:
        return list(dict.fromkeys(m.company_id for m in self.mentions))

    @property
    def companies(self) -> list[str]:
        return list(dict.fromkeys(m.company for m in self.mentions))


@dataclass(frozen=True)
class Article:
    """A classified story with its stable identity, ready for the warehouse."""

    source_id: str
    story: Story
    labels: Labels
    fetched_at: datetime
    text_issue: str | None = None  # see Document.text_issue
    content_hash: str = field(init=False)
    article_id: str = field(init=False)

    def __post_init__(self) -> None:
        content = hashlib.sha256(self.story.text.encode("utf-8")).hexdigest()
        identity = "\x1f".join([self.source_id, self.story.url, content])
        object.__setattr__(self, "content_hash", content)
        object.__setattr__(self, "article_id", hashlib.sha256(identity.encode()).hexdigest()[:24])


@dataclass(frozen=True)
class Signed:
    """An article's MinHash signature and the story it was assigned to."""

    article_id: str
    story_id: str
    signature: np.ndarray


@dataclass(frozen=True)
class Cursor:
    """What was learnt about a URL last time, for a conditional request next time."""

    source_id: str
    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class FetchRun:
    source_id: str
    kind: str
    started_at: datetime
    status: str
    items: int
    stories: int
    error: str | None
    elapsed_s: float
    failed_items: int = 0


@dataclass(frozen=True)
class AlertView:
    """What an article alert says, as fields, so each channel renders it its own way (text,
    chat markdown, email HTML). Stored with the alert as JSON."""

    company: str
    alias: str  # the name as the article wrote it
    title: str
    url: str
    source: str
    rule: str
    sentence: str = ""
    events: tuple[str, ...] = ()  # each described in a few words
    origins: tuple[str, ...] = ()  # where the story says it comes from
    also: tuple[str, ...] = ()  # other sources carrying the same story
    published: str | None = None  # YYYY-MM-DD

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> AlertView:
        data: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                                for k, v in json.loads(text).items()}
        return cls(**data)


@dataclass(frozen=True)
class AlertIntent:
    """One alert owed, already rendered: a rule matched a company in an article, or a source
    went down or came back."""

    dedup_key: str
    kind: str  # article | source_health
    rule: str
    title: str
    body: str
    company_id: str | None = None
    company: str | None = None
    article_id: str | None = None
    source_id: str | None = None
    channels: frozenset[str] = frozenset()  # the rule's channels by name; empty: every channel
    view: AlertView | None = None  # an article alert's fields (source-health alerts: none)


@dataclass(frozen=True)
class CycleWrite:
    """What one cycle (or one push) stores, in one transaction: a fetch run per source, the
    articles, the cursors learnt, and the alerts owed whatever story the articles turn out
    to belong to (a source down or back). Every alert is queued once per channel."""

    cycle_id: str
    runs: tuple[FetchRun, ...]
    articles: tuple[Article, ...]
    channels: tuple[str, ...]
    cursors: tuple[Cursor, ...] = ()
    health: tuple[AlertIntent, ...] = ()


@dataclass(frozen=True)
class Streak:
    """A source's failures since its last success."""

    failures: int
    since_cycle: str


@dataclass(frozen=True)
class SourceHealth:
    source_id: str
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    articles_24h: int
    articles_7d: int
    last_new_article: datetime | None


@dataclass(frozen=True)
class StoreReport:
    new_articles: int
    seen_articles: int
    new_by_source: dict[str, int]
    mentions: int
    alerts_queued: int
    new_by_company: dict[str, int]  # display name -> new articles mentioning it
    new_ids: frozenset[str] = frozenset()  # article_id of every article stored for the first time


@dataclass(frozen=True)
class PendingAlert:
    """An alert owed on one channel, as the outbox holds it."""

    dedup_key: str
    channel: str
    kind: str
    rule: str
    company_id: str | None
    company: str | None
    title: str
    body: str
    attempts: int
    created_at: datetime
    view: AlertView | None = None
