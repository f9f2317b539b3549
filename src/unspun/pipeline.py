"""The pipeline: ingest -> clean -> dedup -> cluster -> per-story analysis -> store -> outputs.

`run()` is what `unspun run` calls; `Pipeline` exposes the two halves (ingest into the store, analyse dirty
stories) for incremental use; `analyze_story()` is the pure per-story step for callers holding articles.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__, nlp
from .clean import clean_article, remove_templates
from .cluster import DATED_THRESHOLD, EVENT_P, StoryClusterer
from .dedup import near_duplicates
from .developments import developments_summary, is_topic, story_developments
from .entities import story_entities
from .ingest import iter_articles
from .ingest.html import MIN_BODY_WORDS
from .model import Article, Event, Problem, Quote, Story, content_hash, story_problem_source
from .procs import die_with_parent
from .progress import Progress
from .provenance import analyze as provenance_analyze
from .quotes import extract_quotes, merge_quotes
from .spin import single_source_quotes, story_spin
from .store import Store
from .summarize import name_quoted_speakers, sentence_citer, summarize
from .timeline import extract_events, story_timeline

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
SCHEMA_ID = "https://unspun.invalid/schema/stories.schema.json"  # documented in src/unspun/schema/
DEFAULT_SUMMARY_WORDS = 120
MAX_ARTICLE_CHARS = 1_000_000  # ~150k words; news articles are ~5k characters
# Batches of placed articles between saves of the clusterer state (and one at the end): the state (~0.7 MB of
# JSON) cost ~0.1-0.3 ms per article when saved with every batch of 256. Story ids are stored only with the state,
# so a run stopped between two saves loses nothing: the next one places the articles still without a story, in
# the same order from the same state.
STATE_EVERY_BATCHES = 16


class GroupingMismatch(ValueError):
    """The store's stories were grouped another way than this run asks (clustered vs taken from an input field)."""


@dataclass
class Options:
    summary_words: int | None = DEFAULT_SUMMARY_WORDS
    summary_sentences: int | None = None
    group_by: str | None = None  # take the story grouping from this input field instead of clustering
    batch_size: int = 256  # articles per store transaction (and per template-learning window)
    progress: str = "auto"  # auto | bar | json | quiet
    strict: bool = False  # re-raise stage errors instead of recording them (tests, debugging)
    jobs: int | None = None  # worker processes for extraction and story analysis (None = all cores)
    extractor: str = "accurate"  # HTML extractor: accurate (trafilatura cascade) | fast (resiliparse)
    # store spaCy parses and per-article findings so grown stories re-parse and re-read only their new articles
    keep_parses: bool = True  # (~11 KB per article)
    # re-score uncertain story decisions with sentence embeddings (cluster.py's dense stage; needs unspun.embed)
    dense_stories: bool = False
    # a story takes no article that would stretch it past this many days (cluster.py's max_span_days; None = no
    # limit: long stories are read as developments instead, developments.py)
    story_days: float | None = None
    # for a stream of unrelated news (docs/clustering.md); a store keeps it. True or "dated": a pair of dated articles
    # needs P(same story) >= cluster.DATED_THRESHOLD to join (fewest topical joins; follow-ups weeks apart open
    # stories of their own); "event": a weak dated join (P < cluster.EVENT_P) also needs cluster.EVENT_TERMS
    # event-specific names or headline words in common (the lighter bar)
    strict_stories: bool | str = False


@dataclass
class IngestStats:
    read: int = 0
    added: int = 0
    already_stored: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "read": self.read,
            "added": self.added,
            "already_stored": self.already_stored,
            "duplicates": self.duplicates,
            "problems": len(self.problems),
        }


def _date_key(a: Article) -> tuple:
    return (a.date is None, a.date or "")


def order_articles(articles: list[Article]) -> list[Article]:
    """Earliest first; undated after dated; ties keep ingest order (sort is stable)."""
    return sorted(articles, key=_date_key)


def group_story_id(value) -> str:
    return "g-" + hashlib.sha1(str(value).encode("utf-8")).hexdigest()[:12]


