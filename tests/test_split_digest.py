"""tasks/split/digest.py on the shipped AI-news digest."""

from datetime import UTC, datetime

from conftest import SEEDS
from tasks.records import Document, Origin
from tasks.split import split_document
from tasks.split.digest import looks_like_digest


def digest_stories():
    path = next(SEEDS.glob("004_*.txt"))
    doc = Document("seeds", path.as_uri(), path.read_text(encoding="utf-8"), datetime.now(UTC))
    return split_document(doc)


def test_digest_is_recognised_and_pages_are_not() -> None:
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    assert looks_like_digest(texts["004"])
    assert not any(looks_like_digest(texts[k]) for k in ("000", "001", "002", "003"))


def test_one_story_per_section_with_category_and_origins() -> None:
    sections = [s for s in digest_stories() if s.body]
    assert len(sections) == 10
    first = sections[0]
    assert first.title == "MiniMax冲刺港股：全模态AI独角兽的ToC驱动增长与全球化战略"
    assert first.category == "市场动态"
    assert first.origins == (
        Origin("机器之心", "https://mp.weixin.qq.com/s/3BxsSkqQgGjMb56cBF4N7g"),
        Origin("赛博禅心", "https://mp.weixin.qq.com/s/_ntxy4GNNvF08fGTVqkZgA"))
    assert first.url == "https://mp.weixin.qq.com/s/3BxsSkqQgGjMb56cBF4N7g"
    assert "MiniMax(稀宇科技)已在港交所刊发招股书" in first.body
    assert "**" not in first.body and "分类" not in first.body
    assert sections[7].category == "深度行业分析"


def test_trailing_link_list_becomes_one_story_per_link() -> None:
    links = [s for s in digest_stories() if not s.body]
    assert len(links) == 56
    kimi = next(s for s in links if s.title.startswith("Kimi战略转向"))
    assert kimi.url == "https://mp.weixin.qq.com/s/JpFjiVAyrZvK6CQpwgX1Wg"


def test_digest_date_is_published_at() -> None:
    assert {s.published_at for s in digest_stories()} == {datetime(2025, 12, 22)}
