"""Cited extractive multi-document summary of one story.

Selection (hand-set features; one small learned scorer on top, see 3b/3c):

1. Sentences per article: from the pipeline's spaCy `Doc` when given (`unspun.nlp.sentences`), otherwise from a
   cheap rule-based splitter (spaCy's `sentencizer` on a blank English pipeline: no parse, ~50x faster). Dangling
   opening quotes/brackets that a splitter leaves at a sentence end are moved to the next sentence, a split after a
   title that only stands before a name ("..., said Det.-Sgt. | Susan Gomes.", "police Cpl. | Sam Winkler said.":
   13 of 7,591 dev92 sentences, one of them a summary's opening) is undone, and a quotation the splitter cut into
   2-3 pieces is joined back into one sentence (still a verbatim span of the article).
2. Candidates: junk-looking lines (captions, credits, promos, cookie/subscribe text, URLs, the Twitter-embed /
   Wayback-crawl / e-mail-widget pseudo-articles of web scrapes, text addressed to the reader: 'You ...', 'Please
   ...'; AP-style photo captions, which close on place, weekday and full date: '..., in Beijing, Monday, May 7,
   2012.'), half sentences (no final punctuation, lower-case start, unbalanced quotes), very short/long sentences
   and bare 'He said ...' openers are skipped. A leading dateline ("HONOLULU (AP) — ") is cut off (the rest is
   still verbatim). Sentences opening with a pronoun or ending in a '..., he said.' attribution are *dependent*:
   usable only right after their own predecessor in the same article (which holds the antecedent), placed directly
   after it. Extractive output must be verbatim (citations are checked verbatim), so nothing is rewritten.
3. Score = cross-outlet agreement + position. Agreement is measured on *concepts* (stemmed content unigrams and
   bigrams): a concept's weight is the number of distinct outlets whose articles contain it, so material repeated
   inside one article or by one outlet does not count twice. The TF-IDF cosine of a sentence to the other outlets'
   articles adds a softer centrality signal.
3b. Learned scorer (summary_model.json, no pickle): gradient-boosted regression trees (the mean of 5 boosted models
   of 80 depth-3 trees, scikit-learn, seeds 0-4) over the per-candidate features above plus article-level ones
   (`FEATURES`), fitted on Multi-News dev92 to predict each sentence's ROUGE-1+2 *precision* against the reference
   (n-gram overlap per sentence n-gram, scaled to the story's best). With the shipped model the step score is that
   prediction times words**0.1 (`learned_length_exp`: a slight lean toward longer sentences, as ROUGE F1 needs
   coverage as well as precision; story max = 1) minus the MMR penalty; the hand-set score becomes one of its
   features.
   `bench/summarize.py --fit` chooses the variant by 5-fold cross-validation over dev92 clusters, averaged over
   three fold splits (R-1/2/L 46.25/15.61/21.09 hand-set -> 47.07/16.51/21.91 one model -> 47.19/16.67/22.00 the
   mean of five) and refits it on all of dev92. Recall labels (R-1+R-2 recall), an LCS label and greedy-oracle
   membership labels lost: the first two favour long sentences. Features saying how close a sentence is to what
   the articles' leads say (`lead_cross`, `lead_own`), how much of it is quotation or attribution, and how many of
   the story's heaviest concepts it holds added CV +0.5/+0.8/+0.4 R-1/2/L; similarity to the best article's lead
   and to the first three sentences of each article, 120 trees and depth 4 did not help. The length lean
   (`learned_length_exp` 0.1) added +0.1/+0.2/+0.1 (now 47.50/17.51/22.52, hand-set 46.24/15.77/21.43 on the same
   cleaned articles; 0.04-0.2 all gained, 0.3 lost).
   Meaning-level similarity did not pay (all-MiniLM-L6-v2 int8 vectors of every candidate, `unspun.embed`; dev92
   CV R-1/2/L, same folds, 47.58/17.80/22.85 without): cross-article semantic support, centroid and headline cosines
   as features 47.63/17.81/22.90 (paired SE 0.14-0.17: noise, for ~5 ms a sentence), centroid/headline alone
   47.56/17.71/22.83, a ridge on the vectors as a feature 47.09/17.32/22.56, 8 PCA dimensions 47.52/17.67/22.72;
   semantic redundancy in the MMR step lost (max with the TF-IDF cosine: R-L +0.03 to -0.95, as ROUGE rewards the
   words paraphrases share); ordering by it (centroid or headline first, semantic flow, semantic earliest position):
   R-L -0.3 to +0.06.
3c. Opening pick: the learned scorer alone rates cross-outlet agreement low (it learns from per-article text).
   When outlets carry a sentence verbatim, the best of those by the hand-set score is picked first (`agreed_lead`;
   it is placed by position like the rest, as a shared quotation makes a poor opening; CV +0.1 R-L over opening
   with it). Otherwise the first pick can be the hand-set score's best (`hand_first`, with the learned scorer): it
   won CV by +0.1 R-1 in an earlier round; refitted on this round's cleaning and candidates the two tie (R-1/2/L
   47.48/17.60/22.78 with it, 47.53/17.68/22.74 learned-only) and the CV sum picks learned-only.
4. Redundancy control: greedy budgeted maximum coverage (submodular concept coverage, as in Gillick & Favre /
   Lin & Bilmes): each step picks the sentence with the best *new* concept weight per length, plus an MMR-style
   cosine penalty against what is already selected, until the word / sentence budget is used.
   End game (`fill`, with the learned scorer): the greedy pass leaves ~11 of 250 words unused once no sentence fits;
   a pick (not the opening one, nor a dependent's predecessor) is swapped for a longer sentence that fits the spare
   words when the step score rates it at least as high. Dev92 CV R-1/2/L (5 folds, seeds 0-2, same candidates):
   47.50/17.75/22.79 -> 47.51/17.80/22.90 (paired +0.01/+0.05/+0.11, SE 0.04-0.09); on the articles as cleaned
   earlier this round +0.06/+0.08/+0.10 (seeds 0-2) and +0.06/+0.11/+0.14 (seeds 3-5). Swaps that only add words
   lost: by predicted overlap (per-word score x words, less redundancy) -0.15/-0.09/-0.04, a swap-in scoring up to
   0.05 / 0.15 lower -0.06/-0.09/0.00 / -0.16/-0.20/+0.02. Stopping short lost too: a 230-word budget (summaries of
   221 words, the references' length) -0.28/-0.17/+0.07; stopping when the step score falls under 0.15 / 0.3 of the
   story's best changed nothing.
   Held out, with the reprint junk below and the scorer refitted: test120 R-1/2/L 45.45/16.02/21.13 ->
   45.32/15.90/21.11, a wash (95% CIs +-1.2-1.7).
4b. Tried this round and left out (dev92 CV R-1/2/L, seeds 0-2, on the articles as cleaned early this round, where
   the shipped selection scored 47.51/17.74/22.78; refitting the scorer with other seeds alone moves CV by <= 0.1):
   - Sub-sentence units: a sentence printed without its parenthetical asides, its asides between two dashes, or a
     trailing "according to (media) reports" (citations still checking the whole sentence verbatim): parentheses
     47.58/17.71/22.72, dashes 47.54/17.78/22.76, all three 47.56/17.77/22.80 (paired +0.05/+0.03/+0.02, SE
     0.13-0.15: noise); read by eye, some drops lose content ("(by Jason Moore)") or an attribution. Dropping
     "X said" tails was not tried beyond that: it loses who claims the fact.
   - Error analysis (20 dev92 clusters, picks vs the greedy ROUGE oracle's): 27% of oracle sentences are no
     candidates (mostly under 8 words - headings, "Trump tweeted." - and pieces of quotations running over more than
     three sentences); the picks lean to article leads (12.5% first candidates vs 2.2%), the oracle's to later
     sentences, quotations and pronoun-led ones (18% dependents vs 5%). Acting on it: an all-quotation sentence or a
     first-person one as dependent (its speaker named before) 47.29/17.32/22.52 and 47.50/17.55/22.68; a dependent
     joined to its predecessor as one candidate 47.35/17.67/22.88 (with the end game R-L +0.37 +- 0.16 on seeds
     0-2, not repeated on seeds 3-5: R-1/2/L -0.41/-0.25/-0.07); min_words 6 +0.04/+0.02/-0.06. Junk the cleaner
     missed: reprint notices and "For more information ... visit" pointers are junk now (with the end game
     47.59/17.81/22.97 on today's cleaning); "advertisement" inside news about ads and a slashed acronym like
     "(BUD/S)" taken for a photo credit read right as candidates but lost (47.38/17.52/22.79, ~4 candidates more),
     so both stay junk.
5. Citations: every article whose (whitespace-normalised) text contains the sentence verbatim, earliest first;
   `support`: further articles holding a sentence with high word overlap (near-identical or paraphrase-level
   restatement), or with every precise figure of it and some overlap (the same fact in other words).
   `single_source` when all of them come from one outlet.
6. Order: by the earliest relative position (sentence index / article length) at which any cited or supporting
   article tells the sentence (verbatim, or restated as the support rule counts it), ties to the earlier pick, so
   what the leads of all outlets say comes first and details later, as the Multi-News references read; a dependent
   sentence directly follows its predecessor. Same selections, plain R-L: dev92 CV 22.56 -> 22.74 over relative
   position in the earliest citing article (the order before), test120 21.34 -> 21.23 (paired difference -0.11 +-
   0.12, within noise), R-1@40 up on both (+0.4 on test120). Absolute position, the earliest absolute position,
   article (date) then position (-0.7) and pick rank (centrality: best @40, -1.5) lost; a consensus position (mean
   relative position of the best match in every article) and a learned order lost in earlier rounds; ordering by
   the reference itself would reach ~+1.4.
   The first sentence must open plainly: one that opens with a quotation or a connective ('But', 'Still,', 'In
   fact,', 'Now,'), in the first person ('We are currently monitoring ...', a statement's words), with an early
   'also' ('The team also identified ...') or a demonstrative after a short opener (no colon after it) gives way to
   the first that does not (with its dependents; the rest keep their order); so does one with he/she/his/her
   before any name ("Bower wrote about how her son's photos ...") unless its subject has an article ("A man who
   said he ...") or the name follows the pronoun's phrase. With the splitter's title repair above: dev92 CV (models
   fitted as before, seeds 0-2) 47.70/17.76/23.03 -> 47.69/17.74/23.05, paired -0.01/-0.02/+0.03 (SE 0.02-0.05);
   the first 40 words lose a little (R-1/2/L@40 -0.07/-0.08/-0.08, SE 0.04-0.07; 12 of 273 openings change): for
   readers, not for ROUGE.
   Tried in round 14 on the CV picks (dev92, seeds 0-2, plain R-L 23.03; per-story paired differences): the
   reference's own order would reach 24.63, but no cheap signal finds it. The earliest position plus or minus a
   little of another signal (the hand-set score, centroid or lead cosine, top-concept share, learned score, share of
   articles telling it, quotation share, a background marker such as "earlier"/"last year"/"in 2015", a reaction
   ("said in a statement"), pick rank): best +0.08 (SE 0.04) of 40 variants, most lose; the weight chosen by nested
   CV over 21 of them +0.03 +- 0.03. Position in the article most picks come from -0.06 to -0.10, mean position
   over the telling articles -0.20, the second-earliest position -0.38, a ridge fitted to each pick's position in
   the reference (earliest, hand-set score, quotation, top concepts; nested CV) -0.23 to -0.33, the pick that
   matches the reference's earliest sentence first -0.29.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Callable, Sequence

from .ingest.common import match_dateline
from .model import Article, SummarySentence, normalize_ws
from .provenance import sentence_key
from .spin import has_caption_wording, same_figure, specific_figures

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

DEFAULT_MAX_WORDS = 120

# --------------------------------------------------------------------------------------------------------------
# Tunable parameters (tuned on multinews_dev92 only; see bench/summarize.py)


@dataclass(frozen=True)
class Params:
    min_words: int = 8  # shorter sentences are rarely informative on their own (and often captions)
    max_words: int = 80  # longer "sentences" are usually run-ons from bad splitting or lists
    length_exp: float = 0.6  # gain / words**length_exp: mild preference for longer sentences
    position_weight: float = 0.5  # bonus for early sentences in an article (1.0 -> 0.5: +0.3-0.4 R-1/2/L on dev92)
    position_decay: float = 4.0  # sentence index scale of the position bonus
    centrality_weight: float = 1.0  # TF-IDF cosine to other outlets' text
    redundancy: float = 1.0  # MMR penalty weight (max cosine to already selected sentences)
    max_sim: float = 0.6  # hard redundancy cut: skip sentences this similar to a selected one
    bigram_weight: float = 1.0  # bigram concepts relative to unigram ones
    single_df_weight: float = 0.15  # weight of concepts seen in one outlet only (multi-outlet stories)
    cand_position: bool = True  # position = rank among an article's candidates (skips captions/bylines on top)
    tf_weight: float = 1.0  # concept weight *= (1 + tf_weight * log(count in story))
    graph_weight: float = 0.0  # LexRank-style PageRank over cross-outlet similarity (off: no gain on dev92)
    article_rel_exp: float = 2.0  # scale sentences by (article's similarity to the rest of the story)**exp
    lead_first: bool = False  # open with the top-ranked sentence, the rest in `order` (on: -0.2 R-L on dev92)
    # earliest: the earliest relative position (sentence index / article length) at which any article carries or
    # restates the sentence | relpos (in the earliest citing article) | pos (position, then date) | date_pos | rank
    order: str = "earliest"
    dependents: bool = True  # allow pronoun-opening sentences right after their own predecessor
    strip_dateline: bool = True  # drop a leading "CITY (AP) — " from candidate sentences
    merge_quotes: bool = True  # join a quotation split over 2-3 sentences into one candidate
    # Learned scorer (summary_model.json, fitted on dev92 by `bench/summarize.py --fit`): the step score is
    # hand_weight * (hand-set score) + learned_weight * (predicted sentence ROUGE, story max = 1) - redundancy.
    # None = the values stored with the shipped model (its "params"), else 1 / 1 / off.
    learned_weight: float | None = None
    hand_weight: float | None = None
    learned_cover: bool | None = None  # scale the learned score by the share of its concept weight still uncovered
    # The learned score is a predicted per-word precision; times words**exp it leans a little toward longer
    # sentences, trading some precision for coverage (ROUGE F1 needs both; CV on dev92 peaks near 0.1).
    learned_length_exp: float = 0.1
    # Cross-outlet agreement that no scorer can out-vote: when outlets carry a sentence verbatim, the best such
    # sentence (by the hand-set score) is picked first.
    agreed_lead: bool = True
    hand_first: bool | None = None  # with a learned scorer: the first pick by the hand-set score, the rest learned
    # The first sentence in summary order must not open with a quotation or a connective (see _strong_opening).
    strong_opening: bool = True
    # Knapsack end game (see _fill_budget): with a learned scorer, swap picks for longer sentences the step score
    # rates as high, using the words the greedy pass left over.
    fill: bool = True
    # A story told on several days keeps the lead of its newest article (see _latest_pick).
    latest_lead: bool = True


DEFAULT_PARAMS = Params()
MAX_CANDIDATES = 1500  # cap on candidate sentences per story (memory/time bound for very large stories)

# --------------------------------------------------------------------------------------------------------------
# Text helpers

_WORD = re.compile(r"\w+")  # letters and digits of any script ("don’t" -> "don", "t")
_OPENERS = "“‘\"'(["
_TRAILING_OPENER = re.compile(r"\s+([“‘\"(\[]+)$")
# A connective may carry a short phrase before the pronoun ("And in fact, that is when ...", "But by then, he ...").
_PRONOUN_START = re.compile(
    r"^(?:(?:and|but|or|so|yet|also|still|then|however|meanwhile)(?:,?\s+[\w'’]+){0,3}?,?\s+)?"
    r"(?:he|she|they|it|this|that|these|those|his|her|hers|their|theirs|its|him|them|both|such|"
    r"the two|the former|the latter|the same)\b",
    re.IGNORECASE,
)
# "On Tuesday, he ..." / "Over the weekend it ...": a short opener, then the pronoun subject.
_PRONOUN_AFTER_OPENER = re.compile(
    r"^[“\"]?(?:On|In|At|Over|During|After|Before|Last|This|Earlier|Later|Since|Until|When|While|Then|Now|Today|"
    r"Yesterday|Tomorrow|Instead|Still|Meanwhile|Previously|Afterward|Afterwards)\b[^,.;:]{0,40}?,?\s+"
    r"(?:he|she|they|it|his|her|their|its)\b"
)
# '..., he said.' / '" she told reporters.' : a quote attributed only to a pronoun.
_DANGLING_SAID = re.compile(
    r"[,.!?;:]?[”\"’']?\s*,?\s*(?:he|she|they|it)\s+(?:said|says|added|told|explained|noted|wrote|continued|"
    r"argued|insisted|claimed|recalled|asked|replied|stated|tweeted|declared|warned|concluded)\b",
    re.IGNORECASE,
)
_JUNK = re.compile(
    r"(https?://|www\.|\.com\b|@\w|#\w|click here|subscribe|sign up|newsletter|cookie|javascript|"
    r"wayback|archive\.org|all rights reserved|copyright|©|photo:|photograph:|image:|getty images|"
    r"\bap photo\b|file photo|reuters/|caption|advertisement|read more|related:|follow us|share this|"
    # reprint notices and "visit our site" pointers
    r"\breprints?\b|non-?commercial use|^for more (?:information|details)\b[^.]*\bvisit\b|"
    r"terms of (?:use|service)|privacy policy|sign in|your browser|"
    r"contributed to this report|this story has been|this article|editor['’]s note|updated at|"
    r"^\d+ of \d+\b|"
    # the reporting process, no fact of the story ("Apple has been contacted for comment", "did not immediately
    # respond to a request for comment"; no Multi-News reference of 212 says such a thing)
    r"\b(?:request|requests|asked|reached|contacted|approached) for comment\b|\bdeclined to comment\b|"
    r"\bcould not (?:immediately )?be reached\b|\bno immediate comment\b|\b(?:has|have) been contacted\b|"
    r"\bdid not (?:immediately )?(?:respond|reply|return)\b[^.]{0,40}\b(?:comment|messages?|calls?|e-?mails?|"
    r"inquir(?:y|ies))\b|"
    # Multi-News / web-scrape pseudo-articles: Twitter embeds, Wayback crawl notes, e-mail sign-up widgets
    r"tweet location|location information to your tweets|\bcrawl\b|\bwarc\b|internet archive|alexa internet|"
    r"breaking news emails|news alerts|log in to continue|you must log in|legacy twitter|"
    # photo captions and widgets
    r"^(?:in )?this (?:\w+ )?(?:\w+ )?(?:photo|image|picture|handout)|handout (?:photo|image|picture)|"
    r"\bphoto (?:taken|released|provided)\b|^by by\b|^buy photo\b|"
    r"\b(?:poses|stands) for (?:an? )?(?:\w+ )?(?:photo|portrait|picture)|"
    # AP caption style: a photo's place and full date, weekday and year, close the sentence ("..., in Beijing,
    # Monday, May 7, 2012."); news prose names the weekday or the date, not both with the year.
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+"
    r"\d{1,2},\s+\d{4}\W*$)",
    re.IGNORECASE,
)
# Text addressed to the reader ("You can add location information ...", "Please check the URL ...") outside a
# quotation.
_READER = re.compile(r"^(?:You|Your|Please)\b")


# _JUNK without IGNORECASE, for lower-cased text: ~2.5x faster (the 60-way alternation searched case-insensitively
# was 1/8 of a short story's summary time). The pattern's literals are lower case, and lower-casing keeps positions
# and word characters, so the answers are the same, except for the letters whose case matching the re module treats
# specially (dotted and dotless i, long s), for which the case-insensitive pattern is kept.
_JUNK_LOWER = re.compile(_JUNK.pattern)
_SPECIAL_CASE = frozenset("\u0130\u0131\u017f")


def _is_junk(sent: str) -> bool:
    junk = _JUNK_LOWER.search(sent.lower()) if _SPECIAL_CASE.isdisjoint(sent) else _JUNK.search(sent)
    return bool(junk or _JUNK_CS.search(sent) or _READER.match(sent) or _TABLE_ROW.search(sent))


# a table's row as the extractor writes it ("| 作者： 记者王敬照 | 编辑： 王华军 |", "| | |"): cells, not a sentence
_TABLE_ROW = re.compile(r"^\W*\||\|[^|]*\|")
# Case-sensitive junk: photo credits "(Jane Doe / Staff)", transcript speaker tags "SHAPIRO:".
_JUNK_CS = re.compile(r"\(\s*[A-Z][\w .'-]*/\s*[\w .'-]*\)|^[A-Z][A-Z .'-]{3,}:|^FILE\s*[-–—]|^CLOSE\s")
_END_PUNCT = re.compile(r"[.!?][”\"’')\]]*$")
# A sentence that trails off in an ellipsis is a cut-off teaser ("... transferred power to the 33-year-old crown..."),
# not a statement; the issue forbids half sentences even though dev92 ROUGE is ~0.15 a metric higher with them.
_TRAILING_ELLIPSIS = re.compile(r"(\.\.\.|…)[”\"’')\]]*$")
# "The Erie Times-News reports that a man ..." -> "A man ...": the lead only says which outlet reported it, which the
# citations already say, and it reads badly as a summary opening. The subject must name a news outlet (so
# "Police reported that ..." keeps its source).
_REPORT_LEAD = re.compile(
    r"^(?P<subj>(?:The\s+)?(?:[A-Z][\w.'’&-]*\s+){1,6}|(?:The|Local|State)\s+(?:newspaper|paper|station|media)\s+)"
    r"(?:has\s+|had\s+)?(?:reports|reported)(?:\s+(?:on\s+)?[A-Z][a-z]+day)?,?\s+that\s+(?=[“\"A-Za-z0-9])"
)
_OUTLET_WORDS = frozenset(
    """news times post journal tribune herald press gazette daily telegraph guardian reuters ap afp cnn bbc nbc cbs
    abc fox npr bloomberg politico axios magazine radio tv observer chronicle courier register examiner inquirer
    monitor independent mail mirror express standard insider globe dispatch newspaper paper station media""".split()
)


def _drop_report_lead(sent: str) -> tuple[str, str] | None:
    """(verbatim rest of the sentence, the rest as printed: capitalised) when it opens with an outlet's
    'X reports that', else None."""
    m = _REPORT_LEAD.match(sent)
    if not m or not any(w.lower() in _OUTLET_WORDS for w in re.split(r"[\s’'-]+", m.group("subj"))):
        return None
    rest = sent[m.end():]
    return rest, rest[:1].upper() + rest[1:]

# A small English stop list (sklearn's is larger but drops words like "found"/"first" that carry news content).
_STOP = frozenset(
    """a an the and or but if of at by for with about against between into through during before after above below
    to from up down in out on off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will just don should now i me my
    myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its
    itself they them their theirs themselves what which who whom this that these those am is are was were be been
    being have has had having do does did doing would could ought i'm you're he's she's it's we're they're i've
    you've we've they've i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll isn't aren't wasn't
    weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't shan't shouldn't can't cannot couldn't mustn't
    let's that's who's what's here's there's when's where's why's how's as until while said says also one would
    could may might must shall mr mrs ms""".split()
)


@functools.lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _stemmer().stem(word)


@functools.lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.porter import PorterStemmer  # pure algorithm, no data download

    return PorterStemmer()


def _tokens(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


@functools.lru_cache(maxsize=50_000)  # each sentence is stemmed for concepts, TF-IDF and support: do it once
def _content_stems(text: str) -> tuple[str | None, ...]:
    """Stems of content words; None marks a stop word (keeps bigram adjacency honest)."""
    return tuple(None if w in _STOP else _stem(w) for w in _tokens(text))


def _concepts(text: str, bigram: bool = True) -> set[tuple[str, ...]]:
    stems = _content_stems(text)
    out: set[tuple[str, ...]] = {(s,) for s in stems if s is not None and len(s) > 1}
    if bigram:
        for a, b in zip(stems, stems[1:]):
            if a is not None and b is not None:
                out.add((a, b))
    return out


def _concept_weight(weights: dict, concepts: set) -> float:
    """Total weight of a set of concepts. fsum is exact whatever the order: a set's order changes with Python's
    hash seed, and a plain float sum could then differ in the last bit between runs (and flip a close pick)."""
    return math.fsum(weights.get(k, 0.0) for k in concepts)


def word_count(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------------------------------------------
# Sentence splitting


@functools.lru_cache(maxsize=1)
def _splitter():
    """Blank English pipeline with the rule-based sentencizer: no model, no download, fast."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 3_000_000
    return nlp


