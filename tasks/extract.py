"""Main text, title and date of an article page. Pure: HTML in, values out.

trafilatura does the extraction; when it finds nothing usable (odd markup, tiny pages) a bs4
fallback takes the block with the most paragraph text. Dates come from the page's own metadata
first (meta tags, JSON-LD), then from a date printed near the top of the text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from bs4 import BeautifulSoup, Tag

from tasks.split.text import parse_date

_META_DATES = ("article:published_time", "og:published_time", "og:article:published_time",
               "pubdate", "publishdate", "publish_date", "publishtime", "date", "dc.date",
               "dc.date.issued", "sailthru.date", "weibo:article:create_at")
_BOILERPLATE_LINE = re.compile(r"(版权所有|Copyright|©|ICP备|ICP证|责任编辑|免责声明|"
                               r"未经授权|转载请注明|All rights reserved)", re.I)
_NOISE_CLASSES = re.compile(r"(comment|related|recommend|footer|nav|menu|share|sidebar|"
                            r"advert|\bad\b|ads|copyright|breadcrumb|popup|banner)", re.I)
_MIN_TEXT = 40
_SENTENCE = re.compile(r"[，。！？]")


@dataclass(frozen=True)
class Extracted:
    title: str | None
    text: str
    published_at: datetime | None


def extract_article(html: str, url: str | None = None) -> Extracted:
    """What newsmon stores for a page: its title, main text and publication time."""
    import trafilatura  # a tenth of a second to import; commands that never extract skip it

    soup = BeautifulSoup(html, "html.parser")
    result = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                         include_comments=False, include_tables=False,
                                         favor_precision=True)
    data = result.as_dict() if result is not None and hasattr(result, "as_dict") else result or {}
    title = _clean(data.get("title")) or _page_title(soup)
    text = data.get("text") or ""
    if len(text) < _MIN_TEXT:
        text = _fallback_text(soup) or text
    published = (_meta_date(soup) or _json_ld_date(soup) or _visible_date(text)
                 or _parse_iso(data.get("date")))
    text = _strip_boilerplate(text, title)
    return Extracted(title=title, text=text, published_at=published)


def _clean(value: object) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _page_title(soup: BeautifulSoup) -> str | None:
    for selector in ('meta[property="og:title"]', 'meta[name="title"]'):
        tag = soup.select_one(selector)
        if tag and tag.get("content"):
            return _clean(tag["content"])
    heading = soup.find("h1")
    if heading and heading.get_text(strip=True):
        return _clean(heading.get_text(" ", strip=True))
    if soup.title and soup.title.string:
        # "标题 - 网站名" / "标题_网站名": keep the headline part
        return _clean(re.split(r"\s*[-_|–—]\s*(?=[^-_|–—]*$)", soup.title.string)[0])
    return None


def _fallback_text(soup: BeautifulSoup) -> str:
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                     "iframe"]):
        tag.decompose()
    for tag in soup.find_all(True):
        if isinstance(tag, Tag) and tag.attrs is not None:
            marks = f"{attr_text(tag, 'class')} {attr_text(tag, 'id')}".strip()
            if marks and _NOISE_CLASSES.search(marks):
                tag.decompose()
    best, best_len = None, 0
    for block in soup.find_all(["article", "main", "div", "section", "td", "body"]):
        paragraphs = [p.get_text(" ", strip=True) for p in block.find_all("p", recursive=True)]
        length = sum(len(p) for p in paragraphs)
        if length > best_len:
            best, best_len = paragraphs, length
    if best:
        return "\n".join(p for p in best if p)
    body = soup.body or soup
    return "\n".join(line.strip() for line in body.get_text("\n").splitlines() if line.strip())


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


def _meta_date(soup: BeautifulSoup) -> datetime | None:
    for tag in soup.find_all("meta"):
        key = (attr_text(tag, "property") or attr_text(tag, "name")
               or attr_text(tag, "itemprop")).lower()
        if key in _META_DATES or key == "datepublished":
            found = _parse_iso(attr_text(tag, "content"))
            if found:
                return found
    time_tag = soup.find("time", attrs={"datetime": True})
    return _parse_iso(time_tag["datetime"]) if time_tag else None


def _json_ld_date(soup: BeautifulSoup) -> datetime | None:
    for script in soup.find_all("script", attrs={"type": "application/ld+json"}):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("datePublished"):
                found = _parse_iso(item["datePublished"])
                if found:
                    return found
    return None


def _visible_date(text: str) -> datetime | None:
    """A date printed in the first lines of the article (2025年12月22日, 2025-12-22 10:30)."""
    return parse_date("\n".join(text.splitlines()[:5]))


def _parse_iso(value: object) -> datetime | None:
    """A date as the page printed it; time zones are dropped, keeping the wall-clock time."""
    if not value:
        return None
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return parse_date(text)
