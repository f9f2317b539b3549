"""Who said what: direct and indirect quotes with their speaker, merged across outlets.

Pipeline per article (spaCy Doc with parser + NER):
1. `find_quote_spans`: pair quote marks in the raw text (straight, curly, guillemets, „low-high“, single quotes
   that are not apostrophes); any line break ends a paragraph. Unbalanced marks never break anything: an unclosed
   quote ends at its paragraph end, a paragraph that opens a quote without closing it continues into the next
   paragraph when that one re-opens (the newspaper convention for multi-paragraph quotes).
2. Direct quotes: the cue is the nearest speech/cognition verb outside the quote that governs it in the
   dependency parse (or dominates the verb that does, or sits next to it in the same sentence, or ends the previous
   sentence with ":" );
   "A," he said, "B." is one quote (but '..., adding, "B."' starts a new one); a short 'Hannity pressed.' after a
   quote is its cue whatever the verb. A quote with no cue that follows another quote's paragraph inherits its
   speaker (continuation paragraphs); a short cue-less, speaker-less quote (a slogan or title) is dropped.
   Quoted fragments inside a clause ('calling the mayor a "liar" who was not "honorable."') also get the clause of
   the verb that governs them as a benchmark-only "clause" record (PolNeAR's content), scare quotes in a stance
   verb's clause only that.
3. Indirect quotes: a cue verb with a subject and a clausal complement ("Pompeo said he urged ..."); the content
   is the complement. When the complement carries quote marks it is a mixed quote: the clause is reported as
   indirect and the quoted fragment as direct, both with the same speaker. Attributions never nest (PolNeAR's
   convention): one whose cue lies in another's content is dropped, unless it is a speech cue closing that content
   ("She said A, saying B"; "..., while Y said B"; "..., which Y argued B"), which splits it in two (`_drop_nested`).
4. Speaker: the cue's subject ("said Pompeo" too; "according to X"; conjoined verbs share a subject), expanded to
   its named entity. `_Resolver` (hand-written: no coreference model installs offline from PyPI — coreferee
   needs a model download) maps pronouns to the most recent compatible entity in the subject position of a
   previous sentence (PERSON for he/she, ORG/GPE/NORP for it/they; he/she skip persons of the other gender, known
   from an honorific, a gendered role noun such as "spokeswoman", or the first name via gender-guesser's
   offline name data), descriptions ("the minister") to the most recent person introduced with that title
   ("Foreign Minister Sergei Lavrov"), surnames to full names. "it"/"they" also point back to a source noun of their
   number ("our ambassadors", "the report"), never to a name that only modifies a noun ("U.S. facilities").
   Pronouns that cannot be resolved give speaker None; unresolved and indefinite descriptions ("another man")
   keep the description. Measured on PolNeAR sources that are no full name (bench/speakers.py), rules a linguist
   would write: he/she look back 3 sentences of the writer's own (all-quoted ones and paragraphs the parser ran
   together do not count) and continue an earlier sentence whose main subject is the same pronoun; a surname several
   persons share goes to the one of the mention's gender the text introduces first; a document ("the report", "a
   Gallup poll") speaks for whoever issued it; a definite person noun no title explains ("the 57-year-old
   scientist") re-names the subject of the sentence before.
5. Layout attributions: "Name: content" paragraphs (headlines "Issa: ...", transcripts "TAPPER: ..."; not
   schedule or name-list lines, column names or "a problem for X:" phrases) and a "- Name." paragraph signing the
   quote above it.
6. Learned attributions: a linear-chain CRF trained on PolNeAR train (bench/train_quotes.py; weights in
   quotes_model.json, decoded here with Viterbi) tags content, cue and source tokens, reading the rules' records among
   its features; its attributions that no rule record overlaps and that name a source or a cue are added (cues
   outside the lists: "Republican leaders cast the plan as a giveaway"; "speculation that ..."), and one that holds
   the single rule clause it overlaps and more replaces it, with the rule's source if it names none (mostly stances,
   whose objects the rules cut short); a span that opens with its cue's preposition starts after it ("made no
   mention | of God"). Quotes take from them only a clause
   with its own subject governed by a speech or cognition verb; the rest is benchmark content, as the rules'
   stances are. Where torch is installed (the `embed` extra) a fine-tuned transformer tagger (all-MiniLM-L6-v2,
   `quotes_tf`, bench/train_quotes_tf.py) takes the CRF's place with the same labels and the same combination (all
   attributions: train slice 0.7792 -> 0.7860 fitted on 80% of train, dev 0.780 -> 0.791 fitted on all of it) at
   ~7x the CRF path's CPU (dev bench, both settings: ~356 vs ~50 ms an article; tagging alone ~310 vs ~18 ms); the
   CRF stays the fallback where torch is not installed.

`merge_quotes` folds quotes across articles: speakers normalised story-wide with `entities.NameIndex`
("Secretary of State Mike Pompeo" = "Mike Pompeo" = "Pompeo"; "Chris" = the story's one "Chris Stevens"), the same
quote (fuzzy match, rapidfuzz) merged with all its article ids, changed wording kept in `variants`; a piece of a
longer quote of the same speaker in the same articles (the quoted words of a paraphrase) is not listed apart.
"""

from __future__ import annotations

import bisect
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .entities import (LEGAL_FORMS, NAME_PARTICLES, PLATFORMS, TITLE_WORDS, NameIndex, _headline_like, _is_given_name,
                       clean_name, first_name_owners, name_key, strip_titles)
from .ingest.common import strip_dateline
from .model import Article, Quote, normalize_ws
from .nlp import doc_text

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

# Speech and reporting verbs (lemmas). Speech verbs make a quote on their own; cognition verbs ("believe")
# only with a clausal complement (indirect attributions).
SPEECH_VERBS = {
    "say", "tell", "add", "state", "note", "claim", "argue", "explain", "insist", "warn", "ask", "reply",
    "respond", "counter", "declare", "announce", "write", "report", "suggest", "acknowledge", "admit",
    "urge", "assert", "maintain", "contend", "continue", "recall", "remark", "comment", "observe", "testify",
    "tweet", "post", "confirm", "deny", "predict", "promise", "vow", "pledge", "concede", "complain",
    "charge", "allege", "stress", "emphasize", "emphasise", "caution", "boast", "joke", "quip", "exclaim",
    "shout", "yell", "whisper", "mutter", "cry", "scream", "read", "describe", "call", "demand", "propose",
    "indicate", "reveal", "disclose", "mention", "point", "signal", "inform", "assure", "reiterate",
    "repeat", "retort", "rebut", "lament", "conclude", "agree", "disagree", "estimate", "figure", "hint",
    "speculate", "theorize", "wonder", "answer", "question", "proclaim", "tout", "brag", "grumble",
    "concur", "affirm", "advise", "order", "threaten", "recommend", "forecast", "accuse", "criticize",
    "criticise", "praise", "hail", "laud", "thank", "blast", "slam", "dismiss", "reject", "defend",
    "welcome", "applaud", "decry", "condemn", "chant", "sing", "interject", "elaborate", "clarify",
    "summarize", "put", "pray", "plead", "beg", "tease", "muse", "sigh", "gush", "rail", "echo",
}
COGNITION_VERBS = {
    "believe", "think", "feel", "hope", "expect", "fear", "doubt", "worry", "know", "consider", "understand",
    "realize", "realise", "recognize", "recognise", "assume", "suspect", "imagine", "guess", "reckon",
    "find", "see", "learn", "show", "prove", "determine", "decide", "agree", "conclude", "want", "wish",
    "insist", "hear", "notice", "remember", "forget", "acknowledge", "accept", "trust", "bet",
}
CUE_VERBS = SPEECH_VERBS | COGNITION_VERBS
# Phrasal verbs that are speech only with their particle ("fired back:", "Hillary shot back,", "lashed out at")
REPLY_PHRASALS = {"fire": "back", "shoot": "back", "hit": "back", "snap": "back", "push": "back", "lash": "out",
                  "chime": "in", "weigh": "in"}
# Verbs whose object is an attributed stance (benchmark "all attributions" setting only, see extract_records)
STANCE_VERBS = CUE_VERBS | {
    "endorse", "oppose", "support", "criticize", "criticise", "attack", "accuse", "blame", "defend", "question",
    "discuss", "mention", "cite", "denounce", "seek", "plan", "want", "decide", "decline", "hope", "expect", "talk",
    "speak", "call", "describe", "back", "favor", "favour", "urge", "promise", "vow", "pledge", "refuse", "reject",
    "dismiss", "like", "love", "hate", "prefer", "intend", "propose", "advocate", "condemn", "praise", "mock",
    "argue", "complain", "insist", "acknowledge", "admit", "deny", "welcome", "applaud", "slam", "blast", "tout",
    # evaluation, advocacy and presentation verbs whose object PolNeAR annotates as the source's stance ("expressed
    # concern about X", "voted for X", "portrayed him as Y"); each earns >= 0.5 overlap precision on train
    "express", "voice", "outline", "apologize", "congratulate", "credit", "deem", "frame", "knock", "compare",
    "list", "name", "promote", "remind", "encourage", "expose", "portray", "view", "highlight", "nominate", "invoke",
    "cheer", "echo", "challenge", "request", "recount", "offer", "ignore", "underscore", "approve", "vote", "push",
    "press", "aim", "block", "campaign", "publish", "release", "require",
    "refer", "object", "allude", "appeal", "side", "align",
    # verbs of evaluation, citation and regulation outside the lists above whose stance candidates earn >= 0.5
    # overlap precision on train (at least 4 of them; "arise", "record", "circulate", "negotiate" did too, but
    # state no one's stance in general)
    "reference", "quote", "contrast", "detail", "restrict", "sound", "characterize", "liken", "attribute",
    "prohibit", "articulate", "contemplate", "chide", "insult", "rebuke", "spar", "bemoan", "lambast", "rattle",
    "mandate", "dispute", "dub", "relish", "boycott", "assail",
}

# Cue verbs whose nominal or infinitival object is rarely an attributed stance ("put it", "continue to", "told
# reporters"): on PolNeAR train these stance records earn < 0.35 overlap credit, below what adding a prediction
# must earn to raise F1 (about half the F1), so they are cues only with a clausal complement.
STANCE_SKIP = {"put", "continue", "add", "maintain", "advise", "hear", "mean", "worry", "think", "read", "recognize",
               "tell", "know", "intend", "figure", "determine", "assure", "find", "speak", "prove"}
# one-word answers a cue verb reports ("he said yes", "I think so")
ANSWER_WORDS = frozenset({"yes", "no", "so"})
# Raising verbs: "X seems/appears to Y", "X is expected to Y" attribute a stance to an unnamed source
RAISING_VERBS = {"seem", "appear", "expect"}
# Noun cues and the words that introduce their content ("criticism of X", "support for X", "a warning that Y")
NOUN_CUES = {
    "criticism": ("of",), "opposition": ("to",), "attack": ("on", "against"),
    "call": ("for", "to"), "claim": ("that", "of", "about"),
    "complaint": ("about", "that", "of"), "question": ("about", "of", "over"), "concern": ("about", "over", "that"),
    "plan": ("to", "for"), "decision": ("to",), "demand": ("for", "that"), "promise": ("to", "that", "of"),
    "pledge": ("to", "that"), "praise": ("for", "of"), "view": ("of", "that", "on"),
    "belief": ("that", "in"), "assertion": ("that",), "argument": ("that", "for", "against"), "suggestion": ("that",),
    "accusation": ("that", "of"), "allegation": ("that", "of"), "vow": ("to",), "hope": ("that", "of"),
    "fear": ("that", "of"), "insistence": ("that", "on"), "remark": ("about", "on"),
    "comment": ("about", "on"), "proposal": ("to", "for"), "request": ("for", "to"),
    "defense": ("of",), "denial": ("of", "that"), "condemnation": ("of",),
    "rejection": ("of",), "refusal": ("to",),
    "support": ("for",), "endorsement": ("of",), "position": ("on",), "critique": ("of",),
    "warning": ("that", "about", "of", "against"), "contention": ("that",), "doubt": ("about", "that", "over"),
    "commitment": ("to",), "embrace": ("of",), "disagreement": ("with", "over", "about"), "backing": ("of", "for"),
    "approval": ("of",), "skepticism": ("about", "of", "toward"), "push": ("for",),
    # nouns outside the list above whose candidates earn >= 0.5 overlap precision on train (at least 4 of them)
    "statement": ("that",), "confidence": ("that",), "talk": ("about",), "inclination": ("to",), "word": ("about",),
    "thought": ("on",), "assumption": ("that",), "reluctance": ("to",), "chant": ("of",), "critic": ("of",),
    "rumor": ("that",), "opinion": ("of",), "joke": ("about",),
}
# what introduces the content of any other noun: "debate about X", "anxiety about X", "the notion that Y" (on PolNeAR
# train ~0.6 overlap precision, in both halves of a split; "over", "on", "to", "with" added more noise than content)
ANY_NOUN_INTRODUCERS = ("about", "that")
# opener -> closers. Double quotes close across styles: real text mixes “...", "...” and NYT's ''...''.
QUOTE_PAIRS = {'"': '"”', "“": '”"“', "„": "“”\"", "«": "»", "»": "«", "‹": "›", "‘": "’", "'": "'", "‚": "‘’",
               "”": '”"'}
# a quote nested in one of another glyph closes with its own partner only ('"He said “fake news again," she said.')
_NESTED_CLOSERS = {'"': '"', "“": "”", "„": "“”", "«": "»", "»": "«", "‹": "›", "”": "”"}
DOUBLE_MARKS = set('"“”„«»‹›')
SINGLE_MARKS = set("‘’'‚")
ALL_MARKS = DOUBLE_MARKS | SINGLE_MARKS
TOKEN_MARKS = ALL_MARKS | {"''", "``"}  # quote-mark tokens: spaCy keeps NYT's '' as one token
_MARK_RE = re.compile("''|[\"“”„«»‹›‘’'‚]")  # '' = a straight double quote (NYT style)
# Any line break ends a paragraph: ingest joins hard-wrapped lines, so a line break left in article text separates
# paragraphs, headings or list items (sites that use single newlines between paragraphs)
_PARA_RE = re.compile(r"[ \t\xa0]*\n\s*")

# zone abbreviations after a clock time ("5:48 p.m. ET"); the parser makes them a compound of the name after it
TIME_ZONES = frozenset("ET EST EDT CT CST CDT MT MST MDT PT PST PDT GMT UTC BST CET CEST".split())
PERSON_PRONOUNS = {"he", "she", "him", "her", "i", "me"}
GROUP_PRONOUNS = {"it", "they", "them", "we", "us"}
PRONOUNS = PERSON_PRONOUNS | GROUP_PRONOUNS | {"you", "this", "that", "who", "which", "one", "someone"}
SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")


class QuoteExtractionWarning(RuntimeWarning):
    """A fault in quote extraction: the article keeps the quotes found before it (the test suite makes it an error)."""


@dataclass
class QuoteRecord:
    """One attribution with character offsets (internal; `extract_quotes` turns them into `Quote`s)."""

    kind: str  # direct | indirect | mixed
    content: list[tuple[int, int]]  # character spans of the content (quote marks included for direct)
    cue: tuple[int, int] | None = None
    mention: tuple[int, int] | None = None  # speaker as written
    mention_text: str | None = None
    speaker: str | None = None
    fragment_of: int | None = None  # index of the mixed record this direct fragment comes from
    text: str = ""
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------------------
# 1. Quote marks


def _role(text: str, i: int) -> str | None:
    """'open', 'close', 'either' or None (an apostrophe) for the quote mark at text[i]."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    left_space = prev.isspace() or prev in "([{—–-/" or i == 0
    right_space = nxt.isspace() or nxt in ".,;:!?)]}—–-…" or i + 1 >= len(text)
    if ch in "“„«‹‚":
        if ch == "“" and not left_space and right_space:
            return "close"  # “ used as a closer (German style or a typo)
        return "open"
    if ch in "”»›":
        if ch == "»" and left_space and not right_space:
            return "open"  # »reversed guillemets«
        if ch == "”" and left_space and not right_space:
            return "open"  # ”typo” used as an opener
        return "close"
    if ch in "'’":
        if prev.isalnum() and nxt.isalnum():
            return None  # don't, Putin’s
        if ch == "’" and prev.lower() == "s" and not nxt.isalnum():
            return "close_or_apostrophe"  # Reuters’ / a plural possessive or a closing quote
        if ch == "'" and left_space and nxt.isdigit():
            return None  # '90s
        if left_space and not right_space:
            return "open"
        if not left_space and right_space:
            return "close"
        return None
    if ch == "‘":
        if prev.isalnum() and nxt.isalnum():
            return None
        return "open" if not right_space else None
    if ch == '"':
        if left_space and not right_space:
            return "open"
        if right_space and not left_space:
            return "close"
        return "either"
    return None


def _role_pair(text: str, i: int, j: int) -> str:
    """Role of a two-apostrophe double quote text[i:j] == "''"."""
    prev = text[i - 1] if i > 0 else " "
    nxt = text[j] if j < len(text) else " "
    left_space = i == 0 or prev.isspace() or prev in "([{—–-/"
    right_space = j >= len(text) or nxt.isspace() or nxt in ".,;:!?)]}—–-…"
    if left_space and not right_space:
        return "open"
    if right_space and not left_space:
        return "close"
    return "either"


def _family(ch: str) -> str:
    """Glyph family of a quote mark: a multi-paragraph quote re-opens with the same family."""
    return {"“": "curly", "”": "curly", "„": "curly", "«": "guillemet", "»": "guillemet"}.get(ch, "straight")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _PARA_RE.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return [(s, e) for s, e in out if text[s:e].strip()]


def _scan_paragraph(text: str, start: int, end: int, marks: set[str]) -> tuple[list[tuple[int, int]], int | None]:
    """Balanced quote spans (mark to mark, inclusive) in text[start:end]; returns (spans, open_at_end)."""
    spans: list[tuple[int, int]] = []
    opener: int | None = None
    opener_ch = ""
    nested: list[str] = []  # quotes in another glyph opened inside the current one ('"He called it “fake” again."')
    for m in _MARK_RE.finditer(text, start, end):
        i = m.start()
        ch = m.group()
        if ch == "''":
            if '"' not in marks:
                continue
            ch = '"'
            role = _role_pair(text, i, m.end())
        else:
            if ch not in marks:
                continue
            role = _role(text, i)
        if role is None:
            continue
        if (i > 0 and text[i - 1] == "=") or (ch == '"' and text[m.end() : m.end() + 1] == ">"):
            continue  # HTML attribute values in embedded markup (<tweet id="...">)
        if opener is None:
            if role in ("open", "either"):
                opener, opener_ch = i, ch
            continue
        och = opener_ch
        closing = role in ("close", "either", "close_or_apostrophe")
        if nested and closing and ch in _NESTED_CLOSERS.get(nested[-1], ""):
            nested.pop()
            continue
        if role == "open" and ch != och and ch in DOUBLE_MARKS and och in DOUBLE_MARKS:
            nested.append(ch)
            continue
        closers = QUOTE_PAIRS.get(och, "")
        nested = []  # the current quote ends or restarts below: what it left open is closed with it
        if ch in closers and closing:
            spans.append((opener, m.end()))
            opener = None
        elif ch in closers and role == "open" and ch == och and ch != "“":
            # two openers of one kind in a row: the first was never closed; restart here
            opener, opener_ch = i, ch
        elif och == '"' and ch == '"':
            spans.append((opener, m.end()))
            opener = None
    return spans, opener


def find_quote_spans(text: str) -> list[tuple[int, int, bool]]:
    """Quote spans as (start, end, closed) character offsets, marks included; sorted, non-overlapping.

    Double-quote families are paired first; single quotes only outside them (nested single quotes stay inside).
    """
    paras = _paragraphs(text)
    spans: list[tuple[int, int, bool]] = []
    pending: int | None = None  # start of a multi-paragraph quote
    for pi, (ps, pe) in enumerate(paras):
        found, open_at = _scan_paragraph(text, ps, pe, DOUBLE_MARKS)
        if pending is not None:
            # continuation paragraph: it re-opens the quote
            first = found[0][0] if found else open_at
            lead = text[ps:pe].lstrip()
            if (lead and lead[0] in DOUBLE_MARKS and first is not None and first == ps + (len(text[ps:pe]) - len(lead))
                    and _family(text[pending]) == _family(lead[0])):
                if found and found[0][0] == first:
                    spans.append((pending, found[0][1], True))
                    found = found[1:]
                else:  # re-opened and still not closed: keep going
                    open_at = None
                    if pi + 1 < len(paras):
                        continue
                    spans.append((pending, pe, False))
                    pending = None
                    continue
            else:
                # previous paragraph's quote was never closed: it ends with that paragraph
                prev_end = paras[pi - 1][1]
                spans.append((pending, prev_end, False))
            pending = None
        spans.extend((s, e, True) for s, e in found)
        if open_at is not None:
            if pi + 1 < len(paras):
                pending = open_at
            else:
                spans.append((open_at, pe, False))
    if pending is not None:
        spans.append((pending, paras[-1][1], False))

    # single quotes outside double-quoted spans (headlines, British style); unclosed ones are apostrophes
    inside = sorted((s, e) for s, e, _ in spans)

    def in_double(i: int) -> bool:
        return any(s <= i < e for s, e in inside)

    for ps, pe in paras:
        singles, _ = _scan_paragraph(text, ps, pe, SINGLE_MARKS)
        for s, e in singles:
            inner = text[s + 1 : e - 1].strip()
            if not in_double(s) and not in_double(e - 1) and len(inner) >= 2 and any(c.isalpha() for c in inner):
                spans.append((s, e, True))
    spans.sort()
    out: list[tuple[int, int, bool]] = []
    for s, e, c in spans:
        if out and s < out[-1][1]:
            continue
        if text[s + 1 : e - (1 if c else 0)].strip():
            out.append((s, e, c))
    return out


# ---------------------------------------------------------------------------------------------------------
# 2./3. Attribution


def _span_tokens(doc: "Doc", start: int, end: int) -> "Span | None":
    return doc.char_span(start, end, alignment_mode="expand")


# spaCy's lemmatizer reads "hopes"/"hoping"/"hoped" as forms of "hop"
_LEMMA_FIXES = {"hop": ("hope", ("hope", "hoping"))}


def _lemma_of(tok: "Token") -> str:
    """Lower-cased lemma, with the lemmatizer's known misreadings of cue verbs put right."""
    lemma = tok.lemma_.lower()
    fix = _LEMMA_FIXES.get(lemma)
    if fix is not None and tok.lower_.startswith(fix[1]):
        return fix[0]
    return lemma


