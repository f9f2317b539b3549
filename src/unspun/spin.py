"""Spin: how the outlets of one story differ — headlines side by side, what each leads with, and
facts that only one outlet reports.

The lead is the first real sentence of the body: not a dateline fragment ("ERIE, Pa. —"), photo caption or
byline, and without a headline run into it or a dateline or outlet tag opening it ("WASHINGTON (AP) — ", "(CNN) ").

"Only one outlet" is decided by sentence similarity (TF-IDF cosine) against every sentence of the
other outlets' articles, so a paraphrase of the same fact elsewhere does not count as exclusive; nor does a
sentence whose precise figures ("$284.46") all appear in another outlet, however written ("284.46 dollars",
"about $284"; but "$284 billion" is another figure), nor one whose words the other outlets nearly all use, if spread
over several sentences (a lead retelling the story's main event). An outlet repeating a fact lists it once.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .ingest.common import strip_dateline
from .model import Article, normalize_ws
from .nlp import language_code
from .provenance import EMBEDDED_POST

EXCLUSIVE_MAX_SIM = 0.3  # below this cosine to every other outlet's sentence, a sentence is "only here"
MAX_SENTENCES_PER_ARTICLE = 80  # bounds the similarity matrix for very long articles
MAX_EXCLUSIVE_PER_OUTLET = 4
SAME_FACT_SIM = 0.5  # two exclusive sentences of one outlet this close say the same thing: list it once
# below this share of content words no other outlet uses, a sentence retells what the others report (chosen by reading
# the single-outlet lists of 20 Multi-News dev stories: the dropped ones restate each story's main event)
EXCLUSIVE_MIN_NEW_WORDS = 0.25
LEAD_MIN_WORDS = 8  # shorter first "sentences" are datelines ("ERIE, Pa. —"), kickers and promo lines
_LETTERS = re.compile(r"[^\W\d_]")
# photo captions and bylines come first in many scraped bodies, but no reporter leads with them
_CAPTION_WORDS = re.compile(r"^FILE\s*[-\u2013\u2014]|\bfile photo\b|\(AP Photo\b|\bPhotos?:|\((?:Photo|Image)\b"
                            r"|\bpicture taken\b|\bGetty Images\b|\b(?:Image|Media|Hide) (?:caption|copyright)\b"
                            # "A handout photo from the embassy shows ...", "This image provided by the Coast Guard"
                            r"|\bhandout (?:photo|picture|image)\b|^\W*(?:this|an?) (?:photo|picture|image) "
                            r"(?:provided|released|taken|made available)\b"
                            # a wire caption closing on place and weekday ("The burned fuselage of the plane that
                            # crashed, in Guanacaste, Costa Rica, on Sunday."): 5 of 5 such endings in 2,042
                            # Giveme/PolNeAR/Multi-News texts are captions; prose has no comma before "in <place>"
                            r"|(?-i:,\s+(?:in|at|near|outside)\s+(?:the\s+)?[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*)*"
                            r"(?:,\s+[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*)*)?,\s+(?:on\s+)?"
                            r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\.\W*$)",
                            re.IGNORECASE)
# wire captions date the picture in full ("... on Tuesday, July 18, 2017 in San Francisco"); prose now and then too
CAPTION_DATE = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4}\b")
_CAPTION = re.compile(_CAPTION_WORDS.pattern + "|" + CAPTION_DATE.pattern + r"|\bpictured\b"
                      # and number the players ("Houston Texans wide receiver DeAndre Hopkins (10) reaches for ...")
                      r"|\b[A-Z][a-z]+ \(\d{1,2}\) (?!(?:is|was|has)\b)[a-z]+s\b"
                      # a scene in the present tense: "The trail of a flying object is seen from the border city ...",
                      # "People watch a broadcast of the launch at the station on Saturday in Seoul, South Korea."
                      r"|^(?!.*\b(?:said|says|told|tells|according)\b).*?\b(?:is|are) seen "
                      r"(?:from|in|at|on|during|through|near|outside|inside)\b"
                      r"|(?-i:^(?:[A-Z][\w'’.-]*\s+)(?:[\w'’.-]+\s+){0,5}?(?:watch|walk|stand|pose|look|gesture|"
                      r"arrive|attend|hold|react|wave|sit|gather|march|pray|mourn|protest|wait|speak|listen|ride|carry)"
                      r"(?:e?s)?\b(?![^.!?]*\b(?:said|says|told|tells|according)\b)"  # a caption reports no one
                      r"[^.!?]*\bon (?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b[^.!?]*,\s*"
                      r"(?:[A-Z][\w.'’-]*\s*)+\.\W*$)", re.IGNORECASE)
# what no reporter writes as a sentence of the story: a line without a sentence's end (a headline or teaser run into
# the body) or cut off ("..."), a piece of a sentence split inside a quotation (it starts in lower case or closes a
# quotation it did not open: 'This is wrong," the commissioner told the Star.'), a bulleted
# related-story link, an embedded tweet, a reporting or contributor credit, an editor's note
_SENTENCE_END = re.compile(r"(?<!\.\.)(?<!\u2026)[.!?][\"'\u201d\u2019)\]]*$")
_STARTS_LOWER = re.compile(r"^[^\w]*[a-z]")
_STARTS_IN_QUOTE = re.compile(r"^[^\u201c\u201d\"]*\u201d")  # the tail of a quotation: it closes one it never opened
_NOT_STORY = re.compile(EMBEDDED_POST.pattern + r"|^\W*[|\u2022\u25b6\u25ba\u25b8\u203a\u00bb]"  # "|": a card
                        r"|^\W*(?:additional )?(?:reporting|writing|editing) by\b"
                        r"|^\W*editor['\u2019]s note\b"  # "[Editor’s note: Spoilers follow for ...]"
                        r"|\bcontributed (?:reporting )?to (?:this|the) (?:report|story)\b"
                        r"|\bcontributed(?: reporting)?\W*$", re.IGNORECASE)  # "Jo Roe and Al Poe contributed."
# "(Michael Wyke/Associated Press)" after a caption, "[Photo/Agencies]" before the text
_PHOTO_CREDIT = re.compile(r"^[(\[][^()\[\]]{2,60}/[^()\[\]]{2,60}[)\]]")
_ENDS_WITH_CREDIT = re.compile(r"\([^()]{2,60}/[^()]{2,60}\)\W*$")  # "... intercepts a pass (Christian Smith/AP)"
_LEAD_ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP", "LOC")
_BYLINE = re.compile(r"^\W*(?:By|Source:)\s", re.IGNORECASE)
# letters of any script ("über", not "ber"): "'Safe Zone'" -> "Zone", "Don’t" stays one word
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019-])*[^\W\d_]")
_FACT_SIGNAL = re.compile(r"\d|[A-Z][a-z]+\s+[A-Z][a-z]+")  # a number or a multi-word proper name
_NAME_OR_NUMBER = re.compile(r"(?<!^)(?<![.!?]\s)\b(?:[A-Z][\w-]+|\d[\d.,%]*)")
# an amount as news writes it: "$284.46", "284.46 dollars", "$284bn", "1,500,000", "3.5 per cent", "5:52"
_FIGURE = re.compile(
    r"(?P<cur>[$\u20ac\u00a3\u00a5])?\s?(?<![\d.,:])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.:]\d+)?)"
    r"(?!\d|[.,:]\d)(?:\s(?P<scale>thousand|million|billion|trillion)\b|(?P<abbr>bn|mn|m|k)\b)?"
    r"(?:\s?(?P<unit>%|percent\b|per cent\b|dollars?\b|euros?\b|pounds?\b))?", re.IGNORECASE)
_SCALES = {"thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9, "trillion": 12}
ROUNDED_MAX_ERROR = Decimal("0.01")  # "about $284" is $284.46 rounded; "$2 million" is not "$1.5 million"
_QUOTE_OPEN = re.compile(r'^\W*["\u201c\u00ab\u2018\']')
_QUOTED = re.compile(r'"[^"]*(?:"|$)|\u201c[^\u201d]*(?:\u201d|$)')  # to its end when the sentence cuts it off
# the writer or a speaker talking ("The actions against Trey Gowdy and me are ...", "And I bet ...", "As you can see"):
# an opinion, a statement or a transcript line, not a reported fact
# (capitalised only where they open the sentence: "My Big Coin" and "World War I" are names)
_PERSONAL = re.compile(r"\b(?:me|my|we|our|us|you|your)\b|^\W*(?:Me|My|We|Our|Us|You|Your)\b|(?<!War )\bI\b")


def outlet_of(a: Article) -> str:
    return a.outlet or a.id


@functools.lru_cache(maxsize=64)
def _stop_words(language: str | None) -> frozenset[str]:
    """English stop words, plus the article's own language's from spaCy's lists (shipped in the spacy package, no
    model needed): "der", "die", "den" are no distinctive words of a German headline."""
    extra: frozenset[str] = frozenset()
    language = language_code(language)  # "de-DE" -> "de"; letters only, so no path outside spaCy's lang folder
    if language and language != "en":
        try:  # the list's own file: importing spacy.lang.fr builds its tokenizer exceptions first (~1.8 CPU s)
            import spacy

            path = Path(spacy.__file__).parent / "lang" / language / "stop_words.py"
            spec = importlib.util.spec_from_file_location(f"_unspun_stop_words_{language}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            extra = frozenset(module.STOP_WORDS)
        except Exception:  # a language spaCy has no list for
            pass
    return frozenset(ENGLISH_STOP_WORDS) | extra


def _content_words(text: str, language: str | None = None) -> set[str]:
    stop = _stop_words(language)
    words = (w.lower().replace("\u2019", "'") for w in _WORD.findall(text))
    return {w for w in words if w not in stop and len(w) > 2}


class Figure(NamedTuple):
    value: Decimal  # scale words applied: "$1.2 billion" -> 1200000000; a time of day in minutes
    step: Decimal  # the precision it is written to: "$1.2 billion" -> 100000000, "$284.46" -> 0.01
    kind: str  # "money", "percent", "time" or "" (a count or a measure)


def _read_figures(text: str) -> list[tuple[str, Figure]]:
    """(number as written, figure) for every amount in the text."""
    out = []
    for m in _FIGURE.finditer(text):
        num, unit = m.group("num"), (m.group("unit") or "").lower()
        if ":" in num:
            hours, minutes = num.split(":")
            out.append((num, Figure(Decimal(int(hours) * 60 + int(minutes)), Decimal(1), "time")))
            continue
        scale = Decimal(10) ** _SCALES.get((m.group("scale") or m.group("abbr") or "").lower(), 0)
        decimals = len(num.split(".")[1]) if "." in num else 0
        kind = "money" if m.group("cur") or unit.startswith(("dollar", "euro", "pound")) else \
            "percent" if unit else ""
        out.append((num, Figure(Decimal(num.replace(",", "")) * scale, scale * Decimal(10) ** -decimals, kind)))
    return out


def figures(text: str) -> list[Figure]:
    """Every amount in the text, with its value, precision and kind."""
    return [fig for _, fig in _read_figures(text)]


def specific_figures(text: str) -> list[Figure]:
    """Figures precise enough to identify a fact ("$284.46", "226 yards", "5:52", "$1.2 billion"): three digits or
    more, or an amount in millions or more; not a year. Small counts and years recur across unrelated facts."""
    return [fig for num, fig in _read_figures(text)
            if (sum(c.isdigit() for c in num) >= 3 or fig.value >= 10 ** 6)
            and not (re.fullmatch(r"(?:19|20)\d\d", num) and not fig.kind)]


def same_figure(a: Figure, b: Figure) -> bool:
    """The same amount, perhaps written to another precision: "$284.46" = "284.46 dollars" = "about $284"."""
    if a.kind != b.kind and a.kind and b.kind:
        return False
    coarse, fine = (a, b) if a.step >= b.step else (b, a)
    rounded = (fine.value / coarse.step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * coarse.step
    return rounded == coarse.value and abs(fine.value - coarse.value) <= ROUNDED_MAX_ERROR * abs(coarse.value)


def has_caption_wording(text: str) -> bool:
    """The sentence says it is a photo caption ("FILE -", "(AP Photo/...)", "Picture taken ...") or ends in a photo
    credit; the looser signs `_is_caption` also takes (a date in full, "pictured") occur in prose too."""
    return bool(_CAPTION_WORDS.search(text) or _ENDS_WITH_CREDIT.search(text))


def _is_caption(sents: list[str], i: int) -> bool:
    """Sentence i reads as a photo caption, or the next one opens with a photo credit."""
    return bool(_CAPTION.search(sents[i]) or _ENDS_WITH_CREDIT.search(sents[i])) \
        or (i + 1 < len(sents) and bool(_PHOTO_CREDIT.match(sents[i + 1])))


def _is_story_sentence(sents: list[str], i: int) -> bool:
    """Sentence i is a sentence of the story itself: it ends like one, and is no caption, tweet or credit line."""
    text = sents[i].strip()
    return bool(_SENTENCE_END.search(text)) and not _STARTS_LOWER.match(text) and not _STARTS_IN_QUOTE.match(text) \
        and not _NOT_STORY.search(text) and not _is_caption(sents, i)


def _without_title(sentence: str, title: str | None) -> str:
    """Scraped bodies often start with the headline run into the first sentence; the lead is what follows it."""
    if title and len(sentence) > len(title) and sentence.lower().startswith(title.lower()):
        return sentence[len(title):].lstrip(" :.-\u2013\u2014")
    return sentence


def lead_sentence(sents: list[str], title: str | None = None) -> str:
    """The sentence the article leads with: the first that is a real sentence (long enough, ending like a sentence,
    not a caption, byline or tweet), without a headline run into it; the first sentence when none qualifies. Pages
    that open with furniture (a weather box, teasers for other stories) have their lead further down."""
    title_words = {w.lower() for w in _WORD.findall(title or "")}
    for i, sent in enumerate(sents):
        text = _PHOTO_CREDIT.sub("", _without_title(sent, title)).lstrip()  # a credit closes the caption before
        words = [w for w in text.split() if _LETTERS.search(w)]
        # a piece of the headline the splitter cut off ("Clinton and Sanders face the voters in N.H.; Health care
        # and education among top issues at town hall.": the dek after the semicolon) is no lead
        title_piece = title_words and {w.lower() for w in _WORD.findall(text)} <= title_words
        if len(words) >= LEAD_MIN_WORDS and not title_piece and not _BYLINE.match(text) \
                and _is_story_sentence(sents, i):
            return strip_dateline(text)  # where it was filed ("WASHINGTON (AP) — ", "(CNN) ") is not what it says
    return strip_dateline(_without_title(sents[0], title)) if sents else ""


def _lead_entities(doc, lead: str) -> list[str]:
    """Names in the spaCy sentence that holds the lead."""
    for sent in doc.sents:
        sent_text = normalize_ws(sent.text)
        if lead in sent_text or (len(sent_text.split()) >= 3 and sent_text in lead):  # a lead spaCy split in two
            return sorted({e.text for e in sent.ents if e.label_ in _LEAD_ENTITY_TYPES and e.text in lead})
    return []


def story_spin(articles: list[Article], sent_lists: list[list[str]], docs: dict | None = None) -> dict:
    """Headlines, leads and single-outlet facts for one story (articles earliest first).

    Only real headlines are compared: a title derived from the body's first line is the lead, not a headline."""
    titled = [a for a in articles if a.title and not a.title_derived]
    headline_words = [_content_words(a.title, a.language) for a in titled]
    headlines = []
    for i, a in enumerate(titled):
        others = set().union(*(w for j, w in enumerate(headline_words) if j != i)) if len(titled) > 1 else set()
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
        lead = lead_sentence(sents, None if a.title_derived else a.title)
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
    figures_of: dict[str, set[Figure]] = {}  # read when a candidate first needs them (few get that far)
    words_of: dict[str, set[str]] = {}
    for ai, _si, sent in rows:
        words_of.setdefault(outlets[ai], set()).update(_content_words(sent, articles[ai].language))
    n_users = Counter(w for words in words_of.values() for w in words)  # how many outlets use each word
    candidates: list[tuple[float, int]] = []
    for idx, (ai, si, sent) in enumerate(rows):
        # facts, not quotes (single-outlet quotes are listed from the merged quotes) and not fragments
        if len(sent.split()) < 8 or not _FACT_SIGNAL.search(sent) or _QUOTE_OPEN.match(sent) \
                or sent.rstrip("\"'\u201d\u2019)").endswith("?"):
            continue
        other = row_outlet != outlets[ai]
        if not other.any() or sim[idx, other].max() >= EXCLUSIVE_MAX_SIM:
            continue
        # after the similarity test, which drops more sentences for less: the caption patterns are slow
        if not _is_story_sentence(sent_lists[ai], si) or _PERSONAL.search(_QUOTED.sub("", sent)):
            continue
        own = _content_words(sent, articles[ai].language)
        if sum(n_users[w] == 1 for w in own) < EXCLUSIVE_MIN_NEW_WORDS * len(own):
            continue  # its words are the other outlets' words: the same story retold
        precise = specific_figures(sent)
        if precise and not figures_of:
            for ai2, _si, sent2 in rows:
                figures_of.setdefault(outlets[ai2], set()).update(figures(sent2))
        elsewhere = [f for o, figs in figures_of.items() if o != outlets[ai] for f in figs]
        if precise and all(any(same_figure(f, g) for g in elsewhere) for f in precise):
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
    return [  # without a photo credit or dateline that opens the sentence ("(Jane Roe/AP) HOUSTON — ...")
        {"text": strip_dateline(_PHOTO_CREDIT.sub("", rows[i][2]).lstrip()), "article_id": articles[rows[i][0]].id,
         "outlet": articles[rows[i][0]].outlet, "position": rows[i][1]}
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
