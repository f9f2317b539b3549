"""Turn the run's output dict (the stories.json shape) into a safe, fully normalised view model.

Both the HTML and the Markdown renderers read this view model, never the raw dict, so that:
- missing or mistyped fields degrade to empty values instead of crashing a template;
- every order that reaches the page is deterministic (same input dict -> same bytes out);
- hostile values (ids, URLs) are reduced to safe forms here; text stays text and is escaped by the
  renderer (Jinja2 autoescape for HTML, backslash escapes for Markdown).
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import Any
from urllib.parse import urlsplit

from ..timeline import chronological_key

_WS = re.compile(r"\s+")
_PARA_SPLIT = re.compile(r"\n\s*\n")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,48}$")
_WORD = re.compile(r"\w+", re.UNICODE)
# sentence split used only to locate a cited sentence when it is not found verbatim
_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+")
# characters browsers silently drop or ignore inside URLs (used to hide "java\tscript:")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")

TOP_ENTITIES = 12

SECTION_TITLES = {
    "summary": "Summary",
    "developments": "Developments",
    "quotes": "Who said what",
    "timeline": "Timeline",
    "entities": "People, organisations, places",
    "spin": "Headlines and angles",
    "copymap": "Copy map",
    "articles": "Articles",
}


# ---------------------------------------------------------------------------------------------
# small, forgiving accessors


def s(value: Any) -> str:
    """A display string: None -> "", other scalars -> str, whitespace collapsed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return " ".join(value.split())