def _cue_of(tok: "Token", lemma: str) -> tuple[bool, bool]:
    """(cue verb, speech verb) for a token with that lemma; phrasal reply verbs only with their particle."""
    if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.dep_ == "ROOT"):
        return False, False
    if lemma in REPLY_PHRASALS:
        phrasal = any(c.dep_ in ("prt", "advmod") and c.lower_ == REPLY_PHRASALS[lemma] and 0 < c.i - tok.i <= 2
                      for c in tok.children)
        return phrasal, phrasal
    return lemma in CUE_VERBS, lemma in SPEECH_VERBS


class _TokenFlags:
    """Lemma, coarse tag and cue tests of every token of one doc, computed once: attribution asks them thousands of
    times per article (spaCy builds a new Token object and looks its strings up on every access)."""

    def __init__(self, doc: "Doc"):
        from spacy.attrs import DEP, LEMMA, LOWER, POS

        self.lemma, self.pos, self.cue, self.speech = [], [], [], []
        strings = doc.vocab.strings
        # read as one array and memoised per distinct (lemma, word, tag, relation) instead of building a Token per
        # word (0.7 -> 0.5 CPU ms an article; the same flags)
        memo: dict[tuple, tuple] = {}
        for i, key in enumerate(map(tuple, doc.to_array([LEMMA, LOWER, POS, DEP]).tolist())):
            got = memo.get(key)
            if got is None:
                lemma = strings[key[0]].lower()
                fix = _LEMMA_FIXES.get(lemma)
                if fix is not None and strings[key[1]].startswith(fix[1]):
                    lemma = fix[0]
                pos = strings[key[2]]
                if lemma in REPLY_PHRASALS:
                    got = (lemma, pos) + _cue_of(doc[i], lemma)  # phrasal: depends on the particle, not memoised
                else:
                    cue = (pos in ("VERB", "AUX") or (pos == "NOUN" and strings[key[3]] == "ROOT")) \
                        and lemma in CUE_VERBS
                    got = (lemma, pos, cue, cue and lemma in SPEECH_VERBS)
                    memo[key] = got
            self.lemma.append(got[0])
            self.pos.append(got[1])
            self.cue.append(got[2])
            self.speech.append(got[3])
        self._spans: list | None = None
        self._resolver: "_Resolver | None" = None

    def quote_spans(self, doc: "Doc") -> list[tuple[int, int, bool]]:
        """The doc's quote spans, found once for all the passes over it (rules, model, rules with stances)."""
        if self._spans is None:
            try:
                self._spans = find_quote_spans(doc_text(doc))
            except Exception:  # never let odd text break extraction
                self._spans = []
        return self._spans

    def resolver(self, doc: "Doc") -> "_Resolver":
        """The doc's speaker resolver (its state is built once, from the doc and its quotes): shared by the passes."""
        if self._resolver is None:
            self._resolver = _Resolver(doc, self.quote_spans(doc))
        return self._resolver


# (doc, its _TokenFlags) while extract_records works on that doc; other docs' tokens are computed as asked
_CURRENT_FLAGS: tuple = (None, None)


def _lemma(tok: "Token") -> str:
    doc, flags = _CURRENT_FLAGS
    return flags.lemma[tok.i] if doc is tok.doc else _lemma_of(tok)


def _is_cue(tok: "Token", strict: bool = False) -> bool:
    """A cue verb (speech or cognition), or with `strict` a speech verb only."""
    doc, flags = _CURRENT_FLAGS
    if doc is tok.doc:
        return (flags.speech if strict else flags.cue)[tok.i]
    cue, speech = _cue_of(tok, _lemma_of(tok))
    return speech if strict else cue


def _subject(verb: "Token") -> "Token | None":
    """The speaker head of a cue verb: nsubj (either side), 'according to X', conjunct's subject, agent."""
    # the parser sometimes makes a quote mark the subject, or gives the verb two ("6:50 p.m. [...] Clinton has
    # told", "No wonder Trump said"): a word that is no date or time, nearest to the verb
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and any(ch.isalnum() for ch in c.text)]
    if subjects:
        return min(subjects, key=lambda c: (c.ent_type_ in ("DATE", "TIME"), abs(c.i - verb.i)))
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    inv = _inverted_subject(verb)
    if inv is not None:
        return inv
    if verb.dep_ == "conj" and verb.head.dep_ == "ccomp" and _is_cue(verb.head.head, strict=True) \
            and verb.tag_ == verb.head.head.tag_ != verb.head.tag_ \
            and not any(c.dep_ == "nsubj" for c in verb.children):
        # "He said the two sides disagree on X and urged Russia to ...": the parser hangs the second cue on the
        # first one's complement; its tense matches the first cue's, not the complement's, so it shares that subject
        return _subject(verb.head.head)
    if verb.dep_ == "xcomp" and verb.head.i != verb.i:
        # "Mr. Trump was prompted to say": the passive's subject speaks
        passive = next((c for c in verb.head.children if c.dep_ == "nsubjpass"), None)
        if passive is not None:
            return passive
    if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return _subject(verb.head)
    if verb.dep_ == "relcl" and verb.head.pos_ in ("PROPN", "NOUN", "PRON"):
        # "Lavrov, who said ..."
        return verb.head
    if verb.dep_ in ("advcl", "acl") and verb.tag_ == "VBG":
        # "..., adding that ..." / "X denied that ..., explaining that ...": the main clause's subject
        # ("issued a statement saying ...": climb past the noun to the verb)
        top = verb.head
        for _ in range(8):
            if top.pos_ in ("VERB", "AUX") and top.dep_ not in ("ccomp", "advcl", "conj", "xcomp"):
                break
            # "when protesters interrupted her speech, shouting ...": a clause with a subject of its own acts
            if top.pos_ in ("VERB", "AUX") and top.dep_ in ("advcl", "conj") \
                    and any(c.dep_ == "nsubj" for c in top.children):
                break
            if top.head.i == top.i:
                break
            top = top.head
        return _subject(top) if top.i != verb.i else None
    return None


