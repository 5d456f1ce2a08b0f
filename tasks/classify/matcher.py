"""Phrase matching (aliases, keywords, cue words) with an Aho-Corasick automaton.

Text is normalised without changing its length (full-width letters and digits to ASCII, the
ideographic space to a space, lower case), so every offset found is an offset into the original
text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Generic, NamedTuple, TypeVar

import ahocorasick_rs

T = TypeVar("T")

# Full-width letters and digits (ＭｉｎｉＭａｘ, ＧＬＭ４) to ASCII. Full-width punctuation is
# ordinary Chinese punctuation and stays as it is.
_FULL_WIDTH = {code + 0xFEE0: code for code in range(0x21, 0x7F) if chr(code).isalnum()}
_FOLD = str.maketrans({full: chr(ascii_).lower() for full, ascii_ in _FULL_WIDTH.items()})
_HAS_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
KEEP_CASE = str.maketrans({full: chr(ascii_) for full, ascii_ in _FULL_WIDTH.items()}
                          | {0x3000: " "})


def normalize(text: str) -> str:
    """Same-length form for matching: full-width letters and digits to ASCII, the ideographic
    space to a space, the typeset apostrophe to the plain one, letters lower-cased. Each step
    runs in C: this is on the hot path."""
    spaced = text.replace("\u3000", " ")
    if "\u2019" in spaced:  # the typeset apostrophe: Wa’ed Ventures is Wa'ed Ventures
        spaced = spaced.replace("\u2019", "'")
    folded = spaced.lower()
    if len(folded) != len(text):  # a few letters (İ) lower-case to two characters
        folded = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in spaced)
    return folded.translate(_FOLD) if _HAS_FULL_WIDTH.search(folded) else folded


def one_of(words: Iterable[str]) -> str:
    """A regular expression for any of `words`, the longest that matches winning, as a trie:
    a plain alternation of hundreds of words makes the engine try each of them at every
    position, this one only those that share the characters read so far."""
    trie: dict[str, dict] = {}
    for word in set(words):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and "" not in node else f"(?:{'|'.join(branches)})"
        return body + "?" if "" in node else body
    return pattern(trie)


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Between a Latin letter or digit and a Chinese character, where typesetting puts a space.
_SCRIPTS_MEET = re.compile(r"(?<=[A-Za-z0-9])(?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff])(?=[A-Za-z0-9])")


def spellings(alias: str) -> list[str]:
    """An alias and the ways it is also written: CamelCase brands split by a space
    ("Mini Max", "Deep Seek"), as writers and OCR often do, and a space where Latin letters
    meet Chinese characters ("IT 桔子", "海螺 AI"), as typesetting often does."""
    if " " in alias:
        return [alias]
    found = [alias]
    for spaced in (_CAMEL.sub(" ", alias), _SCRIPTS_MEET.sub(" ", alias)):
        if spaced not in found:
            found.append(spaced)
    return found


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class Hit(NamedTuple, Generic[T]):  # a named tuple: made for every occurrence found
    start: int
    end: int
    payload: T


class PhraseMatcher(Generic[T]):
    """Finds phrases in text with one Aho-Corasick automaton. Latin phrases only match as whole
    words: `\\b` cannot be used, since Python counts CJK characters as word characters. A
    letter-final phrase may be followed by digits (Qwen3, GPT4), a common way to name versions."""

    def __init__(self, phrases: Iterable[tuple[str, T]]) -> None:
        table: dict[str, list[tuple[str, T]]] = {}
        for phrase, payload in phrases:
            table.setdefault(normalize(phrase), []).append((phrase, payload))
        self._entries = list(table.values())
        # Per pattern: whether its first / last character is a Latin letter or digit, the only
        # case where the neighbouring character needs a look (None when neither is).
        self._latin = [(_is_word_char(key[0]), _is_word_char(key[-1]))
                       if _is_word_char(key[0]) or _is_word_char(key[-1]) else None
                       for key in table]
        self.size = len(self._entries)
        self._automaton = ahocorasick_rs.AhoCorasick(
            list(table), implementation=ahocorasick_rs.Implementation.ContiguousNFA) if table else None

    def matches(self, normalized: str) -> list[tuple[int, int, int]]:
        """(phrase index, start, end) of every occurrence in already-normalised text that sits
        on word boundaries; `entries(index)` says which phrases and payloads it stands for."""
        if self._automaton is None:
            return []
        latin = self._latin
        return [match for match in self._automaton.find_matches_as_indexes(normalized,
                                                                           overlapping=True)
                if (sides := latin[match[0]]) is None
                or _on_word_boundaries(normalized, match[1], match[2], *sides)]

    def entries(self, index: int) -> list[tuple[str, T]]:
        return self._entries[index]


def _on_word_boundaries(text: str, start: int, end: int, latin_start: bool,
                        latin_end: bool) -> bool:
    if latin_start and start > 0 and _is_word_char(text[start - 1]):
        return False
    if latin_end and end < len(text):
        after = text[end]
        if after.isascii() and (after.isalpha() or (after.isdigit() and text[end - 1].isdigit())):
            return False
    return True


def longest_non_overlapping(hits: Iterable[Hit[T]]) -> list[Hit[T]]:
    """Leftmost-longest selection: 稀宇科技 wins over 稀宇 at the same place."""
    chosen: list[Hit[T]] = []
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen
