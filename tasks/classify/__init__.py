"""Classify a text by company and topic. Pure: text in, labels with evidence out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tasks.classify.catalog import Alias, Catalog, Topic, load_catalog, load_topics
from tasks.classify.events import extract_events
from tasks.classify.matcher import (KEEP_CASE, Hit, PhraseMatcher, longest_non_overlapping,
                                    normalize, spellings)
from tasks.classify.script import looks_traditional, to_simplified
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
        self._aliases: PhraseMatcher[Alias] = PhraseMatcher(
            (phrase, alias) for alias in catalog.aliases for phrase in spellings(alias.text))
        self._never_subject = frozenset(
            c.id for c in catalog.companies.values() if c.sector in ("exchange", "media"))
        self._keywords: PhraseMatcher[Topic] = PhraseMatcher(
            (keyword, topic) for topic in topics for keyword in topic.keywords)

    @classmethod
    def load(cls, extra_catalogs: list[Path] | tuple[Path, ...] = ()) -> Classifier:
        return cls(load_catalog(extra_catalogs), load_topics())

    def classify(self, text: str, title_length: int = 0) -> Labels:
        """Labels for `text`; its first `title_length` characters are the title."""
        labels, _ = self.explain(text, title_length)
        return labels

    def explain(self, text: str, title_length: int = 0) -> tuple[Labels, list[Decision]]:
        """Labels for `text`, plus every alias decision taken on the way."""
        normalized = normalize(text)
        # Traditional text is matched twice: as written (for 繁體 aliases) and converted to
        # simplified; both have the same offsets.
        views = [normalized]
        if looks_traditional(text):
            views.append(to_simplified(normalized))
        decisions: list[Decision] = []
        accepted: list[Hit[Alias]] = []
        seen: set[tuple[int, int]] = set()
        for view, hit in ((v, h) for v in views for h in self._aliases.find(v)):
            if (hit.start, hit.end) in seen:
                continue
            alias, reason = self._accept(text, views, hit)
            if alias is None:
                for _, candidate in hit.payload:
                    decisions.append(Decision(candidate.text, candidate.company_id, hit.start,
                                              hit.end, False, reason))
                continue
            seen.add((hit.start, hit.end))
            accepted.append(Hit(hit.start, hit.end, alias))
            decisions.append(Decision(alias.text, alias.company_id, hit.start, hit.end, True,
                                      reason))
        chosen = longest_non_overlapping(accepted)
        salience = _salience(chosen, title_length)
        mentions = []
        for hit in chosen:
            company = self.catalog.companies[hit.payload.company_id]
            mentions.append(Mention(company.id, company.name, text[hit.start:hit.end], hit.start,
                                    hit.end, sentence_around(text, hit.start, hit.end),
                                    salience[company.id]))
        events = extract_events(text, mentions, self._never_subject)
        return Labels(tuple(mentions), tuple(self._topics(text, views[-1])),
                      tuple(events)), decisions

    def _accept(self, text: str, views: list[str],
                hit: Hit[list[tuple[str, Alias]]]) -> tuple[Alias | None, str]:
        reason = "no alias rule matched"
        for phrase, alias in hit.payload:
            if alias.case_sensitive and text[hit.start:hit.end].translate(KEEP_CASE) != phrase:
                reason = f"{phrase!r} is case-sensitive"
                continue
            # The window includes the alias, so a rule may name a longer phrase around it
            # (文心雕龙 for 文心, 小米粥 for 小米); in traditional text, both scripts count.
            lo, hi = max(0, hit.start - alias.window), hit.end + alias.window
            context = "\x00".join(view[lo:hi] for view in views)
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


# The lead: the first characters of the body, where a news story says who it is about.
LEAD_LENGTH = 150


def _salience(hits: list[Hit[Alias]], title_length: int) -> dict[str, str]:
    by_company: dict[str, list[int]] = {}
    for hit in hits:
        by_company.setdefault(hit.payload.company_id, []).append(hit.start)
    levels = {}
    for company_id, starts in by_company.items():
        if title_length and min(starts) < title_length:
            levels[company_id] = "title"
        elif min(starts) < title_length + LEAD_LENGTH:
            levels[company_id] = "lead"
        elif len(starts) >= 3:
            levels[company_id] = "frequent"
        else:
            levels[company_id] = "passing"
    return levels


__all__ = ["Classifier", "Decision"]
