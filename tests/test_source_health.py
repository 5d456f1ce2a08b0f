"""Source health: failure streaks in the warehouse, health alerts, and `newsmon sources`."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from alerts.health import health_intents
from newsmon.cli import main
from newsmon.config import load_config
from newsmon.health import health_table
from tasks.records import FetchRun
from tasks.sources import FetchResult
from tasks.sources.files import FilesSource
from warehouse import Warehouse

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SOURCES = {"feed": FilesSource(id="feed", kind="files", path="x", name="某资讯")}


def cycle(wh: Warehouse, n: int, ok: bool, threshold: int = 3) -> list:
    """Record cycle n for source `feed` the way the flow does; returns the alerts queued."""
    result = FetchResult("feed", "files", error=None if ok else "HTTP 500")
    intents = health_intents([result], wh.failure_streaks(["feed"]), SOURCES, threshold, f"c{n}")
    run = FetchRun("feed", "files", T0 + timedelta(hours=n), "ok" if ok else "failed", 0, 0,
                   result.error, 0.1)
    wh.store_cycle(f"c{n}", [run], [], intents, ["ch"], T0 + timedelta(hours=n))
    return intents


def test_down_alert_once_after_three_failures_and_recovered_once(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        outcomes = [True, False, False, False, False, False, True, True]
        titles = [[i.title for i in cycle(wh, n, ok)] for n, ok in enumerate(outcomes)]
        assert titles == [[], [], [], ["【源失效】某资讯"], [], [], ["【源恢复】某资讯"], []]
        assert wh.failure_streaks(["feed"]) == {}
        pending = wh.pending_alerts(["ch"], datetime.now(UTC))
    assert [a.title for a in pending] == ["【源失效】某资讯", "【源恢复】某资讯"]
    assert "已连续 3 次抓取失败" in pending[0].body and "HTTP 500" in pending[0].body


def test_each_outage_alerts_separately(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        for n, ok in enumerate([False, False, True, False, False]):
            cycle(wh, n, ok, threshold=2)
        assert len(wh.pending_alerts(["ch"], datetime.now(UTC))) == 3  # down, recovered, down again


def test_threshold_zero_disables_health_alerts(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        assert all(cycle(wh, n, False, threshold=0) == [] for n in range(5))


def test_streaks_count_failures_since_last_success(tmp_path: Path) -> None:
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        for n, ok in enumerate([False, True, False, False]):
            cycle(wh, n, ok)
        streak = wh.failure_streaks(["feed"])["feed"]
    assert (streak.failures, streak.since_cycle) == (2, "c2")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("无问芯穹发布新产品。", encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n"
                    "  - {id: docs, kind: files, path: docs/}\n"
                    "  - {id: broken, kind: files, path: nowhere/}\n"
                    "  - {id: paused, kind: files, path: docs/, enabled: false}\n", encoding="utf-8")
    return path


def test_health_table_statuses(config: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db) as wh:
        wh.store_cycle("c1", [FetchRun("docs", "files", T0, "ok", 1, 1, None, 0.1),
                              FetchRun("broken", "files", T0, "failed", 0, 0, "no files", 0.1)],
                       [], [], [], T0)
    rows = {r.source_id: r for r in health_table(load_config(config), db, now=T0)}
    assert (rows["docs"].status, rows["broken"].status, rows["paused"].status) == (
        "silent", "failing", "disabled")  # docs ran fine but never stored an article
    assert rows["broken"].last_error == "no files" and rows["broken"].failures == 1


def test_sources_command_without_warehouse(config: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["sources", "--sources", str(config),
                                       "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 0, result.output
    assert "never run" in result.output and "disabled" in result.output


def test_sources_check_reports_without_storing(config: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = CliRunner().invoke(main, ["sources", "--sources", str(config), "--db", str(db),
                                       "check"])
    assert result.exit_code == 1  # one source is broken
    assert "✓ docs: 1 documents, 1 stories, 1 new" in result.output
    assert "+ 无问芯穹发布新产品  [无问芯穹]" in result.output
    assert "paused" not in result.output  # disabled sources are checked only by id
    assert "✗ broken: source 'broken': no files match 'nowhere/'" in result.output
    assert not db.exists()
