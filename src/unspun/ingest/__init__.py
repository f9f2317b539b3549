"""Ingest: turn input paths (files, folders, globs, `-` for stdin) into raw `Article`s or `Problem`s.

Readers, one per format: text (.txt), html (.html/.htm), jsonl (.jsonl/.ndjson/.json), warc (.warc/.warc.gz/.arc),
feed (RSS/Atom: .rss/.atom/.xml or sniffed). Unknown extensions and stdin are sniffed. Paths are expanded and read
in sorted order, so the output order is deterministic. Bad input never raises: it yields a `Problem`.
"""

from __future__ import annotations

import functools
import glob
import io
import itertools
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from ..model import Article, Problem
from .common import problem, unusable, with_utf16_bom

# The readers import `unspun.extract`, which imports `ingest.common`: they are loaded on first use so that either
# package can be imported first.

__all__ = ["iter_articles", "expand_inputs", "read_bytes", "read_path", "resolve_item", "FORMATS"]

FORMATS = {
    ".txt": "text", ".text": "text", ".md": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
    ".warc": "warc", ".arc": "warc",
    ".rss": "feed", ".atom": "feed", ".xml": "feed", ".rdf": "feed",
}
STDIN = "<stdin>"
_GLOB_CHARS = re.compile(r"[*?\[]")


def _format_of(path: str) -> str | None:
    name = path.lower()
    for ext in (".warc.gz", ".arc.gz", ".warc.zst"):
        if name.endswith(ext):
            return "warc"
    if name.endswith(".gz"):
        name = name[:-3]
    return FORMATS.get(os.path.splitext(name)[1])


