"""`rss` sources: RSS 0.9x/1.0/2.0 and Atom feeds, fetched conditionally.

The feed is fetched with httpx and decoded by our own rules (HTTP charset, BOM, XML
declaration, detection; GBK read as GB18030) before feedparser sees it, re-encoded as UTF-8:
feedparser alone misreads GBK feeds that do not declare their charset.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Literal
from xml.sax import SAXParseException

import feedparser
from bs4 import BeautifulSoup

from newsmon.errors import SourceError
from tasks.encoding import decode_bytes, decode_html
from tasks.extract import extract_article
from tasks.http import FetchFailed, http_get
from tasks.records import Cursor, Document
from tasks.sources.base import (
    FetchContext,
    FetchResult,
    WebSourceConfig,
    cursor_key,
    get_if_changed,
)
from tasks.urls import canonical_url

_XML_DECLARED = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Below this many characters an entry is only a teaser, worth fetching in full when asked.
_TEASER_LENGTH = 200


class RssSource(WebSourceConfig):
    kind: Literal["rss"]
    full_text: bool = False  # fetch the article page when an entry carries only a summary


@dataclass(frozen=True)
class FeedEntry:
    title: str
    link: str
    text: str
    published_at: datetime | None
    category: str | None


class FeedError(ValueError):
    """The bytes are not a usable feed."""


@dataclass(frozen=True)
class Feed:
    entries: list[FeedEntry]
    skipped: list[str]  # one line per entry that could not be read
    text_issue: str | None = None  # the body looked mis-decoded (see Decoded.suspect)


def parse_feed(body: bytes, charset: str | None = None, base_url: str = "") -> list[FeedEntry]:
    """Entries of a feed document, leaving out those that cannot be read. Raises FeedError
    for anything that is not a feed."""
    return read_feed(body, charset, base_url).entries


def read_feed(body: bytes, charset: str | None = None, base_url: str = "") -> Feed:
    """The feed's entries, and a reason for each entry left out: one broken entry never
    costs the others."""
    declared = charset
    if not declared:
        match = _XML_DECLARED.match(body[:200])
        declared = match.group(1).decode("ascii") if match else None
    decoded = decode_bytes(body, declared=declared)
    utf8 = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', decoded.text, count=1)
    parsed = feedparser.parse(utf8.encode("utf-8"), response_headers={
        "content-type": "application/xml; charset=utf-8", "content-location": base_url})
    # feedparser recovers what it can from broken XML; a partial read that looks complete
    # is how feeds go quietly wrong, so a feed that is not well-formed is a failed fetch.
    if parsed.bozo and isinstance(parsed.bozo_exception, SAXParseException):
        raise FeedError(f"malformed feed: {_one_line(parsed.bozo_exception)}")
    if not parsed.entries and not parsed.version:
        raise FeedError("not an RSS or Atom feed")
    entries, skipped = [], []
    for position, raw in enumerate(parsed.entries, 1):
        if not (raw.get("link") or raw.get("id")):
            continue
        try:
            entries.append(_entry(raw, base_url))
        except Exception as exc:  # one hostile entry (a link with port 99999 …) is skipped
            skipped.append(f"entry {position} ({_one_line(raw.get('link') or raw.get('id'))}): "
                           f"{type(exc).__name__}: {_one_line(exc)}")
    return Feed(entries, skipped, decoded.suspect)


def _entry(raw: feedparser.FeedParserDict, base_url: str) -> FeedEntry:
    contents = [c.get("value", "") for c in raw.get("content", [])]
    html = max([raw.get("summary", ""), *contents], key=len)
    when = raw.get("published_parsed") or raw.get("updated_parsed")
    tags = [t.get("term") for t in raw.get("tags", []) if t.get("term")]
    link = raw.get("link") or raw.get("id")
    return FeedEntry(
        title=" ".join((raw.get("title") or "").split()),
        link=canonical_url(link),
        text=html_to_text(html),
        published_at=datetime(*when[:6]) if when else None,
        category=tags[0] if tags else None,
    )


_BLOCKS = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
           "section", "article", "pre"]


def html_to_text(html: str) -> str:
    """Text of an HTML fragment: one line per block element, inline markup joined."""
    if "<" not in html:
        return html.strip()
    soup = BeautifulSoup(html, "html.parser")
    for block in soup.find_all(_BLOCKS):
        block.insert_after("\n")
    lines = (line.strip() for line in soup.get_text("").splitlines())
    return "\n".join(line for line in lines if line)


def fetch(source: RssSource, context: FetchContext, result: FetchResult) -> Iterator[Document]:
    """New entries of the feed, skipping those already stored, at most `max_items`. The feed
    is remembered as seen (its ETag kept) only when every new entry was taken."""
    limits = source.limits(context.limits)
    response = get_if_changed(source, context, result, limits)
    if response is None:
        return
    try:
        feed = read_feed(response.body, response.charset, response.url)
    except FeedError as exc:
        raise SourceError(source.id, f"{source.url}: {exc}") from None
    result.item_errors.extend(feed.skipped)
    new = [e for e in feed.entries if e.link not in context.known_urls]
    fetched_at = datetime.now(UTC)
    for index, entry in enumerate(new[:source.max_items]):
        if context.out_of_time(result, len(new[:source.max_items]) - index):
            break
        document = result.skip_item(entry.link, partial(
            _document, source, context, entry, result, fetched_at, feed.text_issue))
        if document is not None:
            yield document
    # Otherwise the next cycle would get a 304 and never see the entries left over.
    if len(new) <= source.max_items and not result.item_errors and not feed.text_issue:
        result.cursors.append(Cursor(*cursor_key(source.id, source.url),
                                     response.headers.get("etag"),
                                     response.headers.get("last-modified")))


def _document(source: RssSource, context: FetchContext, entry: FeedEntry, result: FetchResult,
              fetched_at: datetime, text_issue: str | None) -> Document:
    text = entry.text
    if source.full_text and len(text) < _TEASER_LENGTH:
        text = _full_text(source, context, entry, result) or text
    return Document(source_id=source.id, url=entry.link, text=text, fetched_at=fetched_at,
                    media_type="text/plain", title=entry.title or text[:40],
                    published_at=entry.published_at, category=entry.category,
                    text_issue=text_issue)


def _full_text(source: RssSource, context: FetchContext, entry: FeedEntry,
               result: FetchResult) -> str | None:
    try:
        page = http_get(context.http(), entry.link, source.limits(context.limits), context.gate,
                        deadline=context.deadline)
    except FetchFailed as exc:
        result.warnings.append(f"{entry.link}: full text not fetched ({exc}); kept the summary")
        return None
    result.downloads += 1
    decoded = decode_html(page.body, page.charset)
    if decoded.suspect:
        result.warnings.append(f"{entry.link}: full text {decoded.suspect}; kept the summary")
        return None
    return extract_article(decoded.text, page.url).text or None


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
