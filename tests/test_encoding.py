"""tasks/encoding.py: Chinese bytes decode right whatever the declaration says."""

import pytest

from tasks.encoding import decode_bytes, normalize_charset

SIMPLIFIED = "无问芯穹联合创始人夏立雪表示，稀宇科技（MiniMax）已在港交所刊发招股书。"
TRADITIONAL = "無問芯穹聯合創始人夏立雪表示，稀宇科技已在港交所刊發招股書，市場反應熱烈。"


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "gb2312"])
def test_gbk_family_without_declaration_decodes(encoding: str) -> None:
    text = SIMPLIFIED if encoding != "gb2312" else "无问芯穹联合创始人表示，公司已完成新一轮融资。"
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding == "gb18030"


def test_big5_without_declaration_decodes() -> None:
    decoded = decode_bytes(TRADITIONAL.encode("big5"))
    assert decoded.text == TRADITIONAL
    assert decoded.encoding == "big5hkscs"


def test_utf8_declared_as_gb2312_still_decodes_as_utf8() -> None:
    decoded = decode_bytes(SIMPLIFIED.encode("utf-8"), declared="gb2312")
    assert decoded.text == SIMPLIFIED


def test_gbk_declared_as_utf8_falls_back_to_detection() -> None:
    decoded = decode_bytes(SIMPLIFIED.encode("gbk"), declared="utf-8")
    assert decoded.text == SIMPLIFIED


def test_bom_wins() -> None:
    assert decode_bytes("\ufeff" .encode("utf-8") + SIMPLIFIED.encode()).text == SIMPLIFIED
    assert decode_bytes(SIMPLIFIED.encode("utf-16")).text == SIMPLIFIED


def test_undecodable_bytes_are_flagged_not_hidden() -> None:
    decoded = decode_bytes(b"\xff\xfe\xfa\x00\x81" * 3 + b"\x80")
    assert decoded.lossy or decoded.encoding


@pytest.mark.parametrize("declared, expected", [
    ("GB2312", "gb18030"), ("gbk", "gb18030"), ("x-gbk", "gb18030"), ("Big5", "big5hkscs"),
    ("UTF-8", "utf-8"), ("no-such-charset", None), ("", None),
])
def test_declared_charsets_normalise(declared: str, expected: str | None) -> None:
    assert normalize_charset(declared) == expected
