"""`html` sources: a list page whose links lead to articles, each extracted to its main text.

The list page is fetched conditionally; only links not stored before are followed, at most
`max_items` per cycle, and only where the site's robots.txt allows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from bs4 import BeautifulSoup
from pydantic import Field

from newsmon.errors import SourceError
from tasks.encoding import decode_html
from tasks.extract import attr_text, extract_article
from tasks.http import USER_AGENT, FetchFailed, Limits, http_get
from tasks.records import Document
from tasks.sources.base import Cursor, FetchContext, FetchResult, WebSourceConfig, get_if_changed
from tasks.split.text import parse_date
from tasks.urls import canonical_url


class HtmlSource(WebSourceConfig):
    kind: Literal["html"]
    link_selector: str = Field(default="a[href]", min_length=1)  # CSS: links to articles
    title_selector: str | None = None  # CSS, on the article page
    date_selector: str | None = None  # CSS, on the article page
    same_site: bool = True  # follow only links on the list page's own host
    obey_robots: bool = True


def list_links(html: str, base_url: str, selector: str, same_site: bool = True) -> list[str]:
    """Canonical article URLs on a list page, in page order, without duplicates."""
    soup = BeautifulSoup(html, "html.parser")
    host = urlsplit(base_url).hostname
    links: dict[str, None] = {}
    for tag in soup.select(selector):
        href = tag.get("href") if tag.name == "a" else None
        if href is None:
            anchor = tag.find("a", href=True)
            href = anchor.get("href") if anchor else None
        if not href or str(href).startswith(("javascript:", "mailto:", "#")):
            continue
        url = canonical_url(urljoin(base_url, str(href)))
        if not url.startswith(("http://", "https://")):
            continue
        if same_site and urlsplit(url).hostname != host:
            continue
        if url != canonical_url(base_url):
            links[url] = None
    return list(links)


def fetch(source: HtmlSource, context: FetchContext, result: FetchResult) -> Iterator[Document]:
    limits = source.limits(context.limits)
    if source.obey_robots and not _allowed(source.url, context, limits):
        raise SourceError(source.id, f"{source.url}: disallowed by robots.txt")
    page = get_if_changed(source, context, result, limits)
    if page is None:
        return
    html = decode_html(page.body, page.charset).text
    links = list_links(html, page.url, source.link_selector, source.same_site)
    if not links:
        raise SourceError(source.id, f"{source.url}: no links match {source.link_selector!r}")
    new = [u for u in links if u not in context.known_urls]
    if len(new) <= source.max_items:  # see rss.fetch: leftovers need the next cycle to look
        result.cursors.append(Cursor(source.id, source.url, page.headers.get("etag"),
                                     page.headers.get("last-modified")))
    for url in new[:source.max_items]:
        if source.obey_robots and not _allowed(url, context, limits):
            result.warnings.append(f"{url}: disallowed by robots.txt; skipped")
            continue
        try:
            article = http_get(context.http(), url, limits, context.gate)
        except FetchFailed as exc:
            result.warnings.append(f"{url}: {exc}")
            continue
        result.downloads += 1
        yield page_document(source, article.url, decode_html(article.body, article.charset).text)


def page_document(source: HtmlSource, url: str, html: str) -> Document:
    """One article page as a Document, honouring the source's title/date selectors."""
    extracted = extract_article(html, url)
    title, published = extracted.title, extracted.published_at
    if source.title_selector or source.date_selector:
        soup = BeautifulSoup(html, "html.parser")
        if source.title_selector and (tag := soup.select_one(source.title_selector)):
            title = tag.get_text(" ", strip=True) or title
        if source.date_selector and (tag := soup.select_one(source.date_selector)):
            published = parse_date(attr_text(tag, "datetime") or tag.get_text(" ", strip=True)) \
                or published
    return Document(source_id=source.id, url=canonical_url(url), text=extracted.text,
                    fetched_at=datetime.now(UTC), media_type="text/html",
                    title=title or extracted.text[:40], published_at=published)


def _allowed(url: str, context: FetchContext, limits: Limits) -> bool:
    """What the site's robots.txt says for our User-Agent; no robots.txt allows everything."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    parser = context.robots.get(origin)
    if parser is None:
        parser = RobotFileParser()
        try:
            response = http_get(context.http(), f"{origin}/robots.txt", limits, context.gate)
            parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        except FetchFailed:
            parser.parse([])  # no robots.txt (404) or unreachable: nothing is forbidden
        context.robots[origin] = parser
    return parser.can_fetch(USER_AGENT, url)  # type: ignore[attr-defined]