_ABBREV_END = re.compile(
    r"\b(?:No|Nos|Vol|Art|Sec|Ch|Fig|pp?|approx|est|vs|Gen|Gov|Sen|Rep|Sgt|Lt|Col|Capt|St|Mt|Dr|Prof|Jr|Sr|"
    r"Inc|Corp|Co|Ltd|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|[A-Z])\.$"
)


# A title that only ever stands before a name: a piece ending in one was cut inside the name ("..., said Det.-Sgt. |
# Susan Gomes.", "police Cpl. | Sam Winkler said."); "St." and "Jr." can end a sentence, so they are not here.
_TITLE_END = re.compile(r"(?:^|[\s(\-–])(?:Mr|Mrs|Ms|Messrs|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Capt|Cmdr|Maj|Adm|Sgt|Cpl|"
                        r"Pvt|Det|Insp|Supt|Const|Rev|Hon|Atty)\.$")


# A clock time closing a piece ("took off at 12:10 p.m. | Sunday, bound for San Jose.") cut a sentence when the next
# piece goes on with the day, month or time zone of that time.
_CLOCK_END = re.compile(r"\b\d{1,2}(?:[:.]\d\d)?\s?[ap]\.m\.$", re.IGNORECASE)
_CLOCK_NEXT = re.compile(
    r"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Jan(?:uary)?|Feb(?:ruary)?|March|April|May|June|July|"
    r"Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|[ECMP][SD]?T|GMT|UTC|BST|CET|local)\b")


