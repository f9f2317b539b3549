"""Streaming story clustering with stable ids, merge events and a calibrated "new story" decision.

Model
-----
Each article becomes three sparse, hashed, sublinear-TF vectors (``zlib.crc32`` buckets, so they are
identical across processes and machines), read from the title and the first ``MAX_CHARS`` characters of
the body:

* ``body``   - content words (regex word tokens, stop words dropped, light plural stripping);
* ``title``  - content words of the title (empty when the article has none);
* ``ent``    - capitalised name phrases ("Sergei Lavrov", "Security Council", "DPRK"), a cheap proxy for
               named entities that needs no parser (spaCy runs at ~10 docs/s; this at ~1,000+).

Tokens and name phrases are mapped to buckets through memo tables (one regex ``findall`` per field, then
C-level ``map``/``Counter``), so the per-article Python work is proportional to the distinct words.

IDF is learned online (document frequency per bucket, updated as articles arrive) on top of a prior:
``PRIOR_DOCS`` pseudo-documents of general English whose term counts come from the ``wordfreq`` package's
word frequencies (``_prior_counts``), so a fresh stream does not weigh "government" like "Lovelace" before it
has seen enough articles. The prior starts as English; the first article in another language wordfreq knows adds that
language's table (``prior_langs``, kept in the state): without it, the function words of a German or Spanish stream
("der", "die", "que") weighed like names and joined unrelated articles (9 unrelated Spanish pages in one story of a
200-page multilingual WARC). A story keeps the
sum of its members' L2-normalised TF vectors per namespace (pruned to the heaviest buckets); IDF is
applied at comparison time, so the story centroid and the article are compared in the same space. Per
article the IDF of its buckets is looked up once and the article vector is pre-multiplied by IDF twice, so
a cosine with a story is a single sparse dot product over the shared buckets.

Candidate search uses an inverted index (bucket -> active stories) over each member's ``TOP_TERMS``
highest TF-IDF terms; only the ``max_candidates`` stories sharing the most (IDF-weighted) rare terms
are scored - never all pairs. Its recall is measured by the benchmark (``candidate_search`` in
bench/results/cluster.json; see "Candidate search, measured" in docs/clustering.md): it is not what limits the F1.

For an (article, candidate story) pair the features are ``FEATURES``: cosines body/body, title/title,
title/body, entities/entities, the IDF-weighted share of the article's rare terms the story carries,
has_title, log1p(days between the article and the story's date span), date_known and log(story size).
A logistic regression turns them into P(same story); the article joins the best candidate when
P >= ``threshold`` (and, with ``--strict-stories``, >= ``dated_threshold`` = ``DATED_THRESHOLD`` when the article
and the story are both dated) and the pair has real text evidence (one of the body, title and name-phrase cosines
>= ``min_cos``, ``MIN_COS``; the title's only when the two share a name), and otherwise opens a new story. Opt-in
(``event_p=EVENT_P``): a dated pair under P 0.45 also needs ``EVENT_TERMS`` (3) event-specific terms in common
(``_specific_shared``: name phrases general English does not know, headline words it rarely uses), as a topic shares
common names and words ("Trump", "China"), an event its own (issue 8 round 15, docs/clustering.md).

Calibration (``python bench/cluster.py --calibrate``): a labelled stream is replayed with the gold
assignment (teacher forcing) and the features of every (article, candidate) pair are collected with
the label "candidate is the article's gold story"; a logistic regression is fitted on those pairs; the
probability threshold is then chosen on a grid as the one maximising mean pairwise F1 when the same
streams are replayed with the model's own decisions (the bench now picks it by 3-fold cross-validation over
gold stories; the shipped ``MODEL`` predates that and its threshold was re-checked by a sweep). Because negatives
outnumber positives ~5:1 among
candidates, P is low in absolute terms and the chosen threshold is low (see ``MODEL``). Calibration
streams: Multi-News dev92 (no titles or dates) + Giveme5W1H events with an even event_id; reported on
Multi-News test120 and the odd Giveme5W1H events (see bench/results/cluster.json); the held-out streams
were never used for a choice. ``merge_threshold`` (0.6) is not fitted: merges are rare (0-1 per
benchmark stream) and it was set from a small sweep.

The IDF prior (N0 = 1000 pseudo-documents, a word of frequency f present in one with probability
1 - exp(-100 f)) was chosen on the calibration streams (user path) from N0 in {500, 1000, 2000} and 100 or 300
words per pseudo-document; with the model unchanged it raised mean calibration pairwise F1 from 84.4 to 85.1
(dev92 80.7 -> 81.1, BCubed 88.5 -> 89.7) and the threshold sweep still peaks at 0.15. An oracle run with the IDF
of the whole stream known in advance gave similar gains, which is what the prior approximates online.

Dense second stage (opt-in: ``StoryClusterer(dense=True)``, needs ``unspun.embed``'s optional packages). When the
best candidate's P is uncertain (in ``DENSE_BAND``), the article's title + lead is encoded with all-MiniLM-L6-v2 and
the candidates are re-scored by ``DENSE_MODEL``: the same features plus the cosine with the story's vector (the mean
of its first ``DENSE_MEMBERS`` members' vectors). A story keeps those members' encoder texts (``leads``, in the
state), so a restored clusterer encodes them again, one text per call, to the same vectors. It undoes some same-topic
joins word overlap cannot tell apart (three airline incidents in one week on Giveme5W1H) with ~2-6% (titled, dated
news) to ~25% (untitled Multi-News) of articles encoded; the numbers are in docs/clustering.md, round 9.

What was measured, shipped and dropped, round by round, with the numbers: docs/clustering.md.

Stable ids and merges
---------------------
A story id is ``"s" + sha1(founding article id)[:12]`` and never changes. When one article is a
confident match (P >= ``merge_threshold``) for two stories, the younger story is merged into the
older one: a merge event ``{"old_id", "new_id", "article_id", "score", "seq"}`` is recorded and
``resolve(old_id)`` returns the surviving id. ``add()`` returns the id the article joined *at the
time it was added*, resolved through earlier merges, so any id once returned stays valid.

Memory is bounded: a story that has not been updated for ``window_days`` (``WINDOW_DAYS`` = 730 by article
dates) or falls outside the ``max_active`` (5,000) most recently updated stories is retired from the index; its id
and merge history remain resolvable. A snapshot keeps the window it was written with. Retirement pops two lazy
min-heaps (by last date, by last update) instead of scanning every active story per article; at 5,000 active stories
the scan cost ~0.3 ms an article and the cap a full sort per new story (issue 8 round 7; same retirements, tested).

Everything is deterministic: no randomness, ordered containers, ties broken by story age.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import math
from math import fsum
import re
import time
import zlib
from collections import Counter
from array import array
from operator import itemgetter, mul
from datetime import datetime, timezone
from typing import Any, Iterable

from .model import Article
from .nlp import language_code

__all__ = ["StoryClusterer", "cluster_articles", "MODEL", "featurize", "featurize_article"]

# ---------------------------------------------------------------------------------------------
# Text features (hand-written: sklearn's HashingVectorizer has no online IDF, and a per-article
# call into it costs more than this whole function; crc32 keeps hashing stable across processes).

N_BUCKETS = 1 << 20
MAX_BODY_TOKENS = 1500
TOP_TERMS = 30  # rarest terms of an article used for index look-up / posting
STORY_MAX_TERMS = {"body": 250, "title": 60, "ent": 120}  # centroid pruning per namespace
MAX_CHARS = 3000  # only the start of a body is read (news put the story first; keeps cost per article flat)
DF_CAP = 1 << 16  # document frequencies saturate here (such terms are stop-word-like anyway)
PRIOR_DOCS = 1000  # pseudo-documents of general English behind the online IDF (see _prior_counts)
PRIOR_DOC_WORDS = 100  # a word of frequency f is in a pseudo-document with probability 1 - exp(-f * this)
FUNCTION_WORD_DOCS = 500  # a word in this many prior pseudo-documents (frequency >= ~0.7%) is a function word
# Stories idle this long (by article dates) retire. Two years, not 90 days: the model's log_days feature already
# weighs time, and a short window cut gold stories in two (issue 8 round 4, module docstring).
WINDOW_DAYS = 730.0
_LOG = [math.log(i + 1) for i in range(DF_CAP + PRIOR_DOCS + 1)]  # log(df + 1) table for the online IDF

try:  # sklearn's list is the usual English stop-word list; fall back to a tiny one
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as _SK_STOP

    STOP = frozenset(_SK_STOP) | {"said", "says", "say", "told", "new", "year", "years", "just", "like",
                                  "according", "reported", "reports", "report", "people", "time", "it's",
                                  "don't", "can't", "also", "would", "could", "one", "two", "us"}
except Exception:  # pragma: no cover
    STOP = frozenset("a an the and or of to in on for with at by from is are was were be been it this that".split())

_WORD = re.compile(r"\w+", re.U)  # "trump's" -> "trump", "s" (dropped: < 2 chars); cheaper than a lookahead
# Capitalised phrases: one or more capitalised words (allowing short connectors inside). No leading \b: a
# look-behind costs ~3x here; an inner capital ("iPhone" -> "Phone") is a harmless extra name.
_ENT = re.compile(r"[A-Z][\w\-]*(?:[ \t]+(?:(?:of|de|la|al|bin|von|van|the|and|for)[ \t]+)?[A-Z][\w\-]*)*")
_TFW = [0.0] + [1.0 + math.log(c) for c in range(1, 4096)]  # sublinear TF weight table


def _stem(w: str) -> str:
    if w.endswith("'s") or w.endswith("\u2019s"):
        w = w[:-2]
    n = len(w)
    if n > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if n > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8")) & (N_BUCKETS - 1)


_MEMO_MAX = 500_000


class _BucketMemo(dict):
    """key -> bucket (-1 = ignored) memo, filled on a miss from C-level look-ups (``map(memo.__getitem__, keys)``
    calls ``__missing__`` only for new keys), so a known word costs no Python call; bounded by clearing
    (deterministic: it only memoises)."""

    def __init__(self, bucket):
        super().__init__()
        self.bucket = bucket

    def __missing__(self, key: str) -> int:
        if len(self) >= _MEMO_MAX:
            self.clear()
        b = self[key] = self.bucket(key)
        return b


def _word_bucket(w: str) -> int:
    if len(w) < 2 or w in STOP:
        return -1
    w2 = _stem(w)
    return -1 if w2 in STOP else _h(w2)


_WCACHE = _BucketMemo(_word_bucket)


def _token_buckets(text: str, limit: int | None = None) -> list[int]:
    words = _WORD.findall(text.lower())
    if limit and len(words) > 2 * limit:
        words = words[:2 * limit]
    out = _cached_buckets(words, _WCACHE)
    return out[:limit] if limit else out


def _cached_buckets(keys: list[str], memo: _BucketMemo) -> list[int]:
    """Buckets of `keys`, dropping -1 (ignored)."""
    return [b for b in map(memo.__getitem__, keys) if b >= 0]


def _entity_bucket(phrase: str) -> int:
    p = phrase.strip().rstrip(".")
    low = p.lower()
    if " " not in p and (len(p) < 2 or low in STOP):
        return -1
    return _h("e:" + " ".join(_stem(w) for w in low.split()))


_ECACHE = _BucketMemo(_entity_bucket)


def _entity_buckets(text: str) -> list[int]:
    return _cached_buckets(_ENT.findall(text), _ECACHE)


def _norm_tf(buckets: Iterable[int]) -> dict[int, float]:
    counts = Counter(buckets)
    if not counts:
        return {}
    T = _TFW
    vec = {b: T[c] if c < 4096 else 1.0 + math.log(c) for b, c in counts.items()}
    norm = math.sqrt(fsum([v * v for v in vec.values()]))
    return {b: v / norm for b, v in vec.items()}


def featurize(title: str, text: str) -> dict[str, dict[int, float]]:
    """Hashed, L2-normalised sublinear-TF vectors of an article: {"body", "title", "ent"}."""
    title = title or ""
    text = text or ""
    text = text[:MAX_CHARS]
    body = _token_buckets(text, MAX_BODY_TOKENS)
    ents = _entity_buckets(title + ".\n" + text)
    return {"body": _norm_tf(body), "title": _norm_tf(_token_buckets(title)), "ent": _norm_tf(ents)}


def featurize_article(article: Article) -> dict[str, dict[int, float]]:
    """``featurize`` of what the clusterer reads from an article. A derived title (ingest's stand-in for an input
    with none: the body's first line, ``title_derived``) is not read as a title: that line is already in the body,
    and the model's title features were fitted on real headlines. Read as one, first lines such as "Looking for
    news you can trust?" or a dateline made untitled streams split and mis-join (Multi-News dev92 over 20 orders:
    pairwise F1 71.7 with derived titles read as titles, 83.8 without; issue 8 round 7)."""
    return featurize("" if article.title_derived else article.title, article.text)


_NO_PRIOR = array("H", bytes(2 * N_BUCKETS))


@functools.lru_cache(maxsize=1)
def _prior_languages() -> dict[str, str]:
    """wordfreq's languages and the files of their word lists."""
    try:
        from wordfreq import available_languages
    except ImportError:  # pragma: no cover - wordfreq is a dependency; degrade to the plain online IDF
        return {}
    return available_languages(wordlist="best")


