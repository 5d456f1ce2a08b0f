"""tasks/encoding.py: Chinese bytes decode right whatever the declaration says."""

import random

import pytest

from tasks.encoding import decode_bytes, decode_html, normalize_charset, plausibility

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


# Paragraphs long enough to read like an article, written for these tests.
NEWS_SIMPLIFIED = (
    "本市今年第一季度的地区生产总值同比增长百分之五点三，其中高新技术产业的贡献最为突出。"
    "市统计局的负责人在发布会上说，企业投资信心正在恢复，消费市场也比去年同期更加活跃。"
    "他还表示，下一步将继续加大对中小企业的支持力度，帮助它们解决融资难、用工难等问题。"
)
NEWS_TRADITIONAL = (
    "本港今年首季的本地生產總值按年上升百分之三點一，其中旅遊業與零售業的表現最為亮眼。"
    "政府發言人在記者會上表示，訪港旅客人數持續回升，酒店入住率已接近疫情前的水平。"
    "他又指出，當局會繼續推出措施，協助中小型企業應對利率高企和租金上漲帶來的壓力。"
)
FRENCH = (
    "Le conseil municipal a décidé hier soir de rénover la bibliothèque du quartier. "
    "Les élèves pourront y étudier dès la rentrée, a précisé la maire, très émue. "
    "Ça coûtera près de deux millions d'euros, financés à moitié par la région."
)
GERMAN = (
    "Die Stadtverwaltung hat gestern beschlossen, die Brücke über den Fluss zu erneuern. "
    "Die Bürger müssen während der Bauarbeiten mit längeren Umwegen rechnen, sagte der "
    "Bürgermeister. Die Kosten belaufen sich auf ungefähr drei Millionen Euro, hieß es."
)
ENGLISH = (
    "The city council voted on Tuesday to expand the bus network, adding three new routes "
    "that will connect the northern suburbs with the central railway station by next spring."
)
CHINESE_WITH_SYMBOLS = (
    "小米发布新款手机😀，售价２９９９元，搭载ＡＢＣ芯片。《科技日报》记者「现场」报道："
    "该机支持5G网络与Wi‑Fi 7，© 2025 版权所有，工作温度为−10°C至45°C，尺寸3×4厘米。"
)


@pytest.mark.parametrize("declared", ["iso-8859-1", "latin-1", "cp1252", "ascii", "us-ascii"])
def test_gbk_declared_as_a_western_charset_decodes_as_gb18030(declared: str) -> None:
    decoded = decode_bytes(NEWS_SIMPLIFIED.encode("gbk"), declared=declared)
    assert (decoded.text, decoded.encoding, decoded.suspect) == (NEWS_SIMPLIFIED, "gb18030", None)


def test_traditional_text_in_gbk_declared_latin1_decodes() -> None:
    decoded = decode_bytes(NEWS_TRADITIONAL.encode("gbk"), declared="iso-8859-1")
    assert (decoded.text, decoded.suspect) == (NEWS_TRADITIONAL, None)


def test_big5_declared_as_gbk_decodes_as_big5() -> None:
    decoded = decode_bytes(NEWS_TRADITIONAL.encode("big5"), declared="gbk")
    assert (decoded.text, decoded.encoding, decoded.suspect) == (NEWS_TRADITIONAL, "big5hkscs", None)


@pytest.mark.parametrize("text", [NEWS_SIMPLIFIED, NEWS_TRADITIONAL])
def test_gb18030_declared_as_big5_decodes_as_gb18030(text: str) -> None:
    decoded = decode_bytes(text.encode("gb18030"), declared="big5")
    assert (decoded.text, decoded.encoding, decoded.suspect) == (text, "gb18030", None)


def test_utf8_declared_as_latin1_decodes_as_utf8() -> None:
    decoded = decode_bytes(NEWS_SIMPLIFIED.encode(), declared="iso-8859-1")
    assert (decoded.text, decoded.encoding, decoded.suspect) == (NEWS_SIMPLIFIED, "utf-8", None)


def test_big5_without_declaration_is_not_suspect() -> None:
    decoded = decode_bytes(NEWS_TRADITIONAL.encode("big5"))
    assert (decoded.text, decoded.suspect) == (NEWS_TRADITIONAL, None)


