"""Main text, title and date of an article page. Pure: HTML in, values out.

The text: readability-lxml's article block, unless trafilatura's (tables included) or the
element with the most paragraph text holds far more prose (`body`); then the lines no reader
counts as the article go. The date: the time printed near the headline, else the page's
metadata (`dates`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bs4 import Tag
from lxml import html as lxml_html

from tasks.extract.body import main_text
from tasks.extract.dates import published_at
from tasks.split.text import parse_date

_BOILERPLATE_LINE = re.compile(r"(版权所有|Copyright|©|ICP备|ICP证|责任编辑|免责声明|"
                               r"未经授权|转载请注明|All rights reserved)", re.I)
_SENTENCE = re.compile(r"[，。！？]")
_TITLE_PARTS = re.compile(r"\s*(?:_+|\s[-|–—]\s|-{2,}|\|)\s*")  # "标题 - 网站名", "标题_网站名"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Extracted:
    title: str | None
    text: str
    published_at: datetime | None


def extract_article(html: str, url: str | None = None) -> Extracted:
    """What newsmon stores for a page: its title, main text and publication time."""
    try:
        tree = lxml_html.fromstring(html) if html.strip() else None
    except (ValueError, lxml_html.etree.ParserError):
        tree = None
    if tree is None:
        return Extracted(None, "", None)
    title = page_title(tree)
    text = _strip_boilerplate(main_text(html, title), title)
    return Extracted(title=title, text=text, published_at=published_at(tree, html, title, text))


def page_title(tree: lxml_html.HtmlElement) -> str | None:
    """The headline: the longest heading (og:title, h1-h3, an element classed as a title) that
    the page's <title> contains, since sites write `<title>headline_site</title>`; else
    og:title; else the <title>'s longest part between separators."""
    titles = tree.xpath("//title")
    head = _clean(titles[0].text_content()) if titles else None
    candidates = [*tree.xpath('//meta[@property="og:title"]/@content'),
                  *tree.xpath('//meta[@name="title"]/@content'),
                  *(e.text_content() for e in tree.xpath(
                      "//h1|//h2|//h3|//*[contains(@class, 'title')]"))]
    cleaned = [c for c in map(_clean, candidates) if c and 4 <= len(c) <= 120]
    squeezed = _SPACES.sub("", head or "")
    inside = [c for c in cleaned if _SPACES.sub("", c) in squeezed]
    if inside:
        return max(inside, key=len)
    og = _clean(next(iter(tree.xpath('//meta[@property="og:title"]/@content')), None))
    if og or not head:
        return og or next((c for c in map(_clean, (h.text_content() for h in tree.xpath("//h1")))
                           if c), None)
    return max(_TITLE_PARTS.split(head), key=len).strip() or head


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _strip_boilerplate(text: str, title: str | None) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and title and lines[0] == title:
        lines = lines[1:]
    # A dateline under the headline ("2025年12月21日 09:15 来源：示例财经") is metadata.
    while lines and len(lines[0]) < 60 and parse_date(lines[0]) and not _SENTENCE.search(lines[0]):
        lines = lines[1:]
    return "\n".join(line for line in lines if not (_BOILERPLATE_LINE.search(line)
                                                     and len(line) < 120))


def attr_text(tag: Tag, name: str) -> str:
    """An attribute as one string: multi-valued ones (class) joined, a missing one empty."""
    value = tag.get(name)
    return " ".join(value) if isinstance(value, list) else value or ""
