"""Cut a fetched document into stories. Pure functions: text in, stories out."""

from __future__ import annotations

from tasks.records import Document, Story
from tasks.split.digest import looks_like_digest, split_digest
from tasks.split.newspaper import split_newspaper
from tasks.split.text import first_sentence


def split_document(doc: Document) -> list[Story]:
    """Stories in `doc`: a digest by section, a newspaper page by report, else the whole text."""
    if doc.title is not None:  # feed entries and web pages are one story already
        return [Story(title=doc.title, body=doc.text.strip(), url=doc.url, position=1,
                      category=doc.category, published_at=doc.published_at)]
    if looks_like_digest(doc.text):
        return split_digest(doc)
    stories = split_newspaper(doc)
    if stories:
        return stories
    text = doc.text.strip()
    if not text:
        return []
    return [Story(title=first_sentence(text), body=text, url=f"{doc.url}#1", position=1,
                  published_at=doc.published_at)]
