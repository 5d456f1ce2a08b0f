"""Markdown news digests: one story per `##` section, one per link in a trailing link list."""

from __future__ import annotations

import re

from tasks.records import Document, Origin, Story
from tasks.split.text import markdown_links, parse_date, strip_markdown

_SECTION = re.compile(r"^##(?!#)\s*(.+?)\s*$", re.M)
_META = re.compile(r"^\s*>?\s*\*{0,2}(分类|来源|类别|标签)[:：]\*{0,2}\s*(.*)$")
_LINK_ITEM = re.compile(r"^\s*[-*+]\s*\[([^\]]+)\]\((https?://[^)\s]+)\)\s*$")
_META_START = re.compile(r"^\s*>?\s*\*{0,2}(分类|来源)[:：]", re.M)


def looks_like_digest(text: str) -> bool:
    """A digest has several `##` sections carrying 分类/来源 metadata lines."""
    if "##" not in text or ("分类" not in text and "来源" not in text):  # most pages: no scan
        return False
    sections = _SECTION.finditer(text)
    return next(sections, None) is not None and next(sections, None) is not None and bool(
        _META_START.search(text))


def split_digest(doc: Document) -> list[Story]:
    """Stories of a digest: sections with category and origins, then bare link items."""
    header = doc.text[:_first_section_start(doc.text)]
    published = parse_date(header)
    stories: list[Story] = []
    matches = list(_SECTION.finditer(doc.text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(doc.text)
        section = doc.text[match.end():end]
        links = [_LINK_ITEM.match(line) for line in section.splitlines() if line.strip()]
        if links and all(links):  # a list of headlines: each link is its own story
            for link in links:
                assert link is not None
                stories.append(Story(title=strip_markdown(link.group(1)), body="",
                                     url=link.group(2), position=len(stories) + 1,
                                     published_at=published))
            continue
        stories.append(_section_story(doc, strip_markdown(match.group(1)), section,
                                      len(stories) + 1, published))
    return stories


def _section_story(doc: Document, title: str, section: str, position: int,
                   published) -> Story:
    category, origins, body = None, [], []
    for line in section.splitlines():
        meta = _META.match(line)
        if meta and meta.group(1) in ("分类", "类别"):
            category = strip_markdown(meta.group(2)) or None
        elif meta and meta.group(1) == "来源":
            origins = [Origin(name, url) for name, url in markdown_links(meta.group(2))]
            if not origins and meta.group(2).strip():
                origins = [Origin(strip_markdown(meta.group(2)))]
        elif line.strip() and line.strip() != "---":
            body.append(strip_markdown(line))
    url = next((o.url for o in origins if o.url), None) or f"{doc.url}#{position}"
    return Story(title=title, body="\n".join(b for b in body if b), url=url, position=position,
                 category=category, published_at=published, origins=tuple(origins))


def _first_section_start(text: str) -> int:
    match = _SECTION.search(text)
    return match.start() if match else len(text)
