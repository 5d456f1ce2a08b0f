"""alerts/fold.py through a real delivery: digests at local times, quiet hours, hourly caps,
each against a loopback webhook with the clock injected."""

import random
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from alerts.channels import AppriseChannel
from alerts.deliver import DeliveryReport, Policy, deliver_pending
from alerts.rules import ResolvedRule, alert_intents
from alerts.schedule import Timing
from tasks.records import Article, FetchRun, Labels, Mention, Story
from warehouse import Warehouse

SHANGHAI = ZoneInfo("Asia/Shanghai")
KEY = b"fold-test-label-key-32-bytes...."
DIGEST = Timing(digest_at=(time(9, 0), time(18, 0)))
QUIET = Timing(quiet=(time(23, 0), time(8, 0)))


def local(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, tzinfo=SHANGHAI).astimezone(UTC)


def owe(db: Path, channel: str, titles: list[str], at: datetime, rule: str = "tracked",
        timing: Timing | None = None) -> None:
    """Store one article per title at `at`, each owing an alert of `rule` on `channel`."""
    articles = [Article("news", Story(title, f"{title}。MiniMax 今天宣布了这件事。",
                                      f"https://news.example.cn/{abs(hash(title))}", 1),
                        Labels((Mention("minimax", "MiniMax", "MiniMax", 0, 7, title),)), at)
                for title in titles]
    rules = [ResolvedRule(rule, frozenset({"minimax"}), timing=timing or Timing())]
    with Warehouse.open(db) as wh:
        wh.store_cycle(f"c{at:%H%M%S}", [FetchRun("news", "files", at, "ok", 1, 1, None, 0.0)],
                       articles, alert_intents(articles, rules), [channel], at)


def deliver(db: Path, channel, now: datetime, **timings: Timing) -> DeliveryReport:
    with Warehouse.open(db) as wh:
        return deliver_pending(wh, [channel], Policy(5, timings, "Asia/Shanghai"),
                               clock=lambda: now, rng=random.Random(1))


def unsent(db: Path) -> int:
    with Warehouse.open(db, read_only=True) as wh:
        return wh.query("select count(*) from alert_deliveries where status <> 'sent'")[1][0][0]


def test_a_burst_is_one_summary_per_hour_and_nothing_is_dropped(tmp_path: Path, receiver) -> None:
    db, start = tmp_path / "w.duckdb", local(1, 10)
    channel = AppriseChannel(SecretStr(receiver.url), KEY, max_per_hour=10)
    news = [f"MiniMax 新闻 {i:02d}" for i in range(50)]
    flash = [f"MiniMax 快讯 {i:02d}" for i in range(50)]
    owe(db, channel.label, news, start)
    first = deliver(db, channel, start)
    assert (first.sent, first.messages, len(receiver.requests)) == (50, 10, 10)
    summary = receiver.bodies()[-1]
    assert summary["title"] == "【另有 41 条】MiniMax 41 条"
    assert sum(title in summary["message"] for title in news) == 41

    owe(db, channel.label, flash, start + timedelta(minutes=10))
    for minutes in (10, 30, 59):  # the hour's ten messages are spent: the rest waits, owed
        assert deliver(db, channel, start + timedelta(minutes=minutes)).messages == 0
    assert unsent(db) == 50 and len(receiver.requests) == 10
    later = deliver(db, channel, start + timedelta(minutes=61))
    assert (later.sent, later.messages, unsent(db)) == (50, 10, 0)
    messages = [b["message"] for b in receiver.bodies()]
    for title in news + flash:  # every story in exactly one message
        assert sum(m.count(title) for m in messages) == 1, title


def test_a_digest_goes_out_at_its_local_times_with_each_story_once(tmp_path: Path,
                                                                  receiver) -> None:
    db = tmp_path / "w.duckdb"
    channel = AppriseChannel(SecretStr(receiver.url), KEY)
    for n, (hour, minute) in enumerate([(7, 0), (8, 30), (8, 59)]):
        owe(db, channel.label, [f"早间新闻 {n}"], local(2, hour, minute), "daily", DIGEST)
    owe(db, channel.label, ["上午新闻"], local(2, 9, 10), "daily", DIGEST)
    for hour, minute, second in [(8, 59, 59), (7, 0, 0)]:
        assert deliver(db, channel, local(2, hour, minute, second), daily=DIGEST).messages == 0
    morning = deliver(db, channel, local(2, 9, 0, 30), daily=DIGEST)
    assert (morning.sent, morning.messages) == (3, 1)
    [digest] = receiver.bodies()
    assert digest["title"] == "【daily 摘要】3 条 · 12-02 09:00"
    assert all(digest["message"].count(f"早间新闻 {n}") == 1 for n in range(3))
    assert "上午新闻" not in digest["message"] and "MiniMax（3）" in digest["message"]
    for hour in (9, 12, 17):
        assert deliver(db, channel, local(2, hour, 59), daily=DIGEST).messages == 0
    evening = deliver(db, channel, local(2, 18, 0, 5), daily=DIGEST)
    assert (evening.sent, evening.messages, unsent(db)) == (1, 1, 0)
    assert "上午新闻" in receiver.bodies()[1]["message"]
    assert deliver(db, channel, local(3, 9, 0, 5), daily=DIGEST).messages == 0  # nothing new


def test_quiet_hours_hold_instant_alerts_and_release_them_as_one(tmp_path: Path,
                                                                 receiver) -> None:
    db = tmp_path / "w.duckdb"
    channel = AppriseChannel(SecretStr(receiver.url), KEY)
    owe(db, channel.label, ["午间新闻"], local(2, 12), timing=QUIET)
    assert deliver(db, channel, local(2, 12), tracked=QUIET).messages == 1  # not quiet: at once
    owe(db, channel.label, ["深夜新闻 1"], local(2, 23, 30), timing=QUIET)
    owe(db, channel.label, ["深夜新闻 2"], local(3, 2, 0), timing=QUIET)
    for day, hour, minute in [(2, 23, 31), (3, 2, 1), (3, 7, 59)]:
        assert deliver(db, channel, local(day, hour, minute), tracked=QUIET).messages == 0
    assert len(receiver.requests) == 1
    morning = deliver(db, channel, local(3, 8, 0, 10), tracked=QUIET)
    assert (morning.sent, morning.messages, unsent(db)) == (2, 1, 0)
    released = receiver.bodies()[1]
    assert released["title"] == "【安静时段】2 条提醒"
    assert "深夜新闻 1" in released["message"] and "深夜新闻 2" in released["message"]
