"""Small text rules shared by the splitters: dates, sentences, markdown residue."""

from __future__ import annotations

import re
from datetime import datetime

_CN_DATE = re.compile(r"(20\d{2}|19\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
                      r"(?:\s*(\d{1,2})[:：](\d{2}))?")
_ISO_DATE = re.compile(r"(20\d{2}|19\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_MD_EMPHASIS = re.compile(r"\*\*|__|(?<![*\w])\*(?!\s)|`")
_SENTENCE_END = "。！？!?；;\n"
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
    """Plain text of one markdown line: links keep their text, emphasis and quote marks go."""
    line = re.sub(r"^\s*(?:>\s*)+", "", line)
    line = re.sub(r"^\s*#{1,6}\s+", "", line)
    line = re.sub(r"^\s*[-*+]\s+", "", line)
    line = _MD_LINK.sub(r"\1", line)
    return _MD_EMPHASIS.sub("", line).strip()


def markdown_links(text: str) -> list[tuple[str, str]]:
    """(text, url) of every markdown link in `text`, in order."""
    return [(m.group(1).strip(), m.group(2)) for m in _MD_LINK.finditer(text)]


def sentence_around(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence containing text[start:end], trimmed to about `limit` characters."""
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    right_candidates = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    sentence = text[left:right].strip()
    if len(sentence) > limit:
        offset = start - left
        lo = max(0, offset - limit // 2)
        sentence = ("…" if lo else "") + sentence[lo:lo + limit].strip() + "…"
    return sentence


def first_sentence(text: str, limit: int = 40) -> str:
    """A title-sized first sentence of `text`."""
    text = text.strip()
    cut = min([i for i in (text.find(ch) for ch in "。！？!?\n") if i != -1], default=len(text))
    sentence = text[:cut].strip()
    return sentence if len(sentence) <= limit else sentence[:limit].rstrip("，,、 ") + "…"


def join_wrapped(a: str, b: str) -> str:
    """Join two halves of a line broken by layout; a space only between Latin words."""
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b