def _ancestor_subject(verb: "Token") -> "Token | None":
    """Subject of the nearest verb above a subjectless cue in its own sentence ('went so far as to say:',
    'interrupted me to announce', 'clashed with Johnson, chiding him'): the cue is that verb's subject's act."""
    h = verb
    for _ in range(4):
        if h.head.i == h.i or h.dep_ not in ("advcl", "xcomp", "conj", "prep", "pcomp", "acl", "dep"):
            return None
        h = h.head
        subj = next((c for c in h.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            return subj if subj.lower_ not in ("it", "there", "this", "that", "what") else None
    return None


def _inverted_subject(verb: "Token") -> "Token | None":
    """Speaker after the verb in inverted order the parser did not label nsubj: '..., said Carl Dahl.',
    '," said retired neurosurgeon Ben Carson, asked ...', 'Continued Stone: "..."' (verb opens the sentence).
    The noun phrase is read off the tokens (the parser often hangs it elsewhere): its head is the last noun of the
    run of determiners, adjectives, compounds and names right after the verb."""
    doc = verb.doc
    if verb.tag_ not in ("VBD", "VBZ", "VBN") or verb.i + 1 >= len(doc):
        return None
    prev = doc[verb.i - 1].text if verb.i > 0 else ""
    if not (prev in (",", "”", '"', "''", "»", "’", "—") or verb.i == verb.sent.start):
        return None
    head = None
    for t in doc[verb.i + 1 : verb.i + 9]:
        if t.ent_type_ in ("DATE", "TIME"):  # when, not who ("The comedian, 47, tweeted Monday that she ...")
            if head is not None:
                break
            continue
        if t.pos_ in ("PROPN", "NOUN"):
            head = t
        elif t.pos_ == "PRON" and head is None and t.tag_ == "PRP":
            return t  # "..., said he."
        elif t.pos_ in ("DET", "ADJ") or t.tag_ == "POS" or (t.pos_ == "VERB" and t.dep_ == "amod"):
            if head is not None and t.pos_ == "DET":
                break
            continue
        else:
            break
    return head


def _relative_pronoun(verb: "Token", comp: "Token") -> "Token | None":
    """The relative pronoun that opens a complement straddling its cue verb ("which officials say will take effect",
    "that he said defied expectations"), when it is all of the complement before the verb; else None."""
    left = comp.left_edge
    if verb.dep_ != "relcl" or left.tag_ not in ("WDT", "WP", "WP$"):
        return None
    inside = {t.i for t in comp.subtree}
    return left if not any(i in inside for i in range(left.i + 1, verb.i)) else None


def _adjective_stance(adj: "Token") -> tuple[list[tuple[int, int]] | None, "Token | None"]:
    """An attitude adjective after a copula ("X is critical of Y", "they are eager to vote", "she was confident
    that ..."), or any adjective with an "about" object ("they are passionate about Y"): token range of its object
    and the copula's subject; (None, None) if it has no object."""
    subj = next((c for c in adj.head.children if c.dep_ == "nsubj"), None)
    if subj is None or subj.lower_ in ("it", "there", "this", "that"):
        return None, None
    attitude = adj.lower_ in STANCE_ADJECTIVES
    for c in adj.children:
        if c.dep_ == "prep" and (c.lower_ == "about" or attitude and c.lower_ in (
                "of", "with", "to", "on", "over", "toward", "towards", "against", "in")):
            obj = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
            if obj is not None:
                return [(obj.left_edge.i, obj.right_edge.i)], subj
        if attitude and c.dep_ in ("xcomp", "ccomp"):
            return [(c.left_edge.i, c.right_edge.i)], subj
    return None, None


def _passive_stance(verb: "Token") -> tuple[list[tuple[int, int]] | None, "Token | None"]:
    """A passive stance with its source in a by-phrase ("Kasich was endorsed by the Times", "a call echoed by
    Japan", "criticized by Wall Street for not raising rates"): token ranges of the content (the passive subject or
    the noun the participle modifies, and the verb's other arguments) and the source token; (None, None) if not one."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    source = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
    if source is None and (agent is not None or _lemma(verb) not in AGENTLESS_PASSIVE_VERBS):
        return None, None
    target = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if target is not None:
        spans = [(target.left_edge.i, target.right_edge.i)]
    elif verb.dep_ == "acl" and verb.head.i < verb.i:
        spans = [(verb.head.left_edge.i, verb.i - 1)]
    else:
        return None, None
    # the stance's other arguments ("criticized by X for not raising rates", "seen by some as a demotion"), not
    # when or where it was said
    args = [(c.left_edge.i, c.right_edge.i) for c in verb.rights
            if c.dep_ in ("xcomp", "oprd") or (c.dep_ == "prep" and c.lower_ in ("for", "as", "of", "over", "about"))]
    if source is None and not args:
        return None, None  # "the bill was considered": no judgement stated
    return sorted(spans + args), source


def _complements(verb: "Token") -> list["Token"]:
    """A cue verb's clausal complements, the one right after it first: the parser also hangs a quote or an
    "although ..." clause before the verb on it as a ccomp ('"...," Sanders, who ..., said he may campaign')."""
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    return sorted(comps, key=lambda c: (c.i < verb.i, abs(c.i - verb.i)))


# prepositions that introduce a stance verb's object ("talked about X", "voted against X"), and the ones only
# some verbs take ("pointed to X", "agreed with X")
STANCE_PREPS = ("about", "on", "of", "for", "against", "over")
VERB_PREPS = {"refer": ("to",), "point": ("to",), "respond": ("to",), "agree": ("with", "to"), "object": ("to",),
              "allude": ("to",), "compare": ("to", "with"), "appeal": ("to",),
              "side": ("with",), "disagree": ("with",), "align": ("with",), "hint": ("at",), "charge": ("with",),
              "lash": ("at",)}
# evaluation verbs whose passive names the source in a by-phrase ("endorsed by the Times"); not verbs of
# publishing ("a statement released by the campaign"), which PolNeAR does not annotate as stances
PASSIVE_STANCE_VERBS = {
    "endorse", "support", "back", "oppose", "criticize", "criticise", "attack", "praise", "blame", "accuse",
    "condemn", "denounce", "reject", "dismiss", "question", "see", "view", "describe", "call", "consider", "favor",
    "favour", "welcome", "applaud", "slam", "blast", "mock", "challenge", "nominate", "propose", "defend", "hail",
    "laud", "deem", "portray", "credit", "congratulate", "urge", "ask", "echo", "cite",
}
# verbs of judging and labelling whose passive states a view even with no source named ("Cruz is seen as the
# stronger candidate", "the emails were deemed classified", "a contest known as Super Tuesday"): PolNeAR annotates
# these as speakerless attributions; only with the judgement itself (an "as"-phrase or a predicate)
AGENTLESS_PASSIVE_VERBS = frozenset({"see", "view", "regard", "perceive", "consider", "deem", "declare", "describe",
                                     "know", "bill", "title", "criticize", "criticise", "accuse"})
# attitude adjectives whose object PolNeAR annotates as the subject's stance ("is critical of", "is eager to")
STANCE_ADJECTIVES = frozenset("""
critical skeptical sceptical supportive opposed eager willing reluctant hesitant confident optimistic pessimistic
worried concerned angry upset happy pleased proud unhappy frustrated disappointed wary fond tired sure certain
convinced clear open hostile committed loyal enamored keen nervous aware unaware afraid grateful comfortable
uncomfortable interested ambivalent adamant quick glad sorry impressed dismissive appreciative bent intent wrong
unsure unclear hopeful outspoken
""".split())
SHARED_SUBJECT_DEPS = ("conj", "xcomp")
# what "in a ..." names as the source of the clause it modifies ("In a CNN poll, Clinton leads"); adding interviews,
# statements, reports and other documents left PolNeAR train F1 where it was (precision fell as recall rose)
SOURCE_POLLS = frozenset({"poll", "survey"})
_POLL_CLAUSE_DEPS = frozenset({"dobj", "attr", "acomp", "ccomp", "xcomp", "advmod", "prep", "npadvmod", "oprd"})
# lemmas of the stance cues that are not verbs of saying (raising verbs, passives, "in"); adjectives and nouns are
# tested by their part of speech
_STANCE_CUE_LEMMAS = frozenset(RAISING_VERBS | PASSIVE_STANCE_VERBS | AGENTLESS_PASSIVE_VERBS | {"in"})

# adverbs that attribute their clause to unnamed sources ("He reportedly met X", "the gun he allegedly used")
REPORTING_ADVERBS = frozenset({"reportedly", "allegedly", "reputedly", "purportedly", "supposedly", "seemingly"})
# a stance verb's later arguments that PolNeAR's content spans run over (tuned on train)
_EXT_DEPS = frozenset({"prep", "xcomp", "ccomp", "oprd", "dative", "acomp", "advcl"})


def _fallback_subject(verb: "Token", in_quote) -> "Token | None":
    """Speaker when the parse gives the cue no subject (misparses: "Multiple outlets reported" read as a
    participle, "Trump blasted Disney" as an adjective, "Flea shared ..., writing “...”" with the participle
    made a subject): the noun right before the verb, else (participles) the nearest subject before it."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and (doc[j].tag_ in ("RB", "MD") or doc[j].dep_ in ("aux", "auxpass", "neg")) and verb.i - j <= 3:
        j -= 1
    if j >= 0 and doc[j].ent_type_ in ("DATE", "TIME") and doc[j].dep_ == "pobj" and doc[j].head.i < j:
        j = doc[j].head.i - 1  # "who Beck on Wednesday called": the noun before the time phrase
    if j >= 0 and verb.tag_ in ("VBD", "VBZ", "VBP", "VBN") and doc[j].pos_ in ("PROPN", "NOUN", "PRON") \
            and not in_quote(doc[j].idx) and doc[j].sent.start == verb.sent.start \
            and doc[j].lower_ not in ("it", "there", "this", "that", "what", "which"):
        return doc[j]
    if j >= 1 and doc[j].text == "," and verb.tag_ in ("VBD", "VBZ", "VBP"):
        # "her senior policy adviser, Jake Sullivan, said:" with the name parsed into an earlier phrase: the
        # subject is in the verb-free stretch before it (from the sentence start or a closing quote mark)
        lo = verb.sent.start
        for k in range(verb.i - 1, verb.sent.start - 1, -1):
            if in_quote(doc[k].idx) or doc[k].text in TOKEN_MARKS:
                lo = k + 1
                break
        seg = doc[lo : verb.i]
        if not any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound") for t in seg):
            names = [e for e in seg.ents if e.label_ in SPEAKER_LABELS]
            pick = next((e for e in names if e.label_ == "PERSON"), names[0] if names else None)
            if pick is not None:
                return pick.root
    if verb.tag_ == "VBG":
        for t in reversed(list(doc[verb.sent.start : verb.i])):
            if t.dep_ == "nsubj" and not in_quote(t.idx) and (t.pos_ in ("PROPN", "PRON") or t.ent_type_):
                return t
    return None


_TWEET_RE = re.compile(r"<tweet\b[^>]*>(.*?)</tweet>", re.S)
_TWEET_SIG_RE = re.compile(r"\s[—–-]{1,2}\s*([^—–()<>\n]{2,60}?)\s*\((@\w+)\)\s*[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$")
def _governing_verb(doc: "Doc", rec: "QuoteRecord", in_quote) -> "Token | None":
    """The clause verb above a quoted fragment, past the verbs of noun modifiers ('signed a bill that created the
    “Choose Life” plates' -> signed): PolNeAR's content is that verb's clause even when its cue is elsewhere."""
    span = doc.char_span(*rec.content[0], alignment_mode="expand")
    inner = [t for t in span if not (t.is_punct or t.is_space)] if span is not None else []
    if not inner:
        return None
    h = inner[0]
    for _ in range(15):
        if h.head.i == h.i:
            return None
        h = h.head
        if h.pos_ in ("VERB", "AUX") and not in_quote(h.idx) and h.dep_ not in ("relcl", "acl", "amod"):
            return h if h.i < span.start else None
    return None


def _fragment_clause(doc: "Doc", rec: "QuoteRecord", para_of, verb: "Token | None" = None) -> tuple[int, int] | None:
    """Character span of the clause around a quoted fragment governed by a verb before it (the cue, or `verb`),
    or None when the quote is not a fragment (it opens a sentence, follows ':' or ',', or its verb does not govern
    it)."""
    text = doc_text(doc)
    qs, qe = rec.content[0]
    before = text[:qs].rstrip()
    if not before or before[-1] in ".:,!?;—–-(\n" or before[-1] in ALL_MARKS:
        return None
    verb = verb if verb is not None else doc[rec.extra["cue_i"]]
    span = doc.char_span(qs, qe, alignment_mode="expand")
    if span is None or verb.i >= span.start:
        return None
    inner = [t for t in span if not (t.is_punct or t.is_space)]
    if not inner:
        return None
    # the verb's child whose subtree holds the fragment
    path = None
    h = inner[0]
    for _ in range(15):
        if h.head.i == verb.i and h.i != verb.i:
            path = h
            break
        if h.head.i == h.i:
            break
        h = h.head
    if path is None or path.dep_ in ("nsubj", "nsubjpass", "advcl", "conj", "punct", "cc"):
        return None
    firsts = [c for c in verb.rights if c.dep_ not in ("punct", "prt", "advmod", "npadvmod") and c.i <= path.i]
    if not firsts:
        return None
    left = firsts[0].left_edge
    right = max(path.right_edge, span[-1], _last_fragment_in_sentence(doc, rec, span), key=lambda t: t.i)
    if left.i > span.start:
        left = span[0]
    while right.i > left.i and (right.is_punct and right.text not in ALL_MARKS or right.is_space):
        right = doc[right.i - 1]
    cp = para_of(qs)
    cs, ce = max(left.idx, cp[0]), min(right.idx + len(right.text), cp[1])
    if _word_count(text, cs, ce) <= _word_count(text, qs, qe):
        return None  # no words beyond the quote ("him ''a very intelligent man.''" has one)
    return cs, ce


def _word_count(text: str, start: int, end: int) -> int:
    return sum(1 for _ in re.finditer(r"\w+", text[start:end]))


def _last_fragment_in_sentence(doc: "Doc", rec: "QuoteRecord", first: "Span") -> "Token":
    """Last token of the record's last quote span in the first one's sentence: 'calling the mayor a "liar" who was
    not "honorable."' is one clause over both fragments (later sentences stay separate spans)."""
    last = first[-1]
    for s, e in rec.content[1:]:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or span.start >= first.sent.end:
            break
        last = span[-1]
    return last


def _conjoined_complement_end(verb: "Token", right: "Token") -> "Token":
    """End of what the parser hung on the cue verb itself after its complement but belongs to it: a later conjunct
    opened by "that" ('said that A, and that B'), a clause not set off by a comma."""
    for sib in verb.rights:
        if sib.i <= right.i:
            continue
        if sib.dep_ == "conj" and any(g.dep_ == "mark" and g.lower_ == "that" for g in sib.children):
            right = sib.right_edge
        elif sib.dep_ == "advcl" and sib.doc[sib.left_edge.i - 1].text not in (",", ";", "—", "–", "-") \
                and not any(t.lower_ in _CONTRAST_MARKS or _is_cue(t, strict=True) for t in sib.subtree):
            # a condition the parser hung on the cue verb ("vowed to impose a tariff unless the company cancels"); not
            # a contrast or another attribution ("..., while 73 percent said the same of Trump")
            right = sib.right_edge
    return right


_CONTRAST_MARKS = frozenset({"while", "whereas", "though", "although"})
_ASIDE_DEPS = frozenset({"relcl", "appos"})


def _end_before_asides(doc: "Doc", left: "Token", right: "Token", in_quote) -> "Token":
    """New right end of a reported clause doc[left..right] without the asides that close it: a non-restrictive
    relative clause or an appositive set off by a comma or dash ('she is willing to be interviewed by the FBI, which
    is conducting its own probe'; '..., an extraction method known as fracking'): the writer's gloss, not the
    source's words, which PolNeAR leaves out of the content (train overlap P +0.004; participles and asides inside
    the clause cost as much recall as they gain precision)."""
    while True:
        cut = None
        for t in doc[left.i + 1 : right.i + 1]:
            if t.dep_ not in _ASIDE_DEPS or t.left_edge.i <= left.i + 1 or in_quote(t.idx):
                continue
            k = t.left_edge.i - 1
            if doc[k].text in (",", "—", "–", "--") and t.right_edge.i >= right.i - 1:
                cut = k
                break
        if cut is None:
            return right
        right = doc[cut - 1]


def _clause_before(doc: "Doc", k: int) -> bool:
    """The words before the colon at doc[k] form a clause with its own subject ('McConnell delivered a blunt message
    to Trump:', 'Trump issued the following statement:'): its subject, not the noun before the colon, speaks."""
    start = doc[k].sent.start
    for j in range(k - 1, start - 1, -1):
        if "\n" in doc[j].text_with_ws and j < k - 1:
            break
        t = doc[j]
        if t.pos_ in ("VERB", "AUX") and any(c.dep_ == "nsubj" for c in t.children):
            return True
    return False


def _stray_quote(text: str, rec: "QuoteRecord") -> bool:
    """A short quoted sentence with no cue and no speaker (slogans, titles, pull quotes: "Relationships that
    last."): on PolNeAR train these earn about a quarter of the overlap credit, below what a prediction must earn."""
    return rec.kind == "direct" and rec.cue is None and rec.speaker is None and len(rec.content) == 1 \
        and rec.extra.get("words", 0) < 9 and _standalone(text, rec)


def _stance_fragment(doc: "Doc", text: str, rec: "QuoteRecord") -> bool:
    """A short or title-case quote inside a clause whose verb states a stance ('mocking GOP leaders as "obsessed"
    with homosexuality', 'referring to the US as the “Great Satan.”'): PolNeAR attributes that clause."""
    return rec.cue is not None and "cue_i" in rec.extra and not _standalone(text, rec) \
        and _lemma(doc[rec.extra["cue_i"]]) in STANCE_VERBS


def _lead_and_trail(doc: "Doc", rec: "QuoteRecord", para_of, in_quote) -> list[tuple[int, int]]:
    """Unquoted stretches of a quote's sentence that belong to its content when the attribution comes after it:
    from the sentence start to the quote, and from the quote to the attribution ("..., X said")."""
    qs, qe = rec.content[0][0], rec.content[-1][1]
    cue = doc[rec.extra["cue_i"]]
    if cue.idx < qe or not _is_cue(cue, strict=True):
        return []
    first = doc.char_span(qs, qe, alignment_mode="expand")
    if first is None or len(first) == 0 or cue.sent.start > first[0].i or cue.sent.end <= first[-1].i:
        return []  # attribution in another sentence: the quote is the whole content
    # the attribution phrase: the cue, its subject (before or after it) and anything after the cue
    subj = next((c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    a = cue.i if subj is None or subj.i > cue.i else min(subj.left_edge.i, cue.i)
    if a == 0 or (doc[a - 1].text not in (",", "—", "–") and doc[a - 1].text not in TOKEN_MARKS) \
            or a - first[-1].i > 25:
        return []  # the attribution must close the content: '..., he said' (not '"rigged economy" that he says')
    para = para_of(qs)
    out = []
    # lead: sentence (and paragraph) start to the quote, when it holds words and no other attribution or quote
    lo = max(cue.sent.start_char, para[0])
    lead = doc.char_span(lo, qs, alignment_mode="contract")
    if lead is not None and len(lead) and lead[0].i < first[0].i:
        words = [t for t in lead if t.is_alpha]
        if words and not any(t.text in TOKEN_MARKS or in_quote(t.idx) or _is_cue(t) for t in lead):
            toks = [t for t in lead if not (t.is_punct or t.is_space)]
            if toks:
                out.append((toks[0].idx, qs))
    # trail: quote end to the attribution phrase
    if a > first[-1].i + 1:
        trail = doc[first[-1].i + 1 : a]
        toks = [t for t in trail if not (t.is_punct or t.is_space)]
        if toks and any(t.is_alpha for t in toks) and not any(t.text in TOKEN_MARKS or _is_cue(t) for t in trail):
            out.append((qe, toks[-1].idx + len(toks[-1].text)))
    return out


def _according_to(sent: "Span", exclude: tuple[int, int]) -> "Token | None":
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            if exclude[0] <= t.idx < exclude[1]:
                continue
            for c in t.doc[t.i + 1].children:
                if c.dep_ == "pobj":
                    return c
    return None


def _ent_of(tok: "Token") -> "Span | None":
    """The entity span holding tok, read off the IOB tags (`Doc.ents` rebuilds every span on each access)."""
    if tok.ent_iob_ in ("O", ""):
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _mention_span(tok: "Token") -> tuple[int, int, str, str | None]:
    """Character span, text and NER label of the speaker noun phrase headed by tok."""
    doc = tok.doc
    if tok.ent_type_ and tok.ent_iob_ != "O":
        ent = _ent_of(tok)
        if ent is not None:
            start, end = _within_line(doc, ent.start, ent.end, tok.i)
            # first names the NER split off ("Yury" ORG + "Ushakov" PERSON), but not a time stamp's zone the parser
            # takes for one ("2:30 p.m. ET Donald Trump said")
            while (start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound"
                   and doc[start - 1].head.i in range(start, end) and doc[start - 1].lower_ not in TITLE_WORDS
                   and doc[start - 1].text not in TIME_ZONES):
                start -= 1
            span = doc[start:end]
            label = tok.ent_type_ if tok.ent_type_ in SPEAKER_LABELS else None
            return span.start_char, span.end_char, span.text, label
    # appositive or compound name: "the foreign minister, Sergei Lavrov," / "Foreign Minister Sergei Lavrov"
    for c in tok.children:
        if c.dep_ == "appos" and c.ent_type_ in SPEAKER_LABELS:
            ent = _ent_of(c)
            if ent is not None:
                return ent.start_char, ent.end_char, ent.text, c.ent_type_
    left = tok
    for c in tok.lefts:
        if c.dep_ in ("det", "amod", "compound", "poss", "nmod", "nummod", "quantmod") and not _is_cue(c) \
                and c.tag_ not in ("WP$", "WDT", "WP"):  # "whose top executives": the relative word names no one
            left = min(left, c.left_edge, key=lambda t: t.i)
            break
    right = tok
    for c in tok.rights:
        if c.dep_ == "prep" and c.lower_ in ("of", "for", "at", "from") and c.i - tok.i <= 2:
            right = c.right_edge if c.right_edge.i - tok.i <= 8 else right
    span = doc[slice(*_within_line(doc, left.i, right.i + 1, tok.i))]
    if len(span) > 12:
        span = doc[tok.i : tok.i + 1]
    return span.start_char, span.end_char, span.text, None  # tok is outside every entity: no NER label


def _line_part(ent: "Span") -> "Span | None":
    """An entity the NER ran across a line break ("... in Nice\nAuthorities"), cut to the line of its root."""
    from spacy.tokens import Span

    start, end = _within_line(ent.doc, ent.start, ent.end, ent.root.i)
    return Span(ent.doc, start, end, label=ent.label_) if start < end else None


def _without_place(ent: "Span", places: set[str]) -> "Span":
    """A name the NER ran on from a place the text names as one ("special envoy to Ukraine Kurt Volker", tagged
    PERSON or ORG) -> the person ("Kurt Volker"): the place's word goes when a given name and a surname are left
    ("China Southern Airlines" stays)."""
    from spacy.tokens import Span

    if ent.label_ not in ("PERSON", "ORG") or len(ent) < 3 or ent[0].text not in places \
            or not all(t.text[:1].isupper() and t.is_alpha for t in ent[1:]) or not _is_given_name(ent[1].text):
        return ent
    return Span(ent.doc, ent.start + 1, ent.end, label="PERSON")


_PAGE_SEPARATORS = frozenset({"•", "|", "·", "▪", "►"})


def _within_line(doc: "Doc", start: int, end: int, head: int) -> tuple[int, int]:
    """Token range [start, end) cut to the line of its head token: a mention run across a line break or a page's
    separator is headline or caption junk plus the source ("Harrowing images of truck attack in Nice\nAuthorities",
    "CNN Map • American Dominique Molina")."""
    for t in doc[start:end]:
        if t.i < head and ("\n" in t.text_with_ws or t.text in _PAGE_SEPARATORS):
            start = t.i + 1
        elif t.i > head and ("\n" in t.text or t.text in _PAGE_SEPARATORS or "\n" in doc[t.i - 1].whitespace_):
            end = min(end, t.i)
    return start, end


PRONOUN_GENDER = {"he": "male", "him": "male", "his": "male", "she": "female", "her": "female", "hers": "female"}
_HONORIFIC_GENDER = {"mr": "male", "mrs": "female", "ms": "female", "miss": "female", "sir": "male",
                     "dame": "female", "lord": "male", "lady": "female"}
# gendered role nouns in a person's title or appositive ("spokeswoman Jen Psaki", "Lavrov, the chairman")
_ROLE_GENDER = {
    **{w: "male" for w in "spokesman chairman congressman councilman businessman assemblyman alderman anchorman "
                          "king prince duke emperor father husband son brother uncle nephew grandfather boy man "
                          "gentleman actor widower".split()},
    **{w: "female" for w in "spokeswoman chairwoman congresswoman councilwoman businesswoman assemblywoman "
                            "anchorwoman queen princess duchess empress mother wife daughter sister aunt niece "
                            "grandmother girl woman actress widow".split()},
}
_GENDER_DETECTOR = None


def _name_data_gender(first: str) -> str:
    """gender-guesser's verdict on a first name: 'male', 'mostly_female', 'andy' (unisex), ... or 'unknown'."""
    global _GENDER_DETECTOR
    if _GENDER_DETECTOR is None:
        import gender_guesser.detector

        _GENDER_DETECTOR = gender_guesser.detector.Detector(case_sensitive=False)
    return _GENDER_DETECTOR.get_gender(first)


def _first_name_gender(first: str) -> str | None:
    """'male'/'female' for a first name the gender-guesser data is sure of ('mostly_*' and unisex names: None)."""
    g = _name_data_gender(first)
    return g if g in ("male", "female") else None


def _person_gender(ent: "Span", title_words: set[str]) -> str | None:
    """Gender evidence for one PERSON mention: honorific before it, a gendered role noun in its title or
    appositive, else its first name."""
    doc = ent.doc
    words = clean_name(ent.text).split()
    before = doc[ent.start - 1].lower_.rstrip(".") if ent.start > 0 else ""
    hon = _HONORIFIC_GENDER.get(words[0].lower().rstrip(".")) if words else None
    hon = hon or _HONORIFIC_GENDER.get(before)
    if hon:
        return hon
    roles = {_ROLE_GENDER[w] for w in title_words if w in _ROLE_GENDER}
    if len(roles) == 1:
        return roles.pop()
    words = strip_titles(" ".join(words)).split()
    if len(words) >= 2 and words[0][:1].isupper() and words[0].isalpha():
        return _first_name_gender(words[0])
    return None


def _heading_word(tok: "Token") -> bool:
    """A function word in capitals ("FIRST", "MORE", "THE", "TOP"): newsletters and live blogs open items with such
    headings ("FIRST LOOKS –", "THE TRAP:"); a name in capitals ("TAPPER:") is no function word."""
    return tok.is_upper and len(tok) > 1 and tok.vocab[tok.lower_].is_stop


# titles news abbreviates before a name, as the noun a later description of the person uses
_TITLE_ABBREVIATION_NOUNS = {"sen": "senator", "rep": "representative", "gov": "governor", "gen": "general",
                             "lt": "lieutenant", "col": "colonel", "sgt": "sergeant", "capt": "captain",
                             "adm": "admiral", "pres": "president", "sec": "secretary", "amb": "ambassador",
                             "atty": "attorney", "supt": "superintendent", "insp": "inspector", "det": "detective",
                             "prof": "professor", "rev": "reverend"}


# nouns news re-names a person by ("the 57-year-old scientist", "the billionaire businessman"); not the ones that
# relate the person to someone else ("the adviser", "the supporter", "the lawyer") nor an anonymous "source"
_EPITHET_NOUNS = frozenset("""president premier chancellor king queen prince analyst expert witness prosecutor judge
leader chief director secretary senator lawmaker legislator congressman congresswoman governor mayor critic
researcher scientist doctor economist investor diplomat envoy ambassador general commander coach player manager owner
chairman chairwoman ceo executive founder victim survivor activist protester organizer candidate nominee student
teacher professor author writer journalist reporter editor commentator businessman businesswoman billionaire
millionaire actor actress singer rapper comedian host star mogul developer veteran""".split())
# words after a surname that are no surname ("Joseph R. Biden Jr.")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _without_headline_run_ons(doc: "Doc", ents: list["Span"]) -> list["Span"]:
    """`ents` less the names spaCy ran into the next words on a Title Case line (a headline or link list: "Bernie
    Sanders Pins The Rise Of ISIS ...", "Ben Carson Defends ..."): over three words, or a name of the running text
    with words after it. They are no full name for the index to stretch a mention to; "Peter Westmacott" on a
    headline beside a running "Westmacott" is one."""
    text = doc_text(doc)
    heading = [_headline_like(text, e) for e in ents]
    running = {tuple(name_key(clean_name(e.text)).split()) for e, h in zip(ents, heading) if not h}
    keep = []
    for e, h in zip(ents, heading):
        words = tuple(name_key(clean_name(e.text)).split())
        if h and (len(words) > 3 or any(words[:k] in running for k in range(1, len(words)))):
            continue
        keep.append(e)
    return keep


class _Resolver:
    """Rule-based resolution of speaker mentions to names within one article (see module docstring)."""

    def __init__(self, doc: "Doc", quote_spans: list[tuple[int, int, bool]]):
        self.doc = doc
        self.quoted = _InSpans([(s, e) for s, e, _ in quote_spans])
        # a span without a capital letter is no name, whatever the NER says ("golden aura" tagged PERSON became the
        # "she" of Uma Thurman's quotes)
        ents = [e for e in doc.ents if e.label_ in SPEAKER_LABELS and not self._in_quote(e.start_char)
                and (e.label_ != "PERSON" or any(c.isupper() for c in e.text))]
        ents = [e if "\n" not in e.text else _line_part(e) for e in ents]
        places = {e.text for e in doc.ents if e.label_ in ("GPE", "LOC")}
        ents = [_without_place(e, places) for e in ents if e is not None]
        named = _without_headline_run_ons(doc, ents)
        self.index = NameIndex((e.text, e.label_) for e in named)
        # spaCy tags a bare surname ORG now and then ("Lavrov countered"): a surname of a known person is a PERSON
        surnames = {k.split()[-1] for k, (_, lab) in self.index.full.items() if lab == "PERSON"}
        self.label = {}
        for e in ents:
            lab = e.label_
            if lab != "PERSON" and len(e) == 1 and name_key(clean_name(e.text)) in surnames:
                lab = "PERSON"
            elif lab == "PERSON" and name_key(clean_name(e.text)) in PLATFORMS:
                lab = "ORG"  # "Thurman took to Instagram to say she ...": a platform is no "she"
            self.label[(e.start, e.end)] = lab
        self.ents = ents
        # a known person's surname the NER left untagged ("Manafort insisted ..."): an antecedent all the same
        missed = [doc[t.i : t.i + 1] for t in doc if t.pos_ == "PROPN" and not t.ent_type_ and t.is_title
                  and t.dep_ != "compound" and name_key(t.text) in surnames and not self._in_quote(t.idx)]
        for m in missed:
            self.label[(m.start, m.end)] = "PERSON"
        self.antecedents = sorted(ents + missed, key=lambda e: e.start)
        # persons introduced with a title: {"minister": [(char, name)], ...}
        self.titled: list[tuple[int, str, set[str]]] = []
        self.abbreviated_title: dict[str, list[tuple[int, str | None]]] = {}
        for e in ents:
            if e.label_ != "PERSON":
                continue
            words = set()
            root = e.root
            for t in root.lefts:  # "German Foreign Minister Heiko Maas", "Russia's foreign minister Lavrov"
                if t.i < e.start:
                    words |= {x.lemma_.lower() for x in t.subtree if x.is_alpha and x.i < e.start}
            for c in root.children:  # appositive description: "Lavrov, Russia's foreign minister,"
                if c.dep_ == "appos":
                    # its noun phrase up to the head, not the clauses after it ("K-5, the droid taken down by a
                    # drunk man": no "man" title)
                    words |= {x.lemma_.lower() for x in c.doc[c.left_edge.i : c.i + 1] if x.is_alpha}
            if root.dep_ == "appos":  # "the foreign minister, Sergei Lavrov,"
                words |= {x.lemma_.lower() for x in root.head.subtree if x.is_alpha and not (e.start <= x.i < e.end)
                          and x.i < e.start}
            self.titled.append((e.start_char, e.text, words))
            # an abbreviated title before the name or in it ("Sen. Bernie Sanders"): the noun a later description
            # uses ("the Vermont senator"); asked only when no written-out title matches, and only if one person named
            # before the description has it
            abbreviated = {_TITLE_ABBREVIATION_NOUNS.get(x.lower_.rstrip(".")) for x in e.doc[max(e.start - 2, 0):e.end]
                           if x.text[:1].isupper()}
            for noun in abbreviated - {None}:
                self.abbreviated_title.setdefault(noun, []).append((e.start_char, self.name(e.text, "PERSON")))
        # grammatical gender per canonical person (None = unknown)
        evidence: dict[str, set[str]] = {}
        titled_words = {start: words for start, _, words in self.titled}
        for e in ents:
            if self.label[(e.start, e.end)] != "PERSON":
                continue
            canon = self.name(e.text, "PERSON")
            g = _person_gender(e, titled_words.get(e.start_char, set()))
            if g:
                evidence.setdefault(canon, set()).add(g)
        self.gender = {c: next(iter(g)) for c, g in evidence.items() if len(g) == 1}  # conflicting cues: unknown
        # persons named in full, by surname, in the order the text introduces them: whom a bare surname that several
        # of them share may stand for ("Trump": Donald J. Trump, Melania Trump)
        self.surname_owners: dict[str, list[tuple[int, str]]] = {}
        self.middle_surnames: dict[str, list[tuple[int, str]]] = {}
        for e in named:
            if self.label[(e.start, e.end)] != "PERSON":
                continue
            # less words run into the name that are no name ("Telling Jeb Bush", "Top Clinton aide")
            k = e.start
            while k < e.end - 1 and e.doc[k].pos_ not in ("PROPN", "PUNCT"):
                k += 1
            text = e.doc[k : e.end].text
            words = [w for w in name_key(strip_titles(clean_name(text))).split() if w not in _NAME_SUFFIXES]
            canon = self.name(text, "PERSON") if len(words) >= 2 else None
            owners = self.surname_owners.setdefault(words[-1], []) if canon else []
            if canon and all(c != canon for _, c in owners):
                owners.append((e.start_char, canon))
            # a surname before the last word, by which the text goes on: a Spanish or Portuguese name's first
            # surname ("Idier Porras Guzmán" ... "Mr. Porras"), a Chinese family name ("Xi Jinping"); asked only
            # when no one has the word as last name ("John Paul Jones" is no "Mr. Paul": a given name is none)
            if canon and len(words[-2]) > 1 and words[-2] not in NAME_PARTICLES \
                    and not _is_given_name(words[-2].title()):
                middle = self.middle_surnames.setdefault(words[-2], [])
                if all(c != canon for _, c in middle):
                    middle.append((e.start_char, canon))

    def _in_quote(self, i: int) -> bool:
        return self.quoted(i)

    def name(self, text: str, label: str | None) -> str | None:
        name = clean_name(text)
        if name.lower() in PRONOUNS:
            return None  # a "You:" label, a "― You" signature or a pronoun the NER took for a name names no one
        if label == "PERSON" or label is None:
            name = strip_titles(_drop_role_nouns(name))
        canon = self.index.canonical(name, label if label in ("PERSON", "GPE") else None)
        if canon and canon.isupper() and not name.isupper() and name_key(canon) == name_key(name):
            return name  # the index took a heading's capitals ("... HAPPENED TO DEMOCRATS"): the running spelling
        return canon

    def _person(self, text: str, gender: str | None, at: int) -> str | None:
        """A person's name (`name`), where a bare surname ("Trump", "Mr. Biden") left as it is goes to a person named
        in full with that surname: of those of the mention's gender ("Mr.", "Mrs.", "she"), the one the text
        introduces first, before the mention if any is: news names its subject first and the relatives and namesakes
        after ("Donald J. Trump" ... "his brother Freddy Trump"); a suffix is no surname ("Joseph R. Biden Jr.")."""
        canon = self.name(text, "PERSON")
        words = [w for w in name_key(canon).split() if w not in _NAME_SUFFIXES] if canon else []
        if len(words) != 1:
            return canon
        owners = self.surname_owners.get(words[0], [])
        if len(owners) == 1 and name_key(owners[0][1]).split()[-1] not in _NAME_SUFFIXES:
            return canon  # one person of that name: the index's answer stands (it knows names of other types too)
        if not owners and len(self.middle_surnames.get(words[0], ())) == 1:
            owners = self.middle_surnames[words[0]]
        owners = [o for o in owners if not gender or self.gender.get(o[1], gender) == gender]
        owners = [o for o in owners if o[0] < at] or owners
        return owners[0][1] if owners else canon

    def _speaker_name(self, ent: "Span", label: str | None, gender: str | None = None) -> str | None:
        """`name` of an entity mention; a person's through `_person`, with the gender of an honorific before it."""
        if label != "PERSON":
            return self.name(ent.text, label)
        if gender is None:
            first = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
            gender = _HONORIFIC_GENDER.get(ent[0].lower_.rstrip(".")) or _HONORIFIC_GENDER.get(first.rstrip("."))
        return self._person(ent.text, gender, ent.start_char)

    def resolve(self, tok: "Token", text: str, label: str | None) -> str | None:
        low = tok.lower_
        if _heading_word(tok):
            return None  # "FIRST LOOKS – ...", "MORE ...": a newsletter heading, whatever the NER says
        if label in SPEAKER_LABELS:
            ent = _ent_of(tok)
            if ent is None:
                return self.name(text, label)
            # the label the resolver settled on (a known person's surname the NER called a place: "Palin posted")
            label = self.label.get((ent.start, ent.end), label)
            span = ent.doc.char_span(*_mention_span(tok)[:2]) or ent  # the mention: the entity less headline words
            return self._half_of_country(tok) or self._speaker_name(span, label)
        if tok.pos_ == "PRON" or low in PRONOUNS:
            if low == "you":
                return self._addressee(tok)
            if low in ("i", "me", "my", "mine", "we", "us", "our", "ours", "this", "one", "someone") \
                    or (low == "that" and tok.head.dep_ != "relcl"):
                return None  # first person (the quote's own speaker, unknown here), demonstratives, indefinites
            if low in ("who", "which", "that"):
                # relative pronoun subject: "Lavrov, who said ...", "a message that read ..." -> the antecedent
                if tok.head.dep_ == "relcl" and tok.head.head.i != tok.head.i:
                    ante = tok.head.head
                    s, e, mtext, label = _mention_span(ante)
                    return self.resolve(ante, mtext, label) if ante.lower_ not in PRONOUNS else None
                return None
            want = ("PERSON",) if low in PERSON_PRONOUNS or low in PRONOUN_GENDER else ("ORG", "GPE", "NORP")
            return self._antecedent(tok, want, PRONOUN_GENDER.get(low))
        if tok.pos_ == "PROPN" and tok.text[:1].isupper():
            # a name the NER missed in this spot ("Lopez told reporters"): a known person's surname
            canon = self.name(text, "PERSON")
            if name_key(canon) in self.index.full and name_key(canon) != name_key(clean_name(text)):
                return canon
        if tok.pos_ not in ("NOUN", "PROPN"):
            return None  # a quantifier or number the parser made a subject ("Many", "Two") names no source
        if text.isupper() and (len(text.split()) > 1 or tok.lower_ in SOURCE_NOUNS):
            # a label in capitals that no entity covers ("FOX NEWS STATEMENT", "THE FACT CHECKER"): a newsletter
            # heading, not a speaker; a one-word name in capitals ("TAPPER:") stays
            return None
        # a description: "the minister", "the Kremlin", "Iranian officials" (plurals stay descriptions); an
        # indefinite one ("another man", "a spokesman") introduces someone new, so it names no earlier person
        half = self._half_of_country(tok)
        if half:
            return half
        head = tok.lemma_.lower()
        best = None
        indefinite = any(c.dep_ == "det" and c.lower_ in ("a", "an", "another", "some", "one") for c in tok.children)
        # no person is titled "report" or "poll" ("Ari Fleischer, one of the authors of that report"), nor "party"
        titled = self.titled if tok.tag_ in ("NN", "NNP") and not indefinite and head not in ISSUED_NOUNS \
            and head not in GROUP_NOUNS and not self._organisation_name(tok) else []
        for start, name, words in titled:
            if head in words and start < tok.idx:
                best = name
        if best is None:
            for start, name, words in titled:
                if head in words:
                    best = name
                    break
        if best is not None:
            return self.name(best, "PERSON")
        before = {name for start, name in self.abbreviated_title.get(head, ()) if start < tok.idx} if titled else ()
        if len(before) == 1 and None not in before:
            return next(iter(before))
        # a description no title in the text accounts for ("the senator" with two senators stays as written)
        if titled and head in _EPITHET_NOUNS and head not in self.abbreviated_title \
                and not any(head in words for _, _, words in titled) \
                and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children) \
                and not any(t.ent_type_ == "PERSON" for t in tok.subtree if t.i < tok.i):  # "the Cruz adviser"
            epithet = self._epithet_of(tok)
            if epithet:
                return epithet
        return self._description(tok, text)

    def _organisation_name(self, tok: "Token") -> bool:
        """A proper noun that names an organisation or place (tagged so here, or a name the text gives such a label):
        "Qualcomm has countered" is Qualcomm, not "Current Qualcomm board member Paul Jacobs", whose title holds
        the word."""
        if tok.tag_ != "NNP":
            return False
        if tok.ent_type_ in ("ORG", "GPE", "NORP", "LOC", "FAC"):
            return True
        known = self.index.full.get(name_key(clean_name(tok.text)))
        return known is not None and known[1] != "PERSON"

    def _epithet_of(self, tok: "Token") -> str | None:
        """A description opening a sentence the way news re-names the person the sentence before is about ("Lori
        Bernstein held up a sign ... The 57-year-old scientist says ..."): that sentence's (last) subject, a person
        named in full, when it matches the description's gender noun if any ("businessman", "actress")."""
        sent = tok.sent
        if tok.dep_ not in ("nsubj", "nsubjpass") or tok.head.dep_ != "ROOT" or sent.start == 0:
            return None
        prev = tok.doc[sent.start - 1].sent
        while self._quoted_sentence(prev) and prev.start > 0:
            prev = tok.doc[prev.start - 1].sent
        # its last subject: the parser runs paragraphs together ('... chanting "Dump Trump." Lori Bernstein held')
        subj = [t for t in prev if t.dep_ in ("nsubj", "nsubjpass") and not self._in_quote(t.idx)]
        ent = _ent_of(subj[-1]) if subj else None
        if ent is None or self.label.get((ent.start, ent.end)) != "PERSON" \
                or any(c.dep_ == "conj" for c in subj[-1].children):  # "Sanders and McCaskill spoke"
            return None
        name = self._speaker_name(ent, "PERSON")
        gender = _ROLE_GENDER.get(tok.lemma_.lower())
        if not name or len(name.split()) < 2 or (gender and self.gender.get(name, gender) != gender):
            return None
        return name

    def _description(self, tok: "Token", text: str) -> str | None:
        """The source as the text describes it: "the network", "Iranian officials"; None for a bare "Study". A
        statement or spokesman of a named organisation is that organisation (the description stays the mention)."""
        owner = self._voice_owner(tok) or self._organisation(tok)
        if owner:
            return owner
        desc = normalize_ws(text)
        first, _, rest = desc.partition(" ")
        if tok.tag_ == "NN" and (tok.is_lower or tok.lower_ in SOURCE_NOUNS) and tok.lower_ not in COLLECTIVE_NOUNS:
            # a singular common noun is a source only with its determiner or owner ("the network", "one official"),
            # and reads as one only with it: a bare "Study" (a headline) or "network" names no one (a capitalised
            # word outside SOURCE_NOUNS is a name the tagger missed: '"...?" Hannity pressed')
            if not any(c.dep_ in ("det", "poss", "nummod") for c in tok.children) and len(desc.split()) == 1:
                return None
            return first.lower() + " " + rest if first.lower() in ("the", "a", "an") else desc
        if first.lower() in ("the", "a", "an"):
            desc = rest
        return desc or None

    def _half_of_country(self, tok: "Token") -> str | None:
        """ "The North" / "the South" of a text that names one such country ("North Korea", "South Sudan"): that
        country, as news uses it ("the North said it will never give up its nuclear weapons")."""
        if tok.lower_ not in ("north", "south") or tok.tag_ != "NNP" or len(_ent_of(tok) or ()) > 1:
            return None
        countries = {disp for key, (disp, lab) in self.index.full.items()
                     if lab == "GPE" and key.split()[0] == tok.lower_ and len(key.split()) == 2}
        return countries.pop() if len(countries) == 1 else None

    def _organisation(self, tok: "Token") -> str | None:
        """The named organisation a definite "the company" / "the agency" stands for, so an outlet's "the company
        said" and another's "Equifax said" are one speaker: of the organisations named before it that such a noun
        can name, the one named most often so far (the story's company: news re-names its subject, not the last
        organisation it cited), on a tie the one that was a subject, then the nearest; before that, one named earlier
        in the same sentence ("in a letter to Mondelez shareholders, the company said"), and first one whose name
        holds the noun ("the bank": "Government Development Bank"). A government body is no "company" or "network";
        an "agency", "bureau", "ministry" or "department" is a government body or an acronym ("CIA")."""
        noun = tok.lemma_.lower()
        if tok.tag_ != "NN" or noun not in ORGANISATION_NOUNS or not any(
                c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children):
            return None
        # per name: [its name holds the noun, named in this sentence, weighted count, ever a subject, last position]
        count: dict[str, list[float]] = {}
        for e in self.antecedents:
            if e.start_char >= tok.idx:
                break
            if self.label[(e.start, e.end)] != "ORG" or self._in_quote(e.start_char):
                continue
            words = {w.lower() for w in re.findall(r"\w+", e.text)}
            public = bool(words & PUBLIC_BODY_WORDS)
            if noun in PUBLIC_BODY_NOUNS and not (public or e.text.isupper()) \
                    or noun not in PUBLIC_BODY_NOUNS and public:
                continue
            name = self.name(e.text, "ORG")
            if name:
                seen = count.setdefault(name, [0, 0, 0, 0, 0])
                seen[0] = seen[0] or int(noun in words)
                seen[1] = int(e.start >= tok.sent.start)
                # a subject counts twice, an object of a preposition half ("posted on Twitter", "an offer to
                # Qualcomm"): the story's company acts in it
                seen[2] += 2 if e.root.dep_ in ("nsubj", "nsubjpass") else 0.5 if e.root.dep_ == "pobj" else 1
                seen[3] = seen[3] or int(e.root.dep_ in ("nsubj", "nsubjpass"))
                seen[4] = e.start
        return max(count, key=lambda n: count[n]) if count else None

    def _voice_owner(self, tok: "Token") -> str | None:
        """Whose words a statement or a spokesman carries: "a statement from the Kenya Wildlife Service", "a
        spokesman for Acme", "X said in a statement"; a definite "the statement" is the nearest earlier statement's
        owner (nearest singular mention of the same noun that names one). None when the text names no owner."""
        lemma = tok.lemma_.lower()
        if lemma not in ISSUED_NOUNS and lemma not in SPOKESPERSON_NOUNS:
            return None
        owner = self._named_owner(tok)
        definite = tok.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that")
                                            for c in tok.children)
        if owner or not definite:
            return owner
        for t in reversed(tok.doc[: tok.i]):  # the nearest that says whose it is ("the poll" ... "the PPIC poll")
            if t.tag_ == "NN" and t.lemma_.lower() == lemma and not self._in_quote(t.idx):
                owner = self._named_owner(t)
                if owner:
                    return owner
        return None

    def _named_owner(self, tok: "Token") -> str | None:
        # a person speaks for an organisation ("a spokesman for Acme" is not a lawyer's client); a document can
        # carry a person's words too ("a statement from Pompeo")
        document = tok.lemma_.lower() in ISSUED_NOUNS
        labels = ("ORG", "PERSON", "GPE", "NORP") if document else ("ORG",)
        preps = ("from", "by", "of") if document else ("for", "from", "at", "of", "with")
        for c in tok.children:
            owners = [p for p in c.children if p.dep_ == "pobj"] if c.dep_ == "prep" and c.lower_ in preps \
                else [c] if c.dep_ == "poss" else []
            if document and c.dep_ == "compound" and c.ent_type_ in ("ORG", "PERSON") and not c.is_sent_start:
                owners = [c]  # "a Gallup poll", "a Pew report"; not "a Texas poll" (where), nor "Exit polls"
            if document and c.dep_ == "acl" and c.tag_ == "VBN" and c.lemma_.lower() in ISSUING_VERBS:
                # "a report released in September by the National Academies"
                owners = [p for b in c.children if b.dep_ == "agent" or (b.dep_ == "prep" and b.lower_ == "by")
                          for p in b.children if p.dep_ == "pobj"]
            # an owner noun that names its owner in apposition: "a story by the website Politico"
            owners += [a for p in owners if not p.ent_type_ for a in p.children if a.dep_ == "appos"]
            for p in owners:
                ent = _ent_of(p) if p.ent_type_ in labels else None
                # a title the NER took for an organisation ("Sheriff's officials") names no one
                if ent is not None and name_key(clean_name(ent.text)) not in TITLE_WORDS:
                    return self.name(ent.text, self.label.get((ent.start, ent.end), p.ent_type_))
        issuer = None
        if document and tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.head.head.pos_ == "VERB":
            issuer = tok.head.head  # "the parks service said in a statement"
        elif document and tok.dep_ == "dobj" and tok.head.lemma_.lower() in ISSUING_VERBS:
            issuer = tok.head  # "the Republican National Committee published a report"
        if issuer is not None:
            subj = _subject(issuer)
            if subj is not None and subj.i != tok.i:
                _, _, mtext, label = _mention_span(subj)
                return self.resolve(subj, mtext, label)
        return None

    def _addressee(self, tok: "Token") -> str | None:
        """The person a second-person subject is addressed as in its own clause ("Senator Lopez, you said ...",
        "you, Mr. Smith, told us ..."); None otherwise: "you" never names a speaker by itself."""
        named = [c for c in tok.children if c.dep_ == "appos"]
        named += [c for c in tok.head.children if c.dep_ in ("npadvmod", "appos") and c.i != tok.i]
        for c in named:
            ent = _ent_of(c) if c.ent_type_ == "PERSON" else None
            if ent is not None:
                return self.name(ent.text, "PERSON")
        return None

    def _quoted_sentence(self, s: "Span") -> bool:
        return not any(t.is_alpha and not self._in_quote(t.idx) for t in s)

    @staticmethod
    def _segments(s: "Span") -> list["Span"]:
        """The sentence cut at line breaks: the parser runs a paragraph into the next ('"...," Podesta added.' and
        the next paragraph's 'When it came to the pledge, Obama made ...'), and a paragraph starts a new sentence."""
        doc, out, start = s.doc, [], s.start
        for t in s:
            if "\n" in t.whitespace_ or (t.is_space and "\n" in t.text):
                out.append(doc[start : t.i + 1])
                start = t.i + 1
        if start < s.end:
            out.append(doc[start : s.end])
        return [g for g in out if any(not t.is_space for t in g)]

    @staticmethod
    def _main_subject(t: "Token", seg: "Span") -> bool:
        """t is the subject of the segment's main clause (its verb hangs on nothing inside the segment)."""
        verb = t.head
        return t.dep_ in ("nsubj", "nsubjpass") and (verb.dep_ == "ROOT" or not seg.start <= verb.head.i < seg.end)

    def _antecedent(self, tok: "Token", labels: tuple[str, ...], gender: str | None = None,
                    depth: int = 0) -> str | None:
        """Most recent entity of the wanted type before tok, preferring subjects; looks back 3 sentences of the
        writer's own (a sentence all in quote marks names no antecedent and is not counted: '"...," he said. "..."
        "...," he said' runs on for many). `gender` ("male"/"female" for he/she) skips persons known to be of the
        other gender. None found: a person pronoun continues the same pronoun before it ("She left in 2000 ... She
        began ... she said"), so it stands for what that one stands for."""
        doc = tok.doc
        s = tok.sent
        segs = [g for g in self._segments(s) if g.start <= tok.i] or [s]
        sents = [segs[-1]]  # tok's own sentence (segment), then the ones before it, nearest first
        earlier = segs[-2::-1]
        counted = 0
        while counted < 3 and len(sents) < 12:
            if not earlier:
                if s.start == 0:
                    break
                s = doc[s.start - 1].sent
                earlier = self._segments(s)[::-1]
                continue
            sents.append(earlier.pop(0))
            # "it"/"they" keep to 3 sentences, quoted or not: their antecedents are rarely that far back
            counted += "PERSON" not in labels or not self._quoted_sentence(sents[-1])
        group = "PERSON" not in labels
        for k, s in enumerate(sents):
            cands = [e for e in self.antecedents if self.label[(e.start, e.end)] in labels
                     and s.start <= e.start and e.end <= s.end and e.start_char < tok.idx]
            if gender:
                cands = [e for e in cands
                         if self.gender.get(self._person(e.text, gender, e.start_char), gender) == gender]
            if not group:  # a plural common noun the NER called a person names no "he" ("Flags will fly at half-staff")
                cands = [e for e in cands if not (len(e) == 1 and e[0].tag_ == "NNS")]
            if group:
                # a name modifying a noun ("U.S. diplomatic facilities", "America's strengths") is not what "it" or
                # "they" points back to; the noun it modifies is
                cands = [e for e in cands if e.root.dep_ not in ("amod", "compound", "nmod", "poss")]
            # (position, is a subject, entity span, noun)
            found = [(e.start, e.root.dep_ in ("nsubj", "nsubjpass") or e.root.head.dep_ in ("nsubj",), e, None)
                     for e in cands]
            if group:
                # a source named by a noun of the pronoun's number is as likely an antecedent as a name ("if you
                # ask our ambassadors, they'll tell you ..."; "The report was explicit. It said ..."): source nouns
                # only, not "attacks", and for "it" no person's title ("the candidate"); the same pronoun as an
                # earlier subject ("It said ... '...,' it said") stands for what that one stands for
                number = "NN" if tok.lower_ == "it" else "NNS"
                found += [(t.i, t.dep_ in ("nsubj", "nsubjpass"), None, t) for t in s
                          if t.i < tok.i and t.dep_ in ("nsubj", "nsubjpass", "dobj") and not t.ent_type_
                          and not self._in_quote(t.idx)
                          and ((t.tag_ == number and t.lemma_.lower() in SOURCE_NOUNS
                                and not (number == "NN" and t.lemma_.lower() in TITLE_WORDS))
                               or (t.lower_ == tok.lower_ and t.dep_ != "dobj"))]
                found.sort(key=lambda f: f[0])
            if gender and k > 0 and depth < 8:
                # an earlier sentence whose main subject is the same pronoun, before any person of it: that pronoun's
                # referent is still the topic ("She has gone public ... as Clinton has emerged ... his wife, Hillary
                # Clinton", then "she said": Broaddrick, not Hillary Clinton)
                same = [t for t in s if t.i < tok.i and PRONOUN_GENDER.get(t.lower_) == gender
                        and self._main_subject(t, s) and not self._in_quote(t.idx)]
                subjects = [f[0] for f in found if f[1]]
                if same and (not subjects or same[0].i < subjects[0]):
                    return self._antecedent(same[0], labels, gender, depth + 1)

            if not found:
                continue
            pick = [f for f in found if f[1]] or found
            # same sentence: nearest before; earlier sentences: the subject, else the first mention
            _, _, ent, noun = pick[-1] if k == 0 else pick[0]
            if noun is not None and noun.lower_ == tok.lower_:
                return self._antecedent(noun, labels)
            if noun is not None:  # as described ("our ambassadors", "the campaign"), not a person with that title
                return self._description(noun, _mention_span(noun)[2])
            return self._speaker_name(ent, self.label[(ent.start, ent.end)], gender)
        if gender and depth < 8:
            same = [t for s in sents[1:] for t in s if PRONOUN_GENDER.get(t.lower_) == gender
                    and t.dep_ in ("nsubj", "nsubjpass") and not self._in_quote(t.idx)]
            if same:
                return self._antecedent(min(same, key=lambda t: t.i), labels, gender, depth + 1)
        return None


def _sentence_of(doc: "Doc", i: int) -> "Span":
    return doc[i].sent


class _InSpans:
    """Fast 'is this character offset inside one of these sorted, non-overlapping spans' test."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def __call__(self, i: int) -> bool:
        k = bisect.bisect_right(self.starts, i) - 1
        return k >= 0 and i < self.spans[k][1]


def _cue_for_quote(doc: "Doc", qspan: "Span", quoted: "_InSpans",
                   para: tuple[int, int], cue_idx: list[int] | None = None) -> "Token | None":
    """Cue verb for a direct quote: an ancestor of the quote's tokens outside all quotes, else a neighbour in
    the same sentence(s); never outside the quote's paragraph(s) `para` except a sentence ending in ':' just
    before the quote ("Cruz continued:")."""

    if cue_idx is None:
        cue_idx = [t.i for t in doc if _is_cue(t, strict=True)]

    def ok(t: "Token") -> bool:
        return para[0] <= t.idx < para[1] and _is_cue(t, strict=True) and not quoted(t.idx)

    def cues_in(a: int, b: int) -> list["Token"]:  # speech-verb tokens in doc[a:b], via the precomputed index
        lo, hi = bisect.bisect_left(cue_idx, a), bisect.bisect_left(cue_idx, b)
        return [doc[i] for i in cue_idx[lo:hi]]

    # a) governing cue: walk up from quote tokens; remember the first governing verb outside the quote as a
    #    weak cue ("Trump summed up Clinton as “terrible”": the quote is still Trump's)
    weak = None
    for t in qspan:
        if t.is_punct or t.is_space:
            continue  # quote marks hang off the main verb, not the quoted clause
        h = t
        for _ in range(12):
            if h.head.i == h.i:
                break
            h = h.head
            if ok(h):
                return h
            if h.pos_ in ("VERB", "AUX") and not _is_cue(h) and not quoted(h.idx):
                if weak is None and para[0] <= h.idx < para[1] and h.dep_ not in ("relcl", "acl"):
                    weak = h
                break
    # b) cue in the same sentence(s) outside the quote, nearest first; the sentence after when it is short
    first, last = qspan[0].sent, qspan[-1].sent
    cands = [t for t in cues_in(first.start, last.end) if ok(t)]
    if last.end < len(doc) and not _PARA_RE.search(doc_text(doc)[qspan.end_char : doc[last.end].idx + 1]):
        # the parser often ends the sentence at the closing mark: '"...!" the group shouted from ...'
        nxt = doc[last.end].sent
        lead = next((t for t in nxt if not (t.is_punct or t.is_space)), None)
        ended = _strip_marks(qspan.text)[-1:] == "."
        new_sent = ended and lead is not None and lead.text[:1].isupper()
        # after a finished sentence only a bare tag ('Trump said.') attributes it, not '"...done." He said, twice,
        # that ...' or 'Neither Cruz nor Christie acknowledged the efforts'
        cands += [t for t in cues_in(nxt.start, min(nxt.end, nxt.start + 20))
                  if ok(t) and (t.i < nxt.start + (10 if len(nxt) <= 10 else 4) or _opens_with_subject(t, lead))
                  and not (new_sent and any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in t.children))]
    if weak is not None:
        # 'X says that A, but B is giving them "lectures"': a speech verb above the quote's own verb reports it, not
        # a nearer one in another clause ("to counter threats")
        above = [t for t in cands if t.is_ancestor(weak)]
        if above:
            return min(above, key=lambda t: abs(t.i - weak.i))
    colon = doc_text(doc)[: qspan.start_char].rstrip().endswith(":")
    if colon:
        # 'the campaign said in a statement: "..." The campaign did not elaborate.': the cue before the colon
        # introduces the quote, a cue in the sentence after it is that sentence's own
        before = [t for t in cands if t.i < qspan.start]
        if not before and first.start > 0 and first.start == qspan.start:
            prev = doc[first.start - 1].sent
            before = [t for t in cues_in(prev.start, prev.end)
                      if t.idx >= min(para[0], prev.start_char) and not quoted(t.idx)]
        if not before:
            before = _colon_paragraph_cues(doc, qspan, quoted)
        if before:
            return max(before, key=lambda t: t.i)
    if not cands and first.start > 0:
        prev = doc[first.start - 1].sent
        ptxt = prev.text.rstrip()
        if ptxt.endswith(":") or ptxt.endswith(","):
            pp = (min(para[0], prev.start_char), para[1])
            cands += [t for t in cues_in(prev.start, prev.end) if pp[0] <= t.idx < pp[1] and not quoted(t.idx)]
    if not cands:
        return _bare_tag(doc, qspan, para) or weak
    return min(cands, key=lambda t: (min(abs(t.i - qspan.start), abs(t.i - qspan.end)), t.i))


def _bare_tag(doc: "Doc", qspan: "Span", para: tuple[int, int]) -> "Token | None":
    """The verb of a short 'Name verb.' tag right after a quote that ends in ',', '?' or '!' ('"Would it be
    negotiable?" Hannity pressed.'): any verb there reports the quote, listed cue verb or not."""
    if _strip_marks(qspan.text)[-1:] not in (",", "?", "!"):
        return None
    run = []
    for t in doc[qspan.end : qspan.end + 8]:
        if t.text in (".", "!", "?") or not (para[0] <= t.idx < para[1]) or t.text in TOKEN_MARKS or t.is_space:
            break
        run.append(t)
    end = qspan.end + len(run)
    if not run or len(run) > 6 or end >= len(doc) or doc[end].text != ".":
        return None
    verbs = [t for t in run if t.pos_ == "VERB" and t.tag_ in ("VBD", "VBZ", "VBP")]
    if len(verbs) != 1 or any(c.dep_ in ("dobj", "ccomp", "xcomp") for c in verbs[0].children):
        return None
    verb = verbs[0]
    has_subject = any(c.dep_ == "nsubj" and c.i in range(run[0].i, end) for c in verb.children)
    return verb if has_subject or (verb.i == run[0].i and len(run) > 1) else None


def _opens_with_subject(verb: "Token", lead: "Token | None") -> bool:
    """The verb's subject is all that precedes it from `lead` on ('"..!" US Senator Jeff Sessions said as he ...',
    '"..." Miller, a retired worker from a nuclear plant, said'): an attribution tag however long its subject."""
    subj = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
    if subj is None and verb.dep_ == "xcomp":
        # '"...?" a reporter can be heard asking Trump': the subject of the verb the cue completes
        head = verb.head
        subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < head.i), None)
        between = range(subj.right_edge.i + 1, verb.i) if subj is not None else range(0)
        return lead is not None and subj is not None and subj.left_edge.i == lead.i and len(between) <= 4 \
            and all(verb.doc[k].dep_ in ("punct", "advmod", "aux", "auxpass", "neg") or k == head.i for k in between)
    return lead is not None and subj is not None and subj.left_edge.i == lead.i and subj.right_edge.i >= verb.i - 2 \
        and all(verb.doc[k].dep_ in ("punct", "advmod", "aux") for k in range(subj.right_edge.i + 1, verb.i))


def _colon_paragraph_cues(doc: "Doc", qspan: "Span", quoted: "_InSpans") -> list["Token"]:
    """Speech verbs of a short paragraph ending in ':' right before the quote ("Cruz continued:\n\n“...”"), which
    the parser often runs into the quote's sentence."""
    k = qspan.start - 1
    while k >= 0 and (doc[k].is_space or doc[k].text in TOKEN_MARKS):
        k -= 1
    if k < 0 or doc[k].text != ":":
        return []
    out = []
    for j in range(k - 1, max(-1, k - 30), -1):
        t = doc[j]
        if "\n" in t.text_with_ws or quoted(t.idx):
            break
        if _is_cue(t, strict=True):
            out.append(t)
    return out


def _standalone(text: str, rec: "QuoteRecord") -> bool:
    """The quote is a whole utterance, not a fragment inside a clause: it opens its sentence or follows ':' / ','."""
    before = text[: rec.content[0][0]].rstrip()
    return not before or before[-1] in ".:,!?;—–(\n" or before[-1] in ALL_MARKS


def _inside(spans: list[tuple[int, int]], outer: tuple[int, int]) -> bool:
    """At least 80% of the characters of `spans` lie in `outer` (quote marks and commas may stick out)."""
    total = sum(e - s for s, e in spans)
    within = sum(max(0, min(e, outer[1]) - max(s, outer[0])) for s, e in spans)
    return total > 0 and within >= 0.8 * total


def _strip_marks(s: str) -> str:
    s = s.strip()
    while s and s[0] in ALL_MARKS:
        s = s[1:].lstrip()
    while s and s[-1] in ALL_MARKS:
        s = s[:-1].rstrip()
    return s


def _content_text(text: str, spans: list[tuple[int, int]], kind: str) -> str:
    parts = [normalize_ws(text[s:e]) for s, e in spans]
    if kind == "direct":
        parts = [_strip_marks(p).rstrip(",").rstrip() for p in parts]
        for k, p in enumerate(parts[:-1]):
            # '"A," she said. "B."' and '"A" "B"': A ended where the attribution sentence or the paragraph did, so
            # it must not run into B ("A B"); '"A," she said, "and B."' stays one sentence
            gap = text[spans[k][1] : spans[k + 1][0]]
            if p and p[-1] not in ".!?…" and (not re.search(r"\w", gap) or gap.rstrip()[-1:] in (".", "!", "?", ":")
                                              or _PARA_RE.search(gap)):
                parts[k] = p + "."
        return " ".join(p for p in parts if p)
    out = " ".join(p for p in parts if p)
    out = re.sub(r"^(that|whether|if)\s+", "", out, flags=re.I)
    return out.rstrip(" ,;:")


def extract_records(doc: "Doc", *, min_words: int = 3, indirect: bool = True, stances: bool = False,
                    learned: bool = False) -> list[QuoteRecord]:
    """All attributions in a parsed text, with offsets. Deterministic order: the rules' records by content start,
    then, with `learned=True`, the learned model's (section 6) where no rule record overlaps them; a model
    attribution longer than the one non-quote rule record it overlaps takes that record's place. The model (the
    transformer where torch is installed, else the CRF: `learned_tagger`) adds attributions mostly in the stance
    setting (PolNeAR dev, all attributions: overlap F1 0.767 -> 0.797) and ~0.4% to the quotes readers see, at many
    times the rules' CPU, so `extract_quotes` (the reader path) uses the rules alone.

    `stances=True` also returns stance attributions with nominal/infinitival content ("opposes the deal",
    "talked about X"): PolNeAR annotates those, but they are not quotes, so `extract_quotes` leaves them out (and
    takes from the model only reported clauses, see `_reported_clause`).
    """
    global _CURRENT_FLAGS
    if not doc_text(doc).strip() or len(doc) == 0:
        return []
    flags = _TokenFlags(doc)
    _CURRENT_FLAGS = (doc, flags)
    try:
        records = _extract_records(doc, flags, min_words=min_words, indirect=indirect, stances=stances and not learned)
        if not learned:
            return records
        # the model reads the quote rules' records (without stances) as features; a tagger fitted with the stance
        # rules' marks reads the stance records too
        with_stances = learned_tagger() == "tf" and _tf_reads_stances()
        stance_records = _extract_records(doc, flags, min_words=min_words, indirect=indirect, stances=True) \
            if stances or with_stances else None
        added = _learned_records(doc, flags, stance_records if with_stances else records, clauses_only=not stances,
                                 stance_marks=with_stances)
        if stances:
            records = stance_records
        rules = len(records)
        for rec in added:
            hits = [k for k in range(rules) if _spans_overlap(records[k].content, rec.content)]
            if not hits:
                # on its own, only an attribution with someone to attribute it to, or with its cue: PolNeAR
                # annotates attributions with no source named ("speculation that ...", "it seems ..."); one with
                # neither is on train most often false or already partly found
                if rec.mention is not None or rec.cue is not None:
                    records.append(rec)
            elif len(hits) == 1 and records[hits[0]].kind != "direct" \
                    and _crossing(doc_text(doc), records[hits[0]].content, rec.content):
                # the rules and the model found one attribution with boundaries that cross, each holding words the
                # other lacks at opposite ends ('the debate forced Trump to respond to [Romney's accusations {that
                # the country would suffer] - namely ...}'): each found an edge the other missed, so the content is
                # their union; the rule record keeps its cue and speaker (train slice: +0.0002 / +0.0003)
                old = records[hits[0]]
                old.content = [(min(old.content[0][0], rec.content[0][0]), max(old.content[0][1], rec.content[0][1]))]
                old.text = _content_text(doc_text(doc), old.content, old.kind)
            elif len(hits) == 1 and records[hits[0]].kind != "direct" \
                    and _chars(rec.content) > _chars(records[hits[0]].content):
                # the model's attribution holds the one rule clause it overlaps and more: on the train slice its
                # longer span is the better content (all attributions 0.7756 -> 0.779; most are stances); one that
                # names no source takes the rule's
                old = records[hits[0]]
                if old.kind == "mixed":
                    rec.kind = "mixed"  # the quoted fragments it held stay held
                if rec.mention is None:
                    rec.cue, rec.mention, rec.mention_text, rec.speaker = old.cue, old.mention, old.mention_text, \
                        old.speaker
                records[hits[0]] = rec
        return records
    finally:
        _CURRENT_FLAGS = (None, None)


def _crossing(text: str, a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    """Do two one-span contents overlap with each holding a word the other lacks, at opposite ends?"""
    if len(a) != 1 or len(b) != 1:
        return False
    (sa, ea), (sb, eb) = sorted((a[0], b[0]))
    return sb < ea < eb and _WORD_CHAR.search(text, sa, sb) is not None and _WORD_CHAR.search(text, ea, eb) is not None


_WORD_CHAR = re.compile(r"\w")


def _spans_overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s < e2 and s2 < e for s, e in a for s2, e2 in b)


def _chars(spans: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in spans)


def _extract_records(doc: "Doc", flags: _TokenFlags, *, min_words: int, indirect: bool,
                     stances: bool) -> list[QuoteRecord]:
    text = doc_text(doc)
    quote_spans = flags.quote_spans(doc)
    quoted = [(s, e) for s, e, _ in quote_spans]
    in_quote = _InSpans(quoted)
    resolver = flags.resolver(doc)
    paras = _paragraphs(text) or [(0, len(text))]
    para_starts = [p[0] for p in paras]

    def para_of(i: int) -> tuple[int, int]:
        k = max(0, bisect.bisect_right(para_starts, i) - 1)
        return paras[k]

    records: list[QuoteRecord] = []
    doc_ents = doc.ents

    def speaker_for(verb: "Token | None", sent: "Span | None", exclude: tuple[int, int]) -> tuple:
        def outside(t: "Token | None") -> "Token | None":
            # the parser sometimes takes a word of the quote for the cue's subject, or a word of another paragraph
            # (a headline, a time stamp): fall through to the next rule
            if t is None or in_quote(t.idx) or (verb is not None and para_of(t.idx) != para_of(verb.idx)):
                return None
            return t

        subj = outside(_subject(verb)) if verb is not None else None
        if subj is None and sent is not None:
            subj = outside(_according_to(sent, exclude))
        if subj is None and verb is not None and exclude[1] <= verb.idx:
            # '"...," William M. Daley, Obama's former chief of staff, said': a name between quote and verb
            for ent in doc_ents:
                if ent.label_ in SPEAKER_LABELS and exclude[1] <= ent.start_char and ent.end <= verb.i \
                        and verb.i - ent.start <= 15 and not in_quote(ent.start_char):
                    subj = ent.root
                    break
        if subj is None and verb is not None:
            subj = outside(_fallback_subject(verb, in_quote))
        if subj is None and verb is not None:
            subj = outside(_ancestor_subject(verb))
        if subj is None:
            return None, None, None
        s, e, mtext, label = _mention_span(subj)
        return (s, e), mtext, resolver.resolve(subj, mtext, label)

    # --- direct quotes
    cue_idx = [i for i, speech in enumerate(flags.speech) if speech]
    for qs, qe, closed in quote_spans:
        span = _span_tokens(doc, qs, qe)
        if span is None or len(span) == 0:
            continue
        words = [t for t in span if t.is_alpha or t.is_digit]
        qpara = (para_of(qs)[0], para_of(max(qs, qe - 1))[1])
        cue = _cue_for_quote(doc, span, in_quote, qpara, cue_idx)
        weak = cue is not None and not _is_cue(cue, strict=True)
        caps = [t for t in words if t.is_alpha and len(t) > 3]
        # scare quotes ('objective', "Great Satan") and titles of works (“The Walking Dead”, ''Crippled America: How
        # to Make America Great Again''): kept only as the tail of an attributed quote ('"A," he said. "Blacklisted?"')
        tail_only = (cue is None or weak) and (len(words) < min_words or (
            len(words) <= 10 and caps and sum(t.text[0].isupper() for t in caps) >= 0.75 * len(caps)))

        rec = QuoteRecord(kind="direct", content=[(qs, qe)])
        rec.extra["tail_only"] = tail_only
        rec.extra["closed"] = closed
        rec.extra["words"] = len(words)
        if cue is not None:
            rec.cue = (cue.idx, cue.idx + len(cue.text))
            sent = cue.sent
            rec.mention, rec.mention_text, rec.speaker = speaker_for(cue, sent, (qs, qe))
            rec.extra["cue_i"] = cue.i
        else:
            sent = span[0].sent
            rec.mention, rec.mention_text, rec.speaker = speaker_for(None, sent, (qs, qe))
        records.append(rec)

    # "A," he said, "B."  /  "A," he said of X. "B."  -> one quote with several content spans: consecutive
    # quotes in one paragraph where the later one has no cue of its own (or the same cue)
    merged: list[QuoteRecord] = []
    scares: list[QuoteRecord] = []  # scare quotes inside a stance verb's clause: only the clause is reported
    side = [r for r in records if r.kind != "direct"]
    records = [r for r in records if r.kind == "direct"]
    for rec in records:
        if merged:
            prev = merged[-1]
            gap = text[prev.content[-1][1] : rec.content[0][0]]
            same_cue = prev.cue is not None and (rec.cue is None or rec.cue == prev.cue or (
                # '"A," Francis said in a speech, as he called for X. "B."': a cue in the first quote's
                # attribution sentence is that attribution's, not a new one
                prev.cue[1] <= rec.cue[0] < rec.content[0][0] and _standalone(text, prev) and _standalone(text, rec)
                and doc[rec.extra["cue_i"]].sent.start == doc[prev.extra["cue_i"]].sent.start
                # but '"A," Graham said, adding, "B."': a cue right before B introduces an attribution of its own
                and text[rec.cue[1] : rec.content[0][0]].strip(" ,:") != ""))
            # '..."actively support" Cruz. From Bush's Facebook post: "B"': a colon after other words introduces B anew
            introduced = same_cue and gap.rstrip().endswith(":") \
                and not prev.content[-1][1] <= prev.cue[0] < rec.content[0][0]
            if same_cue and not introduced and not _PARA_RE.search(gap) and len(gap.split()) <= 40 \
                    and prev.cue[1] <= rec.content[0][0] \
                    and (not rec.extra["tail_only"] or (_standalone(text, rec) and prev.cue[0] < rec.content[0][0])):
                prev.content.append(rec.content[0])
                prev.extra["words"] += rec.extra.get("words", 0)
                continue
        if not rec.extra["tail_only"]:
            merged.append(rec)
        elif _stance_fragment(doc, text, rec):
            rec.extra["clause_only"] = True
            scares.append(rec)
    records = merged + side + scares

    # --- indirect (and mixed) quotes
    if indirect:
        for i, cue in enumerate(flags.cue):
            stance_verb = stances and flags.pos[i] == "VERB" and flags.lemma[i] in STANCE_VERBS
            # any other verb with a that-clause after it reports what its subject holds or found ("the court ruled
            # that", "the data demonstrate that"; benchmark "all" setting only)
            that_verb = stances and not (cue or stance_verb) and flags.pos[i] == "VERB"
            if not (cue or stance_verb or that_verb):
                continue
            tok = doc[i]
            if in_quote(tok.idx):
                continue
            stance = False
            if that_verb:
                comp = [c for c in _complements(tok) if c.i > tok.i
                        and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)]
                if not comp:
                    continue
            else:
                comp = _complements(tok) if _is_cue(tok) else []
            if not comp and _is_cue(tok):
                # "urged the Russians to ...", "told reporters that ..." (dobj + xcomp/ccomp)
                comp = [c for c in tok.children if c.dep_ == "xcomp" and _lemma(tok) in (
                    "urge", "ask", "tell", "call", "warn", "promise", "vow", "threaten", "pledge")]
            answer = False
            if not comp and stances and _is_cue(tok):
                # "he said yes", "Cruz said no", "I think so": the one word is the answer reported (benchmark
                # content only: without the question it says nothing to a reader)
                comp = [c for c in tok.children if c.i == tok.i + 1 and c.lower_ in ANSWER_WORDS
                        and c.dep_ in ("intj", "advmod", "dobj")]
                answer = bool(comp)
            if not comp and stances and _lemma(tok) not in STANCE_SKIP:
                # stance attributions (benchmark "all" setting only): "opposes the deal", "talked about X",
                # "wants to run"
                comp = [c for c in tok.children if c.dep_ in ("xcomp", "dobj")]
                preps = STANCE_PREPS + VERB_PREPS.get(_lemma(tok), ())
                comp += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in preps
                         for g in c.children if g.dep_ in ("pobj", "pcomp") and g.ent_type_ not in ("DATE", "TIME")]
                stance = bool(comp)
            if not comp:
                continue
            c = comp[0]
            left = min((t for t in c.subtree), key=lambda t: t.i)
            right = max((t for t in c.subtree), key=lambda t: t.i)
            if stance and c.dep_ in ("dobj", "xcomp", "pobj", "pcomp") and c.i > tok.i:
                # PolNeAR's content runs over the verb's later arguments: "endorsed Jeb Bush for president",
                # "accused Sanders of stealing their data and of “misrepresenting ...”"
                for sib in tok.rights:
                    if sib.i <= right.i:
                        continue
                    if sib.dep_ not in _EXT_DEPS or doc[sib.left_edge.i - 1].text in (",", ";", "—", "–", "-"):
                        break
                    right = max(right, sib.right_edge, key=lambda t: t.i)
            elif c.dep_ in ("ccomp", "xcomp") and c.i > tok.i:
                right = max(right, _conjoined_complement_end(tok, right), key=lambda t: t.i)
            if c.i > tok.i:
                right = _end_before_asides(doc, left, right, in_quote)
            # the complement may sit before the verb ("X is wrong, he said"): keep it to the sentence
            relative = None
            if left.i < tok.i < right.i:
                relative = _relative_pronoun(tok, c)
                if relative is None:
                    continue
            while right.i > left.i and (right.is_punct and right.text not in ALL_MARKS or right.is_space):
                right = doc[right.i - 1]
            while left.i < right.i and (left.is_punct and left.text not in ALL_MARKS or left.is_space):
                left = doc[left.i + 1]
            cp = para_of(tok.idx)
            while left.i < right.i and left.idx < cp[0]:
                left = doc[left.i + 1]
            while right.i > left.i and right.idx >= cp[1]:
                right = doc[right.i - 1]
            cs, ce = left.idx, right.idx + len(right.text)
            n_words = sum(1 for t in doc[left.i : right.i + 1] if t.is_alpha)
            if n_words < (1 if answer or stance and _lemma(tok) not in SPEECH_VERBS else 2):
                continue  # a stance's object may be one word ("endorsed Sanders"), not a speech verb's ("said it")
            subj = _subject(tok)
            is_speech = _lemma(tok) in SPEECH_VERBS
            own_subj = any(ch.dep_ in ("nsubj", "nsubjpass") for ch in tok.children)
            if subj is None and not is_speech:
                continue
            # participles take the main clause's subject ("..., citing low growth"; "voters supporting her")
            participle = tok.tag_ == "VBG" and tok.dep_ in ("advcl", "acl", "xcomp", "conj")
            # conjoined verbs share the first one's subject ("Cruz voted against it and opposes the measure")
            shared = tok.dep_ in SHARED_SUBJECT_DEPS
            if not is_speech and (not (own_subj or participle or shared)
                                  or (subj.lower_ in ("it", "there", "you", "this", "that")
                                      and not (subj.tag_ == "WDT" and tok.dep_ == "relcl"))):
                continue  # "it is important to remember that": no source
            # overlap with direct quotes
            inner = [(s, e) for s, e in quoted if s < ce and cs < e]
            covered = sum(min(e, ce) - max(s, cs) for s, e in inner)
            if inner and covered < 0.8 * (ce - cs):
                # the clause cuts a quote it contains: extend it to the whole quote (within the paragraph)
                cs = max(cp[0], min(cs, min(s for s, _ in inner)))
                ce = min(cp[1], max(ce, max(e for _, e in inner)))
            if inner and covered >= 0.8 * (ce - cs):
                continue  # the complement is the direct quote itself (already attributed)
            kind = "mixed" if inner else "indirect"
            content = [(cs, ce)]
            if relative is not None:
                # "a rule, which officials say will take effect": the pronoun and the rest, without "officials say"
                after = next((t for t in doc[tok.i + 1 : right.i + 1] if not (t.is_punct or t.is_space)), None)
                if after is None:
                    continue
                content = [(relative.idx, relative.idx + len(relative.text)), (after.idx, ce)]
            rec = QuoteRecord(kind=kind, content=content, cue=(tok.idx, tok.idx + len(tok.text)))
            rec.extra["relative"] = relative is not None
            rec.mention, rec.mention_text, rec.speaker = speaker_for(tok, tok.sent, (cs, ce))
            if rec.mention is not None and any(s <= rec.mention[0] < e for s, e in content):
                continue  # the parser took the speaker for the complement ('"...," said David Brock, a confidant')
            rec.extra["cue_i"] = tok.i
            rec.extra["speech"] = is_speech
            rec.extra["stance"] = stance
            rec.extra["nested"] = any(
                r.kind in ("indirect", "mixed") and r.content[0][0] <= tok.idx < r.content[-1][1] for r in records)
            for r in records:  # an earlier record nested in this one
                if r.kind in ("indirect", "mixed") and r.cue and cs <= r.cue[0] < ce:
                    r.extra["nested"] = True
            records.append(rec)
            idx = len(records) - 1
            # quoted fragments inside the clause take this speaker when they have none or only a weaker cue
            for r in records[:idx]:
                if r.kind == "direct" and _inside(r.content, (cs, ce)):
                    r.fragment_of = idx
                    if r.speaker is None or r.cue is None:
                        r.speaker, r.mention, r.mention_text = rec.speaker, rec.mention, rec.mention_text
                        r.cue = rec.cue

    # Stance attributions without a speech verb (benchmark "all" setting only): raising verbs ("Trump is expected to
    # win", "X seems unperturbed": the content is the subject and the complement, the source is unnamed) and noun
    # cues ("Sanders's criticism of Clinton", "support for the deal", "a warning that ...").
    if stances:
        taken = {r.extra.get("cue_i") for r in records}
        for i, lemma in enumerate(flags.lemma):
            if i in taken or not (lemma in _STANCE_CUE_LEMMAS or flags.pos[i] in ("ADJ", "NOUN")):
                continue  # none of the cues below
            tok = doc[i]
            if in_quote(tok.idx):
                continue
            content, mention_tok = None, None
            if lemma in RAISING_VERBS and tok.pos_ in ("VERB", "AUX") and (lemma != "expect" or tok.tag_ == "VBN"):
                subj = next((c for c in tok.children
                             if c.dep_ in ("nsubj", "nsubjpass") and c.lower_ not in ("it", "there")), None)
                comp = next((c for c in tok.children
                             if c.dep_ in ("xcomp", "acomp", "oprd", "ccomp") and c.i > tok.i), None)
                if comp is None:
                    continue
                spans = [(subj.left_edge.i, subj.right_edge.i)] if subj is not None else []
                spans.append((comp.left_edge.i, comp.right_edge.i))
                content = spans
            elif lemma == "clear" and tok.head.i < tok.i and _lemma(tok.head) == "make":
                # "Biden made (it) clear that ...": a statement, its content the clause after "clear"
                clause = next((c for c in list(tok.children) + list(tok.head.children)
                               if c.dep_ in ("ccomp", "advcl") and c.i > tok.i), None)
                mention_tok = next((c for c in tok.head.children if c.dep_ == "nsubj" and c.i < tok.head.i), None)
                if clause is None or mention_tok is None:
                    continue
                content = [(clause.left_edge.i, clause.right_edge.i)]
            elif tok.pos_ == "ADJ" and tok.dep_ == "acomp":
                content, mention_tok = _adjective_stance(tok)
            elif tok.tag_ == "VBN" and (lemma in PASSIVE_STANCE_VERBS or lemma in AGENTLESS_PASSIVE_VERBS):
                content, mention_tok = _passive_stance(tok)
            elif lemma == "in" and tok.dep_ == "prep" and tok.head.pos_ in ("VERB", "AUX") and not _is_cue(tok.head):
                # "In a CNN poll, Clinton leads by 8 points", "Trump has a decisive lead in the polls": the clause
                # the phrase modifies is what the poll says
                poll = next((c for c in tok.children if c.dep_ == "pobj"), None)
                if poll is None or _lemma(poll) not in SOURCE_POLLS:
                    continue
                clause = tok.head
                if not any(c.dep_ in _POLL_CLAUSE_DEPS and c.i != tok.i for c in clause.children):
                    continue  # "He was not in the survey": the phrase is all the clause says, no finding
                content = [(a, b) for a, b in ((clause.left_edge.i, tok.i - 1), (tok.right_edge.i + 1,
                                                                                clause.right_edge.i)) if a <= b]
                mention_tok = poll
            elif tok.pos_ == "NOUN":
                introducers = NOUN_CUES.get(lemma, ANY_NOUN_INTRODUCERS)
                arg = None
                for c in tok.children:
                    if (c.dep_ == "prep" and c.lower_ in introducers) and c.i == tok.i + 1:
                        arg = next((g for g in c.children if g.dep_ in ("pobj", "pcomp")), None)
                    elif c.dep_ in ("acl", "ccomp") and c.i > tok.i \
                            and ("that" in introducers or "to" in introducers) and \
                            any(g.lower_ in introducers and g.dep_ in ("mark", "aux") for g in c.children):
                        arg = c
                    if arg is not None:
                        break
                if arg is None:
                    continue
                content = [(arg.left_edge.i, arg.right_edge.i)]
                mention_tok = next((c for c in tok.children if c.dep_ == "poss"), None)
                if mention_tok is None:
                    agent = next((c for c in tok.children
                                  if c.dep_ == "prep" and c.lower_ in ("by", "from") and c.i > tok.i), None)
                    if agent is not None:
                        mention_tok = next((g for g in agent.children if g.dep_ == "pobj"), None)
            if not content:
                continue
            cp = para_of(tok.idx)
            out_spans = []
            for a, b in content:
                while b > a and (doc[b].is_punct and doc[b].text not in ALL_MARKS or doc[b].is_space):
                    b -= 1
                while a < b and (doc[a].is_punct and doc[a].text not in ALL_MARKS or doc[a].is_space):
                    a += 1
                cs, ce = max(doc[a].idx, cp[0]), min(doc[b].idx + len(doc[b].text), cp[1])
                if ce > cs:
                    out_spans.append((cs, ce))
            if sum(len(re.findall(r"\w+", text[cs:ce])) for cs, ce in out_spans) < (1 if tok.pos_ == "NOUN" else 2):
                continue
            rec = QuoteRecord(kind="indirect", content=out_spans, cue=(tok.idx, tok.idx + len(tok.text)))
            if mention_tok is not None:
                ms, me, mtext, label = _mention_span(mention_tok)
                rec.mention, rec.mention_text = (ms, me), mtext
                rec.speaker = resolver.resolve(mention_tok, mtext, label)
            rec.extra.update(cue_i=tok.i, speech=False, stance=True, nested=False)
            records.append(rec)

    # "According to X, Y.", parenthetical cues ("Even then, he said, Y"; "Y, the campaign said, Z") and reporting
    # adverbs ("He reportedly met X", no source named): the content is the rest of the clause around the phrase.
    if indirect:
        for i, speech in enumerate(flags.speech):
            if not (speech or flags.lemma[i] in ("accord", "according") or flags.lemma[i] in REPORTING_ADVERBS):
                continue  # neither a speech verb nor "according (to)" nor a reporting adverb
            tok = doc[i]
            if in_quote(tok.idx):
                continue
            phrase = None
            scope = tok.sent
            if flags.lemma[i] in REPORTING_ADVERBS:
                if tok.dep_ != "advmod" or tok.head.pos_ not in ("VERB", "AUX", "ADJ"):
                    continue
                # the clause the adverb qualifies, not the rest of its sentence
                phrase, verb = (tok.i, tok.i), None
                scope = doc[tok.head.left_edge.i : tok.head.right_edge.i + 1]
            elif tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                src = next((c for c in doc[tok.i + 1].children if c.dep_ == "pobj"), None)
                if src is None:
                    continue
                phrase, verb = (tok.i, src.right_edge.i), None
            elif (_is_cue(tok, strict=True) and tok.dep_ in ("parataxis", "ccomp", "advcl", "conj")
                  and tok.head.i != tok.i and tok.head.pos_ in ("VERB", "AUX") and not in_quote(tok.head.idx)
                  and any(c.dep_ == "nsubj" for c in tok.children)
                  and not any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children)):
                # the phrase is the cue, its subject and what follows ("Many days, former employees said, she ...":
                # not the cue's other left dependents)
                subj = next(c for c in tok.children if c.dep_ == "nsubj")
                lo, hi = min(subj.left_edge.i, tok.i), tok.right_edge.i
                while lo > 0 and doc[lo - 1].head.i == tok.i and doc[lo - 1].dep_ in ("advmod", "aux", "neg"):
                    lo -= 1
                if not ((doc[lo].text == "," or doc[lo - 1].text == ",")
                        and any(t.is_alpha for t in doc[tok.sent.start : lo])):
                    continue  # the cue must sit inside or after the clause it reports, set off by a comma
                phrase, verb = (lo, hi), tok
            else:
                continue
            cp = para_of(tok.idx)
            spans, run = [], []
            for t in scope:
                inside_phrase = phrase[0] <= t.i <= phrase[1]
                if inside_phrase or not (cp[0] <= t.idx < cp[1]):
                    if run:
                        spans.append(run)
                    run = []
                    continue
                run.append(t)
            if run:
                spans.append(run)
            content = []
            for run in spans:
                while run and (run[0].is_punct and run[0].text not in ALL_MARKS or run[0].is_space):
                    run = run[1:]
                while run and (run[-1].is_punct and run[-1].text not in ALL_MARKS or run[-1].is_space):
                    run = run[:-1]
                if run:
                    content.append((run[0].idx, run[-1].idx + len(run[-1].text)))
            n_words = sum(1 for cs, ce in content for m in re.finditer(r"\w+", text[cs:ce]))
            if n_words < 3:
                continue
            total = sum(ce - cs for cs, ce in content)
            covered = sum(max(0, min(e, ce) - max(s_, cs)) for cs, ce in content for s_, e in quoted)
            # '"A," Walker said, according to an AP account.': PolNeAR's source is the account, its content the
            # quote with its tag; a benchmark-only "clause" record holding the quote (which stays Walker's)
            relayed = verb is None and any(r.kind == "direct" and r.cue is not None
                                           and any(cs <= r.cue[0] < ce for cs, ce in content)
                                           and _inside(r.content[:1], (content[0][0], content[-1][1])) for r in records)
            if covered >= 0.8 * total and not relayed:
                continue  # a direct quote (its speaker comes from the same phrase)
            if any(r.kind in ("indirect", "mixed") and r.cue
                   and phrase[0] <= doc.char_span(*r.cue, alignment_mode="expand").start <= phrase[1] for r in records):
                continue
            kind = "mixed" if covered else "indirect"
            rec = QuoteRecord(kind=kind, content=content, cue=(tok.idx, tok.idx + len(tok.text)))
            if flags.lemma[i] not in REPORTING_ADVERBS:
                rec.mention, rec.mention_text, rec.speaker = speaker_for(verb, tok.sent,
                                                                         (content[0][0], content[-1][1]))
            rec.extra.update(cue_i=tok.i, speech=True, stance=False, nested=False,
                             according=verb is None, clause=relayed)
            records.append(rec)

    # Embedded tweets signed "— Name (@handle) Month D, YYYY": the body is the named author's words
    for m in _TWEET_RE.finditer(text):
        body_s, body_e = m.start(1), m.end(1)
        sig = _TWEET_SIG_RE.search(text, body_s, body_e)
        if sig is None:
            continue
        cs, ce = body_s, sig.start()
        while ce > cs and text[ce - 1].isspace():
            ce -= 1
        if ce <= cs or any(r.kind == "direct" and r.content[0][0] < ce and cs < r.content[-1][1] and
                           r.content[-1][1] - r.content[0][0] > 0.8 * (ce - cs) for r in records):
            continue
        name = normalize_ws(sig.group(1))
        rec = QuoteRecord(kind="indirect", content=[(cs, ce)], mention=(sig.start(1), sig.end(2) + 1),
                          mention_text=f"{name} ({sig.group(2)})", speaker=resolver.name(name, "PERSON") or name)
        rec.extra.update(tweet=True, speech=True, words=len(text[cs:ce].split()))
        records = [r for r in records
                   if not (r.kind == "direct" and cs <= r.content[0][0] and r.content[-1][1] <= body_e + 9)]
        records.append(rec)

    # Quoted fragments inside a clause ("called Christie “New Jersey’s Biggest Loser”", "blasted the GOP for
    # “turning its back” on ..."): the attribution's content is the governing verb's clause, reported as a mixed
    # record that holds the fragment (marked "clause": extract_quotes keeps reporting the fragment itself).
    for rec in [r for r in records if r.kind == "direct" and "cue_i" in r.extra]:
        if rec.fragment_of is not None:
            continue
        clause = _fragment_clause(doc, rec, para_of)
        if clause is None:
            # the cue does not govern the fragment: the clause of the verb that does
            verb = _governing_verb(doc, rec, in_quote)
            clause = _fragment_clause(doc, rec, para_of, verb) if verb is not None else None
        if clause is None:
            continue
        cs, ce = clause
        if any(r.kind in ("indirect", "mixed") and r.content[0][0] <= cs and ce <= r.content[-1][1] for r in records):
            continue
        m = QuoteRecord(kind="mixed", content=[(cs, ce)], cue=rec.cue, mention=rec.mention,
                        mention_text=rec.mention_text, speaker=rec.speaker)
        m.extra.update(cue_i=rec.extra["cue_i"], clause=True, speech=True)
        records.append(m)
        rec.fragment_of = len(records) - 1

    records = [r for r in records if not (r.extra.get("clause_only") and r.fragment_of is None)]

    # Unquoted words around a quote attributed after it ("In Miami, Mr. Trump is seen as ''a bully,'' Mr. Regalado
    # said."; '"we don't know" on how many jobs go, he said'): the reported content is the whole clause, as a
    # mixed "clause" record holding the quote (the quote itself is still what extract_quotes reports).
    for rec in [r for r in records if r.kind == "direct" and "cue_i" in r.extra and r.fragment_of is None]:
        extra_spans = _lead_and_trail(doc, rec, para_of, in_quote)
        if not extra_spans:
            continue
        spans = sorted(rec.content + extra_spans)
        if any(r.kind in ("indirect", "mixed") and r.content[0][0] <= spans[0][0] and spans[-1][1] <= r.content[-1][1]
               for r in records):
            continue
        m = QuoteRecord(kind="mixed", content=spans, cue=rec.cue, mention=rec.mention,
                        mention_text=rec.mention_text, speaker=rec.speaker)
        m.extra.update(cue_i=rec.extra["cue_i"], clause=True, speech=True)
        records.append(m)
        rec.fragment_of = len(records) - 1

    # "Name: content" paragraphs (headlines "Issa: Clinton's 'Honesty Is In Question.'", transcripts "TAPPER: ...")
    # and "- Name." signature paragraphs under a quote (fact-check style)
    if indirect:
        for ps, pe in paras:
            lab = _colon_label(doc, text, ps, pe, resolver)
            if lab is None:
                continue
            (ls, le), head, cs = lab
            ce = pe
            while ce > cs and (text[ce - 1].isspace() or text[ce - 1] in ".,;"):
                ce -= 1
            if len(text[cs:ce].split()) < 2 or in_quote(ps):
                continue
            if any(r.content[0][0] < ce and cs < r.content[-1][1] and r.kind != "direct" for r in records):
                continue
            held = [r for r in records if r.kind == "direct" and _inside(r.content, (cs, ce))]
            ms, me, mtext, label = _mention_span(head)
            if not (ls <= ms and me <= le):
                ms, me, mtext, label = ls, le, text[ls:le], None
            # the label is a name as written (headline NER and tags are unreliable): canonical within the article;
            # transcript labels are written in capitals
            spk = resolver.name(mtext.title() if mtext.isupper() else mtext, label or "PERSON")
            rec = QuoteRecord(kind="mixed" if held else "indirect", content=[(cs, ce)], mention=(ms, me),
                              mention_text=mtext, speaker=spk)
            rec.extra.update(speech=True, colon_label=True)
            records.append(rec)
            for r in held:
                r.fragment_of = len(records) - 1
                if r.speaker is None:
                    r.speaker, r.mention, r.mention_text = spk, rec.mention, mtext
        for pi, (ps, pe) in enumerate(paras[1:], 1):
            m = _SIGNATURE_RE.fullmatch(text, ps, pe)
            if m is None:
                continue
            prev = [r for r in records if r.kind == "direct" and r.speaker is None
                    and paras[pi - 1][0] <= r.content[0][0] < paras[pi - 1][1]]
            for r in prev:
                _sign(r, m, resolver)
        # '"..." ― Name' / '"..." — Name, title' on the quote's own line (listicles, reader voices): a quote that
        # opens its paragraph and is followed only by a signed name there is that person's, whatever cue a
        # neighbouring line lent it
        for r in records:
            if r.kind != "direct":
                continue
            for s, e in r.content:
                ps, pe = para_of(s)
                m = _SIGNATURE_RE.fullmatch(text, e, pe) if not text[ps:s].strip() else None
                if m is not None and sum(ps <= s2 < pe for s2, _ in r.content) == 1:
                    _sign(r, m, resolver)

    # A cue-less quote after a sentence whose subject is a name ("Clinton touted her credentials. "We need ...",
    # "Jared Potts echoed:\n\n"...") is that subject's; else a quote right after an attribution (same or next
    # paragraph) continues it.
    records.sort(key=lambda r: (r.content[0][0], r.kind != "direct", r.content[-1][1]))
    for rec in records:
        if rec.kind != "direct" or rec.cue is not None or rec.speaker is not None:
            continue
        qtok = doc.char_span(rec.content[0][0], rec.content[0][1], alignment_mode="expand")
        if qtok is None or qtok.start == 0:
            continue
        # "- Jeffrey M. Jones: “...”", "More from the report: “...”": a name (or source noun) right before a colon
        k = qtok.start - 1
        while k > 0 and doc[k].is_space:  # "McDonald:\xa0“...”": spaCy makes the no-break space a token
            k -= 1
        colon = doc[k]
        if colon.text == ":" and k >= 1 and not in_quote(doc[k - 1].idx) and not _clause_before(doc, k):
            head = doc[k - 1]
            if head.ent_type_ in SPEAKER_LABELS or (head.pos_ == "NOUN" and head.lemma_.lower() in SOURCE_NOUNS):
                ms, me, mtext, label = _mention_span(head)
                rec.speaker, rec.mention, rec.mention_text = resolver.resolve(head, mtext, label), (ms, me), mtext
                rec.extra["colon_name"] = True
                continue
        prev_sent = doc[qtok.start - 1].sent
        if colon.text in (":", ",") and prev_sent.start < colon.i:
            # 'Sanders delivered a snappy retort: "No one ..."', 'Trump issued a statement, "..."': the parser often
            # keeps the quote in the colon's sentence; the introducing clause is what precedes the colon
            prev_sent = doc[prev_sent.start : colon.i + 1]
        gap = text[prev_sent.end_char : rec.content[0][0]]
        if len(_PARA_RE.findall(gap)) > (1 if prev_sent.text.rstrip().endswith(":") else 0):
            continue
        root = prev_sent.root
        subj = next((c for c in root.children if c.dep_ == "nsubj" and not in_quote(c.idx)), None)
        if subj is None or subj.lower_ in ("it", "there", "this", "that", "i", "we", "you"):
            continue
        if subj.pos_ not in ("PROPN", "PRON") and not subj.ent_type_:
            continue
        ms, me, mtext, label = _mention_span(subj)
        spk = resolver.resolve(subj, mtext, label)
        if spk or subj.pos_ == "PRON":
            # an unresolved "She went on: ..." still names the speaker as written; the name may come below
            rec.speaker, rec.mention, rec.mention_text = spk, (ms, me), mtext
            rec.extra["prev_subject"] = True
    for i, rec in enumerate(records):
        if rec.kind == "direct" and rec.cue is None and rec.speaker is None and i > 0:
            prev = max((r for r in records[:i] if r.speaker and r.content[-1][1] <= rec.content[0][0] + 1),
                       key=lambda r: r.content[-1][1], default=None)
            if prev is None:
                continue
            gap = text[prev.content[-1][1] : rec.content[0][0]]
            # a link between them cites where the first came from and closes that item (newsletters: quote, link,
            # next item): the next quote is someone else's
            if len(_PARA_RE.findall(gap)) <= 1 and len(gap.split()) <= 40 and "http" not in gap \
                    and "www." not in gap:
                rec.speaker = prev.speaker
                if not rec.extra.get("prev_subject"):  # keep an introducing pronoun as the mention
                    rec.mention, rec.mention_text = prev.mention, prev.mention_text
                rec.extra["continuation"] = True
    # A cue-less quote paragraph continuing the previous paragraph's direct quote by the same speaker is part of
    # that quote (newspaper convention; PolNeAR annotates it as one attribution with several content spans)
    last = None
    for rec in records:
        if rec.kind == "direct" and rec.fragment_of is None and rec.cue is None and rec.speaker and last is not None \
                and last.kind == "direct" and last.speaker == rec.speaker:
            gap = text[last.content[-1][1] : rec.content[0][0]]
            para_gaps = list(_PARA_RE.finditer(gap))
            if len(para_gaps) == 1 and para_gaps[0].end() == len(gap) and len(gap.split()) <= 40:
                last.content.append(rec.content[0])
                last.extra["words"] = last.extra.get("words", 0) + rec.extra.get("words", 0)
                rec.extra["merged_into_prev"] = True
                continue
        if (rec.kind == "direct" and rec.fragment_of is not None) or rec.extra.get("clause"):
            continue  # fragments and their clause records sit inside what precedes them
        last = rec
    records = [r for r in records if not r.extra.get("merged_into_prev")]

    for r in records:
        r.text = _content_text(text, r.content, "direct" if r.kind == "direct" else "indirect")
    records = [r for r in records if r.text and not _stray_quote(text, r)]
    records = _drop_nested(doc, records)
    if stances:
        # a stance whose content overlaps a quote or a reported clause is the same words attributed twice: PolNeAR
        # has one attribution there, which the quote's or the clause's is more often (train slice +0.001)
        said = [r for r in records
                if not r.extra.get("stance") and not (r.kind == "direct" and r.fragment_of is not None)]
        records = [r for r in records if not (r.extra.get("stance")
                                              and any(_spans_overlap(r.content, o.content) for o in said))]
    records.sort(key=lambda r: (r.content[0][0], r.kind != "direct", r.content[-1][1]))
    # fragment_of: index of the mixed record holding a direct quote (indices changed with sorting); a quote that
    # runs on after the clause ("\"A\" in X, he said. \"B\"") is held by the clause through its first part
    for r in records:
        if r.kind == "direct":
            r.fragment_of = None
            for j, m in enumerate(records):
                if m.kind == "mixed" and _inside(r.content[:1], (m.content[0][0], m.content[-1][1])):
                    r.fragment_of = j
                    break
    return records


