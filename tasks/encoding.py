"""Bytes to text for Chinese sources: BOM, declared charset, then detection. Never mojibake.

A decode that still looks wrong (Latin-1 runs from GBK bytes, private-use characters from Big5
read as GBK, replacement characters) is re-tried over the likely charsets; if nothing reads well
the result carries a `suspect` reason so the caller can store it flagged and fetch it again.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

from charset_normalizer import from_bytes

# GB2312 and GBK are subsets of GB18030; decoding as the superset loses nothing.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
_CJK_CANDIDATES = ["gb18030", "big5hkscs"]


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    # True when no candidate decoded cleanly and undecodable bytes were replaced.
    lossy: bool = False
    # One-line reason when even the most plausible decode still looks mis-decoded, else None.
    suspect: str | None = None


def normalize_charset(name: str | None) -> str | None:
    """Canonical codec name for a declared charset, or None when Python does not know it."""
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().strip("'\"").lower().removeprefix("x-")).name
    except LookupError:
        return None
    return _ALIASES.get(canonical, canonical)


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode `data`, trusting in order: a BOM, valid UTF-8, the declared charset, detection.

    Valid UTF-8 wins over a declaration because pages that declare GB2312 but are served as
    UTF-8 are common, while GBK bytes that happen to be valid UTF-8 are vanishingly rare.
    When that choice reads as mis-decoded (see `plausibility`), the declared charset, UTF-8,
    GB18030, Big5-HKSCS and charset-normalizer's proposals are tried and the most plausible
    kept; `suspect` says why when even that one still looks wrong.
    """
    decoded = _decode_by_rules(data, declared)
    if decoded.encoding.startswith("utf-8") and not _may_carry_mojibake(_sample(decoded.text)):
        return decoded
    verdict = plausibility(decoded.text)
    if verdict.reason is None:
        return decoded
    return _most_plausible(data, declared, decoded, verdict)


def _decode_by_rules(data: bytes, declared: str | None) -> Decoded:
    """The first choice: BOM, valid UTF-8, a declaration that decodes cleanly, then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [c for c in [normalize_charset(declared), *_CJK_CANDIDATES] if c]
    clean = [c for c in dict.fromkeys(candidates) if _decodes(data, c)]
    if declared and clean and clean[0] == normalize_charset(declared):
        return Decoded(data.decode(clean[0]), clean[0])
    if len(clean) == 1:
        return Decoded(data.decode(clean[0]), clean[0])
    best = from_bytes(data, cp_isolation=clean or None).best()
    if best is not None and best.encoding:
        encoding = normalize_charset(best.encoding) or best.encoding
        return Decoded(data.decode(encoding, errors="replace"), encoding, lossy=not clean)
    return Decoded(data.decode("gb18030", errors="replace"), "gb18030", lossy=True)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._-]+)""", re.I)


def decode_html(data: bytes, http_charset: str | None = None) -> Decoded:
    """Decode a web page: the HTTP charset, else its <meta charset>, else detection."""
    declared = http_charset
    if not declared:
        match = _META_CHARSET.search(data[:4096])
        declared = match.group(1).decode("ascii") if match else None
    return decode_bytes(data, declared=declared)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class Plausibility:
    """How believable a decoded text is as this tool's material."""

    # Share of the non-ASCII characters that a right decode hardly ever yields.
    bad_share: float
    # One-line reason when the text looks mis-decoded, else None.
    reason: str | None = None


# Real pages measured at most 3% (rare names, icon-font glyphs, stray U+FFFD); mis-decodes 38% and up.
_BAD_SHARE = 0.2
_MIN_BAD = 3
# Head and middle of a page: the title and the article body, bounded whatever the page size.
_SAMPLE_CHARS = 4096

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_CJK = f"{_HAN}\u2e80-\u33ff\uff00-\uffef"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U0010ffff"
_ASCII_RUNS = re.compile(r"[\t\n\r\x0c\x20-\x7e\xa0]+")  # nbsp is a space here
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_LATIN_RUNS = re.compile(r"[\xa1-\u024f]{2,}")
_LATIN_SYMBOL = re.compile(r"[\xa1-\xbf\xd7\xf7]")
# Icon fonts put lone private-use glyphs in markup; Big5 read as GBK puts them among Han.
_PRIVATE_IN_CJK = re.compile(f"(?<=[{_CJK}{_PRIVATE}])[{_PRIVATE}]|[{_PRIVATE}](?=[{_CJK}{_PRIVATE}])")
# Korean text keeps Hanja apart; GBK read as EUC-KR interleaves Hangul and Han.
_FOREIGN_IN_HAN = re.compile(f"(?<=[{_HAN}])[{_HANGUL}]|[{_HANGUL}](?=[{_HAN}])|[\ua000-\ua4cf\uff61-\uff9f]")
_HAN_CHARS = re.compile(f"[{_HAN}]")
_MOJIBAKE_SIGNS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\xa1-\u024f\ufffd\ue000-\uf8ff]")


