"""Two processes running writing flows on one warehouse at the same time: they take turns on
the warehouse's concurrency limit, no lock error escapes, nothing is lost or stored twice."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_run_command import PROJECT

from conftest import SEEDS

pytestmark = pytest.mark.usefixtures("prefect_harness")

RUN = """
import sys
from flows.ingest import ingest
summary = ingest(config_path=sys.argv[1], db_path=sys.argv[2])
print("stored", summary.stored.new_articles, "failed", sum(r.error is not None for r in summary.results))
"""


def test_two_writers_at_once_take_turns(tmp_path: Path) -> None:
    from prefect.settings import get_current_settings

    configs = []
    for name in ("one", "two"):  # the same seeds under two source ids: one story, two sightings
        shutil.copytree(SEEDS, tmp_path / name)
        config = tmp_path / f"{name}.yaml"
        config.write_text(f"sources:\n  - {{id: {name}, kind: files, path: {name}/}}\n",
                          encoding="utf-8")
        configs.append(config)
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "PREFECT_API_URL": str(get_current_settings().api.url),
           "NEWSMON_APPRISE_URLS": ""}
    runs = [subprocess.Popen([sys.executable, "-c", RUN, str(config), str(db)], cwd=PROJECT,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for config in configs]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err[-2000:]
        assert "failed 0" in out
    stored = sorted(int(out.split("stored ")[-1].split()[0]) for out, _ in outputs)
    assert stored == [0, 80]  # whichever went first stored the seeds; the other repeated them
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from articles").fetchone() == (80,)
        assert con.execute("select source_id, count(*) from article_sightings group by 1 "
                           "order by 1").fetchall() == [("one", 80), ("two", 80)]
        assert con.execute("select count(*) from alert_deliveries").fetchone()[0] == \
            con.execute("select count(distinct dedup_key) from alert_deliveries").fetchone()[0]
