"""Traditional Chinese to simplified, character by character, for matching only.

The conversion keeps the text's length, so offsets found in the converted text are offsets in
the original. It is applied only to text that reads as traditional: simplified text is never
rewritten (a few characters, like the 昇 of 昇腾, are valid in both scripts).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# Characters valid in simplified text that OpenCC would still convert.
_KEEP = set("昇")
# Frequent characters that exist only in traditional script, and their simplified forms.
_TRADITIONAL_ONLY = re.compile("[們個這來時國說為與會對過還發開後學實現經業產無問華騰訊資術"
                               "據點數場應該當請麼車長門間題話機關東電動體頭務]")
_SIMPLIFIED_ONLY = re.compile("[们个这来时国说为与会对过还发开后学实现经业产无问华腾讯资术据"
                              "点数场应该当请么车长门间题话机关东电动体头务]")


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    data = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    table: dict[int, str] = {}
    for line in data.splitlines():
        source, _, targets = line.partition("\t")
        candidates = targets.split()
        # One-to-one only, and never a character that is also its own simplified form.
        if len(source) == 1 and candidates and len(candidates[0]) == 1 \
                and source not in candidates and source not in _KEEP:
            table[ord(source)] = candidates[0]
    return table


def looks_traditional(text: str) -> bool:
    """More traditional-only than simplified-only characters among the common ones."""
    if not _TRADITIONAL_ONLY.search(text):  # most text: one scan, no counting
        return False
    return len(_TRADITIONAL_ONLY.findall(text)) > len(_SIMPLIFIED_ONLY.findall(text))


def to_simplified(text: str) -> str:
    """`text` in simplified characters, same length, same offsets."""
    return text.translate(_table())
