"""Spin: how the outlets of one story differ — headlines side by side, what each leads with, and
facts that only one outlet reports.

The lead is the first real sentence of the body: not a dateline fragment ("ERIE, Pa. —"), photo caption or
byline, and without a headline run into it.

"Only one outlet" is decided by sentence similarity (TF-IDF cosine) against every sentence of the
other outlets' articles, so a paraphrase of the same fact elsewhere does not count as exclusive; nor does a
sentence whose precise figures ("$284.46") all appear in another outlet. An outlet repeating a fact lists it once.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .model import Article, normalize_ws

EXCLUSIVE_MAX_SIM = 0.3  # below this cosine to every other outlet's sentence, a sentence is "only here"
MAX_SENTENCES_PER_ARTICLE = 80  # bounds the similarity matrix for very long articles
MAX_EXCLUSIVE_PER_OUTLET = 4
SAME_FACT_SIM = 0.5  # two exclusive sentences of one outlet this close say the same thing: list it once
LEAD_MIN_WORDS = 8  # shorter first "sentences" are datelines ("ERIE, Pa. —"), kickers and promo lines
LEAD_SEARCH = 6  # the lead is among the first sentences; past these, fall back to the first
_LETTERS = re.compile(r"[^\W\d_]")
# photo captions and bylines come first in many scraped bodies, but no reporter leads with them
_CAPTION = re.compile(r"^FILE\s*[-\u2013\u2014]|\bfile photo\b|\(AP Photo\b|\bPhoto:|\((?:Photo|Image)\b|\bpictured\b"
                      r"|\bGetty Images\b|\bImage (?:caption|copyright)\b", re.IGNORECASE)
_PHOTO_CREDIT = re.compile(r"^\([^()]{2,60}/[^()]{2,60}\)")  # "(Michael Wyke/Associated Press)" after a caption
_ENDS_WITH_CREDIT = re.compile(r"\([^()]{2,60}/[^()]{2,60}\)\W*$")  # "... intercepts a pass (Christian Smith/AP)"
_LEAD_ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP", "LOC")
_BYLINE = re.compile(r"^\W*(?:By|Source:)\s", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_FACT_SIGNAL = re.compile(r"\d|[A-Z][a-z]+\s+[A-Z][a-z]+")  # a number or a multi-word proper name
_NAME_OR_NUMBER = re.compile(r"(?<!^)(?<![.!?]\s)\b(?:[A-Z][\w-]+|\d[\d.,%]*)")
_FIGURE = re.compile(r"\d+(?:[.,:]\d+)*")
_QUOTE_OPEN = re.compile(r'^\W*["\u201c\u00ab\u2018\']')


def outlet_of(a: Article) -> str:
    return a.outlet or a.id


def _content_words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in ENGLISH_STOP_WORDS and len(w) > 2}


def specific_figures(text: str) -> set[str]:
    """Figures precise enough to identify a fact ("$284.46", "226 yards", "5:52"): three digits or more, not a
    year. Small counts and years recur across unrelated facts; "$284.46" in two outlets is the same fact."""
    figures = {f.replace(",", "") for f in _FIGURE.findall(text)}
    return {f for f in figures if sum(c.isdigit() for c in f) >= 3 and not re.fullmatch(r"(?:19|20)\d\d", f)}


def _is_caption(sents: list[str], i: int) -> bool:
    """Sentence i reads as a photo caption: caption wording, a photo credit at its end or opening the next one."""
    return bool(_CAPTION.search(sents[i]) or _ENDS_WITH_CREDIT.search(sents[i])) \
        or (i + 1 < len(sents) and bool(_PHOTO_CREDIT.match(sents[i + 1])))


def _without_title(sentence: str, title: str | None) -> str:
    """Scraped bodies often start with the headline run into the first sentence; the lead is what follows it."""
    if title and len(sentence) > len(title) and sentence.lower().startswith(title.lower()):
        return sentence[len(title):].lstrip(" :.-\u2013\u2014")
    return sentence


def lead_sentence(sents: list[str], title: str | None = None) -> str:
    """The sentence the article leads with: the first of its opening sentences that is a real sentence (long enough,
    not a caption or byline), without a headline run into it; the first sentence when none qualifies."""
    for i, sent in enumerate(sents[:LEAD_SEARCH]):
        text = _PHOTO_CREDIT.sub("", _without_title(sent, title)).lstrip()  # a credit closes the caption before
        words = [w for w in text.split() if _LETTERS.search(w)]
        if len(words) >= LEAD_MIN_WORDS and not _BYLINE.match(text) and not _is_caption(sents, i):
            return text
    return _without_title(sents[0], title) if sents else ""


def _lead_entities(doc, lead: str) -> list[str]:
    """Names in the spaCy sentence that holds the lead."""
    for n, sent in enumerate(doc.sents):
        if n >= 2 * LEAD_SEARCH:  # paragraph breaks split spaCy sentences: a few more than LEAD_SEARCH
            break
        sent_text = normalize_ws(sent.text)
        if lead in sent_text or sent_text in lead:
            return sorted({e.text for e in sent.ents if e.label_ in _LEAD_ENTITY_TYPES and e.text in lead})
    return []


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
        lead = lead_sentence(sents, a.title)
        doc = (docs or {}).get(a.id)
        ents = _lead_entities(doc, lead) if doc is not None and lead else []
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
    figures_of: dict[str, set[str]] = {}
    for ai, _si, sent in rows:
        figures_of.setdefault(outlets[ai], set()).update(specific_figures(sent))
    candidates: list[tuple[float, int]] = []
    for idx, (ai, si, sent) in enumerate(rows):
        # facts, not quotes (single-outlet quotes are listed from the merged quotes) and not fragments
        if len(sent.split()) < 8 or not _FACT_SIGNAL.search(sent) or _QUOTE_OPEN.match(sent) \
                or _is_caption(sent_lists[ai], si):
            continue
        other = row_outlet != outlets[ai]
        if not other.any() or sim[idx, other].max() >= EXCLUSIVE_MAX_SIM:
            continue
        figures = specific_figures(sent)
        if figures and figures <= set().union(*(f for o, f in figures_of.items() if o != outlets[ai])):
            continue  # a paraphrase: every precise figure it gives ("$284.46") is in another outlet too
        # salience: how many names and figures the sentence carries, earlier sentences first on ties
        candidates.append((-len(_NAME_OR_NUMBER.findall(sent)) + si * 0.01, idx))
    chosen: list[int] = []
    per_outlet: dict[str, int] = {}
    for _, idx in sorted(candidates):
        o = outlets[rows[idx][0]]
        if per_outlet.get(o, 0) >= MAX_EXCLUSIVE_PER_OUTLET:
            continue
        if any(row_outlet[j] == o and sim[idx, j] >= SAME_FACT_SIM for j in chosen):
            continue  # the outlet repeats this fact (a recap paragraph, a repeated caption)
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
