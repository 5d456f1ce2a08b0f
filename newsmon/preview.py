"""What newsmon would make of a document or page, without storing anything
(`newsmon classify`, `newsmon extract`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsmon.config import catalog_files
from newsmon.errors import SourceError
from tasks.classify import Classifier
from tasks.documents import file_document
from tasks.records import Story
from tasks.split import split_document

if TYPE_CHECKING:
    from tasks.http import Limits


def classify_bytes(data: bytes, name: str, config: str | None = None,
                   explain: bool = False) -> Iterator[dict[str, Any]]:
    """One dict per story, as each is classified: title, companies, company_ids, topics,
    events, mentions (and the decisions behind them)."""
    classifier = Classifier.load(catalog_files(config))
    path = Path(name)
    url = path.resolve().as_uri() if name not in ("-", "<stdin>") else "stdin:"
    document = file_document("classify", path, url, data)
    return (_preview(classifier, story, explain) for story in split_document(document))


def _preview(classifier: Classifier, story: Story, explain: bool) -> dict[str, Any]:
    if explain:
        labels, decisions = classifier.explain(story.text, title_length=len(story.title))
    else:
        labels, decisions = classifier.classify(story.text, len(story.title)), []
    item: dict[str, Any] = {
        "title": story.title,
        "companies": labels.companies,
        "company_ids": labels.company_ids,
        "topics": [t.topic for t in labels.topics],
        "events": [{"type": e.type, "company_id": e.company_id, "confidence": e.confidence,
                    **e.details} for e in labels.events],
        "mentions": [{"company_id": m.company_id, "alias": m.alias, "start": m.start,
                      "end": m.end, "salience": m.salience} for m in labels.mentions],
    }
    if explain:
        item["explain"] = [
            f"{'✓' if d.accepted else '✗'} {d.alias} → {d.company_id} "
            f"@{d.start}-{d.end}: {d.reason}" for d in decisions
        ] + [f"# {t.topic}: {t.evidence}" for t in labels.topics]
    return item


def extract_inputs(inputs: list[str], limits: Limits | None = None) -> list[dict[str, Any]]:
    """What newsmon would store for each page (a file path or an http(s) URL)."""
    # The fetchers are imported here, not above: `newsmon classify` starts without them.
    from tasks.encoding import decode_html
    from tasks.extract import extract_article
    from tasks.http import FetchFailed, Limits, http_get, make_client

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
