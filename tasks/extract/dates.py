"""When an article page says it was published. Pure.

The time printed under the headline is what a reader sees and what the site meant; metadata
(meta tags, JSON-LD, htmldate's reading of the page) is often the time of an update, a
template or a crawl. So: the visible time near the headline first (a year it leaves out is
taken from the metadata), then the metadata, then the first date printed in the text.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from lxml import html as lxml_html

from tasks.split.text import parse_date

_META_DATES = ("article:published_time", "og:published_time", "og:article:published_time",
               "pubdate", "publishdate", "publish_date", "publishtime", "date", "dc.date",
               "dc.date.issued", "sailthru.date", "weibo:article:create_at", "datepublished",
               "datecreated", "dateupdate", "datemodified")
_SCRIPT_TIME = re.compile(r"\bvar\s+(?:ct|publish_time|create_time)\s*=\s*[\"']?(1\d{9})\b")
_CHINA = timezone(timedelta(hours=8))
_NEAR_HEADLINE = 400
_PROSE = re.compile("[，。！？]")  # characters of page text after the headline where the byline is
# 2019-09-07 13:43, 2019年9月7日 13:43, 2019/09/07, 19-09-07 13:43 (two-digit year), 09-07 13:43
_FULL = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:\s*(\d{1,2})[:：](\d{2}))?")
_SHORT_YEAR = re.compile(r"(?<![\d-])(\d\d)-(\d{1,2})-(\d{1,2})\s+(\d{1,2}):(\d{2})")
_NO_YEAR = re.compile(r"(?<![\d-])(\d{1,2})[-月](\d{1,2})日?\s+(\d{1,2}):(\d{2})")


def published_at(tree: lxml_html.HtmlElement, html: str, title: str | None,
                 text: str) -> datetime | None:
    """The page's publication time, as printed (wall-clock, no zone)."""
    meta = meta_date(tree) or _script_time(html) or _htmldate(html)
    visible = _near_headline(tree, title, meta)
    return visible or meta or parse_date("\n".join(text.splitlines()[:5]))


def _near_headline(tree: lxml_html.HtmlElement, title: str | None,
                   meta: datetime | None) -> datetime | None:
    headline = _headline(tree, title)
    if headline is None:
        return None
    after = ""
    for piece in headline.xpath("following::text()[normalize-space()]"):
        parent = piece.getparent()
        if parent is not None and parent.tag in ("script", "style"):
            continue
        text = " ".join(piece.split())
        if len(text) > 30 and _PROSE.search(text):
            break  # the article has begun: a date past here is not its byline
        after += " " + text
        if len(after) > _NEAR_HEADLINE:
            break
    return read_date(after[:_NEAR_HEADLINE], meta.year if meta else None)


def read_date(text: str, year: int | None = None) -> datetime | None:
    """The first date in `text` with its time if printed; a date written without its year
    (09-30 22:46) takes `year`, and is no date without one."""
    found = [(m.start(), m) for m in (_FULL.search(text), _SHORT_YEAR.search(text)) if m]
    if year is not None and (m := _NO_YEAR.search(text)):
        found.append((m.start(), m))
    for _, match in sorted(found, key=lambda pair: pair[0]):
        parts = [int(g) for g in match.groups() if g is not None]
        if match.re is _SHORT_YEAR:
            parts[0] += 2000
        elif match.re is _NO_YEAR:
            parts.insert(0, year or 0)
        try:
            return datetime(*parts)  # type: ignore[arg-type]
        except ValueError:
            continue
    return None


def _headline(tree: lxml_html.HtmlElement, title: str | None) -> lxml_html.HtmlElement | None:
    """The element showing the headline: the `h1` that matches the title, else the element whose
    text is the title, else the first `h1`."""
    squeeze = re.compile(r"\s+")
    wanted = squeeze.sub("", title or "")
    headings = tree.xpath("//h1")
    for heading in headings:
        if wanted and squeeze.sub("", heading.text_content()) == wanted:
            return heading
    if wanted:
        for element in tree.xpath("//h2|//h3|//div|//p|//span|//td"):
            if squeeze.sub("", element.text_content()) == wanted:
                return element
    return headings[0] if headings else None


def meta_date(tree: lxml_html.HtmlElement) -> datetime | None:
    """The publication time the page's meta tags or JSON-LD give."""
    for tag in tree.xpath("//meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        if key in _META_DATES and (found := _parse_iso(tag.get("content"))):
            return found
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and (found := _parse_iso(item.get("datePublished"))):
                return found
    for tag in tree.xpath("//time[@datetime]"):
        if found := _parse_iso(tag.get("datetime")):
            return found
    return None


def _script_time(html: str) -> datetime | None:
    """A Unix time a script sets for the page to show (WeChat articles: `var ct = "…"`), as
    China's wall-clock time: the byline these pages fill in on load."""
    found = _SCRIPT_TIME.search(html)
    if not found:
        return None
    return datetime.fromtimestamp(int(found.group(1)), _CHINA).replace(tzinfo=None)


def _htmldate(html: str) -> datetime | None:
    from htmldate import find_date

    try:
        found = find_date(html, extensive_search=False, original_date=True,
                          outputformat="%Y-%m-%d %H:%M")
    except (ValueError, TypeError):
        return None
    return _parse_iso(found)


def _parse_iso(value: object) -> datetime | None:
    """A date as the page printed it; time zones are dropped, keeping the wall-clock time."""
    if not value:
        return None
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return read_date(text)
