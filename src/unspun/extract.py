"""Body and metadata extraction from one HTML page.

Body: trafilatura first; when it returns little, jusText (and trafilatura's recall mode) as fallbacks, the choice
recorded in `method` with a `confidence`. Metadata (title, author, date, outlet) by voting over JSON-LD, meta tags,
the URL, `<time>` elements and htmldate. Never raises on bad input: the worst case is an empty `Extracted`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html as htmllib
import itertools
import json
import re
import time
import unicodedata
import urllib.parse
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from html.entities import codepoint2name
from typing import NamedTuple

import lxml.html
from dateutil.parser import UnknownTimezoneWarning
from lxml import etree
from resiliparse.parse.html import HTMLTree, NodeType

try:  # the module whose `_node_cache` resiliparse looks up at every node it hands to Python (see _page_node_cache)
    from resiliparse.parse.html import node as _resiliparse_node
except ImportError:  # another resiliparse layout: its own cache is used
    _resiliparse_node = None

from .ingest.common import decode_text, is_blank, outlet_from_url

# htmldate calls dateutil too: its "tzname EST identified but not understood" warnings say nothing a user can act on
# (only the day is used) and would flood stderr on archive runs.
warnings.filterwarnings("ignore", category=UnknownTimezoneWarning)

MIN_BODY_CHARS = 250  # below this trafilatura's answer counts as "little" and the fallbacks are tried


@dataclass
class Extracted:
    title: str = ""
    text: str = ""  # paragraphs separated by blank lines
    author: str | None = None
    date: str | None = None  # YYYY-MM-DD
    date_source: str | None = None  # jsonld | meta | url | time | htmldate (which also reads the text)
    date_confidence: float = 0.0
    updated: str | None = None
    outlet: str | None = None
    language: str | None = None
    method: str = "none"  # trafilatura | trafilatura_default | trafilatura_recall | justext | none
    confidence: float = 0.0
    url: str | None = None  # canonical URL when the page declares one
    encoding: str | None = None
    date_flags: list[str] = field(default_factory=list)  # "future", "implausible", "conflict", "year_only"
    candidates: dict = field(default_factory=dict)  # per-field votes, for --explain


# ---------------------------------------------------------------- decoding

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: str | bytes, declared: str | None = None) -> tuple[str, str | None]:
    if isinstance(data, str):
        return data, None
    if not declared:
        m = _META_CHARSET.search(data[:8192])
        declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    if declared in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        declared = "cp1252"  # what browsers do (WHATWG encoding spec)
    if declared in (None, "utf-8", "utf8"):
        if declared != "utf8" and not data.startswith(_BOMS):
            try:  # what decode_text answers for valid UTF-8, without decoding the page a second time
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        mostly = _mostly_utf8(data)
        if mostly is not None:
            return mostly, "utf-8"
    text, enc, _ = decode_text(data, declared)
    return text, enc


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # decode_text reads these first


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few invalid bytes (a truncated character, one stray cp1252 byte in a template) decoded as
    UTF-8 with replacement characters. Without this, one bad byte sent the whole page to charset detection, which
    read valid UTF-8 as mac_latin2 / cp1250 ("ataków" -> "atak√≥w"; 4 of 990 trafilatura_eval pages). Mislabeled
    single-byte pages have almost no valid multi-byte sequences, so they still go to detection. None when the
    bytes are valid UTF-8 (the normal path handles them) or not mostly UTF-8."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - bad
    return text if good >= 20 * bad else None


def _parse_tree(html: str, utf8: bytes | None = None):
    """The page's lxml tree. `utf8`: the bytes `html` was decoded from as UTF-8; when they are exactly `html` (no
    BOM, no invalid byte replaced) lxml parses them as they are instead of encoding the str again: ~15% of the
    parse saved, the same tree (all 1,818 such pages of the eval sets serialise identically)."""
    try:
        if _XML_DECLARATION.match(html):  # lxml refuses str with an XML encoding declaration
            html = _XML_DECLARATION.sub("", html, count=1)
        elif utf8 is not None and not utf8.startswith(_BOMS) and "\ufffd" not in html and not is_blank(html):
            return lxml.html.fromstring(utf8, parser=_UTF8_PARSER)
        if is_blank(html):
            return None
        return lxml.html.fromstring(html, parser=_HTML_PARSER)
    except (etree.ParserError, ValueError, TypeError):
        return None


_XML_DECLARATION = re.compile(r"\s*<\?xml[^>]*\?>")
# lxml.html's default parser, minus the table of id attributes that nothing here looks up (no id() XPath): the same
# tree, parsed ~8% faster
_HTML_PARSER = lxml.html.HTMLParser(collect_ids=False)
_UTF8_PARSER = lxml.html.HTMLParser(collect_ids=False, encoding="utf-8")  # a page's <meta charset> does not override


def _lexbor_tree(html: str) -> HTMLTree | None:
    """The page parsed by resiliparse (lexbor, ~0.7 ms against lxml's ~1.2 ms plus ~0.5 ms to free the tree): the
    fast extractor's only parse, for body and metadata alike. None when the page is blank or lexbor fails."""
    if is_blank(html):
        return None
    try:
        return HTMLTree.parse(html)
    except Exception:  # lexbor is robust, but hostile input must never stop a run
        return None


# The elements the metadata vote reads from the lexbor tree, selected in one query: each query walks the whole tree
# (~0.2 ms a page), and each element handed to Python costs ~3-9 us (resiliparse caches node objects)
_LEXBOR_METADATA_ELEMENTS = ('meta, script[type="application/ld+json"], link[rel="canonical"], time[datetime], '
                             'h1, h2, h3')


class _LexborPage:
    """The fast extractor's parse of a page: resiliparse's `tree` and its metadata `elements` by tag name, each in
    document order (`headings`: the <h1>-<h3> together). resiliparse 2.0.1 crashes the process on reading
    `tree.document.text`: texts are read per element only."""

    def __init__(self, tree: HTMLTree, utf8: bytes | None = None):
        self.tree = tree
        self.utf8 = utf8  # the bytes the page was decoded from as UTF-8, for an lxml parse (see _parse_tree)
        self.elements: dict[str, list] = defaultdict(list)
        self.headings: list = []
        # a node list is read whole by slicing: iterating one builds the whole list again at every step
        for node in tree.document.query_selector_all(_LEXBOR_METADATA_ELEMENTS)[:]:
            tag = node.tag  # read once: each read builds a new str
            self.elements[tag].append(node)
            if tag in ("h1", "h2", "h3"):
                self.headings.append(node)


class _page_node_cache:
    """For one page's fast extraction, resiliparse's node cache is a plain dict, emptied at the end. resiliparse 2
    keeps the Python object of every node it hands out in a module-level WeakValueDictionary, whose pure-Python
    get/set and weak-reference callbacks are ~40% of each node's cost (~180 nodes a page). A node object holds its
    tree, so no entry can outlive the page's tree while the dict is in place. Swapped only when the library's own
    cache is in place (not by a second page at once, e.g. in another thread) and put back only if still ours."""
    __slots__ = ("cache", "old")

    def __enter__(self):
        self.cache = self.old = None
        old = getattr(_resiliparse_node, "_node_cache", None)
        if old is not None and type(old) is not dict:
            self.cache, self.old = {}, old
            _resiliparse_node._node_cache = self.cache
        return self

    def __exit__(self, *exc) -> None:
        if self.cache is not None:
            if _resiliparse_node._node_cache is self.cache:
                _resiliparse_node._node_cache = self.old
            self.cache.clear()


def _lexbor_page(html: str, utf8: bytes | None = None) -> _LexborPage | None:
    tree = _lexbor_tree(html)
    return _LexborPage(tree, utf8) if tree is not None else None


# ---------------------------------------------------------------- dates

_URL_DATE = [
    re.compile(r"/((?:19|20)\d{2})[/_-]([01]?\d)[/_-]([0-3]?\d)(?:/|[_-]|\.|$)"),
    re.compile(r"[/_-]((?:19|20)\d{2})([01]\d)([0-3]\d)(?:[/_.-]|$)"),
]
_DAY_FIRST = re.compile(r"\d{1,2}([.-])\d{1,2}\1(?:19|20)\d{2}\b")
# "11/8/2023": htmldate's text parser reads every slashed date day-first (and none whose day comes second, like
# "12/25/2021"); US English writes them month-first, most other locales day-first
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])")
_ISO_PREFIX = re.compile(r"((?:19|20)\d{2})-([01]?\d)-([0-3]?\d)")


def _valid_day(y: int, m: int, d: int) -> str | None:
    try:
        return dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def normalize_date(value, *, other_languages: bool = True, month_first: bool = True) -> str | None:
    """Any date-ish value -> 'YYYY-MM-DD' (None when it is not a plausible absolute date). `other_languages`:
    try dateparser (month names in other languages; slow: ~100 ms a call) when dateutil cannot read it.
    `month_first`: how to read a slashed date with the year last ("10/05/2022"; see _month_first)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value).strip()
    if not s:
        return None
    m = _ISO_PREFIX.match(s)
    if m:
        return _valid_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if re.fullmatch(r"\d{10}(\.\d+)?|\d{13}", s):  # unix epoch (s or ms)
        ts = float(s) / (1000 if len(s) == 13 else 1)
        return dt.datetime.fromtimestamp(ts, tz=dt.timezone.utc).date().isoformat()
    if re.fullmatch(r"(19|20)\d{6}", s):
        return _valid_day(int(s[:4]), int(s[4:6]), int(s[6:8]))
    s = s[:80]
    parsed = None
    if s.isascii():
        from dateutil import parser as dateutil_parser

        try:
            # a fixed default makes partial dates ("May 2019") deterministic; they are rejected below
            # "06.11.2023", "01-11-2023 10:29": dotted or dashed numeric dates with the year last are day-first
            # wherever they are written that way (dateutil assumes the US month-first order)
            dayfirst = bool(_DAY_FIRST.match(s)) or (not month_first and bool(_SLASH_DATE.match(s)))
            # ignoretz: only the written day is used, and "EST"-style zones only raise a warning
            parsed = dateutil_parser.parse(s, default=dt.datetime(1, 1, 1), dayfirst=dayfirst, ignoretz=True)
        except (ValueError, OverflowError, TypeError):
            parsed = None
        if parsed is not None and parsed.year < 1000:
            return None
    if parsed is None and other_languages and re.search(r"[^\W\d_]{3,}", s) and re.search(r"\d", s):
        # other languages' month names; absolute dates only ("yesterday" would depend on the clock)
        try:
            import dateparser

            parsed = dateparser.parse(s, settings={"PREFER_DAY_OF_MONTH": "first",
                                                   "PARSERS": ["custom-formats", "absolute-time"]})
        except Exception:  # dateparser raises assorted errors on odd input
            parsed = None
    return parsed.date().isoformat() if parsed else None


_TOMORROW = [0.0, ""]  # [the time.time() until which it holds, the day after today as ISO]


def _tomorrow() -> str:
    """(today + 1 day) in ISO, as of now; recomputed at local midnight only (a vote's flags are asked for ~20
    times a page)."""
    if time.time() >= _TOMORROW[0]:
        today = dt.date.today()
        midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time())
        _TOMORROW[:] = [min(midnight.timestamp(), time.time() + 3600), (today + dt.timedelta(days=1)).isoformat()]
    return _TOMORROW[1]


def _date_flags(day: str) -> list[str]:
    y = int(day[:4])
    flags = []
    if day > _tomorrow():
        flags.append("future")
    if y < 1995:
        flags.append("implausible")
    return flags


_UTC_STAMP = re.compile(r"T(\d{2}):\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]00:?00)$")


def _note_utc(utc_hour: dict, source: str, raw) -> None:
    m = _UTC_STAMP.search(raw.strip()) if isinstance(raw, str) else None
    if m:
        utc_hour[source] = int(m.group(1))


def _days_apart(a: str, b: str) -> int:
    return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days)


def _url_date(url: str | None) -> str | None:
    if not url:
        return None
    for rx in _URL_DATE:
        m = rx.search(url)
        if m:
            day = _valid_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if day:
                return day
    return None


_URL_MONTH = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/")


def _url_month(url: str | None) -> str | None:
    """'YYYY-MM' from a URL path like /2019/10/slug (with or without a day after it)."""
    m = _URL_MONTH.search(url or "")
    return f"{m.group(1)}-{int(m.group(2)):02d}" if m else None


# ---------------------------------------------------------------- metadata sources

_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                  "opinionnewsarticle", "webpage", "liveblogposting", "scholarlyarticle", "report",
                  "backgroundnewsarticle", "techarticle", "socialmediaposting", "videoobject"}


def _jsonld_objects(raws) -> list[dict]:
    """The objects of the page's JSON-LD scripts (`raws`: their texts), nested graphs and entities flattened."""
    out: list[dict] = []

    def walk(obj):
        if isinstance(obj, list):
            for x in obj:
                walk(x)
        elif isinstance(obj, dict):
            out.append(obj)
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                if key in obj:
                    walk(obj[key])

    for raw in raws:
        raw = (raw or "").strip()
        if not raw:
            continue
        try:
            walk(json.loads(raw))
        except (ValueError, RecursionError):
            # common breakage: raw newlines/control chars inside strings
            try:
                walk(json.loads(re.sub(r"[\x00-\x1f]", " ", raw)))
            except (ValueError, RecursionError):
                continue
    return out