def _frequency_head(lang: str):
    """wordfreq's word list of `lang`, bucket by bucket (bucket i: the words i centibels below 1), read as a stream.
    The file is a gzipped msgpack list [header, bucket 0, bucket 1, ...] (``wordfreq.read_cBpack``); the prior
    reads only its head, and wordfreq's own reader decodes all ~600k words first (~80 ms a language, most of the
    cost of meeting a new language; a stream of news from many countries meets dozens)."""
    import gzip

    import msgpack  # wordfreq's own dependency

    with gzip.open(_prior_languages()[lang], "rb") as f:
        unpacker = msgpack.Unpacker(f, raw=False)
        n = unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
            raise ValueError(f"unexpected wordfreq list header {header!r}")
        for _ in range(n - 1):
            yield unpacker.unpack()


@functools.lru_cache(maxsize=None)
def _language_prior(lang: str) -> dict[int, int]:
    """Per bucket, the document frequency of that term among ``PRIOR_DOCS`` pseudo-documents of general text in
    `lang`, from the word frequencies of the ``wordfreq`` package (shipped on PyPI, no download); buckets with a
    count of 0 are left out.

    Why: the IDF is learned online, so at the start of a fresh stream every term looks equally rare and
    common words ("government", "week") weigh as much as names; the prior keeps IDF sensible until the
    stream's own counts dominate (after a few thousand articles). It is a pure function of the wordfreq word
    list (collisions keep the larger count), so live and restored clusterers use the same table."""
    if lang not in _prior_languages():
        return {}
    from wordfreq import cB_to_freq

    freq: dict[int, float] = {}  # word bucket -> summed frequency of the words that stem to it
    ent: dict[int, float] = {}  # single-word name bucket -> frequency
    fmin = 0.5 / (PRIOR_DOCS * PRIOR_DOC_WORDS)  # rarer words round to a count of 0: skip them (speed)
    # wordfreq's list holds the words in buckets of falling frequency (bucket i: i centibels below 1, as its own
    # get_frequency_dict reads it), so only the head is read: ~12k of a language's ~600k words (0.13-0.5 s a
    # language before, most of a 1k-article multilingual ingest's clustering time)
    for i, bucket in enumerate(_frequency_head(lang)):
        f = cB_to_freq(-i)
        if f < fmin:
            break
        for w in bucket:
            b = _word_bucket(w)
            if b >= 0:
                freq[b] = freq.get(b, 0.0) + f
                if w.isalpha():
                    e = _entity_bucket(w)
                    if e >= 0:
                        ent[e] = ent.get(e, 0.0) + f
    counts: dict[int, int] = {}
    for d in (freq, ent):
        for b, f in d.items():
            c = round(PRIOR_DOCS * -math.expm1(-f * PRIOR_DOC_WORDS))
            if c > counts.get(b, 0):
                counts[b] = c
    return counts