def plausibility(text: str) -> Plausibility:
    """Score how believable `text` is as a right decode of Chinese news with English and Latin-1 text.

    Over a bounded sample, counts the non-ASCII characters a right decode hardly ever yields:
    U+FFFD, control characters, runs of Latin-1 letters and symbols (GBK, Big5 or UTF-8 bytes
    read as a single-byte charset: "ÎÞÎÊ", "Ã¤Â½"), private-use characters next to Chinese,
    Hangul interleaved with Han, Yi and half-width kana, and Han outside GB2312 and Big5 level 1
    (one CJK charset read as another). An accented letter in a word, or a lone ©, °, × or ·, is
    not counted. `reason` is set when at least 20% of the non-ASCII characters are such.
    """
    rest = _ASCII_RUNS.sub(" ", _sample(text))
    units = len(rest) - rest.count(" ")
    if not units:
        return Plausibility(0.0)
    han = "".join(_HAN_CHARS.findall(rest))
    latin = sum(len(run) for run in _LATIN_RUNS.findall(rest) if len(run) > 2 or _LATIN_SYMBOL.search(run))
    counts = {
        "U+FFFD replacement characters": rest.count("\ufffd"),
        "control characters": len(_CONTROLS.findall(rest)),
        "Latin-1 letters and symbols in runs": latin,
        "private-use characters next to CJK": len(_PRIVATE_IN_CJK.findall(rest)),
        "Hangul, Yi or half-width kana among Chinese": len(_FOREIGN_IN_HAN.findall(rest)),
        "Han outside GB2312 and Big5 level 1": len(han) - sum(map(_common_han().__contains__, han)),
    }
    bad = sum(counts.values())
    share = bad / units
    if bad < _MIN_BAD or share < _BAD_SHARE:
        return Plausibility(share)
    label, count = max(counts.items(), key=lambda item: item[1])
    reason = f"looks mis-decoded: {count / units:.0%} of non-ASCII characters are {label}"
    if count < bad:
        reason += f" ({share:.0%} implausible in all)"
    return Plausibility(share, reason)


def _may_carry_mojibake(sample: str) -> bool:
    """Quick test for UTF-8 text: a control, U+FFFD, private-use or two Latin-1 letters in a row.

    Valid UTF-8 cannot turn into the wrong Han or Hangul; it can only carry upstream mojibake.
    One regex scan, no full score, so a lone © or é costs nothing more.
    """
    pos = 0
    while match := _MOJIBAKE_SIGNS.search(sample, pos):
        pos = match.end()
        if not "\xa1" <= match.group() <= "\u024f" or "\xa1" <= sample[pos:pos + 1] <= "\u024f":
            return True
    return False


def _sample(text: str) -> str:
    if len(text) <= 2 * _SAMPLE_CHARS:
        return text
    middle = len(text) // 2
    return f"{text[:_SAMPLE_CHARS]} {text[middle:middle + _SAMPLE_CHARS]}"


@cache
def _common_han() -> frozenset[str]:
    """Han of GB2312 (6,763 simplified) and Big5 level 1 (5,401 traditional): what real news uses."""
    rows = [("gb2312", range(0xB0, 0xF8), range(0xA1, 0xFF)),
            ("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)])]
    chars: set[str] = set()
    for codec, leads, trails in rows:
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    continue
    return frozenset(char for char in chars if _HAN_CHARS.match(char))  # Big5 row C6 ends in kana


def _most_plausible(data: bytes, declared: str | None, first: Decoded, verdict: Plausibility) -> Decoded:
    tried = {first.encoding}
    usual = [normalize_charset(declared), "utf-8", *_CJK_CANDIDATES]
    best, best_verdict = _best_of(data, usual, tried, first, verdict)
    if best_verdict.reason is not None:
        # Detection is the slow step, so it runs only when no usual charset reads well.
        best, best_verdict = _best_of(data, _proposals(data), tried, best, best_verdict)
    return replace(best, suspect=best_verdict.reason)


def _best_of(
    data: bytes, encodings: Sequence[str | None], tried: set[str], best: Decoded, verdict: Plausibility,
) -> tuple[Decoded, Plausibility]:
    for encoding in encodings:
        if not encoding or encoding in tried:
            continue
        tried.add(encoding)
        try:
            candidate = Decoded(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            candidate = Decoded(data.decode(encoding, errors="replace"), encoding, lossy=True)
        candidate_verdict = plausibility(candidate.text)
        if _rank(candidate, candidate_verdict) < _rank(best, verdict):
            best, verdict = candidate, candidate_verdict
    return best, verdict


def _rank(decoded: Decoded, verdict: Plausibility) -> tuple[bool, float, bool]:
    # A plausible decode with a few replaced bytes beats a clean one that reads as garbage.
    return verdict.reason is not None, verdict.bad_share, decoded.lossy


def _proposals(data: bytes) -> list[str]:
    """charset-normalizer's three best guesses, as canonical codec names."""
    names = dict.fromkeys(normalize_charset(match.encoding) for match in from_bytes(data))
    # Without a BOM, UTF-16/32 turn any bytes into tidy-looking Hangul or Han; no web page is sent so.
    return [name for name in names if name and not name.startswith(("utf-16", "utf-32"))][:3]