def _main_ld_objects(ld_objs: list[dict], url: str | None) -> list[dict]:
    """Article-like JSON-LD objects, the one whose url matches the page first."""
    arts = [o for o in ld_objs if _ld_type(o) & _ARTICLE_TYPES or "datePublished" in o]

    def matches(o) -> bool:
        ref = o.get("url") or o.get("mainEntityOfPage")
        if isinstance(ref, dict):
            ref = ref.get("@id") or ref.get("url")
        return bool(url and isinstance(ref, str) and ref.rstrip("/").split("//")[-1] == url.rstrip("/").split("//")[-1])

    return sorted(arts, key=lambda o: not matches(o))  # stable: document order otherwise


def _ld_type(obj: dict) -> set[str]:
    t = obj.get("@type", "")
    types = t if isinstance(t, list) else [t]
    return {str(x).lower() for x in types}


def _ld_name(value) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_ld_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        value = value.get("name")
    if isinstance(value, str) and value.strip() and not value.strip().startswith("http"):
        return " ".join(value.split())
    return None


def _meta(attribute_getters) -> dict[str, list[str]]:
    """{key: [values]} of the <meta> elements, given one attribute getter per element (lxml's `el.get`, lexbor's
    `node.getattr`)."""
    out: dict[str, list[str]] = defaultdict(list)
    for get in attribute_getters:
        key = get("property") or get("name") or get("itemprop") or get("http-equiv")
        val = get("content") or get("datetime") or get("value")
        if key and val and val.strip():
            out[key.strip().lower()].append(val.strip())
    return out


# explicit publication keys; the generic ones ("date", Dublin Core) are a weaker vote of their own
_META_PUBLISHED = ["article:published_time", "og:article:published_time", "published_time", "datepublished",
                   "pubdate", "publishdate", "publish-date", "publish_date", "article.published", "sailthru.date",
                   "parsely-pub-date", "citation_publication_date", "originalpublicationdate",
                   "article_date_original", "cxenseparse:recs:publishtime", "og:pubdate", "bt:pubdate",
                   "displaydate", "pub_date", "release_date"]
_META_GENERIC = ["date", "dc.date", "dc.date.issued", "dcterms.created", "dcterms.date", "citation_date",
                 "datecreated", "article.created", "created", "dc.created", "timestamp"]
_META_UPDATED = ["article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified",
                 "lastmod", "article.updated", "modified"]


# ---------------------------------------------------------------- voting

# Weights learned on the tuning half of the htmldate eval set (bench/extract.py dates, split by file-name hash;
# the other half is held out): coordinate ascent over these, then rounded. A vote names where a date was read:
#   jsonld / jsonld_mod  the page's own JSON-LD article: datePublished (or dateCreated) / dateModified
#   meta / meta_generic / meta_mod  <meta> publication keys / generic "date"-like keys / modification keys
#   url                  a full date in the URL
#   time / time_pub / time_text  first <time datetime> / first element marked as the publication date
#                        (itemprop=datePublished, pubdate, class "published") / first <time> without datetime
#   date_class           first element with a "date" class or id whose own text holds a full date
#   headline / headline_pre  the first date shown after / just before the article's <h1> (_headlines)
#   htmldate / htmldate_upd  htmldate with original_date=True / False (both extensive_search)
# The headline votes outweigh any single machine-readable source: the gold is the day the page shows, and pages
# whose metadata disagrees with it carry a CMS default, a first-draft or a modification date there. Their weights
# (7 / 5) were chosen on the tuning half (0.903 -> 0.951; 2-fold CV inside it picked 7 / 5 and 4 / 5). The extra
# sources (time_pub, date_class, time_text, the modification dates, htmldate with original_date=False) gained
# nothing that held: a conditional logit over all of them scored 2-fold CV 0.905 on the tuning half and 0.907 held
# out, against 0.917 held out for these weights, so they are recorded for --explain with weight 0 and htmldate_upd
# is not run. A URL weight of 5 (a full URL date lost only 1 of 10 disagreements) gained one tuning page more but
# would let a URL date beat JSON-LD agreeing with <time>, which the issue requires the other way round.
# Round 2 (same split; each change kept only when both halves of a 2-fold split inside the tuning half gained or
# tied): `cue` = the first date written right after a publication cue word (_cue_dates; 26 of 27 right where found),
# `url_month` = a bonus for days in the URL's /YYYY/MM/ month, and the headline scan skips itemprop=dateModified
# text: tuning half 372 -> 375 of 391. An agreement bonus per independent source family lost pages (372 -> 367..370)
# and the update cue (10 of 17 right) only records `cue_upd` for --explain.
# Round 3 (same split, weights unchanged; the readers, not the vote): headings inside comment sections are no
# headline, verb-final cues look back for their date, slashed dates follow the page's locale and a <time> value
# serves text inside it: tuning half 375 -> 377 (headline vote 262/270 -> 264/271 right). Dropped: a URL date much
# older than every other source won 1 tuning page but contradicts the JSON-LD-beats-URL rule above.
_DATE_WEIGHT = {"jsonld": 3.0, "jsonld_mod": 0.0, "meta": 2.5, "meta_generic": 2.5, "meta_mod": 0.0,
                "url": 2.0, "time": 1.5, "time_pub": 0.0, "time_text": 0.0, "date_class": 0.0,
                "headline": 7.0, "headline_pre": 5.0, "htmldate": 2.0, "htmldate_upd": 0.0, "cue": 3.0,
                "cue_upd": 0.0, "url_month": 4.0}
_DATE_ORDER = ["jsonld", "meta", "time_pub", "time", "headline", "url", "meta_generic", "date_class", "time_text",
               "headline_pre", "cue", "htmldate", "jsonld_mod", "meta_mod", "htmldate_upd", "cue_upd"]
# the sources that read the page's local date
_LOCAL_DATE_SOURCES = {"url", "htmldate", "htmldate_upd", "date_class", "time_text", "cue"}

_TEXT_DATE_MIN = dt.datetime(1990, 1, 1)  # older days are dropped as implausible by _date_flags anyway
_TEXT_DATE_MAX = dt.datetime(2100, 1, 1)  # future days are flagged by _date_flags, not silently dropped here


def _month_first(lang: str, meta) -> bool:
    """Whether the page's locale writes numeric dates month first: English, unless a region that writes them day
    first is named (en-GB, en_AU, ...)."""
    language, _, region = _locale(lang, meta).partition("-")
    return language == "en" and region in ("", "us")


def _text_date(text: str, month_first: bool = False) -> str | None:
    """A full date written in visible text ("05.02.2020", "3. Dezember 2011", "March 4, 2021", ISO), read by
    htmldate's own text parser (several languages, no slow dateparser fallback). `month_first`: how to read an
    ambiguous slashed date ("11/8/2023")."""
    from htmldate.extractors import try_date_expr

    text = " ".join(text.split())
    if not text or len(text) > 120 or not re.search(r"\d", text):
        return None
    slashed = _SLASH_DATE.search(text)
    if slashed:
        a, b, year = (int(x) for x in slashed.groups())
        month_first = b > 12 or (month_first and a <= 12)
        return _valid_day(year, a, b) if month_first else _valid_day(year, b, a)
    try:  # an internal htmldate function (pinned below 2): page text is hostile input, and a changed signature
        return try_date_expr(text, "%Y-%m-%d", False, _TEXT_DATE_MIN, _TEXT_DATE_MAX)  # must not stop extraction
    except Exception:
        return None


# Cue words written just before a date in the visible text ("Published: 3 May 2021", "Erschienen am: 01.11.2023",
# "Mis à jour le ..."), in the languages of the eval sets. Found with str.find on the lowered page (a regex
# alternation over the page, or a walk over the tree's text nodes, cost 6-10 ms a page); a cue counts when it is
# among the first words of a text node, so attribute values and class names ("date-published") do not.
_CUE_WORDS = {"pub": ("published", "posted", "veröffentlicht", "erschienen", "publiziert", "publié", "publicado",
                      "publicada", "pubblicato", "pubblicata", "gepubliceerd", "opublikowano", "publikováno",
                      "julkaistu", "publicerad", "publisert", "udgivet"),
              "upd": ("updated", "modified", "edited", "revised", "aktualisiert", "geändert", "letzte änderung",
                      "mis à jour", "modifié", "actualizado", "actualizada", "aggiornato", "aggiornata",
                      "bijgewerkt", "zaktualizowano", "aktualizováno", "päivitetty", "uppdaterad", "oppdatert",
                      "opdateret")}
# Participles that end a German or Dutch clause, after its date: "Dieser Beitrag wurde am 3. Dezember 2011 um
# 10:00 Uhr veröffentlicht" (the German WordPress byline), "is op 3 mei 2021 gepubliceerd"
_CUE_AFTER_DATE = {"veröffentlicht", "erschienen", "publiziert", "gepubliceerd", "aktualisiert", "geändert",
                   "bijgewerkt"}


def _cue_forms(word: str) -> list[str]:
    """The spellings of a cue word in lowered HTML: bytes.lower() lowers ASCII only, so the capitalised form too
    ("Letzte Änderung"), and with named entities for non-ASCII letters ("ver&ouml;ffentlicht")."""
    forms = [word, word.title()]
    forms += ["".join(f"&{codepoint2name[ord(c)]};" if ord(c) in codepoint2name and ord(c) > 127 else c for c in f)
              for f in forms]
    return [f.encode().lower() for f in forms]


