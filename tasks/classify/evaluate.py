"""Precision and recall of the classifier against a labelled set (tests/data/labelled.yaml).

A case is either a `text`, or a story of a document by `seed` file, `position` and `title`.
Companies are compared as exact sets; topics and events as "expected ones must be found".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsmon.errors import ConfigError
from newsmon.yamlfile import load_located
from tasks.classify import Classifier
from tasks.records import Document, Labels
from tasks.split import split_document


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    cases: int = 0
    companies: Score = field(default_factory=Score)
    by_company: dict[str, Score] = field(default_factory=dict)
    topics: Score = field(default_factory=Score)
    events: Score = field(default_factory=Score)
    # (case id, missed ids, extra ids) for every case the classifier got wrong
    errors: list[tuple[str, list[str], list[str]]] = field(default_factory=list)


def evaluate(classifier: Classifier, labelled: Path, seeds_dir: Path) -> Evaluation:
    located = load_located(labelled)
    result = Evaluation()
    stories = _SeedStories(seeds_dir, classifier)
    for index, case in enumerate((located.data or {}).get("cases", [])):
        if "text" in case:
            labels = classifier.classify(case["text"])
        elif "seed" in case:
            labels = stories.labels(case, located.error("", ("cases", index)))
        else:
            raise located.error("a case needs `text` or `seed`", ("cases", index))
        _score(result, case, labels)
    return result


def _score(result: Evaluation, case: dict[str, Any], labels: Labels) -> None:
    result.cases += 1
    expected, got = set(case.get("companies") or []), set(labels.company_ids)
    for company in expected | got:
        score = result.by_company.setdefault(company, Score())
        for s in (score, result.companies):
            if company in expected and company in got:
                s.tp += 1
            elif company in got:
                s.fp += 1
            else:
                s.fn += 1
    missed = sorted(expected - got)
    found_topics = {t.topic for t in labels.topics}
    for topic in case.get("topics") or []:
        if topic in found_topics:
            result.topics.tp += 1
        else:
            result.topics.fn += 1
            missed.append(f"topic {topic}")
    found_events = {(e.type, e.company_id) for e in labels.events}
    expected_events = {(e["type"], e["company"]) for e in case.get("events") or []}
    for kind, company in sorted(expected_events):
        if (kind, company) in found_events:
            result.events.tp += 1
        else:
            result.events.fn += 1
            missed.append(f"event {kind} {company}")
    extra = sorted(got - expected)
    if "text" in case and "events" in case:
        # A written case that lists events lists all of them: anything more is a false one.
        # (Seed stories list the events that matter, not every one a long story holds.)
        result.events.fp += len(found_events - expected_events)
        extra += [f"event {kind} {company}" for kind, company in
                  sorted(found_events - expected_events)]
    if missed or extra:
        result.errors.append((case["id"], missed, extra))


class _SeedStories:
    """Stories of the seed documents, split and classified once each."""

    def __init__(self, seeds_dir: Path, classifier: Classifier) -> None:
        self._dir, self._classifier = seeds_dir, classifier
        self._cache: dict[str, list[tuple[str, Labels]]] = {}

    def labels(self, case: dict[str, Any], where: ConfigError) -> Labels:
        name = case["seed"]
        if name not in self._cache:
            path = self._dir / name
            doc = Document("eval", path.as_uri(), path.read_text(encoding="utf-8"),
                           datetime.now(UTC))
            self._cache[name] = [
                (s.title, self._classifier.classify(s.text, title_length=len(s.title)))
                for s in split_document(doc)]
        stories = self._cache[name]
        position = int(case["position"])
        if not 1 <= position <= len(stories) or stories[position - 1][0] != case.get("title"):
            raise ConfigError(f"case {case['id']!r}: story {position} of {name} is not titled "
                              f"{case.get('title')!r}; the splitter changed?",
                              path=where.path, line=where.line)
        return stories[position - 1][1]
