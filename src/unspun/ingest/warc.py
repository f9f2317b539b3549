"""WARC reader: HTML response records become articles; a broken archive yields a Problem and the records read
before the break still come out.

gzipped WARC files are read with FastWARC (C++/Rust, ~2x faster than warcio on news pages) while every record is
one it reads exactly as warcio would; at anything else (a truncated or corrupt record, an encoded payload, an odd
header, FastWARC missing) the archive is read on with warcio from that record, so the output and the problems
reported are warcio's. ARC and uncompressed archives are read with warcio."""

from __future__ import annotations

import logging
import re
import zlib
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


class _Iterator(ArchiveIterator):
    INC_RECORD = ""  # warcio writes this warning, with raw bytes of the record, to stderr: a Problem says it instead


# an invalid WARC-Target-URI is read on as warcio mends it; its warning would print the raw URI to stderr
logging.getLogger("warcio.recordloader").setLevel(logging.ERROR)


class _Truncated(Exception):
    pass


class _NotSure(Exception):
    """A record FastWARC may read differently from warcio: warcio reads the archive on from it."""


def _drain(record) -> None:
    """Read the rest of the record block; warcio stops silently at a truncated record, so compare with the
    declared Content-Length."""
    remaining = getattr(record.raw_stream, "limit", 0)
    if remaining:
        remaining -= len(record.raw_stream.read())
    if remaining > 0:
        raise _Truncated(f"record block is {remaining} bytes short")


def _wanted(status: str, ctype: str) -> bool:
    """A 2xx HTML response (a missing status or type does not count against it)."""
    return not ((status and not status.startswith("2")) or (ctype and not ctype.lower().startswith(HTML_TYPES)))


def _charset(ctype: str) -> str | None:
    m = _CHARSET.search(ctype)
    return m.group(1).lower() if m else None


def _html_record(record) -> tuple[bytes, str | None] | None:
    """(payload, declared charset) for a 2xx HTML response record, else None (record drained)."""
    if record.rec_type != "response":
        _drain(record)
        return None
    ctype = ""
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        ctype = record.http_headers.get_header("Content-Type") or ""
        if not _wanted(status, ctype):
            _drain(record)
            return None
    try:
        payload = record.content_stream().read()
    except Exception as e:  # broken chunked / content-encoding payloads
        raise _Truncated(f"unreadable payload: {type(e).__name__}: {e}") from e
    _drain(record)
    return payload, _charset(ctype)


def _html_item(payload: bytes, charset: str | None, url: str | None, warc_date: str | None, loc: str,
               defer: bool) -> Iterator:
    yield from read_html(payload, loc, url=url, encoding=charset, fallback_date=normalize_date(warc_date),
                         meta={"warc_date": warc_date}, defer=defer)


def _bad_length(source: str, n: int) -> Problem:
    return problem(f"{source}#{n}", "warc", f"record {n} is not followed by a blank line: its Content-Length is "
                                           "wrong, and its text may be cut short or run into the next record")


def read_warc(stream: BinaryIO, source: str, *, defer: bool = False) -> Iterator[Article | Problem | HtmlTask]:
    done = 0  # records FastWARC has read
    if _fastwarc_can_read(stream):
        done = yield from _read_fastwarc(stream, source, defer)
        if done is None:
            return
        stream.seek(0)
    gz = _gzipped(stream)
    resume = yield from _read_warcio(stream, source, defer, skip=done, gz=gz)
    while resume is not None:  # an archive broken mid-way: read on from the next record (header or gzip member)
        at, n = resume
        at = _next_member(stream, at) if gz else _next_header(stream, at)
        if at is None:
            return
        stream.seek(at)
        resume = yield from _read_warcio(stream, source, defer, base=at, n=n, gz=gz)


_HEADER = re.compile(rb"\nWARC/1\.[01]\r?\n")


def _next_header(stream: BinaryIO, at: int) -> int | None:
    """The offset of the first line "WARC/1.x" after `at`, else None."""
    stream.seek(at)
    tail = b""
    while chunk := stream.read(1 << 20):
        data = tail + chunk
        if m := _HEADER.search(data):
            return at - len(tail) + m.start() + 1
        tail = data[-16:]
        at += len(chunk)
    return None


_GZIP_MAGIC = b"\x1f\x8b\x08"