_CUE_BYTES = {kind: {form: word for word in words for form in _cue_forms(word)} for kind, words in _CUE_WORDS.items()}
_TAG_RX = re.compile(r"<[^>]*>")
_CUE_PER_WORD = 8  # occurrences of one cue word looked at per page
_CUE_LEAD = 40  # at most this many characters of the text node before the cue
_CUE_SPAN = 400  # bytes of HTML read after (or, for _CUE_AFTER_DATE, before) the cue for its date
# Cue forms that share one of these keys are found through it: one find over the page per key instead of one per
# form (a find costs ~60 us on a 170 KB page; 48 forms, 19 finds)
_CUE_KEYS = (b"publi", b"pubblica", b"ffentlicht", b"aktuali", b"pdate", b"modifi", b"actualiza", b"aggiorna",
             b"letzte ", b" jour", b"ndert", b"ivitetty")


def _cue_groups() -> dict[bytes, list[tuple[bytes, int, str, str]]]:
    """{key: [(form, the key's offset in it, kind, word)]}; a form without a shared key is its own key."""
    groups = defaultdict(list)
    for kind, forms in _CUE_BYTES.items():
        for form, word in forms.items():
            key = next((k for k in _CUE_KEYS if k in form), form)
            groups[key].append((form, form.index(key), kind, word))
    return dict(groups)


_CUE_GROUPS = _cue_groups()
# A cue counts only in a text run: after a ">" at most _CUE_LEAD (a verb-final cue: _CUE_SPAN) bytes before it, with
# no "<" or ">" between, and no form holds either. So a key missing from those runs of the page (each run's start,
# as long as a cue's reach plus the longest form) is skipped without its search of the whole page: that search
# (~19 of them a page, ~70 us each on a 200 KB page) is made only for the one or two keys the runs hold.
_CUE_MAX_FORM = max(len(form) for forms in _CUE_GROUPS.values() for form, *_ in forms)
_CUE_TEXT_RUNS = {reach: re.compile(rb">([^<>]{1,%d})" % (reach + _CUE_MAX_FORM)) for reach in (_CUE_LEAD, _CUE_SPAN)}
_CUE_KEY_REACH = {key: max(_CUE_SPAN if word in _CUE_AFTER_DATE else _CUE_LEAD for *_, word in forms)
                  for key, forms in _CUE_GROUPS.items()}


def _cue_dates(html: str, month_first: bool = False) -> tuple[str | None, str | None]:
    """(first date after a publication cue, first date after an update cue) in the page's text, document order."""
    # bytes: ASCII lowering and find on bytes are several times faster than on a str holding non-ASCII text
    low = html.encode("utf-8", "replace").lower()
    runs = {reach: b"<".join(rx.findall(low)) for reach, rx in _CUE_TEXT_RUNS.items()}
    hits = []
    for key, forms in _CUE_GROUPS.items():
        if key not in runs[_CUE_KEY_REACH[key]]:
            continue  # in no text run where a cue counts: none of its forms can count
        # per form: the first _CUE_PER_WORD occurrences that do not overlap, as repeated finds of the form give
        seen, resume = [0] * len(forms), [0] * len(forms)
        at = low.find(key)
        while at >= 0:
            live = False
            for i, (form, offset, kind, word) in enumerate(forms):
                if seen[i] == _CUE_PER_WORD:
                    continue
                live = True
                pos = at - offset
                if pos < resume[i] or not low.startswith(form, pos):
                    continue
                seen[i] += 1
                end = resume[i] = pos + len(form)
                before, after = low[pos - 1:pos] if pos else b" ", low[end:end + 1]
                # in text, not in a tag: among the first words of a text node, or anywhere in it for a cue that
                # follows its date
                lead = low[max(0, pos - (_CUE_SPAN if word in _CUE_AFTER_DATE else _CUE_LEAD)):pos]
                if not (before.isalnum() or before == b"-" or after.isalnum() or after == b"-") \
                        and lead.rfind(b">") > lead.rfind(b"<"):
                    hits.append((pos, end, kind, word))
            if not live:
                break
            at = low.find(key, at + 1)
    found: dict[str, str] = {}
    for pos, end, kind, word in sorted(hits):
        if kind in found:
            continue
        day = _date_after_cue(low[end:end + _CUE_SPAN], month_first)
        if not day and word in _CUE_AFTER_DATE:
            day = _date_before_cue(low[max(0, pos - _CUE_SPAN):pos], month_first)
        if day:
            found[kind] = day
            if len(found) == 2:
                break
    return found.get("pub"), found.get("upd")


def _date_after_cue(html: bytes, month_first: bool) -> str | None:
    """The date right after a cue ("published on <b>May 3, 2021</b>", not a date sentences later); text nodes are
    added one at a time because two dates in one string read as none."""
    text = ""
    for piece in _TAG_RX.split(html.decode("utf-8", "ignore"))[:4]:
        text = " ".join(f"{text} {htmllib.unescape(piece)}".split()).lstrip(" :-–|·,")
        if text[:1] == "{":
            return None
        day = _text_date(text[:60], month_first) if any(map(str.isdigit, piece)) else None
        if day or len(text) > 60:
            return day
    return None


def _date_before_cue(html: bytes, month_first: bool) -> str | None:
    """The date in the clause a verb-final cue ends ("... am 3. Dezember 2011 um 10:00 Uhr veröffentlicht"),
    nearest text nodes first; none when another cue word stands between them."""
    text = ""
    for piece in _TAG_RX.split(html.decode("utf-8", "ignore"))[::-1][:4]:
        text = " ".join(f"{htmllib.unescape(piece)} {text}".split())
        if any(form in text.encode() for forms in _CUE_BYTES.values() for form in forms):
            return None
        day = _text_date(text[-50:], month_first) if any(map(str.isdigit, piece)) else None
        if day or len(text) > 60:
            return day
    return None


def _is_modified(*attrs) -> bool:
    s = " ".join(a or "" for a in attrs).lower()
    return "modif" in s or "update" in s or "aktualisiert" in s


# Date-bearing elements: every candidate of the time, time_pub, time_text and date_class votes from one XPath, told
# apart in Python (each `//` step walks the whole tree: four queries cost ~1.5x this one). Selected through their
# attributes (`//@class[...]/..`): the same nodes as the plain element predicates, at half of the XPath time.
_DATE_NODES_XPATH = etree.XPath('//@class[contains(., "date") or contains(., "Date") or contains(., "datum") or '
                                'contains(., "published")]/.. | //@id[contains(., "date")]/.. | '
                                '//@itemprop[. = "datePublished"]/.. | //time')
_PUB_TAGS = {"time", "span", "div", "p", "abbr"}
_NOT_DATE_CLASS_TAGS = {"script", "style", "time", "meta", "body"}


def _is_pub_node(node) -> bool:
    if node.get("itemprop") == "datePublished" and node.tag != "meta":
        return True
    if node.tag == "time" and node.get("pubdate") is not None:
        return True
    cls = node.get("class") or ""
    return node.tag in _PUB_TAGS and ("published" in cls or "entry-date" in cls)


def _is_date_class_node(node) -> bool:
    """An element inside <body> with "date" in its class or id."""
    if node.tag in _NOT_DATE_CLASS_TAGS:
        return False
    cls, ident = node.get("class") or "", node.get("id") or ""
    if not ("date" in cls or "Date" in cls or "datum" in cls or "date" in ident):
        return False
    return next(node.iterancestors("body"), None) is not None


# The date printed next to the headline is the one readers see, and it names this article rather than a related
# one in a sidebar; the first date-bearing text after the main <h1> (else just before it, nearest first) is read.
# On the tuning half it agreed with the gold day on about 0.97 of the pages where it was found (the first <time>
# in the page 0.90, date-classed elements 0.80). Bounded by text nodes and characters so a page without a nearby
# date costs little.
_AFTER_HEADLINE_TEXTS = 30  # non-blank text nodes looked at after the headline
_BEFORE_HEADLINE_TEXTS = 8  # and before it
_HEADLINE_SCAN_CHARS = 1500
_XML_SPACE = " \t\r\n"  # XPath normalize-space() strips only these (a lone &nbsp; is text)

# The text nodes around the headline, walked lazily as (text, owner) pairs: the owner is the element whose .text or
# .tail the text is (what XPath's smart strings give as getparent()). The same nodes, in the same order, as
# `following::text()[normalize-space()][position() <= 30]` / `preceding::...[position() <= 8]` (checked on the
# AEB and htmldate pages), at a third of the cost: the XPath collects every following text node of the page
# before the position filter, while the scan usually stops after a few.


def _subtree_texts(el, reverse: bool = False):
    """The text nodes inside `el` in document order (or reversed); comments' own text is not a text node.
    Recursive: libxml2 caps the tree depth at 255, below Python's recursion limit."""
    own = [(el.text, el)] if isinstance(el.tag, str) and el.text else []
    if not reverse:
        yield from own
    for child in el.iterchildren(reversed=reverse):
        if reverse and child.tail:
            yield child.tail, child
        yield from _subtree_texts(child, reverse)
        if not reverse and child.tail:
            yield child.tail, child
    if reverse:
        yield from own


def _following_texts(el):
    node = el
    while node is not None:
        if node.tail:
            yield node.tail, node
        for sib in node.itersiblings():
            yield from _subtree_texts(sib)
            if sib.tail:
                yield sib.tail, sib
        node = node.getparent()


def _preceding_texts(el):
    """Nearest first."""
    node = el
    while node is not None:
        for sib in node.itersiblings(preceding=True):
            if sib.tail:
                yield sib.tail, sib
            yield from _subtree_texts(sib, reverse=True)
        node = node.getparent()
        if node is not None and node.text:
            yield node.text, node


def _non_blank(pairs, limit: int):
    n = 0
    for text, owner in pairs:
        if text.strip(_XML_SPACE):
            yield text, owner
            n += 1
            if n == limit:
                return


def _headlines(headings, meta, page_title: str | None) -> list:
    """The article's heading, best first: of the <h1>-<h3> `headings` (document order), those whose text is part of
    the page title (or holds it), then the first <h1> with text. Logo, navigation and hidden <h1>s come before the
    real one on many pages."""
    title = " ".join(((meta.get("og:title") or [""])[0] or page_title or "").split()).lower()
    matching, first_h1 = [], None
    for h in headings:
        text = " ".join(h.text_content().split()).lower()
        first = first_h1 is None and h.tag == "h1"
        match = bool(title) and (title in text or (text in title and len(text) >= max(10, 0.4 * len(title))))
        # the ancestor walk only for a heading that would count
        if not text or not (first or match) or _in_comments(h):
            continue
        if first:
            first_h1 = h
        if match:
            matching.append(h)
            if len(matching) == 2:
                break
    return list(dict.fromkeys(matching + [first_h1] if first_h1 is not None else matching))


def _in_comments(el) -> bool:
    """Inside a reader-comments section, whose heading repeats the title ("3 Kommentare zu "<title>"", "12 thoughts
    on ...") and whose dates are the comments'."""
    return any("comment" in f"{a.get('class') or ''} {a.get('id') or ''}".lower() for a in el.iterancestors())


def _date_near(texts, month_first: bool) -> str | None:
    """The first date in (text, owner) pairs, within _HEADLINE_SCAN_CHARS characters."""
    chars = 0
    for text, parent in texts:
        if parent is not None and parent.tag in ("script", "style"):
            continue
        if parent is not None and parent.get("itemprop") == "dateModified":
            # a modification date printed (often hidden) next to the publication date. Only the schema.org
            # property: a class "updated" marks the publication date in many WordPress themes
            continue
        # a <time> element's machine-readable value is less ambiguous than its text ("11/08/2023"), also when the
        # text is in a child of it (<time datetime=...><span>02/11/2023</span></time>)
        time_el = next((el for el in (parent, parent.getparent()) if el is not None and el.tag == "time"
                        and el.get("datetime")), None) if parent is not None else None
        day = normalize_date(time_el.get("datetime"), other_languages=False) if time_el is not None else None
        day = day or _text_date(text, month_first)
        if day:
            return day
        chars += len(text)
        if chars > _HEADLINE_SCAN_CHARS:
            return None
    return None


