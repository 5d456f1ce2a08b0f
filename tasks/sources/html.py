"""`html` sources: a list page whose links lead to articles, each extracted to its main text.

The list page is fetched conditionally; only links not stored before are followed, at most
`max_items` per cycle, and only where the site's robots.txt allows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Literal
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import soupsieve
from bs4 import BeautifulSoup
from pydantic import Field, field_validator

from newsmon.errors import SourceError
from tasks.encoding import decode_html
from tasks.extract import attr_text, extract_article
from tasks.http import USER_AGENT, FetchFailed, Limits, http_get
from tasks.records import Cursor, Document
from tasks.sources.base import (
    FetchContext,
    FetchResult,
    WebSourceConfig,
    cursor_key,
    get_if_changed,
)
from tasks.split.text import parse_date
from tasks.urls import canonical_url


class HtmlSource(WebSourceConfig):
    kind: Literal["html"]
    link_selector: str = Field(default="a[href]", min_length=1)  # CSS: links to articles
    title_selector: str | None = None  # CSS, on the article page
    date_selector: str | None = None  # CSS, on the article page
    same_site: bool = True  # follow only links on the list page's own host
    obey_robots: bool = True

    @field_validator("link_selector", "title_selector", "date_selector")
    @classmethod
    def _valid_css(cls, selector: str | None) -> str | None:
        """A selector that does not parse fails when the config loads, not on every cycle."""
        if selector is not None:
            try:
                soupsieve.compile(selector)
            except soupsieve.SelectorSyntaxError as exc:
                raise ValueError(f"invalid CSS selector {selector!r}: "
                                 f"{str(exc).splitlines()[0]}") from None
        return selector


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
        try:
            url = canonical_url(urljoin(base_url, str(href)))
        except ValueError:  # a malformed link (bad port, broken IPv6 host) is no article
            continue
        if not url.startswith(("http://", "https://")):
            continue
        if same_site and urlsplit(url).hostname != host:
            continue
        if url != canonical_url(base_url):
            links[url] = None
    return list(links)


def fetch(source: HtmlSource, context: FetchContext, result: FetchResult) -> Iterator[Document]:
    """Articles linked from the list page and not stored before, at most `max_items`. An
    article that cannot be fetched or read is that item's failure; the page is remembered as
    seen only when every new link was taken."""
    limits = source.limits(context.limits)
    if source.obey_robots and not _allowed(source.url, context, limits):
        raise SourceError(source.id, f"{source.url}: disallowed by robots.txt")
    page = get_if_changed(source, context, result, limits)
    if page is None:
        return
    listing = decode_html(page.body, page.charset)
    links = list_links(listing.text, page.url, source.link_selector, source.same_site)
    if not links:
        raise SourceError(source.id, f"{source.url}: no links match {source.link_selector!r}")
    new = [u for u in links if u not in context.known_urls]
    taken = new[:source.max_items]
    for index, url in enumerate(taken):
        if context.out_of_time(result, len(taken) - index):
            break
        if source.obey_robots and not _allowed(url, context, limits):
            result.warnings.append(f"{url}: disallowed by robots.txt; skipped")
            continue
        document = result.skip_item(url, partial(_article, source, context, url, limits, result))
        if document is not None:
            yield document
    if len(new) <= source.max_items and not result.item_errors and not listing.suspect:
        result.cursors.append(Cursor(*cursor_key(source.id, source.url),
                                     page.headers.get("etag"), page.headers.get("last-modified")))


def _article(source: HtmlSource, context: FetchContext, url: str, limits: Limits,
             result: FetchResult) -> Document:
    article = http_get(context.http(), url, limits, context.gate, deadline=context.deadline)
    result.downloads += 1
    decoded = decode_html(article.body, article.charset)
    return page_document(source, article.url, decoded.text, decoded.suspect)


def page_document(source: HtmlSource, url: str, html: str,
                  text_issue: str | None = None) -> Document:
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
                    title=title or extracted.text[:40], published_at=published,
                    text_issue=text_issue)


def _allowed(url: str, context: FetchContext, limits: Limits) -> bool:
    """What the site's robots.txt says for our User-Agent; no robots.txt allows everything."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    parser = context.robots.get(origin)
    if parser is None:
        parser = RobotFileParser()
        try:
            response = http_get(context.http(), f"{origin}/robots.txt", limits, context.gate,
                                deadline=context.deadline)
            parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        except FetchFailed:
            parser.parse([])  # no robots.txt (404) or unreachable: nothing is forbidden
        context.robots[origin] = parser
    return parser.can_fetch(USER_AGENT, url)  # type: ignore[attr-defined]
