"""Duplicate detection: exact (content hash) and near-duplicate articles (MinHash LSH over word shingles).

Passage-level reuse between articles lives in `provenance`; this module answers "is this article a copy?".
"""

from __future__ import annotations

import functools
import re
from typing import Iterable

from datasketch import MinHash, MinHashLSH

from .model import Article

NUM_PERM = 128
SEED = 1  # fixed: MinHash permutations must be the same run to run (determinism)
SHINGLE = 5  # words per shingle: long enough that shared boilerplate phrases don't make articles "near"
NEAR_THRESHOLD = 0.8  # Jaccard over 5-word shingles; syndicated copies with a changed lead score ~0.85-0.95

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = SHINGLE) -> set[str]:
    toks = _TOKEN.findall(text.lower())
    if len(toks) < n:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def minhash(shingle_set: Iterable[str]) -> MinHash:
    m = new_minhash(NUM_PERM)
    m.update_batch([s.encode("utf-8") for s in shingle_set])
    return m


@functools.lru_cache(maxsize=8)
def _template(num_perm: int) -> MinHash:
    return MinHash(num_perm=num_perm, seed=SEED)


def new_minhash(num_perm: int) -> MinHash:
    """An empty MinHash(num_perm, seed=SEED), sharing the permutations drawn once instead of redrawing them from the
    seed per MinHash (a third of the cost of hashing a sentence)."""
    t = _template(num_perm)
    return MinHash(num_perm=num_perm, seed=SEED, permutations=t.permutations, scheme=t.scheme)


@functools.lru_cache(maxsize=8)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def new_lsh(threshold: float, num_perm: int) -> MinHashLSH:
    """MinHashLSH(threshold, num_perm) with its (bands, rows) computed once: datasketch derives them by numerical
    integration on every construction (~10 ms, more than a small story's whole near-duplicate search)."""
    return MinHashLSH(threshold=threshold, num_perm=num_perm, params=_lsh_params(threshold, num_perm))


def exact_duplicates(articles: list[Article]) -> dict[str, str]:
    """{duplicate_id: first_id} for articles whose content hash equals an earlier article's."""
    first: dict[str, str] = {}
    dupes: dict[str, str] = {}
    for a in articles:
        if a.hash in first:
            dupes[a.id] = first[a.hash]
        else:
            first[a.hash] = a.id
    return dupes


def near_duplicates(articles: list[Article], threshold: float = NEAR_THRESHOLD) -> list[tuple[str, str, float]]:
    """Pairs (earlier_id, later_id, jaccard) of near-duplicate articles, in input order.

    LSH proposes candidates; the exact shingle Jaccard confirms them, so the reported score is not an estimate.
    """
    if len(articles) < 2:
        return []
    lsh = new_lsh(threshold, NUM_PERM)
    sets: dict[str, set[str]] = {}
    order = {a.id: i for i, a in enumerate(articles)}
    pairs: list[tuple[str, str, float]] = []
    for a in articles:
        s = shingles(a.text)
        if not s or a.id in sets:
            continue
        sets[a.id] = s
        m = minhash(s)
        for other in lsh.query(m):
            o = sets[other]
            jac = len(s & o) / len(s | o)
            if jac >= threshold:
                pairs.append((other, a.id, round(jac, 4)))
        lsh.insert(a.id, m)
    pairs.sort(key=lambda p: (order[p[0]], order[p[1]]))
    return pairs