_HEADLINE_WORD = re.compile(r"\w+")
_HEADLINE_MIN_WORDS = 80  # a body shorter than this is a snippet, not an article


def choose_headline(articles: list[Article]) -> str:
    """The title sharing most words with the other titles (the consensus framing); earliest on ties. Titles that
    are an article's first line (`title_derived`) only when no article has a real one, then the one most about
    what the other articles say."""
    titled = [a for a in articles if a.title and not a.title_derived]
    real = bool(titled)
    if not real:  # the first line of a snippet (a tweet or caption page filed with the story) is no headline for it
        titled = [a for a in articles if a.title]
        titled = [a for a in titled if len(a.text.split()) >= _HEADLINE_MIN_WORDS] or titled
    if not titled:
        return ""

    def words(text: str) -> set[str]:
        return {w.lower() for w in _HEADLINE_WORD.findall(text) if len(w) > 3}

    titles = [words(a.title) for a in titled]
    # A first line is often not about the story (a column's tagline, a photo credit, a byline) and shares few words
    # with the other first lines even when it is: the one whose words the other articles' texts use most wins (a
    # share, so a long line is not favoured for its length; on Multi-News dev92, 50% of the chosen line's words are
    # in the reference summary vs 46% by the consensus of first lines).
    others = titles if real else [words(a.text) for a in titled]

    def score(i: int) -> tuple[float, int]:
        shared = sum(len(titles[i] & w) for j, w in enumerate(others) if j != i)
        return (shared if real else shared / max(len(titles[i]), 1), -i)

    return titled[max(range(len(titled)), key=score)].title


def analyze_story(
    story_id: str,
    articles: list[Article],
    docs: dict | None = None,
    options: Options | None = None,
    problems: list[Problem] | None = None,
    findings: dict[str, str] | None = None,
    fresh_findings: dict[str, str] | None = None,
) -> Story:
    """Everything unspun says about one story. Articles in any order; they are ordered earliest first.
    `findings`: stored per-article stage results (JSON by article id, from `fresh_findings` of an earlier
    analysis by the same `analyzer_id()`), reused instead of recomputed; `fresh_findings`, if given, receives the
    ones computed now."""
    options = options or Options()
    problems = problems if problems is not None else []
    articles = order_articles(articles)
    if docs is None:
        docs = nlp.parse_articles(articles)
    sent_lists = [nlp.sentences(docs[a.id]) for a in articles]
    known = {aid: json.loads(payload) for aid, payload in (findings or {}).items()}
    computed: set[str] = set()

    def per_article(kind: str, fn: Callable, make: type) -> list:
        """One stage's results for every parsed article: stored ones rebuilt, the others computed (and kept)."""
        out = []
        for a in articles:
            doc = docs[a.id]
            if not nlp.is_parsed(doc):
                continue
            found = known.setdefault(a.id, {})
            if kind in found:
                out += [make(**d) for d in found[kind]]
            else:
                items = fn(a, doc)
                found[kind] = [x.to_dict() for x in items]  # a copy: later stages may change the objects
                computed.add(a.id)
                out += items
        return out

    def stage(name: str, fn: Callable, default):
        try:
            return fn()
        except Exception as exc:  # one stage's bug must not lose the story: record it, keep the rest
            if options.strict:
                raise
            detail = f"{type(exc).__name__}: {exc}"
            problems.append(Problem(story_problem_source(story_id, name), "stage_error", detail))
            return default

    story = Story(id=story_id, headline=choose_headline(articles), article_ids=[a.id for a in articles])
    story.outlets = sorted({a.outlet for a in articles if a.outlet})
    dated = [a.date for a in articles if a.date]
    story.date_range = [min(dated), max(dated)] if dated else [None, None]
    story.developments = stage(
        "developments", lambda: story_developments(articles, choose_headline), [])
    if is_topic(len(articles), story.developments):  # months of one beat: what happened when, not one consensus
        story.summary = stage("summarize", lambda: developments_summary(
            articles, sent_lists, story.developments, sentence_citer(articles, docs),
            max_words=options.summary_words, max_sentences=options.summary_sentences), [])
        story.summary_kind = "developments"
    else:
        story.summary = stage(
            "summarize",
            lambda: summarize(articles, docs, max_words=options.summary_words, max_sentences=options.summary_sentences),
            [],
        )
    story.quotes = stage(
        "quotes",
        lambda: merge_quotes(per_article("quotes", extract_quotes, Quote), articles),
        [],
    )
    if story.summary and story.quotes:  # who says a summary sentence that is a bare quotation
        stage("summarize", lambda: name_quoted_speakers(story.summary, story.quotes), None)
    story.entities = stage("entities", lambda: story_entities(articles, docs), [])
    story.timeline = stage(
        "timeline", lambda: story_timeline(per_article("events", extract_events, Event), articles), []
    )
    passages, copy_map = stage("provenance", lambda: provenance_analyze(articles, sent_lists), ([], []))
    story.shared_passages, story.copy_map = passages, copy_map
    story.spin = stage("spin", lambda: story_spin(articles, sent_lists, docs), {})
    if story.spin:
        story.spin["single_source_quotes"] = stage("spin", lambda: single_source_quotes(story.quotes, articles), [])
    story.duplicates = stage(
        "dedup",
        lambda: [{"article_id": b, "duplicate_of": a, "jaccard": j} for a, b, j in near_duplicates(articles)],
        [],
    )
    if fresh_findings is not None:  # complete ones only: a stage that failed is retried next time
        fresh_findings.update(
            (aid, json.dumps(known[aid], ensure_ascii=False, sort_keys=True))
            for aid in sorted(computed) if set(known[aid]) == FINDING_KINDS
        )
    return story


