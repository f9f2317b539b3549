"""The data model: what flows between pipeline stages and what the outputs are made of.

Every stage reads and writes these dataclasses; `to_dict()` gives the JSON shape documented in
`schema/stories.schema.json`. Keep field names stable: they are the public contract.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any


def normalize_ws(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return " ".join(text.split())  # same whitespace set as `\s+`, ~6x faster (called per line on every article)


def content_hash(title: str, text: str) -> str:
    """Stable hash of an article's content (whitespace-insensitive), used for ids and exact dedup."""
    h = hashlib.sha1()
    h.update(normalize_ws(title).lower().encode("utf-8"))
    h.update(b"\x00")
    h.update(normalize_ws(text).lower().encode("utf-8"))
    return h.hexdigest()


def _asdict(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: _asdict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [_asdict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _asdict(v) for k, v in obj.items()}
    return obj


class _Serializable:
    def to_dict(self) -> dict:
        return _asdict(self)


@dataclass
class Problem(_Serializable):
    """An input item that could not be (fully) read, or a story stage that failed. Reported on stderr, counted,
    stored."""

    source: str  # path, path:line, path#record, "<stdin>", or story:ID/STAGE (`story_problem_source`)
    reason: str  # short code: empty, binary, decode, json, truncated, html, unsupported, stage_error, ...
    detail: str = ""


def story_problem_source(story_id: str, stage: str) -> str:
    """The source of a problem met while analysing a story: stored with the story, replaced when it is analysed
    again, dropped with it."""
    return f"story:{story_id}/{stage}"


@dataclass
class Block(_Serializable):
    """One paragraph/line of an article body, kept or removed by the cleaner."""

    text: str
    kept: bool = True
    reason: str | None = None  # reason code when removed (link_list, promo, transcript, ...)


@dataclass
class Article(_Serializable):
    id: str
    title: str
    text: str  # cleaned body: kept blocks joined by blank lines
    source: str  # path or URL it was read from (path:line for JSONL, path#n for WARC)
    outlet: str | None = None
    url: str | None = None
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) or datetime; None when unknown
    date_source: str | None = None  # where the date came from (jsonld, meta, url, time, text, input)
    date_confidence: float = 0.0
    author: str | None = None
    language: str | None = None
    blocks: list[Block] = field(default_factory=list)
    extraction: dict = field(default_factory=dict)  # method, confidence, ... for HTML sources
    meta: dict = field(default_factory=dict)  # extra input fields (e.g. a --group-by field)
    hash: str = ""  # content_hash(title, text) of the cleaned article
    title_derived: bool = False  # the input had no title: `title` is the body's first line (ingest's derive_title)

    @property
    def removed(self) -> list[Block]:
        return [b for b in self.blocks if not b.kept]

    def to_dict(self) -> dict:
        d = _asdict(self)
        d["removed"] = [{"text": b.text, "reason": b.reason} for b in self.removed]
        return d


@dataclass
class SummarySentence(_Serializable):
    text: str
    citations: list[str]  # articles that carry this sentence (near-)verbatim, earliest first
    support: list[str] = field(default_factory=list)  # further articles whose text supports it
    single_source: bool = False  # only one outlet carries or supports it
    speaker: str | None = None  # who is quoted, when the sentence is a bare quotation (summarize.name_quoted_speakers)


@dataclass
class Quote(_Serializable):
    text: str
    speaker: str | None  # canonical full name where resolvable; None = unattributed
    kind: str  # "direct" | "indirect"
    article_ids: list[str]
    cue: str | None = None  # the cue verb ("said", "countered")
    speaker_mention: str | None = None  # as written ("he", "the minister")
    variants: list[dict] = field(default_factory=list)  # wording drift: [{"text", "article_ids"}]


@dataclass
class Entity(_Serializable):
    name: str  # canonical name
    type: str  # PERSON, ORG, GPE, LOC, NORP, EVENT, ...
    count: int
    article_ids: list[str]
    per_outlet: dict[str, int] = field(default_factory=dict)
    role: str = "mentioned"  # "main" | "secondary" | "mentioned"
    aliases: list[str] = field(default_factory=list)


@dataclass
class Event(_Serializable):
    text: str  # the sentence that carries the date
    expression: str  # the temporal expression as written ("previous year")
    date: str | None  # resolved ISO value at its granularity ("2018", "2018-06", "2019-05-14"), None = unknown
    granularity: str | None  # year | month | week | day | range | None
    resolution: str  # how it was resolved ("previous year relative to 2019-05-14 -> 2018") or "date unknown"
    article_id: str
    end: str | None = None  # end of a range ("within 60 days")
    article_ids: list[str] = field(default_factory=list)  # all articles carrying the event, earliest first


@dataclass
class SharedPassage(_Serializable):
    text: str
    article_ids: list[str]  # earliest first where dates are known
    source: str | None = None  # earliest article when dates decide it, else None (undirected)
    directed: bool = False


@dataclass
class Development(_Serializable):
    """One event inside a long-running story (developments.py): its articles, outlets, dates and headline."""

    id: str  # "d" + sha1(first article id)[:12]
    headline: str
    headline_article: str | None  # the article whose title the headline is
    article_ids: list[str]  # earliest first
    outlets: list[str] = field(default_factory=list)
    date_range: list[str | None] = field(default_factory=lambda: [None, None])


@dataclass
class Story(_Serializable):
    id: str
    headline: str
    article_ids: list[str]
    summary: list[SummarySentence] = field(default_factory=list)
    # how the summary was made: "cross_outlet" (what the outlets agree on) or "developments" (a topic: one lead per
    # development, in date order; developments.py)
    summary_kind: str = "cross_outlet"
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    timeline: list[Event] = field(default_factory=list)
    shared_passages: list[SharedPassage] = field(default_factory=list)
    copy_map: list[dict] = field(default_factory=list)  # per article: original/reused share
    spin: dict = field(default_factory=dict)  # headlines, leads, single-outlet facts
    duplicates: list[dict] = field(default_factory=list)  # near-duplicate article pairs
    outlets: list[str] = field(default_factory=list)
    date_range: list[str | None] = field(default_factory=lambda: [None, None])
    # the events inside a story whose dated articles span more than developments.DEVELOPMENT_DAYS (else empty)
    developments: list[Development] = field(default_factory=list)
