"""tasks/sources/rss.py: feeds in every encoding and shape, parsed from files and over HTTP."""

from datetime import datetime
from pathlib import Path

import pytest

from hostile import billion_laughs_feed, xxe_feed
from tasks.http import Limits, make_client
from tasks.records import Cursor
from tasks.sources import FetchContext, fetch_source
from tasks.sources.rss import FeedError, RssSource, parse_feed

FEEDS = Path(__file__).resolve().parent / "data" / "web" / "feeds"
TITLES = ["无问芯穹完成新一轮融资，加速异构算力平台建设", "稀宇科技（MiniMax）通过港交所聆讯",
          "智谱发布新一代GLM模型"]
TRADITIONAL = ["無問芯穹完成新一輪融資，加速異構算力平台建設", "稀宇科技（MiniMax）通過港交所聆訊",
               "智譜發布新一代GLM模型"]


@pytest.mark.parametrize("name, charset, titles", [
    ("utf8.xml", None, TITLES),
    ("gbk_declared.xml", None, TITLES),
    ("gbk_undeclared.xml", None, TITLES),
    ("gb2312_declared_but_utf8.xml", None, TITLES),
    ("gbk_undeclared.xml", "gb2312", TITLES),  # HTTP says gb2312: read as GB18030
    ("big5.xml", None, TRADITIONAL),
    ("big5_http_charset.xml", "big5", TRADITIONAL),
])
def test_feed_titles_decode_exactly(name: str, charset: str | None, titles: list[str]) -> None:
    entries = parse_feed((FEEDS / name).read_bytes(), charset, "https://news.example.cn/feed")
    assert [e.title for e in entries] == titles


def test_gb18030_characters_outside_gbk_survive() -> None:
    [first, *_] = parse_feed((FEEDS / "gb18030_rare_chars.xml").read_bytes())
    assert first.title == "无问芯穹完成新一轮融资（𠀀䶮），加速异构算力平台建设"


def test_rss2_entry_fields() -> None:
    first = parse_feed((FEEDS / "utf8.xml").read_bytes())[0]
    assert first.link == "https://news.example.cn/a/1001"  # utm_source and spm stripped
    assert first.text.startswith("无问芯穹宣布完成数亿元融资")
    assert first.published_at == datetime(2025, 12, 22, 2, 30)  # feedparser normalises to UTC
    assert first.category == "行业动态"


def test_atom_and_rss1() -> None:
    atom = parse_feed((FEEDS / "atom.xml").read_bytes())
    assert [e.title for e in atom] == ["宇树科技发布新一代人形机器人", "银河通用估值突破200亿"]
    assert atom[0].text == "宇树科技今日发布新一代人形机器人，售价进一步下探。"
    assert atom[1].text == "具身智能公司银河通用完成新一轮融资，估值突破200亿元。"
    [rdf] = parse_feed((FEEDS / "rss1.rdf").read_bytes())
    assert (rdf.title, rdf.link) == ("摩尔线程发布全功能GPU新品", "https://rdf.example.cn/n/1")


@pytest.mark.parametrize("name, fragment", [
    ("illformed.xml", "malformed feed"),
    ("not_a_feed.xml", "feed"),
    ("billion_laughs.xml", "malformed feed"),
])
def test_unusable_feeds_raise_a_clear_error(name: str, fragment: str) -> None:
    with pytest.raises(FeedError, match=fragment):
        parse_feed((FEEDS / name).read_bytes())


def rss(web, path: str, **extra) -> RssSource:
    return RssSource(id="feed", kind="rss", url=web.url(path), **extra)


def context(tmp_path: Path, client, **extra) -> FetchContext:
    return FetchContext(base_dir=tmp_path, client=client, limits=Limits(), **extra)


def test_fetch_over_http_uses_header_charset(web, tmp_path: Path) -> None:
    web.content_types["/feeds/big5_http_charset.xml"] = "application/rss+xml; charset=big5"
    with make_client(Limits()) as client:
        result = fetch_source(rss(web, "/feeds/big5_http_charset.xml"), context(tmp_path, client))
    assert result.error is None
    assert [d.title for d in result.documents] == TRADITIONAL
    assert result.documents[0].text == "無問芯穹宣布完成數億元融資，本輪由多家機構聯合投資。"