def _date_votes(tree, url: str | None, meta, ld_objs, *, month_first: bool = False):
    """Every cheap date source's vote (all but htmldate and the cue scan): ([(source, day)], {source: utc_hour},
    updated)."""
    votes: list[tuple[str, str]] = []  # (source, day)
    utc_hour: dict[str, int] = {}  # source -> hour, for votes read from a UTC timestamp
    updated = None

    def add(source, raw) -> bool:
        day = normalize_date(raw, month_first=month_first) if isinstance(raw, str) else None
        if day:
            votes.append((source, day))
            _note_utc(utc_hour, source, raw)
        return bool(day)

    # one JSON-LD vote: the page's own article (listings of related items carry many other dates)
    for obj in _main_ld_objects(ld_objs, url):
        if any(add("jsonld", obj.get(k)) for k in ("datePublished", "dateCreated")):
            if add("jsonld_mod", obj.get("dateModified")):
                updated = votes[-1][1]
            break
    for source, keys in (("meta", _META_PUBLISHED), ("meta_generic", _META_GENERIC), ("meta_mod", _META_UPDATED)):
        if any(add(source, val) for key in keys for val in meta.get(key, [])[:1]):
            if source == "meta_mod" and not updated:
                updated = votes[-1][1]
    day = _url_date(url)
    if day:
        votes.append(("url", day))
    if isinstance(tree, _LexborPage):
        _lexbor_node_votes(tree, meta, votes, add, month_first)
    elif tree is not None:
        nodes = _DATE_NODES_XPATH(tree)
        times = [n for n in nodes if n.tag == "time"]
        for node in [n for n in times if n.get("datetime") is not None][:3]:
            if not _is_modified(node.get("class"), node.get("itemprop")) and add("time", node.get("datetime")):
                break
        pub = [n for n in nodes if _is_pub_node(n)]
        for node in pub[:3]:
            if _is_modified(node.get("class"), node.get("itemprop")):
                continue
            raw = node.get("datetime") or node.get("content") or node.get("title")
            if add("time_pub", raw) or (not raw and _add_text(votes, "time_pub", node, month_first)):
                break
        for node in [n for n in times if n.get("datetime") is None][:2]:
            if _add_text(votes, "time_text", node, month_first):
                break
        headlines = _headlines(tree.iter("h1", "h2", "h3"), meta, tree.findtext(".//title"))
        votes += _headline_votes(headlines, _following_texts, _preceding_texts, month_first)
        cls = [n for n in nodes if _is_date_class_node(n)]
        for node in cls[:8]:
            if _is_modified(node.get("class"), node.get("id")) or "comment" in (node.get("class") or "").lower():
                continue
            if _add_text(votes, "date_class", node, month_first):
                break
    return votes, utc_hour, updated


def _headline_votes(headlines, following, preceding, month_first: bool) -> list[tuple[str, str]]:
    """The headline and headline_pre votes: the dates printed after and before the first of `headlines` that has
    one. `following` / `preceding`: the tree's (text, owner) walkers."""
    for h in headlines:
        after = _date_near(_non_blank(following(h), _AFTER_HEADLINE_TEXTS), month_first)
        before = _date_near(_non_blank(preceding(h), _BEFORE_HEADLINE_TEXTS), month_first)
        if after or before:
            return [(src, day) for src, day in (("headline", after), ("headline_pre", before)) if day]
    return []


# The fast extractor's metadata is read from resiliparse's lexbor DOM, the tree its body comes from, instead of
# parsing the page a second time with lxml (~1.7 ms a page with freeing the tree). lexbor elements are wrapped in
# the few lxml methods that the headline scan calls (_headlines, _date_near, _in_comments); a text's owner is the
# element holding it (lxml's is the element before a tail text, which only _date_near's script and
# itemprop=dateModified checks see).
_TEXT, _ELEMENT = NodeType.TEXT, NodeType.ELEMENT


class _LexborElement:
    """A lexbor element with lxml's few methods. Each step to a lexbor node builds a Python object (~3-8 us), so the
    tag and the parent's wrapper are kept once read (a walk down the tree passes the parent it came from)."""
    __slots__ = ("node", "_tag", "_parent")

    def __init__(self, node, parent: _LexborElement | None = None):
        self.node = node
        self._tag = None
        self._parent = parent  # None: not looked up yet; False: no parent element

    @property
    def tag(self) -> str:
        if self._tag is None:
            self._tag = self.node.tag
        return self._tag

    def get(self, name: str) -> str | None:
        return self.node.getattr(name)

    def getparent(self) -> _LexborElement | None:
        if self._parent is None:
            parent = self.node.parent
            self._parent = _LexborElement(parent) if parent is not None and parent.type == _ELEMENT else False
        return self._parent or None

    def text_content(self) -> str:
        return self.node.text

    def iterancestors(self):
        parent = self.getparent()
        while parent is not None:
            yield parent
            parent = parent.getparent()


def _has_text(node) -> bool:
    """Whether an element holds a non-blank text node: a subtree without one is passed over whole, since the scan
    counts only non-blank texts (each step to a lexbor node costs ~3-8 us; its text content is one C call)."""
    return node.type == _ELEMENT and bool(node.text.strip(_XML_SPACE))


# The walks keep the wrapper of the element whose children they are in (`owner`): a text's owner and its parent
# come from there instead of a step up from every text (two node objects per text saved, ~1/3 of the scan).
def _lexbor_following_texts(el: _LexborElement):
    """The non-blank (text, owner) pairs after `el` in document order, as _non_blank(_following_texts(...)).
    Iterative: lexbor's trees are not depth-capped like libxml2's."""
    node, owner = el.node, el.getparent()
    while True:
        following = node.next  # the next node outside `node`'s subtree: its next sibling, or an ancestor's
        while following is None:
            if owner is None:  # past the root element: the document's own children hold no text
                return
            node, owner = owner.node, owner.getparent()
            following = node.next
        node = following
        while True:  # down to the first text of `node`'s subtree that can count
            if node.type == _TEXT:
                text = node.text
                if text.strip(_XML_SPACE):
                    yield text, owner
                break
            child = node.first_child if _has_text(node) else None  # none in a <template>, kept apart by lexbor
            if child is None:
                break
            owner, node = _LexborElement(node, owner), child


def _lexbor_preceding_texts(el: _LexborElement):
    """Nearest first, as _lexbor_following_texts."""
    node, owner = el.node, el.getparent()
    while True:
        previous = node.prev
        if previous is None:  # the parent was entered on the way down: on to its previous sibling
            if owner is None:
                return
            node, owner = owner.node, owner.getparent()
            continue
        node = previous
        while _has_text(node):  # enter it from its end
            last = node.last_child
            if last is None:
                break
            owner, node = _LexborElement(node, owner), last
        if node.type == _TEXT:
            text = node.text
            if text.strip(_XML_SPACE):
                yield text, owner


def _lexbor_node_votes(page: _LexborPage, meta, votes, add, month_first: bool) -> None:
    """_date_votes' votes from the page's elements on the lexbor DOM: the weighted ones (the first <time datetime>,
    the dates printed by the headline); the zero-weight ones, recorded for --explain only, are not read."""
    for node in page.elements["time"][:3]:
        if not _is_modified(node.getattr("class"), node.getattr("itemprop")) and add("time", node.getattr("datetime")):
            break
    headings = (_LexborElement(h) for h in page.headings)
    votes += _headline_votes(_headlines(headings, meta, page.tree.title), _lexbor_following_texts,
                             _lexbor_preceding_texts, month_first)


