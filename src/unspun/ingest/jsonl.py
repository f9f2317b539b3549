"""JSON Lines reader: one article per line (`text` or `html`, optional id/title/url/date/outlet/author).

A `.json` file holding one object or a list of objects is read the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..extract import normalize_date
from ..model import Article, Problem
from .common import decode_input, input_id, make_article, outlet_from_url, problem
from .html import HtmlTask, run_html_task

TEXT_KEYS = ("text", "body", "content", "maintext", "articleBody", "article")
HTML_KEYS = ("html", "raw_html", "content_html")
KNOWN = {"id", "title", "headline", "url", "link", "date", "published", "date_publish", "outlet", "source_domain",
         "site_name", "author", "authors", "language", "lang", *TEXT_KEYS, *HTML_KEYS}


def _first(rec: dict, *keys):
    for k in keys:
        v = rec.get(k)
        if v not in (None, "", []):
            return v
    return None


def record_to_article(rec, source: str, *, defer: bool = False) -> Article | Problem | HtmlTask:
    if not isinstance(rec, dict):
        return problem(source, "json", f"expected an object, got {type(rec).__name__}")
    title = _first(rec, "title", "headline")
    title = str(title) if title is not None else None
    url = _first(rec, "url", "link")
    url = str(url) if url else None
    raw_date = _first(rec, "date", "published", "date_publish")
    date = normalize_date(raw_date) if raw_date is not None else None
    outlet = _first(rec, "outlet", "site_name", "source_domain")
    author = _first(rec, "author", "authors")
    if isinstance(author, list):
        author = ", ".join(str(a) for a in author)
    rid = rec.get("id")
    meta = {k: v for k, v in rec.items() if k not in KNOWN}
    if raw_date is not None and date is None:
        meta["unparsed_date"] = raw_date
    text = _first(rec, *TEXT_KEYS)
    html = _first(rec, *HTML_KEYS)
    if text is None and html is None:
        return problem(source, "no_text", "record has no text or html field")
    if text is not None and not isinstance(text, str) or html is not None and not isinstance(html, str):
        return problem(source, "json", "text/html field is not a string")
    # the record's own id, else one from the record as a whole (`input_id`: the same record is the same article)
    article_id = str(rid) if rid not in (None, "") else input_id(json.dumps(rec, sort_keys=True, ensure_ascii=False))
    common = dict(article_id=article_id, meta=meta)
    if text is not None and text.strip():
        art = make_article(
            title=title, text=text, source=source, url=url,
            outlet=str(outlet) if outlet else outlet_from_url(url), author=str(author) if author else None,
            date=date, date_source="input" if date else None, date_confidence=1.0 if date else 0.0, **common)
        language = _first(rec, "language", "lang")
        if isinstance(art, Article) and isinstance(language, str):
            art.language = language.strip().lower() or None
        return art
    if html is not None and html.strip():
        task = HtmlTask(html, source, url=url, meta=meta, fields={
            "article_id": common["article_id"], "title": title, "outlet": str(outlet) if outlet else None,
            "date": date, "author": str(author) if author else None})
        return task if defer else run_html_task(task)
    return problem(source, "empty", "text/html field is empty")


def read_jsonl(data: bytes, source: str, *, defer: bool = False) -> Iterator[Article | Problem | HtmlTask]:
    text, _, problems = decode_input(data, source, "JSON Lines file")
    yield from problems
    if text is None:
        return
    stripped = text.lstrip("\ufeff").strip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        # a whole-file JSON document (array or single object)
        try:
            doc = json.loads(stripped)
        except ValueError:
            doc = None
        if doc is not None:
            for i, rec in enumerate(doc if isinstance(doc, list) else [doc], 1):
                yield record_to_article(rec, f"{source}:{i}", defer=defer)
            return
    lines = text.lstrip("\ufeff").split("\n")
    last = len(lines)
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        loc = f"{source}:{n}"
        try:
            rec = json.loads(line)
        except ValueError as e:
            reason = "truncated" if n >= last - 1 and not line.rstrip().endswith("}") else "json"
            yield problem(loc, reason, f"invalid JSON: {e}")
            continue
        yield record_to_article(rec, loc, defer=defer)
