"""Small text rules shared by the splitters: dates, sentences, markdown residue."""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import datetime

_CN_DATE = re.compile(r"(20\d{2}|19\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
                      r"(?:\s*(\d{1,2})[:：](\d{2}))?")
_ISO_DATE = re.compile(r"(20\d{2}|19\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MD_EMPHASIS = re.compile(r"\*\*|__|(?<![*\w])\*(?!\s)|`")
_MD_PREFIX_MARKS = tuple(">#-*+")
_MD_PREFIX = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+)?(?:[-*+]\s+)?")
_SENTENCE_END = re.compile("[。！？!?；;\n]")
TERMINAL_PUNCTUATION = "。！？!?…”」』）)；;：:"


def parse_date(text: str) -> datetime | None:
    """The first date printed in `text` (2025年12月22日, 2025-12-22 10:30), or None."""
    best: tuple[int, datetime] | None = None
    for pattern in (_CN_DATE, _ISO_DATE):
        match = pattern.search(text)
        if not match:
            continue
        parts = [int(g) for g in match.groups() if g is not None]
        try:
            value = datetime(*parts)  # type: ignore[arg-type]
        except ValueError:
            continue
        if best is None or match.start() < best[0]:
            best = (match.start(), value)
    return best[1] if best else None


def strip_markdown(line: str) -> str:
    """Plain text of one markdown line: links keep their text, emphasis and quote marks go.
    Each rewrite runs only when its marker is there: this is called for every line."""
    line = line.strip()
    marked = line[:1] in _MD_PREFIX_MARKS
    if marked:
        line = _MD_PREFIX.sub("", line)
    if "](" in line:
        line, marked = _MD_LINK.sub(r"\1", line), True
    if "*" in line or "_" in line or "`" in line:
        line, marked = _MD_EMPHASIS.sub("", line), True
    return line.strip() if marked else line


def markdown_links(text: str) -> list[tuple[str, str]]:
    """(text, url) of every markdown link in `text`, in order."""
    return [(m.group(1).strip(), m.group(2)) for m in _MD_LINK.finditer(text)]


class Sentences:
    """The sentences of one text, found once and then looked up by offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._ends = [match.end() for match in _SENTENCE_END.finditer(text)]

    def span(self, offset: int) -> tuple[int, int]:
        """Start and end of the sentence holding text[offset]."""
        index = bisect_right(self._ends, offset)
        start = self._ends[index - 1] if index else 0
        return start, self._ends[index] if index < len(self._ends) else len(self.text)

    def around(self, start: int, end: int, limit: int = 160) -> str:
        """The sentence containing text[start:end], trimmed to about `limit` characters."""
        left, right = self.span(start)
        if end > right:  # a phrase across a sentence end: rare
            right = self.span(end - 1)[1]
        sentence = self.text[left:right].strip()
        if len(sentence) > limit:
            cut = max(0, start - left - limit // 2)
            sentence = ("…" if cut else "") + sentence[cut:cut + limit].strip() + "…"
        return sentence


def sentence_around(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence containing text[start:end], for a single lookup in a long text."""
    lo = max(0, start - 2 * limit)  # a sentence longer than this is trimmed anyway
    window = Sentences(text[lo:end + 2 * limit])
    return window.around(start - lo, end - lo, limit)


def first_sentence(text: str, limit: int = 40) -> str:
    """A title-sized first sentence of `text`."""
    text = text.strip()
    cut = min([i for i in (text.find(ch) for ch in "。！？!?\n") if i != -1], default=len(text))
    sentence = text[:cut].strip()
    return sentence if len(sentence) <= limit else sentence[:limit].rstrip("，,、 ") + "…"


def wrap_joint(a: str, b: str) -> str:
    """What joins two halves of a line broken by layout: a space between Latin words, else
    nothing."""
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return " "
    return ""