def _htmldate_vote(tree, url: str | None, html: str, extensive: bool) -> list[tuple[str, str]]:
    """htmldate's vote, on the page's lxml tree (parsed from `html` for a lexbor tree)."""
    from htmldate import find_date

    if not isinstance(tree, etree._Element):
        # find_date answers with a dated URL's day before it reads the tree, which it only needs to exist: the lxml
        # parse (~0.8 ms) is skipped then. lxml makes a tree of any page with an element or text in it (it fails
        # on one of only comments, doctype or stray end tags): of a page whose query found metadata elements.
        day = _htmldate_url_day(url) if isinstance(tree, _LexborPage) and any(tree.elements.values()) else None
        if day:
            return [("htmldate", day)]
        tree = _parse_tree(html, tree.utf8 if isinstance(tree, _LexborPage) else None)
    try:
        hd = find_date(tree if tree is not None else html, url=url, extensive_search=extensive,
                       original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises on some broken trees
        hd = None
    return [("htmldate", hd)] if hd else []


def _htmldate_url_day(url: str | None) -> str | None:
    """The day htmldate's find_date (original date, "%Y-%m-%d", default date bounds) reads from `url` before it
    looks at the page, else None. Its internal functions (htmldate is pinned below 2); None if they changed."""
    if not url:
        return None
    try:
        from htmldate.extractors import extract_url_date
        from htmldate.utils import Extractor
        from htmldate.validators import get_max_date, get_min_date

        return extract_url_date(url, Extractor(False, get_max_date(None), get_min_date(None), True, "%Y-%m-%d"))
    except Exception:  # a changed htmldate: find_date itself answers
        return None


def _add_text(votes, source, node, month_first: bool) -> bool:
    day = _text_date(node.text_content()[:200], month_first)
    if day:
        votes.append((source, day))
    return bool(day)


def _date_scores(votes, weights, url_month=None):
    """({day: weighted votes}, {day: [sources]}), implausible and future days left out."""
    score: dict[str, float] = defaultdict(float)
    sources: dict[str, list[str]] = defaultdict(list)
    for src, day in votes:
        flags = _date_flags(day)
        if "implausible" in flags or "future" in flags:
            continue
        w = weights.get(src, 0.0)
        if w <= 0:
            continue
        score[day] += w
        sources[day].append(src)
    if url_month:
        # On the tuning half every gold day lay in the URL's month (83 of 83 pages); a bonus rather than a filter,
        # and never for the URL's own day alone, so JSON-LD agreeing with <time> still beats a conflicting URL
        for day in score:
            if day[:7] == url_month and set(sources[day]) - {"url"}:
                score[day] += weights.get("url_month", 0.0)
    return score, sources


def _decide_date(votes, utc_hour, weights=None, *, url_shift=False, utc_shift=True, url_month=None):
    """(day, source, confidence, flags) from the votes: the highest weighted sum wins. `url_month`: the URL's
    "YYYY-MM" (from /2019/10/...), a plausibility vote for the days in that month that another source names."""
    weights = _DATE_WEIGHT if weights is None else weights
    score, sources = _date_scores(votes, weights, url_month)
    only = next(iter(score)) if len(score) == 1 else None
    if only and set(sources[only]) <= {"htmldate", "htmldate_upd"} and only.endswith("-01-01"):
        # htmldate alone falls back to a year (e.g. a copyright line) as YYYY-01-01: a guess, not a date
        score.clear()
    if not score:
        flags = sorted({f for _, d in votes for f in _date_flags(d)} | ({"year_only"} if only else set()))
        return None, None, 0.0, flags
    # ties broken by earliest (original publication rather than an update)
    best = sorted(score, key=lambda d: (-score[d], d))[0]
    url_day = next((d for s, d in votes if s == "url"), None)
    if url_shift and url_day and url_day != best and url_day in score and _days_apart(url_day, best) <= 1:
        # one day apart: a UTC timestamp against the publisher's local date; URLs carry the local date
        # (off by default: it lost more pages than it won on the tuning half)
        best = url_day
    elif utc_shift and all(s in utc_hour for s in sources[best] if s not in ("htmldate", "htmldate_upd")):
        # the winner only has UTC timestamps: a local date one day off (in the direction the hour allows) wins
        hour = utc_hour.get(sources[best][0])
        if hour is not None:
            shift = -1 if hour < 12 else 1
            local = (dt.date.fromisoformat(best) + dt.timedelta(days=shift)).isoformat()
            if _LOCAL_DATE_SOURCES & set(sources.get(local, [])):
                best = local
    total = sum(score.values())
    conf = round(min(1.0, 0.35 + 0.65 * score[best] / total) * min(1.0, 0.5 + 0.15 * len(sources[best])), 3)
    flags = ["conflict"] if len(score) > 1 else []
    src = min(sources[best], key=_DATE_ORDER.index)
    return best, src, conf, flags


def _could_change(votes, utc_hour, url_month, weight: float) -> bool:
    """Whether more votes for one day adding up to `weight` could change the decision: the costly sources (the cue
    scan, htmldate's search) are asked only then, since on most pages the leader's margin is more than their
    votes (plus the URL-month bonus they may bring to a day) can close."""
    score, sources = _date_scores(votes, _DATE_WEIGHT, url_month)
    ranked = sorted(score.values(), reverse=True) + [0.0, 0.0]
    reach = weight + (_DATE_WEIGHT["url_month"] if url_month else 0.0)
    if ranked[0] - ranked[1] <= reach:
        return True
    best = max(score, key=score.get)
    # a winner read only from UTC timestamps may yield to a local date one day off (_decide_date)
    return all(s in utc_hour for s in sources[best] if s not in ("htmldate", "htmldate_upd"))


def _vote_dates(tree, url: str | None, html: str, meta, ld_objs, lang: str, *, fast: bool = False):
    """`fast`: htmldate without its extensive search of the page text."""
    month_first = tree is not None and _month_first(lang, meta)
    votes, utc_hour, updated = _date_votes(tree, url, meta, ld_objs, month_first=month_first)
    url_month = _url_month(url)
    # htmldate (with its extensive search ~1-1.5 ms a page; without it, on the fast extractor's lexbor tree, an lxml
    # parse ~2 ms) only when it and the cue scan after it could together change the day: the same day wins as with
    # it, only the confidence and "conflict" flag no longer count its vote.
    if _could_change(votes, utc_hour, url_month, _DATE_WEIGHT["htmldate"] + _DATE_WEIGHT["cue"]):
        votes += _htmldate_vote(tree, url, html, extensive=not fast)
    if html and _could_change(votes, utc_hour, url_month, _DATE_WEIGHT["cue"]):
        cue_pub, cue_upd = _cue_dates(html, month_first)
        if cue_pub in {d for s, d in votes if s in ("headline", "headline_pre")}:
            cue_pub = None  # most often the same printed date the headline scan read: one piece of evidence
        votes += [(src, day) for src, day in (("cue", cue_pub), ("cue_upd", cue_upd)) if day]
    best, src, conf, flags = _decide_date(votes, utc_hour, url_month=url_month)
    return best, src, conf, updated, flags, votes


def _locale(lang: str, meta) -> str:
    """The page's declared locale, lowered, "_" read as "-": "en-gb", "de", "" when none is declared. The <html>
    `lang` first; og:locale or Content-Language after it, and for the region of the same language (lang="en" with
    og:locale "en_GB")."""
    declared = [lang] + meta.get("og:locale", [])[:1] \
        + meta.get("content-language", [])[:1]
    declared = [d.strip().lower().replace("_", "-") for d in declared if d and d.strip()]
    if not declared:
        return ""
    language = declared[0].split("-")[0]
    return next((d for d in declared if d.startswith(language + "-")), declared[0])


_WORD = re.compile(r"\w+")


def _printed_headline(title: str, h1_texts: list[str], site: str | None) -> str:
    """The headline printed in the page's first <h1> in place of `title` (voted from the meta titles) when it is
    another wording of the same headline: pages' SEO titles (og:title, <title>) often reword it, and readers (and
    trafilatura_eval's labels) take the printed one. It must have 4 words or more, not be the site name, not
    merely add a kicker or label to `title` ("Local News | ..."), and share at least a third of its words with
    `title` (a site banner in the <h1> shares none). Tuning half of trafilatura_eval: title accuracy 0.777 ->
    0.824 (20 pages gained, none lost; a share of 0.2-0.5 and 3-5 words: 0.814-0.824)."""
    h1 = next((h for h in h1_texts if 10 <= len(h) <= 300), None)
    if not h1 or len(h1.split()) < 4:
        return title
    low, h1_low = title.lower(), h1.lower()
    if (site and site.lower() in h1_low) or low in h1_low:
        return title
    h1_words = set(_WORD.findall(h1_low))
    return h1 if h1_words and len(h1_words & set(_WORD.findall(low))) >= len(h1_words) / 3 else title


def _fold(text: str) -> str:
    """Lower case without accents, German umlauts spelled out or not alike ("Löhne", "loehne" -> "lohne"), so a
    title can be compared with its URL and host name."""
    text = unicodedata.normalize("NFKD", text.lower().replace("ß", "ss"))
    if not text.isascii():  # no ASCII character is a combining one
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _host_name(url: str | None) -> str:
    """The page's host without "www." and top-level domain, folded ("archiv.krimiblog"); an archived page's
    (web.archive.org/web/.../http://...) is the original's."""
    host = outlet_from_url(url[url.rfind("http"):] if url else None) or ""
    return _fold(host.rsplit(".", 1)[0])


def _is_site_name(text: str, site: str | None, host: str) -> bool:
    """A title candidate that only names the site: its declared name, or a short name whose longer words are
    (mostly) in the host name ("L-Mag" on l-mag.de, "Feuerwehr Oldenburg" on feuerwehrtaucher-oldenburg.de): a
    logo <h1> or an og:title set to the site's name, which the title vote would otherwise pick."""
    if site and text.lower() == site.lower():
        return True
    if not host or any(map(str.isdigit, text)):  # an issue, a year, a score: not a name
        return False
    words = [w for w in _WORD.findall(_fold(text)) if len(w) >= 3]
    return 0 < len(words) <= 4 and sum(w in host for w in words) >= 2 * len(words) / 3


_COPYRIGHT = re.compile(r"^\W*(?:copyright\b|\(c\)|©)[\s©]*(?:\d{4}\s*(?:[-–]\s*\d{4})?)?\s*(?:by\b)?\s*", re.I)
_EMAIL = re.compile(r"\s*\S+@\S+\.\w+")
_SITE_PARTS = re.compile(r"\s+[|/–—-]\s+")


def _site_label(site: str | None, title: str | None) -> str | None:
    """A page's declared site name as an outlet when no URL names one: the account behind a handle ("@ndr" -> "ndr"),
    no copyright line ("Copyright 2003 - 2019 by speicherguide.de GbR ..." -> its domain), e-mail address or the page's
    own title ("Achtsam durch die Krise | Die FURCHE" -> "Die FURCHE"); a sentence or headline is no site name."""
    if not isinstance(site, str) or not site or len(site) > 300:  # page text, not a name (and kept short for the
        return None                                                    # patterns below: hostile input)
    site = _EMAIL.sub("", " ".join(site.split())).strip()
    stripped = _COPYRIGHT.sub("", site)
    if stripped != site:  # a copyright line: its domain if it names one, else nothing to go by
        domain = re.search(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", stripped)
        return domain.group(0) if domain else None
    folded_title = " ".join((title or "").split()).lower()
    parts = _SITE_PARTS.split(site)
    if len(parts) > 1 and any(p.lower() == folded_title for p in parts):
        site = " - ".join(p for p in parts if p.lower() != folded_title)
    site = site.lstrip("@").strip()
    if not site or site.lower() == folded_title or site.endswith(("?", ".", "!")) and " " in site \
            or len(site.split()) > 8:
        return None
    return site


def _choose_title(titles: list[str], h1_texts: list[str], site: str | None, declared_site: str | None,
                  url: str | None) -> str:
    """The article's title from the page's candidates (JSON-LD headline, og/twitter titles, trafilatura's, the
    first <h1>s, <title>), best sources first. `declared_site` is the site name the page declares (og:site_name,
    JSON-LD publisher); `site` falls back on trafilatura's guess, which is often a part of the <title>.
    Tuning half of trafilatura_eval: title accuracy 0.824 -> 0.859 (site names out of the vote, site parts cut
    only where they name the site, the URL against labels); held-out half 0.812 -> 0.824."""
    host = _host_name(url)
    titles = [t for t in titles if not _is_site_name(t, declared_site, host)] or titles
    if not titles:
        return ""

    # the most-supported title: one that the others contain or equal
    def support(t):
        return sum(1 for o in titles if t.lower() in o.lower())

    title = max(titles, key=lambda t: (support(t), -titles.index(t)))
    if title not in h1_texts:  # the printed headline carries no site name
        title = _printed_headline(_strip_site_suffix(title, site, host), h1_texts, site)
    slug = _slug_words(url)
    if slug and len(title.split()) <= LABEL_MAX_WORDS and _slug_share(title, slug) < SLUG_MIN:
        # the URL spells the headline: a candidate it matches beats a section label or site name that won the vote
        pool = [_strip_site_suffix(t, site, host) for t in titles]
        best = max(pool, key=lambda t: _slug_share(t, slug))
        if _slug_share(best, slug) >= SLUG_BEST:
            title = best
    return title


# a voted title this short that spells under a third of the URL's words is a label ("Pressemitteilungen", "Allgemein");
# a candidate spelling 80% of them is the headline (tune half: 3 pages gained, none lost; without the length limit
# SLUG_MIN 0.2-0.5 lost 2-4 pages whose URL is an SEO rewording of the printed headline)
LABEL_MAX_WORDS, SLUG_MIN, SLUG_BEST = 3, 0.34, 0.8


def _slug_words(url: str | None) -> set[str]:
    """The words of the URL path's wordiest segment ("/2019/10/flint-flake-tool-partially.html"), if 3 or more."""
    if not url:
        return set()
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    best = max(path.split("/"), key=lambda seg: len(_LETTERS.findall(seg)))
    words = set(_LETTERS.findall(_fold(best.rsplit(".", 1)[0] if "." in best else best)))
    return words if len(words) >= 3 else set()


_LETTERS = re.compile(r"[^\W\d_]+")


def _slug_share(title: str, slug: set[str]) -> float:
    return len(slug & set(_LETTERS.findall(_fold(title)))) / len(slug)


def _strip_site_suffix(title: str, site: str | None, host: str) -> str:
    """`title` without the site name or section label that pages add before or after the headline ("Headline |
    Site", "Site » Blog Archive » Headline", "Headline - Site"). A dash or colon also sits inside real headlines
    ("SW082 – 82 Gründe ...", "Deux ans en Macronie : une condamnation ..."), so a part after one goes only when
    it names the site; after "|", "»" or "•" (never inside a headline) the longest part is kept."""
    site_l = (site or "").lower()

    def names_site(part: str) -> bool:  # the site's name, a part of it, or it with a word or two ("X Online")
        low = part.lower()
        return bool(site_l and (low in site_l or (site_l in low and len(low.split()) <= len(site_l.split()) + 2))
                    ) or _is_site_name(part, site, host)

    parts = [(p, names_site(p)) for p in _TITLE_SEPARATOR.split(title) if p.strip()]
    while parts and parts[0][1]:
        parts.pop(0)
    # what follows the site's name is site furniture too ("Headline : Site | Tagline")
    parts = [p for p, _ in itertools.takewhile(lambda part: not part[1], parts)]
    kept = title[title.index(parts[0]):title.rindex(parts[-1]) + len(parts[-1])] if parts else title
    hard = [p for p in _HARD_SEPARATOR.split(kept) if p.strip()] or [kept]
    longest = max(hard, key=len)
    return longest if len(longest) > 0.6 * len(kept) else kept


_TITLE_SEPARATOR = re.compile(r"\s+[-–—:]\s+|\s*[|»•·]\s*")
_HARD_SEPARATOR = re.compile(r"\s*[|»•·]\s*")


# trafilatura's extract_author (its AUTHOR_XPATHS tried in order on the page without AUTHOR_DISCARD_XPATHS' elements:
# comments, sidebars, dates, figures), with the XPaths' tests made in Python in one pass over the tree: each XPath
# walked the whole tree testing a dozen attributes per element (8.4 -> 3.8 ms a page where it runs; 3.8 -> ~2.9 ms
# with no tree copy and one attribute search to pass most elements over). It differs from trafilatura's in three
# ways: WordPress category classes and "has-sidebar" layouts no longer discard the whole post, a candidate whose
# text is no name (a form label) gives way to the next, and the names are kept as printed (_clean_author). The
# byline search finds most authors on pages without author metadata.
_AUTHOR_TAGS = ({"a", "address", "div", "link", "p", "span", "strong"}, {"a", "div", "h3", "h4", "p", "span"})
_AUTHOR_CLASS = (re.compile("author-?name|AuthorName|authorName"),
                 re.compile("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"),
                 re.compile("[Aa]uthor|screenname|writer|[Bb]yline"))
_AUTHOR_ID = (re.compile("author|zuozhe|bianji|xiaobian"), re.compile("[Aa]uthor"))
_NOT_AUTHOR_TAGS = {"a", "div", "section", "span"}
_NOT_AUTHOR_ID = re.compile("^comments|comment-?list|ProductReviews")
# "category-<slug>" and "content-sidebar", "has-sidebar", "with-sidebar" are not category lists or sidebars: WordPress
# puts the post's categories as classes on the post's own wrapper, and the others name a layout around the article
_NOT_AUTHOR_CLASS = re.compile("^[Cc]omments|commentlist|comments-list|(?<!content-)(?<!has-)(?<!with-)sidebar|"
                               "is-hidden|quote|embedly-instagram|article-(?:share|support)|print|category(?!-)|"
                               "meta-date|meta-reviewer")
_AUTHOR_MAX_CHARS = 120
# every substring that the tests below look for in an attribute (a superset): one search of an element's attribute
# values passes over the many elements that none of them can pick
_AUTHOR_HINT = re.compile("uthor|yline|byl|BBL|writer|screenname|username|channel-name|zuozhe|bianji|xiaobian|"
                          "submitted-by|posted-by|journalist-name|omment|ProductReviews|sidebar|is-hidden|quote|"
                          "embedly-instagram|article-s|print|category|meta-|title|date|Figure")


def _author_levels(el) -> tuple[bool, bool, bool]:
    """Whether `el` is a byline candidate of each of AUTHOR_XPATHS (specific, generic, last resort)."""
    tag, get = el.tag, el.get
    cls, ident, itemprop = get("class") or "", get("id") or "", get("itemprop") or ""
    specific = tag == "author" or (tag in _AUTHOR_TAGS[0] and (
        get("rel") == "author" or ident == "author" or cls == "author" or itemprop == "author name"
        or get("data-testid") in ("AuthorCard", "AuthorURL") or bool(_AUTHOR_CLASS[0].search(cls))))
    generic = tag in _AUTHOR_TAGS[1] and (
        cls in ("byline", "username", "byl", "BBL") or "author" in itemprop or bool(_AUTHOR_ID[0].search(ident))
        or bool(_AUTHOR_CLASS[1].search(cls)))
    last = ("Byline" in (get("data-component") or "") or "author" in itemprop or bool(_AUTHOR_ID[1].search(ident))
            or bool(_AUTHOR_CLASS[2].search(cls)))
    return specific, generic, last


def _not_author_area(el) -> bool:
    """Whether `el` is one of AUTHOR_DISCARD_XPATHS' elements."""
    tag = el.tag
    if tag in ("time", "figure"):
        return True
    if tag not in _NOT_AUTHOR_TAGS:
        return False
    cls, ident = el.get("class") or "", el.get("id") or ""
    return (ident == "comments" or cls in ("comments", "title", "date") or bool(_NOT_AUTHOR_ID.search(ident))
            or bool(_NOT_AUTHOR_CLASS.search(cls)) or "Figure" in (el.get("data-component") or ""))


def _kept_text(el, cut: dict) -> str:
    """`" ".join(el.itertext())` as it reads once the `cut` elements are deleted with their tails kept (trafilatura's
    `delete_element`: a tail joins the text before it), without copying the tree to delete them."""
    slots = [el.text]

    def walk(parent):
        for child in parent:
            if child in cut:
                if child.tail:
                    slots[-1] = (slots[-1] or "") + child.tail
                continue
            if isinstance(child.tag, str):  # comments and processing instructions give only their tails
                slots.append(child.text)
                walk(child)
            slots.append(child.tail)

    walk(el)
    return " ".join(s for s in slots if s is not None)


def _byline_author(tree) -> str | None:
    """The first byline candidate (by level, then document order) whose text reads as a name (_clean_author)."""
    levels, discarded = ([], [], []), {}
    for el in tree.iter(etree.Element):
        if el.tag not in ("author", "time", "figure") and not _AUTHOR_HINT.search(" ".join(el.values())):
            continue
        if _not_author_area(el):
            discarded[el] = None
        for level, candidate in zip(levels, _author_levels(el)):
            if candidate:
                level.append(el)
    for level in levels:
        for el in level:
            if el in discarded or any(a in discarded for a in el.iterancestors()):
                continue
            content = _kept_text(el, discarded)
            if len(content) < 4 * _AUTHOR_MAX_CHARS:
                name = _clean_author(content)
                if name:
                    return name
    return None


# the elements that _author_levels can pick, as one CSS query for the fast extractor's lexbor tree (a superset)
_LEXBOR_AUTHOR_ELEMENTS = ('author, [rel="author"], [itemprop*="author"], [class*="uthor"], [class*="yline"], '
                           '[class*="byl"], [class*="BBL"], [class*="writer"], [class*="screenname"], '
                           '[class*="username"], [class*="channel-name"], [class*="submitted-by"], '
                           '[class*="posted-by"], [id*="uthor"], [data-component*="Byline"], [data-testid^="Author"]')


def _lexbor_byline_author(page: _LexborPage) -> str | None:
    """_byline_author on the fast extractor's tree: the same levels and discarded areas (tested on the candidates'
    ancestors), an element's whole text."""
    levels = ([], [], [])
    for node in page.tree.document.query_selector_all(_LEXBOR_AUTHOR_ELEMENTS)[:]:
        el = _LexborElement(node)
        for level, candidate in zip(levels, _author_levels(el)):
            if candidate:
                level.append(el)
    for level in levels:
        for el in level:
            if _not_author_area(el) or any(map(_not_author_area, el.iterancestors())):
                continue
            content = _lexbor_text(el.node)
            if len(content) < 4 * _AUTHOR_MAX_CHARS:
                name = _clean_author(content)
                if name:
                    return name
    return None


def _lexbor_text(node) -> str:
    """The texts under `node` joined by spaces, as lxml's `" ".join(el.itertext())` (lexbor's `text` joins them
    without: "AuthorJane Doe")."""
    texts, entered = [], []  # entered: the elements whose children are being walked
    current = node.first_child
    while current is not None or entered:
        if current is None:  # past the last child: on to the parent's next sibling
            current = entered.pop().next
            continue
        if current.type == _TEXT:
            texts.append(current.text)
        child = current.first_child if current.type == _ELEMENT else None
        if child is not None:
            entered.append(current)
        current = child if child is not None else current.next
    return " ".join(texts)


def _page_byline(tree) -> str | None:
    return _lexbor_byline_author(tree) if isinstance(tree, _LexborPage) else _byline_author(tree)


# A byline printed as plain text, in no element that names it ("Ein Artikel von Pamela Sladky | 27.01.2022",
# "<b>Autor:</b> Götz Warnke"): a lead-in word near the start of a text after the first <h1>, then a name in the same
# or the next text. Searched in the HTML (~0.4 ms a page) only when no other source names an author; on the
# trafilatura_eval tuning half, run on every labelled page, its name is the label on 109 of the 153 where it finds one.
_TEXT_BYLINE_LEAD = re.compile(r">[^<]{0,30}?(?i:\b(?:von|by|par|por|autor(?:in|en)?|author|auteur|text|redaktion))\b")
_TEXT_BYLINE_NAME = re.compile(r"\s*:?\s*(?:</?[a-zA-Z][^>]*>\s*)*([^\W\d_][^<>|]{2,60}?)\s*[<|]")
_NAME_PARTICLES = {"von", "van", "de", "der", "den", "da", "di", "du", "la", "le", "und", "and", "&", ",", "y", "et"}


def _looks_like_names(text: str) -> bool:
    """Two or more capitalised words, with name particles and joiners between them ("Jelko Djuren und Jutta K.")."""
    words = text.replace(",", " , ").split()
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised >= 2 and all(w[0].isupper() or w in _NAME_PARTICLES for w in words)


def _text_byline(html: str) -> str | None:
    h1 = html.find("<h1")
    for lead in _TEXT_BYLINE_LEAD.finditer(html, max(h1, 0)):
        match = _TEXT_BYLINE_NAME.match(html, lead.end())
        name = _clean_author(match.group(1)) if match else None
        if name and _looks_like_names(name):
            return name
    return None


# The author as the page prints it ("Lars Fischer und Alina Schadwinkel", "Perry Bacon Jr."): trafilatura's own
# normaliser rewrites every separator to "; " and drops dots and accents, which matched 0.48 of trafilatura_eval's
# labels on the tuning half. A byline's lead-in words ("By", "Von", "Posted by", "Autor:", "Text & Fotos:") and what
# follows the names (a date or time, a handle, an e-mail address, "says:", a follow button) are cut instead.
_AUTHOR_LEAD = re.compile(
    r"^(?:(?:view all posts|post author|posted|written|geschrieben|veröffentlicht|eingestellt|erstellt|verfasst|"
    r"publié|publicado|escrito|ein artikel|zum profil)\s+)?(?:by|von|vom|par|por|door|(?-i:di)|av|af|from)\b\s*:?\s*"
    r"|^(?:posted|published|veröffentlicht) (?:on|am) [^|]{4,30}? (?:by|von) "
    r"|^(?:author|autor|auteur|autore|autorin|autoren)\b\s*:?\s*"
    r"|^(?:text|texte|interview|fotos?|photos?|words)(?:\s*(?:&|und|and|et|y)\s*(?:text|fotos?|photos?|interview))?"
    r"\s*:\s*",
    re.I)
_AUTHOR_TAIL = re.compile(
    r"\s+(?:@\w+|\S+@\S+\.\w+|(?:am|on|le|el|il|at|um|den)\s+\d.*|\d{1,2}[./:]\d.*|(?:says|said|schreibt|sagt)\b.*"
    r"|\+?\s*follow\b.*|twitter\b.*|(?:updated|last updated|published|aktualisiert|vor \d+)\b.*|mehr)$"
    r"|\s*(?:[|/·•–—-]+|//)\s*(?:\d.*|\w+ \d{1,2},? \d{4}.*|[^\W\d]+\.? \d.*)?$|,\s*\d.*$"
    r"|,?\s+(?:Ph\.?D|M\.?D|MPH|RDN?|MSc?)\.?$",  # a degree after the name ("Grant Tinsley, PhD")
    re.I)
# what a byline element can hold instead of a name: a comment form's labels, a lone lead-in or date label
_AUTHOR_LABEL = re.compile(r"(?:name|e-?mail|website|von|by|auteurs?|autor(?:en)?|(?:posted|published|publiziert|"
                           r"veröffentlicht|publicado|publié)(?: am| on| el| le)?)\b\W*(?:\(.*\))?", re.I)
_AUTHOR_LOGIN = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)+")  # "michael.andrusio": a user name, not the printed name
_NOT_A_BYLINE = re.compile(r"[!?]")  # a comment's or a bio's sentence, picked up by an "author" class
_AUTHOR_MAX_WORDS = 10
_AUTHOR_NONE = {"null", "none", "no author", "unknown", "admin", "anonymous"}
_AUTHOR_SEPARATORS = re.compile(r"(?:[\s,;/&]|\b(?:and|und|et|y|e|og|en)\b)*", re.I)
_ORGANISATION_TYPES = {"organization", "newsmediaorganization", "corporation", "organisation"}
_DOMAIN = re.compile(r"\.(?:com|net|org|de|at|ch|fr|es|it|pl|nl|uk|cl|pe|info)\b", re.I)
# a firm's legal form or a publication's word: the name of an organisation ("DITIB ... e.V.", "Auto Illustrierte")
_ORGANISATION_WORD = re.compile(r"(?:\be\.\s?V\.|\b(?:GmbH|AG|Inc|Ltd|LLC|Verlag|Magazin|Magazine|Zeitung|"
                                r"Nachrichten|Illustrierte|Online|Media|Média|News)\b)")
# <meta> author keys, most specific first ("author" is often the site's name on news sites)
_META_AUTHOR_KEYS = ("author", "article:author", "parsely-author", "sailthru.author", "byl", "og:author",
                     "og:article:author", "dc.creator", "citation_author", "dcterms.creator", "creator")
_MAX_AUTHORS = 5  # more distinct values under one key are a reference list (scholarly pages), not a byline


def _clean_author(text) -> str | None:
    """A byline or metadata value as the name(s) it prints, or None when it holds none (a URL, a form label)."""
    if not isinstance(text, str):
        return None
    text = " ".join(htmllib.unescape(text).split())
    if not text or text.lower().startswith("http") or text.lower() in _AUTHOR_NONE:
        return None
    for _ in range(2):  # "Posted by X | 3. May 2020 · 14:02": lead-in and tail may each come twice
        before = text
        text = _AUTHOR_TAIL.sub("", _AUTHOR_LEAD.sub("", text).strip()).strip(" ,;:-–")
        if text == before:
            break
    text = re.sub(r"\s+(?=[,;])", "", text)
    if (not text or len(text) > _AUTHOR_MAX_CHARS or _AUTHOR_LABEL.fullmatch(text) or _AUTHOR_LOGIN.fullmatch(text)
            or _NOT_A_BYLINE.search(text) or text.count(" ") >= _AUTHOR_MAX_WORDS):
        return None
    return text


def _ld_authors(value, ld_objs: list[dict]) -> tuple[list[str], list[str]]:
    """(persons, organisations) named by a JSON-LD `author` value; a bare {"@id": ...} reference (Yoast's graphs)
    is looked up among the page's JSON-LD objects."""
    persons, organisations = [], []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict) and "name" not in item and item.get("@id"):
            item = next((o for o in ld_objs if o.get("@id") == item["@id"] and "name" in o), item)
        if isinstance(item, dict):
            name = _clean_author(_ld_name(item.get("name")))
            if name:
                (organisations if _ld_type(item) & _ORGANISATION_TYPES else persons).append(name)
        elif isinstance(item, str):
            persons.append(_clean_author(item))
    return list(dict.fromkeys(filter(None, persons))), list(dict.fromkeys(organisations))


