"""The extraction gate: tasks/extract on the 60 saved Chinese news pages with hand-written gold
in ../shared/extract-pages (main text, title, date)."""

import os

import pytest

from conftest import PROJECT
from tasks.extract.evaluate import evaluate, newsmon_extractor, score_text

PAGES = PROJECT.parent / "shared" / "extract-pages"
if not (PAGES / "gold.jsonl").exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{PAGES} is missing: CI runs beside ../shared")
    pytest.skip(f"{PAGES} is not beside the project", allow_module_level=True)


@pytest.fixture(scope="module")
def scores():
    return evaluate(PAGES, newsmon_extractor)


def test_the_set_is_whole(scores) -> None:
    assert len(scores.pages) == 60


def test_main_text_f1_floor(scores) -> None:
    worst = sorted((p.f1, p.page) for p in scores.pages)[:5]
    assert scores.macro_f1 >= 0.95, worst
    assert sum(p.f1 == 0 for p in scores.pages) == 0  # no page loses its text


def test_dates_same_day_floor(scores) -> None:
    wrong = [p.page for p in scores.pages if not p.same_day]
    assert scores.same_day >= 0.95, wrong
    assert scores.same_minute >= 0.85


def test_titles_floor(scores) -> None:
    assert scores.titles >= 0.9


def test_scoring_counts_characters_and_latin_runs() -> None:
    assert score_text("无问芯穹 GLM4", "无问芯穹 GLM4") == (1.0, 1.0, 1.0)
    precision, recall, _ = score_text("无问芯穹 发布", "无问芯穹")
    assert (precision, recall) == (4 / 6, 1.0)
    assert score_text("", "无问芯穹") == (0.0, 0.0, 0.0)