FINDING_KINDS = {"quotes", "events"}  # the per-article stage results analyze_story stores


@functools.cache
def analyzer_id() -> str:
    """Names the code that made stored per-article findings: the parser, the packages the stages read, and a
    digest of unspun's own source and the models it ships (any change of either recomputes them rather than risk
    stale results; ~20 ms a run, most of it the quote tagger's weights)."""
    from importlib.metadata import version

    digest = hashlib.sha1()
    package = Path(__file__).parent
    for path in sorted(p for ext in ("*.py", "*.json", "*.npz") for p in package.rglob(ext)):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    deps = "/".join(f"{name}-{version(name)}" for name in ("dateparser", "gender-guesser"))
    return f"{nlp.parser_id()}/{deps}/{digest.hexdigest()[:16]}"


ANALYSIS_WINDOW = 64  # stories loaded and analysed together
STORIES_PER_WRITE = 16  # analysed stories stored in one transaction (one by one: ~12 ms a story, ~2 ms so)
PARALLEL_MIN_STORIES = 24  # below this, one process: the pool's fork and transfers cost more CPU than they save


def _init_worker(parent_pid: int) -> None:
    die_with_parent(parent_pid)
    # Story analysis never embeds (the dense story stage runs in the main process), but spaCy's thinc imports torch
    # whenever it is installed (the embed extra): ~190 MB a worker (peak RSS ~590 -> ~400 MB on the 200-page bench).
    # A None entry makes `import torch` fail, and thinc runs on numpy as it does without torch.
    sys.modules.setdefault("torch", None)
    nlp.get_nlp()


def _analyze_here(job: tuple) -> tuple:
    """`_analyze_job` in this process, spaCy loaded as the workers load it: without torch (see `_init_worker`; the
    import that thinc made here was ~1 CPU s of a short run). torch stays importable here (the dense story stage)."""
    if "torch" not in sys.modules:
        sys.modules["torch"] = None
        try:
            nlp.get_nlp()
        finally:
            if sys.modules.get("torch", False) is None:
                del sys.modules["torch"]
    return _analyze_job(job)