def _prints_names(text: str, names: list[str]) -> bool:
    """Whether `text` is these names joined by separators only ("A und B" for [A, B])."""
    rest = text.casefold()
    for name in names:
        if name.casefold() not in rest:
            return False
        rest = rest.replace(name.casefold(), " ", 1)
    return bool(_AUTHOR_SEPARATORS.fullmatch(rest))


def _choose_author(ld_author, ld_objs: list[dict], meta, byline, site: str | None, url: str | None) -> tuple:
    """(author, candidates): the JSON-LD article's person(s), else the first <meta> author key, else the printed
    byline (`byline()`, searched only then); a <meta> value that prints the JSON-LD names with its own separators
    ("A und B") wins as the printed form. Names of the site itself or of an organisation are the last resort: the
    label is the person who wrote the article."""
    host = _host_name(url)

    def is_organisation(name: str) -> bool:
        return _is_site_name(name, site, host) or bool(_DOMAIN.search(name) or _ORGANISATION_WORD.search(name))

    persons, fallback = _ld_authors(ld_author, ld_objs)
    if any(map(is_organisation, persons)):
        fallback += persons
        persons = []
    meta_author = None
    for key in _META_AUTHOR_KEYS:
        values = list(dict.fromkeys(filter(None, map(_clean_author, meta.get(key, [])))))
        if values and len(values) <= _MAX_AUTHORS:
            joined = ", ".join(values)
            if not is_organisation(joined):
                meta_author = joined
                break
            fallback.append(joined)
    printed = None
    if meta_author and persons and _prints_names(meta_author, persons):
        printed = meta_author
    elif not (persons or meta_author):
        printed = byline()
        if printed and is_organisation(printed):
            fallback.append(printed)
            printed = None
    candidates = [c for c in (printed, ", ".join(persons), meta_author, *fallback) if c]
    return (candidates[0] if candidates else None), candidates