def lst(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else []


def dct(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def num(value: Any, default: float = 0.0) -> float:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return default
    if f != f or f in (float("inf"), float("-inf")):  # NaN / inf
        return default
    return f


def share(value: Any) -> float:
    """A share in [0, 1]; accepts percentages (0..100) too."""
    f = num(value)
    if f > 1.0:
        f = f / 100.0
    return min(1.0, max(0.0, f))


def safe_url(value: Any) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (javascript:, data:, file:, relative ... dropped)."""
    if not isinstance(value, str) or not value:
        return None
    url = _URL_JUNK.sub("", value)
    if not url or len(url) > 4000:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def anchor(prefix: str, raw: Any) -> str:
    """A stable, safe HTML id fragment for an arbitrary (possibly hostile) id string."""
    raw = "" if raw is None else str(raw)
    if _SAFE_ID.match(raw):
        return f"{prefix}-{raw}"
    slug = re.sub(r"[^A-Za-z0-9]+", "-", raw).strip("-")[:24]
    digest = hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{prefix}-{slug}-{digest}" if slug else f"{prefix}-{digest}"


def known_outlet(article: dict) -> str:
    """The outlet as the input gave it, or the host of its URL; "" when neither is known."""
    name = s(article.get("outlet"))
    if name:
        return name
    url = safe_url(article.get("url"))
    host = (urlsplit(url).hostname or "") if url else ""
    return host[4:] if host.startswith("www.") else host


def outlet_name(article: dict) -> str:
    """A label for the article's source: its outlet, else the input file it came from."""
    name = known_outlet(article)
    if name:
        return name
    source = s(article.get("source"))
    if source:  # no outlet known: name the input file instead (seeds, bare .txt folders)
        base = re.split(r"[/\\]", source.split("#")[0])[-1]
        return truncate(base, 40) or "unknown outlet"
    return "unknown outlet"


def date_text(value: Any) -> str:
    return s(value)[:32]


def date_range_text(dr: Any) -> str:
    dr = lst(dr)
    start = date_text(dr[0]) if len(dr) > 0 else ""
    end = date_text(dr[1]) if len(dr) > 1 else ""
    if start and end and start[:10] != end[:10]:
        return f"{start[:10]} \u2013 {end[:10]}"
    if start or end:
        return (start or end)[:10]
    return "date unknown"


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _rewords(quote: list[str], other: list[str]) -> bool:
    """Does another outlet's version of a quote (both as `words`) change its wording? Not when one quotes a part of
    the other ("haven't developed any suspects" in "We haven't developed any suspects") or restyles it (case,
    punctuation, quote marks): a reader is warned of drift only where the words differ."""
    short, long = sorted((quote, other), key=len)
    n = len(short)
    return not any(long[i:i + n] == short for i in range(len(long) - n + 1))


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    if len(cut) < limit // 2:  # one long token: cut inside it rather than lose most of the text
        cut = text[:limit]
    return cut.rstrip() + "\u2026"


# ---------------------------------------------------------------------------------------------
# locating a cited sentence inside an article's paragraphs


# typographic variants outlets restyle the same copy with (curly/straight quotes, dash kinds): one form each
_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'", "\u201c": '"',
                             "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2010": "-", "\u2011": "-",
                             "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})


@functools.lru_cache(maxsize=4096)  # a paragraph is folded once for every sentence looked for in it
def _fold(text: str) -> str:
    """Case and typography folded, one character for one (offsets into the fold are offsets into the text): a
    summary sentence whose "X reports that" lead was dropped and first letter re-capitalised, or an outlet that
    prints straight quotes where the cited copy has curly ones, still carries the sentence word for word."""
    if text.isascii():  # ASCII lower-cases one character for one: no per-character check
        return text.lower().translate(_TYPOGRAPHY)
    return "".join(low if len(low := c.lower()) == 1 else c for c in text).translate(_TYPOGRAPHY)


def _find_span(para: str, sentence: str) -> tuple[int, int, bool] | None:
    """(start, end, approx) of `sentence` in `para` (both whitespace-normalised), or None."""
    if not sentence or not para:
        return None
    i = para.find(sentence)
    if i < 0:
        i = _fold(para).find(_fold(sentence))
    return (i, i + len(sentence), False) if i >= 0 else None


def _best_sentence(paras: list[str], sentence: str) -> tuple[int, int, int, float] | None:
    """(para index, start, end, score) of the paragraph sentence sharing most words with `sentence`."""
    target = set(words(sentence))
    if not target:
        return None
    best = None
    for pi, para in enumerate(paras):
        pos = 0
        for piece in _SENT_SPLIT.split(para):
            start = para.find(piece, pos)
            if start < 0:
                continue
            end = start + len(piece)
            pos = end
            got = set(words(piece))
            if not got:
                continue
            score = len(target & got) / len(target | got)
            if best is None or score > best[3]:
                best = (pi, start, end, score)
    return best


def _context(para: str, start: int, end: int, width: int = 170) -> tuple[str, str, str]:
    before = para[max(0, start - width) : start]
    after = para[end : end + width]
    if start - width > 0:
        before = "\u2026" + before.split(" ", 1)[-1] if " " in before else "\u2026" + before
    if end + width < len(para):
        after = after.rsplit(" ", 1)[0] + "\u2026" if " " in after else after + "\u2026"
    return before, para[start:end], after


# ---------------------------------------------------------------------------------------------
# the view model


class _Refs:
    """Numbered sources of one story: [1], [2] ... in the story's article order."""

    def __init__(self, story_anchor: str, article_ids: list[str], articles: dict[str, dict]) -> None:
        self.story_anchor = story_anchor
        self.articles = articles
        self.order: list[str] = []
        self.num: dict[str, int] = {}
        self._cache: dict[str, tuple[str, str, str, str]] = {}
        for aid in article_ids:
            self.add(aid)

    def add(self, aid: str) -> int:
        if aid not in self.num:
            self.order.append(aid)
            self.num[aid] = len(self.order)
        return self.num[aid]

    def article_anchor(self, aid: str) -> str:
        return anchor(self.story_anchor + "-a", aid)

    def _info(self, aid: str) -> tuple[str, str, str, str]:
        info = self._cache.get(aid)
        if info is None:
            art = self.articles.get(aid, {})
            title = s(art.get("title")) if art else ""
            info = (
                "#" + self.article_anchor(aid),
                outlet_name(art) if art else "unknown article",
                f"no headline; begins \u201c{title}\u201d" if title and art.get("title_derived") else title,
                date_text(art.get("date")) if art else "",
            )
            self._cache[aid] = info
        return info

    def cite(self, aid: Any) -> dict:
        aid = s(aid)
        n = self.add(aid)
        href, outlet, title, date = self._info(aid)
        return {
            "n": n,
            "id": aid,
            "known": aid in self.articles,
            "href": href,
            "outlet": outlet,
            "title": title,
            "date": date,
            "label": f"[{n}] {outlet}" + (f", {date}" if date else "") + (f": {title}" if title else ""),
            "before": "",
            "match": "",
            "after": "",
            "approx": False,
        }

    def cites(self, ids: Any) -> list[dict]:
        out, seen = [], set()
        for aid in lst(ids):
            key = s(aid)
            if key and key not in seen:
                seen.add(key)
                out.append(self.cite(key))
        return out


def _article_paragraphs(art: dict) -> tuple[list[dict], list[dict], bool]:
    """(paragraphs in reading order, removed blocks, removed_inline) for one article dict.

    Paragraphs: {"text", "removed": bool, "reason"}. When the article carries its `blocks`, removed junk
    is shown in place (struck through); otherwise it is listed after the body.
    """
    blocks = [dct(b) for b in lst(art.get("blocks"))]
    removed_list = [
        {"text": s(r.get("text")), "reason": s(r.get("reason")) or "removed"}
        for r in (dct(x) for x in lst(art.get("removed")))
        if s(r.get("text"))
    ]
    if blocks and any(b.get("kept", True) for b in blocks):
        paras = []
        for b in blocks:
            text = s(b.get("text"))
            if not text:
                continue
            kept = bool(b.get("kept", True))
            paras.append(
                {"text": text, "removed": not kept, "reason": "" if kept else (s(b.get("reason")) or "removed")}
            )
        removed = [p for p in paras if p["removed"]]
        return paras, [{"text": p["text"], "reason": p["reason"]} for p in removed], bool(removed)
    text = art.get("text")
    paras = [
        {"text": s(p), "removed": False, "reason": ""} for p in _PARA_SPLIT.split(text if isinstance(text, str) else "")
    ]
    paras = [p for p in paras if p["text"]]
    return paras, removed_list, False


def _segments(text: str, spans: list[tuple[int, int, str, bool]]) -> list[dict]:
    """Split a paragraph into plain and marked segments (spans sorted, non-overlapping)."""
    out, pos = [], 0
    for start, end, mark_id, approx in spans:
        if start > pos:
            out.append({"text": text[pos:start], "mark": None, "approx": False})
        out.append({"text": text[start:end], "mark": mark_id, "approx": approx})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:], "mark": None, "approx": False})
    return out


