"""HTML page reader (body and metadata via `unspun.extract`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..extract import Extracted, extract_html
from ..model import Article, Problem
from .common import derive_title, looks_binary, make_article, outlet_from_url, problem


def article_from_extracted(ex: Extracted, source: str, *, url: str | None = None, article_id: str | None = None,
                           title: str | None = None, outlet: str | None = None, date: str | None = None,
                           author: str | None = None, meta: dict | None = None) -> Article:
    url = url or ex.url
    date_fields = {"date": ex.date, "date_source": ex.date_source, "date_confidence": ex.date_confidence}
    if date:
        date_fields = {"date": date, "date_source": "input", "date_confidence": 1.0}
    return make_article(
        title=title or ex.title or derive_title(ex.text),
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


def read_html(data: bytes | str, source: str, *, url: str | None = None, encoding: str | None = None,
              fallback_date: str | None = None) -> Iterator[Article | Problem]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not raw.strip():
        yield problem(source, "empty", "file is empty")
        return
    if looks_binary(raw):
        yield problem(source, "binary", "not an HTML file (NUL or control bytes)")
        return
    ex = extract_html(data, url=url, encoding=encoding)
    if not ex.text.strip():
        yield problem(source, "no_text", f"no article body found in HTML (method={ex.method})")
        return
    art = article_from_extracted(ex, source, url=url)
    if art.date is None and fallback_date:
        art.date, art.date_source, art.date_confidence = fallback_date, "crawl", 0.2
    yield art