@functools.lru_cache(maxsize=4)
def _prior_counts(langs: frozenset[str] = frozenset({"en"})) -> array:
    """The prior table of a set of languages: per bucket the largest of their counts (so it does not depend on the
    order the languages were met in). Without wordfreq the table is all zeros (plain online IDF)."""
    table = array("H", bytes(2 * N_BUCKETS))
    for lang in sorted(langs):
        _raise_prior(table, lang)
    return table


def _raise_prior(table: array, lang: str) -> list[int]:
    """Raise `table` in place to `lang`'s prior counts where they are larger; returns the buckets that changed."""
    changed = []
    for b, c in _language_prior(lang).items():
        if c > table[b]:
            table[b] = c
            changed.append(b)
    return changed


def _day(date: str | None) -> float | None:
    """ISO date/datetime -> days since epoch (float), None when missing or unparseable."""
    if not date:
        return None
    s = str(date).strip()
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = datetime.fromisoformat(s[:10])
        except ValueError:
            return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return (dt - datetime(1970, 1, 1)).total_seconds() / 86400.0


# ---------------------------------------------------------------------------------------------
# The decision model. Filled in by `python bench/cluster.py --calibrate`.

# A join needs at least one real text match: max(cos_body, cos_title, cos_ent) >= min_cos (the title's only with a
# shared name, `StoryClusterer._has_evidence`). The logistic model is
# additive, so for a same-day dated article and a 1-member story its time and size terms alone reach P ~0.45 with
# every cosine near 0.1 ("Plane returns to LA because passenger was on wrong flight" joining the American Airlines
# G League story). Issue 8 round 5, module docstring.
MIN_COS = 0.18

FEATURES = ["cos_body", "cos_title", "cos_title_body", "cos_ent", "rare_overlap", "has_title",
            "log_days", "date_known", "log_size"]
_EVIDENCE = (FEATURES.index("cos_body"), FEATURES.index("cos_title"), FEATURES.index("cos_ent"))
_DATE_KNOWN = FEATURES.index("date_known")
# Strict stories (`--strict-stories`, ``StoryClusterer(dated_threshold=DATED_THRESHOLD)``; opt-in): a pair of dated
# articles (article and story) needs P >= DATED_THRESHOLD to join, as well as "threshold". The model's date_known term
# (+1.41) reads as the base rate of the dated calibration stream (Giveme5W1H: nearly every article has its event in
# the stream already) rather than evidence; on a week of unrelated news (aeb-week) it joined topics at P 0.2-0.5.
# Chosen by bench/cluster.py ``dated_threshold_sweep`` on the calibration streams (aeb-week 55.0 -> 84.2 pairwise
# F1); not the default because held-out Giveme5W1H events fell 94.9 -> 90.3 (recall 96.8 -> 82.4: follow-ups weeks
# apart open stories of their own), docs/clustering.md.
DATED_THRESHOLD = 0.6
# Topic or event (opt-in, ``StoryClusterer(event_p=EVENT_P)``; issue 8 round 15, docs/clustering.md): a dated pair
# (article and story) joining at P < EVENT_P also needs EVENT_TERMS event-specific terms in common
# (``StoryClusterer._specific_shared``). The weak dated joins of a week of unrelated news (aeb-week: a plague case
# into Trump's trade war at P 0.24, "Best tech gadgets of 2019" into a MacBook story at 0.25) shared a common name or
# two; same-event follow-ups at that P share their own names ("Equifax", "Las Vegas") and headline words. Chosen by
# bench/cluster.py ``event_sweep`` on the calibration streams: aeb-week 55.0 -> 73.2 pairwise F1 (precision 38.5 ->
# 57.8), giveme-even and dev92 unchanged; only dated pairs, so untitled, undated streams (Multi-News) are untouched.
# Not the default: held-out Giveme5W1H events fell 94.9 -> 93.2 (recall 96.8 -> 93.4), follow-ups sharing too few
# specific terms split off.
EVENT_P = 0.45
EVENT_TERMS = 3
SPECIFIC_TITLE_DOCS = 2  # a headline word in at most this many of the prior's PRIOR_DOCS pseudo-documents is specific
MODEL: dict[str, Any] = {
    "features": list(FEATURES),  # a copy: appending a feature to FEATURES must not change the shipped model
    "coef": [4.4397, 5.1424, 3.0024, 3.1248, 0.6477, -0.4541, -0.412, 1.4124, -0.5475],
    "intercept": -3.1223,
    "threshold": 0.15,
    "merge_threshold": 0.6,
    "min_cos": MIN_COS,  # not fitted: chosen by bench/cluster.py ``evidence_sweep``
    "calibrated_on": ("multinews_dev92 + giveme5w1h even event_id (teacher-forced candidate pairs: 2077 pairs, 341 "
                      "positive; threshold maximises mean pairwise F1)"),
}


