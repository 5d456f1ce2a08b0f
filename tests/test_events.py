"""tasks/events.py: what a cycle announces, and that a burst stays bounded."""

from datetime import UTC, datetime

from tasks.events import MAX_PER_KIND, cycle_events
from tasks.records import Article, Labels, Mention, StoreReport, Story, Streak
from tasks.sources import FetchResult

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def article(n: int) -> Article:
    mention = Mention("minimax", "MiniMax", "MiniMax", 0, 7, "MiniMax发布新模型。")
    return Article("feed", Story(f"MiniMax发布新模型{n}", "正文", f"https://a.example/{n}", 1),
                   Labels((mention,)), NOW)


def report(articles: list[Article], queued: int = 0) -> StoreReport:
    return StoreReport(len(articles), 0, {}, len(articles), queued, {},
                       frozenset(a.article_id for a in articles))


def test_a_new_article_names_its_companies_and_source() -> None:
    new, old = article(1), article(2)
    events = cycle_events("c1", [FetchResult("feed", "rss")], {}, [new, old], report([new]))
    mentioned = [e for e in events if e.event == "newsmon.article.mentioned"]
    assert len(mentioned) == 1  # the article stored before is not announced again
    assert mentioned[0].resource["prefect.resource.id"] == f"newsmon.article.{new.article_id}"
    assert {r["prefect.resource.id"] for r in mentioned[0].related} == {
        "newsmon.company.minimax", "newsmon.source.feed"}


def test_sources_failing_and_recovering_and_alerts_queued() -> None:
    results = [FetchResult("down", "rss", error="HTTP 500"), FetchResult("back", "rss")]
    streaks = {"back": Streak(3, "c0"), "down": Streak(1, "c0")}
    events = cycle_events("c1", results, streaks, [], report([], queued=2))
    by_name = {e.event: e for e in events}
    assert by_name["newsmon.source.failed"].payload["failures"] == 2
    assert by_name["newsmon.source.recovered"].payload["after_failures"] == 3
    assert by_name["newsmon.alerts.queued"].payload == {"count": 2, "cycle_id": "c1"}


def test_a_burst_of_articles_is_capped_and_counted() -> None:
    burst = [article(n) for n in range(5000)]
    events = cycle_events("c1", [FetchResult("feed", "rss")], {}, burst, report(burst))
    assert sum(e.event == "newsmon.article.mentioned" for e in events) == MAX_PER_KIND
    summary = events[-1]
    assert summary.event == "newsmon.cycle.completed"
    assert summary.payload["events_left_out"] == 5000 - MAX_PER_KIND
    assert summary.payload["new_articles"] == 5000
