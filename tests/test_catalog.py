"""tasks/classify/catalog.py and suggest.py: user extensions, `catalog check`, `catalog suggest`."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from newsmon.cli import main
from newsmon.errors import ConfigError
from tasks.classify import Classifier
from tasks.classify.catalog import check_catalog, load_catalog
from tasks.classify.suggest import suggest


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


def test_shipped_catalog_is_large_and_clean() -> None:
    catalog, _, problems = check_catalog()
    assert problems == []
    assert len(catalog.companies) >= 150 and len(catalog.aliases) >= 500
    assert catalog.resolve("稀宇科技").id == "minimax"
    assert catalog.companies["alibaba_cloud"].parent == "alibaba"


def test_user_file_adds_companies_and_aliases(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text("companies:\n"
                     "  - id: yunfan\n    name: 云帆智算\n    aliases: [北京云帆智算科技有限公司]\n"
                     "  - id: minimax\n    products: [星河助手]\n", encoding="utf-8")
    classifier = Classifier(load_catalog([extra]), [])
    assert classifier.classify("云帆智算与星河助手").company_ids == ["yunfan", "minimax"]


def test_check_lists_every_problem_with_file_and_line(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text("companies:\n"
                     "  - id: copycat\n"          # line 2
                     "    name: 抄袭者\n"
                     "    aliases: [Kimi]\n"       # a product of moonshot
                     "  - id: nameless\n"         # line 5
                     "    name: '  '\n"
                     "  - id: other\n"            # line 7
                     "    name: 另一家\n"
                     "    aliases: [稀宇科技, '']\n", encoding="utf-8")
    _, _, problems = check_catalog([extra])
    messages = [str(p) for p in problems]
    assert len(messages) == 4, messages
    assert any(f"{extra}:2" in m and "'Kimi'" in m and "'moonshot'" in m for m in messages)
    assert any(f"{extra}:5" in m and "no name" in m for m in messages)
    assert any(f"{extra}:7" in m and "'稀宇科技'" in m for m in messages)
    assert any(f"{extra}:7" in m and "empty alias" in m for m in messages)
    with pytest.raises(ConfigError, match="mine.yaml:2"):
        load_catalog([extra])


def test_check_reports_schema_errors_by_line(tmp_path: Path) -> None:
    extra = tmp_path / "bad.yaml"
    extra.write_text("companies:\n  - id: Bad-Id\n    name: x\n  - id: ok\n    nam: y\n",
                     encoding="utf-8")
    _, _, problems = check_catalog([extra])
    assert [p.line for p in problems] == [2, 5]


def test_catalog_check_command(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text("companies:\n  - id: yunfan\n    name: 云帆智算\n", encoding="utf-8")
    bad.write_text("companies:\n  - id: x\n    name: 智谱\n", encoding="utf-8")
    ok = CliRunner().invoke(main, ["catalog", "check", str(good)])
    assert ok.exit_code == 0 and ": ok" in ok.output
    failed = CliRunner().invoke(main, ["catalog", "check", str(bad)])
    assert failed.exit_code == 1 and f"{bad}:2" in failed.output and "'zhipu'" in failed.output


@pytest.mark.parametrize("text, expected", [
    ("高性能计算研究所的年轻人联手创立了北京云帆智算科技有限公司(以下简称云帆智算)，",
     ("北京云帆智算科技有限公司", None, "云帆智算")),
    ("北京月之暗面科技有限公司（以下简称“月暗”）今日宣布", ("月暗", "moonshot", "月之暗面")),
    ("无问芯穹（英文名：Infinigence Global）发布新平台", ("Infinigence Global", "infinigence", None)),
    ("字节跳动旗下“小云雀”上线新功能。", ("小云雀", "bytedance", None)),
    ("阿里巴巴旗下的AI助手Quark2发布。", ("Quark2", "alibaba", None)),
])
def test_suggest_patterns(classifier: Classifier, text: str,
                          expected: tuple[str, str | None, str | None]) -> None:
    found = list(suggest(text, classifier))
    assert len(found) == 1, found
    alias, company_id, name = expected
    assert (found[0].alias, found[0].company_id) == (alias, company_id)
    if name:
        assert found[0].name == name


@pytest.mark.parametrize("text", [
    "第十二届中国(上海)国际技术进出口交易会(以下简称上交会)开幕",  # an event, not a company
    "人工智能（AI）正在改变行业",                                  # a gloss
    "稀宇科技（MiniMax）发布新模型",                                # both already known
    "2025年初，随着深度求索(DeepSeek)公司的出圈",                   # a known name, words in front
    "自变量构建统一的端到端物理世界基础模型(WALL-OSS)；",            # a description, not a name
])
def test_suggest_stays_quiet(classifier: Classifier, text: str) -> None:
    assert list(suggest(text, classifier)) == []


def test_suggest_command_prints_yaml_that_check_accepts(tmp_path: Path) -> None:
    text = tmp_path / "news.txt"
    text.write_text("据报道，\n北京云帆智算科技有限公司(以下简称云帆智算)完成融资。\n"
                    "字节跳动旗下“小云雀”上线。\n", encoding="gb18030")
    result = CliRunner().invoke(main, ["catalog", "suggest", str(text)])
    assert result.exit_code == 0, result.output
    assert f"{text}:2 (abbreviation)" in result.output and f"{text}:3 (subsidiary)" in result.output
    accepted = tmp_path / "accepted.yaml"
    accepted.write_text(result.output, encoding="utf-8")
    catalog, _, problems = check_catalog([accepted])
    assert problems == []
    assert catalog.resolve("北京云帆智算科技有限公司").name == "云帆智算"
    assert catalog.resolve("小云雀").id == "bytedance"


def test_user_file_adds_topics_and_keywords(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text("topics:\n"
                     "  - id: space\n    name: 商业航天\n    keywords: [火箭, 卫星]\n"
                     "  - id: funding\n    keywords: [众筹]\n", encoding="utf-8")
    classifier = Classifier.load([extra])
    labels = classifier.classify("无问芯穹发起众筹，合作方发射了卫星。")
    assert {t.topic for t in labels.topics} >= {"space", "funding"}
    _, topics, problems = check_catalog([extra])
    assert problems == [] and "space" in {t.id for t in topics}


def test_a_topic_without_keywords_is_reported_by_line(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text("topics:\n  - id: empty\n    name: 空\n", encoding="utf-8")
    _, _, problems = check_catalog([extra])
    assert [(p.line, "no keywords" in str(p)) for p in problems] == [(2, True)]
