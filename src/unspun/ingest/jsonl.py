"""JSON Lines reader: one article per line (`text` or `html`, optional id/title/url/date/outlet/author).

A `.json` file holding one object or a list of objects is read the same way.
"""

from __future__ import annotations

import codecs
import itertools
import json
from collections.abc import Iterable, Iterator

from ..extract import normalize_date
from ..model import Article, Problem
from .common import SNIFF_BYTES, decode_input, decode_text, input_id, make_article, outlet_from_url, problem
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


BLOCK_BYTES = 16 << 20  # whole lines decoded and parsed at a time: memory stays flat however large the file
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_jsonl(data: bytes, source: str, *, defer: bool = False) -> Iterator[Article | Problem | HtmlTask]:
    """One JSON Lines (or JSON) input held in memory."""
    yield from read_jsonl_stream([data], source, defer=defer)


def read_jsonl_stream(chunks: Iterable[bytes], source: str, *,
                      defer: bool = False) -> Iterator[Article | Problem | HtmlTask]:
    """JSON Lines from a stream of byte chunks (a file read piece by piece), parsed a block of whole lines at a time,
    so a file of any size is read in bounded memory (a 300 MB file peaked at ~1.2 GB read whole). A JSON document
    (one object over several lines) is read whole; a JSON array is streamed record by record (`_array_records`)."""
    chunks = iter(chunks)
    head = lead = b""
    for chunk in chunks:  # enough of the input to tell an array from lines: its first byte that is not blank
        head += chunk
        if lead := head.lstrip(b"\xef\xbb\xbf \t\r\n"):
            break
    chunks = itertools.chain([head], chunks)
    if lead.startswith(b"[") and not head.startswith(_UTF16_BOMS):
        yield from _array_records(chunks, source, defer)
        return
    blocks = line_blocks(chunks, BLOCK_BYTES)
    first = _next_block(blocks) or b""
    while len(first) < SNIFF_BYTES and (more := _next_block(blocks)) is not None:  # judged on the head a whole
        first += more  # input would show
    head = first.lstrip(b"\xef\xbb\xbf \t\r\n")
    # a document, or UTF-16 (its newlines are two bytes, which the line blocks would cut between)
    if head.startswith(b"[") or (head.startswith(b"{") and b"\n{" not in head) or first.startswith(_UTF16_BOMS):
        first, blocks = first + b"".join(blocks), iter(())
    text, encoding, problems = decode_input(first, source, "JSON Lines file")
    yield from problems
    if text is None:
        return
    stripped = text.lstrip("\ufeff").strip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped):
        try:
            doc = json.loads(stripped)
        except (ValueError, RecursionError):  # read line by line below, each bad line reported
            doc = None
        if doc is not None:
            for i, rec in enumerate(doc if isinstance(doc, list) else [doc], 1):
                yield record_to_article(rec, f"{source}:{i}", defer=defer)
            return
    line_no, encoding_reported = 1, bool(problems)
    while text is not None:
        block = _next_block(blocks)
        yield from _records(text.lstrip("\ufeff") if line_no == 1 else text, source, line_no, block is None, defer)
        line_no += text.count("\n")
        if block is not None:
            text, enc, clean = decode_text(block, encoding)  # the first block's encoding, as for a whole file
            if not clean and not encoding_reported:
                encoding_reported = True
                yield problem(source, "encoding", f"not valid UTF-8; decoded as {enc}")
        else:
            text = None


MAX_DEPTH = 256  # nesting a record may have (an article is a few levels deep); json.loads fails at ~1,000