def _fix_openers(sents: list[str]) -> list[str]:
    """Repair three splitter slips: an opening quote/bracket left at the end of a sentence moves to the next one;
    a split after an abbreviation ("the No. | 3 ad") is undone when the next piece starts with a digit or a
    lower-case word, a split after a title ("said Sgt. | Ed Harris.") when it starts with a capital, and a split
    after a clock time ("at 12:10 p.m. | Sunday, bound for ...") when it goes on with a day, month or time zone.
    Pieces stay verbatim spans of the text (joined by one space, as after normalize_ws)."""
    out = list(sents)
    for i in range(len(out) - 1):
        m = _TRAILING_OPENER.search(out[i])
        if m:
            out[i] = out[i][: m.start()].rstrip()
            out[i + 1] = m.group(1) + out[i + 1]
    merged: list[str] = []
    for s in out:
        if not s:
            continue
        if merged and ((_ABBREV_END.search(merged[-1]) and (s[0].isdigit() or s[0].islower()))
                       or (_TITLE_END.search(merged[-1]) and s[0].isupper())
                       or (_CLOCK_END.search(merged[-1]) and _CLOCK_NEXT.match(s))):
            merged[-1] = merged[-1] + " " + s
        else:
            merged.append(s)
    return merged


def split_sentences(text: str) -> list[str]:
    """Cheap sentence split of an article body (paragraphs always end a sentence)."""
    from .nlp import MAX_CHARS, sentences

    if not text or not text.strip():
        return []
    return _fix_openers(sentences(_splitter()(text[:MAX_CHARS])))


def article_sentences(article: Article, doc: "Doc | None" = None) -> list[str]:
    if doc is not None:
        from .nlp import sentences

        return _fix_openers(sentences(doc))
    return split_sentences(article.text or "")


# --------------------------------------------------------------------------------------------------------------
# Candidate filter


_SPEECH_OPENER = re.compile(
    r"^(?:he|she|they|it)\s+(?:also\s+)?(?:said|says|added|told|explained|noted|wrote|continued|argued|insisted|"
    r"claimed|recalled|asked|replied|stated|tweeted|declared|warned|concluded)\b",
    re.IGNORECASE,
)

OK, DEPENDENT, REJECT = "ok", "dependent", "reject"