def _trailing_cut(doc: "Doc", outer: QuoteRecord, inner: QuoteRecord) -> int | None:
    """Where `outer`'s content must end so that `inner`, an attribution closing it ("X said A, adding B"; "X said A,
    and Y said B"), stands on its own: the character offset of the comma or conjunction before inner's phrase;
    None when inner is not at the end of outer's content or its content does not follow its cue."""
    cue = doc.char_span(*inner.cue, alignment_mode="expand")
    if cue is None or inner.content[-1][1] < outer.content[-1][1] - 1:
        return None
    if inner.extra.get("relative"):
        # "X said A, which Y argued B": inner's phrase starts at the relative pronoun
        pronoun = doc.char_span(*inner.content[0], alignment_mode="expand")
        if pronoun is None:
            return None
        k = pronoun.start
    elif inner.content[0][0] < inner.cue[1]:
        return None
    else:
        cue = cue.root
        subj = next((c for c in cue.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < cue.i), None)
        k = subj.left_edge.i if subj is not None else cue.i
        while k > 0 and doc[k - 1].dep_ in ("advmod", "aux", "neg") and doc[k - 1].head.i == cue.i:
            k -= 1
    j = k - 1
    # "X said A, while Y said B": a contrastive subordinator opens inner's clause like a conjunction
    while j >= 0 and (doc[j].is_punct or doc[j].is_space or doc[j].dep_ == "cc"
                      or doc[j].lower_ in ("while", "whereas")):
        j -= 1
    if 0 <= j < k - 1 and doc[j].idx >= outer.content[0][0]:
        # '... a "stable government" and insisted that ...': a closing quote mark stays with the outer content
        while j + 1 < k - 1 and doc[j + 1].text in TOKEN_MARKS:
            j += 1
        if doc[j + 1].text in (",", ";", "—", "–", "and", "but"):
            return doc[j].idx + len(doc[j].text)
    return None