def _next_member(stream: BinaryIO, at: int) -> int | None:
    """The offset of the first gzip member after `at` that opens a WARC record, else None. A gzipped WARC is one
    member per record (the WARC standard's annex), so after a corrupt member the next record can be found again."""
    stream.seek(at)
    tail = b""
    while chunk := stream.read(1 << 20):
        data = tail + chunk
        start = at - len(tail)
        i = data.find(_GZIP_MAGIC)
        while i >= 0:
            stream.seek(start + i)
            try:
                # a WARC record's opening, in a member that decompresses whole (a corrupt one can start right)
                if zlib.decompressobj(wbits=31).decompress(stream.read(1 << 12), 8).startswith(b"WARC/") \
                        and _gzip_member_end(stream, start + i) is not None:
                    return start + i
            except zlib.error:
                pass
            i = data.find(_GZIP_MAGIC, i + 1)
        stream.seek(start + len(data))
        tail = data[-2:]
        at = start + len(data)
    return None


def _read_warcio(stream: BinaryIO, source: str, defer: bool, skip: int = 0, base: int = 0,
                 n: int = 0, gz: bool = False) -> Iterator:
    """The archive with warcio, from offset `base` (records before it counted in `n`); the first `skip` records
    were read already (by FastWARC) and only counted. Returns None, or where to look for the next record and the
    records counted, when a seekable archive breaks mid-way (a record whose Content-Length lies, a corrupt gzip
    member lost every record after it): an uncompressed record starts on a "WARC/1.x" line, a gzipped one with
    its own gzip member (`gz`), which can be found again."""
    end_of_last, start_of_last = 0, -1
    plain = base > 0 or gz or _uncompressed(stream)  # can read on after a break
    bad_ends = 0  # warcio's count of records not followed by a blank line (it only writes a warning to stderr)
    try:
        records = _Iterator(stream, arc2warc=True)
        for record in records:
            n += 1
            loc = f"{source}#{n}"
            start_of_last = end_of_last  # about where it starts (get_record_offset() would read it to its end)
            if records.err_count > bad_ends:  # seen on reaching this record: the one before did not end right
                bad_ends = records.err_count
                yield _bad_length(source, n - 1)
            if n > skip:
                if record.rec_type not in WARC_TYPES:
                    yield problem(loc, "truncated" if n > 1 else "warc",
                                  f"not a valid WARC record (type {record.rec_type!r}); "
                                  + ("read on from the next record" if plain else "stopped"))
                    return (base + records.get_record_offset() + 1, n) if plain else None
                try:
                    found = _html_record(record)
                except _Truncated as e:
                    yield problem(loc, "truncated", f"archive ends inside record {n}: {e}")
                    return
                if found is not None:
                    url = record.rec_headers.get_header("WARC-Target-URI")
                    yield from _html_item(*found, url, record.rec_headers.get_header("WARC-Date"), loc, defer)
            end_of_last = records.get_record_offset() + records.get_record_length()
    except Exception as e:  # warcio: ArchiveLoadFailed, zlib/EOF errors on broken gzip members
        reason = "truncated" if n else "warc"
        why = str(e).split(", first line:")[0]  # warcio quotes the broken bytes after this
        yield problem(f"{source}#{n + 1}", reason, f"archive unreadable after {n} records: {type(e).__name__}: {why}"
                      + ("; read on from the next record" if plain else ""))
        # the search starts inside the last record read: a Content-Length too long swallowed the header after it;
        # a corrupt gzip member can decompress to a record of garbage whose end warcio misplaces past the next
        # member, so a gzipped archive is searched from the start of the last record read too, for a member
        # that decompresses whole (never at `base` again: each resume moves on)
        return (base + max(start_of_last, 0) + 1, n + 1) if plain else None
    if records.err_count > bad_ends:
        yield _bad_length(source, n)
    if not n:
        yield problem(source, "empty", "no WARC records")
        return
    # a record cut inside its gzip member ends iteration quietly: compare bytes consumed with the stream size
    try:
        size = stream.seek(0, 2) - base
        stream.seek(base + end_of_last)
        trailing = stream.read(64).strip()  # uncompressed records are followed by a blank line
    except (OSError, ValueError, AttributeError):
        return
    cut = bool(end_of_last and size > end_of_last and trailing)
    if cut:
        yield problem(f"{source}#{n + 1}", "truncated",
                      f"archive ends inside a record: {size - end_of_last} bytes after record {n} unreadable")
    if gz:
        # a corrupt member read as a record of garbage can end the iteration quietly, with warcio's offsets at the
        # end of the file and good members after it: look for one after the start of the last record read
        return base + max(start_of_last, 0) + 1, n + int(cut)