def candidate_status(sent: str, params: Params = DEFAULT_PARAMS) -> str:
    """OK: a stand-alone summary sentence. DEPENDENT: fine except that it opens with a pronoun (or is a quote
    attributed to a pronoun), so it may only be used right after its own predecessor in the same article, which
    holds the antecedent. REJECT: junk, half sentence, bad length, or a bare 'He said ...' opener."""
    n = word_count(sent)
    if n < params.min_words or n > params.max_words:
        return REJECT
    if not _END_PUNCT.search(sent) or _TRAILING_ELLIPSIS.search(sent):
        return REJECT
    first = sent.lstrip(_OPENERS)
    if not first or not (first[0].isupper() or first[0].isdigit()):
        return REJECT
    if _is_junk(sent) or has_caption_wording(sent):
        return REJECT
    # Unbalanced quotes = a fragment of a longer quotation.
    if sent.count("“") != sent.count("”") or sent.count('"') % 2:
        return REJECT
    if sent.count("(") != sent.count(")") or sent.count("[") != sent.count("]"):  # a cut-off aside or teaser
        return REJECT
    letters = sum(c.isalpha() for c in sent)
    if letters < 0.6 * len(sent):
        return REJECT
    upper = sum(c.isupper() for c in sent)
    if upper > 0.3 * letters:
        return REJECT
    if sent.rstrip("\"'\u201d\u2019)").endswith("?"):  # questions rarely state facts, quoted ones neither
        return REJECT
    if _SPEECH_OPENER.match(sent):  # "He said the decision ...": attribution carries no fact of its own
        return REJECT
    # Pronouns inside a quotation opening the sentence are the speaker's words; the attribution is checked below.
    if not sent.startswith(("“", '"')) and (_PRONOUN_START.match(sent) or _PRONOUN_AFTER_OPENER.match(sent)):
        return DEPENDENT
    if _DANGLING_SAID.search(sent):
        return DEPENDENT
    return OK


def is_candidate(sent: str, params: Params = DEFAULT_PARAMS) -> bool:
    """False for junk, half sentences, and sentences that depend on an unresolved antecedent."""
    return candidate_status(sent, params) == OK


# --------------------------------------------------------------------------------------------------------------
# Core


@dataclass
class _Sent:
    text: str
    art: int  # article index (earliest first)
    pos: int  # sentence index within its article
    n_words: int
    concepts: set = field(default_factory=set)
    prev: "_Sent | None" = None  # for a DEPENDENT sentence: its predecessor in the article (holds the antecedent)
    shown: str = ""  # what the summary prints when it differs from the verbatim span `text` (_drop_report_lead)


def _open_quote(sent: str) -> bool:
    return sent.count("“") > sent.count("”") or sent.count('"') % 2 == 1


def _close_quote(sent: str) -> bool:
    return sent.count("”") > sent.count("“") or sent.count('"') % 2 == 1


def _merge_quotes(sents: list[str], max_join: int = 3) -> list[str]:
    """A quotation the splitter cut into pieces ('“We tried. | It failed,” she said.') becomes one sentence when
    the next one or two pieces close it; otherwise the pieces stay as they are (and fail the quote-balance test)."""
    out: list[str] = []
    i = 0
    while i < len(sents):
        s = sents[i]
        end = -1
        if _open_quote(s):
            for j in range(i + 1, min(len(sents), i + max_join)):
                if not _open_quote(" ".join(sents[i : j + 1])):
                    end = j
                    break
        if end > 0:
            out.append(" ".join(sents[i : end + 1]))
            i = end + 1
        else:
            out.append(s)
            i += 1
    return out


def _outlet_key(article: Article) -> str:
    return article.outlet or article.id


def _select(
    cands: list[_Sent],
    weights: dict,
    static: list[float],
    scale: list[float],
    sim,
    max_words: int | None,
    max_sentences: int | None,
    params: Params,
    dep: list[int],
    learned: list[float] | None = None,
    first: int | None = None,
    second: int | None = None,
) -> list[int]:
    """Greedy budgeted coverage. `first`: the opening pick (_opening_pick); `second`: a pick made right after the
    first one, whichever that is (_latest_pick), unless it repeats it or no longer fits."""
    covered: set = set()
    chosen: list[int] = []
    chosen_set: set[int] = set()
    used_words = 0
    seen_norm: set[str] = set()
    remaining = set(range(len(cands)))
    g0 = [_concept_weight(weights, c.concepts) or 1.0 for c in cands] if learned is not None else None
    while remaining:
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
        best, best_score = -1, -math.inf
        if first is not None and not chosen:  # the opening pick was made by _opening_pick
            best, first = first, None
        elif second is not None and len(chosen) == 1:
            if second not in chosen_set and sim[second, chosen[0]] < params.max_sim \
                    and (max_words is None or used_words + cands[second].n_words <= max_words):
                best = second
            else:
                second = None
        for i in (sorted(remaining) if best < 0 else ()):
            c = cands[i]
            if dep[i] >= 0 and dep[i] not in chosen_set:
                continue
            if max_words is not None and used_words + c.n_words > max_words:
                # allow filling the budget with a shorter sentence later; never exceed it
                continue
            gain = _concept_weight(weights, c.concepts - covered)
            red = max((sim[i, j] for j in chosen), default=0.0)
            if red >= params.max_sim:
                continue
            hand = scale[i] * (gain / (c.n_words ** params.length_exp) + static[i])
            if learned is not None:
                own = learned[i] * (gain / g0[i] if params.learned_cover else 1.0)
                hand = params.hand_weight * hand + params.learned_weight * own
            score = hand - params.redundancy * red
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        remaining.discard(best)
        key = cands[best].text.lower()
        if key in seen_norm:
            continue
        seen_norm.add(key)
        chosen.append(best)
        chosen_set.add(best)
        covered |= cands[best].concepts
        used_words += cands[best].n_words
    if params.fill and learned is not None and max_words is not None:
        keep = 2 if second is not None and chosen[1:2] == [second] else 1
        chosen = _fill_budget(cands, chosen, learned, sim, dep, max_words, params, keep=keep)
    return chosen


def _fill_budget(cands: list[_Sent], chosen: list[int], learned: list[float], sim, dep: list[int], max_words: int,
                 params: Params, keep: int = 1) -> list[int]:
    """Knapsack end game: the greedy pass stops with words to spare once no remaining sentence fits. Swap a pick
    (not the opening one, nor one a chosen dependent follows) for a longer unpicked sentence that fits the spare words
    when the step score (learned score less redundancy with the other picks) rates it at least as high; repeat while
    one does. Swaps that merely add words (a predicted-overlap or a lower-score criterion) lost on dev92."""
    n_words = [c.n_words for c in cands]
    chosen = list(chosen)
    for _ in range(len(chosen)):
        spare = max_words - sum(n_words[i] for i in chosen)
        if spare <= 0:
            break
        needed = {dep[i] for i in chosen if dep[i] >= 0}
        best = None
        for pos in range(keep, len(chosen)):  # the first `keep` picks (opening, latest lead) stay
            j = chosen[pos]
            if j in needed:
                continue
            rest = [i for i in chosen if i != j]
            rest_set = set(rest)
            seen = {cands[i].text.lower() for i in rest}

            def score(k: int) -> float:
                red = max((sim[k, i] for i in rest), default=0.0)
                return -math.inf if red >= params.max_sim else learned[k] - params.redundancy * red

            own = score(j)
            for k in range(len(cands)):
                if k in rest_set or not (n_words[j] < n_words[k] <= n_words[j] + spare):
                    continue
                if (dep[k] >= 0 and dep[k] not in rest_set) or cands[k].text.lower() in seen:
                    continue
                gain = score(k) - own
                if gain >= 0 and (best is None or (gain, n_words[k]) > best[0]):
                    best = ((gain, n_words[k]), pos, k)
        if best is None:
            break
        # the swap-in goes last: a dependent one then comes after its predecessor, as ordering expects
        chosen = chosen[: best[1]] + chosen[best[1] + 1:] + [best[2]]
    return chosen


def _overlap(a: set, b: set) -> float:
    """Share of a's content words found in b."""
    if not a:
        return 0.0
    return len(a & b) / len(a)


SUPPORT_OVERLAP = 0.6  # share of a summary sentence's content words a supporting sentence must contain
# A sentence that carries every precise figure of the summary sentence ("$284.46", "1,043 billion") restates the
# same fact in other words with less overlap; small counts and years don't qualify (see spin.specific_figures).
FIGURE_SUPPORT_OVERLAP = 0.3


class _Claim:
    """A summary sentence as support is checked against it: content stems and precise figures."""

    def __init__(self, text: str) -> None:
        self.stems = set(x for x in _content_stems(text) if x)
        self.figures = specific_figures(text)

    def supported_by(self, stems: set, text: str) -> bool:
        share = _overlap(self.stems, stems)
        if share >= SUPPORT_OVERLAP:
            return True
        if not self.figures or share < FIGURE_SUPPORT_OVERLAP:
            return False
        theirs = specific_figures(text)
        return all(any(same_figure(f, g) for g in theirs) for f in self.figures)


