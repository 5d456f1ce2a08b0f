"""Classify a text by company and topic. Pure: text in, labels with evidence out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tasks.classify.catalog import Alias, Catalog, Topic, load_catalog, load_topics
from tasks.classify.matcher import KEEP_CASE, Hit, PhraseMatcher, longest_non_overlapping, normalize
from tasks.records import Labels, Mention, TopicLabel
from tasks.split.text import sentence_around


@dataclass(frozen=True)
class Decision:
    """Why one alias occurrence was accepted or rejected, for `classify --explain`."""

    alias: str
    company_id: str
    start: int
    end: int
    accepted: bool
    reason: str


class Classifier:
    """Holds the automata built from a catalog and taxonomy; `classify` is then pure and fast."""

    def __init__(self, catalog: Catalog, topics: list[Topic]) -> None:
        self.catalog = catalog
        self.topics = topics
        self._aliases: PhraseMatcher[Alias] = PhraseMatcher((a.text, a) for a in catalog.aliases)
        self._keywords: PhraseMatcher[Topic] = PhraseMatcher(
            (keyword, topic) for topic in topics for keyword in topic.keywords)

    @classmethod
    def load(cls, extra_catalogs: list[Path] | tuple[Path, ...] = ()) -> Classifier:
        return cls(load_catalog(extra_catalogs), load_topics())

    def classify(self, text: str) -> Labels:
        labels, _ = self.explain(text)
        return labels

    def explain(self, text: str) -> tuple[Labels, list[Decision]]:
        """Labels for `text`, plus every alias decision taken on the way."""
        normalized = normalize(text)
        decisions: list[Decision] = []
        accepted: list[Hit[Alias]] = []
        for hit in self._aliases.find(normalized):
            alias, reason = self._accept(text, normalized, hit)
            if alias is None:
                for _, candidate in hit.payload:
                    decisions.append(Decision(candidate.text, candidate.company_id, hit.start,
                                              hit.end, False, reason))
                continue
            accepted.append(Hit(hit.start, hit.end, alias))
            decisions.append(Decision(alias.text, alias.company_id, hit.start, hit.end, True,
                                      reason))
        mentions = []
        for hit in longest_non_overlapping(accepted):
            company = self.catalog.companies[hit.payload.company_id]
            mentions.append(Mention(company.id, company.name, text[hit.start:hit.end], hit.start,
                                    hit.end, sentence_around(text, hit.start, hit.end)))
        return Labels(tuple(mentions), tuple(self._topics(text, normalized))), decisions

    def _accept(self, text: str, normalized: str,
                hit: Hit[list[tuple[str, Alias]]]) -> tuple[Alias | None, str]:
        reason = "no alias rule matched"
        for phrase, alias in hit.payload:
            if alias.case_sensitive and text[hit.start:hit.end].translate(KEEP_CASE) != phrase:
                reason = f"{phrase!r} is case-sensitive"
                continue
            # The window includes the alias, so a rule may name a longer phrase around it
            # (文心雕龙 for 文心, 小米粥 for 小米).
            context = normalized[max(0, hit.start - alias.window):hit.end + alias.window]
            rejected = [w for w in alias.reject_near if normalize(w) in context]
            if rejected:
                reason = f"{phrase!r} rejected: {rejected[0]!r} within {alias.window} chars"
                continue
            if alias.require_near and not any(normalize(w) in context for w in alias.require_near):
                reason = f"{phrase!r} rejected: none of {list(alias.require_near)} nearby"
                continue
            rule = "context rule satisfied" if alias.require_near or alias.reject_near else "alias"
            return alias, f"{phrase!r} accepted ({rule}; {alias.origin})"
        return None, reason

    def _topics(self, text: str, normalized: str) -> list[TopicLabel]:
        hits: dict[str, list[Hit[list[tuple[str, Topic]]]]] = {}
        for hit in self._keywords.find(normalized):
            for _, topic in hit.payload:
                hits.setdefault(topic.id, []).append(hit)
        labels = []
        for topic in self.topics:
            found = hits.get(topic.id, [])
            if len(found) >= topic.min_hits:
                first = found[0]
                keyword = text[first.start:first.end]
                labels.append(TopicLabel(topic.id, f"{keyword}: "
                                         f"{sentence_around(text, first.start, first.end, 120)}"))
        return labels


__all__ = ["Classifier", "Decision"]
