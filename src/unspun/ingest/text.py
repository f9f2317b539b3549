"""Plain-text reader: first non-empty line is the title, the rest is the body."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Article, Problem
from .common import decode_input, input_id, make_article, problem


def read_text(data: bytes, source: str) -> Iterator[Article | Problem]:
    text, enc, problems = decode_input(data, source, "text file")
    yield from problems
    if text is None:
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.strip().split("\n")
    title = lines[0].strip()
    body = "\n".join(lines[1:])
    if not body.strip():
        yield problem(source, "no_text", "only a title line, no body")
        return
    yield make_article(title=title, text=body, source=source, article_id=input_id(data),
                       meta={"encoding": enc} if problems else {})