def _build_story(story: dict, articles: dict[str, dict], index: int, taken: set[str]) -> dict:
    sid = s(story.get("id")) or f"story-{index + 1}"
    sa = anchor("s", sid)
    if sa in taken:  # two stories with one id (or one anchor): keep every id on the page unique
        k = 2
        while f"{sa}-{k}" in taken:
            k += 1
        sa = f"{sa}-{k}"
    taken.add(sa)
    article_ids = list(dict.fromkeys(s(a) for a in lst(story.get("article_ids")) if s(a)))
    refs = _Refs(sa, article_ids, articles)

    # --- summary: cites with the cited sentence located in each cited article; a topic's summary (one lead per
    # development) says when each happened: the dates of the development holding its first citation
    development_dates = {s(a): date_range_text(lst(d.get("date_range")))
                         for d in (dct(x) for x in lst(story.get("developments")))
                         for a in lst(d.get("article_ids")) if s(a)}
    by_developments = s(story.get("summary_kind")) == "developments"
    summary = []
    wanted: dict[str, list[tuple[int, str, str]]] = {}  # article id -> [(sentence idx, role, text)]
    for i, sent in enumerate(dct(x) for x in lst(story.get("summary"))):
        text = s(sent.get("text"))
        if not text:
            continue
        cites = refs.cites(sent.get("citations"))
        cited = {c["id"] for c in cites}
        support = [c for c in refs.cites(sent.get("support")) if c["id"] not in cited]
        for c in cites + support:
            wanted.setdefault(c["id"], []).append((len(summary), c["id"], text))
        summary.append(
            {
                "text": text,
                "cites": cites,
                "support": support,
                "single_source": bool(sent.get("single_source")),
                "speaker": s(sent.get("speaker")),
                "anchor": f"{sa}-sum-{len(summary) + 1}",
                "when": development_dates.get(cites[0]["id"], "") if by_developments and cites else "",
            }
        )

    # --- articles, with marks where summary sentences sit in them
    arts_vm = []
    for aid in list(refs.order):
        art = articles.get(aid)
        if art is None:
            continue
        paras, removed, removed_inline = _article_paragraphs(art)
        kept_idx = [i for i, p in enumerate(paras) if not p["removed"]]
        kept_texts = [paras[i]["text"] for i in kept_idx]
        spans: dict[int, list[tuple[int, int, str, bool]]] = {}
        located: dict[int, tuple[str, str, str, str, bool]] = {}  # summary idx -> (mark id, ctx..., approx)
        for si, _aid, text in wanted.get(aid, []):
            hit = None
            for ki, para in enumerate(kept_texts):
                found = _find_span(para, text)
                if found:
                    hit = (ki, found[0], found[1], False)
                    break
            if hit is None:
                best = _best_sentence(kept_texts, text)
                if best and best[3] >= 0.3:
                    hit = (best[0], best[1], best[2], True)
            if hit is None:
                continue
            ki, start, end, approx = hit
            taken = spans.setdefault(ki, [])
            mark_id = f"{refs.article_anchor(aid)}-m{si + 1}"
            overlap = next((t for t in taken if start < t[1] and t[0] < end), None)
            if overlap is not None:
                mark_id = overlap[2]  # same sentence cited twice: share the mark
            else:
                taken.append((start, end, mark_id, approx))
            before, match, after = _context(kept_texts[ki], start, end)
            located[si] = (mark_id, before, match, after, approx)
        for ki, sp in spans.items():
            sp.sort()
        para_vm = []
        k = 0
        for p in paras:
            if p["removed"]:
                para_vm.append(
                    {
                        "removed": True,
                        "reason": p["reason"],
                        "segments": [{"text": p["text"], "mark": None, "approx": False}],
                    }
                )
            else:
                para_vm.append({"removed": False, "reason": "", "segments": _segments(p["text"], spans.get(k, []))})
                k += 1
        for si, (mark_id, before, match, after, approx) in located.items():
            for c in summary[si]["cites"] + summary[si]["support"]:
                if c["id"] == aid:
                    c.update(href="#" + mark_id, before=before, match=match, after=after, approx=approx)
        arts_vm.append(
            {
                "n": refs.num[aid],
                "id": aid,
                "anchor": refs.article_anchor(aid),
                "title": s(art.get("title")) or "(untitled)",
                "title_derived": bool(art.get("title_derived")),
                "outlet": outlet_name(art),
                "date": date_text(art.get("date")) or "date unknown",
                "date_source": s(art.get("date_source")),
                "author": s(art.get("author")),
                "url": safe_url(art.get("url")),
                "raw_url": s(art.get("url")),
                "source": s(art.get("source")),
                "paras": para_vm,
                "removed": removed,
                "removed_inline": removed_inline,
            }
        )
    # articles cited but missing from the articles list still get a numbered entry
    known_ids = {a["id"] for a in arts_vm}
    for aid in refs.order:
        if aid not in known_ids:
            arts_vm.append(
                {
                    "n": refs.num[aid],
                    "id": aid,
                    "anchor": refs.article_anchor(aid),
                    "title": "(article not in this run's output)",
                    "title_derived": False,
                    "outlet": "unknown outlet",
                    "date": "date unknown",
                    "date_source": "",
                    "author": "",
                    "url": None,
                    "raw_url": "",
                    "source": "",
                    "paras": [],
                    "removed": [],
                    "removed_inline": False,
                }
            )
    arts_vm.sort(key=lambda a: a["n"])

    # --- who said what, grouped by speaker
    by_speaker: dict[str, list[dict]] = {}
    for q in (dct(x) for x in lst(story.get("quotes"))):
        text = s(q.get("text"))
        if not text:
            continue
        speaker = s(q.get("speaker")) or "Unattributed"
        variants = []
        for v in (dct(x) for x in lst(q.get("variants"))):
            vt = s(v.get("text"))
            if not vt or vt == text:
                continue
            if _rewords(words(text), words(vt)):
                variants.append({"text": vt, "cites": refs.cites(v.get("article_ids"))})
            elif len(words(vt)) > len(words(text)):
                text = vt  # one outlet quotes more of the same words: show the fullest
        by_speaker.setdefault(speaker, []).append(
            {
                "text": text,
                "kind": "direct" if s(q.get("kind")).lower() == "direct" else "indirect",
                "cue": s(q.get("cue")),
                "mention": s(q.get("speaker_mention")),
                # "written as 'he'" is worth showing; "written as 'Pompeo'" for Mike Pompeo is not
                "show_mention": bool(words(s(q.get("speaker_mention"))))
                and not set(words(s(q.get("speaker_mention")))) <= set(words(speaker)),
                "cites": refs.cites(q.get("article_ids")),
                "variants": variants,
            }
        )
    speakers = [
        {"name": name, "anchor": anchor(sa + "-who", name), "quotes": qs}
        for name, qs in sorted(
            by_speaker.items(), key=lambda kv: (kv[0] == "Unattributed", -len(kv[1]), kv[0].lower(), kv[0])
        )
    ]

    # --- timeline: dated first (chronological), then unknown dates, stable within ties
    timeline = []
    for e in (dct(x) for x in lst(story.get("timeline"))):
        text = s(e.get("text"))
        if not text:
            continue
        resolution = s(e.get("resolution")).replace("->", "\u2192")
        timeline.append(
            {
                "date": date_text(e.get("date")),
                "end": date_text(e.get("end")),
                "granularity": s(e.get("granularity")),
                "expression": s(e.get("expression")),
                # an event without a date is shown under "date unknown" already: not said twice
                "resolution": "" if not e.get("date") and resolution.lower() == "date unknown" else resolution,
                "text": text,
                "cites": refs.cites(
                    lst(e.get("article_ids")) or ([e.get("article_id")] if s(e.get("article_id")) else [])
                ),
            }
        )
    timeline = [t for _, t in sorted(enumerate(timeline),
                                     key=lambda it: (it[1]["date"] == "", chronological_key(it[1]["date"]), it[0]))]
    timeline_undated = [t for t in timeline if not t["date"]]
    timeline = [t for t in timeline if t["date"]]

    # --- entities
    role_rank = {"main": 0, "secondary": 1, "mentioned": 2}
    entities = []
    for e in (dct(x) for x in lst(story.get("entities"))):
        name = s(e.get("name"))
        if not name:
            continue
        per_outlet = dct(e.get("per_outlet"))
        entities.append(
            {
                "name": name,
                "type": s(e.get("type")) or "?",
                "role": s(e.get("role")) or "mentioned",
                "count": int(num(e.get("count"))),
                "aliases": [s(a) for a in lst(e.get("aliases")) if s(a) and s(a) != name],
                "per_outlet": [
                    (_outlet_key(k, refs, articles), int(num(v)))
                    for k, v in sorted(per_outlet.items(), key=lambda kv: (-num(kv[1]), str(kv[0])))
                ],
                "cites": refs.cites(e.get("article_ids")),
            }
        )
    entities.sort(key=lambda e: (role_rank.get(e["role"], 3), -e["count"], e["name"].lower(), e["name"]))
    # the main and secondary entities, topped up to TOP_ENTITIES; the long tail goes behind a <details>
    n_top = max(TOP_ENTITIES, sum(1 for e in entities if e["role"] in ("main", "secondary")))
    entities_more = entities[n_top:]
    entities = entities[:n_top]

    # --- spin: headline cards (with leads), single-outlet facts
    spin = dct(story.get("spin"))
    cards: dict[str, dict] = {}
    for h in (dct(x) for x in lst(spin.get("headlines"))):
        aid = s(h.get("article_id"))
        art = articles.get(aid, {})
        cards.setdefault(
            aid,
            {
                "cite": refs.cite(aid),
                "outlet": s(h.get("outlet")) or outlet_name(art),
                "title": "",
                "lead": "",
                "distinctive": [],
            },
        )
        cards[aid]["title"] = "" if art.get("title_derived") else s(h.get("title"))
        cards[aid]["distinctive"] = [s(w) for w in lst(h.get("distinctive_words")) if s(w)]
    for ld in (dct(x) for x in lst(spin.get("leads"))):
        aid = s(ld.get("article_id"))
        art = articles.get(aid, {})
        # a title derived from the body's first line is the lead again, not a headline: the card says it has none
        title = "" if art.get("title_derived") else s(art.get("title"))
        cards.setdefault(
            aid,
            {
                "cite": refs.cite(aid),
                "outlet": s(ld.get("outlet")) or outlet_name(art),
                "title": title,
                "lead": "",
                "distinctive": [],
            },
        )
        cards[aid]["lead"] = s(ld.get("lead"))
    headline_cards = sorted(cards.values(), key=lambda c: c["cite"]["n"])
    # spin compares articles when outlets are unknown: then "one outlet only" would claim more than is known
    outlets_known = all(known_outlet(articles.get(a, {})) for a in article_ids)
    single_source_title = "Reported by one outlet only" if outlets_known else "Reported in one article only"
    single = []
    for f in (dct(x) for x in lst(spin.get("single_source"))):
        text = s(f.get("text"))
        if text:
            aid = s(f.get("article_id"))
            single.append(
                {
                    "text": text,
                    "outlet": s(f.get("outlet")) or outlet_name(articles.get(aid, {})),
                    "cites": refs.cites([aid]) if aid else [],
                }
            )

    # --- copy map + shared passages
    passages = []
    for p in (dct(x) for x in lst(story.get("shared_passages"))):
        text = s(p.get("text"))
        if text:
            src = s(p.get("source"))
            passages.append(
                {
                    "text": text,
                    "cites": refs.cites(p.get("article_ids")),
                    "source": refs.cite(src) if src else None,
                    "directed": bool(p.get("directed")) and bool(src),
                }
            )
    copymap = _copymap(lst(story.get("copy_map")), refs, articles)
    duplicates = []  # near-identical articles (wire copy run unchanged): a reader should know they are one text
    for d in (dct(x) for x in lst(story.get("duplicates"))):
        a, b = s(d.get("a") or d.get("article_id")), s(d.get("b") or d.get("other_id") or d.get("duplicate_of"))
        if a and b:
            pair = sorted([refs.cite(a), refs.cite(b)], key=lambda c: c["n"])
            score = num(d.get("jaccard", d.get("score")))
            duplicates.append({"a": pair[0], "b": pair[1], "score": score, "pct": round(100 * score)})
    duplicates.sort(key=lambda d: (d["a"]["n"], d["b"]["n"]))

    # --- developments (a long-running story's events): newest first, as a reader follows a developing story
    developments = []
    for d in (dct(x) for x in lst(story.get("developments"))):
        ids = [s(a) for a in lst(d.get("article_ids")) if s(a)]
        if not ids:
            continue
        lead = s(d.get("headline_article"))
        developments.append({
            "headline": s(d.get("headline")) or "(untitled)",
            "date_range": date_range_text(lst(d.get("date_range"))),
            "sort_date": max([date_text(x) for x in lst(d.get("date_range")) if s(x)] or [""]),
            "outlets": [s(o) for o in lst(d.get("outlets")) if s(o)],
            "headline_cite": refs.cite(lead) if lead else None,
            "cites": refs.cites(ids),
        })
    developments = [d for _, d in sorted(enumerate(developments), key=lambda t: (t[1]["sort_date"], t[0]),
                                         reverse=True)]

    outlets = [s(o) for o in lst(story.get("outlets")) if s(o)]
    if not outlets:  # input file names are no outlets: six records of one JSONL file are not six outlets
        outlets = sorted({known_outlet(articles[a]) for a in article_ids if a in articles} - {""})
    dr = lst(story.get("date_range"))
    headline = s(story.get("headline")) or (arts_vm[0]["title"] if arts_vm else "(untitled story)")
    # the story headline is an article's first line when no article with that title came with one
    titles = [(a["title"], a["title_derived"]) for a in arts_vm]
    headline_derived = (headline, True) in titles and (headline, False) not in titles

    sections = []
    for key, present in (
        ("summary", bool(summary)),
        ("developments", bool(developments)),
        ("quotes", bool(speakers)),
        ("timeline", bool(timeline or timeline_undated)),
        ("entities", bool(entities)),
        ("spin", bool(headline_cards or single)),
        ("copymap", bool(copymap or passages or duplicates)),
        ("articles", bool(arts_vm)),
    ):
        if present:
            sections.append({"key": key, "title": SECTION_TITLES[key], "anchor": f"{sa}-{key}"})

    return {
        "id": sid,
        "anchor": sa,
        "headline": headline,
        "headline_derived": headline_derived,
        "outlets": outlets,
        "date_range": date_range_text(dr),
        "sort_date": max([date_text(d) for d in dr if s(d)] or [""]),
        "n_articles": len(article_ids) or len(arts_vm),
        "summary": summary,
        "summary_by_developments": by_developments,
        "developments": developments,
        "speakers": speakers,
        "n_quotes": sum(len(sp["quotes"]) for sp in speakers),
        "timeline": timeline,
        "timeline_undated": timeline_undated,
        "entities": entities,
        "entities_more": entities_more,
        "headline_cards": headline_cards,
        "any_headline": any(c["title"] for c in headline_cards),  # with none, the cards compare leads only
        "single_source": single,
        "single_source_title": single_source_title,
        "passages": passages,
        "copymap": copymap,
        "articles": arts_vm,
        "sections": sections,
        "duplicates": duplicates,
    }