def _array_records(chunks: Iterator[bytes], source: str, defer: bool) -> Iterator[Article | Problem | HtmlTask]:
    """The records of a top-level JSON array, parsed as the bytes arrive (ijson's push parser): an export of
    millions of articles, often one minified line, is read in bounded memory, and a cut or broken array keeps
    every record before the damage (reported `truncated` at the end of input, else `json`, with the record's
    number). json.loads of a whole 2 GB array would hold several times that in Python objects.
    Records are built here from the parser's basic events rather than by ijson.items: items tracks a path prefix
    per nesting level, and a record nested 200,000 levels deep (a few hundred KB of "[") took 17 GB; a record
    deeper than MAX_DEPTH is reported and skipped, and the records after it still come out."""
    import ijson
    from ijson.common import ObjectBuilder

    head = next(chunks, b"")
    # The encoding is judged on the head (UTF-8 unless its bytes say otherwise); the text is re-encoded as UTF-8,
    # which is what the parser reads. A head cut inside a character is not counted against UTF-8.
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head[:SNIFF_BYTES])
        encoding, problems = "utf-8-sig", []
    except UnicodeDecodeError:
        _, encoding, _ = decode_text(head)
        problems = [problem(source, "encoding", f"not valid UTF-8; decoded as {encoding}")]
    yield from problems
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    events = ijson.sendable_list()
    parser = ijson.basic_parse_coro(events, use_float=True)
    count = depth = 0  # depth: 1 inside the top-level array, 2 inside one of its records, ...
    builder: ObjectBuilder | None = None
    too_deep = False
    # every chunk, then the end of input (final=True: the decoder's tail, and the parser told the input is over)
    for chunk, final in itertools.chain(((c, False) for c in itertools.chain([head], chunks)), [(b"", True)]):
        damage = None
        try:
            if text := decoder.decode(chunk, final=final):  # (empty bytes would tell the parser the input ended)
                parser.send(text.encode("utf-8"))
            if final:
                parser.close()
        except ijson.JSONError as e:
            damage = ("truncated" if final else "json", str(e).strip().split("\n")[0])  # its next lines quote input
        for event, value in events:  # the events of this chunk (before any damage)
            opens, closes = event in ("start_map", "start_array"), event in ("end_map", "end_array")
            if depth == 0:  # the top-level array opening
                depth = 1
                continue
            if depth == 1 and closes:  # the array's end
                depth = 0
                continue
            if depth == 1:  # a record starts (a scalar one ends here too)
                builder, too_deep = ObjectBuilder(), False
            depth += opens - closes
            if depth > MAX_DEPTH:
                too_deep, builder = True, None  # what was built is dropped: memory stays bounded
            if builder is not None:
                builder.event(event, value)
            if depth == 1:  # the record is complete
                count += 1
                if too_deep:
                    yield problem(f"{source}:{count}", "json", f"record nested deeper than {MAX_DEPTH} levels")
                else:
                    yield record_to_article(builder.value, f"{source}:{count}", defer=defer)
                builder = None
        events.clear()
        if damage:
            reason, message = damage
            yield problem(f"{source}:{count + 1}", reason, f"invalid JSON array after record {count}: {message}")
            return
    if not count:
        yield problem(source, "empty", "the JSON array holds no records")


def _next_block(blocks: Iterator[bytes]) -> bytes | None:
    """The next block holding a record line (blocks of blank lines before it joined to it), or None: so the block
    read before None holds the input's last record line."""
    blank: list[bytes] = []
    for block in blocks:
        if block.strip():
            return b"".join(blank) + block
        blank.append(block)
    return None


def _records(text: str, source: str, first_line: int, final: bool, defer: bool) -> Iterator:
    """The records of a block of lines numbered from `first_line`; the input's last line, in its `final` block, is
    `truncated` rather than malformed when it does not end its object."""
    lines = text.split("\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1) if final else -1
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        loc = f"{source}:{first_line + i}"
        try:
            rec = json.loads(line)
        except RecursionError:  # not a ValueError: it would end the whole file
            yield problem(loc, "json", "invalid JSON: nested too deeply")
            continue
        except ValueError as e:
            reason = "truncated" if i == last and not line.rstrip().endswith("}") else "json"
            yield problem(loc, reason, f"invalid JSON: {e}")
            continue
        yield record_to_article(rec, loc, defer=defer)


def line_blocks(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Blocks of about `size` bytes that end at a line end (the last one may not), from a stream of byte chunks. A
    newline byte is never part of a multi-byte UTF-8 or single-byte code page character, so blocks decode alone."""
    parts: list[bytes] = []
    held = 0
    for chunk in chunks:
        parts.append(chunk)
        held += len(chunk)
        if held < size:
            continue
        cut = chunk.rfind(b"\n") + 1
        if not cut:  # inside a long line: read on
            continue
        parts[-1] = chunk[:cut]
        yield b"".join(parts)
        parts, held = [chunk[cut:]], len(chunk) - cut
    tail = b"".join(parts)
    if tail:
        yield tail
