"""Copy map: passages reused across the articles of a story, who carried them first, how much is original.

A passage is a run of sentences that two or more articles carry verbatim or near-verbatim; a run that is all direct
quotation or embedded posts (a tweet shown in both) does not count, since outlets quoting one speaker need not copy
each other. Direction (who copied whom) is only claimed when publish dates separate the carriers; otherwise the reuse
is reported undirected, because ingest order says nothing about who wrote first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dedup import new_lsh, new_minhash
from .model import Article, SharedPassage

MIN_TOKENS = 6  # shorter sentences ("he said.", datelines) are shared by chance, not by copying
NEAR_THRESHOLD = 0.7  # Jaccard over word 3-shingles: a copied sentence with a word or two edited still matches
QUOTED_MAX = 0.7  # a sentence this much inside quote marks ("...", said X) is the speaker's words, not the writer's
_TOKEN = re.compile(r"\w+", re.UNICODE)
# an embedded social-media post as scrapes flatten it: "... pic.twitter.com/x — Jane Roe (@jroe) April 25, 2017"
EMBEDDED_POST = re.compile(r"pic\.twitter\.com/|https?://t\.co/|\(@\w{1,15}\)")


def sentence_key(text: str) -> str:
    """Case-, punctuation- and whitespace-insensitive key for comparing sentences."""
    return " ".join(_TOKEN.findall(text.lower()))


@dataclass
class _Occ:
    art: int  # index into the (earliest-first) article list
    pos: int  # sentence index within the article
    text: str
    key: str


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def quoted_share(text: str) -> float:
    """Share of the sentence's words that are inside quote marks (an opening mark left open runs to the end)."""
    return quoted_shares([text])[0]


# a quote mark or a word; a mark that opens stands before a word ("'It was bad,' she said", '"We split'), one that
# closes after one, so the apostrophes of "boy's" and "'90s" are neither
_QUOTE_OR_WORD = re.compile(r"(?<![\w.,!?])(?:[\"\u201c\u00ab](?=\w)|[\u2018'](?=[^\W\d_]))"
                            r"|(?<=[\w.,!?])[\"\u201d\u00bb\u2019'](?!\w)|[\u201c\u201d\u00ab\u00bb]|\w+")
_OPENS, _CLOSES = "\u201c\u00ab\u2018", "\u201d\u00bb\u2019"
QUOTE_MAX_SENTENCES = 4  # a quotation left open longer than this is a stray mark, not a statement quoted whole


def quoted_shares(sents: list[str]) -> list[float]:
    """`quoted_share` of each of an article's sentences in order. A quotation runs over sentences until its mark
    closes (a tweet or statement quoted whole: 'She wrote: "We split. It got hard."'); a mark opening a sentence
    inside one re-opens it, as a quotation that goes on over paragraphs is printed; one inside a sentence nests."""
    shares, depth, open_for = [], 0, 0
    for text in sents:
        quoted = words = 0
        for m in _QUOTE_OR_WORD.finditer(text):
            t = m.group()
            opens = t in _OPENS or (t in "\"'" and m.end() < len(text) and text[m.end()].isalnum())
            if opens:
                if not (depth and quoted == words == 0):  # re-opened at the start of a sentence: still one quotation
                    depth += 1
            elif t in _CLOSES or t in "\"'":
                depth = max(0, depth - 1)
            else:
                words += 1
                quoted += depth > 0
        shares.append(quoted / words if words else 0.0)
        open_for = open_for + 1 if depth else 0
        if open_for >= QUOTE_MAX_SENTENCES:
            depth, open_for = 0, 0
    return shares


def _shingles(key: str) -> set[bytes]:
    toks = key.split()
    return {" ".join(toks[i : i + 3]).encode() for i in range(max(1, len(toks) - 2))}


