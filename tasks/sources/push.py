"""`push` sources: feeds or article lists POSTed to newsmon by another system (a script, a WebSub
hub, changedetection.io, RSSHub with a webhook) instead of being polled.

This module only turns a received body into Documents; newsmon/push_server.py receives it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field

from tasks.encoding import decode_bytes
from tasks.records import Document
from tasks.sources.base import FetchContext, FetchResult, SourceConfig
from tasks.sources.rss import FeedError, html_to_text, read_feed
from tasks.urls import canonical_url, mask_urls

_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_MIB = 1024 * 1024
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)
# Field names read for an item's text and date, first match wins; the JSON Feed names
# (content_text, date_published …) are there so RSSHub's JSON output can be posted as it is.
_TEXT_FIELDS = ("text", "body", "summary", "content_text", "content_html", "content")
_DATE_FIELDS = ("published_at", "date_published")


class PushSource(SourceConfig):
    kind: Literal["push"]
    # The environment variable holding the secret token a sender must present.
    token_env: str = Field(pattern=_ENV_NAME, max_length=128)
    # The environment variable holding the WebSub hub secret (X-Hub-Signature), when subscribed.
    hub_secret_env: str | None = Field(default=None, pattern=_ENV_NAME, max_length=128)
    # The feed URL this source is subscribed to at a hub: verification requests must name it.
    topic: str | None = Field(default=None, pattern=r"^https?://\S+$")
    max_bytes: int = Field(default=_MIB, ge=1024, le=50 * _MIB)  # largest body accepted


class PushError(ValueError):
    """A pushed body that is neither a feed nor a JSON list of articles. One line."""


def fetch(source: PushSource, context: FetchContext, result: FetchResult) -> Iterator[Document]:
    """Nothing: a push source is never polled, its documents arrive through the push server."""
    yield from ()


def parse_push(source: PushSource, body: bytes, content_type: str | None,
               received_at: datetime) -> tuple[list[Document], list[str]]:
    """The documents in a pushed body, and one line per item left out.

    An RSS/Atom document (an XML content type, or a body starting with `<`) is read like an
    `rss` source's feed; a JSON body (a JSON content type, or a body starting with `[` or `{`)
    is a list of article objects or `{"items": [...]}`. Each article needs a `title` and an
    http(s) `url`, and may carry `text`/`body`/`summary`, `published_at` (ISO 8601) and
    `category`. An item with no web link, a bad field or a URL already seen in this body is
    skipped with its reason. Raises PushError when the body is neither kind.
    """
    media, charset = _media_type(content_type)
    if not body.strip():
        raise PushError("empty body")
    kind = _declared_kind(media) or _sniffed_kind(body)
    if kind == "feed":
        documents, skipped = _feed_documents(source, body, charset, received_at)
    elif kind == "json":
        documents, skipped = _json_documents(source, body, charset, received_at)
    else:
        shown = f"content type {media!r}" if media else "no content type"
        start = _short(body[:30].decode("utf-8", errors="replace"))
        raise PushError(f"neither a feed nor JSON ({shown}, body starts {start!r})")
    return _unique(documents, skipped)


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    charset = _CHARSET.search(content_type)
    return content_type.split(";", 1)[0].strip().lower(), charset.group(1) if charset else None


def _declared_kind(media: str) -> str | None:
    if media.endswith(("/xml", "+xml")):
        return "feed"
    if media.endswith(("/json", "+json")):
        return "json"
    return None  # absent, or generic (text/plain, form-encoded from `curl -d`): look at the body


def _sniffed_kind(body: bytes) -> str | None:
    head = body[:512]
    for bom in _BOMS:
        if head.startswith(bom):
            encoding = "utf-8-sig" if bom == _BOMS[0] else "utf-16"
            head = head.decode(encoding, errors="ignore").encode("utf-8")
            break
    first = head.lstrip()[:1]
    return {b"<": "feed", b"[": "json", b"{": "json"}.get(first)


def _feed_documents(source: PushSource, body: bytes, charset: str | None,
                    received_at: datetime) -> tuple[list[Document], list[str]]:
    try:
        feed = read_feed(body, charset)
    except FeedError as exc:
        raise PushError(str(exc)) from None
    skipped = list(feed.skipped)
    documents = []
    for position, entry in enumerate(feed.entries, 1):
        if not _is_web_url(entry.link):
            skipped.append(mask_urls(f"entry {position} ({_short(entry.link)}): not an http(s) link"))
            continue
        documents.append(Document(
            source_id=source.id, url=entry.link, text=entry.text, fetched_at=received_at,
            media_type="text/plain", title=entry.title or entry.text[:40],
            published_at=entry.published_at, category=entry.category,
            text_issue=feed.text_issue))
    return documents, skipped


def _json_documents(source: PushSource, body: bytes, charset: str | None,
                    received_at: datetime) -> tuple[list[Document], list[str]]:
    decoded = decode_bytes(body, declared=charset)
    try:
        data = json.loads(decoded.text)
    except RecursionError:
        raise PushError("JSON nested too deeply") from None
    except ValueError as exc:
        raise PushError(f"invalid JSON: {_short(exc)}") from None
    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if not isinstance(data, list):
        raise PushError('JSON must be a list of articles or {"items": [...]}, '
                        f"got {type(data).__name__}")
    documents, skipped = [], []
    for position, raw in enumerate(data, 1):
        try:
            documents.append(_json_document(source, raw, received_at, decoded.suspect))
        except ValueError as exc:
            url = raw.get("url") if isinstance(raw, dict) else None
            where = f"item {position} ({_short(url)})" if isinstance(url, str) else f"item {position}"
            skipped.append(mask_urls(f"{where}: {_short(exc)}"))
    return documents, skipped


def _json_document(source: PushSource, raw: Any, received_at: datetime,
                   text_issue: str | None) -> Document:
    if not isinstance(raw, dict):
        raise ValueError(f"expected an object, got {type(raw).__name__}")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("missing title")
    url = raw.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ValueError("missing url")
    if not _is_web_url(url):
        raise ValueError("url must be an http or https URL")
    text = _first_string(raw, _TEXT_FIELDS)
    category = raw.get("category")
    if isinstance(category, list):  # tags as a list: the first one, as feed entries do
        category = next((c for c in category if isinstance(c, str) and c.strip()), None)
    if category is not None and not isinstance(category, str):
        raise ValueError("category must be a string")
    return Document(
        source_id=source.id, url=canonical_url(url), text=html_to_text(text or ""),
        fetched_at=received_at, media_type="text/plain", title=" ".join(title.split()),
        published_at=_published_at(_first_string(raw, _DATE_FIELDS)),
        category=(category.strip() or None) if category else None, text_issue=text_issue)


def _first_string(raw: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = raw.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string")
        if value.strip():
            return value
    return None


def _published_at(text: str | None) -> datetime | None:
    """An ISO 8601 date, as a naive UTC time like feed entries' (a date without zone is kept)."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"published_at is not an ISO 8601 date: {_short(text)}") from None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _unique(documents: list[Document], skipped: list[str]) -> tuple[list[Document], list[str]]:
    """One document per URL: a sender that repeats an item in one body stores it once."""
    seen: set[str] = set()
    kept = []
    for document in documents:
        if document.url in seen:
            skipped.append(mask_urls(f"{_short(document.url)}: repeated in this body "
                                     f"(kept the first)"))
            continue
        seen.add(document.url)
        kept.append(document)
    return kept, skipped


def _short(value: object) -> str:
    return " ".join(str(value).split())[:200]
