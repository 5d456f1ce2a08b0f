"""Alias and keyword matching with one Aho-Corasick automaton per vocabulary.

Text is normalised without changing its length (full-width Latin to ASCII, ideographic space to
space, ASCII lower case), so every offset found is an offset into the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import ahocorasick

T = TypeVar("T")

_FOLD = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}  # ASCII -> full-width ASCII
NORMALIZE = str.maketrans(
    {**{chr(full): chr(ascii_).lower() for ascii_, full in _FOLD.items()},
     **{chr(c): chr(c).lower() for c in range(ord("A"), ord("Z") + 1)}, "\u3000": " "})
KEEP_CASE = str.maketrans({**{chr(full): chr(ascii_) for ascii_, full in _FOLD.items()},
                           "\u3000": " "})


def normalize(text: str) -> str:
    """Same-length form for matching: full-width to ASCII, ASCII letters lower-cased."""
    return text.translate(NORMALIZE)


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def spellings(alias: str) -> list[str]:
    """An alias and the ways it is also written: CamelCase brands split by a space
    ("Mini Max", "Deep Seek"), as writers and OCR often do."""
    spaced = _CAMEL.sub(" ", alias)
    return [alias] if spaced == alias or " " in alias else [alias, spaced]


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass(frozen=True)
class Hit(Generic[T]):
    start: int
    end: int
    payload: T


class PhraseMatcher(Generic[T]):
    """Finds phrases in text. Latin phrases only match as whole words: `\\b` cannot be used,
    since Python counts CJK characters as word characters. A letter-final phrase may be followed
    by digits (Qwen3, GPT4), a common way to name versions."""

    def __init__(self, phrases: Iterable[tuple[str, T]]) -> None:
        self._automaton = ahocorasick.Automaton()
        table: dict[str, list[tuple[str, T]]] = {}
        for phrase, payload in phrases:
            table.setdefault(normalize(phrase), []).append((phrase, payload))
        for key, entries in table.items():
            self._automaton.add_word(key, (len(key), entries))
        self._empty = not table
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, normalized: str) -> Iterator[Hit[list[tuple[str, T]]]]:
        """Every occurrence in already-normalised text that sits on word boundaries."""
        if self._empty:
            return
        for last, (length, entries) in self._automaton.iter(normalized):
            start, end = last - length + 1, last + 1
            if _is_word_char(normalized[start]) and start > 0 and _is_word_char(normalized[start - 1]):
                continue
            if end < len(normalized) and _is_word_char(normalized[end - 1]):
                after = normalized[end]
                if after.isascii() and (after.isalpha() or (after.isdigit() and normalized[end - 1].isdigit())):
                    continue
            yield Hit(start, end, entries)


def longest_non_overlapping(hits: Iterable[Hit[T]]) -> list[Hit[T]]:
    """Leftmost-longest selection: 稀宇科技 wins over 稀宇 at the same place."""
    chosen: list[Hit[T]] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen
