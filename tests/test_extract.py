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