def _worker_context():
    """How analysis workers start. Forked, each begins with this process's imports (unspun's stages, scikit-learn,
    spaCy's code): ~1 CPU s a worker less than spawn, which imports them all again. The workers never touch the
    DuckDB connection (the ingest pool forks with it open too) and exit without finalising it. Spawned when torch is
    loaded here (the dense story stage: its OpenMP threads do not survive a fork) or fork is missing."""
    if "fork" in multiprocessing.get_all_start_methods() and sys.modules.get("torch") is None:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _analyze_job(job: tuple) -> tuple[Story, list[Problem], dict[str, bytes], dict[str, str]]:
    """(story id, articles, options, stored parses, stored findings) -> (story, problems, the parses and the
    per-article findings made now, to store)."""
    sid, articles, options, cached, findings = job
    problems: list[Problem] = []
    fresh: dict[str, bytes] | None = {} if options.keep_parses else None  # None: no serialising
    fresh_findings: dict[str, str] | None = {} if options.keep_parses else None
    docs = nlp.parse_articles(articles, cached=cached, fresh=fresh)
    story = analyze_story(sid, articles, docs, options=options, problems=problems, findings=findings,
                          fresh_findings=fresh_findings)
    return story, problems, fresh or {}, fresh_findings or {}


def finish_article(article: Article) -> Article:
    """Per-article ingest work that needs no other article, run in the extraction workers: cap a dump-sized body
    (recorded in `extraction["truncated_from"]`, reported as a problem by the pipeline) and clean it."""
    if len(article.text) > MAX_ARTICLE_CHARS:  # a dump, not an article: keep the head
        cut = article.text.rfind("\n", 0, MAX_ARTICLE_CHARS)
        article.extraction["truncated_from"] = len(article.text)
        article.text = article.text[: cut if cut > 0 else MAX_ARTICLE_CHARS]
    return clean_article(article)


def _left_empty(article: Article) -> bool:
    """No article left: an empty body, or a stub of a few words left once junk was removed (the "Notice" heading
    of a log-in wall, the "Yes" button under a JavaScript notice). A short text nobody cleaned stays an article."""
    words = len(article.text.split(maxsplit=MIN_BODY_WORDS))  # exact below the minimum, all that is needed
    if words == 0:
        return True
    return words < MIN_BODY_WORDS and any(not b.kept for b in article.blocks)


def prepare_articles(
    raw: list[Article],
    seen_hashes: dict[str, str],
    stored_hashes: Callable[[list[str]], dict[str, str]] | None = None,
) -> tuple[list[Article], list[tuple[str, str, str]], list[Article]]:
    """What happens to one ingest batch before clustering: clean every article, mark blocks repeated across the
    batch's articles of one outlet as template, then drop articles left empty and exact duplicates (same
    `Article.hash` as an article seen earlier in `seen_hashes`, which is updated, or in the store: `stored_hashes`
    maps a batch's hashes to the stored ids). Returns (kept articles in input order, duplicates as
    (id, source, first id), empty articles).
    """
    articles = [a if a.blocks else clean_article(a) for a in raw]  # ingest workers may have cleaned them already
    remove_templates(articles)
    stored = stored_hashes([a.hash for a in articles]) if stored_hashes else {}
    kept: list[Article] = []
    duplicates: list[tuple[str, str, str]] = []
    empty: list[Article] = []
    for a in articles:
        if _left_empty(a):
            empty.append(a)
            continue
        first = seen_hashes.get(a.hash) or stored.get(a.hash)
        if first:
            duplicates.append((a.id, a.source, first))
            continue
        seen_hashes[a.hash] = a.id
        kept.append(a)
    return kept, duplicates, empty


