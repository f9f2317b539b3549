"""RSS/Atom feed reader (feedparser): each item becomes an article with its content/summary; links kept."""

from __future__ import annotations

import time
from collections.abc import Iterator

import feedparser

from ..extract import fragment_to_text
from ..model import Article, Problem
from .common import input_id, make_article, outlet_from_url, problem


def _entry_date(entry) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t and 1 <= t.tm_year <= 9999:  # feedparser reads "0000-00-00" as -1-11-30
            return time.strftime("%Y-%m-%d", t)
    return None


def read_feed(data: bytes, source: str) -> Iterator[Article | Problem]:
    if not data.strip():
        yield problem(source, "empty", "file is empty")
        return
    try:
        parsed = feedparser.parse(data)
    except Exception as e:  # feedparser is lenient, but be safe
        yield problem(source, "feed", f"unparseable feed: {type(e).__name__}: {e}")
        return
    entries = parsed.get("entries") or []
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        detail = f"malformed feed: {type(exc).__name__}: {exc}" if exc else "malformed feed"
        if not entries:
            yield problem(source, "feed", detail)
            return
        yield problem(source, "feed_malformed", detail + f" ({len(entries)} items recovered)")
    if not entries:
        yield problem(source, "empty", "feed has no items")
        return
    feed_title = (parsed.get("feed") or {}).get("title")
    feed_link = (parsed.get("feed") or {}).get("link")
    for i, entry in enumerate(entries, 1):
        loc = f"{source}#{i}"
        html = ""
        if entry.get("content"):
            html = max((c.get("value") or "" for c in entry["content"]), key=len)
        summary = entry.get("summary") or ""
        if len(summary) > len(html):
            html = summary
        text = fragment_to_text(html) if html else ""
        if not text.strip():
            yield problem(loc, "no_text", "feed item has no content or summary")
            continue
        url = entry.get("link")
        date = _entry_date(entry)
        links = sorted({link.get("href") for link in entry.get("links", []) if link.get("href")})
        meta = {"feed_title": feed_title, "links": links}
        if entry.get("id"):
            meta["guid"] = entry["id"]
        if entry.get("tags"):
            meta["tags"] = [t.get("term") for t in entry["tags"] if t.get("term")]
        yield make_article(
            title=entry.get("title"), text=text, source=loc, url=url, article_id=input_id(entry.get("id") or url, html),
            outlet=outlet_from_url(url) or outlet_from_url(feed_link) or feed_title,
            author=entry.get("author"), date=date, date_source="feed" if date else None,
            date_confidence=0.9 if date else 0.0, language=(parsed.get("feed") or {}).get("language"), meta=meta,
        )