def test_second_fetch_is_a_304_and_downloads_nothing(web, tmp_path: Path) -> None:
    source = rss(web, "/feeds/utf8.xml")
    with make_client(Limits()) as client:
        first = fetch_source(source, context(tmp_path, client))
        cursors = {(c.source_id, c.url): c for c in first.cursors}
        second = fetch_source(source, context(tmp_path, client, cursors=cursors))
    assert (len(first.documents), first.downloads) == (3, 1)
    assert (second.not_modified, second.documents, second.downloads) == (True, [], 0)
    assert web.hits["/feeds/utf8.xml"] == 1
    assert web.requests[-1][1].get("If-None-Match") == cursors[("feed", source.url)].etag


def test_known_entries_are_skipped_and_max_items_holds_back_the_cursor(web, tmp_path) -> None:
    source = rss(web, "/feeds/utf8.xml", max_items=1)
    with make_client(Limits()) as client:
        first = fetch_source(source, context(tmp_path, client))
        assert len(first.documents) == 1 and first.cursors == []  # leftovers: look again
        known = {d.url for d in first.documents}
        second = fetch_source(source, context(tmp_path, client, known_urls=known))
    assert second.documents[0].url != first.documents[0].url


def test_full_text_fetches_the_article_page(web, tmp_path: Path) -> None:
    feed = (FEEDS / "utf8.xml").read_text(encoding="utf-8")
    feed = feed.replace("https://news.example.cn/a/1001?utm_source=rss&amp;spm=a1.b2",
                        web.url("/news/1001.html"))
    feed = feed.replace("https://news.example.cn/a/1002", web.url("/news/1002.html"))
    feed = feed.replace("https://news.example.cn/a/1003", web.url("/status/404"))
    web.files["/full.xml"] = feed.encode("utf-8")
    source = RssSource(id="full", kind="rss", url=web.url("/full.xml"), full_text=True)
    with make_client(Limits()) as client:
        result = fetch_source(source, context(tmp_path, client))
    first, second, third = result.documents
    assert "本轮资金将主要用于异构算力平台的研发和生态建设" in first.text
    assert "网友评论" not in first.text and "版权所有" not in first.text
    assert "招股书显示，稀宇科技2025年前9个月收入约5340万美元" in second.text  # GBK page
    assert third.text.startswith("北京智谱华章科技有限公司发布")  # page 404: summary kept
    assert result.warnings == [f"{web.url('/status/404')}: full text not fetched "
                               f"(HTTP 404 Not Found); kept the summary"]
    assert result.downloads == 3


def test_failed_fetch_keeps_no_cursor(web, tmp_path: Path) -> None:
    with make_client(Limits()) as client:
        result = fetch_source(rss(web, "/feeds/illformed.xml"), context(tmp_path, client))
    assert "malformed feed" in result.error and result.cursors == []
    assert result.error.startswith("source 'feed': http://127.0.0.1")


def test_cursor_round_trip_type() -> None:
    assert Cursor("a", "u", '"e"', None).etag == '"e"'


def test_an_external_entity_never_brings_a_local_file_into_the_feed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("本机机密内容-7f3a", encoding="utf-8")
    body = xxe_feed(secret.as_uri(), "https://news.example.cn/a/1")
    try:
        entries = parse_feed(body)
    except FeedError:
        return  # refusing the whole document is safe too
    assert "本机机密内容" not in " ".join(e.title + e.text for e in entries)


def test_nested_entities_fail_or_stay_small() -> None:
    import time
    import tracemalloc

    body = billion_laughs_feed("https://news.example.cn/a/1")  # 3 GB if expanded
    started = time.monotonic()
    tracemalloc.start()
    try:
        entries = parse_feed(body)
    except FeedError:
        entries = []
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert sum(len(e.title) + len(e.text) for e in entries) < 100_000
    assert peak < 50 * 1024 * 1024 and time.monotonic() - started < 5