def _outlet_key(key: Any, refs: _Refs, articles: dict[str, dict]) -> str:
    """A per-outlet count's label; the pipeline keys by article id when the outlet is unknown."""
    key = s(key) or "?"
    if key in articles:
        return f"[{refs.cite(key)['n']}]"
    return key


def _copymap(rows: list, refs: _Refs, articles: dict[str, dict]) -> dict | None:
    """Geometry for the copy-map SVG: one bar per article (original / shared / reused), arcs source -> reuser."""
    entries = []
    for r in (dct(x) for x in rows):
        aid = s(r.get("article_id"))
        if not aid:
            continue
        cite = refs.cite(aid)
        orig, reused, shared = (
            share(r.get("original_share")),
            share(r.get("reused_share")),
            share(r.get("shared_share")),
        )
        if "shared_share" not in r:
            shared = max(0.0, 1.0 - orig - reused)
        total = orig + reused + shared
        if total > 1.0:
            orig, reused, shared = orig / total, reused / total, shared / total
        sources = []
        for src in lst(r.get("reused_from")):
            sid = s(dct(src).get("article_id")) if isinstance(src, dict) else s(src)
            if sid:
                sources.append(sid)
        entries.append(
            {
                "id": aid,
                "cite": cite,
                "outlet": s(r.get("outlet")) or outlet_name(articles.get(aid, {})),
                "orig": orig,
                "reused": reused,
                "shared": shared,
                "sources": sources,
            }
        )
    if not entries:
        return None
    entries.sort(key=lambda e: e["cite"]["n"])
    row_h, top, gutter, label_x, bar_x, bar_w = 34, 30, 64, 70, 250, 300
    width = bar_x + bar_w + 190
    height = top + row_h * len(entries) + 34
    row_of = {e["id"]: i for i, e in enumerate(entries)}
    bars, arcs = [], []
    for i, e in enumerate(entries):
        y = top + i * row_h
        x = bar_x
        segs = []
        for kind, val in (("orig", e["orig"]), ("shared", e["shared"]), ("reused", e["reused"])):
            w = round(val * bar_w, 1)
            if w > 0:
                segs.append({"kind": kind, "x": round(x, 1), "w": w})
            x += w
        bars.append(
            {
                "y": y,
                "mid": y + 11,
                "label": truncate(f"[{e['cite']['n']}] {e['outlet']}", 26),
                "full": f"[{e['cite']['n']}] {e['outlet']}",
                "href": "#" + refs.article_anchor(e["id"]),
                "segs": segs,
                "pct_orig": round(e["orig"] * 100),
                "pct_reused": round(e["reused"] * 100),
                "pct_shared": round(e["shared"] * 100),
                "sources": [f"[{refs.num[x]}]" for x in e["sources"] if x in refs.num],
            }
        )
        for src in e["sources"]:
            j = row_of.get(src)
            if j is None or j == i:
                continue
            y1, y2 = top + j * row_h + 11, y + 11
            depth = min(gutter - 8, 12 + 10 * abs(i - j))
            arcs.append({"d": f"M {gutter} {y1} C {gutter - depth} {y1}, {gutter - depth} {y2}, {gutter - 2} {y2}"})
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "arcs": arcs,
        "bar_x": bar_x,
        "bar_w": bar_w,
        "label_x": label_x,
        "legend_y": height - 12,
    }


