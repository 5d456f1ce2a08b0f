"""One story, one record: near-duplicate articles (a story re-posted or lightly edited by another
source) get the same story_id. MinHash over character shingles, which suits Chinese text with
no word boundaries, and LSH banding to find candidates without comparing every pair. Pure.

The signatures are bit-identical to datasketch 2's `MinHash(num_perm=128, scheme="affine32")`, which
made the ones the warehouse already holds: SHA-1 of each shingle, the MurmurHash3 finalizer, then
`a * h + b mod 2**32` for permutations drawn from `RandomState(1)`, minimum per permutation.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np

from tasks.classify.matcher import normalize
from tasks.records import Article, Signed

PERMUTATIONS = 128
SCHEME = "affine32"  # stored signatures are only comparable under the scheme that made them
SHINGLE = 4
THRESHOLD = 0.6  # estimated Jaccard similarity above which two texts are one story
MIN_LENGTH = 80  # shorter texts (headline-only items) are too thin to compare safely
# datasketch's optimum for THRESHOLD and PERMUTATIONS, false positive and negative weighted 0.5 each
BANDS, ROWS = 18, 7
SEED = 1
_EMPTY = np.uint32(0xFFFFFFFF)  # the value of a permutation no shingle has reached yet
_NOISE = re.compile(r"[\s\W_]+")


def signature(text: str) -> np.ndarray | None:
    """MinHash of the text's character shingles, or None when the text is too short."""
    compact = _NOISE.sub("", normalize(text))
    if len(compact) < MIN_LENGTH:
        return None
    shingles = {compact[i:i + SHINGLE] for i in range(len(compact) - SHINGLE + 1)}
    return _minhash(s.encode("utf-8") for s in shingles)


def assign_stories(articles: Sequence[Article], known: Iterable[Signed]
                   ) -> tuple[dict[str, str], list[Signed]]:
    """story_id for each article (its own article_id unless it repeats a known or earlier
    article), and the signatures of the articles that have one, to remember."""
    index = _Bands()
    story_of: dict[str, str] = {}
    signatures: dict[str, np.ndarray] = {}
    for item in known:
        if item.article_id not in story_of:
            signatures[item.article_id] = _checked(item.signature)
            index.insert(item.article_id, signatures[item.article_id])
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
        # LSH gives candidates; keep those whose estimated similarity really is that high.
        matches = sorted(m for m in index.query(values) if article.article_id not in story_of
                         and _similarity(values, signatures[m]) >= THRESHOLD)
        story_id = (story_of.get(article.article_id)
                    or (story_of[matches[0]] if matches else article.article_id))
        assigned[article.article_id] = story_id
        if article.article_id not in story_of:
            index.insert(article.article_id, values)
            signatures[article.article_id] = values
            story_of[article.article_id] = story_id
        signed.append(Signed(article.article_id, story_id, values))
    return assigned, signed


def _similarity(one: np.ndarray, other: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of permutations where they agree."""
    return float(np.count_nonzero(one == other)) / float(len(one))


class _Bands:
    """LSH banding: signatures that agree on all ROWS values of at least one band are candidates."""

    def __init__(self) -> None:
        self._buckets: list[dict[bytes, list[str]]] = [{} for _ in range(BANDS)]

    def insert(self, key: str, values: np.ndarray) -> None:
        for bucket, band in zip(self._buckets, _bands(values), strict=True):
            bucket.setdefault(band, []).append(key)

    def query(self, values: np.ndarray) -> set[str]:
        return {key for bucket, band in zip(self._buckets, _bands(values), strict=True)
                for key in bucket.get(band, ())}


def _bands(values: np.ndarray) -> list[bytes]:
    return [values[i * ROWS:(i + 1) * ROWS].tobytes() for i in range(BANDS)]


def _checked(values: np.ndarray) -> np.ndarray:
    """A remembered signature as uint32, refused if it was not made with PERMUTATIONS values."""
    if len(values) != PERMUTATIONS:
        raise ValueError(f"a signature has {PERMUTATIONS} values, this one {len(values)}")
    return np.asarray(values, dtype=np.uint32)


def _minhash(shingles: Iterable[bytes]) -> np.ndarray:
    """For each permutation, the least permuted hash of any shingle (_EMPTY when there are none)."""
    digests = b"".join(hashlib.sha1(s).digest() for s in shingles)
    # a shingle's hash is the first 4 of its 20 digest bytes, read little-endian
    hashes = np.frombuffer(digests, dtype="<u4").reshape(-1, 5)[:, 0].astype(np.uint32)
    a, b = _permutations()
    permuted = _fmix32(hashes)[:, np.newaxis] * a + b  # uint32 arithmetic wraps: that is the mod 2**32
    return permuted.min(axis=0, initial=_EMPTY)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer: a bijection on uint32 that spreads every input bit over the output."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the permutations h -> a * h + b mod 2**32; an odd a makes each one a bijection."""
    gen = np.random.RandomState(SEED)  # the draws, and their order, fix every stored signature
    a = gen.randint(0, 1 << 31, PERMUTATIONS, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, PERMUTATIONS, dtype=np.uint32)
    return a, b
