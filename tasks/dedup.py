"""One story, one record: near-duplicate articles (a story re-posted or lightly edited by another
source) get the same story_id. MinHash over character shingles, which suits Chinese text with
no word boundaries, and LSH to find candidates without comparing every pair. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from tasks.classify.matcher import normalize
from tasks.records import Article

PERMUTATIONS = 128
SCHEME = "affine32"  # stored signatures are only comparable under the scheme that made them
SHINGLE = 4
THRESHOLD = 0.6  # estimated Jaccard similarity above which two texts are one story
MIN_LENGTH = 80  # shorter texts (headline-only items) are too thin to compare safely
_NOISE = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class Signed:
    article_id: str
    story_id: str
    signature: np.ndarray


def signature(text: str) -> np.ndarray | None:
    """MinHash of the text's character shingles, or None when the text is too short."""
    compact = _NOISE.sub("", normalize(text))
    if len(compact) < MIN_LENGTH:
        return None
    shingles = {compact[i:i + SHINGLE] for i in range(len(compact) - SHINGLE + 1)}
    minhash = MinHash(num_perm=PERMUTATIONS, scheme=SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return minhash.hashvalues


def assign_stories(articles: Sequence[Article], known: Iterable[Signed]
                   ) -> tuple[dict[str, str], list[Signed]]:
    """story_id for each article (its own article_id unless it repeats a known or earlier
    article), and the signatures of the articles that have one, to remember."""
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=PERMUTATIONS)
    story_of: dict[str, str] = {}
    minhashes: dict[str, MinHash] = {}
    for item in known:
        if item.article_id not in story_of:
            minhashes[item.article_id] = _minhash(item.signature)
            lsh.insert(item.article_id, minhashes[item.article_id])
            story_of[item.article_id] = item.story_id
    assigned: dict[str, str] = {}
    signed: list[Signed] = []
    for article in articles:
        if article.article_id in assigned:
            continue
        values = signature(article.story.body or article.story.title)
        if values is None:
            assigned[article.article_id] = story_of.get(article.article_id, article.article_id)
            continue
        minhash = _minhash(values)
        # LSH gives candidates; keep those whose estimated similarity really is that high.
        matches = sorted(m for m in lsh.query(minhash) if article.article_id not in story_of
                         and minhash.jaccard(minhashes[m]) >= THRESHOLD)
        story_id = (story_of.get(article.article_id)
                    or (story_of[matches[0]] if matches else article.article_id))
        assigned[article.article_id] = story_id
        if article.article_id not in story_of:
            lsh.insert(article.article_id, minhash)
            minhashes[article.article_id] = minhash
            story_of[article.article_id] = story_id
        signed.append(Signed(article.article_id, story_id, values))
    return assigned, signed


def _minhash(values: np.ndarray) -> MinHash:
    return MinHash(num_perm=PERMUTATIONS, hashvalues=values, scheme=SCHEME)