class Pipeline:
    """Ingest into a Store, then analyse the stories whose membership changed."""

    def __init__(
        self,
        store: Store,
        options: Options | None = None,
        on_problem: Callable[[Problem], None] | None = None,
    ) -> None:
        self.store = store
        self.options = options or Options()
        self.on_problem = on_problem or (lambda p: None)
        self.progress = Progress(self.options.progress)
        state = store.get_cluster_state()
        self.clusterer = StoryClusterer.from_state(state) if state else StoryClusterer()
        if self.options.dense_stories:  # asked for once, kept in the saved state for the runs that follow
            self.clusterer.dense = True
        if self.options.story_days is not None:  # likewise kept for the runs that follow
            if not self.options.story_days > 0:
                raise ValueError(f"story_days must be a number of days above 0, not {self.options.story_days!r}")
            self.clusterer.max_span_days = float(self.options.story_days)
        strict = self.options.strict_stories
        if strict not in (False, None, True, "dated", "event"):
            raise ValueError(f"strict_stories must be 'dated' or 'event', not {strict!r}")
        if strict in (True, "dated"):
            self.clusterer.dated_threshold = max(DATED_THRESHOLD, self.clusterer.threshold)
        elif strict == "event":
            self.clusterer.event_p = EVENT_P
        self.problems: list[Problem] = []  # this run's problems (input and stage errors)

    def _problem(self, p: Problem) -> None:
        self.problems.append(p)
        self.on_problem(p)

    def _input_problem(self, p: Problem, batch: list[Problem], stats: IngestStats) -> None:
        """An input problem: reported now, counted in the stats, stored with its batch."""
        batch.append(p)
        stats.problems.append(p)
        self._problem(p)

    # --- ingest -----------------------------------------------------------------------------------
    def ingest(self, inputs: list[str], stdin=None) -> IngestStats:
        items = iter_articles(inputs, stdin=stdin, jobs=self.options.jobs or 0, extractor=self.options.extractor,
                              finish=finish_article)
        return self.ingest_items(items)

    def ingest_items(self, items: Iterable[Article | Problem]) -> IngestStats:
        """Ingest extracted items (`iter_articles` output, in input order; `finish_article` applied or not) from
        any source, e.g. the Spark job's executors: store them, then place them in stories (`cluster_stored`)."""
        self._claim_grouping()
        stats = IngestStats()
        pending: list[Article] = []
        batch_problems: list[Problem] = []
        repeats: list[tuple[str, str, str]] = []  # (id, source, id): an article id met again within this run
        seen_hashes: dict[str, str] = {}
        seen_ids: dict[str, tuple[str, str]] = {}  # id -> (source, content hash) of its first article this run
        for item in self.progress.iter(items, "ingest", unit="article"):
            if isinstance(item, Problem):
                self._input_problem(item, batch_problems, stats)
                continue
            stats.read += 1
            if item.id in seen_ids:  # the same input again (ids come from the input: `ingest.common.input_id`)
                first, digest = seen_ids[item.id]
                if digest != content_hash(item.title, item.text):  # one id, two articles: the input is wrong
                    self._input_problem(Problem(item.source, "duplicate_id", f"id {item.id!r} was given to "
                                                f"{first} with other text; this article is skipped"),
                                        batch_problems, stats)
                    continue
                repeats.append((item.id, item.source, item.id))
                continue
            seen_ids[item.id] = (item.source, content_hash(item.title, item.text))
            pending.append(item)
            if len(pending) >= self.options.batch_size:
                self._flush(pending, batch_problems, stats, seen_hashes, repeats)
                pending, batch_problems, repeats = [], [], []
        self._flush(pending, batch_problems, stats, seen_hashes, repeats)
        self.cluster_stored()
        return stats

    def _claim_grouping(self) -> None:
        """A store holds one kind of grouping: stories the clusterer made, or groups taken from one input field.
        Mixed, articles of one kind could never join the other kind's stories (the clusterer does not know the
        groups), so a run asking for another kind stops before storing anything (`GroupingMismatch`)."""
        want = f"field:{self.options.group_by}" if self.options.group_by else "clusters"
        have = self.store.get_meta("grouping")
        if have is None and self.store.get_meta("cluster_state"):  # a store from before the grouping was recorded
            have = "clusters"
        if have is None or not self.store.article_count():
            self.store.set_meta("grouping", want)
            return
        if have != want:
            def said(g: str) -> str:
                return f"`--group-by {g[6:]}`" if g.startswith("field:") else "clustering (no --group-by)"
            raise GroupingMismatch(
                f"{self.store.path} holds stories made by {said(have)}; this run asks for {said(want)}. "
                f"Use another store (--out/--db) or the same grouping.")

    def cluster_stored(self) -> int:
        """Place the stored articles that have no story yet, in publish-date order (undated ones after, each in
        ingest order), whatever order the input came in: the issue's stream order, and the order the clusterer was
        calibrated in (Giveme5W1H through `unspun ingest`: 77.2 pairwise F1 read in file order, 86.8 in date order).
        Returns how many were placed."""
        self._catch_up()
        if self.options.group_by:
            return 0
        every = STATE_EVERY_BATCHES * self.options.batch_size
        placed: list[tuple[str, str]] = []
        n_merges, total = len(self.clusterer.merges), 0
        waiting = self.store.unclustered(self.options.batch_size)
        for a in self.progress.iter(waiting, "cluster", total=self.store.unclustered_count(), unit="article"):
            placed.append((a.id, self.clusterer.add(a)))
            if len(placed) >= every:
                total += self._save_placed(placed, n_merges)
                placed, n_merges = [], len(self.clusterer.merges)
        if placed:
            total += self._save_placed(placed, n_merges)
        return total

    def _save_placed(self, placed: list[tuple[str, str]], n_merges: int) -> int:
        merges = self.clusterer.merges[n_merges:]
        dirty = {sid for _, sid in placed} | {m["new_id"] for m in merges}
        self.store.assign_stories(placed, merges, dirty, self.clusterer.to_state())
        return len(placed)

    def _catch_up(self) -> None:
        """Cluster the articles a stopped run stored after its last save of the clusterer state, in stored order
        (the same adds as then: the same state and story ids), and save the state."""
        missed = self.store.articles_after_checkpoint()
        for a in missed:
            self.clusterer.add(a)
        if missed:
            self.store.write_batch([], [], [], [], [], self.clusterer.to_state())

    def _flush(self, raw: list[Article], problems: list[Problem], stats: IngestStats, seen_hashes: dict,
               repeats: list[tuple[str, str, str]]) -> None:
        """Store one batch: its articles without a story (given groups: with it), duplicates and problems."""
        stored = self.store.stored_ids(a.id for a in raw)  # from an earlier run
        stats.already_stored += len(stored)
        raw = [a for a in raw if a.id not in stored]
        for a in raw:
            if "truncated_from" in a.extraction:
                detail = (f"body of {a.extraction['truncated_from']:,} characters is over {MAX_ARTICLE_CHARS:,}; "
                          f"kept the first {len(a.text):,}")
                self._input_problem(Problem(a.source, "truncated", detail), problems, stats)
        articles, duplicates, empty = prepare_articles(raw, seen_hashes, self.store.articles_with_hashes)
        duplicates = repeats + duplicates
        for a in empty:
            removed = sorted({b.reason for b in a.blocks if not b.kept and b.reason})
            detail = "no article text left after extraction and cleaning" + (
                f" (removed as {', '.join(removed)})" if removed else "")
            self._input_problem(Problem(a.source, "empty_body", detail), problems, stats)
        stats.duplicates += len(duplicates)
        keep: list[tuple[Article, str | None]] = []
        for a in articles:
            story_id = None
            if self.options.group_by:
                value = a.meta.get(self.options.group_by)
                story_id = group_story_id(value if value is not None else a.id)
            keep.append((a, story_id))
            stats.added += 1
        if keep or duplicates or problems:
            dirty = {sid for _, sid in keep if sid is not None}
            self.store.write_batch(keep, duplicates, problems, [], dirty, None,
                                   checkpoint=bool(self.options.group_by))

    # --- analysis ---------------------------------------------------------------------------------
    def _members(self) -> dict[str, list[str]]:
        """Resolved story id -> member article ids (ingest order)."""
        members: dict[str, list[str]] = {}
        merges = self.store.merges()
        for aid, sid in self.store.article_story_ids():
            members.setdefault(self.store.resolve(sid, merges), []).append(aid)
        return members

    def analyze(self, map_jobs: Callable[[Callable, list], Iterable] | None = None,
                window: int = ANALYSIS_WINDOW) -> list[str]:
        """Re-analyse every dirty story; returns their ids. `map_jobs(fn, jobs)`, if given, runs the analysis jobs
        of a window of `window` stories (an ordered map, e.g. on Spark executors) instead of this machine's worker
        pool."""
        self.cluster_stored()  # a run stopped after storing, before placing, left articles without a story
        dirty = self.store.dirty_story_ids()
        if not dirty:
            return []
        members = self._members()
        merges = self.store.merges()  # read once, not twice per dirty story (~0.3 ms a read)
        targets = sorted({self.store.resolve(s, merges) for s in dirty})
        for sid in dirty:
            if self.store.resolve(sid, merges) != sid:
                self.store.drop_story(sid)
        jobs = self.options.jobs or os.cpu_count() or 1
        live = [sid for sid in targets if members.get(sid)]
        for sid in targets:
            if not members.get(sid):
                self.store.drop_story(sid)
        # Stories go in windows: the window's articles are loaded (main thread: the DuckDB connection is not
        # shared with the pool's feeder thread), analysed, written; memory holds two windows, not the archive.
        # concurrent.futures: a worker that dies (e.g. out of memory) raises BrokenProcessPool, not a hang
        pool, warm_up = None, False
        if map_jobs is None and jobs > 1 and len(live) >= PARALLEL_MIN_STORIES:
            ctx = _worker_context()
            pool = ProcessPoolExecutor(min(jobs, len(live)), mp_context=ctx, initializer=_init_worker,
                                       initargs=(os.getpid(),))
            # Forked workers (started at the first job) share what this process has loaded: the first story is
            # analysed here, before them, so the spaCy model and the stages' lazily built tables (names' genders,
            # dateparser's, the stemmer's; ~1.1 CPU s together) are loaded once, not once a worker.
            warm_up = ctx.get_start_method() == "fork"
        parser, analyzer = nlp.parser_id(), analyzer_id()
        keep = self.options.keep_parses
        ticks = iter(self.progress.iter(range(len(live)), "stories", total=len(live), unit="story"))

        def load(sids: list[str]) -> list[tuple]:
            """The analysis jobs of these stories, their articles, parses and findings read in one query each (a
            DuckDB statement costs milliseconds however few rows it reads)."""
            groups = [members[sid] for sid in sids]
            by_id = {a.id: a for a in self.store.articles_by_ids([aid for ids in groups for aid in ids])}
            groups = [[by_id[aid] for aid in ids] for ids in groups]  # each in ingest order, as members are
            everything = [a for articles in groups for a in articles]
            parses = self.store.parses(everything, parser) if keep else {}
            findings = self.store.findings(everything, analyzer) if keep else {}
            return [(sid, articles, self.options, {a.id: parses[a.id] for a in articles if a.id in parses},
                     {a.id: findings[a.id] for a in articles if a.id in findings})
                    for sid, articles in zip(sids, groups)]

        def write(jobs_now: list[tuple], results: Iterable) -> None:
            """Store analysed stories with their parses and findings, STORIES_PER_WRITE to a transaction: a run
            stopped in between keeps the stories written and analyses the others (still dirty) again."""
            done: list[tuple] = []
            for (_, articles, *_), (story, problems, fresh, fresh_findings) in zip(jobs_now, results):
                for p in problems:
                    self._problem(p)
                done.append((articles, story, problems, fresh, fresh_findings))
                next(ticks, None)
                if len(done) >= STORIES_PER_WRITE:
                    self._write_analysed(done, parser, analyzer)
                    done = []
            self._write_analysed(done, parser, analyzer)

        try:
            # With a pool, the next window's jobs are loaded and handed to the workers before this window's results
            # are stored: the workers do not wait for the main process between windows.
            pending = None
            for start in range(0, len(live), window):
                jobs_now = load(live[start : start + window])
                if map_jobs is not None:
                    results = map_jobs(_analyze_job, jobs_now)
                elif pool is not None and warm_up:
                    first = _analyze_here(jobs_now[0])
                    results = itertools.chain([first], pool.map(_analyze_job, jobs_now[1:]))
                    warm_up = False
                else:
                    results = pool.map(_analyze_job, jobs_now) if pool else map(_analyze_here, jobs_now)
                if pending is not None:
                    write(*pending)
                pending = (jobs_now, results)
                if pool is None:
                    write(*pending)
                    pending = None
            if pending is not None:
                write(*pending)
            for _ in ticks:  # close the bar
                pass
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        # Only stories still in the clusterer's window can grow, so only their members' parses and findings can be
        # reused (given groups, whose store has no clusterer stories, can always grow: all kept); rows of older code
        # are never reusable.
        active = None if self.options.group_by or not self.clusterer.stories else {
            aid for sid in self.clusterer.stories for aid in members.get(sid, ())}
        self.store.prune_caches({"parses": parser, "findings": analyzer}, active)
        return targets

    def _write_analysed(self, done: list[tuple], parser: str, analyzer: str) -> None:
        """(articles, story, problems, fresh parses, fresh findings) of analysed stories, in one transaction."""
        if not done:
            return
        articles = [a for arts, *_ in done for a in arts]
        with self.store.transaction():
            if self.options.keep_parses:
                self.store.write_parses(articles, {k: v for *_, fresh, _ in done for k, v in fresh.items()}, parser)
                self.store.write_findings(articles, {k: v for *_, found in done for k, v in found.items()}, analyzer)
            self.store.write_stories([(story, problems) for _, story, problems, *_ in done])

    # --- output -----------------------------------------------------------------------------------
    def result(self) -> dict:
        """The stories.json document (see schema/stories.schema.json)."""
        members = self._members()
        story_of = {aid: sid for sid, ids in members.items() for aid in ids}
        articles = []
        for a in self.store.iter_articles():
            d = a.to_dict()
            d["story_id"] = story_of.get(a.id)
            articles.append(d)
        stories = self.store.stories()
        problems = [p.to_dict() for p in self.store.problems()]
        duplicates = self.store.duplicates()
        return {
            "$schema": SCHEMA_ID,
            "unspun_version": __version__,
            "run": {
                "articles": len(articles),
                "stories": len(stories),
                "duplicates": len(duplicates),
                "problems": len(problems),
            },
            "articles": articles,
            "stories": stories,
            "duplicates": duplicates,
            "merges": [{"old_id": k, "new_id": v} for k, v in sorted(self.store.merges().items())],
            "problems": problems,
        }


