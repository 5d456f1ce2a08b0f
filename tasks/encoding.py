"""Bytes to text for Chinese sources: BOM, declared charset, then detection. Never mojibake."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

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
    """
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
