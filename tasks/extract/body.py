"""The main text of an article page: two extractors' opinions, a rule for choosing, and the
lines no reader counts as the article (captions, credits, promos, related links). Pure.

readability-lxml finds the article block on most pages and keeps all of it; trafilatura (with
tables, so table-layout pages are not emptied) is the second opinion when readability's block is
missing or much shorter than what trafilatura found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import html as lxml_html

# Block elements: each starts a line of its own.
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "tr",
                     "pre", "blockquote", "section", "article", "br", "table", "ul", "ol",
                     "figure", "figcaption", "dd", "dt", "center", "header", "footer"})
_PARAGRAPHS = frozenset({"p", "section", "h2", "h3", "h4", "blockquote", "pre"})
_SKIP = frozenset({"script", "style", "noscript", "iframe", "form", "button", "select",
                   "textarea", "figcaption"})
_MIN_CHARS = 40  # less than this is no article
_SHORTER = 0.5  # readability's prose below this share of another candidate's: a wrong block

# A line that ends the article: what follows is the page's, not the story's.
_TRAILER = re.compile(r"^(相关(新闻|阅读|资讯|文章|报道|推荐|链接)|推荐阅读|延伸阅读|延伸\s*·?\s*推荐|"
                      r"热门推荐|猜你喜欢|更多精彩|精彩推荐|往期回顾|特别声明|免责声明|"
                      r"声明[:：]|评论[（(]|我要(跟帖|评论)|网友评论|分享到)")
# Lines that are about the article rather than of it: credits, sources, the original title.
_CREDIT = re.compile(r"^[（(【\[]?\s*(原标题|本文原标题|原题|责任编辑|责编|编辑|校对|审核|审校|"
                     r"监制|主编|统筹|采写|撰文|作者|执笔|记者|实习生|通讯员|来源|本文来源|"
                     r"资料来源|图片来源|图源|图片|摄影|文图|出品|制作|策划|视觉|排版|翻译)"
                     r"\s*[:：|｜丨/]")
_PROMO = re.compile(r"(^[【\[]?(广告|推广|赞助)[】\]]|扫描?下方二维码|扫码|长按(识别|二维码)|"
                    r"关注(我们|公众号)|点击(进入|查看|"
                    r"阅读原文|投票|菜单|关注|这里)|点【在看】|回复【|下载客户端|打开APP|"
                    r"^字号$|^分享$|^收藏$|^打印$|已输入\d+字|^发表$|^返回|您所在的位置|"
                    r"^【\d+】)")
_CAPTION = re.compile(r"^[▲△▼↑↓]|视频截图|资料图|供图$|[（(]?图片来自|图为|[（(]摄[)）]?$|"
                      r"^[（(]?图[:：]|\s摄$|记者.{0,12}摄")
_NAV = re.compile(r"(\s*[>›»]\s*$|^(首页|当前位置)\s*[>›»])")
_SENTENCE = re.compile(r"[，。！？；,.!?;]")
# A line carrying a timestamp: a headline in a list of others, or the byline under the title.
_STAMPED = re.compile(r"(19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}:\d{2}")
_DATE_ONLY = re.compile(r"^[\d\s年月日:：/.\-]+$")
_SEPARATORS = re.compile(r"[\s|｜·/>›»\-]+")
_BROKEN = re.compile(r"^[\ufffd\s]+$")


@dataclass(frozen=True)
class Line:
    text: str
    link_share: float  # how much of it is link text


def main_text(html: str, title: str | None) -> str:
    """The article's paragraphs, one per line; empty when the page has none."""
    candidates = [clean_lines(lines, title) for lines in
                  (_readability_lines(html), _trafilatura_lines(html), _densest_lines(html))]
    return "\n".join(_choose(candidates))


def _choose(candidates: list[list[str]]) -> list[str]:
    """The first candidate (readability's) unless another holds far more prose."""
    prose = [_prose(lines) for lines in candidates]
    if prose[0] >= _MIN_CHARS and prose[0] >= _SHORTER * max(prose):
        return candidates[0]
    return candidates[max(range(len(candidates)), key=prose.__getitem__)]


def _prose(lines: list[str]) -> int:
    """Characters in lines that read as sentences."""
    return sum(len(line) for line in lines if _SENTENCE.search(line))


def clean_lines(lines: list[Line], title: str | None) -> list[str]:
    """The lines a reader counts as the article: the headline, credits, captions, promos,
    navigation and link lists go; a trailer (related links, disclaimers, comments) ends it."""
    kept: list[str] = []
    for number, line in enumerate(lines):
        text = line.text
        if _TRAILER.match(text) and number > 0 and kept:
            break
        if (_BROKEN.match(text) or (title and _same(text, title)) or _CREDIT.match(text)
                or _PROMO.search(text) or _NAV.search(text)
                or line.link_share >= 0.8
                or (line.link_share >= 0.5 and not _SENTENCE.search(text[:-1]))
                or (len(text) <= 25 and _DATE_ONLY.match(text))
                or (len(text) < 100 and _STAMPED.search(text) and "。" not in text)
                or (len(text) <= 40 and _CAPTION.search(text))):
            continue
        kept.append(text)
    return kept


def _same(line: str, title: str) -> bool:
    squeeze = re.compile(r"\s+")
    return squeeze.sub("", line) == squeeze.sub("", title)


def _readability_lines(html: str) -> list[Line]:
    from readability import Document  # imported when a page is extracted, not before

    try:
        fragment = Document(html).summary(html_partial=True)
    except Exception:  # readability raises bare errors on pages it cannot parse
        return []
    try:
        tree = lxml_html.fromstring(fragment)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    return list(_lines(tree))


def _trafilatura_lines(html: str) -> list[Line]:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True,
                               favor_precision=False) or ""
    return [Line(" ".join(t.split()), 0.0) for t in text.splitlines() if t.strip()]


def _densest_lines(html: str) -> list[Line]:
    """The lines of the element whose own paragraphs hold the most text: for pages whose
    article neither extractor finds (hidden until a script shows it, odd layouts)."""
    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    best, best_size = None, 0
    # (xpath rather than iter(): iter by tag misses elements on some real pages)
    for element in tree.xpath("//div|//article|//section|//td|//main"):
        size = sum(len(child.text_content()) for child in element
                   if isinstance(child.tag, str) and child.tag in _PARAGRAPHS)
        if size > best_size:
            best, best_size = element, size
    return list(_lines(best)) if best is not None else []


def _lines(tree: lxml_html.HtmlElement) -> Iterator[Line]:
    """The text of `tree` cut into lines at block elements, each with its share of link text."""
    parts: list[tuple[str, bool]] = []  # text, inside a link

    def walk(element: lxml_html.HtmlElement, in_link: bool) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP:
            return
        in_link = in_link or tag == "a"
        if tag in _BLOCKS:
            parts.append(("\n", False))
        if element.text:
            parts.append((element.text, in_link))
        for child in element:
            walk(child, in_link)
            if child.tail:
                parts.append((child.tail, in_link))
        if tag in _BLOCKS:
            parts.append(("\n", False))

    walk(tree, False)
    text: list[str] = []
    linked = 0
    for piece, in_link in [*parts, ("\n", False)]:
        if piece == "\n":
            line = " ".join("".join(text).split())
            if line:
                yield Line(line, min(1.0, linked / max(1, _letters(line))))
            text.clear()
            linked = 0
            continue
        text.append(piece)
        if in_link:
            linked += _letters(piece)


def _letters(text: str) -> int:
    """Characters that are not spaces or separators (| · / >): what a link share is of."""
    return len(_SEPARATORS.sub("", text))
