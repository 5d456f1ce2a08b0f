"""tasks/split/newspaper.py on the shipped newspaper pages: one story per report, right titles."""

from datetime import UTC, datetime

import pytest

from conftest import SEEDS
from tasks.records import Document
from tasks.split import split_document
from tasks.split.newspaper import Kind, classify_line


def stories_of(name: str):
    path = next(SEEDS.glob(f"{name}_*.txt"))
    doc = Document("seeds", path.as_uri(), path.read_text(encoding="utf-8"), datetime.now(UTC))
    return split_document(doc)


@pytest.mark.parametrize("seed, titles", [
    ("000", ["一群AI青年把“不可能”做成“看得见”", None]),
    ("001", ["“模速空间”有什么“模”力？", "上海科创青年：以创新实践回应时代召唤 用人工智能扬民族复兴之帆"]),
    ("002", ["“薪火相传 奋进一流”征文活动启事", "两年时间成为闪亮新星", None, None, None]),
    ("003", ["自带“冠军基因”的团队想让国产芯片“跑起来”", "他要把“人造太阳”变成现实",
             "2026广州“科创下午茶”香港专场活动举行", "47项青少年创新成果亮相上交会",
             "中科闻歌通过香港交易所聆讯"]),
])
def test_pages_split_into_reports_with_titles(seed: str, titles: list[str | None]) -> None:
    stories = stories_of(seed)
    assert len(stories) == len(titles)
    for story, title in zip(stories, titles, strict=True):
        if title is not None:
            assert story.title == title
        assert len(story.body) > 300, story.title


def test_report_without_headline_is_titled_by_its_lead_without_dateline() -> None:
    third = stories_of("002")[2]
    assert third.title.startswith("在昨天的徐汇区AI+文旅生态成长计划启动仪式现场")
    assert "记者" not in third.title[:4]


def test_lines_broken_by_layout_are_joined() -> None:
    feature = stories_of("002")[1]
    assert "和无问芯穹联合创始人兼CEO夏立雪约的采访时间，是傍晚6时。" in feature.body


def test_furniture_is_not_in_bodies() -> None:
    bodies = "\n".join(s.body for seed in ("000", "001", "003") for s in stories_of(seed))
    for furniture in ("本版摄影", "受访者供图", "青年报记者 郭容 摄", "■本报记者"):
        assert furniture not in bodies
    assert not any(line.strip() == "资讯" for line in bodies.splitlines())


def test_story_urls_are_file_url_and_position() -> None:
    stories = stories_of("003")
    assert [s.url.rsplit("#", 1)[1] for s in stories] == ["1", "2", "3", "4", "5"]
    assert all(s.url.startswith("file://") for s in stories)


@pytest.mark.parametrize("line, kind", [
    ("", Kind.BLANK),
    ("■本报记者 田瑞颖", Kind.BYLINE),
    ("青年报首席记者 范彦萍", Kind.BYLINE),
    ("青年报记者 郭容 摄", Kind.FURNITURE),
    ("本报讯（记者 曹博文）2025年“上海之帆”经贸巡展开幕", Kind.LEAD),
    ("**本报讯** 4月29日上午，习近平总书记在上海考察。", Kind.LEAD),
    ("他要把“人造太阳”变成现实", Kind.HEADLINE),
    ("## 本报记者回访总书记考察过的“模速空间”", Kind.HEADING),
    ("▲", Kind.FURNITURE),
    ("责任编辑 王某", Kind.FURNITURE),
    ("无问芯穹是一家人工智能算力基础设施企业，创始团队由清华大学电子工程系推动成立。", Kind.BODY),
])
def test_line_kinds(line: str, kind: Kind) -> None:
    assert classify_line(line).kind is kind


def test_page_date_in_header_becomes_published_at() -> None:
    doc = Document("t", "file:///t.txt", "2025年12月22日 星期一\n\n标题在这里\n\n本报讯 正文第一段。",
                   datetime.now(UTC))
    assert split_document(doc)[0].published_at == datetime(2025, 12, 22)


def test_event_date_in_a_paragraph_is_not_the_page_date() -> None:
    assert all(s.published_at is None for s in stories_of("000"))
