"""The values that flow through a cycle: fetched documents, split stories, classified articles."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


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


@dataclass(frozen=True)
class Mention:
    company_id: str
    company: str
    alias: str
    start: int
    end: int
    sentence: str
    # How central the company is to the text (the same for all its mentions): named in the
    # title, in the lead, several times, or in passing.
    salience: str = "passing"


@dataclass(frozen=True)
class TopicLabel:
    topic: str
    evidence: str


EVENT_TYPES = ("funding", "ipo", "launch", "partnership", "policy", "executive_change")


@dataclass(frozen=True)
class Event:
    """A business event read from one sentence: funding, ipo, launch, partnership, policy,
    executive_change."""

    type: str
    company_id: str
    company: str
    evidence: str
    confidence: float
    details: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Labels:
    """What `classify` found in one text, with the evidence for each label."""

    mentions: tuple[Mention, ...] = ()
    topics: tuple[TopicLabel, ...] = ()
    events: tuple[Event, ...] = ()

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