# Dense second stage (opt-in, ``StoryClusterer(dense=True)``; issue 8 round 9, docs/clustering.md). Word overlap cannot
# tell two same-topic events apart, nor see one event told in other words; all-MiniLM-L6-v2 (``unspun.embed``) on
# title + lead can, but costs ~9 ms an article at 64 word pieces (int8, one core), which the clusterer cannot pay for
# every article. So it is asked only when the decision is uncertain: the best candidate's P(same story) under
# ``MODEL`` in ``DENSE_BAND`` (0.1-0.2: wider bands gave the same calibration F1 for more embedding). Then the
# candidates are re-scored by ``DENSE_MODEL`` (``MODEL``'s features + the cosine of the article's vector with the
# mean vector of the story's first ``DENSE_MEMBERS`` members), fitted on teacher-forced calibration pairs with the
# dense cosine for every candidate (bench/cluster.py ``--calibrate-dense``), threshold by 3-fold cross-validation.
DENSE_FEATURES = FEATURES + ["cos_dense"]
DENSE_TOKENS = 64  # word pieces the encoder reads (on the calibration streams as good as 128, at half the cost)
DENSE_CHARS = 600  # characters of the body kept per story member (more than 64 word pieces of news text)
DENSE_MEMBERS = 3  # a story's vector is the mean of its first members' vectors (recomputable from the stored leads)
DENSE_BAND = (0.1, 0.2)
DENSE_MODEL: dict[str, Any] = {
    "features": list(DENSE_FEATURES),
    "coef": [3.8365, 2.2265, 1.2689, 3.2357, 3.8207, -0.115, -0.1741, 1.2571, -1.193, 5.4756],
    "intercept": -4.5558,
    "threshold": 0.3,
    "calibrated_on": ("multinews_dev92 + giveme5w1h even event_id, user path (teacher-forced candidate pairs with the "
                      "dense cosine for every candidate: 2108 pairs, 334 positive; threshold by 3-fold "
                      "cross-validation over gold stories, out-of-fold pairwise F1 91.7)"),
}


def _dense_text(article: Article) -> str:
    """What the encoder reads of an article: its real title and the start of its body."""
    title = "" if article.title_derived else (article.title or "").strip()
    body = (article.text or "")[:DENSE_CHARS]
    return f"{title}. {body}" if title else body


def _embed_text(text: str):
    """One text at a time: int8 dynamic quantisation scales by the whole batch, so a vector would otherwise depend on
    the texts it was encoded with, and a restored clusterer must recompute a story's vector bit for bit."""
    from . import embed

    return embed.encode([text], max_tokens=DENSE_TOKENS)[0].astype("float64")


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# ---------------------------------------------------------------------------------------------


NAMESPACES = ("body", "title", "ent")


class _Story:
    __slots__ = ("id", "seq", "size", "vecs", "norms", "first", "last", "last_seq", "lang", "posted",
                 "members", "leads", "lead_vecs", "dense_vec")

    def __init__(self, sid: str, seq: int, lang: str | None):
        self.id = sid
        self.seq = seq  # creation order: older stories win merges and ties
        self.size = 0
        # per namespace: sum of members' L2-normalised TF vectors (IDF applied at comparison time)
        self.vecs: dict[str, dict[int, float]] = {ns: {} for ns in NAMESPACES}
        # IDF-weighted norms, computed when the story last changed (stored in the state, so restores are exact)
        self.norms: dict[str, float] = {ns: 0.0 for ns in NAMESPACES}
        self.first: float | None = None
        self.last: float | None = None
        self.last_seq = seq
        self.lang = lang
        self.posted: set[int] = set()  # buckets under which the story is in the inverted index
        self.members: list[str] = []  # article ids (dropped with the story when it retires)
        # dense stage only: the encoder's text of the first DENSE_MEMBERS members (stored), their vectors and the
        # story's mean vector (not stored: encoded again from the leads when first needed after a restore)
        self.leads: list[str] = []
        self.lead_vecs: list = []
        self.dense_vec = None

    def to_state(self) -> dict:
        d = {"id": self.id, "seq": self.seq, "size": self.size,
             "vecs": {ns: [[k, x] for k, x in v.items()] for ns, v in self.vecs.items()},
             "norms": dict(self.norms), "first": self.first, "last": self.last,
             "last_seq": self.last_seq, "lang": self.lang, "posted": sorted(self.posted),
             "members": list(self.members)}
        if self.leads:
            d["leads"] = list(self.leads)
        return d

    @classmethod
    def from_state(cls, d: dict) -> "_Story":
        s = cls(d["id"], d["seq"], language_code(d["lang"]))  # states before codes were normalised held "de-DE"
        s.size = d["size"]
        s.vecs = {ns: {int(k): v for k, v in d["vecs"][ns]} for ns in NAMESPACES}
        s.norms = dict(d["norms"])
        s.first, s.last, s.last_seq = d["first"], d["last"], d["last_seq"]
        s.posted = set(d["posted"])
        s.members = list(d["members"])
        s.leads = list(d.get("leads", ()))  # states written without the dense stage have none
        s.lead_vecs = [None] * len(s.leads)
        return s

    def add_lead(self, text: str, vec) -> None:
        if len(self.leads) < DENSE_MEMBERS:
            self.leads.append(text)
            self.lead_vecs.append(vec)
            self.dense_vec = None


def _add_into(dst: dict[int, float], src: dict[int, float], cap: int) -> None:
    for k, v in src.items():
        dst[k] = dst.get(k, 0.0) + v
    if len(dst) > cap + cap // 2:  # prune with slack: amortises the sort
        keep = sorted(dst.items(), key=lambda kv: (-kv[1], kv[0]))[:cap]
        dst.clear()
        dst.update(keep)


