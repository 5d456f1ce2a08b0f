"""tasks/sources/html.py: a list page, its articles, robots.txt, over a real loopback server."""

from pathlib import Path

from tasks.http import Limits, make_client
from tasks.sources import FetchContext, fetch_source
from tasks.sources.html import HtmlSource, list_links

WEB = Path(__file__).resolve().parent / "data" / "web"


def test_list_links_are_canonical_same_site_and_unique() -> None:
    html = (WEB / "list.html").read_text(encoding="utf-8")
    links = list_links(html, "http://127.0.0.1:8000/list.html", ".news-list a")
    assert links == ["http://127.0.0.1:8000/news/1001.html",
                     "http://127.0.0.1:8000/news/1002.html",
                     "http://127.0.0.1:8000/news/1003.html",
                     "http://127.0.0.1:8000/private/secret.html"]


def source(web, **extra) -> HtmlSource:
    fields = {"link_selector": ".news-list a", **extra}
    return HtmlSource(id="site", kind="html", url=web.url("/list.html"), **fields)


def fetch(web, tmp_path: Path, src: HtmlSource, **extra):
    with make_client(Limits()) as client:
        return fetch_source(src, FetchContext(base_dir=tmp_path, client=client, limits=Limits(),
                                              **extra))


def test_articles_are_extracted_and_robots_txt_is_honoured(web, tmp_path: Path) -> None:
    result = fetch(web, tmp_path, source(web))
    assert result.error is None
    by_title = {d.title: d for d in result.documents}
    assert set(by_title) == {"无问芯穹完成新一轮融资 估值超百亿", "稀宇科技通过港交所聆讯",
                             "智谱发布GLM新模型"}
    gbk = by_title["稀宇科技通过港交所聆讯"]
    assert "大模型公司稀宇科技（MiniMax）已通过香港交易所上市聆讯" in gbk.text
    assert "/private/secret.html" not in {p for p, _ in web.requests}
    assert any("disallowed by robots.txt" in w for w in result.warnings)
    assert by_title["智谱发布GLM新模型"].published_at.isoformat() == "2025-12-20T18:00:00"


def test_known_articles_are_not_fetched_again(web, tmp_path: Path) -> None:
    first = fetch(web, tmp_path, source(web))
    known = {d.url for d in first.documents}
    fetched_before = sum(web.hits[p] for p in ("/news/1001.html", "/news/1002.html"))
    # No cursor, so the list page is read again; only its unknown links are followed.
    second = fetch(web, tmp_path, source(web), known_urls=known)
    assert second.documents == []
    assert sum(web.hits[p] for p in ("/news/1001.html", "/news/1002.html")) == fetched_before


def test_list_page_disallowed_by_robots_fails_the_source(web, tmp_path: Path) -> None:
    src = HtmlSource(id="site", kind="html", url=web.url("/private/secret.html"))
    result = fetch(web, tmp_path, src)
    assert "disallowed by robots.txt" in result.error


def test_selector_matching_nothing_is_an_error(web, tmp_path: Path) -> None:
    result = fetch(web, tmp_path, source(web, link_selector=".no-such-list a"))
    assert "no links match '.no-such-list a'" in result.error


def test_title_and_date_selectors(web, tmp_path: Path) -> None:
    result = fetch(web, tmp_path, source(web, title_selector="title", date_selector=".info",
                                         max_items=2))
    titles = {d.title for d in result.documents}
    assert "稀宇科技通过港交所聆讯 - 示例财经" in titles
