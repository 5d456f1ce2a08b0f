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
from typing import Literal
from xml.sax import SAXParseException

import feedparser
from bs4 import BeautifulSoup

from newsmon.errors import SourceError
from tasks.encoding import decode_bytes, decode_html
from tasks.extract import extract_article
from tasks.http import FetchFailed, http_get
from tasks.records import Document
from tasks.sources.base import Cursor, FetchContext, FetchResult, WebSourceConfig, get_if_changed
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


def parse_feed(body: bytes, charset: str | None = None, base_url: str = "") -> list[FeedEntry]:
    """Entries of a feed document. Raises FeedError for anything that is not a feed."""
    declared = charset
    if not declared:
        match = _XML_DECLARED.match(body[:200])
        declared = match.group(1).decode("ascii") if match else None
    text = decode_bytes(body, declared=declared).text
    utf8 = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    parsed = feedparser.parse(utf8.encode("utf-8"), response_headers={
        "content-type": "application/xml; charset=utf-8", "content-location": base_url})
    # feedparser recovers what it can from broken XML; a partial read that looks complete
    # is how feeds go quietly wrong, so a feed that is not well-formed is a failed fetch.
    if parsed.bozo and isinstance(parsed.bozo_exception, SAXParseException):
        raise FeedError(f"malformed feed: {_one_line(parsed.bozo_exception)}")
    if not parsed.entries and not parsed.version:
        raise FeedError("not an RSS or Atom feed")
    return [_entry(raw, base_url) for raw in parsed.entries if raw.get("link") or raw.get("id")]


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
    """New entries of the feed, skipping those already stored, at most `max_items`."""
    limits = source.limits(context.limits)
    response = get_if_changed(source, context, result, limits)
    if response is None:
        return
    try:
        entries = parse_feed(response.body, response.charset, response.url)
    except FeedError as exc:
        raise SourceError(source.id, f"{source.url}: {exc}") from None
    new = [e for e in entries if e.link not in context.known_urls]
    if len(new) <= source.max_items:
        # Only remember the feed as seen when every new entry was taken: otherwise the next
        # cycle would get a 304 and never see the entries left over.
        result.cursors.append(Cursor(source.id, source.url, response.headers.get("etag"),
                                     response.headers.get("last-modified")))
    fetched_at = datetime.now(UTC)
    for entry in new[:source.max_items]:
        text = entry.text
        if source.full_text and len(text) < _TEASER_LENGTH:
            text = _full_text(source, context, entry, result) or text
        yield Document(source_id=source.id, url=entry.link, text=text, fetched_at=fetched_at,
                       media_type="text/plain", title=entry.title or text[:40],
                       published_at=entry.published_at, category=entry.category)


def _full_text(source: RssSource, context: FetchContext, entry: FeedEntry,
               result: FetchResult) -> str | None:
    try:
        page = http_get(context.http(), entry.link, source.limits(context.limits), context.gate)
    except FetchFailed as exc:
        result.warnings.append(f"{entry.link}: full text not fetched ({exc}); kept the summary")
        return None
    result.downloads += 1
    return extract_article(decode_html(page.body, page.charset).text, page.url).text or None


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
