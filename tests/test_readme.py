"""README.md: its SQL examples run against a real warehouse and return rows."""

import re
from pathlib import Path

import pytest

from conftest import PROJECT
from warehouse import Warehouse

README = (PROJECT / "README.md").read_text(encoding="utf-8")
QUERIES = re.findall(r"```sql\n(.*?)```", README, re.S)


def test_readme_starts_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split()[:2] for line in first_block.splitlines()] == [["make", "run"],
                                                                       ["make", "test"]]


@pytest.mark.parametrize("query", QUERIES, ids=[f"query{i}" for i in range(len(QUERIES))])
def test_readme_sql_examples_run(query: str, filled_warehouse: Path) -> None:
    with Warehouse.open(filled_warehouse, read_only=True) as wh:
        columns, rows = wh.query(query)
    assert columns
    # A fresh terminal-only run owes nothing, and the sample has no story from two sources.
    if not any(marker in query for marker in ("status <> 'sent'", "having count(*) > 1")):
        assert rows


def test_readme_has_sql_examples() -> None:
    assert len(QUERIES) >= 3


def test_readme_alert_rules_are_a_valid_config(tmp_path: Path) -> None:
    from tasks.plan import plan_cycle

    [rules] = [b for b in re.findall(r"```yaml\n(.*?)```", README, re.S)
               if b.startswith("alerts:\n  rules:")]
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - {id: 36kr, kind: files, path: x}\n"
                      "  - {id: site, kind: files, path: y, tags: [media]}\n" + rules
                      + "  channels: {boss: 'json://127.0.0.1:9/x'}\n",
                      encoding="utf-8")
    plan = plan_cycle(str(config), str(tmp_path / "w.duckdb"))
    assert [r.name for r in plan.rules][-2:] == ["morning-brief", "embodied"]
    assert {r.name: bool(r.timing.quiet) for r in plan.rules}["embodied"] is False