def test_gbk_page_with_a_wrong_meta_utf8_decodes_through_decode_html() -> None:
    page = f"<html><head><meta charset=\"utf-8\"><title>一季度经济数据发布</title></head>" \
           f"<body><p>{NEWS_SIMPLIFIED}</p></body></html>"
    decoded = decode_html(page.encode("gbk"))
    assert (decoded.text, decoded.encoding, decoded.suspect) == (page, "gb18030", None)


def test_gbk_page_declared_latin1_is_fixed_even_behind_a_long_ascii_head() -> None:
    # The score samples the head and the middle; the article body sits in the middle.
    script = "<script>var config = {debug: false, items: [1, 2, 3]};</script>\n" * 400
    page = f"<html><head>{script}</head><body>" + f"<p>{NEWS_SIMPLIFIED}</p>" * 200 + "</body></html>"
    decoded = decode_html(page.encode("gbk"), http_charset="iso-8859-1")
    assert (decoded.text, decoded.encoding, decoded.suspect) == (page, "gb18030", None)


@pytest.mark.parametrize("text", [FRENCH, GERMAN])
def test_real_latin1_text_stays_latin1(text: str) -> None:
    decoded = decode_bytes(text.encode("iso-8859-1"), declared="iso-8859-1")
    assert (decoded.text, decoded.encoding, decoded.suspect) == (text, "iso8859-1", None)


@pytest.mark.parametrize("text", [ENGLISH, CHINESE_WITH_SYMBOLS, NEWS_SIMPLIFIED])
def test_clean_utf8_stays_as_it_is(text: str) -> None:
    decoded = decode_bytes(text.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.lossy, decoded.suspect) == (text, "utf-8", False, None)


def test_utf8_with_one_corrupt_byte_stays_utf8_rather_than_gb18030_garbage() -> None:
    data = NEWS_SIMPLIFIED.encode()
    decoded = decode_bytes(data[:30] + b"\xff" + data[30:], declared="utf-8")
    assert (decoded.encoding, decoded.lossy, decoded.suspect) == ("utf-8", True, None)
    assert NEWS_SIMPLIFIED[11:] in decoded.text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_bytes_come_back_suspect(seed: int) -> None:
    decoded = decode_bytes(random.Random(seed).randbytes(4000))
    assert decoded.suspect is not None
    assert decoded.suspect.startswith("looks mis-decoded: ") and "\n" not in decoded.suspect


def test_double_encoded_utf8_is_flagged_suspect() -> None:
    # Valid UTF-8 whose characters are GBK-era mojibake: no charset repairs it, so it must show.
    data = NEWS_SIMPLIFIED.encode("utf-8").decode("latin-1").encode("utf-8")
    assert decode_bytes(data).suspect is not None


@pytest.mark.parametrize("text", [
    NEWS_SIMPLIFIED, NEWS_TRADITIONAL, FRENCH, GERMAN, ENGLISH, CHINESE_WITH_SYMBOLS, "",
    "<i class=\"icon\">\ue617</i> Home <i class=\"icon\">\ue618</i> News",  # icon-font glyphs
    "记者张喆、李堃报道：" + NEWS_SIMPLIFIED,  # given names outside GB2312
    "Café crème, naïve façade, Größe, Füße, créées",
])
def test_plausibility_passes_real_text(text: str) -> None:
    assert plausibility(text).reason is None


@pytest.mark.parametrize("text, encoding, named", [
    (NEWS_SIMPLIFIED, "latin-1", "Latin-1"),
    (NEWS_TRADITIONAL, "cp1252", "Latin-1"),
    (NEWS_TRADITIONAL, "gb18030", "private-use"),
    (NEWS_SIMPLIFIED, "euc_kr", ""),
])
def test_plausibility_names_the_mis_decode(text: str, encoding: str, named: str) -> None:
    source = {"latin-1": "gbk", "cp1252": "big5", "gb18030": "big5", "euc_kr": "gbk"}[encoding]
    verdict = plausibility(text.encode(source).decode(encoding, errors="replace"))
    assert verdict.reason is not None and named in verdict.reason
    assert verdict.bad_share >= 0.2


def test_plausibility_flags_utf8_read_as_latin1() -> None:
    verdict = plausibility(NEWS_SIMPLIFIED.encode("utf-8").decode("cp1252", errors="replace"))
    assert verdict.reason is not None