def _drop_nested(doc: "Doc", records: list[QuoteRecord]) -> list[QuoteRecord]:
    """PolNeAR never annotates an attribution inside another's content (no cue inside another's content in
    22,466 train attributions; `extract_quotes` reported none either). A speech attribution that closes the other's
    content ("She said A, saying B") splits it in two; any other nested one is left out ("X said Y wants Z": only
    X's). When two hold each other's cues both stay."""
    clauses = [r for r in records if r.kind != "direct" and r.cue is not None]

    def within(r: QuoteRecord, m: QuoteRecord) -> bool:
        return m.content[0][0] <= r.cue[0] < m.content[-1][1]

    keep = []
    for r in records:
        if r.kind == "direct" or r.cue is None:
            keep.append(r)
            continue
        outers = [m for m in clauses if m is not r and within(r, m) and not within(m, r)]
        if not outers:
            keep.append(r)
            continue
        if len(outers) == 1 and r.extra.get("speech") and not r.extra.get("stance"):
            cut = _trailing_cut(doc, outers[0], r)
            if cut is not None:
                m = outers[0]
                m.content = [(s, min(e, cut)) for s, e in m.content if s < cut]
                m.text = _content_text(doc_text(doc), m.content, m.kind)
                r.extra["nested"] = False  # a reported clause of its own now
                keep.append(r)
    return keep