def _traf_metadata(tree, url: str | None):
    """trafilatura's own metadata heuristics (meta tags, JSON-LD, bylines) without its htmldate call, which the
    date vote below makes once."""
    from trafilatura import metadata as tm

    try:
        md = tm.examine_meta(tree)
        try:
            md = tm.extract_meta_json(tree, md)
        except Exception:  # trafilatura's JSON-LD parsing raises on odd documents
            pass
        md.title = md.title or tm.extract_title(tree)
        md.sitename = md.sitename or tm.extract_sitename(tree)
        return md
    except Exception:  # metadata must never stop extraction
        return None


class _PageParts(NamedTuple):
    """What the metadata vote reads from the page's tree (lxml, or the fast extractor's lexbor tree)."""
    meta: dict[str, list[str]]
    ld: list[dict]  # JSON-LD objects
    lang: str  # the <html> lang
    h1_texts: list[str]  # of the first two <h1>s
    title: str | None  # <title>


def _page_parts(tree) -> _PageParts:
    if isinstance(tree, _LexborPage):
        root = tree.tree.document.query_selector("html")
        return _PageParts(_meta(n.getattr for n in tree.elements["meta"]),
                          _jsonld_objects(n.text for n in tree.elements["script"]),
                          (root.getattr("lang") or root.getattr("xml:lang") or "") if root is not None else "",
                          [h.text for h in tree.elements["h1"][:2]], tree.tree.title)
    if tree is None:
        return _PageParts({}, [], "", [], None)
    return _PageParts(_meta(n.get for n in tree.xpath("//meta")),
                      _jsonld_objects(n.text for n in tree.xpath('//script[@type="application/ld+json"]')),
                      tree.get("lang") or tree.get("xml:lang") or "",
                      [h.text_content() for h in tree.xpath("//h1")[:2]], tree.findtext(".//title"))


def _canonical(tree) -> str | None:
    """The page's <link rel=canonical> href."""
    if isinstance(tree, _LexborPage):
        links = tree.elements["link"]
        return links[0].getattr("href") if links else None
    links = tree.xpath('//link[@rel="canonical"]/@href') if tree is not None else []
    return links[0] if links else None


def _metadata(tree, url: str | None, html: str, traf, *, fast: bool = False) -> dict:
    page = _page_parts(tree)
    meta, ld = page.meta, page.ld
    ld_article = next((o for o in ld if _ld_type(o) & _ARTICLE_TYPES and ("headline" in o or "datePublished" in o)),
                      None)
    if url is None:
        canon = _canonical(tree) or (meta.get("og:url") or [None])[0]
        if canon and canon.startswith("http"):
            url = canon

    site = (meta.get("og:site_name") or [None])[0]
    if not site and ld_article and isinstance(ld_article.get("publisher"), (dict, list)):
        site = _ld_name(ld_article["publisher"])
    declared_site = site
    site = site or (traf.sitename if traf is not None else None)

    titles, h1_texts = [], []
    if ld_article and isinstance(ld_article.get("headline"), str):
        titles.append(ld_article["headline"])
    titles += meta.get("og:title", [])[:1] + meta.get("twitter:title", [])[:1]
    if traf is not None and traf.title:
        titles.append(traf.title)
    if tree is not None:
        h1_texts = [" ".join(h.split()) for h in page.h1_texts]
        titles += [h for h in h1_texts if 10 <= len(h) <= 300]
        t = page.title
        if t:
            titles.append(t)
    titles = [" ".join(t.split()) for t in titles if t and t.strip()]
    title = _choose_title(titles, h1_texts, site, declared_site, url)

    ld_author = next((o["author"] for o in ([ld_article] if ld_article else []) + ld if "author" in o), None)
    author, authors = _choose_author(ld_author, ld, meta, lambda: _page_byline(tree) or _text_byline(html), site, url)

    day, src, conf, updated, flags, votes = _vote_dates(tree, url, html, meta, ld, page.lang, fast=fast)
    lang = (_locale(page.lang, meta).split("-")[0] or None) if tree is not None else None
    return {
        "title": title, "author": author, "date": day, "date_source": src, "date_confidence": conf,
        "updated": updated, "date_flags": flags, "outlet": outlet_from_url(url) or _site_label(site, title),
        "language": lang, "url": url, "candidates": {"date": votes, "title": titles[:6], "author": authors[:6]},
    }


# ---------------------------------------------------------------- body

def _traf_tree(html: str):
    """The page parsed as trafilatura parses it (its own `load_html`), once for all of its modes: handed a tree,
    `bare_extraction` works on a copy of it, which costs a fraction of a parse. None when trafilatura rejects it."""
    from trafilatura.utils import load_html

    try:
        return load_html(html)
    except Exception:  # as inside bare_extraction: a page trafilatura cannot load gives no text
        return None


def _trafilatura(html_or_tree, url, **kw):
    import trafilatura

    try:
        return trafilatura.bare_extraction(html_or_tree, url=url, with_metadata=False, include_comments=False,
                                           include_tables=True, deduplicate=False, **kw)
    except Exception:  # trafilatura can raise on pathological trees
        return None


def _paragraphs_from_lines(text: str | None) -> str:
    if not text:
        return ""
    lines = [" ".join(ln.split()) for ln in text.split("\n")]
    return "\n\n".join(ln for ln in lines if ln)


def _justext(html: str) -> str:
    import justext

    try:
        paras = justext.justext(html.encode("utf-8", "replace"), justext.get_stoplist("English"),
                                encoding="utf-8")
    except Exception:  # justext raises on empty/odd documents
        return ""
    return "\n\n".join(" ".join(p.text.split()) for p in paras if not p.is_boilerplate)