def summarize(
    articles: list[Article],
    docs: dict[str, "Doc"] | None = None,
    *,
    max_words: int | None = None,
    max_sentences: int | None = None,
    params: Params | None = None,
    model: dict | None | bool = True,
) -> list[SummarySentence]:
    """Extractive summary of one story whose `articles` come earliest first.

    Length: `max_words` (default 120 when neither limit is given) and/or `max_sentences`; both are hard limits.
    `model`: True = the shipped learned scorer (when present), False/None = hand-set score only, or a model dict.
    """
    if model is True:
        model = default_model()
    if params is None:  # the shipped model carries the selection settings chosen with it by cross-validation
        params = replace(DEFAULT_PARAMS, **model.get("params", {})) if model else DEFAULT_PARAMS
    elif model:  # caller's params: only the learned-score settings they left open come from the model
        stored = model.get("params", {})
        open_keys = ("learned_weight", "hand_weight", "learned_cover", "hand_first")
        params = replace(params, **{k: stored[k] for k in open_keys if k in stored and getattr(params, k) is None})
    if max_words is None and max_sentences is None:
        max_words = DEFAULT_MAX_WORDS
    if (max_words is not None and max_words <= 0) or (max_sentences is not None and max_sentences <= 0):
        return []
    articles = [a for a in articles if a is not None]
    if not articles:
        return []
    docs = docs or {}
    per_article = [article_sentences(a, docs.get(a.id)) for a in articles]
    return _summarize_sentences(articles, per_article, max_words, max_sentences, params, model or None)


@dataclass
class _Prep:
    """Everything selection needs for one story (and the per-candidate features of the learned scorer)."""

    articles: list[Article]
    per_article: list[list[str]]
    outlets: list[str]
    norm_texts: list[str]
    cands: list[_Sent]
    weights: dict
    static: list[float]
    scale: list[float]
    sim: object  # candidate x candidate cosine matrix (numpy)
    dep: list[int]
    features: object = None  # candidate x len(FEATURES) matrix (numpy), see _features
    heads: list[int] = field(default_factory=list)  # per article: leading sentences that are its headline again


def _title_keys(article: Article) -> frozenset[str]:
    """The article's headline and its parts ("America's autistic adults; A mother's testimony on ..."), as
    `sentence_key`s; none for a title derived from the body's first line (that line is the body's own)."""
    if article.title_derived or not article.title:
        return frozenset()
    parts = [article.title] + re.split(r"\s*[;:|\u2013\u2014]\s+|\s+[|\u2013\u2014-]\s+", article.title)
    return frozenset(k for k in map(sentence_key, parts) if len(k.split()) >= 3)


def _headline_lines(sents: list[str], title_keys: frozenset[str]) -> int:
    """How many of the article's first sentences are its headline (or parts of it) printed atop the body."""
    n = 0
    while n < len(sents) and sentence_key(sents[n]) in title_keys:
        n += 1
    return n


def _prepare(articles: list[Article], per_article: list[list[str]], params: Params) -> _Prep | None:
    outlets = [_outlet_key(a) for a in articles]
    n_outlets = len(set(outlets))
    if params.merge_quotes:
        per_article = [_merge_quotes(sents) for sents in per_article]

    # Concepts per outlet (agreement is counted across outlets, not within one).
    outlet_concepts: dict[str, set] = defaultdict(set)
    all_sents: list[_Sent] = []
    for ai, sents in enumerate(per_article):
        for pi, s in enumerate(sents):
            cs = _concepts(s)
            outlet_concepts[outlets[ai]] |= cs
            all_sents.append(_Sent(s, ai, pi, word_count(s), cs))
    df: Counter = Counter()
    for cs in outlet_concepts.values():
        df.update(cs)

    # Candidates: filtered, verbatim in their article (citations are checked verbatim), first occurrence only.
    norm_texts = [normalize_ws(a.text or "") for a in articles]  # case kept: citations must be verbatim
    titles = [_title_keys(a) for a in articles]
    cands: list[_Sent] = []
    seen: set[str] = set()
    by_pos = {(s.art, s.pos): s for s in all_sents}
    for s in all_sents:
        m = match_dateline(s.text) if params.strip_dateline and not _JUNK_CS.search(s.text) else None
        if m:  # "HONOLULU (AP) — Students ...", "(CNN) Students ..." -> the sentence proper, still verbatim
            s = _Sent(s.text[m.end():], s.art, s.pos, word_count(s.text[m.end():]), s.concepts)
            by_pos[(s.art, s.pos)] = s
        dropped = _drop_report_lead(s.text)
        if dropped and candidate_status(dropped[1], params) != REJECT:
            s = _Sent(dropped[0], s.art, s.pos, word_count(dropped[0]), s.concepts, shown=dropped[1])
            by_pos[(s.art, s.pos)] = s
        key = s.text.lower()
        if key in seen or s.text not in norm_texts[s.art]:
            continue
        status = candidate_status(s.shown or s.text, params)
        if status == REJECT or (status == DEPENDENT and not params.dependents):
            continue
        if sentence_key(s.text) in titles[s.art]:
            continue  # the headline printed again atop the body: the reader sees it above the summary
        if status == DEPENDENT:
            s.prev = by_pos.get((s.art, s.pos - 1))
            if s.prev is None:
                continue
        seen.add(key)
        cands.append(s)
    if not cands:
        # Nothing passes the filter (odd or tiny input): fall back to the first real sentences, still verbatim.
        for s in all_sents:
            key = s.text.lower()
            if key in seen or word_count(s.text) < 3 or s.text not in norm_texts[s.art]:
                continue
            seen.add(key)
            cands.append(s)
        if not cands:
            return None

    # Concept weights.
    weights: dict = {}
    tf_all: Counter = Counter()
    for s in all_sents:
        tf_all.update(s.concepts)
    if n_outlets > 1:
        for k, d in df.items():
            w = float(d) if d > 1 else params.single_df_weight
            w *= 1.0 + params.tf_weight * math.log(tf_all[k])
            if len(k) == 2:
                w *= params.bigram_weight
            weights[k] = w
    else:  # one outlet: fall back to frequency inside the story
        for k, c in tf_all.items():
            w = math.log1p(c)
            if len(k) == 2:
                w *= params.bigram_weight
            weights[k] = w
    # Normalise so weights are comparable across stories of different size.
    top = max(weights.values(), default=1.0) or 1.0
    weights = {k: v / top for k, v in weights.items()}

    # Big stories (hundreds of articles): keep the cheap-score best candidates so the dense similarity matrix
    # stays small (MAX_CANDIDATES**2 floats); order is kept.
    if len(cands) > MAX_CANDIDATES:
        cheap = [
            _concept_weight(weights, c.concepts) / (c.n_words ** params.length_exp)
            + params.position_weight * math.exp(-c.pos / params.position_decay)
            for c in cands
        ]
        keep = sorted(sorted(range(len(cands)), key=lambda i: (-cheap[i], i))[:MAX_CANDIDATES])
        cands = [cands[i] for i in keep]
    # A dependent sentence needs its predecessor among the candidates (chains allowed; cands are in text order).
    kept_ids: set[int] = set()
    linked: list[_Sent] = []
    for c in cands:
        if c.prev is not None and id(c.prev) not in kept_ids:
            continue
        kept_ids.add(id(c))
        linked.append(c)
    cands = linked
    if not cands:  # every candidate leaned on a predecessor that is none (a one-sentence story below its title)
        return None
    index_of = {id(c): i for i, c in enumerate(cands)}
    dep = [index_of[id(c.prev)] if c.prev is not None else -1 for c in cands]

    # TF-IDF cosine: centrality against other outlets, redundancy between candidates.
    sim, central, rel, centroid = _tfidf_signals(cands, all_sents, outlets, n_outlets, len(articles))

    graph = _cross_outlet_pagerank(sim, [outlets[c.art] for c in cands]) if params.graph_weight else None
    cand_rank: list[int] = []
    seen_art: Counter = Counter()
    for c in cands:  # cands are in article, position order
        cand_rank.append(seen_art[c.art])
        seen_art[c.art] += 1
    static = []
    for i, c in enumerate(cands):
        p = cand_rank[i] if params.cand_position else c.pos
        pos_bonus = params.position_weight * math.exp(-p / params.position_decay)
        static.append(pos_bonus + params.centrality_weight * central[i])
        if graph is not None:
            static[-1] += params.graph_weight * graph[i]
    scale = [float(rel[c.art]) ** params.article_rel_exp for c in cands]
    prep = _Prep(articles, per_article, outlets, norm_texts, cands, weights, static, scale, sim, dep)
    prep.heads = [_headline_lines(sents, keys) for sents, keys in zip(per_article, titles)]
    prep.features = _features(prep, params, cand_rank, central, rel, centroid, seen_art)
    return prep


# Per-candidate features of the learned scorer (bench/summarize.py --fit writes summary_model.json over these).
FEATURES = (
    "hand",  # the hand-set score at the first selection step: scale * (concept gain / len**exp + static)
    "gain",  # concept weight / words**length_exp
    "gain_mean",  # mean concept weight (how much of the sentence is cross-outlet material)
    "central",  # TF-IDF cosine to the other outlets' text
    "centroid",  # TF-IDF cosine to the whole story
    "rank",  # log(1 + rank among its article's candidates)
    "relpos",  # sentence index / article length
    "first",  # first candidate of its article
    "log_words",
    "n_cited",  # share of the story's articles that carry the sentence verbatim
    "n_near",  # share of the other articles holding a candidate with TF-IDF cosine >= 0.5
    "max_cross",  # highest cosine to a candidate of another article
    "dep",  # opens with a pronoun (placed after its predecessor)
    "quote",  # contains a quotation
    "digits",
    "caps",  # share of capitalised words after the first (names)
    "art_rel",  # its article's similarity to the rest of the story (best = 1)
    "art_idx",  # article index / number of articles
    "art_words",  # log article length in words
    "art_share",  # article length / longest article's
    "art_cands",  # log(1 + candidates in its article)
    "n_articles",  # log number of articles
    "lead_cross",  # highest cosine to another article's first candidate (what the other leads say)
    "lead_own",  # cosine to its own article's first candidate
    "quote_share",  # share of its characters inside quotation marks
    "attrib",  # carries a said-verb attribution
    "top_cover",  # share of the story's 20 heaviest concepts it contains
)