# transcript labels and section words that look like "Name:" but name no one
_NOT_LABELS = frozenset("""q a update updated breaking byline note watch video photo photos related exclusive correction
clarification source sources read more alert warning spoiler developing live new editor editors listen transcript
twitter facebook revealed contributing column opinion analysis commentary editorial review explainer podcast obituary
perspective
""".split()) | {"the latest", "read more", "editor's note", "editor’s note", "fact check", "bottom line"}
# "- Name." / "― Name, title": a dash (or horizontal bar), a capitalised name (with name particles), an optional
# description after a comma ("-Michelle Marks, Philadelphia.")
_SIGNATURE_RE = re.compile(
    r"\s*[-—–―]{1,2}\s*([A-Z][\w.’'-]*(?:[ \xa0]+(?:[A-Z][\w.’'-]*|de|del|la|van|von|der|da|dos|bin|al)){0,5}?)"
    r"(?:,[^\n\"“”]{1,80}?)?\s*\.?\s*")


def _sign(rec: QuoteRecord, m: "re.Match", resolver: "_Resolver") -> None:
    """Give a quote the speaker its signature line names."""
    name = m.group(1).rstrip(".")
    if name.lower() in PRONOUNS:
        return  # "― You" names no one
    rec.mention, rec.mention_text = (m.start(1), m.start(1) + len(name)), name
    rec.speaker = resolver.name(name, "PERSON")
    rec.extra["signature"] = True