def _groups(sent_lists: list[list[str]]) -> list[list[_Occ]]:
    """Groups of sentence occurrences that are the same sentence in two or more articles."""
    if sum(1 for sents in sent_lists if sents) < 2:
        return []  # nothing to share with
    occs = [
        _Occ(ai, si, s, sentence_key(s))
        for ai, sents in enumerate(sent_lists)
        for si, s in enumerate(sents)
    ]
    occs = [o for o in occs if len(o.key.split()) >= MIN_TOKENS]
    uf = _UnionFind(len(occs))
    by_key: dict[str, int] = {}
    for i, o in enumerate(occs):
        if o.key in by_key:
            uf.union(by_key[o.key], i)
        else:
            by_key[o.key] = i
    # near-identical sentences across articles (one representative per exact key)
    lsh = new_lsh(NEAR_THRESHOLD, 64)
    shingle_sets: dict[int, set[bytes]] = {}
    for key, i in by_key.items():
        sh = _shingles(key)
        m = new_minhash(64)  # seed 1, as dedup's
        m.update_batch(list(sh))
        for j in lsh.query(m):
            other = shingle_sets[j]
            if occs[j].art != occs[i].art and len(sh & other) / len(sh | other) >= NEAR_THRESHOLD:
                uf.union(i, j)
        lsh.insert(i, m)
        shingle_sets[i] = sh
    buckets: dict[int, list[_Occ]] = {}
    for i, o in enumerate(occs):
        buckets.setdefault(uf.find(i), []).append(o)
    return [g for g in buckets.values() if len({o.art for o in g}) >= 2]


def _direction(articles: list[Article], arts: list[int]) -> tuple[str | None, bool]:
    """Earliest carrier when dates separate it from every other carrier, else (None, False)."""
    dates = [articles[i].date for i in arts]
    if any(d is None for d in dates):
        return None, False
    day = [d[:10] for d in dates]  # type: ignore[index]
    first = min(day)
    if day.count(first) == 1:
        return articles[arts[day.index(first)]].id, True
    return None, False


def analyze(articles: list[Article], sent_lists: list[list[str]]) -> tuple[list[SharedPassage], list[dict]]:
    """Shared passages and the per-article copy map for one story.

    `articles` earliest first; `sent_lists[i]` are article i's sentences (from `nlp.sentences`).
    """
    groups = _groups(sent_lists)
    group_of: dict[tuple[int, int], int] = {}
    for gi, g in enumerate(groups):
        for o in g:
            group_of[(o.art, o.pos)] = gi

    quoted = [quoted_shares(sents) for sents in sent_lists]
    passages: list[SharedPassage] = []
    seen_runs: set[tuple[int, ...]] = set()
    copied: set[int] = set()  # groups in a passage that shows copying
    for gi, g in sorted(enumerate(groups), key=lambda x: min((o.art, o.pos) for o in x[1])):
        if any(gi in run for run in seen_runs):
            continue
        first = min(g, key=lambda o: (o.art, o.pos))
        arts = sorted({o.art for o in g})
        # extend over following sentences of the first carrier that are shared by the same articles
        run = [gi]
        texts = [first.text]
        pos = first.pos + 1
        while (first.art, pos) in group_of:
            nxt = group_of[(first.art, pos)]
            if sorted({o.art for o in groups[nxt]}) != arts or nxt in run:
                break
            run.append(nxt)
            texts.append(sent_lists[first.art][pos])
            pos += 1
        seen_runs.add(tuple(run))
        if all(quoted[first.art][first.pos + k] >= QUOTED_MAX or EMBEDDED_POST.search(t) for k, t in enumerate(texts)):
            continue  # outlets quoting the same words of a speaker or showing one post: no sign of copying
        copied.update(run)
        source, directed = _direction(articles, arts)
        passages.append(
            SharedPassage(
                text=" ".join(texts),
                article_ids=[articles[i].id for i in arts],
                source=source,
                directed=directed,
            )
        )

    copy_map = []
    for ai, a in enumerate(articles):
        words = [len(s.split()) for s in sent_lists[ai]]
        total = sum(words) or 1
        reused = shared = 0
        reused_from: dict[str, int] = {}
        copied_by: set[str] = set()
        for si, w in enumerate(words):
            gi = group_of.get((ai, si))
            if gi not in copied:
                continue
            arts = sorted({o.art for o in groups[gi]})
            source, directed = _direction(articles, arts)
            if directed and source != a.id:
                reused += w
                reused_from[source] = reused_from.get(source, 0) + w  # type: ignore[index]
            elif directed:
                copied_by.update(articles[i].id for i in arts if i != ai)
            else:
                shared += w
        copy_map.append(
            {
                "article_id": a.id,
                "outlet": a.outlet,
                "words": sum(words),
                "original_share": round(1 - (reused + shared) / total, 4),
                "reused_share": round(reused / total, 4),
                "shared_share": round(shared / total, 4),
                # earliest first, as article_ids everywhere else (ids sort in no meaningful order)
                "reused_from": [{"article_id": x.id, "words": reused_from[x.id]}
                                for x in articles if x.id in reused_from],
                "copied_by": [x.id for x in articles if x.id in copied_by],
            }
        )
    return passages, copy_map