@dataclass
class RunResult:
    result: dict
    stats: IngestStats
    problems: list[Problem]
    exit_code: int
    outputs: dict[str, str]


def write_outputs(result: dict, out_dir: str | Path, formats: Iterable[str] = ("json", "md", "html")) -> dict[str, str]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    formats = set(formats)
    if "json" in formats:
        path = out / "stories.json"
        path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written["json"] = str(path)
    if "md" in formats:
        from .report.markdown import render_markdown

        path = out / "stories.md"
        path.write_text(render_markdown(result), encoding="utf-8")
        written["md"] = str(path)
    if "html" in formats:
        from .report.html import render_html

        path = out / "report.html"
        path.write_text(render_html(result), encoding="utf-8")
        written["html"] = str(path)
    return written


def run(
    inputs: list[str],
    out_dir: str | Path | None = None,
    *,
    formats: Iterable[str] = ("json", "md", "html"),
    db: str | Path | None = None,
    options: Options | None = None,
    stdin=None,
    on_problem: Callable[[Problem], None] | None = None,
) -> RunResult:
    """Ingest inputs into the store (default OUT/unspun.duckdb), analyse changed stories, write outputs."""
    if db is None:
        db = Path(out_dir) / "unspun.duckdb" if out_dir is not None else ":memory:"
    with Store(db) as store:
        pipe = Pipeline(store, options, on_problem)
        stats = pipe.ingest(inputs, stdin=stdin)
        pipe.analyze()
        result = pipe.result()
        outputs = write_outputs(result, out_dir, formats) if out_dir is not None else {}
    return RunResult(result, stats, pipe.problems, exit_code(result, pipe.problems), outputs)


def exit_code(result: dict, problems: list[Problem]) -> int:
    """0 all good; 3 some inputs were bad but articles came out; 1 nothing came out."""
    if not result["run"]["articles"]:
        return EXIT_FATAL
    return EXIT_PARTIAL if problems else EXIT_OK
