"""The quality gate: the classifier against the labelled set in tests/data/labelled.yaml."""

from pathlib import Path

import pytest

from conftest import SEEDS
from tasks.classify import Classifier
from tasks.classify.evaluate import evaluate

LABELLED = Path(__file__).resolve().parent / "data" / "labelled.yaml"


@pytest.fixture(scope="module")
def result():
    return evaluate(Classifier.load(), LABELLED, SEEDS)


def test_labelled_set_is_large_enough(result) -> None:
    assert result.cases >= 120


def test_company_precision_and_recall_floors(result) -> None:
    scores = result.companies
    assert scores.precision >= 0.97, result.errors
    assert scores.recall >= 0.95, result.errors


def test_topic_and_event_floors(result) -> None:
    assert result.topics.recall >= 0.9
    assert result.events.recall >= 0.9, result.errors
    assert result.events.precision >= 0.9, result.errors  # written cases list every event


def test_tracked_companies_are_never_missed(result) -> None:
    for company in ("infinigence", "minimax", "zhipu"):
        assert result.by_company[company].recall == 1.0, company
