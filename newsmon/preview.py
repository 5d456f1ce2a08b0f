"""What newsmon would make of a document or page, without storing anything
(`newsmon classify`, `newsmon extract`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsmon.config import config_path, load_config
from tasks.classify import Classifier
from newsmon.errors import SourceError
from tasks.encoding import decode_bytes, decode_html
from tasks.extract import extract_article
from tasks.http import FetchFailed, Limits, http_get, make_client
from tasks.records import Document
from tasks.sources.files import media_type
from tasks.split import split_document


def classify_bytes(data: bytes, name: str, config: str | None = None,
                   explain: bool = False) -> list[dict[str, Any]]:
    """One dict per story: title, companies, company_ids, topics, mentions (and decisions)."""
    extra = load_config(config).catalog_files if config or config_path().exists() else []
    classifier = Classifier.load(extra)
    url = Path(name).resolve().as_uri() if name not in ("-", "<stdin>") else "stdin:"
    document = Document(source_id="classify", url=url, text=decode_bytes(data).text,
                        fetched_at=datetime.now(UTC), media_type=media_type(Path(name)))
    out = []
    for story in split_document(document):
        labels, decisions = classifier.explain(story.text, title_length=len(story.title))
        item: dict[str, Any] = {
            "title": story.title,
            "companies": labels.companies,
            "company_ids": labels.company_ids,
            "topics": [t.topic for t in labels.topics],
            "mentions": [{"company_id": m.company_id, "alias": m.alias, "start": m.start,
                          "end": m.end, "salience": m.salience} for m in labels.mentions],
        }
        if explain:
            item["explain"] = [
                f"{'✓' if d.accepted else '✗'} {d.alias} → {d.company_id} "
                f"@{d.start}-{d.end}: {d.reason}" for d in decisions
            ] + [f"# {t.topic}: {t.evidence}" for t in labels.topics]
        out.append(item)
    return out


def extract_inputs(inputs: list[str], limits: Limits | None = None) -> list[dict[str, Any]]:
    """What newsmon would store for each page (a file path or an http(s) URL)."""
    limits = limits or Limits()
    out: list[dict[str, Any]] = []
    with make_client(limits) as client:
        for item in inputs:
            if item.startswith(("http://", "https://")):
                try:
                    response = http_get(client, item, limits)
                except FetchFailed as exc:
                    raise SourceError(item, str(exc)) from None
                html, where = decode_html(response.body, response.charset).text, {"url": response.url}
            else:
                path = Path(item)
                try:
                    html = decode_html(path.read_bytes()).text
                except OSError as exc:
                    raise SourceError(item, exc.strerror or str(exc)) from None
                where = {"path": str(path)}
            page = extract_article(html, where.get("url"))
            out.append({**where, "title": page.title,
                        "published_at": page.published_at.isoformat(sep=" ")
                        if page.published_at else None,
                        "text": page.text})
    return out
