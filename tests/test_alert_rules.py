"""alerts/rules.py and render.py: which stories owe an alert, and what the alert says."""

from datetime import UTC, datetime

import pytest

from alerts.render import render_article_alert
from alerts.rules import AlertRule, alert_intents, resolve_rules
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
    body = render_article_alert(FUNDING, FUNDING.labels.mentions[0], "money").body
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