_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
_SAYS = re.compile(r"\b(?:said|says|told|according to|reported|reports)\b")


def _features(prep: _Prep, params: Params, cand_rank, central, rel, centroid, per_art: Counter):
    import numpy as np

    cands, sim = prep.cands, prep.sim
    n, n_art = len(cands), len(prep.articles)
    art_words = [max(1, word_count(t)) for t in prep.norm_texts]
    longest = max(art_words)
    arts = np.array([c.art for c in cands])
    other = arts[:, None] != arts[None, :]
    cross = np.where(other, sim, 0.0) if n else np.zeros((0, 0))
    F = np.zeros((n, len(FEATURES)))
    leads = [i for i in range(n) if cand_rank[i] == 0]
    lead_of = {cands[i].art: i for i in leads}
    top = set(sorted(prep.weights, key=lambda k: (-prep.weights[k], k))[:20])
    for i, c in enumerate(cands):
        total = _concept_weight(prep.weights, c.concepts)
        gain = total / (c.n_words ** params.length_exp)
        near_arts = {cands[j].art for j in np.flatnonzero(cross[i] >= 0.5)}
        words = c.text.split()
        caps = sum(w[:1].isupper() for w in words[1:]) / max(1, len(words) - 1)
        F[i] = (
            prep.scale[i] * (gain + prep.static[i]),
            gain,
            total / max(1, len(c.concepts)),
            central[i],
            centroid[i],
            math.log1p(cand_rank[i]),
            c.pos / max(1, len(prep.per_article[c.art])),
            float(cand_rank[i] == 0),
            math.log(max(1, c.n_words)),
            sum(c.text in t for t in prep.norm_texts) / n_art,
            len(near_arts) / max(1, n_art - 1),
            float(cross[i].max()) if n > 1 else 0.0,
            float(c.prev is not None),
            float(any(q in c.text for q in "“”\"")),
            float(any(ch.isdigit() for ch in c.text)),
            caps,
            float(rel[c.art]),
            c.art / n_art,
            math.log(art_words[c.art]),
            art_words[c.art] / longest,
            math.log1p(per_art[c.art]),
            math.log(n_art),
            max((sim[i, j] for j in leads if cands[j].art != c.art), default=0.0),
            float(sim[i, lead_of[c.art]]),
            sum(len(q) for q in _QUOTED.findall(c.text)) / max(1, len(c.text)),
            float(bool(_SAYS.search(c.text))),
            len(c.concepts & top) / max(1, len(top)),
        )
    return F


# --------------------------------------------------------------------------------------------------------------
# Learned sentence scorer