def _colon_label(doc: "Doc", text: str, ps: int, pe: int, resolver: "_Resolver"):
    """For a paragraph opening with a speaker label ("Issa: ...", "NY Daily News: ...", "TAPPER: ...", "Clinton
    camp: ..."): ((label start, label end), head token, content start); else None. The label must be a name:
    an entity that ends it (optionally followed by a source noun), a known person's surname, or one word in
    capitals (transcripts)."""
    i = ps
    while i < pe and text[i].isspace():
        i += 1
    colon = text.find(":", i, min(pe, i + 61))
    if colon <= i or colon + 1 >= pe or not text[colon + 1].isspace() or "\n" in text[i:colon]:
        return None
    label = text[i:colon].strip()
    words = label.split()
    if not words or len(words) > 5 or not label[:1].isupper() or label.lower().strip(".") in _NOT_LABELS \
            or label.lower() in PRONOUNS:
        return None
    span = doc.char_span(i, i + len(label), alignment_mode="contract")
    if span is None or len(span) == 0 or any(t.pos_ in ("VERB", "AUX") and t.tag_ != "VBN" or _heading_word(t)
                                             for t in span):
        return None
    cs = colon + 1
    while cs < pe and text[cs].isspace():
        cs += 1
    if label.lower() in text[cs:pe].lower():
        return None  # a topic named again after it ("Pixel Visual Core: Pixel Visual Core is built to ..."): no speaker
    content = doc.char_span(cs, pe, alignment_mode="contract")
    finite = content is not None and any(t.tag_ in _FINITE_TAGS for t in content)
    if content is not None and not finite and (any(t.ent_type_ in ("DATE", "TIME") for t in content)
                                               or sum(t.text == "," for t in content) >= 3):
        # a schedule or listing line ("Texans: Visit Indianapolis on Sunday", "Nevada: Adam Khan, Andres Ramirez,
        # ..."): no statement in it
        return None
    ents = [e for e in span.ents if e.label_ in SPEAKER_LABELS]
    last = span[-1]
    if any(t.dep_ == "prep" and t.head.pos_ == "NOUN" and t.head.is_lower for t in span):
        # a name in a phrase about something ("Another problem for Sanders:") is not the label's speaker; titles
        # ("Secretary of State John Kerry:") are capitalised
        return None
    if ents and (ents[-1].end == span.end or (ents[-1].end == span.end - 1 and last.lemma_.lower() in SOURCE_NOUNS)):
        return (span.start_char, span.end_char), last if ents[-1].end != span.end else ents[-1].root, cs
    # headline NER is unreliable ("Gillibrand: ..." tagged a noun, "Issa" an adjective): a short run of capitalised
    # words is a name, unless an adverb is in it ("Technically Incorrect: ...", a column's name)
    if len(span) <= 3 and all(t.text[:1].isupper() and (t.is_alpha or t.text.endswith(".")) and t.pos_ != "ADV"
                              for t in span) \
            and len(span.text) >= 3 and len(text[cs:pe].split()) >= 3:
        return (span.start_char, span.end_char), last, cs
    return None



def _title_records(article: Article, doc: "Doc") -> list[tuple["Doc", QuoteRecord]]:
    """Headlines carry quotes too ("..., Putin tells Pompeo"); the body Doc has no title, so parse it here."""
    title = normalize_ws(article.title or "")
    if not title or len(title) > 300 or doc_text(doc).lstrip().startswith(title[:40]):
        return []
    from .nlp import get_nlp

    tdoc = get_nlp()(title)
    recs = extract_records(tdoc)  # all kept: a fragment's `fragment_of` indexes this list
    # resolve surnames against the body's names
    names = NameIndex((e.text, e.label_) for e in doc.ents if e.label_ in SPEAKER_LABELS)
    for r in recs:
        if r.speaker:
            r.speaker = names.canonical(r.speaker, None)
        r.extra["title"] = True
        r.extra["place_label"] = _place_label(tdoc, r)
    return [(tdoc, r) for r in recs]


def _label_told_in_body(rec: QuoteRecord, body: list[QuoteRecord]) -> bool:
    """Whether a headline's "Name: words" is something the body has Name say: words quoted in it, or half the
    headline's content words in one of Name's attributions ("Pompeo: Russia must leave Venezuela" over "Pompeo said
    Russia must leave Venezuela"). A headline naming its topic ("Julian Assange: Sweden drops rape investigation")
    has neither."""
    if re.search(r"(?:^|\s)[\"“‘']\w", rec.text):
        return True  # words quoted after the label are the speaker's ("Tarantino: crash was a 'horrendous mistake'")
    words = {w for w in re.findall(r"[a-z0-9]+", rec.text.lower()) if len(w) > 2}
    if not words or not rec.speaker:
        return False
    key = _speaker_key(rec.speaker)
    for b in body:
        if b.speaker and _speaker_key(b.speaker) == key \
                and len(words & set(re.findall(r"[a-z0-9]+", b.text.lower()))) * 2 >= len(words):
            return True
    return False


def _place_label(tdoc: "Doc", rec: QuoteRecord) -> bool:
    """A headline opening on a place and a colon ("Germany: Rhine cruise ship hits bridge pylon") is placed there, not
    said by the country; words quoted after it ("Russia: 'We will respond'") stay the country's (a mixed record)."""
    if not rec.extra.get("colon_label") or rec.kind != "indirect" or rec.mention is None:
        return False
    ms, me = rec.mention
    return any(e.label_ in ("GPE", "LOC") and e.start_char <= ms and me <= e.end_char for e in tdoc.ents)


# Nouns that carry someone else's words: documents (their author or issuer) and spokespeople (their organisation)
DOCUMENT_NOUNS = frozenset("statement release announcement letter memo filing report tweet post email".split())
SPOKESPERSON_NOUNS = frozenset("spokesman spokeswoman spokesperson official representative".split())
# what an organisation or person issues and the news then quotes, as a document ("a poll from the Public Policy
# Institute of California", "a story by the website Politico"): its issuer is the source, no person is titled by it
ISSUED_NOUNS = DOCUMENT_NOUNS | frozenset("poll survey study story article analysis".split())
# verbs whose subject or agent is the author of the document they take ("the committee published a report", "a poll
# conducted by Gallup"); not "commissioned", "cited", "read"
ISSUING_VERBS = frozenset("release publish issue conduct write produce compile prepare author post file".split())
# what a definite description of a named organisation is headed by ("the company said", "the agency added")
ORGANISATION_NOUNS = frozenset("""company firm corporation business retailer airline carrier automaker manufacturer
bank lender insurer agency bureau ministry department network newspaper broadcaster charity organisation
organization""".split())
# what a government body's name holds ("State Department", "Missouri Senate", "GOP"), and the descriptions that name
# one: a "company" or "network" is none of them, an "agency" or "department" is one (or an acronym: "CIA")
PUBLIC_BODY_WORDS = frozenset("""party gop congress senate house assembly parliament department ministry agency bureau
office committee commission council court administration government authority police army navy military university
college school""".split())
PUBLIC_BODY_NOUNS = frozenset("agency bureau ministry department".split())
# what a group is called: "the party" is the party, not the person titled "party chairman"
GROUP_NOUNS = ORGANISATION_NOUNS | frozenset("""party campaign committee group administration government council board
union team court police military army navy parliament congress senate house""".split())
# singular in form, plural in sense: a source without a determiner ("Police said")
COLLECTIVE_NOUNS = frozenset({"police", "staff", "personnel", "military", "management", "media", "press"})
# Heads of descriptions that can be a source ("the minister said", "a report said"). A subject outside
# this list with no proper name in it ("The fact that ... indicates") is not an attribution.
SOURCE_NOUNS = frozenset("""
official spokesman spokeswoman spokesperson minister ministry president premier chancellor king queen prince
police authority government agency department office administration report statement study survey poll analyst
expert source witness lawyer attorney prosecutor judge court company firm group union party campaign aide adviser
advisor leader chief director secretary officer senator lawmaker legislator congressman congresswoman governor
mayor member resident people critic supporter researcher scientist doctor economist investor diplomat envoy
ambassador general commander military army navy army spokesman regulator board committee council parliament
administration embassy team coach player manager owner chairman chairwoman ceo executive founder worker employee
family relative friend neighbor neighbour victim survivor activist protester organizer organiser candidate voter
official document letter filing memo email tweet post article newspaper paper magazine network channel broadcaster
citizen user customer student teacher professor author writer journalist reporter editor commentator observer
mother father parent brother sister son daughter wife husband uncle aunt cousin nephew niece grandfather grandmother
grandson granddaughter fiance fiancee girlfriend boyfriend partner widow widower man woman
""".split())


def _drop_role_nouns(name: str) -> str:
    """'Resident Jason Parantai' -> 'Jason Parantai': a description noun capitalised only because it opens the
    sentence ("Resident", "Witness", "Army") is no part of the name; a first name and a surname stay."""
    words = name.split()
    k = 0
    while k < len(words) - 2 and words[k].lower() in SOURCE_NOUNS:
        k += 1
    return " ".join(words[k:])


# Institutions that speak through statements ("the parks service said"): sources for `_plausible_source` only (a
# leading "Bank" or "Service" is part of a name, so not SOURCE_NOUNS, which `_drop_role_nouns` strips)
INSTITUTION_NOUNS = frozenset("""service bureau institute organization organisation association commission foundation
society hospital university zoo airline bank""".split())
# what a statement is made in ("said in a statement", "told reporters in an interview")
STATEMENT_MEDIA = DOCUMENT_NOUNS | {"interview", "briefing", "speech", "message", "conference", "news"}


def _issued_a_statement(doc: "Doc", rec: QuoteRecord) -> bool:
    """The cue verb says where the words were issued ("X said in a statement", "In an email, X wrote"): whoever
    its subject is, it made a statement."""
    i = rec.extra.get("cue_i")
    if i is None or i >= len(doc):
        return False
    for c in doc[i].children:
        if c.dep_ == "prep" and c.lower_ in ("in", "via", "through"):
            if any(g.dep_ == "pobj" and g.lemma_.lower() in STATEMENT_MEDIA for g in c.children):
                return True
    return False


def _plausible_source(mention: str | None, speaker: str | None) -> bool:
    if not mention:
        return speaker is not None
    words = mention.split()
    if mention.lower() == "you":
        return speaker is not None  # a sentence-initial "You" is no name: a source only when addressed by name
    if any(w[:1].isupper() for w in words[1:]) \
            or (words[0][:1].isupper() and words[0].lower() not in ("the", "a", "an")):
        return True  # a name is in it ("Lavrov", "the Kremlin", "Iranian officials")
    if words[-1].lower() in PRONOUNS:
        # what the pronoun stands for must be a source itself: "the metal shaft, which threatens to collapse" is not
        return speaker is not None and (speaker == mention or _plausible_source(speaker, speaker))
    head = words[-1].lower().rstrip(".,")
    return any(h in SOURCE_NOUNS or h in INSTITUTION_NOUNS for h in (head, head.rstrip("s"), head[:-2] + "y"))


_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_QUESTION_WORDS = frozenset("what why how who whom whose when where which whether if".split())


def _reports_a_statement(doc: "Doc", rec: QuoteRecord) -> bool:
    """Whether an indirect record tells readers what someone stated. Not so: a clause that is a question ("asked
    why rangers did not ...", "trying to figure out what went wrong": a question word opens the clause and hangs
    on its main verb, which is no adverbial "when ..." clause), or, with no cue verb, a line with neither a finite
    verb nor a sentence's closing punctuation (a column's heading: "Nairobi Park Diary: The Awesome Foursome";
    a transcript's "KEILAR: All of them." stays)."""
    span = doc.char_span(rec.content[0][0], rec.content[-1][1], alignment_mode="expand")
    words = [t for t in span if not (t.is_punct or t.is_space)] if span is not None else []
    if not words:
        return True
    if rec.cue is None and not any(t.tag_ in _FINITE_TAGS for t in words) \
            and not doc_text(doc)[: rec.content[-1][1]].rstrip(" \"”’'").endswith((".", "?", "!")):
        return False
    first = words[0]
    root = first.head
    return not (first.lower_ in _QUESTION_WORDS and root.i in range(span.start, span.end)
                and not (span.start <= root.head.i < span.end and root.head.i != root.i) and root.dep_ != "advcl")


_MINOR_TITLE_WORDS = frozenset({"a", "an", "the", "of", "and", "in", "on", "for", "to", "with", "at", "by", "or"})
_POSSESSIVE_END = re.compile(r"\w['’]s\s*$")


def _title_cased(text: str, rec: QuoteRecord) -> bool:
    """Quote marks around a few words in Title Case ("Home Alone 2: Lost in New York.", "Feel the Heat Closest
    Package"): the name of a film, song or product, not words anyone said (asked of quotes with no speaker)."""
    words = [w for span in rec.content for w in re.findall(r"[^\W\d_][\w'’-]*", text[span[0] : span[1]])]
    return 2 <= len(words) <= 8 and _title_words(words) and sum(w[:1].isupper() for w in words) >= 2


def _title_words(words: list[str]) -> bool:
    """Every word capitalised, or one a title leaves in lower case ("of", "the", ...)."""
    return all(w[:1].isupper() or w.lower() in _MINOR_TITLE_WORDS for w in words)


def _quoted_title(text: str, rec: QuoteRecord) -> bool:
    """The quote marks hold the name of a show, book or course, right after its owner's possessive ('told ABC's “This
    Week”', 'Carson's “Gifted Hands”'): a few capitalised words, not words anyone said."""
    if len(rec.content) != 1:
        return False
    start, end = rec.content[0]
    words = re.findall(r"[\w'’-]+", text[start:end])
    return (0 < len(words) <= 6 and words[0][:1].isupper()
            and _title_words(words)
            and bool(_POSSESSIVE_END.search(text[max(0, start - 40) : start])))


# What a picture, video or sign "shows" or "reads" is what it shows, not anyone's words ("This photo shows smoke
# rising from the site", "Pictures of the area showed roped-off areas", "signs that read 'CAUTION'").
_VISUAL_SOURCE = re.compile(r"\b(?:photo|photograph|picture|image|video|footage|clip|screenshot|graphic|map|chart|"
                            r"sign|banner|poster|placard|cone)s?\b", re.IGNORECASE)
_SHOW_CUE = re.compile(r"(?:show|read|depict|display|feature)", re.IGNORECASE)


def _shown_not_said(text: str, rec: QuoteRecord) -> bool:
    return bool(rec.cue and _SHOW_CUE.match(text[rec.cue[0] : rec.cue[1]])
                and _VISUAL_SOURCE.search(f"{rec.mention_text or ''} {rec.speaker or ''}"))


def extract_quotes(article: Article, doc: "Doc", *, title: bool = True) -> list[Quote]:
    """Direct and indirect quotes of one article (headline first, then body order) with speaker
    (canonical name within the article, a description, or None when unattributable)."""
    pairs: list[tuple["Doc", QuoteRecord]] = []
    records: dict[int, list[QuoteRecord]] = {}  # each Doc's records, which `fragment_of` indexes
    try:
        if title:
            for d, r in _title_records(article, doc):
                pairs.append((d, r))
                records.setdefault(id(d), []).append(r)
        records[id(doc)] = extract_records(doc)
        pairs += [(doc, r) for r in records[id(doc)]]
    except Exception as exc:  # odd parses must not stop the pipeline; report what was found so far
        warnings.warn(f"quotes of article {article.id} cut short: {type(exc).__name__}: {exc}", QuoteExtractionWarning,
                      stacklevel=2)
    out: list[Quote] = []
    seen = set()
    for d, r in pairs:
        text = doc_text(d)
        if r.extra.get("place_label") or (r.extra.get("title") and r.extra.get("colon_label") and r.kind == "indirect"
                                          and not _label_told_in_body(r, records.get(id(doc), []))):
            continue
        own = records.get(id(d), [])
        in_clause = r.kind == "direct" and r.extra.get("words", 0) < 3 and r.fragment_of is not None \
            and 0 <= r.fragment_of < len(own) and not _UTTERANCE.match(r.text)
        if in_clause:
            # one or two quoted words are read in their clause ('calling the mayor a "liar" who was not
            # "honorable."'): the clause is shown, with its speaker, in their place
            r = own[r.fragment_of]
        kind = "direct" if r.kind == "direct" or r.extra.get("tweet") else "indirect"  # a tweet: verbatim words
        if kind == "indirect" and not r.extra.get("speech") and r.speaker is None:
            continue
        if not in_clause and (r.extra.get("clause") or r.extra.get("relative") or r.extra.get("clause_only")):
            continue  # the clause around a quoted fragment, or "which | will take effect" (benchmark content only)
        if kind == "indirect" and (r.mention is None or r.extra.get("nested")):
            continue
        if kind == "direct" and r.extra.get("words", 0) < 3 and not _UTTERANCE.match(r.text):
            continue  # a fragment of one or two words says nothing alone ("reset", "immaterial"); "No comment." does
        if kind == "indirect" and not _reports_a_statement(d, r):
            continue
        speaker = r.speaker
        if not _plausible_source(r.mention_text and normalize_ws(r.mention_text), speaker) \
                and not (r.mention_text and _issued_a_statement(d, r)):
            if kind == "indirect":
                continue  # "The fact that X indicates that Y" reports no one's words
            speaker = None
        if kind == "direct" and speaker is None and (r.extra.get("words", 0) <= 3 or r.extra.get("title")
                                                     or _title_cased(text, r)):
            # a scare quote or a title nobody is said to have said ('the course called “Perception”'); in a headline
            # ("Mystery of the boy who 'fell down a deep well'") the story's words, told with their speaker below
            continue
        if kind == "direct" and _quoted_title(text, r):
            continue
        if _shown_not_said(text, r):
            continue
        # a reported sentence opening its paragraph keeps no dateline ("BERLIN — A tourist ship struck ..., police
        # said"): where the story was filed is not what was said
        words = strip_dateline(r.text) if kind == "indirect" else r.text
        if kind == "indirect" and len(words.split()) < 2:
            continue  # "Morrison testified | Afterward": one word reports nothing
        key = (kind, words, speaker)
        if key in seen:
            continue
        seen.add(key)
        cue = text[r.cue[0] : r.cue[1]] if r.cue else None
        out.append(Quote(text=words, speaker=speaker, kind=kind, article_ids=[article.id], cue=cue,
                         speaker_mention=normalize_ws(r.mention_text) if r.mention_text else None))
    return out


# ---------------------------------------------------------------------------------------------------------
# Cross-article merge


# a short quote that is a whole utterance: capitalised and closed by its punctuation ("No comment.", "Never!", "No,")
_UTTERANCE = re.compile(r"^[\"“‘']?[A-Z][^.!?]*[.!?,][\"”’']?$")


def _norm_quote(s: str) -> str:
    return " ".join(re.findall(r"\w+", s.lower()))


