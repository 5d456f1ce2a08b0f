"""A file's bytes to a Document: decoded text, or for an HTML page its extracted article.
Shared by `files` sources and `newsmon classify`, so both read a file the same way."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tasks.encoding import decode_bytes, decode_html
from tasks.records import Document

_MEDIA_TYPES = {".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown",
                ".markdown": "text/markdown", ".html": "text/html", ".htm": "text/html"}

SUPPORTED_SUFFIXES = frozenset(_MEDIA_TYPES)


def media_type(path: Path) -> str:
    return _MEDIA_TYPES.get(path.suffix.lower(), "text/plain")


def file_document(source_id: str, path: Path, url: str, data: bytes,
                  forced_charset: str | None = None) -> Document:
    kind = media_type(path)
    if kind == "text/html":
        # Imported here: extraction pulls in bs4 and trafilatura, which plain text never needs.
        from tasks.extract import extract_article

        decoded = decode_html(data, forced_charset)
        page = extract_article(decoded.text, url)
        return Document(source_id=source_id, url=url, text=page.text,
                        fetched_at=datetime.now(UTC), media_type=kind, encoding=decoded.encoding,
                        title=page.title or path.stem, published_at=page.published_at,
                        text_issue=decoded.suspect)
    decoded = decode_bytes(data, declared=forced_charset)
    return Document(source_id=source_id, url=url, text=decoded.text, fetched_at=datetime.now(UTC),
                    media_type=kind, encoding=decoded.encoding, text_issue=decoded.suspect)
