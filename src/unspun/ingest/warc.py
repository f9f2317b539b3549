"""WARC reader (warcio): HTML response records become articles; a broken archive yields a Problem and the
records read before the break still come out."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from ..extract import normalize_date
from ..model import Article, Problem
from .common import problem
from .html import HtmlTask, read_html

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_TYPES = {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation"}


class _Truncated(Exception):
    pass


def _drain(record) -> None:
    """Read the rest of the record block; warcio stops silently at a truncated record, so compare with the
    declared Content-Length."""
    remaining = getattr(record.raw_stream, "limit", 0)
    if remaining:
        remaining -= len(record.raw_stream.read())
    if remaining > 0:
        raise _Truncated(f"record block is {remaining} bytes short")


def _html_record(record) -> tuple[bytes, str | None] | None:
    """(payload, declared charset) for a 2xx HTML response record, else None (record drained)."""
    if record.rec_type != "response":
        _drain(record)
        return None
    ctype = ""
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        ctype = record.http_headers.get_header("Content-Type") or ""
        if (status and not status.startswith("2")) or (ctype and not ctype.lower().startswith(HTML_TYPES)):
            _drain(record)
            return None
    try:
        payload = record.content_stream().read()
    except Exception as e:  # broken chunked / content-encoding payloads
        raise _Truncated(f"unreadable payload: {type(e).__name__}: {e}") from e
    _drain(record)
    m = _CHARSET.search(ctype)
    return payload, (m.group(1).lower() if m else None)


def read_warc(stream: BinaryIO, source: str, *, defer: bool = False) -> Iterator[Article | Problem | HtmlTask]:
    n = 0
    end_of_last = 0
    try:
        records = ArchiveIterator(stream, arc2warc=True)
        for record in records:
            n += 1
            loc = f"{source}#{n}"
            if record.rec_type not in WARC_TYPES:
                yield problem(loc, "truncated" if n > 1 else "warc",
                              f"not a valid WARC record (type {record.rec_type!r}); stopped")
                return
            try:
                found = _html_record(record)
            except _Truncated as e:
                yield problem(loc, "truncated", f"archive ends inside record {n}: {e}")
                return
            if found is not None:
                payload, charset = found
                url = record.rec_headers.get_header("WARC-Target-URI")
                warc_date = record.rec_headers.get_header("WARC-Date")
                yield from read_html(payload, loc, url=url, encoding=charset, fallback_date=normalize_date(warc_date),
                                     meta={"warc_date": warc_date}, defer=defer)
            end_of_last = records.get_record_offset() + records.get_record_length()
    except Exception as e:  # warcio: ArchiveLoadFailed, zlib/EOF errors on broken gzip members
        reason = "truncated" if n else "warc"
        yield problem(f"{source}#{n + 1}", reason, f"archive unreadable after {n} records: {type(e).__name__}: {e}")
        return
    if not n:
        yield problem(source, "empty", "no WARC records")
        return
    # a record cut inside its gzip member ends iteration quietly: compare bytes consumed with the stream size
    try:
        size = stream.seek(0, 2)
        stream.seek(end_of_last)
        trailing = stream.read(64).strip()  # uncompressed records are followed by a blank line
    except (OSError, ValueError, AttributeError):
        return
    if end_of_last and size > end_of_last and trailing:
        yield problem(f"{source}#{n + 1}", "truncated",
                      f"archive ends inside a record: {size - end_of_last} bytes after record {n} unreadable")