@functools.lru_cache(maxsize=1)
def default_model() -> dict | None:
    """The fitted scorer shipped with the package (summary_model.json), or None when absent."""
    import json
    from importlib import resources

    try:
        return json.loads(resources.files("unspun").joinpath("summary_model.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, OSError, ValueError):
        return None


def predict(model: dict, X):
    """Scores of a fitted model (JSON dict) on the FEATURES matrix X: a linear model on standardised features, or
    gradient-boosted regression trees stored as flat node arrays (sklearn's tree_ layout)."""
    import numpy as np

    X = np.asarray(X, dtype=float)
    idx = [FEATURES.index(f) for f in model["features"]]
    X = X[:, idx] if len(X) else np.zeros((0, len(idx)))
    if model["kind"] == "linear":
        Z = (X - np.asarray(model["mean"])) / np.asarray(model["scale"])
        return Z @ np.asarray(model["coef"]) + model["intercept"]
    if not model["trees"]:
        return np.full(len(X), float(model["init"]))
    feat, thr, left, right, val, depth = _tree_arrays(model)
    trees, rows = np.arange(len(feat))[:, None], np.arange(len(X))[None, :]
    node = np.zeros((len(feat), len(X)), dtype=np.int64)  # every tree walks every row down at once
    for _ in range(depth):  # leaves point to themselves, so a shallower tree just stays at its leaves
        f = feat[trees, node]
        leaf = f < 0
        go_left = X[rows, np.where(leaf, 0, f)] <= thr[trees, node]
        node = np.where(leaf, node, np.where(go_left, left[trees, node], right[trees, node]))
    # init + lr * leaf value of tree 1 + ... of tree 2 ..., added in tree order (cumsum adds sequentially), so the
    # scores are the bits the tree-by-tree loop gave
    steps = np.vstack([np.full((1, len(X)), float(model["init"])), model["lr"] * val[trees, node]])
    return np.cumsum(steps, axis=0)[-1]


_TREE_ARRAYS: dict[int, tuple] = {}  # id(model) -> (model, its node arrays): a loaded model is converted once


def _tree_arrays(model: dict) -> tuple:
    """A tree model's node arrays stacked (trees x nodes, padded with leaves) and its greatest depth: converting the
    JSON lists on every call cost ~10 ms a story (6% of an end-to-end run)."""
    import numpy as np

    hit = _TREE_ARRAYS.get(id(model))
    if hit is not None and hit[0] is model:
        return hit[1]
    trees = model["trees"]
    width = max(len(t["feature"]) for t in trees)

    def stack(key: str, fill, dtype):
        out = np.full((len(trees), width), fill, dtype=dtype)
        for i, t in enumerate(trees):
            out[i, : len(t[key])] = t[key]
        return out

    arrays = (stack("feature", -1, np.int64), stack("threshold", 0.0, float), stack("left", 0, np.int64),
              stack("right", 0, np.int64), stack("value", 0.0, float), max(t["depth"] for t in trees))
    if len(_TREE_ARRAYS) >= 8:  # models fitted in a loop (bench/summarize.py --fit) do not pile up
        _TREE_ARRAYS.clear()
    _TREE_ARRAYS[id(model)] = (model, arrays)
    return arrays


def _learned_scores(prep: _Prep, model: dict, params: Params) -> list[float]:
    """Predicted sentence ROUGE times words**learned_length_exp, scaled so the story's best candidate has 1
    (comparable to concept weights)."""
    import numpy as np

    p = np.asarray(predict(model, prep.features), dtype=float)
    p = p - min(0.0, float(p.min(initial=0.0)))
    p = p * np.array([c.n_words for c in prep.cands], dtype=float) ** params.learned_length_exp
    top = float(p.max(initial=0.0))
    return list(p / top) if top > 0 else [0.0] * len(p)


def _summarize_sentences(
    articles: list[Article],
    per_article: list[list[str]],
    max_words: int | None,
    max_sentences: int | None,
    params: Params,
    model: dict | None = None,
) -> list[SummarySentence]:
    prep = _prepare(articles, per_article, params)
    if prep is None:
        return []
    learned = None
    if model is not None:
        params = replace(
            params,
            learned_weight=1.0 if params.learned_weight is None else params.learned_weight,
            hand_weight=1.0 if params.hand_weight is None else params.hand_weight,
            learned_cover=bool(params.learned_cover),
        )
        learned = _learned_scores(prep, model, params)
    return _choose(prep, params, learned, max_words, max_sentences)


def _choose(prep: _Prep, params: Params, learned: list[float] | None, max_words: int | None,
            max_sentences: int | None) -> list[SummarySentence]:
    """Selection, citations and order for a prepared story (`learned`: the learned scorer's scores or None)."""
    first = _opening_pick(prep, params, learned is not None, max_words)
    latest = _latest_pick(prep, params, first, max_words) if params.latest_lead else None
    chosen = _select(prep.cands, prep.weights, prep.static, prep.scale, prep.sim, max_words, max_sentences,
                     params, prep.dep, learned, first, latest)
    return _cite_and_order(prep, chosen, params)


def _latest_pick(prep: _Prep, params: Params, first: int | None, max_words: int | None) -> int | None:
    """For a story told on two or more days, the lead of its newest article (the best by the hand-set score when
    several share the newest day): what happened last ("A Chinese boy trapped down an abandoned well has been found
    dead, after a huge four-day rescue operation") must not give way to what the first days' reports agree on. It
    is picked second, after the opening (so it is told after it in the summary when both are leads). None when the
    story has one day or no dates (Multi-News), spans more than DEVELOPMENT_DAYS (it lists its developments then,
    each with its lead), the opening pick already comes from the newest day, or the lead opens on a quotation or a
    connective or is less central than the story's median sentence; `_select` skips it when it repeats the first
    pick or no longer fits the budget."""
    from .developments import DEVELOPMENT_DAYS  # developments imports this module

    days = [(a.date or "")[:10] for a in prep.articles]
    dated = sorted(d for d in days if d)
    if len(set(dated)) < 2:
        return None
    try:
        span = (dt.date.fromisoformat(dated[-1]) - dt.date.fromisoformat(dated[0])).days
    except ValueError:  # a partial date ("2016-11") tells no span
        return None
    if span > DEVELOPMENT_DAYS:  # a longer story lists its developments, each with its own lead
        return None
    newest = dated[-1]
    if first is not None and days[prep.cands[first].art] == newest:
        return None
    heads = prep.heads or [0] * len(prep.articles)
    lead_of: dict[int, int] = {}  # newest article -> its first candidate below any repeated headline
    for i, c in enumerate(prep.cands):
        if days[c.art] == newest and prep.dep[i] < 0 and c.pos >= heads[c.art] \
                and (c.art not in lead_of or c.pos < prep.cands[lead_of[c.art]].pos):
            lead_of[c.art] = i
    leads = [lead_of[ai] for ai in sorted(lead_of)]
    # a lead that opens on a quotation or a connective tells no news on its own
    leads = [i for i in leads if (max_words is None or prep.cands[i].n_words <= max_words)
             and not _WEAK_OPENING.match(prep.cands[i].shown or prep.cands[i].text)]
    hand = [float(v) for v in prep.features[:, FEATURES.index("hand")]]
    # and one the story's own measure rates at least as central as its median sentence: the newest article may be
    # a roundup or a loose follow-up the stream joined ("Paul Simon will undertake ... his farewell tour" closing
    # a story on the Grammys)
    median = sorted(hand)[len(hand) // 2]
    leads = [i for i in leads if hand[i] >= median]
    if not leads:
        return None
    return max(leads, key=lambda i: (hand[i], -i))


def _agreed(prep: _Prep) -> list[int]:
    """Candidates that at least two outlets carry verbatim (syndicated wire copy, shared statements)."""
    if len(set(prep.outlets)) < 2:
        return []
    out = []
    for i, c in enumerate(prep.cands):
        needle = normalize_ws(c.text)
        if len({prep.outlets[a] for a, t in enumerate(prep.norm_texts) if needle in t}) >= 2:
            out.append(i)
    return out


def _opening_pick(prep: _Prep, params: Params, learned: bool, max_words: int | None) -> int | None:
    """The candidate to pick first, or None to leave every pick to the step score.

    The hand-set score (feature "hand": cross-outlet concept weight, centrality, position) decides: among the
    sentences outlets share verbatim when there are any (`agreed_lead`), else over all candidates when a learned
    scorer picks the rest (`hand_first`)."""
    hand = [float(v) for v in prep.features[:, FEATURES.index("hand")]]
    fits = [i for i, c in enumerate(prep.cands) if prep.dep[i] < 0 and (max_words is None or c.n_words <= max_words)]
    if params.agreed_lead:
        pool = sorted(set(_agreed(prep)) & set(fits))
        if pool:
            return max(pool, key=lambda i: (hand[i], -i))
    if params.hand_first and learned and fits:
        return max(fits, key=lambda i: (hand[i], -i))
    return None


class _Citer:
    """Where one story's articles carry a sentence: the articles holding it verbatim (`cited`), and the others
    holding a sentence that restates it as `_Claim` counts it, with that sentence's index (`support_at`)."""

    def __init__(self, per_article: list[list[str]], norm_texts: list[str]) -> None:
        self.per_article, self.norm_texts = per_article, norm_texts
        self.content_sets = [[set(x for x in _content_stems(s) if x) for s in sents] for sents in per_article]

    def locate(self, text: str) -> tuple[list[int], dict[int, int]]:
        needle = normalize_ws(text)
        cited = [ai for ai, t in enumerate(self.norm_texts) if needle in t]
        claim = _Claim(text)
        support_at: dict[int, int] = {}
        for ai, (sets, sents) in enumerate(zip(self.content_sets, self.per_article)):
            if ai not in cited:
                at = next((k for k, (o, t) in enumerate(zip(sets, sents)) if claim.supported_by(o, t)), None)
                if at is not None:
                    support_at[ai] = at
        return cited, support_at


def sentence_citer(articles: list[Article], docs: dict[str, "Doc"] | None = None) -> Callable[[str], SummarySentence]:
    """`cite(text)` for a sentence of one of `articles` (earliest first): a SummarySentence citing every article that
    carries it word for word and supported by those that restate it, as the story summary cites its own."""
    docs = docs or {}
    citer = _Citer([_merge_quotes(article_sentences(a, docs.get(a.id))) for a in articles],
                   [normalize_ws(a.text or "") for a in articles])
    outlets = [_outlet_key(a) for a in articles]

    def cite(text: str) -> SummarySentence:
        cited, support_at = citer.locate(text)
        support = sorted(support_at)
        return SummarySentence(text=text, citations=[articles[ai].id for ai in cited],
                               support=[articles[ai].id for ai in support],
                               single_source=len({outlets[ai] for ai in cited + support}) <= 1)

    return cite


def _cite_and_order(prep: _Prep, chosen: list[int], params: Params) -> list[SummarySentence]:
    articles, per_article, outlets = prep.articles, prep.per_article, prep.outlets
    cands, dep = prep.cands, prep.dep
    citer = _Citer(per_article, prep.norm_texts)
    out: list[tuple[tuple, bool, SummarySentence]] = []  # (order key, dependent, sentence)
    order_key: dict[int, tuple] = {}
    for rank, i in enumerate(chosen):
        c = cands[i]
        cited, support_at = citer.locate(c.text)  # support_at: article -> index of its sentence restating it
        support = sorted(support_at)
        owners = {outlets[ai] for ai in cited + support}
        first = min(cited)
        pos = c.pos if first == c.art else _position_in(per_article[first], c.text)
        if params.order == "earliest":
            at = {ai: (c.pos if ai == c.art else _position_in(per_article[ai], c.text)) for ai in cited}
            at.update(support_at)
            # ties (the leads of several articles) go to the earlier pick: the main event first. Positions count
            # from the body's first sentence: a headline printed atop it is not the article's opening (a two-line
            # brief "Headline / At least 59 people were killed ..." put its lead at 1/2, after every other lead)
            heads = prep.heads or [0] * len(per_article)
            okey = (min(max(0, k - heads[ai]) / max(1, len(per_article[ai]) - heads[ai]) for ai, k in at.items()),
                    rank)
        elif params.order == "pos":
            okey = (pos, first)
        elif params.order == "rank":
            okey = (rank,)
        elif params.order == "relpos":
            okey = (pos / max(1, len(per_article[first])), first)
        else:
            okey = (first, pos)
        if dep[i] >= 0:  # right after its predecessor (chosen earlier, so its key is known)
            key = order_key[dep[i]] + (1,)
        else:
            key = (0 if (rank == 0 and params.lead_first) else 1, *okey, i)
        order_key[i] = key
        out.append(
            (
                key,
                dep[i] >= 0,
                SummarySentence(
                    text=c.shown or c.text,
                    citations=[articles[ai].id for ai in cited],
                    support=[articles[ai].id for ai in support],
                    single_source=len(owners) == 1,
                ),
            )
        )
    joined = " ".join(prep.norm_texts)
    leaning = {id(s) for _, _, s in out if _leans_on_a_name(s.text, prep, joined)}
    out.sort(key=lambda x: x[0])
    sents = [s for _, _, s in out]
    return _strong_opening(sents, [d for _, d, _ in out], leaning) if params.strong_opening else sents


# a sentence opening in the first person: a statement's or a quotation's words
_FIRST_PERSON = r"(?:I|I[’']m|I[’']ve|I[’']d|I[’']ll|My|We|We[’']re|We[’']ve|We[’']d|We[’']ll|Our)\b"
# A summary's first sentence introduces the story: one that opens with a quotation or with a connective or filler
# that leans on text before it ("But ...", "Still, ...", "In fact, ...", "Now, ...", "It's worth noting that ..."),
# in the first person, or with an early "also" reads as a fragment there.
_WEAK_OPENING = re.compile(
    r"^(?:[“\"‘']|(?:In\s+fact|Indeed|Of\s+course|Notably|Interestingly|Meanwhile|However|Still|Also|Moreover|"
    r"Furthermore|Additionally|In\s+addition|Instead|Nevertheless|Then|But|And|Or|Yet|It\s+is\s+worth\s+noting|"
    r"It[’']s\s+worth\s+noting|Now|Again|Likewise|Similarly|Thus|Therefore|Hence|Besides|Even\s+so|After\s+all|"
    r"As\s+a\s+result|Otherwise|Oh|Ah|Alas)\b"
    # first person: a statement's or a quotation's words ("We are currently monitoring multiple bomb threats ...");
    # "The team also identified ..." continues an earlier sentence
    r"|" + _FIRST_PERSON +
    r"|(?:[\w’'.-]+\s+){1,3}also\b"
    # a quotation its speaker introduces with a colon ('Blockchain expert Simon Taylor said: "I think ...'): a quotation
    r"|[^\"“.!?]{0,80}\b(?:said|says|told|tells|added|adds|wrote|writes|explained|explains)\s*:\s*[\"“‘'])"
)

# a demonstrative subject after a short time phrase ("Only days later, that optimism seemed premature ...") points
# back as a pronoun does
_DEMONSTRATIVE_AFTER_OPENER = re.compile(
    r"^[^,.;:]{0,40},\s+(?:that|this|these|those|such)\b"
    r"(?!\s+(?:year|week|month|morning|afternoon|evening|weekend|season|summer|winter|spring|fall|autumn)\b)",
    re.IGNORECASE)


# he/she/his/her before any name: the person was introduced in a sentence before ("Bower wrote about how her son's
# photos ...", "Police said he ..."), unless the name follows the phrase holding the pronoun ("Opening the window
# further into his secret war, President Obama ..."); a subject with an article may be the antecedent ("A man who
# said he ...", "The woman says she ...").
_PERSON_PRONOUN = re.compile(r"\b(?:he|she|him|his|her|hers)\b")
_DETERMINER = re.compile(r"^(?:A|An|The|One|Two|Three|Four|Five|Some|Many|Several|Each|Every|Another|No)\b")


def _unanchored_pronoun(sent: str) -> bool:
    m = _PERSON_PRONOUN.search(sent)
    if not m or _DETERMINER.match(sent):
        return False
    before = sent[: m.start()]
    if any(w[:1].isupper() for w in before.split()[1:]) or any(q in before for q in "“\""):
        return False
    after = re.match(r"[^,;:.]*,\s+(\S)", sent[m.end():])
    return not (after and after.group(1).isupper())


def _opens_weakly(sent: str) -> bool:
    demo = _DEMONSTRATIVE_AFTER_OPENER.match(sent)
    # a colon after it points ahead: "In the annals of crowdfunding history, this description ... ever conceived: ..."
    demo = demo and ":" not in sent[demo.end():]
    return bool(_WEAK_OPENING.match(sent) or demo or _unanchored_pronoun(sent))


def stands_alone(sent: str) -> bool:
    """The sentence can open a text: a candidate that needs no predecessor, with no connective or quotation first,
    no demonstrative pointing back ("Only days later, that optimism ...") and no he/she/his/her before a name."""
    return candidate_status(sent) == OK and not _opens_weakly(sent)


# a sentence opening on one capitalised word, a name's last word ("Hege is the CEO of DH", "Mr. Tan said")
_BARE_NAME_OPENING = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?([A-Z][a-z][\w'’-]*?)(?:['’]s)?\s+[a-z]")


def _leans_on_a_name(text: str, prep: "_Prep", joined: str | None = None) -> bool:
    """The sentence opens on a surname its articles introduced before with a fuller name ("Hege is the CEO of DH"
    after "Michelle Hege ..."): it leans on that introduction, so it is no opening either. A word the articles
    (`joined`: their texts, joined once by the caller) also write in lower case is no name ("Police said ...")."""
    m = _BARE_NAME_OPENING.match(text)
    if not m:
        return False
    name = m.group(1)
    if joined is None:
        joined = " ".join(prep.norm_texts)
    if re.search(r"\b" + re.escape(name.lower()) + r"\b", joined):
        return False
    fuller = re.compile(r"\b[A-Z][\w'’.-]*\s+" + re.escape(name) + r"\b")
    key = sentence_key(text)
    for sents in prep.per_article:
        for k, sent in enumerate(sents):
            if sentence_key(sent) == key:
                if any(fuller.search(earlier) for earlier in sents[:k]):
                    return True
                break
    return False


def _strong_opening(sents: list[SummarySentence], dependent: list[bool],
                    leaning: set[int] = frozenset()) -> list[SummarySentence]:
    """`sents` with the first sentence that opens strongly (and the dependents right after it) moved to the front,
    when the first one opens weakly or leans on a name introduced before it (`leaning`: ids of such sentences);
    otherwise unchanged."""
    def weak(s: SummarySentence) -> bool:
        return _opens_weakly(s.text) or id(s) in leaning

    if not sents or not weak(sents[0]):
        return sents
    for j, s in enumerate(sents):
        if not dependent[j] and not weak(s):
            end = j + 1
            while end < len(sents) and dependent[end]:
                end += 1
            return sents[j:end] + sents[:j] + sents[end:]
    return sents


def _cross_outlet_pagerank(sim, owners: list[str], damping: float = 0.85, iters: int = 50):
    """PageRank on the candidate similarity graph keeping only edges between different outlets (LexRank-style
    centrality that rewards what *other* outlets also say), scaled to max 1. Falls back to all edges for one outlet."""
    import numpy as np

    n = len(owners)
    if n == 0:
        return np.zeros(0)
    W = np.array(sim, dtype=float, copy=True)
    own = np.array(owners, dtype=object)
    if len(set(owners)) > 1:
        W[own[:, None] == own[None, :]] = 0.0
    np.fill_diagonal(W, 0.0)
    rows = W.sum(axis=1, keepdims=True)
    P = np.divide(W, rows, out=np.full_like(W, 1.0 / n), where=rows > 0)
    r = np.full(n, 1.0 / n)
    for _ in range(iters):
        r = (1 - damping) / n + damping * (P.T @ r)
    top = r.max()
    return r / top if top > 0 else r


def _position_in(sents: list[str], text: str) -> int:
    needle = normalize_ws(text).lower()
    for i, s in enumerate(sents):
        if needle in s.lower() or s.lower() in needle:
            return i
    return len(sents)


def _tfidf_signals(cands: list[_Sent], all_sents: list[_Sent], outlets: list[str], n_outlets: int, n_articles: int):
    """(candidate x candidate cosine matrix, per-candidate centrality against the other outlets' text,
    per-article relevance: cosine to the other outlets' text, scaled so the best article has 1,
    per-candidate cosine to the whole story's text)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    def analyzer(text: str) -> list[str]:
        return [s for s in _content_stems(text) if s]

    vec = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
    try:
        vec.fit([s.text for s in all_sents])
    except ValueError:  # empty vocabulary
        n = len(cands)
        return np.zeros((n, n)), np.zeros(n), np.ones(n_articles), np.zeros(n)
    # Per-outlet and (several outlets) per-article text.
    by_outlet: dict[str, list[str]] = defaultdict(list)
    for s in all_sents:
        by_outlet[outlets[s.art]].append(s.text)
    names = sorted(by_outlet)
    by_art: dict[int, list[str]] = defaultdict(list)
    if n_outlets > 1:
        for s in all_sents:
            by_art[s.art].append(s.text)
    arts = sorted(by_art)
    # One transform for every text (each row is weighted and normalised on its own, so the rows are the ones
    # separate calls give): sklearn's per-call checks cost more than the work on a one-article story.
    n = len(cands)
    M = vec.transform([c.text for c in cands] + [" ".join(s.text for s in all_sents)]
                      + [" ".join(by_outlet[o]) for o in names] + [" ".join(by_art[a]) for a in arts])
    X = M[:n]  # rows are L2-normalised
    sim = (X @ X.T).toarray()
    whole = M[n].toarray().ravel()
    centroid = np.asarray(X @ whole).ravel()  # cosine to the whole story (rows and `whole` are L2-normalised)
    C = M[n + 1 : n + 1 + len(names)]
    cs = (X @ C.T).toarray()  # cand x outlet
    central = np.zeros(len(cands))
    for i, c in enumerate(cands):
        own = outlets[c.art]
        vals = [cs[i, j] for j, o in enumerate(names) if o != own]
        if not vals:  # single outlet: centrality within the story
            vals = [cs[i, names.index(own)]]
        central[i] = float(np.mean(vals))
    # Article relevance: boilerplate / off-topic articles (cookie walls, archive notices) resemble nobody.
    rel = np.ones(n_articles)
    if n_outlets > 1:
        A = M[n + 1 + len(names):]
        ao = (A @ C.T).toarray()
        for r, a in enumerate(arts):
            own = outlets[a]
            vals = [ao[r, j] for j, o in enumerate(names) if o != own]
            rel[a] = float(np.mean(vals)) if vals else 1.0
        top = rel.max()
        rel = rel / top if top > 0 else np.ones(n_articles)
        rel = np.clip(rel, 0.05, 1.0)
    return sim, central, rel, centroid


# --------------------------------------------------------------------------------------------------------------
# Citation support measure


def citation_support(
    summary: Sequence[SummarySentence],
    articles: Sequence[Article],
    docs: dict[str, "Doc"] | None = None,
) -> float:
    """Share of (summary sentence, cited-or-supporting article) pairs where that article carries the sentence or
    holds one containing >= SUPPORT_OVERLAP of its content words, or every precise figure of it with >=
    FIGURE_SUPPORT_OVERLAP of its words (1.0 when there is nothing to check)."""
    docs = docs or {}
    by_id = {a.id: a for a in articles}
    cache: dict[str, list[set]] = {}
    texts: dict[str, str] = {}
    total = ok = 0
    for s in summary:
        claim = _Claim(s.text)
        for aid in list(s.citations) + list(s.support):
            total += 1
            a = by_id.get(aid)
            if a is None:
                continue
            if aid not in cache:
                sents = _merge_quotes(article_sentences(a, docs.get(aid)))
                cache[aid] = [(set(x for x in _content_stems(t) if x), t) for t in sents]
                texts[aid] = normalize_ws(a.text or "")
            if normalize_ws(s.text) in texts[aid] or any(claim.supported_by(o, t) for o, t in cache[aid]):
                ok += 1
    return ok / total if total else 1.0


# A sentence that is nothing but a quotation: its words inside quote marks, only punctuation outside; or one in the
# first person, a sentence of a quotation whose marks open or close in the sentences around it ("I don't think she
# made it at all.").
_BARE_QUOTATION = re.compile(r"^\W*[“\"‘'](?:[^”\"]+)[”\"’']\W*$|^" + _FIRST_PERSON)


def name_quoted_speakers(summary: list[SummarySentence], quotes: Sequence) -> None:
    """Sets `speaker` on each summary sentence that is a bare quotation ('“Once we have protections in place, we expect
    the apps to be back.”', or a first-person sentence of a longer quotation), from the story's merged quotes
    (unspun.quotes): the attributed direct quote of a cited article holding most of the sentence's words. Selection
    keeps such sentences verbatim (citations check the text), so the reader learns who said it from this field; left
    None when no quote names a speaker by name."""
    for sent in summary:
        if not _BARE_QUOTATION.match(sent.text):
            continue
        words = set(_WORD.findall(sent.text.lower()))
        cited = set(sent.citations) | set(sent.support)
        best, best_share = None, 0.0
        for q in quotes:
            # a description the resolver left ("the statement", "a spokesman") means nothing out of its article
            if q.kind != "direct" or not q.speaker or not q.speaker[0].isupper() or not cited & set(q.article_ids):
                continue
            share = len(words & set(_WORD.findall(q.text.lower()))) / max(1, len(words))
            if share > best_share:
                best, best_share = q.speaker, share
        if best_share >= 0.8:
            sent.speaker = best


__all__ = [
    "DEFAULT_MAX_WORDS",
    "DEFAULT_PARAMS",
    "Params",
    "article_sentences",
    "citation_support",
    "candidate_status",
    "is_candidate",
    "name_quoted_speakers",
    "split_sentences",
    "summarize",
    "word_count",
]
