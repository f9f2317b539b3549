"""Spin: how the outlets of one story differ — headlines side by side, what each leads with, and
facts that only one outlet reports.

"Only one outlet" is decided by sentence similarity (TF-IDF cosine) against every sentence of the
other outlets' articles, so a paraphrase of the same fact elsewhere does not count as exclusive.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .model import Article

EXCLUSIVE_MAX_SIM = 0.3  # below this cosine to every other outlet's sentence, a sentence is "only here"
MAX_SENTENCES_PER_ARTICLE = 80  # bounds the similarity matrix for very long articles
MAX_EXCLUSIVE_PER_OUTLET = 4
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_FACT_SIGNAL = re.compile(r"\d|[A-Z][a-z]+\s+[A-Z][a-z]+")  # a number or a multi-word proper name
_NAME_OR_NUMBER = re.compile(r"(?<!^)(?<![.!?]\s)\b(?:[A-Z][\w-]+|\d[\d.,%]*)")
_QUOTE_OPEN = re.compile(r'^\W*["\u201c\u00ab\u2018\']')


def outlet_of(a: Article) -> str:
    return a.outlet or a.id


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in ENGLISH_STOP_WORDS and len(w) > 2}


def story_spin(articles: list[Article], sent_lists: list[list[str]], docs: dict | None = None) -> dict:
    """Headlines, leads and single-outlet facts for one story (articles earliest first)."""
    headline_words = [_content_words(a.title) for a in articles]
    headlines = []
    for i, a in enumerate(articles):
        others = set().union(*(w for j, w in enumerate(headline_words) if j != i)) if len(articles) > 1 else set()
        headlines.append(
            {
                "article_id": a.id,
                "outlet": a.outlet,
                "title": a.title,
                "distinctive_words": sorted(headline_words[i] - others) if others else [],
            }
        )
    leads = []
    for a, sents in zip(articles, sent_lists):
        lead = sents[0] if sents else ""
        ents: list[str] = []
        doc = (docs or {}).get(a.id)
        if doc is not None and lead:
            first = next(iter(doc.sents), None)
            if first is not None:
                ents = sorted({e.text for e in first.ents if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "LOC")})
        leads.append({"article_id": a.id, "outlet": a.outlet, "lead": lead, "entities": ents})

    return {
        "headlines": headlines,
        "leads": leads,
        "single_source": single_source_facts(articles, sent_lists),
    }


def single_source_facts(articles: list[Article], sent_lists: list[list[str]]) -> list[dict]:
    outlets = [outlet_of(a) for a in articles]
    if len(set(outlets)) < 2:
        return []
    rows: list[tuple[int, int, str]] = []  # (article index, position, sentence)
    for ai, sents in enumerate(sent_lists):
        for si, s in enumerate(sents[:MAX_SENTENCES_PER_ARTICLE]):
            rows.append((ai, si, s))
    if len(rows) < 2:
        return []
    try:
        mat = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform([r[2] for r in rows])
    except ValueError:  # empty vocabulary (no content words at all)
        return []
    sim = (mat @ mat.T).toarray()
    row_outlet = np.array([outlets[r[0]] for r in rows], dtype=object)
    candidates: list[tuple[float, int]] = []
    for idx, (ai, si, sent) in enumerate(rows):
        # facts, not quotes (single-outlet quotes are listed from the merged quotes) and not fragments
        if len(sent.split()) < 8 or not _FACT_SIGNAL.search(sent) or _QUOTE_OPEN.match(sent):
            continue
        other = row_outlet != outlets[ai]
        if not other.any() or sim[idx, other].max() >= EXCLUSIVE_MAX_SIM:
            continue
        # salience: how many names and figures the sentence carries, earlier sentences first on ties
        candidates.append((-len(_NAME_OR_NUMBER.findall(sent)) + si * 0.01, idx))
    chosen: list[int] = []
    per_outlet: dict[str, int] = {}
    for _, idx in sorted(candidates):
        o = outlets[rows[idx][0]]
        if per_outlet.get(o, 0) < MAX_EXCLUSIVE_PER_OUTLET:
            per_outlet[o] = per_outlet.get(o, 0) + 1
            chosen.append(idx)
    return [
        {"text": rows[i][2], "article_id": articles[rows[i][0]].id, "outlet": articles[rows[i][0]].outlet,
         "position": rows[i][1]}
        for i in sorted(chosen)
    ]


def single_source_quotes(quotes: list, articles: list[Article]) -> list[dict]:
    """Merged quotes that only one outlet carries."""
    outlet = {a.id: outlet_of(a) for a in articles}
    if len(set(outlet.values())) < 2:
        return []
    return [
        {"text": q.text, "speaker": q.speaker, "kind": q.kind, "article_id": q.article_ids[0],
         "outlet": next((a.outlet for a in articles if a.id == q.article_ids[0]), None)}
        for q in quotes
        if q.article_ids and len({outlet.get(i) for i in q.article_ids}) == 1
    ]