def build_view(result: Any) -> dict:
    """The normalised view model of a run's output dict."""
    result = dct(result)
    articles: dict[str, dict] = {}
    for a in (dct(x) for x in lst(result.get("articles"))):
        aid = s(a.get("id"))
        if aid and aid not in articles:
            articles[aid] = a
    taken: set[str] = set()
    stories = [_build_story(dct(st), articles, i, taken) for i, st in enumerate(lst(result.get("stories")))]
    # index order: size, then recency (latest date first, undated last), then headline and id
    stories.sort(
        key=lambda st: (
            -st["n_articles"],
            st["sort_date"] == "",
            _neg(st["sort_date"]),
            st["headline"].lower(),
            st["id"],
        )
    )
    run = dct(result.get("run"))
    counts = [(s(k), s(v)) for k, v in run.items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)]
    problems = [
        {"source": s(p.get("source")), "reason": s(p.get("reason")), "detail": s(p.get("detail"))}
        for p in (dct(x) for x in lst(result.get("problems")))
    ]
    in_story = {a for st in stories for a in (x["id"] for x in st["articles"])}
    return {
        "version": s(result.get("unspun_version")),
        "counts": counts,
        "problems": problems,
        "stories": stories,
        "n_articles": len(articles),
        "n_unassigned": len([a for a in articles if a not in in_story]),
    }


def _neg(date: str) -> tuple:
    """Sort key giving later ISO dates first."""
    return tuple(-ord(c) for c in date)
