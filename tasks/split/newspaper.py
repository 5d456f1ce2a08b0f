"""Newspaper pages as text (OCR or copy-paste): find where each report starts and ends.

A report is anchored by a dateline (本报讯), a byline (■本报记者 X), a markdown heading, a notice
title (…启事) or a headline set tight against its first paragraph. Its title is the nearest
headline just above the anchor. Page furniture (credits, editors, page labels, OCR debris) is
dropped, and lines broken by the page layout are joined back into paragraphs.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from itertools import islice
from typing import NamedTuple

from tasks.records import Document, Story
from tasks.split.text import (
    TERMINAL_PUNCTUATION,
    first_sentence,
    parse_date,
    strip_markdown,
    wrap_joint,
)


class Kind(Enum):
    BLANK = "blank"
    FURNITURE = "furniture"
    HEADING = "heading"  # markdown #, ## (### is a subhead, kept as HEADLINE)
    HEADLINE = "headline"
    BYLINE = "byline"
    LEAD = "lead"
    BODY = "body"


# Looking a member up as Kind.BODY takes CPython 3.11 80 ns, too slow for a test made on every
# line of every page: the code below uses these names.
BLANK, FURNITURE, HEADING, HEADLINE, BYLINE, LEAD, BODY = Kind

_LEAD = re.compile(r"^(本报讯|本报[^\s，。]{0,6}电|(新华社|中新社|人民网)[^\s，。]{0,10}电)")
_BYLINE = re.compile(r"^■?\s*(本报|青年报|新华社|通讯员)?\s*(首席|见习|特约)?(记者|通讯员)"
                     r"\s*[\u4e00-\u9fff·]{2,4}(\s+[\u4e00-\u9fff·]{2,4}){0,3}$")
# Credits and page labels: anchored at the start (a match, not a search), or a credit's ending.
_FURNITURE = re.compile(
    r"(责任编辑|编辑|校对|美编|版式|制图|本版(摄影|图片|编辑|统筹)|图片来源|资料图|受访者供图)"
    r"|(资讯|要闻|综合|新闻|广告)$"
    r"|第?\s*[A-Z]?\d{1,2}\s*版"
)
_CREDIT_ENDINGS = ("摄", "供图", "制图", "新华社发")
# The three line types recognised by how a line begins, in one match (checked in this order).
_MARKED = re.compile(f"(?P<furniture>{_FURNITURE.pattern})|(?P<lead>{_LEAD.pattern[1:]})"
                     f"|(?P<byline>{_BYLINE.pattern[1:]})")
_MARKED_KINDS = {"furniture": FURNITURE, "lead": LEAD, "byline": BYLINE}
_DATELINE = re.compile(r"^(本报讯|本报\S{0,6}电|\S{2,10}社\S{0,10}电)\s*([（(][^）)]{0,40}[）)])?\s*")
_NOTICE = re.compile(r"(启事|公告|通知|声明|告示)$")
_CLAUSE_PUNCTUATION = re.compile(r"[，。；,;]")
_HEADING = re.compile(r"^\s*#{1,2}\s")
_MEANINGFUL = re.compile(r"[^\W_]")  # what str.isalnum accepts, searched in C
_CJK = re.compile("[\u4e00-\u9fff]")
_NOT_ANCHORS = (BLANK, BODY, FURNITURE)  # a tuple: Enum hashing is slow
_LONGEST_LABEL = 40  # headlines, bylines and page furniture are no longer than this
_MAX_TITLE_LOOKBACK = 3
# A body line this long above an anchor is a caption or lead paragraph, not the previous
# report's text wrapped at column width: the title search may look past it.
_PARAGRAPH_LENGTH = 40


class Line(NamedTuple):  # a named tuple: one is made for every line of every page
    text: str
    kind: Kind


_EMPTY = Line("", BLANK)


def split_newspaper(doc: Document) -> list[Story]:
    """Reports of a newspaper page, in page order."""
    # Half the lines of a page are blank: they skip the call.
    lines = [classify_line(raw) if raw.strip() else _EMPTY for raw in doc.text.splitlines()]
    starts = _story_starts(lines)
    if not starts:
        return []
    published = _page_date(lines)
    # Text above the first report (a page's editorial lead) is kept, in the first report.
    preamble = [ln.text for ln in lines[:starts[0]] if ln.kind is BODY]
    stories = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        story = _build_story(doc, lines[start:end], preamble if index == 0 else [],
                             position=index + 1, published=published)
        if story is not None:
            stories.append(story)
    return stories


def classify_line(raw: str) -> Line:
    # Called for every line of every page: cheap tests first, and no helper calls.
    text = strip_markdown(raw.replace("\u3000", " "))  # stripped too
    if not text:
        return _EMPTY
    if "#" in raw and _HEADING.match(raw):
        return Line(text, HEADING)
    if _MEANINGFUL.search(text) is None:  # OCR leftovers: no letter, digit or character
        return Line(text, FURNITURE)
    length = len(text)
    if length > _LONGEST_LABEL:  # too long for a byline, headline or page label
        return Line(text, LEAD if _LEAD.match(text) else BODY)
    if text.endswith(_CREDIT_ENDINGS) or (  # or a lone digit or two
            length <= 3 and len(_MEANINGFUL.findall(text)) <= 2 and not _CJK.search(text)):
        return Line(text, FURNITURE)
    if (marked := _MARKED.match(text)) is not None:
        return Line(text, _MARKED_KINDS[marked.lastgroup or ""])
    if (length >= 4 and text[-1] not in "：:、" and not _CLAUSE_PUNCTUATION.search(text)
            and _CJK.search(text) is not None):
        return Line(text, HEADLINE)
    return Line(text, BODY)


def _story_starts(lines: list[Line]) -> list[int]:
    """Index of the first line (title) of every report."""
    anchors: list[int] = []
    tight_run = False  # inside a report that was itself anchored by a tight headline
    for i, line in enumerate(lines):
        if line.kind in _NOT_ANCHORS:
            continue
        strong = line.kind in (LEAD, BYLINE, HEADING) or (
            line.kind is HEADLINE and bool(_NOTICE.search(line.text)))
        tight = line.kind is HEADLINE and _is_tight(lines, i)
        if strong:
            tight_run = False
        elif tight and not tight_run:
            tight_run = True  # later tight headlines in the same report are its subheads
        else:
            continue
        if anchors and not any(ln.kind is BODY for ln in lines[anchors[-1]:i]):
            continue  # title, byline and dateline of one report: one anchor
        anchors.append(i)
    starts: list[int] = []
    for anchor in anchors:
        floor = starts[-1] + 1 if starts else 0
        starts.append(_title_line(lines, anchor, floor))
    return starts


def _is_tight(lines: list[Line], i: int) -> bool:
    """A headline with a blank line above and its first paragraph directly below."""
    above_blank = i == 0 or lines[i - 1].kind is BLANK
    return above_blank and i + 1 < len(lines) and lines[i + 1].kind is BODY


def _title_line(lines: list[Line], anchor: int, floor: int) -> int:
    """The headline just above an anchor, when there is one within a few lines."""
    if lines[anchor].kind in (HEADING, HEADLINE):
        return anchor
    seen = 0
    for i in range(anchor - 1, floor - 1, -1):
        kind = lines[i].kind
        if kind in (BLANK, FURNITURE):
            continue
        if kind in (HEADLINE, HEADING):
            return i
        if len(lines[i].text) < _PARAGRAPH_LENGTH:
            break
        seen += 1
        if seen >= _MAX_TITLE_LOOKBACK:
            break
    return anchor


def _build_story(doc: Document, block: list[Line], preamble: list[str], position: int,
                 published: datetime | None) -> Story | None:
    title = ""
    # Each paragraph as its lines, joined once at the end: a column-wrapped paragraph is
    # dozens of lines.
    paragraphs: list[list[str]] = [[p] for p in preamble]
    if block[0].kind in (HEADING, HEADLINE):
        title, block = block[0].text, block[1:]
    for text, kind in block:
        if kind is BLANK or kind is FURNITURE or kind is BYLINE:
            continue
        if kind is BODY and paragraphs and paragraphs[-1][-1][-1] not in TERMINAL_PUNCTUATION:
            paragraphs[-1].append(wrap_joint(paragraphs[-1][-1], text) + text)
        else:
            paragraphs.append([text])
    texts = ["".join(lines) for lines in paragraphs]
    body = "\n".join(texts)
    if not body:
        return None
    if not title:
        lead = next((p for p in texts if p not in preamble), body)
        title = first_sentence(_DATELINE.sub("", lead), limit=40)
    return Story(title=title, body=body, url=f"{doc.url}#{position}", position=position,
                 published_at=published)


def _page_date(lines: list[Line]) -> datetime | None:
    """The date printed in the page header: the first few short lines only, since dates in
    paragraphs are usually the dates of events, not of the page."""
    header = islice((ln.text for ln in lines if ln.kind is not BLANK), 5)
    for text in header:
        if len(text) <= 60:
            found = parse_date(text)
            if found:
                return found
    return None
