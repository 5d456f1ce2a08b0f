"""alerts/rules.py and render.py: which stories owe an alert, and what the alert says."""

from datetime import UTC, datetime

import pytest

from alerts.render import render_alert
from alerts.rules import AlertRule, alert_intents, alert_view, resolve_rules
from alerts.schedule import Timing
from newsmon.errors import ConfigError
from tasks.classify import Classifier
from tasks.records import Article, Story

CLASSIFIER = Classifier.load()


def article(title: str, body: str) -> Article:
    story = Story(title=title, body=body, url=f"https://news.example.cn/{hash(title)}", position=1)
    return Article("news", story, CLASSIFIER.classify(story.text, len(story.title)),
                   datetime.now(UTC))


FUNDING = article("无问芯穹完成近5亿元A轮融资", "无问芯穹宣布完成近5亿元A轮融资，由红杉中国领投。")
LAUNCH = article("无问芯穹发布新一代推理引擎", "无问芯穹今天发布新一代推理引擎，性能提升三倍。")


def intents(rule: AlertRule, *articles: Article) -> list[str]:
    return [i.article_id for i in alert_intents(articles, resolve_rules([rule], CLASSIFIER))]


def test_event_rules_alert_only_on_those_events() -> None:
    money = AlertRule(name="money", companies=("无问芯穹",), events=("funding", "ipo"))
    assert intents(money, FUNDING, LAUNCH) == [FUNDING.article_id]
    anything = AlertRule(name="any", companies=("无问芯穹",))
    assert intents(anything, FUNDING, LAUNCH) == [FUNDING.article_id, LAUNCH.article_id]


@pytest.mark.parametrize("rule, key, fragment", [
    (AlertRule(name="r", companies=("不存在的公司",)), "companies", "unknown company"),
    (AlertRule(name="r", companies=("MiniMax",), topics=("fundng",)), "topics", "'fundng'"),
    (AlertRule(name="r", companies=("MiniMax",), events=("merger",)), "events", "'merger'"),
    (AlertRule(name="r", companies=("MiniMax",), channels=("opps",)), "channels",
     "unknown channel 'opps' .named channels: ops, boss"),
])
def test_unknown_names_in_rules_are_config_errors(rule: AlertRule, key: str,
                                                  fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment) as raised:
        resolve_rules([rule], CLASSIFIER, {"r": 12}, "sources.yaml", ["ops", "boss"])
    assert (raised.value.path, raised.value.line, raised.value.key) == (
        "sources.yaml", 12, f"alerts.rules.{key}")


def test_alert_says_what_happened() -> None:
    body = render_alert(alert_view(FUNDING, FUNDING.labels.mentions[0], "money")).body
    assert "事件：融资（A轮，5亿元，投资方：红杉中国）" in body.splitlines()


def test_a_rule_with_channels_queues_only_to_them(tmp_path) -> None:
    from tasks.records import FetchRun
    from warehouse import Warehouse

    ops = AlertRule(name="ops-only", companies=("无问芯穹",), channels=("ops",))
    everyone = AlertRule(name="everyone", companies=("无问芯穹",))
    owed = alert_intents([LAUNCH], resolve_rules([ops, everyone], CLASSIFIER,
                                                 channel_names=["ops", "boss"]))
    now = datetime.now(UTC)
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        wh.store_cycle("c1", [FetchRun("news", "files", now, "ok", 1, 1, None, 0.0)], [LAUNCH],
                       owed, ["ops", "boss"], now)
        _, rows = wh.query("select rule, channel from alert_deliveries order by all")
    assert rows == [("everyone", "boss"), ("everyone", "ops"), ("ops-only", "ops")]


def test_keywords_match_full_width_traditional_and_case_alike() -> None:
    chips = article("ＡＩ芯片：國產算力再獲融資", "多家公司今天宣布新一轮融资，用于AI芯片研发。")
    other = article("今日天气", "晴。")
    rule = AlertRule(name="chips", keywords=("ai芯片",))
    [intent] = alert_intents([chips, other], resolve_rules([rule], CLASSIFIER))
    assert (intent.company_id, intent.company) == (None, "关键词：ＡＩ芯片")
    assert intent.view.alias == "ＡＩ芯片" and intent.title.startswith("【关键词：ＡＩ芯片】")
    both = AlertRule(name="both", companies=("无问芯穹",), keywords=("推理引擎",))
    assert intents(both, FUNDING, LAUNCH) == [LAUNCH.article_id]
    assert intents(AlertRule(name="t", keywords=("國產算力",)), chips) == [chips.article_id]


def test_sources_by_id_or_tag() -> None:
    tags = {"news": ("media", "cn"), "blog": ("cn",)}
    by_tag = AlertRule(name="media", companies=("无问芯穹",), sources=("tag:media",))
    [resolved] = resolve_rules([by_tag], CLASSIFIER, source_tags=tags)
    assert resolved.source_ids == {"news"}
    assert len(alert_intents([FUNDING], [resolved])) == 1  # FUNDING is from "news"
    [blog_only] = resolve_rules([AlertRule(name="b", companies=("无问芯穹",), sources=("blog",))],
                                CLASSIFIER, source_tags=tags)
    assert alert_intents([FUNDING], [blog_only]) == []
    for name, fragment in [("tag:nope", "no source tagged 'nope'"), ("web", "unknown source 'web'")]:
        with pytest.raises(ConfigError, match=fragment):
            resolve_rules([AlertRule(name="x", companies=("无问芯穹",), sources=(name,))],
                          CLASSIFIER, source_tags=tags)


def test_a_sector_names_its_companies() -> None:
    [rule] = resolve_rules([AlertRule(name="models", companies=("sector:model",))], CLASSIFIER)
    assert {"zhipu", "minimax", "moonshot"} <= rule.company_ids
    with pytest.raises(ConfigError, match="no company in sector 'modle' .sectors: .*model"):
        resolve_rules([AlertRule(name="x", companies=("sector:modle",))], CLASSIFIER)


def test_rule_timing_takes_the_default_quiet_hours_unless_it_says_otherwise() -> None:
    from datetime import time

    plain = AlertRule(name="a", companies=("MiniMax",))
    own = AlertRule(name="b", companies=("MiniMax",), quiet_hours="22:00-07:30")
    never = AlertRule(name="c", companies=("MiniMax",), quiet_hours=False)
    digest = AlertRule(name="d", companies=("MiniMax",), mode="digest", at=(540, "18:00"))
    assert plain.timing("23:00-08:00").quiet == (time(23), time(8))
    assert own.timing("23:00-08:00").quiet == (time(22), time(7, 30))
    assert never.timing("23:00-08:00").quiet is None
    assert digest.timing("23:00-08:00") == Timing((time(9), time(18)), None)  # 09:00 unquoted