def _drop_leading_title(body: str, *titles: str | None) -> str:
    """The headline often comes out as the first body paragraph; the title field already holds it."""
    first, _, rest = body.partition("\n\n")
    norm = " ".join(first.split()).lower()
    if rest and any(t and norm == " ".join(t.split()).lower() for t in titles):
        return rest
    return body


_METHOD_CONFIDENCE = {"trafilatura": 1.0, "trafilatura_default": 0.9, "trafilatura_recall": 0.8, "justext": 0.6,
                      "resiliparse": 0.8}


# Precision mode loses whole articles on some pages (trafilatura_eval: a recall of 0.913 against 0.939 for the
# default mode). Its answer is replaced by the default mode's when it is short and much shorter than the default's.
# Measured on the tuning half of trafilatura_eval (split by file-name hash) with AEB as the constraint:
# ratio 0.3 / 2000 chars: F1 0.9186 -> 0.9205 on the tuning half, AEB unchanged (0.974); a plain ratio of 0.9
# reached 0.9235 but cost AEB 0.008, and gap-filling precision paragraphs from the default's gained nothing.
# Re-measured with the printed lead and the wider junk lexicon of clean.py (which removes some of what the default
# mode adds): 0.3 -> 0.6 gained 7 snippets for 1 unwanted on the tuning half (0.9432 -> 0.9453, 3 pages, gains in
# both halves of a 2-fold split of it), AEB unchanged; 0.7 and above cost AEB 0.002-0.003.
FALLBACK_RATIO = 0.6
FALLBACK_MAX_CHARS = 2000


def _body(html: str, tree, url: str | None) -> tuple[str, str]:
    """(body, method): the trafilatura cascade (_cascade) on trafilatura's parse of the page (`_traf_tree`; None
    when it rejects the page), with the article's printed lead put back when the cascade left it out."""
    body, method = _cascade(html, tree, url)
    lead = _printed_lead(tree, body) if tree is not None else None
    if lead:
        body = f"{lead}\n\n{body}" if body else lead
    return body, method


# The lead (teaser, standfirst) printed between headline and body often sits in its own header element that
# trafilatura leaves out as page furniture (trafilatura_eval tuning half: 23 lead snippets missing, in no mode's
# answer). Pages repeat it as their meta description, which identifies it: the element whose text starts with the
# description is the lead. On the tuning half: F1 0.924 -> 0.932 (+23 snippets found, no unwanted one added); AEB's
# gold leaves standfirsts out of the body (0.976 -> 0.973 there).
_LEAD_MIN_CHARS = 80  # shorter descriptions are often a site slogan or a label
_LEAD_KEY_CHARS = 40  # the description's opening, looked for in the page text
_DESCRIPTIONS = etree.XPath('//meta[@name="description" or @property="og:description" or '
                            '@name="twitter:description"]/@content')
_TEXT_WITH = etree.XPath("//body//text()[contains(., $key)]")
_NOT_LEAD_PARENTS = {"script", "style", "noscript", "textarea", "title", "a"}
_NOT_LEAD_ANCESTORS = {"a", "footer", "nav", "aside"}  # link teasers and site furniture


def _printed_lead(tree, body: str) -> str | None:
    """The text of the element that prints the page's meta description (which is often cut short with "..."),
    when one does and `body` does not carry it already; None otherwise."""
    tried = set()
    for description in _DESCRIPTIONS(tree):
        description = " ".join(description.split())
        key = description[:_LEAD_KEY_CHARS]
        if len(description) < _LEAD_MIN_CHARS or key in tried:
            continue
        if key in body:  # the body carries it (4 to 5 pages in 10): no search of the page's text
            return None
        tried.add(key)
        for text in _TEXT_WITH(tree, key=key):
            el = text.getparent()
            if el.tag in _NOT_LEAD_PARENTS or any(a.tag in _NOT_LEAD_ANCESTORS for a in el.iterancestors()):
                continue
            lead = " ".join(el.text_content().split())
            # the element itself, not a container of the whole article
            if lead.startswith(key) and len(lead) <= max(1.5 * len(description), len(description) + 200):
                return lead
    return None


# A short precision answer is most often the whole of a short article: the rest of the cascade (~35 ms a page)
# changed it on 4 of AEB's 28 such pages, each time where resiliparse's main-content extraction (~2 ms), a second
# opinion by another algorithm, found far more text. The cascade runs only when the two disagree: precision's answer
# under SECOND_OPINION_RATIO of resiliparse's, or resiliparse's under SECOND_OPINION_FAILED of precision's (it
# missed the article, so it says nothing). Chosen on the tuning half of trafilatura_eval: F1 0.9450 (unchanged) at
# ratio 0.8-0.9, 0.9446 at 0.5-0.7 (2 snippets found fewer, 1 unwanted fewer), 2 more snippets lost without the
# failure check; AEB F1 unchanged at 0.5-1.0, where 0.5 runs the cascade on 4 pages instead of 7 (~1 ms a page).
SECOND_OPINION_RATIO = 0.5
SECOND_OPINION_FAILED = 0.2


def _agrees(body: str, second_opinion: str) -> bool:
    return SECOND_OPINION_FAILED * len(body) <= len(second_opinion) <= len(body) / SECOND_OPINION_RATIO


def _cascade(html: str, tree, url: str | None) -> tuple[str, str]:
    """(body, method): trafilatura in precision mode, first without its comparison with readability and jusText;
    when that answer is short and resiliparse's disagrees with it (_agrees), with it; its default mode when
    precision's answer is short and under FALLBACK_RATIO of the default's; recall mode and jusText only when the
    answer is still little."""
    # favor_precision measured best on AEB (F1 0.974 vs 0.963 default, 0.964 favor_recall; bench/extract.py)

    def run(**kw) -> str:
        doc = _trafilatura(tree, url, **kw) if tree is not None else None
        return _paragraphs_from_lines(doc.text if doc is not None else "")

    # trafilatura's comparison with readability (and jusText) is ~45% of a run (AEB: 21 -> 12 CPU ms a page
    # without it) and mostly rescues pages where its own answer is short: skipped when the answer is long enough
    # to stand (tuning half of trafilatura_eval F1 0.9453 -> 0.9450, AEB unchanged; skipping it on every page:
    # 0.938, and a cut at 1000 chars 0.9435, at 3000 no better than 2000)
    body = run(favor_precision=True, fast=True)
    if len(body) >= FALLBACK_MAX_CHARS or (
            len(body) >= MIN_BODY_CHARS and _agrees(body, _fast_body(_lexbor_tree(html))[0])):
        return body, "trafilatura"
    body, method = run(favor_precision=True), "trafilatura"
    if len(body) >= FALLBACK_MAX_CHARS:
        return body, method
    default = run()
    if len(body) < FALLBACK_RATIO * len(default) or (len(body) < MIN_BODY_CHARS and len(default) > len(body)):
        body, method = default, "trafilatura_default"
    if len(body) >= MIN_BODY_CHARS:
        return body, method
    candidate = run(favor_recall=True)
    if len(candidate) > len(body):
        body, method = candidate, "trafilatura_recall"
    if len(body) >= MIN_BODY_CHARS:
        return body, method
    candidate = _justext(html)
    if len(candidate) > len(body):
        body, method = candidate, "justext"
    return body, method


# Resiliparse (lexbor, C++) main-content extraction: ~10x faster than the trafilatura cascade, for archive-scale
# runs where throughput matters more than the last points of precision (AEB F1 ~0.94 with cleaning vs 0.974;
# bench/extract.py measures both). Skipped elements are the page furniture that it otherwise keeps.
_FAST_SKIP = ["figcaption", "aside", "nav", "footer", "header"]


def _fast_body(tree: HTMLTree | None) -> tuple[str, str]:
    """(body, method) from the page's lexbor tree (None: the page did not parse)."""
    from resiliparse.extract.html2text import extract_plain_text

    if tree is None:
        return "", "none"
    try:
        text = extract_plain_text(tree, main_content=True, alt_texts=False, links=False,
                                  list_bullets=False, preserve_formatting=True, comments=False, noscript=False,
                                  form_fields=False, skip_elements=_FAST_SKIP)
    except Exception:  # lexbor is robust, but hostile input must never stop a run
        return "", "none"
    return _paragraphs_from_lines(text), "resiliparse"


EXTRACTORS = ("accurate", "fast")


def extract_metadata(html: str | bytes, url: str | None = None, *, encoding: str | None = None) -> Extracted:
    """Metadata only (title, author, dates, outlet, language): no body extraction. Never raises."""
    return extract_html(html, url, encoding=encoding, body=False)


def extract_html(html: str | bytes, url: str | None = None, *, encoding: str | None = None,
                 body: bool = True, extractor: str = "accurate") -> Extracted:
    """Extract the article body and metadata from one HTML page. Never raises.

    `extractor`: "accurate" (trafilatura cascade, metadata from every source incl. htmldate) or "fast"
    (resiliparse body and metadata from its one parse; no trafilatura metadata; htmldate without its extensive
    text search, only when it could change the day)."""
    if extractor not in EXTRACTORS:
        raise ValueError(f"unknown extractor {extractor!r}; choose from {', '.join(EXTRACTORS)}")
    if extractor == "fast":
        with _page_node_cache():
            return _extract_html(html, url, encoding, body, True)
    return _extract_html(html, url, encoding, body, False)


def _extract_html(html: str | bytes, url: str | None, encoding: str | None, body: bool, fast: bool) -> Extracted:
    if url:
        try:
            urllib.parse.urlsplit(url)
        except ValueError:  # a malformed URL ("http://[bad/...") says nothing; the page is still read, without it
            url = None
    try:
        text, enc = decode_html(html, encoding)
        # each path parses the page once for the body and the metadata alike: the accurate one as trafilatura
        # parses it, the fast one with resiliparse
        traf_tree = None if fast else _traf_tree(text)
        if fast:
            tree = _lexbor_page(text, html if enc == "utf-8" else None)
        else:
            tree = traf_tree if traf_tree is not None else _parse_tree(text, html if enc == "utf-8" else None)
    except Exception:  # decoding/parsing of hostile input
        return Extracted(method="none", url=url, outlet=outlet_from_url(url))
    if tree is None:
        return Extracted(method="none", encoding=enc, url=url, outlet=outlet_from_url(url))
    if not body:
        text_body, method = "", "none"
    else:
        text_body, method = _fast_body(tree.tree) if fast else _body(text, traf_tree, url)
    tmeta = None if fast else _traf_metadata(tree, url)
    md = _metadata(tree, url, text, tmeta, fast=fast)
    text_body = _drop_leading_title(text_body, md["title"], tmeta.title if tmeta is not None else None)
    confidence = round(min(1.0, len(text_body) / 1500) * _METHOD_CONFIDENCE.get(method, 0.0), 3)
    return Extracted(text=text_body, method=method, confidence=confidence, encoding=enc, **md)


_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "ul", "ol",
               "section", "article", "header", "footer", "figure", "figcaption", "table", "dd", "dt", "hr"}


def fragment_to_text(fragment: str) -> str:
    """An HTML fragment (feed item content) -> paragraphs separated by blank lines.

    Hand-written because trafilatura/justext need a whole page and drop short fragments."""
    if "<" not in fragment:
        return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", fragment) if p.strip())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _BLOCK_TAGS:
            parts.append("\n\n")
        elif tag == "br":
            parts.append("\n\n")
        if el.text and tag not in ("script", "style"):
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in _BLOCK_TAGS:
            parts.append("\n\n")

    walk(root)
    paras = (" ".join(p.split()) for p in "".join(parts).split("\n\n"))
    return "\n\n".join(p for p in paras if p)
