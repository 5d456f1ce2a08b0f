"""OPML in and out, and adding imported feeds to the config without losing its comments."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from newsmon.errors import ConfigError
from tasks.sources import SourceConfig, WebSourceConfig
from tasks.urls import canonical_url


@dataclass(frozen=True)
class Feed:
    title: str
    url: str
    category: str | None = None


def parse_opml(data: bytes, origin: str = "<opml>") -> list[Feed]:
    """Every outline with an xmlUrl, with the title of its enclosing folder as category."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ConfigError(f"not a valid OPML file: {exc}", path=origin) from None
    feeds: list[Feed] = []

    def walk(node: ET.Element, folder: str | None) -> None:
        for outline in node.findall("outline"):
            url = outline.get("xmlUrl")
            title = outline.get("title") or outline.get("text") or url or ""
            if url:
                feeds.append(Feed(title.strip(), url.strip(), folder))
            else:
                walk(outline, title.strip() or folder)

    body = root.find("body")
    walk(body if body is not None else root, None)
    return feeds


def render_opml(sources: list[SourceConfig], title: str = "newsmon sources") -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"  <head><title>{title}</title></head>", "  <body>"]
    for source in sources:
        if isinstance(source, WebSourceConfig) and source.kind == "rss":
            attrs = (f"type=\"rss\" text={quoteattr(source.label)} title={quoteattr(source.label)}"
                     f" xmlUrl={quoteattr(source.url)}")
            lines.append(f"    <outline {attrs}/>")
    lines += ["  </body>", "</opml>"]
    return "\n".join(lines) + "\n"


def add_feeds(config_path: Path, feeds: list[Feed], existing: list[SourceConfig]) -> list[str]:
    """Append feeds not configured yet as `rss` sources; returns the ids added. The file's
    comments and layout are kept (round-trip YAML)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    data = yaml.load(config_path.read_text(encoding="utf-8"))
    known_urls = {canonical_url(s.url) for s in existing if isinstance(s, WebSourceConfig)}
    ids = {s.id for s in existing}
    added = []
    for feed in feeds:
        if canonical_url(feed.url) in known_urls:
            continue
        source_id = _unique_id(feed, ids)
        entry = CommentedMap(id=source_id, kind="rss", name=feed.title or source_id, url=feed.url)
        if feed.category:
            entry["tags"] = [feed.category]
        data["sources"].append(entry)
        ids.add(source_id)
        known_urls.add(canonical_url(feed.url))
        added.append(source_id)
    if added:
        with config_path.open("w", encoding="utf-8") as handle:
            yaml.dump(data, handle)
    return added


def _unique_id(feed: Feed, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", feed.title.lower()).strip("-")
    if len(base) < 3:  # Chinese titles: name it after the host
        host = re.sub(r"^www\.", "", feed.url.split("//", 1)[-1].split("/", 1)[0])
        base = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-") or "feed"
    base = base[:48]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