def _same_quote(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    na, nb = _norm_quote(a), _norm_quote(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = sorted((na, nb), key=len)
    if len(short.split()) >= 5 and short in long_:
        return True
    return fuzz.ratio(na, nb) >= 85 and abs(len(na.split()) - len(nb.split())) <= max(3, len(na.split()) // 4)


def _first_names(speakers: set[str]) -> dict[str, str]:
    """{first name alone ("Chris"): the one speaker of the story it names ("Chris Stevens")}, by the rule of
    `entities.first_name_owners`. Speakers carry no NER label, so the word must also be a first name in
    gender-guesser's name data ("United" is not one, so it never becomes "United States")."""
    full = {name_key(s): s for s in speakers
            if 1 < len(s.split()) <= 4 and all(w[:1].isupper() for w in s.split())}
    owners = first_name_owners(full)
    return {s: owners[name_key(s)] for s in speakers
            if " " not in s and name_key(s) in owners and _name_data_gender(s) != "unknown"}


def _fuller_names(speakers: set[str]) -> dict[str, str]:
    """{person's name: the one speaker of the story whose name adds a last word to it}: one outlet writes "Enio
    Cubillo", another "Enio Cubillo Araya" (a second surname). The shorter name must open on a given name, so
    "United States" never becomes "United States Navy"."""
    keys = {s: name_key(s).split() for s in speakers}
    out = {}
    for s, words in keys.items():
        if not 2 <= len(words) <= 3 or not all(w[:1].isupper() for w in s.split()) or not _is_given_name(s.split()[0]):
            continue
        longer = [t for t, tw in keys.items() if len(tw) == len(words) + 1 and tw[: len(words)] == words]
        if len(longer) == 1:
            out[s] = longer[0]
    return out


def _shouted(name: str) -> bool:
    """A word in capitals beside words that are not ("MICHAEL Sheen"); an acronym ("FBI") among them counts too, but
    only spellings of one name are compared."""
    words = name.split()
    caps = [w.isupper() and len(w) > 2 for w in words]
    return any(caps) and not all(caps)


def _speaker_key(name: str) -> str:
    """`spelling_key` without middle initials: "Donald J. Trump" and "Donald Trump" are one speaker (as one entity
    in `entities.story_entities`); descriptions and one- or two-word names are their spelling key. A firm's legal
    form goes too: "Broadcom Ltd" and "Broadcom" are one speaker."""
    words = name_key(name).split()
    if len(words) > 1 and words[-1] in LEGAL_FORMS and name[:1].isupper():
        words = words[:-1]
    if len(words) > 2 and name[:1].isupper():
        words = [words[0]] + [w for w in words[1:-1] if len(w) > 1] + [words[-1]]
    return "".join(words)


def _in_runs(piece: str, longer: str, max_runs: int = 3) -> bool:
    """Whether the words of `piece` are those of at most `max_runs` stretches of `longer`, in order: the quoted
    fragments of a paraphrase joined into one quote ("fewer than 400,000 UK consumers accessed" from 'the data of
    "fewer than 400,000 UK consumers" has been "accessed"')."""
    words, text = piece.split(), longer.split()
    if len(words) < 3 or not set(words) <= set(text):  # the cheap test first: most pairs fail it
        return False

    def matched(i: int, k: int) -> int:  # how many words of `piece` from k `longer` holds from i on
        n = 0
        while k + n < len(words) and i + n < len(text) and text[i + n] == words[k + n]:
            n += 1
        return n

    runs, k, at = 0, 0, 0
    while k < len(words):
        start = max(range(at, len(text)), key=lambda i: matched(i, k), default=at)  # the longest stretch, earliest
        n = matched(start, k)
        if n == 0 or runs == max_runs:
            return False
        runs, k, at = runs + 1, k + n, start + n
    return True


def _without_pieces(groups: list[dict]) -> list[dict]:
    """Merged quotes less those that are a piece of a longer one of the same speaker in the same articles: the
    words a paraphrase quotes ('“exciting.”' beside 'next month's launch will be "exciting."') or a phrase of a
    longer quotation ('“Space Oddity”'), listed on their own by the rules. A piece carried by an article the longer
    quote is not in stays; an unattributed piece goes into any speaker's longer quote."""
    ids = [{a for v in g["texts"].values() for a in v} for g in groups]
    norms = [[f" {_norm_quote(t)} " for t in g["texts"]] for g in groups]
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for j, g in enumerate(groups):
        if g["speaker"]:
            by_speaker[_speaker_key(g["speaker"])].append(j)
    everyone = range(len(groups))
    keep = []
    for i, g in enumerate(groups):
        others = by_speaker[_speaker_key(g["speaker"])] if g["speaker"] else everyone
        piece = any(j != i and ids[i] <= ids[j]
                    and all(n.strip() and any(len(m) > len(n) and (n in m or _in_runs(n, m)) for m in norms[j])
                            for n in norms[i])
                    for j in others)
        if not piece:
            keep.append(g)
    return keep


def merge_quotes(quotes: list[Quote], articles: list[Article]) -> list[Quote]:
    """One entry per (speaker, quote) across the story; ids earliest first; drifted wording in `variants`.

    Speakers are normalised story-wide (longest full name that contains a mention's words as its tail); a quote
    without speaker merges into a matching attributed one. Output order: by first article, then position.
    """
    order = {a.id: i for i, a in enumerate(articles)}
    # one spelling per speaker key ("Erie Times-News" / "Erie Times News"): one without a word set in capitals beside
    # words that are not (the Sun's "MICHAEL Sheen" opening an article), the most used, then the one that keeps more
    # of its punctuation (the careful spelling), then the first in sorted order
    counts: dict[str, dict[str, int]] = {}
    for q in quotes:
        if q.speaker:
            by_key = counts.setdefault(_speaker_key(q.speaker), {})
            by_key[q.speaker] = by_key.get(q.speaker, 0) + 1
    spelling = {}
    for by_key in counts.values():
        best = min(by_key, key=lambda s: (_shouted(s), -by_key[s], -sum(not (c.isalnum() or c.isspace()) for c in s),
                                          s))
        if _shouted(best):  # no speaker spelling in running text: the story's texts may still have one
            pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, best.split())) + r"\b", re.IGNORECASE)
            written = (m.group(0) for a in articles for m in pattern.finditer(a.text or ""))
            best = next((" ".join(w.split()) for w in written if not _shouted(w)), best)
        spelling.update((s, best) for s in by_key)
    index = NameIndex()
    for s in sorted(set(spelling.values())):
        index.add(s, "PERSON")
    speakers = {}
    for s, best in spelling.items():
        canonical = index.canonical(best, None)
        # a description keeps its determiner ("the network") unless it folds into a fuller name ("the court" ->
        # "Colorado Supreme Court")
        described = best.startswith(("the ", "a ", "an "))
        speakers[s] = best if described and canonical == clean_name(best) else canonical
    first_names = _first_names(set(speakers.values()))
    speakers = {s: first_names.get(c, c) for s, c in speakers.items()}
    fuller = _fuller_names(set(speakers.values()))
    speakers = {s: fuller.get(c, c) for s, c in speakers.items()}

    def first_pos(q: Quote) -> tuple:
        return min((order.get(a, 10**9), a) for a in q.article_ids) if q.article_ids else (10**9, "")

    indexed = sorted(enumerate(quotes), key=lambda iq: (first_pos(iq[1]), iq[0]))
    groups: list[dict] = []
    for _, q in indexed:
        spk = speakers.get(q.speaker, q.speaker) if q.speaker else None
        target = None
        for g in groups:
            if g["kind"] != q.kind:
                continue
            if spk and g["speaker"] and _speaker_key(spk) != _speaker_key(g["speaker"]):
                continue
            if any(_same_quote(q.text, v) for v in g["texts"]):
                target = g
                break
        if target is None:
            target = {"kind": q.kind, "speaker": spk, "texts": {}, "cue": q.cue, "mention": q.speaker_mention,
                      "first": q.text}
            groups.append(target)
        if spk and not target["speaker"]:
            target["speaker"] = spk
        ids = target["texts"].setdefault(q.text, [])
        for a in q.article_ids:
            if a not in ids:
                ids.append(a)
        if target["cue"] is None:
            target["cue"] = q.cue
        if target["mention"] is None:
            target["mention"] = q.speaker_mention

    groups = _without_pieces(groups)
    out: list[Quote] = []
    for g in groups:
        all_ids: list[str] = []
        for ids in g["texts"].values():
            all_ids.extend(ids)
        all_ids = sorted(set(all_ids), key=lambda a: (order.get(a, 10**9), a))
        variants = []
        if len({_norm_quote(t) for t in g["texts"]}) > 1:
            for t, ids in g["texts"].items():
                variants.append({"text": t, "article_ids": sorted(set(ids), key=lambda a: (order.get(a, 10**9), a))})
            variants.sort(key=lambda v: ((order.get(v["article_ids"][0], 10**9), v["article_ids"][0])
                                         if v["article_ids"] else (10**9, ""), v["text"]))
        out.append(Quote(text=g["first"], speaker=g["speaker"], kind=g["kind"], article_ids=all_ids, cue=g["cue"],
                         speaker_mention=g["mention"], variants=variants))
    return out


# ---------------------------------------------------------------------------------------------------------
# 6. Learned attribution model: a linear-chain CRF over tokens (trained on PolNeAR train by bench/train_quotes.py,
# stored as JSON and decoded here with Viterbi, so running it needs no CRF library). It reads the rules' records as
# features and labels each token O / content (CB = first token of an attribution, CI = the rest) / cue (Q) /
# source (S): the rules find attributions of known cues, the model learns the cues and spans they miss.

MODEL_PATH = Path(__file__).with_name("quotes_model.json")
_VERBAL = frozenset({"VERB", "AUX"})


def _rule_marks(doc: "Doc", records: list[QuoteRecord], stances: bool = False) -> list[str | None]:
    """Per token: what the rules made of it ('c<kind>' content, 'b<kind>' content start, 'q' cue, 's' source);
    `stances`: a stance record's content is 'bstance' / 'cstance'."""
    marks: list[str | None] = [None] * len(doc)
    starts = [t.idx for t in doc]

    def tokens(s: int, e: int) -> range:
        return range(max(0, bisect.bisect_right(starts, s) - 1), bisect.bisect_left(starts, e))

    for r in records:
        kind = "clause" if r.extra.get("clause") or r.extra.get("clause_only") else r.kind
        if stances and r.extra.get("stance") and r.kind == "indirect":
            kind = "stance"
        first = True
        for s, e in r.content:
            for i in tokens(s, e):
                if doc[i].idx + len(doc[i]) > s:
                    marks[i] = ("b" if first else "c") + kind
                    first = False
        for span, tag in ((r.cue, "q"), (r.mention, "s")):
            if span:
                for i in tokens(*span):
                    if marks[i] is None:
                        marks[i] = tag
    return marks


def attribution_features(doc: "Doc", records: list[QuoteRecord], quote_spans: list[tuple[int, int, bool]],
                         flags: _TokenFlags | None = None) -> list[tuple[list[int], list[list[str]]]]:
    """The model's input: per paragraph, its (non-space) token indices and each token's feature strings."""
    text = doc_text(doc)
    flags = flags or _TokenFlags(doc)
    in_quote = _InSpans([(s, e) for s, e, _ in quote_spans])
    rule = _rule_marks(doc, records)
    n = len(doc)
    # token attributes read in one pass (spaCy builds a Token object on every access)
    lower, tag, dep, head, inq, mark, ent, space, starts = [], [], [], [], [], [], [], [], []
    governs: list[list[str]] = [[] for _ in range(n)]  # what a verb governs: a clause, a person as subject, ...
    from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, IS_SPACE, LOWER, ORTH, POS, TAG

    strings, names = doc.vocab.strings, {}

    def name(h: int) -> str:  # the string of a hash, looked up once per doc
        got = names.get(h)
        if got is None:
            got = names[h] = strings[h]
        return got

    # read as one array (a Token per word and attribute cost ~2 ms an article)
    rows = doc.to_array([LOWER, TAG, DEP, HEAD, ENT_TYPE, IDX, IS_SPACE, POS, ORTH]).tolist()
    for i, (lo, tg, dp, hd, et, ix, sp, ps, orth) in enumerate(rows):
        d, e = name(dp), name(et) if et else ""
        lower.append(name(lo))
        tag.append(name(tg))
        dep.append(d)
        head.append(i + (hd - (1 << 64) if hd >= 1 << 63 else hd))  # HEAD is an offset, stored unsigned
        inq.append(in_quote(ix))
        mark.append(name(orth) in TOKEN_MARKS)
        ent.append(e)
        space.append(bool(sp))
        starts.append(ix)
        if d in ("ccomp", "xcomp", "dobj", "prep", "advcl"):
            governs[head[-1]].append("ch=" + d)
        elif d in ("nsubj", "nsubjpass"):
            governs[head[-1]].append("subj=" + (e or name(ps)))
    # the first verbs above each token and the relation by which its subtree hangs from them ("ccomp:say")
    paths: list[list[str]] = []
    for i in range(n):
        feats, cur, depth = [], i, 0
        while head[cur] != cur and len(feats) < 2 and depth < 12:
            h = head[cur]
            if flags.pos[h] in _VERBAL or flags.cue[h]:
                k = len(feats)
                feats.append(f"a{k}={dep[cur]}:{flags.lemma[h]}")
                feats.append(f"a{k}c={dep[cur]}:{'cue' if flags.cue[h] else 'verb'}")
            cur, depth = h, depth + 1
        # the relation under the nearest cue-lexicon ancestor at any depth ("ccomp" of "say" for every word of the
        # reported clause)
        cur, depth = i, 0
        while head[cur] != cur and depth < 20:
            if flags.cue[head[cur]]:
                feats += [f"ca={dep[cur]}", f"cal={dep[cur]}:{flags.lemma[head[cur]]}"]
                break
            cur, depth = head[cur], depth + 1
        if flags.pos[i] in _VERBAL:
            feats += governs[i]
        paths.append(feats)
    sent_cue = {}
    sent_start = [0] * n
    for sent in doc.sents:
        a, b = sent.start, sent.end
        sent_cue[a] = any(flags.cue[a:b])
        sent_start[a:b] = [a] * (b - a)
    out = []
    for ps, pe in _paragraphs(text) or [(0, len(text))]:
        idx = [i for i in range(bisect.bisect_left(starts, ps), bisect.bisect_left(starts, pe)) if not space[i]]
        seq = []
        for j, i in enumerate(idx):
            h = head[i]
            f = ["b", "w=" + lower[i], "l=" + flags.lemma[i], "p=" + flags.pos[i], "t=" + tag[i], "d=" + dep[i],
                 "hl=" + flags.lemma[h], "hp=" + flags.pos[h], "dh=" + dep[i] + ":" + flags.lemma[h],
                 "q=" + str(inq[i]), "r=" + str(rule[i]), "sc=" + str(sent_cue[sent_start[i]])]
            if mark[i]:
                f.append("mark")
            if flags.cue[i]:
                f.append("cue")
            if flags.speech[i]:
                f.append("speech")
            if flags.cue[h]:
                f.append("hcue=" + dep[i])
            if ent[i]:
                f.append("e=" + ent[i])
            if sent_start[i] == i:
                f.append("s0")
            f += paths[i]
            for off in (-2, -1, 1, 2):
                k = j + off
                if 0 <= k < len(idx):
                    o = idx[k]
                    f += [f"{off}l={flags.lemma[o]}", f"{off}p={flags.pos[o]}", f"{off}r={rule[o]}"]
                    if abs(off) == 1:
                        f.append(f"{off}q={inq[o]}")
                else:
                    f.append(f"{off}edge")
            seq.append(f)
        if idx:
            out.append((idx, seq))
    return out


class AttributionModel:
    """The CRF's weights (labels, transitions[from][to], one row of per-label weights per feature) with Viterbi
    decoding."""

    def __init__(self, data: dict):
        import numpy as np

        self.labels: list[str] = data["labels"]
        self.transitions = np.array(data["transitions"], dtype=np.float64)
        # a last row of zeros stands for every feature the model does not know
        self.weights = np.vstack([np.array(data["weights"], dtype=np.float64).reshape(-1, len(self.labels)),
                                  np.zeros(len(self.labels))])
        self.row = {f: k for k, f in enumerate(data["features"])}

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> "AttributionModel":
        import json

        return cls(json.loads(path.read_text(encoding="utf-8")))

    def tag(self, seq: list[list[str]]) -> list[str]:
        import numpy as np

        if not seq:
            return []
        get, unknown = self.row.get, len(self.weights) - 1
        rows = [get(f, unknown) for feats in seq for f in feats]
        offsets = np.cumsum([0] + [len(feats) for feats in seq[:-1]])
        emit = np.add.reduceat(self.weights[rows], offsets, axis=0)  # every token has features ("b" at least)
        score = emit[0].copy()
        back = np.zeros((len(seq), len(self.labels)), dtype=np.int64)
        for k in range(1, len(seq)):
            cand = score[:, None] + self.transitions  # [from, to]
            back[k] = cand.argmax(axis=0)  # first best on ties: deterministic
            score = cand.max(axis=0) + emit[k]
        best = [int(score.argmax())]
        for k in range(len(seq) - 1, 0, -1):
            best.append(int(back[k][best[-1]]))
        return [self.labels[b] for b in reversed(best)]


_MODEL: AttributionModel | None = None
_TAGGER: str | None = None  # "tf" or "crf", chosen on first use


def learned_tagger() -> str:
    """Which learned model tags tokens: the fine-tuned transformer ("tf", unspun.quotes_tf) where torch and its
    weights are installed, else the CRF ("crf")."""
    global _TAGGER
    if _TAGGER is None:
        from . import quotes_tf

        _TAGGER = "tf" if quotes_tf.available() else "crf"
    return _TAGGER


def attribution_model() -> AttributionModel:
    global _MODEL
    if _MODEL is None:
        _MODEL = AttributionModel.load()
    return _MODEL


_MAX_CONTINUATION_GAP = 25  # tokens between two content runs of one attribution ('"A," the senator said. "B."')


def decode_attributions(doc: "Doc", paras: list[tuple[list[int], list[str]]]) -> list[dict]:
    """Tagged paragraphs -> attributions {content: [(s, e)], cue: [token idx], source: [token idx]}. A content run
    that opens with CI continues the previous attribution ('"A," he said. "B."'; a quote's next paragraph)."""
    atts: list[dict] = []
    chunks = []  # (label, [token idx]) cue and source runs, with the attribution nearest them
    for idx, tags in paras:
        prev = "O"
        for i, t in zip(idx, tags):
            if t in ("CB", "CI"):
                # a continuation far from the last content (a stray CI) starts an attribution of its own
                if t == "CB" or not atts or i - atts[-1]["runs"][-1][-1] > _MAX_CONTINUATION_GAP:
                    atts.append({"runs": [[i]], "cue": [], "source": []})
                elif prev in ("CB", "CI"):
                    atts[-1]["runs"][-1].append(i)
                else:
                    atts[-1]["runs"].append([i])
            elif t in ("Q", "S"):
                if prev == t:
                    chunks[-1][1].append(i)
                else:
                    chunks.append((t, [i]))
            prev = t
    if not atts:
        return []
    # a sentence within one paragraph (the parser may run a sentence across a line break)
    sent_start = [0] * len(doc)
    for sent in doc.sents:
        sent_start[sent.start : sent.end] = [sent.start] * len(sent)
    sent_of = {i: (k, sent_start[i]) for k, (idx, _) in enumerate(paras) for i in idx}
    for a in atts:
        a["sents"] = {sent_of[i] for r in a["runs"] for i in r}
    for label, toks in chunks:
        # the attribution with content nearest the run, in the same sentence
        best = min(((min(abs(i - toks[0]) for r in a["runs"] for i in (r[0], r[-1])), n)
                    for n, a in enumerate(atts) if sent_of[toks[0]] in a["sents"]), default=None)
        if best is not None:
            key = "cue" if label == "Q" else "source"
            a = atts[best[1]]
            if not a[key] or best[0] < a[key + "_dist"]:
                a[key], a[key + "_dist"] = toks, best[0]
    out = []
    for a in atts:
        content = [(doc[r[0]].idx, doc[r[-1]].idx + len(doc[r[-1]])) for r in a["runs"]]
        out.append({"content": content, "cue": a["cue"], "source": a["source"]})
    return out


def _reported_clause(words: list["Token"], flags: _TokenFlags) -> bool:
    """Are these tokens a clause with its own subject that a speech or cognition verb governs ("said | the bill
    failed")? That is a quote; "hoping to win", "thanked Trump for X" and "the court ruled that" are stances, which
    the rules also keep out of quotes."""
    inside = {t.i for t in words}
    return any(t.head.i not in inside and t.dep_ == "ccomp" and flags.cue[t.head.i]
               and any(c.dep_ in ("nsubj", "nsubjpass") and c.i in inside for c in t.children) for t in words)


def _without_cue_preposition(doc: "Doc", content: list[tuple[int, int]], in_quote) -> list[tuple[int, int]]:
    """A model attribution that opens with the preposition its cue takes ('made no mention | of God', 'are
    circulating talking points | on controversies') starts at the preposition's object: PolNeAR's content, and the
    rules' stance spans ("talked about X" -> X), leave the preposition out."""
    s, e = content[0]
    span = doc.char_span(s, e, alignment_mode="expand")
    words = [t for t in span if not (t.is_punct or t.is_space)] if span is not None else []
    if len(words) > 1 and words[0].pos_ == "ADP" and words[0].dep_ in ("prep", "agent", "dative") \
            and not span.start <= words[0].head.i < span.end and not in_quote(words[0].idx):
        return [(words[1].idx, e)] + content[1:]
    return content


def _tf_reads_stances() -> bool:
    from . import quotes_tf

    return quotes_tf.load().tagger.stance_marks


def _learned_records(doc: "Doc", flags: _TokenFlags, records: list[QuoteRecord], *,
                     clauses_only: bool, stance_marks: bool = False) -> list[QuoteRecord]:
    """The model's attributions as records: speaker from its source words (else its cue's subject), resolved as the
    rules' are; one with neither has no mention (extract_records keeps it on its own only with a cue, else uses it
    only to widen a rule record). `clauses_only`: quotes only (see
    below), not stances."""
    text = doc_text(doc)
    quote_spans = flags.quote_spans(doc)
    if learned_tagger() == "tf":
        from . import quotes_tf

        tagged = quotes_tf.load().tag(doc, _rule_marks(doc, records, stances=stance_marks),
                                      _paragraphs(text) or [(0, len(text))])
    else:
        model = attribution_model()
        tagged = [(idx, model.tag(seq)) for idx, seq in attribution_features(doc, records, quote_spans, flags)]
    in_quote = _InSpans([(s, e) for s, e, _ in quote_spans])
    resolver = None
    out = []
    for att in decode_attributions(doc, tagged):
        content = _without_cue_preposition(doc, att["content"], in_quote)
        words = [t for s, e in content for t in doc.char_span(s, e, alignment_mode="expand") if not t.is_punct]
        subj = None
        if att["source"]:
            src = set(att["source"])
            subj = next((doc[i] for i in att["source"] if doc[i].head.i not in src or doc[i].head.i == i), None)
        elif att["cue"]:
            subj = _subject(doc[att["cue"][0]])
            if subj is not None and in_quote(subj.idx):
                subj = None
        if clauses_only and not _reported_clause(words, flags):
            continue
        direct = all(in_quote(s) and in_quote(e - 1) for s, e in content)
        rec = QuoteRecord(kind="direct" if direct else "indirect", content=content)
        rec.extra.update(learned=True, words=sum(t.is_alpha or t.is_digit for t in words))
        if att["cue"]:
            first, last = doc[att["cue"][0]], doc[att["cue"][-1]]
            rec.cue = (first.idx, last.idx + len(last))
        if subj is not None:
            if resolver is None:
                resolver = flags.resolver(doc)
            ms, me, rec.mention_text, label = _mention_span(subj)
            rec.mention = (ms, me)
            rec.speaker = resolver.resolve(subj, rec.mention_text, label)
        rec.text = _content_text(text, content, rec.kind)
        if rec.text:
            out.append(rec)
    return out