def _head(stream: BinaryIO, n: int) -> bytes | None:
    """The first `n` bytes of a seekable stream still at its start, the stream put back; None when it cannot be
    peeked (not at its start, not seekable)."""
    try:
        if stream.tell() != 0:
            return None
        head = stream.read(n)
        stream.seek(0)
        return head
    except (OSError, ValueError, AttributeError):
        return None


def _gzipped(stream: BinaryIO) -> bool:
    """A seekable stream at its start whose bytes are gzip: its records can be searched for by member."""
    head = _head(stream, 2)
    return head == b"\x1f\x8b"


def _uncompressed(stream: BinaryIO) -> bool:
    """A seekable stream at its start whose bytes are not gzip (nor zstd): its records can be searched for."""
    head = _head(stream, 4)
    return head is not None and head[:2] != b"\x1f\x8b" and head != b"\x28\xb5\x2f\xfd"


# ---------------------------------------------------------------- FastWARC

def _fastwarc_can_read(stream: BinaryIO) -> bool:
    """A seekable gzipped WARC (not ARC) from its start, and FastWARC installed."""
    try:
        import fastwarc.warc  # noqa: F401  (resiliparse's sibling; warcio reads everything without it)

        head = _head(stream, 512)
        return head is not None and head[:2] == b"\x1f\x8b" \
            and zlib.decompressobj(wbits=31).decompress(head, 5) == b"WARC/"
    except Exception:  # no FastWARC, a broken gzip header: warcio decides
        return False


def _read_fastwarc(stream: BinaryIO, source: str, defer: bool) -> Iterator:
    """Read the archive with FastWARC, returning None when it read all of it, else the number of records it read
    (warcio reads on from there and reports whatever is wrong)."""
    from fastwarc.warc import ArchiveIterator as FastIterator

    n, last_start = 0, None
    try:
        for record in FastIterator(stream, parse_http=True, auto_decode="none"):
            found = _fast_html_record(record)
            url, warc_date = record.headers.get("WARC-Target-URI"), record.headers.get("WARC-Date")
            n += 1
            last_start = record.stream_pos
            if found is not None:
                yield from _html_item(*found, url, warc_date, f"{source}#{n}", defer)
    except Exception:  # _NotSure, or FastWARC stopped at a broken gzip member or record
        return n
    # FastWARC ends quietly at a record cut inside its gzip member: the last member must end the file
    if last_start is None or _gzip_member_end(stream, last_start) != stream.seek(0, 2):
        return n
    return None


_FAST_TYPES = {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation"}


def _fast_html_record(record) -> tuple[bytes, str | None] | None:
    """`_html_record` for a FastWARC record; raises _NotSure where warcio might read it differently."""
    kind = str(record.record_type)
    if kind not in _FAST_TYPES:
        raise _NotSure(kind)
    if kind != "response":
        _fast_read(record)
        return None
    url = record.headers.get("WARC-Target-URI") or ""
    headers = record.http_headers
    # warcio parses HTTP headers only for http(s) targets, and rewrites <...> and spaces in them
    if not (url.startswith(("http://", "https://")) and url.isascii() and " " not in url and record.is_http
            and headers is not None and 100 <= headers.status_code <= 599):
        raise _NotSure("target or HTTP headers")
    if headers.get("Content-Encoding") is not None or headers.get("Transfer-Encoding") is not None:
        raise _NotSure("encoded payload")  # decoded by warcio's own readers
    ctype = headers.get("Content-Type") or ""
    payload = _fast_read(record)
    if not _wanted(str(headers.status_code), ctype):
        return None
    return payload, _charset(ctype)


def _fast_read(record) -> bytes:
    data = record.reader.read()
    if len(data) != record.content_length:  # cut short: warcio reports it
        raise _NotSure("short record")
    return data


def _gzip_member_end(stream: BinaryIO, start: int) -> int | None:
    """Offset just after the gzip member starting at `start`, None if it is cut or broken."""
    stream.seek(start)
    member = zlib.decompressobj(wbits=31)
    read = 0
    try:
        while not member.eof:
            chunk = stream.read(1 << 16)
            if not chunk:
                return None
            member.decompress(chunk)
            read += len(chunk)
    except zlib.error:
        return None
    return start + read - len(member.unused_data)
