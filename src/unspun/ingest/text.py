"""Plain-text reader: first non-empty line is the title, the rest is the body."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Article, Problem
from .common import decode_text, looks_binary, make_article, problem


def read_text(data: bytes, source: str) -> Iterator[Article | Problem]:
    if not data.strip():
        yield problem(source, "empty", "file is empty")
        return
    if looks_binary(data):
        yield problem(source, "binary", "not a text file (NUL or control bytes)")
        return
    text, enc, clean = decode_text(data)
    if not clean:
        yield problem(source, "encoding", f"not valid UTF-8; decoded as {enc}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.strip().split("\n")
    title = lines[0].strip()
    body = "\n".join(lines[1:])
    if not body.strip():
        yield problem(source, "no_text", "only a title line, no body")
        return
    yield make_article(title=title, text=body, source=source, meta={"encoding": enc} if not clean else {})
