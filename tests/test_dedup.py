"""tasks/dedup.py: one story, one record; and through the warehouse, one alert per story."""

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pytest

from alerts.rules import ResolvedRule, alert_intents
from tasks.classify import Classifier
from tasks.dedup import PERMUTATIONS, _Bands, assign_stories, signature
from tasks.records import Article, Signed, Story
from warehouse import Warehouse

NOW = datetime.now(UTC)  # signatures are remembered for the last days only
STORY = ("无问芯穹今日宣布完成近5亿元A轮融资，由红杉中国领投，多家产业资本跟投。公司表示，本轮资金将用于"
         "多元异构算力平台的研发与生态建设，并加快在长三角和粤港澳大湾区的算力网络布局。创始人夏立雪"
         "介绍，公司已与十余家芯片厂商完成适配，服务客户超过两百家。")
OTHER = ("MiniMax发布新一代语音模型，支持三十余种语言的实时合成与克隆。公司称新模型在多项公开评测中"
         "领先，开发者可以通过开放平台调用，价格较上一代下调一半，企业客户可申请私有化部署方案。")
RULES = [ResolvedRule("tracked", frozenset({"infinigence", "minimax"}), frozenset())]
CLASSIFIER = Classifier.load()


def article(source: str, body: str, n: int = 0) -> Article:
    story = Story(title=f"{source}的报道{n}", body=body, url=f"https://{source}.example/{n}",
                  position=n)
    return Article(source, story, CLASSIFIER.classify(story.text, len(story.title)), NOW)


def lightly_edited(text: str) -> str:
    return "【快讯】" + text.replace("今日", "23日").replace("多家产业资本", "多家机构") + "（完）"


def test_reposts_share_a_story_and_different_stories_do_not() -> None:
    first, repost, other = (article("a", STORY), article("b", lightly_edited(STORY)),
                            article("c", OTHER))
    stories, signed = assign_stories([first, repost, other], [])
    assert stories[repost.article_id] == stories[first.article_id] == first.article_id
    assert stories[other.article_id] == other.article_id
    assert len(signed) == 3


def test_earlier_signatures_carry_the_story_over() -> None:
    first = article("a", STORY)
    _, signed = assign_stories([first], [])
    later = article("b", lightly_edited(STORY), 1)
    stories, _ = assign_stories([later], signed)
    assert stories[later.article_id] == first.article_id


# the warehouse compares new articles with signatures made up to 14 days ago: the scheme must not drift
PINNED = ("深圳一家做机器人关节模组的初创公司本周宣布完成数千万元天使轮融资，投资方包括两家本地产业基金。"
          "公司负责人称，新资金将主要用于扩建产线和招聘算法工程师，预计明年一季度实现量产交付，"
          "首批客户来自物流仓储与家用服务机器人领域。")


def test_signatures_are_the_ones_the_warehouse_already_holds() -> None:
    values = signature(PINNED)
    assert values is not None and values.dtype == np.uint32 and values.shape == (PERMUTATIONS,)
    assert values[:8].tolist() == [33196974, 14533707, 23242869, 1563960, 32340229, 45296080,
                                   8862920, 26734018]
    assert int(values.sum(dtype=np.uint64)) == 5215388295


def test_importing_dedup_leaves_scipy_and_datasketch_out() -> None:
    """The long-running service imports dedup: it must not pay for LSH parameter tuning."""
    check = ("import sys, tasks.dedup; print(sorted(m for m in sys.modules "
             "if m.split('.')[0] in ('scipy', 'datasketch')))")
    found = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                           timeout=60, check=True)
    assert found.stdout.strip() == "[]", found.stdout


NEAR = ("杭州一家做储能电池管理系统的公司昨天发布了第三代产品，官方称新系统能把电芯温差控制在两度以内，"
        "循环寿命比上一代提高三成。公司计划年内在西北地区落地五个大型储能电站项目，并与两家车企合作开发"
        "换电站专用的电池包，下半年开始小批量供货。")
UNRELATED = ("成都某游戏工作室宣布旗下开放世界手游将于下月开启全球公测，预约人数已经突破一千万。制作人在直播"
             "中演示了新的天气系统和多人副本玩法，并表示会在上线首年保持每六周一次的大版本更新节奏，"
             "海外版本同步支持十二种语言。")


def test_bands_pair_a_near_duplicate_and_not_an_unrelated_text() -> None:
    edited = NEAR.replace("昨天", "18日").replace("两家车企", "多家车企") + "（记者 王某）"
    original, near, other = signature(NEAR), signature(edited), signature(UNRELATED)
    assert original is not None and near is not None and other is not None
    index = _Bands()
    index.insert("original", original)
    assert index.query(near) == {"original"}
    assert index.query(other) == set()
    stories, _ = assign_stories([article("a", NEAR), article("b", edited, 1), article("c", UNRELATED, 2)],
                                [])
    assert len(set(stories.values())) == 2


def test_a_remembered_signature_of_another_size_is_refused() -> None:
    with pytest.raises(ValueError, match="128 values"):
        assign_stories([article("a", STORY)], [Signed("x", "x", np.zeros(64, dtype=np.uint32))])


def test_headline_only_items_are_their_own_story() -> None:
    short = [article("a", ""), article("b", "")]
    stories, signed = assign_stories(short, [])
    assert stories == {a.article_id: a.article_id for a in short} and signed == []


def store(db: Path, cycle: str, articles: list[Article]) -> None:
    with Warehouse.open(db) as warehouse:
        stories, signed = assign_stories(articles, warehouse.recent_signatures())
        warehouse.store_cycle(cycle, [], articles, alert_intents(articles, RULES, stories),
                              ["json://127.0.0.1:9/"], now=NOW, stories=stories,
                              signatures=signed)


def test_one_alert_per_story_naming_the_other_sources(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    store(db, "c1", [article("a", STORY), article("b", lightly_edited(STORY))])
    store(db, "c2", [article("c", lightly_edited(STORY), 2)])  # a third re-post, a cycle later
    with duckdb.connect(str(db), read_only=True) as con:
        stories = con.execute("SELECT count(*), count(DISTINCT story_id) FROM articles").fetchone()
        alerts = con.execute("SELECT company_id, body FROM alert_deliveries").fetchall()
    assert stories == (3, 1)
    assert [company for company, _ in alerts] == ["infinigence"]
    assert "另见：b" in alerts[0][1]


def test_events_and_salience_are_stored(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    store(db, "c1", [article("a", STORY)])
    with duckdb.connect(str(db), read_only=True) as con:
        events = con.execute("SELECT type, company_id, details->>'round' FROM article_events"
                             ).fetchall()
        salience = con.execute("SELECT DISTINCT salience FROM entity_mentions "
                               "WHERE company_id = 'infinigence'").fetchall()
    assert ("funding", "infinigence", "A轮") in events
    assert salience == [("lead",)]


def test_min_salience_skips_passing_mentions() -> None:
    passing = article("a", "行业观察。" * 40 + "另外，MiniMax也有动作。")
    lead = article("b", OTHER)
    strict = [ResolvedRule("tracked", frozenset({"minimax"}), frozenset(), "lead")]
    assert [i.article_id for i in alert_intents([passing, lead], strict)] == [lead.article_id]
    assert len(alert_intents([passing, lead], RULES)) == 2