def sniff(data: bytes) -> str:
    """Guess the format of bytes with no (useful) extension."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"warc/", b"filedesc://")):
        return "warc"
    if head.startswith((b"{", b"[")):
        return "jsonl"
    if head.startswith(b"<"):
        first = re.search(rb"<([a-z][\w:.-]*)", head)  # the root element (<?xml, <!DOCTYPE, comments skipped)
        if first and first.group(1) in (b"rss", b"feed", b"rdf:rdf"):  # a feed whose items carry whole pages
            return "feed"
        if re.search(rb"<(rss|feed|rdf:rdf)[\s>]", head) and not re.search(rb"<html[\s>]", head):
            return "feed"
        if re.search(rb"<(!doctype html|html|head|body|div|p|article|meta|title)[\s>]", head):
            return "html"
        if head.startswith(b"<?xml"):
            return "feed"
        return "html"
    return "text"


OUTPUT_MARK = "unspun.duckdb"  # a folder holding a store is an output folder: its reports are skipped as input
OUTPUT_FILES = {"stories.json", "stories.md", "report.html"}


def expand_inputs(inputs: Iterable[str]) -> Iterator[str | Problem]:
    """Inputs -> file paths (and "-"), folders recursively and globs expanded, each in sorted order. In a folder,
    what `unspun run` wrote there (next to its unspun.duckdb store) is not read: a rerun over a folder that holds
    its own output must not ingest its report."""
    for inp in inputs:
        if inp == "-":
            yield "-"
        elif os.path.isdir(inp):
            found = []
            for root, dirs, files in os.walk(inp):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                if OUTPUT_MARK in files:  # an output folder of `unspun run` inside the input: not news
                    files = [f for f in files if f not in OUTPUT_FILES and not f.startswith(OUTPUT_MARK)]
                found += [os.path.join(root, f) for f in files if not f.startswith(".")]
            if not found:
                yield problem(inp, "empty", "folder holds no files")
            yield from sorted(found)
        elif os.path.isfile(inp):
            yield inp
        elif _GLOB_CHARS.search(inp):
            matches = sorted(p for p in glob.glob(inp, recursive=True) if os.path.isfile(p))
            if not matches:
                yield problem(inp, "missing", "glob matched no files")
            yield from matches
        else:
            yield problem(inp, "missing", "no such file or folder")


CHUNK_BYTES = 1 << 20  # bytes read at a time from a streamed input
# A text, HTML or feed file is one article or a few; a bigger one is not news, and read whole it would sit in memory
# several times over (bytes, decoded text, parse). Its start is read, and the cut reported.
WHOLE_FILE_MAX_BYTES = 64 << 20


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk  # a text-mode stdin


def gunzip_chunks(chunks: Iterable[bytes], source: str, problems: list[Problem]) -> Iterator[bytes]:
    """The decompressed bytes of a gzip stream (every member), piece by piece. A cut or broken stream ends with all
    that decompressed, and a `truncated` problem is added to `problems`."""
    d = zlib.decompressobj(wbits=31)
    member_started = False
    try:
        for chunk in chunks:
            while chunk:
                member_started = True
                out = d.decompress(chunk)
                if out:
                    yield out
                if not d.eof:
                    break
                chunk, d, member_started = d.unused_data, zlib.decompressobj(wbits=31), False  # the next member
    except zlib.error as e:
        problems.append(problem(source, "truncated", f"gzip stream broken: {e}"))
        return
    if member_started and not d.eof:
        problems.append(problem(source, "truncated", "gzip stream broken: it ends inside a compressed member"))


def _gunzip(data: bytes, source: str) -> tuple[bytes, Problem | None]:
    problems: list[Problem] = []
    data = b"".join(gunzip_chunks([data], source, problems))
    return data, problems[0] if problems else None


def read_bytes(data: bytes, source: str, fmt: str | None = None, *,
               defer: bool = False) -> Iterator[Article | Problem]:
    """Read one input's bytes in a given (or sniffed) format. With `defer`, HTML items come out as `HtmlTask`s
    for the caller to run (in worker processes)."""
    if data[:2] == b"\x1f\x8b" and fmt != "warc":
        try:
            head = zlib.decompressobj(wbits=31).decompress(data[:4096], 64)
        except zlib.error:
            head = b""
        if head.startswith(b"WARC/"):
            fmt = "warc"  # warcio reads the gzip members itself
        else:
            data, prob = _gunzip(data, source)
            if prob:
                yield prob
    if fmt != "warc":
        data = with_utf16_bom(data)
    if fmt is None:
        bad = unusable(data, source, "text/HTML/JSON/WARC/feed input")
        if bad is not None:
            yield bad
            return
        fmt = sniff(data)
    if fmt == "feed" and data.strip() and not re.search(rb"<(rss|feed|rdf:rdf)[\s>]", data[:4096].lower()):
        fmt = "html" if re.search(rb"<html[\s>]", data[:4096].lower()) else fmt  # .xml that is really a page
    from .feed import read_feed
    from .html import read_html
    from .jsonl import read_jsonl
    from .text import read_text
    from .warc import read_warc

    if fmt == "warc":
        yield from read_warc(io.BytesIO(data), source, defer=defer)
    elif fmt == "html":
        yield from read_html(data, source, defer=defer)
    elif fmt == "jsonl":
        yield from read_jsonl(data, source, defer=defer)
    elif fmt == "feed":
        yield from read_feed(data, source)
    else:
        yield from read_text(data, source)


def _read_path(path: str, defer: bool) -> Iterator[Article | Problem]:
    fmt = _format_of(path)
    try:
        if fmt == "warc":
            from .warc import read_warc

            with open(path, "rb") as fh:  # streamed: archives can be large
                yield from read_warc(fh, path, defer=defer)
            return
        if fmt == "jsonl":  # streamed too: datasets come as multi-gigabyte JSON Lines
            with open(path, "rb") as fh:
                yield from _read_jsonl_stream(_chunks(fh), path, defer)
            return
        capped = fmt in ("text", "html", "feed")
        with open(path, "rb") as fh:
            data = fh.read(WHOLE_FILE_MAX_BYTES + 1) if capped else fh.read()
    except OSError as e:
        yield problem(path, "unreadable", f"{type(e).__name__}: {e.strerror or e}")
        return
    if capped and len(data) > WHOLE_FILE_MAX_BYTES:
        data = data[:WHOLE_FILE_MAX_BYTES]
        yield problem(path, "truncated", f"file of {os.path.getsize(path):,} bytes is over "
                                         f"{WHOLE_FILE_MAX_BYTES:,}; read its first {WHOLE_FILE_MAX_BYTES:,}")
    yield from read_bytes(data, path, fmt, defer=defer)


def _read_jsonl_stream(chunks: Iterator[bytes], source: str, defer: bool) -> Iterator[Article | Problem]:
    from .jsonl import read_jsonl_stream

    first = next(chunks, b"")
    chunks = itertools.chain([first], chunks)
    problems: list[Problem] = []
    if first[:2] == b"\x1f\x8b":
        chunks = gunzip_chunks(chunks, source, problems)
    yield from read_jsonl_stream(chunks, source, defer=defer)
    yield from problems


def _read_stdin(stream: BinaryIO, defer: bool) -> Iterator[Article | Problem]:
    """stdin: JSON Lines streamed (`cat big.jsonl | unspun run -`), any other format read whole and sniffed."""
    chunks = _chunks(stream)
    head = next(chunks, b"")
    if head[:2] != b"\x1f\x8b" and sniff(head) == "jsonl":
        yield from _read_jsonl_stream(itertools.chain([head], chunks), STDIN, defer)
        return
    yield from read_bytes(head + b"".join(chunks), STDIN, defer=defer)


def _iter_items(inputs: list[str], stdin: BinaryIO | None, defer: bool) -> Iterator:
    for item in expand_inputs(inputs):
        if isinstance(item, Problem):
            yield item
            continue
        if item == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            try:
                yield from _read_stdin(stream, defer)
            except Exception as e:  # closed/broken stdin
                yield problem(STDIN, "unreadable", f"{type(e).__name__}: {e}")
            continue
        yield from read_path(item, defer)


def read_path(path: str, defer: bool = False) -> Iterator:
    """The items of one input file, in order (with `defer`, HTML pages as `HtmlTask`s for `resolve_item`)."""
    try:
        yield from _read_path(path, defer)
    except Exception as e:  # last line of defence: one bad file never stops the run
        yield problem(path, "error", f"{type(e).__name__}: {e}")


def resolve_item(item, extractor: str = "accurate", finish: Callable[[Article], Article] | None = None):
    """Finish one item of `read_path`: run a deferred HTML extraction, then `finish`; an error becomes a Problem."""
    from .html import HtmlTask, run_html_task

    try:
        if isinstance(item, HtmlTask):
            item = run_html_task(item, extractor)
        if finish is not None and isinstance(item, Article):
            item = finish(item)
    except Exception as e:  # extraction must never kill a worker's batch
        return problem(item.source, "error", f"{type(e).__name__}: {e}")
    return item


def iter_articles(inputs: list[str], *, stdin: BinaryIO | None = None, jobs: int = 1, batch: int = 64,
                  extractor: str = "accurate",
                  finish: Callable[[Article], Article] | None = None) -> Iterator[Article | Problem]:
    """Yield an Article (raw: `text` = body, `blocks` empty) or a Problem for every item in the inputs.

    `extractor` chooses the HTML extractor (`unspun.extract.EXTRACTORS`: "accurate" or "fast"). `finish`, a
    picklable function, is applied to every Article where it is made (in the worker processes when `jobs` > 1),
    so per-article work such as cleaning runs in parallel with extraction.
    `jobs` > 1 runs HTML extraction in that many worker processes (0 = all cores); reading stays in this process
    and the output order is the same as with one job. Memory is bounded: `batch` items per worker are in flight.
    """
    from ..extract import EXTRACTORS

    if extractor not in EXTRACTORS:
        raise ValueError(f"unknown extractor {extractor!r}; choose from {', '.join(EXTRACTORS)}")
    resolve = functools.partial(resolve_item, extractor=extractor, finish=finish)
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs <= 1:
        for item in _iter_items(inputs, stdin, defer=True):
            yield resolve(item)
        return
    import itertools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    items = _iter_items(inputs, stdin, defer=True)
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    # concurrent.futures rather than multiprocessing.Pool: a worker that dies (killed, out of memory, a crash in
    # a C parser) raises BrokenProcessPool here instead of hanging the run, and an exception in a worker,
    # KeyboardInterrupt included, comes back to this process.
    from ..procs import die_with_parent

    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        # two chunks in flight, each half of the `batch` items per worker: the next chunk is handed to the workers
        # before this one's results are yielded, so they extract it while this process reads on and stores (one
        # chunk at a time, they waited for both)
        results: Iterable = ()
        while chunk := list(itertools.islice(items, max(1, batch * jobs // 2))):
            upcoming = pool.map(resolve, chunk, chunksize=max(1, len(chunk) // (jobs * 4)))
            yield from results
            results = upcoming
        yield from results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