def _dot(a: dict[int, float], b: dict[int, float]) -> float:
    # fsum: exactly rounded, so the result does not depend on set iteration order (a restored state must
    # score bit-for-bit like the live one)
    shared = a.keys() & b.keys()
    return fsum(map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))


class _Doc:
    """An article prepared for scoring: IDF-weighted unit vectors and their IDF-weighted-again copies."""
    __slots__ = ("tf", "unit2", "idf", "top", "day")


class StoryClusterer:
    """Online story clustering. ``add(article) -> story_id``; see the module docstring for the model.

    Parameters: ``threshold`` (P(same story) needed to join; default from ``MODEL``), ``merge_threshold``
    (P needed for a second story to be merged), ``window_days`` (stories idle longer than this, by article
    dates, retire; 0 = never), ``max_active`` (cap on active stories, least recently updated retire first),
    ``max_candidates`` (stories scored per article after the index look-up), ``model`` (decision model),
    ``dense`` (re-score uncertain decisions with sentence embeddings: ``DENSE_MODEL``, needs ``unspun.embed``),
    ``dense_band`` (the best candidate's P under ``model`` for which the dense stage is asked), ``dated_threshold``
    (P a join also needs when the article and the story are both dated; default from ``MODEL``, or ``threshold``
    when that is given), ``event_p`` / ``event_terms`` (a dated join under P ``event_p`` also needs ``event_terms``
    event-specific terms in common; off by default, ``EVENT_P`` turns it on).
    """

    STATE_VERSION = 2

    def __init__(self, *, threshold: float | None = None, merge_threshold: float | None = None,
                 window_days: float = WINDOW_DAYS, max_active: int = 5000, max_candidates: int = 6,
                 idf_prior: bool = True, min_cos: float | None = None, model: dict | None = None,
                 dense: bool = False, dense_band: tuple[float, float] = DENSE_BAND, dense_model: dict | None = None,
                 max_span_days: float = 0.0, dated_threshold: float | None = None,
                 event_p: float = 0.0, event_terms: int = EVENT_TERMS):
        self.model = dict(model or MODEL)
        self.event_p = float(event_p)
        self.event_terms = int(event_terms)
        self.max_span_days = float(max_span_days)
        self._params = self._set_model(self.model, FEATURES)
        self.dense = bool(dense)
        self.dense_band = (float(dense_band[0]), float(dense_band[1]))
        self.dense_model = dict(dense_model or DENSE_MODEL)
        self._dense_params = self._set_model(self.dense_model, DENSE_FEATURES)
        self.dense_threshold = float(self.dense_model["threshold"])
        # texts encoded by the dense stage and the CPU seconds spent on them (not stored: this process's work)
        self.n_encoded, self.encode_s = 0, 0.0
        self.threshold = float(self.model["threshold"] if threshold is None else threshold)
        # an explicit ``threshold`` holds for dated pairs too unless ``dated_threshold`` is given; a model (or a stored
        # state's model) without one has a single threshold
        if dated_threshold is None:
            dated_threshold = self.threshold if threshold is not None else self.model.get("dated_threshold",
                                                                                         self.threshold)
        self.dated_threshold = float(dated_threshold)
        self.merge_threshold = float(self.model.get("merge_threshold", 1.01)
                                     if merge_threshold is None else merge_threshold)
        self.min_cos = float(self.model.get("min_cos", MIN_COS) if min_cos is None else min_cos)
        self.window_days = float(window_days)
        self.max_active = int(max_active)
        self.max_candidates = int(max_candidates)
        self.idf_prior = bool(idf_prior)
        # pseudo-counts added to every document frequency, and the pseudo-documents added to N
        self.prior_langs: set[str] = {"en"} if self.idf_prior else set()
        self._pc = _prior_counts(frozenset(self.prior_langs)) if self.idf_prior else _NO_PRIOR
        self._n0 = PRIOR_DOCS if self.idf_prior else 0
        self.n_docs = 0
        self.df: dict[int, int] = {}
        self._ldf: dict[int, float] = {}  # log(df + prior + 1) per bucket seen: the IDF's one look-up per term
        self.stories: dict[str, _Story] = {}  # active stories by id (insertion order = creation order)
        self.index: dict[int, list[str]] = {}  # bucket -> active story ids
        self.merged_into: dict[str, str] = {}  # old id -> id it was merged into
        self.merges: list[dict] = []
        self.assigned: dict[str, str] = {}  # article id -> story id, for articles of active stories
        # retirement queues, min-heaps of (last date | last update seq, story seq, id); an entry is stale once the story
        # changed or left. They make retirement cost per retired story, not a scan of every active story per article
        # (~0.3 ms an article at 5,000 active stories, and a full sort per new story at ``max_active``).
        self._by_day: list[tuple[float, int, str]] = []
        self._by_use: list[tuple[int, int, str]] = []
        self.retired: int = 0
        self.seq = 0
        self.now: float | None = None  # latest article date seen
        self._logn = math.log(self._n0 + 1)

    @staticmethod
    def _set_model(model: dict, known: list[str]) -> tuple[list[int], list[float], float]:
        """(feature indices, coefficients, intercept) of a logistic model over the features ``known``."""
        names = list(model.get("features") or known[:len(model["coef"])])
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"model uses unknown features {unknown}")
        return [known.index(n) for n in names], [float(c) for c in model["coef"]], float(model["intercept"])

    # -- public API ---------------------------------------------------------------------------

    def resolve(self, story_id: str) -> str:
        """Follow merge events to the surviving story id (the id itself when never merged)."""
        seen = set()
        while story_id in self.merged_into and story_id not in seen:
            seen.add(story_id)
            story_id = self.merged_into[story_id]
        return story_id

    def add(self, article: Article, *, _force: str | None = None, _collect: list | None = None) -> str:
        """Assign one article to a story (joining an existing one or opening a new one).

        Returns the story id; it stays valid forever (``resolve`` follows later merges)."""
        if article.id in self.assigned:  # idempotent re-ingest
            return self.resolve(self.assigned[article.id])
        vec = featurize_article(article)
        day = _day(article.date)
        lang = language_code(article.language)
        if self.idf_prior and lang and lang not in self.prior_langs and lang in _prior_languages():
            self._add_prior_language(lang)
        if self.idf_prior:
            vec["ent"] = self._names_only(vec["ent"])
        self.seq += 1
        if day is not None and (self.now is None or day > self.now):
            self.now = day
        # online IDF: the article counts in the df before it is compared, so its own terms are defined
        buckets = vec["body"].keys() | vec["title"].keys() | vec["ent"].keys()
        self.n_docs += 1
        self._logn = math.log(self.n_docs + self._n0 + 1)
        df, ldf, pc = self.df, self._ldf, self._pc
        for b in buckets:
            d = df.get(b, 0)
            if d < DF_CAP:
                df[b] = d + 1
                ldf[b] = _LOG[d + 1 + pc[b]]
        self._expire()

        doc = self._prepare(vec, buckets, day)
        scored = []
        for s in self._candidates(doc.top, lang, day):
            x = self._features(doc, s)
            p = self._prob(x) if self._has_evidence(x) else 0.0
            if x[_DATE_KNOWN] and (p < self.dated_threshold or
                                   (p < self.event_p and self._specific_shared(doc, s) < self.event_terms)):
                p = 0.0
            scored.append((p, s, x))
        scored.sort(key=lambda t: (-t[0], t[1].seq))
        threshold, text, dvec = self.threshold, None, None
        if self.dense:
            text = _dense_text(article)
            if _collect is not None or (_force is None and scored and
                                        self.dense_band[0] <= scored[0][0] < self.dense_band[1]):
                dvec = self._encode(text)
                scored, threshold = self._dense_rescore(dvec, scored)
        if _collect is not None:  # calibration hook (bench/cluster.py): features of every candidate
            _collect.append([(x, s.id) for _, s, x in scored])
        if _force is not None:  # calibration hook: teacher forcing with the gold story id ("" = new)
            story = self.stories.get(_force) if _force else None
            if story is None:
                story = self._new_story(article.id, lang)
        elif scored and scored[0][0] >= threshold:
            p, story, _ = scored[0]
            if p >= self.merge_threshold:
                for p2, other, _ in scored[1:]:
                    if p2 < self.merge_threshold:
                        break
                    if self._too_long(story, other):
                        continue  # each fits the article, the two together would stretch past ``max_span_days``
                    story = self._merge(story, other, article.id, p2)
        else:
            story = self._new_story(article.id, lang)
        self._absorb(story, doc, day)
        if self.dense:
            story.add_lead(text, dvec)
        story.members.append(article.id)
        self.assigned[article.id] = story.id
        return story.id

    def _too_long(self, a: _Story, b: _Story) -> bool:
        if not self.max_span_days or a.first is None or b.first is None:
            return False
        return max(a.last, b.last) - min(a.first, b.first) > self.max_span_days

    def story_of(self, article_id: str) -> str | None:
        """Current story of an article still in an active story (None once its story retired)."""
        sid = self.assigned.get(article_id)
        return self.resolve(sid) if sid else None

    # -- scoring ------------------------------------------------------------------------------

    # IDF(b) = log((N + N0 + 1) / (df(b) + prior(b) + 1)) + 1: smooth, online, with the general-English prior
    def _idf(self, b: int) -> float:
        lg = self._ldf.get(b)
        return self._logn + 1.0 - (_LOG[self._pc[b]] if lg is None else lg)

    def _prepare(self, vec, buckets, day) -> _Doc:
        L = self._logn + 1.0
        if self._ldf.keys() >= buckets:  # always, except for the benchmark's look-ahead before the df update
            idf = {b: L - lg for b, lg in zip(buckets, map(self._ldf.__getitem__, buckets))}
        else:
            idf = {b: self._idf(b) for b in buckets}
        d = _Doc()
        d.tf, d.idf, d.day = vec, idf, day
        d.unit2 = {}
        top: dict[int, float] = {}  # max over namespaces of the unit TF-IDF weight, for the index look-up
        for ns in NAMESPACES:
            v = vec[ns]
            if not v:
                d.unit2[ns] = {}
                continue
            w = {b: x * idf[b] for b, x in v.items()}
            inv = 1.0 / math.sqrt(fsum([x * x for x in w.values()]))
            for b, x in w.items():
                x *= inv
                if x > top.get(b, 0.0):
                    top[b] = x
            d.unit2[ns] = {b: x * inv * idf[b] for b, x in w.items()}
        # the rarest/heaviest terms; ties keep first-seen order (nlargest is stable), deterministic per article
        d.top = [b for b, _ in heapq.nlargest(TOP_TERMS, top.items(), key=itemgetter(1))]
        return d

    def _story_norm(self, v: dict[int, float]) -> float:
        L = self._logn + 1.0
        w = [x * (L - lg) for x, lg in zip(v.values(), map(self._ldf.__getitem__, v))]  # a story's terms were seen
        return math.sqrt(fsum(map(mul, w, w)))

    @staticmethod
    def _cos(d2: dict[int, float], sv: dict[int, float], snorm: float) -> float:
        """Cosine of an article (unit vector IDF-weighted twice) and a story's raw sum (norm ``snorm``)."""
        if not d2 or not snorm:
            return 0.0
        return _dot(d2, sv) / snorm

    def _features(self, doc: _Doc, story: _Story) -> list[float]:
        sv, sn, u2 = story.vecs, story.norms, doc.unit2
        cos_body = self._cos(u2["body"], sv["body"], sn["body"])
        cos_title = self._cos(u2["title"], sv["title"], sn["title"])
        cos_tb = self._cos(u2["title"], sv["body"], sn["body"])
        cos_ent = self._cos(u2["ent"], sv["ent"], sn["ent"])
        idf = doc.idf
        # share (IDF-weighted) of the article's rarest terms that the story carries anywhere
        if doc.top:
            tot = hit = 0.0
            sb, se, st = sv["body"], sv["ent"], sv["title"]
            for b in doc.top:
                w = idf[b]
                tot += w
                if b in sb or b in se or b in st:
                    hit += w
            rare = hit / tot
        else:
            rare = 0.0
        has_title = 1.0 if (u2["title"] and sn["title"]) else 0.0
        day = doc.day
        if day is not None and story.last is not None:
            gap = 0.0 if story.first <= day <= story.last else min(abs(day - story.first), abs(day - story.last))
            log_days, known = math.log1p(gap), 1.0
        else:
            log_days, known = 0.0, 0.0
        return [cos_body, cos_title, cos_tb, cos_ent, rare, has_title, log_days, known,
                math.log(story.size)]

    def _encode(self, text: str):
        t = time.process_time()
        vec = _embed_text(text)
        self.n_encoded += 1
        self.encode_s += time.process_time() - t
        return vec

    def _story_vector(self, s: _Story):
        """Mean vector of the story's leads (None when it has none: a story from a state written without them)."""
        if s.dense_vec is None and s.leads:
            for i, v in enumerate(s.lead_vecs):
                if v is None:
                    s.lead_vecs[i] = self._encode(s.leads[i])
            total = sum(s.lead_vecs[1:], s.lead_vecs[0])
            s.dense_vec = total / math.sqrt(float(total @ total))
        return s.dense_vec

    def _dense_rescore(self, dvec, scored: list) -> tuple[list, float]:
        """Candidates re-scored by ``DENSE_MODEL``, and the join threshold that goes with them. x gains the dense
        cosine (0 where not computed). A candidate the first stage ruled out (no text evidence, or a dated pair under
        ``dated_threshold``) stays at 0, and one without a story vector
        (a story from a state written without the dense stage) keeps its first-stage P; when no candidate has one,
        the first stage decides."""
        out, rescored = [], False
        for p, s, x in scored:
            sv = self._story_vector(s) if self._has_evidence(x) else None
            x = x + [float(sv @ dvec) if sv is not None else 0.0]
            if sv is not None and p > 0.0:  # p = 0: a dated pair under dated_threshold (it keeps its dense cosine)
                p, rescored = self._prob(x, self._dense_params), True
            out.append((p, s, x))
        out.sort(key=lambda t: (-t[0], t[1].seq))
        return out, (self.dense_threshold if rescored else self.threshold)

    def _specific_shared(self, doc: _Doc, story: _Story) -> int:
        """How many event-specific terms the article and the story share: name phrases the general-English prior
        does not know (every multi-word one: "Inner Mongolia", "Adam Schiff"; single names such as "Trump" or
        "China" it knows) and headline words it rarely uses (in at most ``SPECIFIC_TITLE_DOCS`` of its pseudo-
        documents). Without the prior (``idf_prior=False``) every shared name and headline word counts."""
        pc = self._pc
        se, st = story.vecs["ent"], story.vecs["title"]
        n = sum(1 for b in doc.tf["ent"] if b in se and not pc[b])
        return n + sum(1 for b in doc.tf["title"] if b in st and pc[b] <= SPECIFIC_TITLE_DOCS)

    def _has_evidence(self, x: list[float]) -> bool:
        """At least one of the body, title and name-phrase cosines reaches ``min_cos`` (else no join, no merge). The
        title's counts only when the two share some name: headlines share common words across stories ("Home Depot
        sales miss, shares plunge" / "New car sales plunge 10 percent", "Man stabbed to death on San Francisco Bay
        train" / "Son of former German president stabbed to death in Berlin", both joined in a stream of the AEB
        pages of one week with body cosines of 0.13-0.15 and no shared name). The Giveme5W1H and Multi-News streams
        of bench/cluster.py have no such join: all four scores were unchanged by this rule."""
        cos_body, cos_title, cos_ent = (x[i] for i in _EVIDENCE)
        return max(cos_body, cos_ent) >= self.min_cos or (cos_title >= self.min_cos and cos_ent > 0.0)

    def _prob(self, x: list[float], params: tuple | None = None) -> float:
        """P(same story) under ``model`` (or the (indices, coefficients, intercept) ``params`` of another one)."""
        fidx, coef, icpt = params or self._params
        return _sigmoid(icpt + fsum([c * x[i] for c, i in zip(coef, fidx)]))

    def _add_prior_language(self, lang: str) -> None:
        """Add a language's prior (its function words stop weighing like names); every term's IDF follows."""
        self.prior_langs.add(lang)
        # the table grows by one language (a copy: the starting table is shared through _prior_counts' cache);
        # rebuilding it from every language met cost a quadratic number of passes on a many-language stream
        self._pc = pc = array("H", self._pc)
        df, ldf = self.df, self._ldf
        for b in _raise_prior(pc, lang):
            if b in df:
                ldf[b] = _LOG[df[b] + pc[b]]

    def _names_only(self, ent: dict[int, float]) -> dict[int, float]:
        """The name vector without a language's most common words, capitalised at a sentence start ("El", "Die",
        "Les"): in a vector of a few names they made unrelated briefs look alike whatever their IDF. Only single
        words have a prior count this high, and English ones are stop words already."""
        pc = self._pc
        kept = {b: w for b, w in ent.items() if pc[b] < FUNCTION_WORD_DOCS}
        if len(kept) == len(ent):
            return ent
        norm = math.sqrt(fsum([w * w for w in kept.values()]))
        return {b: w / norm for b, w in kept.items()} if norm else {}

    def _candidates(self, top: list[int], lang: str | None, day: float | None = None) -> list[_Story]:
        votes: dict[str, float] = {}
        idf = self._idf
        index = self.index
        for b in top:
            lst = index.get(b)
            if lst:
                w = idf(b)
                for sid in lst:
                    votes[sid] = votes.get(sid, 0.0) + w
        stories = self.stories
        span = self.max_span_days
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], stories[kv[0]].seq))
        out = []
        for sid, _ in ranked:
            s = stories[sid]
            if lang and s.lang and lang != s.lang:
                continue  # no cross-lingual joins without a multilingual model
            if span and day is not None and s.first is not None and max(s.last, day) - min(s.first, day) > span:
                continue  # joining would stretch the story past ``max_span_days``
            out.append(s)
            if len(out) >= self.max_candidates:
                break
        return out

    # -- story bookkeeping ----------------------------------------------------------------------

    def _new_story(self, article_id: str, lang: str | None) -> _Story:
        base = "s" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]
        sid, n = base, 1
        while sid in self.stories or sid in self.merged_into:
            n += 1
            sid = f"{base}-{n}"
        s = _Story(sid, self.seq, lang)
        self.stories[sid] = s
        return s

    def _refresh_norms(self, s: _Story) -> None:
        for ns in NAMESPACES:
            s.norms[ns] = self._story_norm(s.vecs[ns])

    def _absorb(self, s: _Story, doc: _Doc, day: float | None) -> None:
        s.size += 1
        vec = doc.tf
        for ns in NAMESPACES:
            _add_into(s.vecs[ns], vec[ns], STORY_MAX_TERMS[ns])
        self._refresh_norms(s)
        if day is not None:
            s.first = day if s.first is None else min(s.first, day)
            s.last = day if s.last is None else max(s.last, day)
        s.last_seq = self.seq
        self._queue(s)
        for b in doc.top:
            if b not in s.posted:
                s.posted.add(b)
                self.index.setdefault(b, []).append(s.id)

    def _unindex(self, s: _Story) -> None:
        for b in s.posted:
            lst = self.index.get(b)
            if lst:
                try:
                    lst.remove(s.id)
                except ValueError:
                    pass
                if not lst:
                    del self.index[b]
        s.posted = set()

    def _merge(self, keep: _Story, other: _Story, article_id: str, score: float) -> _Story:
        if other.seq < keep.seq:  # the older story survives
            keep, other = other, keep
        for ns in NAMESPACES:
            _add_into(keep.vecs[ns], other.vecs[ns], STORY_MAX_TERMS[ns])
        self._refresh_norms(keep)
        keep.size += other.size
        keep.members.extend(other.members)
        for text, vec in zip(other.leads, other.lead_vecs):
            keep.add_lead(text, vec)
        if other.first is not None:
            keep.first = other.first if keep.first is None else min(keep.first, other.first)
        if other.last is not None:
            keep.last = other.last if keep.last is None else max(keep.last, other.last)
        keep.last_seq = max(keep.last_seq, other.last_seq)
        self._queue(keep)
        posted = sorted(other.posted)
        self._unindex(other)
        for b in posted:
            if b not in keep.posted:
                keep.posted.add(b)
                self.index.setdefault(b, []).append(keep.id)
        del self.stories[other.id]
        self.merged_into[other.id] = keep.id
        self.merges.append({"old_id": other.id, "new_id": keep.id, "article_id": article_id,
                            "score": round(score, 6), "seq": self.seq})
        return keep

    def _queue(self, s: _Story) -> None:
        """Queue a story that changed for retirement by date and by use (its older entries go stale)."""
        if s.last is not None:
            heapq.heappush(self._by_day, (s.last, s.seq, s.id))
        heapq.heappush(self._by_use, (s.last_seq, s.seq, s.id))
        if len(self._by_use) > 4 * len(self.stories) + 64:  # drop stale entries now and then (bounded memory)
            self._requeue()

    def _requeue(self) -> None:
        stories = sorted(self.stories.values(), key=lambda s: s.seq)
        self._by_day = [(s.last, s.seq, s.id) for s in stories if s.last is not None]
        self._by_use = [(s.last_seq, s.seq, s.id) for s in stories]
        heapq.heapify(self._by_day)
        heapq.heapify(self._by_use)

    def _expire(self) -> None:
        """Retire the stories idle for ``window_days`` by date, then the least recently updated ones beyond
        ``max_active`` (oldest first)."""
        stories = self.stories
        if self.now is not None and self.window_days > 0:
            horizon, queue = self.now - self.window_days, self._by_day
            while queue and queue[0][0] < horizon:
                last, seq, sid = heapq.heappop(queue)
                s = stories.get(sid)
                if s is not None and s.seq == seq and s.last == last:
                    self._retire(s)
        queue = self._by_use
        while len(stories) > self.max_active and queue:
            last_seq, seq, sid = heapq.heappop(queue)
            s = stories.get(sid)
            if s is not None and s.seq == seq and s.last_seq == last_seq:
                self._retire(s)

    def _retire(self, s: _Story) -> None:
        self._unindex(s)
        for aid in s.members:
            self.assigned.pop(aid, None)
        del self.stories[s.id]
        self.retired += 1

    # -- persistence ----------------------------------------------------------------------------

    def to_state(self) -> dict:
        """A JSON-serialisable snapshot; ``from_state(to_state())`` continues exactly where this left off."""
        return {
            "version": self.STATE_VERSION,
            "params": {"threshold": self.threshold, "dated_threshold": self.dated_threshold,
                       "merge_threshold": self.merge_threshold,
                       "window_days": self.window_days, "max_active": self.max_active,
                       "max_candidates": self.max_candidates, "idf_prior": self.idf_prior,
                       "min_cos": self.min_cos, "dense": self.dense, "dense_band": list(self.dense_band),
                       "max_span_days": self.max_span_days, "event_p": self.event_p,
                       "event_terms": self.event_terms},
            "model": self.model,
            "dense_model": self.dense_model,
            "n_docs": self.n_docs,
            "prior_langs": sorted(self.prior_langs),
            "seq": self.seq,
            "now": self.now,
            "retired": self.retired,
            "df": [[k, self.df[k]] for k in sorted(self.df)],
            "stories": [s.to_state() for s in self.stories.values()],
            "merged_into": dict(sorted(self.merged_into.items())),
            "merges": list(self.merges),
        }

    @classmethod
    def from_state(cls, state: dict) -> "StoryClusterer":
        if state.get("version") != cls.STATE_VERSION:
            raise ValueError(f"unsupported clusterer state version {state.get('version')!r}")
        model, params = state["model"], dict(state["params"])
        if any(n not in FEATURES for n in model.get("features", ())):
            # a snapshot written by an older model (e.g. with the dropped "cos_lead" feature): continue with
            # the current model and its thresholds; the stories' vectors carry over unchanged
            model = MODEL
            if params.get("dated_threshold") == params.get("threshold"):  # a strict bar the user asked for stays
                params.pop("dated_threshold", None)
            params.pop("threshold", None)
            params.pop("merge_threshold", None)
        self = cls(model=model, dense_model=state.get("dense_model"), **params)
        if self.idf_prior:  # states written before other languages' priors had English only
            self.prior_langs = set(state.get("prior_langs", ["en"]))
            self._pc = _prior_counts(frozenset(self.prior_langs))
        self.n_docs = state["n_docs"]
        self._logn = math.log(self.n_docs + self._n0 + 1)
        self.seq = state["seq"]
        self.now = state["now"]
        self.retired = state["retired"]
        self.df = {int(k): v for k, v in state["df"]}
        self._ldf = {b: _LOG[d + self._pc[b]] for b, d in self.df.items()}
        for d in state["stories"]:
            s = _Story.from_state(d)
            self.stories[s.id] = s
            for aid in s.members:
                self.assigned[aid] = s.id
        self._rebuild_index()
        self._requeue()
        self.merged_into = dict(state["merged_into"])
        self.merges = list(state["merges"])
        return self

    def _rebuild_index(self) -> None:
        # posting-list order does not affect results (candidates are re-ranked by votes, then seq)
        self.index = {}
        for s in sorted(self.stories.values(), key=lambda s: s.seq):
            for b in sorted(s.posted):
                self.index.setdefault(b, []).append(s.id)


def _order(articles: list[Article]) -> list[Article]:
    """Date order; an undated article keeps its ingest position (it sorts right after the dated
    article that preceded it in the input)."""
    keyed = []
    last = float("-inf")
    for i, a in enumerate(articles):
        d = _day(a.date)
        if d is not None:
            last = d
        keyed.append(((d if d is not None else last), i, a))
    keyed.sort(key=lambda t: (t[0], t[1]))
    return [a for _, _, a in keyed]


def cluster_articles(articles: Iterable[Article], *, clusterer: StoryClusterer | None = None,
                     **kw) -> dict[str, str]:
    """Batch use: order articles by date (ingest order for undated ones) and stream them through a
    StoryClusterer. Returns {article_id: story_id} with every id resolved through merges."""
    c = clusterer or StoryClusterer(**kw)
    got = [(a.id, c.add(a)) for a in _order(list(articles))]
    return {aid: c.resolve(sid) for aid, sid in got}
