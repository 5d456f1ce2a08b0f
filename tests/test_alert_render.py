"""alerts/render.py: each channel's form of an alert, tested as text; hostile titles stay text."""

import html
import re
from html.parser import HTMLParser

import markdown  # what apprise itself renders chat markdown with
import pytest

from alerts.render import FOLD_MAX_ITEMS, render_alert, render_fold, render_plain
from tasks.records import AlertView

VIEW = AlertView(company="MiniMax", alias="稀宇科技", title="稀宇科技发布新一代语音模型",
                 url="https://news.example.cn/a/1", source="36kr", rule="tracked",
                 sentence="上海稀宇科技今天发布了新一代语音模型。", events=("发布（《Speech-02》）",),
                 origins=("新华社",), also=("jiqizhixin",), published="2026-12-01")
HOSTILE = AlertView(
    company="MiniMax", alias="MiniMax",
    title='**爆** [点我](javascript:alert(1)) <script>alert("x")</script> & `code` _x_ |a|b|',
    url='https://news.example.cn/a"onmouseover="alert(1)', source="<b>src</b>",
    rule="tracked", sentence="# MiniMax <img src=x onerror=alert(1)> ![x](http://evil/) ~~s~~",
    events=("融资（<i>10亿</i>）",))


def test_text_says_company_event_sentence_source_link_rule() -> None:
    message = render_alert(VIEW)
    assert message.title == "【MiniMax】稀宇科技发布新一代语音模型"
    assert message.body.splitlines() == [
        "公司：MiniMax（命中：稀宇科技）", "标题：稀宇科技发布新一代语音模型",
        "事件：发布（《Speech-02》）", "原文：上海稀宇科技今天发布了新一代语音模型。",
        "来源：36kr（新华社）", "另见：jiqizhixin", "日期：2026-12-01",
        "链接：https://news.example.cn/a/1", "规则：tracked"]


def test_markdown_links_the_title_and_highlights_the_name_in_the_sentence() -> None:
    body = render_alert(VIEW, "markdown").body
    assert "[稀宇科技发布新一代语音模型](https://news.example.cn/a/1)" in body
    assert "> 上海**稀宇科技**今天发布了新一代语音模型。" in body
    rendered = markdown.markdown(body)
    assert '<a href="https://news.example.cn/a/1">' in rendered
    assert "<strong>稀宇科技</strong>" in rendered and "另见：jiqizhixin" in rendered


def test_html_escapes_and_highlights() -> None:
    message = render_alert(VIEW, "html")
    assert message.format == "html"
    assert "<blockquote>上海<b>稀宇科技</b>今天发布了新一代语音模型。</blockquote>" in message.body
    assert '<a href="https://news.example.cn/a/1">稀宇科技发布新一代语音模型</a>' in message.body


def markup(rendered: str) -> tuple[set[str], list[tuple[str, str | None]]]:
    """The tags and attributes an HTML parser finds in `rendered`."""
    tags: set[str] = set()
    attributes: list[tuple[str, str | None]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.add(tag)
            attributes.extend(attrs)

    Parser().feed(rendered)
    return tags, attributes


@pytest.mark.parametrize("fold", [False, True])
def test_markup_in_article_text_renders_as_text(fold: bool) -> None:
    md = (render_fold("t", "intro", [HOSTILE, VIEW], "markdown") if fold
          else render_alert(HOSTILE, "markdown")).body
    page = (render_fold("t", "intro", [HOSTILE, VIEW], "html") if fold
            else render_alert(HOSTILE, "html")).body
    for rendered, allowed in [(markdown.markdown(md), {"p", "strong", "blockquote", "ul", "li"}),
                              (page, {"p", "b", "blockquote", "ul", "li"})]:
        tags, attributes = markup(rendered)
        # only the markup newsmon writes, and links only to the well-formed article URL
        assert tags <= allowed | {"a"}, tags
        assert {name for name, _ in attributes} <= {"href"}
        assert {value for _, value in attributes} <= {VIEW.url}
        text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
        shown = ["[点我](javascript:alert(1))", '<script>alert("x")</script>', "`code`", "**爆**",
                 "<i>10亿</i>"] + ([] if fold else ["# MiniMax <img src=x onerror=alert(1)>"])
        for written in shown:
            assert written in text  # shown as written


def test_a_url_that_could_break_out_of_the_link_is_not_linked() -> None:
    body = render_alert(HOSTILE, "markdown").body
    assert "](https://news.example.cn/a" not in body
    assert 'href="https://news.example.cn/a&quot;' not in render_alert(HOSTILE, "html").body


def test_fold_groups_by_company_and_counts_what_it_does_not_list() -> None:
    others = [AlertView(company="智谱", alias="智谱", title=f"智谱新闻{i}", url=f"https://x.cn/{i}",
                        source="36kr", rule="tracked") for i in range(FOLD_MAX_ITEMS + 5)]
    message = render_fold("【另有】", "本小时已达上限", [VIEW, *others])
    lines = message.body.splitlines()
    assert lines[0] == "本小时已达上限"
    assert "MiniMax（1）" in lines and f"智谱（{FOLD_MAX_ITEMS + 5}）" in lines
    assert "· 稀宇科技发布新一代语音模型 — 发布（《Speech-02》） — 36kr、jiqizhixin" in lines
    assert lines[-1] == "……另有 6 条：newsmon alerts list"
    assert sum(line.startswith("· ") for line in lines) == FOLD_MAX_ITEMS


def test_plain_text_in_each_form() -> None:
    assert render_plain("t", "a <b>\nc", "html").body == "<p>a &lt;b&gt;</p><p>c</p>"
    assert render_plain("t", "a *b*\nc", "markdown").body == "a \\*b\\*\n\nc"
    assert render_plain("t", "a *b*\nc").body == "a *b*\nc"
