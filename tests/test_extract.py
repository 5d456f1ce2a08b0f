"""tasks/extract.py on saved Chinese news pages: main text only, title, date."""

from datetime import datetime
from pathlib import Path

import pytest

from tasks.encoding import decode_html
from tasks.extract import extract_article

NEWS = Path(__file__).resolve().parent / "data" / "web" / "news"
CHROME = ["首页", "登录", "广告", "相关阅读", "月之暗面发布Kimi新版本", "网友评论", "太厉害了",
          "版权所有", "ICP备", "责任编辑", "关于我们"]


def page(name: str):
    return extract_article(decode_html((NEWS / name).read_bytes()).text, f"https://x.cn/{name}")


@pytest.mark.parametrize("name, title, published, first_line", [
    ("1001.html", "无问芯穹完成新一轮融资 估值超百亿", datetime(2025, 12, 22, 10, 30),
     "12月22日消息，人工智能算力基础设施企业无问芯穹宣布完成新一轮融资，"),
    ("1002.html", "稀宇科技通过港交所聆讯", datetime(2025, 12, 21, 9, 15),
     "记者获悉，大模型公司稀宇科技（MiniMax）已通过香港交易所上市聆讯，即将在港股挂牌。"),
    ("1003.html", "智谱发布GLM新模型", datetime(2025, 12, 20, 18, 0),
     "北京智谱华章科技有限公司今日发布新一代GLM大模型，"),
])
def test_saved_pages_extract_title_date_and_main_text(name: str, title: str,
                                                      published: datetime,
                                                      first_line: str) -> None:
    extracted = page(name)
    assert extracted.title == title
    assert extracted.published_at == published
    assert extracted.text.startswith(first_line)
    for chrome in CHROME:
        assert chrome not in extracted.text, chrome


def test_gbk_page_declared_in_meta_http_equiv_decodes() -> None:
    decoded = decode_html((NEWS / "1002.html").read_bytes())
    assert decoded.encoding == "gb18030"
    assert "稀宇科技旗下产品包括海螺AI、星野和Talkie等" in decoded.text


def test_page_declaring_gb2312_but_utf8_decodes() -> None:
    decoded = decode_html((NEWS / "1003.html").read_bytes())
    assert decoded.encoding == "utf-8" and "智谱清言" in decoded.text


def test_fallback_takes_the_paragraph_block_when_extraction_finds_nothing() -> None:
    html = ("<html><body><div class='nav'><p>导航导航导航</p></div><div id='c'>"
            "<p>寒武纪发布新一代云端训练芯片，性能较上一代提升一倍，已获多家云厂商采用。</p>"
            "<p>公司表示将继续加大研发投入。</p></div></body></html>")
    extracted = extract_article(html)
    assert "寒武纪发布新一代云端训练芯片" in extracted.text
    assert "导航" not in extracted.text


def test_empty_page_gives_empty_text_not_an_error() -> None:
    assert extract_article("<html></html>").text == ""


ARTICLE = ("<p>摩尔线程今天发布新一代训练卡，单卡算力较上一代提升一倍，已向多家智算中心交付。</p>"
           "<p>公司表示，新产品兼容主流框架，开发者无需改动代码即可迁移。</p>"
           "<p>业内人士认为，国产训练卡的生态正在逐步完善，下半年出货量有望继续增长。</p>")


def test_credits_captions_promos_and_trailers_are_not_the_article() -> None:
    html = (f"<html><head><title>摩尔线程发布新一代训练卡_示例科技网</title></head><body>"
            f"<h1>摩尔线程发布新一代训练卡</h1><div class='info'>2025-11-03 09:30 来源：示例科技网</div>"
            f"<div id='content'><p>原标题：国产训练卡再进一步</p><p><img src='a.jpg'></p>"
            f"<p>▲新一代训练卡外观。资料图</p>{ARTICLE}"
            f"<p>责任编辑：王某</p><p>扫描下方二维码，关注我们的公众号</p>"
            f"<p>相关阅读</p><p><a href='/1'>壁仞科技发布新芯片，性能提升明显</a></p></div>"
            f"</body></html>")
    extracted = extract_article(html)
    assert extracted.title == "摩尔线程发布新一代训练卡"
    assert extracted.text.splitlines() == [
        "摩尔线程今天发布新一代训练卡，单卡算力较上一代提升一倍，已向多家智算中心交付。",
        "公司表示，新产品兼容主流框架，开发者无需改动代码即可迁移。",
        "业内人士认为，国产训练卡的生态正在逐步完善，下半年出货量有望继续增长。"]


def test_a_table_layout_page_keeps_its_text() -> None:
    cells = "".join(f"<tr><td>{p}</td></tr>" for p in ARTICLE.replace("<p>", "").split("</p>")
                    if p)
    html = (f"<html><body><table><tr><td><a href='/'>首页</a> | <a href='/n'>新闻</a></td></tr>"
            f"<tr><td><b>摩尔线程发布新一代训练卡</b></td></tr>{cells}</table></body></html>")
    assert "单卡算力较上一代提升一倍" in extract_article(html).text
    assert "首页" not in extract_article(html).text


def test_an_article_a_script_reveals_is_found() -> None:
    html = (f"<html><body><div class='menu'><a href='/'>首页</a></div>"
            f"<div id='js_content' style='visibility: hidden'>{ARTICLE}</div>"
            f"<script>var ct = \"1762133400\";</script></body></html>")
    extracted = extract_article(html)
    assert extracted.text.startswith("摩尔线程今天发布新一代训练卡")
    assert extracted.published_at == datetime(2025, 11, 3, 9, 30)  # the Unix time, China's clock


@pytest.mark.parametrize("byline, meta, published", [
    # the time printed under the headline wins over metadata that disagrees
    ("2025年11月03日 09:30 来源：示例网", "2025-11-04T02:00:00+08:00", datetime(2025, 11, 3, 9, 30)),
    # a byline without its year takes the metadata's
    ("发布时间：11-03 09:30", "2025-11-03T09:30:41", datetime(2025, 11, 3, 9, 30)),
    # two-digit years, as some portals print them
    ("25-11-03 09:30 示例号", "", datetime(2025, 11, 3, 9, 30)),
    # no byline: the metadata
    ("示例网", "2025-11-03T09:30:00Z", datetime(2025, 11, 3, 9, 30)),
])
def test_the_date_near_the_headline_comes_first(byline: str, meta: str,
                                                published: datetime) -> None:
    head = f"<meta property='article:published_time' content='{meta}'>" if meta else ""
    html = (f"<html><head>{head}</head><body><p>2019-01-01 网站公告</p>"
            f"<h1>摩尔线程发布新一代训练卡</h1><div>{byline}</div><div>{ARTICLE}</div>"
            f"<div class='related'><p>2024-05-06 12:00 旧闻</p></div></body></html>")
    assert extract_article(html).published_at == published
