"""HTML page reader (body and metadata via `unspun.extract`).

Extraction is the expensive step of ingest, so an HTML item can be handed out as an `HtmlTask` (picklable) and
run in a worker process; `run_html_task` turns it into an Article or a Problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..extract import Extracted, extract_html
from ..model import Article, Problem
from .common import input_id, make_article, outlet_from_url, problem, unusable, with_utf16_bom


MIN_BODY_WORDS = 5  # fewer words extracted from a page: no article (the shortest news briefs are ~20 words)
# ~100 times a news page. Extraction costs ~1.2 CPU s and ~25 MB of memory per MB of HTML on the accurate path, and
# the body is cut at pipeline.MAX_ARTICLE_CHARS anyway: a bigger page is extracted from its start, and reported.
MAX_HTML_BYTES = 10_000_000


@dataclass
class HtmlTask:
    data: bytes | str
    source: str
    url: str | None = None
    encoding: str | None = None
    fallback_date: str | None = None  # e.g. the WARC crawl date, used when the page has none
    fields: dict = field(default_factory=dict)  # input metadata that wins over extracted values (JSONL)
    meta: dict = field(default_factory=dict)


def article_from_extracted(ex: Extracted, source: str, *, url: str | None = None, article_id: str | None = None,
                           title: str | None = None, outlet: str | None = None, date: str | None = None,
                           author: str | None = None, meta: dict | None = None) -> Article:
    url = url or ex.url
    date_fields = {"date": ex.date, "date_source": ex.date_source, "date_confidence": ex.date_confidence}
    if date:
        date_fields = {"date": date, "date_source": "input", "date_confidence": 1.0}
    return make_article(
        title=title or ex.title,
        text=ex.text,
        source=source,
        article_id=article_id,
        url=url,
        outlet=outlet or outlet_from_url(url) or ex.outlet,
        author=author or ex.author,
        language=ex.language,
        extraction={"method": ex.method, "confidence": ex.confidence, "encoding": ex.encoding,
                    "updated": ex.updated, "date_flags": ex.date_flags},
        meta=meta or {},
        **date_fields,
    )


def run_html_task(task: HtmlTask, extractor: str = "accurate") -> Article | Problem:
    ex = extract_html(task.data, url=task.url, encoding=task.encoding, extractor=extractor)
    words = len(ex.text.split(maxsplit=MIN_BODY_WORDS))  # exact below the minimum, all that is needed
    if words < MIN_BODY_WORDS:  # a menu item or a caption is not an article
        found = f"only {words} word{'s' if words != 1 else ''} of text" if words else "no article body"
        return problem(task.source, "no_text", f"{found} found in HTML (method={ex.method})")
    art = article_from_extracted(ex, task.source, url=task.url, meta=dict(task.meta), **task.fields)
    if art.date is None and task.fallback_date:
        art.date, art.date_source, art.date_confidence = task.fallback_date, "crawl", 0.2
    return art


def read_html(data: bytes | str, source: str, *, url: str | None = None, encoding: str | None = None,
              fallback_date: str | None = None, meta: dict | None = None,
              defer: bool = False) -> Iterator[Article | Problem | HtmlTask]:
    raw = data.encode("utf-8") if isinstance(data, str) else with_utf16_bom(data)
    data = raw if isinstance(data, bytes) else data
    bad = unusable(raw, source, "HTML file")
    if bad is not None:
        yield bad
        return
    article_id = input_id(url, raw)
    if len(raw) > MAX_HTML_BYTES:
        yield problem(source, "truncated", f"page of {len(raw):,} bytes is over {MAX_HTML_BYTES:,}; the article was "
                                           f"extracted from its first {MAX_HTML_BYTES:,}")
        if isinstance(data, str):
            encoding = "utf-8"
        data = raw[:MAX_HTML_BYTES]
    task = HtmlTask(data, source, url=url, encoding=encoding, fallback_date=fallback_date, meta=meta or {},
                    fields={"article_id": article_id})
    yield task if defer else run_html_task(task)
