"""Score an extractor on saved pages with hand-written gold: a folder holding `pages/*.html` and
`gold.jsonl` (one {"page", "title", "published", "text"} record per page).

Text is scored as bags of tokens (one CJK character, or one run of Latin letters and digits),
per page precision, recall and F1, macro-averaged; an empty output scores 0. Dates score on
the same day, and to the minute where the gold has a time.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from statistics import mean

from tasks.encoding import decode_html

_TOKEN = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]+")


@dataclass(frozen=True)
class PageScore:
    page: str
    precision: float
    recall: float
    f1: float
    same_day: bool
    same_minute: bool | None  # None: the gold has no time
    title_right: bool


@dataclass(frozen=True)
class ExtractionScores:
    pages: list[PageScore] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        return mean(p.f1 for p in self.pages)

    @property
    def same_day(self) -> float:
        return mean(p.same_day for p in self.pages)

    @property
    def same_minute(self) -> float:
        timed = [p.same_minute for p in self.pages if p.same_minute is not None]
        return mean(timed) if timed else 0.0

    @property
    def titles(self) -> float:
        return mean(p.title_right for p in self.pages)


Extractor = Callable[[str], tuple[str | None, str, datetime | None]]  # html -> title, text, date


def score_text(output: str, gold: str) -> tuple[float, float, float]:
    found, wanted = Counter(_TOKEN.findall(output)), Counter(_TOKEN.findall(gold))
    overlap = sum((found & wanted).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(found.values()), overlap / sum(wanted.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def evaluate(folder: Path, extractor: Extractor) -> ExtractionScores:
    pages = []
    squeeze = re.compile(r"\s+")
    for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        html = decode_html((folder / "pages" / gold["page"]).read_bytes()).text
        title, text, published = extractor(html)
        precision, recall, f1 = score_text(text, gold["text"])
        when = gold.get("published") or ""
        shown = f"{published:%Y-%m-%d %H:%M}" if published else ""
        pages.append(PageScore(
            gold["page"], precision, recall, f1, bool(shown) and shown[:10] == when[:10],
            shown == when if len(when) > 10 else None,
            squeeze.sub("", title or "") == squeeze.sub("", gold["title"])))
    return ExtractionScores(pages)


def newsmon_extractor(html: str) -> tuple[str | None, str, datetime | None]:
    from tasks.extract import extract_article

    extracted = extract_article(html)
    return extracted.title, extracted.text, extracted.published_at
