"""What newsmon would make of a document or page, without storing anything
(`newsmon classify`, `newsmon extract`)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from newsmon.config import catalog_files
from newsmon.errors import SourceError
from tasks.classify import Classifier
from tasks.documents import file_document
from tasks.records import Story
from tasks.split import split_document

if TYPE_CHECKING:
    from tasks.http import Limits

R = TypeVar("R")


def classify_bytes(data: bytes, name: str, render: Callable[[dict[str, Any]], R],
                   config: str | None = None, explain: bool = False) -> Iterator[R]:
    """What `render` makes of each story's dict, as each is classified (and where): title,
    companies, company_ids, topics, events, mentions and the decisions behind them."""
    classifier = Classifier.load(catalog_files(config))
    path = Path(name)
    url = path.resolve().as_uri() if name not in ("-", "<stdin>") else "stdin:"
    document = file_document("classify", path, url, data)
    return _previews(classifier, split_document(document), explain, render)


# A file of this many stories is classified in one worker process per core: each is forked
# with the built classifier and the stories, so nothing is rebuilt or sent but the results.
PARALLEL_FROM = 256
_CHUNK = 32  # stories a worker takes at a time


def _previews(classifier: Classifier, stories: list[Story], explain: bool,
              render: Callable[[dict[str, Any]], R]) -> Iterator[R]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (cores or 1) < 2 or len(stories) < PARALLEL_FROM or (
            "fork" not in multiprocessing.get_all_start_methods()):
        yield from (render(_preview(classifier, story, explain)) for story in stories)
        return
    with multiprocessing.get_context("fork").Pool(
            cores, initializer=_adopt, initargs=(classifier, stories, explain, render)) as pool:
        yield from pool.imap(_preview_at, range(len(stories)), chunksize=_CHUNK)


# A worker's classifier, stories, explain flag and render, set as it starts.
_work: tuple[Classifier, list[Story], bool, Callable[[dict[str, Any]], Any]] | None = None


def _adopt(*work: Any) -> None:
    global _work
    _work = work  # type: ignore[assignment]


def _preview_at(index: int) -> Any:
    assert _work is not None, "set by _adopt"
    classifier, stories, explain, render = _work
    return render(_preview(classifier, stories[index], explain))


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
