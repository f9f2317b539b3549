"""The embedded store: one DuckDB file holding articles, blocks, stories and their parts.

Runs are incremental (new input joins the stories already stored) and resumable: articles are written in
batches, each batch in one transaction together with the clusterer state, so a killed run loses at most the
batch in flight and a rerun skips every article already stored. Stories whose membership changed are marked
dirty and re-analysed; a story's analysis is written in one transaction that also clears its dirty flag.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import zlib
from pathlib import Path
from typing import Iterable, Iterator

import duckdb
import numpy as np

from .model import Article, Block, Problem, Story, story_problem_source

SCHEMA_VERSION = "1"
MEMORY_LIMIT = "1GB"  # ":memory:" stores: all their data lives in the buffer pool
FILE_MEMORY_LIMIT = "128MB"  # file stores: table blocks are evicted (re-read from the file) beyond it

_DDL = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS articles (
        id VARCHAR PRIMARY KEY, seq BIGINT, hash VARCHAR, story_id VARCHAR, title VARCHAR,
        outlet VARCHAR, url VARCHAR, date VARCHAR, source VARCHAR, data VARCHAR)""",
    "CREATE INDEX IF NOT EXISTS articles_hash ON articles(hash)",
    """CREATE TABLE IF NOT EXISTS blocks (
        article_id VARCHAR, idx INTEGER, text VARCHAR, kept BOOLEAN, reason VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS duplicates (
        id VARCHAR, source VARCHAR, duplicate_of VARCHAR, PRIMARY KEY (id, source))""",
    """CREATE TABLE IF NOT EXISTS problems (
        source VARCHAR, reason VARCHAR, detail VARCHAR, PRIMARY KEY (source, reason))""",
    """CREATE TABLE IF NOT EXISTS stories (
        id VARCHAR PRIMARY KEY, dirty BOOLEAN, headline VARCHAR, n_articles INTEGER, data VARCHAR)""",
    "CREATE TABLE IF NOT EXISTS merges (old_id VARCHAR PRIMARY KEY, new_id VARCHAR)",
    """CREATE TABLE IF NOT EXISTS summary_sentences (
        story_id VARCHAR, idx INTEGER, text VARCHAR, citations VARCHAR, support VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS quotes (
        story_id VARCHAR, idx INTEGER, text VARCHAR, speaker VARCHAR, kind VARCHAR, article_ids VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS entities (
        story_id VARCHAR, name VARCHAR, type VARCHAR, count INTEGER, role VARCHAR)""",
    # spaCy parses of stored articles (see nlp.parse_articles): a growing story is re-analysed without re-parsing
    """CREATE TABLE IF NOT EXISTS parses (
        article_id VARCHAR PRIMARY KEY, hash VARCHAR, parser VARCHAR, doc BLOB)""",
    # per-article stage results (quotes, dated events; see pipeline.analyze_story), JSON, keyed by the code that
    # made them and a digest of the stored article: a growing story recomputes them for its new articles only
    """CREATE TABLE IF NOT EXISTS findings (
        article_id VARCHAR PRIMARY KEY, digest VARCHAR, analyzer VARCHAR, payload VARCHAR)""",
    # the clusterer's state (`StoryClusterer.to_state`) as zlib-compressed JSON cut in parts (`_STATE_PART`)
    "CREATE TABLE IF NOT EXISTS cluster_state (part INTEGER PRIMARY KEY, data BLOB)",
]
# With thousands of active stories the state is tens of MB of JSON (~50 MB at the 5,000-story cap), and DuckDB under
# FILE_MEMORY_LIMIT cannot allocate one value that size (a diverse 6,000-article run died saving it): parts of 1 MB.
_STATE_PART = 1 << 20

_STORY_PART_TABLES = ("summary_sentences", "quotes", "entities")


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


_ARTICLE_FIELDS = [f.name for f in dataclasses.fields(Article) if f.name != "blocks"]  # blocks: their own table


def _article_data(art: Article) -> dict:
    """`art.to_dict()` without "blocks", built directly: the generic recursive `to_dict` was a third of a batch
    write. Same JSON from `_dumps` (the remaining values are plain JSON values; tuples serialise as lists)."""
    data = {name: getattr(art, name) for name in _ARTICLE_FIELDS}
    data["removed"] = [{"text": b.text, "reason": b.reason} for b in art.blocks if not b.kept]
    return data


def _article_digest(art: Article) -> str:
    """Digest of everything stored about an article: its per-article findings are reused only while it holds."""
    return hashlib.sha1(_dumps(_article_data(art)).encode("utf-8")).hexdigest()


class Store:
    """A DuckDB file (or ":memory:") with unspun's tables."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # DuckDB's default memory limit is 80% of RAM and its buffer cache grows with the file (~4 MB per 1,000
        # stored articles, kept until the limit): a small fixed cap keeps an archive-scale run's memory flat (it
        # spills to disk beyond it; at 10k articles 128MB cut the ingest's peak RSS ~60 MB at the same CPU cost)
        limit = MEMORY_LIMIT if self.path == ":memory:" else FILE_MEMORY_LIMIT
        self.con = duckdb.connect(self.path, config={"memory_limit": limit})
        self._in_transaction = False  # see `transaction`
        for stmt in _DDL:
            self.con.execute(stmt)
        self.con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?) ON CONFLICT (key) DO NOTHING", [SCHEMA_VERSION]
        )

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- meta -------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute(
            "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value]
        )

    def get_cluster_state(self) -> dict | None:
        """The clusterer state saved with the last placed articles (None before any)."""
        parts = self.con.execute("SELECT data FROM cluster_state ORDER BY part").fetchall()
        if parts:
            return json.loads(zlib.decompress(b"".join(p[0] for p in parts)))
        old = self.get_meta("cluster_state")  # a store written before the state had its own table
        return json.loads(old) if old else None

    def _set_cluster_state(self, state: dict) -> None:
        blob = zlib.compress(_dumps(state).encode("utf-8"), 1)  # level 1: ~8x smaller, at ~100 MB/s
        self.con.execute("DELETE FROM cluster_state")
        self.con.execute("DELETE FROM meta WHERE key = 'cluster_state'")
        self._insert("cluster_state", [(i // _STATE_PART, blob[i:i + _STATE_PART])
                                       for i in range(0, len(blob), _STATE_PART)])

    # --- articles ---------------------------------------------------------------------------------
    # Lookups and writes are set-based: a DuckDB statement costs milliseconds however few rows it touches, so one
    # statement per batch rather than one per article (per-row INSERTs held ingest to ~20 articles/s).
    def stored_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of `ids` already stored."""
        ids = list(ids)
        if not ids:
            return set()
        rows = self.con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest(?))", [ids]).fetchall()
        return {r[0] for r in rows}

    def articles_with_hashes(self, hashes: Iterable[str]) -> dict[str, str]:
        """content hash -> id of the first stored article with that hash, for those of `hashes` stored."""
        hashes = list(hashes)
        if not hashes:
            return {}
        rows = self.con.execute(
            "SELECT hash, arg_min(id, seq) FROM articles WHERE hash IN (SELECT unnest(?)) GROUP BY hash", [hashes]
        ).fetchall()
        return dict(rows)

    def _insert(self, table: str, rows: list[tuple], on_conflict: str = "") -> None:
        """Insert rows in one statement, from the columns as NumPy object arrays that DuckDB scans in place: 2-3x
        faster on the blocks of a batch than passing each column as a list parameter to unnest (a list becomes a
        DuckDB value element by element). The table's column types apply (INSERT casts): the same stored values."""
        if not rows:
            return
        columns = {f"c{i}": np.fromiter(col, dtype=object, count=len(rows)) for i, col in enumerate(zip(*rows))}
        self.con.complete()  # register() refuses while a fetchone() result is still open
        self.con.register("_rows", columns)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _rows {on_conflict}")
        finally:
            self.con.unregister("_rows")

    def article_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles").fetchone()[0]

    def write_batch(
        self,
        articles: list[tuple[Article, str]],
        duplicates: list[tuple[str, str, str]],
        problems: list[Problem],
        merges: Iterable[dict],
        dirty_story_ids: Iterable[str],
        cluster_state: dict | None,
        checkpoint: bool = True,
    ) -> None:
        """Write one ingest batch atomically: articles with their story ids and, at a `checkpoint`, the clusterer
        state (None: these articles are not clustered, e.g. grouped by an input field) with the seq of the last
        article it has seen. Articles stored after the last checkpoint are `articles_after_checkpoint`."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            seq = self.con.execute("SELECT coalesce(max(seq), -1) FROM articles").fetchone()[0]
            article_rows, block_rows = [], []
            for art, story_id in articles:
                seq += 1
                article_rows.append((art.id, seq, art.hash, story_id, art.title, art.outlet, art.url, art.date,
                                     art.source, _dumps(_article_data(art))))
                block_rows += [(art.id, i, b.text, b.kept, b.reason) for i, b in enumerate(art.blocks)]
            self._insert("articles", article_rows)
            self._insert("blocks", block_rows)
            # one statement may not touch a key twice: keep the first duplicate/problem and the last merge per key
            dups = {(d, s): (d, s, first) for d, s, first in reversed(duplicates)}
            self._insert("duplicates", sorted(dups.values()), "ON CONFLICT DO NOTHING")
            probs = {(p.source, p.reason): (p.source, p.reason, p.detail) for p in reversed(problems)}
            self._insert("problems", sorted(probs.values()), "ON CONFLICT DO NOTHING")
            self._write_story_changes(merges, dirty_story_ids)
            if checkpoint:
                if cluster_state is not None:
                    self._set_cluster_state(cluster_state)
                self.set_meta("cluster_state_seq", str(seq))
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def _write_story_changes(self, merges: Iterable[dict], dirty_story_ids: Iterable[str]) -> None:
        last_merge = {m["old_id"]: (m["old_id"], m["new_id"]) for m in merges}
        self._insert("merges", sorted(last_merge.values()),
                     "ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id")
        self._insert("stories", [(sid, True, None, 0, None) for sid in sorted(set(dirty_story_ids))],
                     "ON CONFLICT (id) DO UPDATE SET dirty = TRUE")

    # Articles wait with no story id until the clusterer places them, in publish-date order (undated ones after the
    # dated, each in ingest order): see Pipeline.cluster_stored.
    _CLUSTER_DAY = "coalesce(date, '~')"  # '~' sorts after any ISO date
    _CLUSTER_PAGE = 50_000  # ids per ordered lookup: memory stays bounded however many articles wait

    def unclustered_count(self) -> int:
        return self.con.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone()[0]

    def unclustered(self, batch: int = 256) -> Iterator[Article]:
        """Stored articles not placed in a story yet, in the order the clusterer reads them (publish date, then
        ingest order; undated last), loaded `batch` at a time, without their removed blocks (the clusterer reads the
        kept text)."""
        after: tuple[str, int] = ("", -1)
        while True:
            page = self.con.execute(
                f"SELECT id, {self._CLUSTER_DAY}, seq FROM articles WHERE story_id IS NULL "
                f"AND ({self._CLUSTER_DAY}, seq) > (?, ?) ORDER BY {self._CLUSTER_DAY}, seq LIMIT ?",
                [after[0], after[1], self._CLUSTER_PAGE],
            ).fetchall()
            if not page:
                return
            after = page[-1][1:]
            ids = [r[0] for r in page]
            for start in range(0, len(ids), batch):
                chunk = ids[start : start + batch]
                by_id = {a.id: a for a in self.articles_by_ids(chunk, blocks=False)}
                yield from (by_id[i] for i in chunk)

    def assign_stories(self, placed: list[tuple[str, str]], merges: Iterable[dict], dirty_story_ids: Iterable[str],
                       cluster_state: dict) -> None:
        """Store the stories the clusterer placed these articles in together with its state after them, atomically:
        a stopped run leaves the later articles without a story, and the next run places them in the same order
        from the same state."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            if placed:
                ids, story_ids = zip(*placed)
                self.con.execute(
                    "UPDATE articles SET story_id = placed.story_id FROM "
                    "(SELECT unnest(?) AS id, unnest(?) AS story_id) AS placed WHERE articles.id = placed.id",
                    [list(ids), list(story_ids)])
            self._write_story_changes(merges, dirty_story_ids)
            self._set_cluster_state(cluster_state)
            seq = self.con.execute("SELECT coalesce(max(seq), -1) FROM articles").fetchone()[0]
            self.set_meta("cluster_state_seq", str(seq))
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def _rows_to_articles(self, rows, with_blocks: bool = True) -> list[Article]:
        ids = [r[0] for r in rows]
        blocks: dict[str, list[Block]] = {i: [] for i in ids}
        if ids and with_blocks:
            for aid, text, kept, reason in self.con.execute(
                "SELECT article_id, text, kept, reason FROM blocks WHERE article_id IN (SELECT unnest(?)) "
                "ORDER BY article_id, idx",
                [ids],
            ).fetchall():
                blocks[aid].append(Block(text=text, kept=kept, reason=reason))
        out = []
        for aid, data in rows:
            d = json.loads(data)
            d.pop("removed", None)
            d["blocks"] = blocks[aid]
            out.append(Article(**d))
        return out

    def articles(self, story_ids: Iterable[str] | None = None) -> list[Article]:
        """Stored articles in ingest order, optionally only those whose stored story id is in story_ids."""
        if story_ids is None:
            rows = self.con.execute("SELECT id, data FROM articles ORDER BY seq").fetchall()
        else:
            rows = self.con.execute(
                "SELECT id, data FROM articles WHERE story_id IN (SELECT unnest(?)) ORDER BY seq", [list(story_ids)]
            ).fetchall()
        return self._rows_to_articles(rows)

    def articles_after_checkpoint(self) -> list[Article]:
        """Stored articles with a story that the saved clusterer state has not seen, in ingest order: left by a run
        of an earlier version (which clustered while it stored) stopped between two saves of the state. Current runs
        save story ids only with the state (`assign_stories`), so they leave none."""
        seq = self.get_meta("cluster_state_seq")
        if seq is None:
            return []
        rows = self.con.execute("SELECT id, data FROM articles WHERE seq > ? AND story_id IS NOT NULL ORDER BY seq",
                                [int(seq)]).fetchall()
        return self._rows_to_articles(rows)

    def articles_by_ids(self, ids: list[str], blocks: bool = True) -> list[Article]:
        """Stored articles with these ids, in ingest order (`blocks=False`: without their kept/removed blocks)."""
        rows = self.con.execute(
            "SELECT id, data FROM articles WHERE id IN (SELECT unnest(?)) ORDER BY seq", [list(ids)]
        ).fetchall()
        return self._rows_to_articles(rows, with_blocks=blocks)

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        offset = 0
        while True:
            rows = self.con.execute(
                "SELECT id, data FROM articles ORDER BY seq LIMIT ? OFFSET ?", [batch, offset]
            ).fetchall()
            if not rows:
                return
            yield from self._rows_to_articles(rows)
            offset += batch

    def article_story_ids(self) -> list[tuple[str, str]]:
        """(article_id, stored story id) in ingest order."""
        return self.con.execute("SELECT id, story_id FROM articles ORDER BY seq").fetchall()

    # --- stories ----------------------------------------------------------------------------------
    def merges(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT old_id, new_id FROM merges").fetchall())

    def resolve(self, story_id: str, merges: dict[str, str] | None = None) -> str:
        """Follow merge events: an old story id still finds the story it was merged into."""
        merges = self.merges() if merges is None else merges
        seen = set()
        while story_id in merges and story_id not in seen:
            seen.add(story_id)
            story_id = merges[story_id]
        return story_id

    def dirty_story_ids(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT id FROM stories WHERE dirty ORDER BY id").fetchall()]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """The writes inside in one transaction (a DuckDB commit costs milliseconds, however little it writes);
        nested, the outermost one commits. An error, a KeyboardInterrupt included, rolls all of them back."""
        if self._in_transaction:
            yield
            return
        self.con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._in_transaction = False
            self.con.execute("ROLLBACK")
            raise
        self._in_transaction = False
        self.con.execute("COMMIT")

    def write_story(self, story: Story, problems: Iterable[Problem] = ()) -> None:
        """Store an analysed story with the problems its analysis met (stage errors, sources "story:ID/STAGE"),
        replacing what an earlier analysis of it stored."""
        self.write_stories([(story, problems)])

    def write_stories(self, analysed: Iterable[tuple[Story, Iterable[Problem]]]) -> None:
        """`write_story` for many stories in one transaction and one statement per table (~12 ms a story written
        one by one, most of it statement and commit overhead). A story given twice: the last one is stored."""
        by_id = {story.id: (story, problems) for story, problems in analysed}
        if not by_id:
            return
        ids = list(by_id)
        problem_rows, story_rows, sentence_rows, quote_rows, entity_rows = [], [], [], [], []
        for story, problems in by_id.values():
            probs = {(p.source, p.reason): (p.source, p.reason, p.detail) for p in problems}
            problem_rows += sorted(probs.values())
            story_rows.append((story.id, False, story.headline, len(story.article_ids), _dumps(story.to_dict())))
            sentence_rows += [(story.id, i, s.text, _dumps(s.citations), _dumps(s.support))
                              for i, s in enumerate(story.summary)]
            quote_rows += [(story.id, i, q.text, q.speaker, q.kind, _dumps(q.article_ids))
                           for i, q in enumerate(story.quotes)]
            entity_rows += [(story.id, e.name, e.type, e.count, e.role) for e in story.entities]
        with self.transaction():
            for table in _STORY_PART_TABLES:
                self.con.execute(f"DELETE FROM {table} WHERE story_id IN (SELECT unnest(?))", [ids])
            self._drop_story_problems(*ids)
            self._insert("problems", problem_rows)
            self._insert("stories", story_rows, """ON CONFLICT (id) DO UPDATE SET dirty = FALSE,
                         headline = excluded.headline, n_articles = excluded.n_articles, data = excluded.data""")
            self._insert("summary_sentences", sentence_rows)
            self._insert("quotes", quote_rows)
            self._insert("entities", entity_rows)

    # --- per-article caches: parses and findings ---------------------------------------------------
    _CACHE_COLUMNS = {"parses": ("hash", "parser", "doc"), "findings": ("digest", "analyzer", "payload")}

    def _cached(self, table: str, made_by: str, stamps: dict[str, str]) -> dict:
        """{article_id: value} of the rows of a per-article cache table made by `made_by` whose stamp (content hash,
        digest) is still the article's."""
        if not stamps:
            return {}
        stamp, maker, value = self._CACHE_COLUMNS[table]
        rows = self.con.execute(
            f"SELECT article_id, {stamp}, {value} FROM {table} WHERE {maker} = ? AND article_id IN (SELECT unnest(?))",
            [made_by, list(stamps)],
        ).fetchall()
        return {aid: val for aid, st, val in rows if stamps[aid] == st}

    def _cache(self, table: str, rows: list[tuple]) -> None:
        """Insert or replace per-article cache rows (article_id, stamp, made_by, value)."""
        updates = ", ".join(f"{c} = excluded.{c}" for c in self._CACHE_COLUMNS[table])
        self._insert(table, rows, f"ON CONFLICT (article_id) DO UPDATE SET {updates}")

    def parses(self, articles: list[Article], parser: str) -> dict[str, bytes]:
        """Stored parses of these articles' current text by `parser` (see nlp.parser_id): {article_id: bytes}."""
        found = self._cached("parses", parser, {a.id: a.hash for a in articles})
        return {aid: bytes(doc) for aid, doc in found.items()}

    def write_parses(self, articles: list[Article], docs: dict[str, bytes], parser: str) -> None:
        self._cache("parses", [(a.id, a.hash, parser, docs[a.id]) for a in articles if a.id in docs])

    def findings(self, articles: list[Article], analyzer: str) -> dict[str, str]:
        """Stored per-article findings (JSON) of these articles, as they are now, by `analyzer` (see
        pipeline.analyzer_id): {article_id: JSON}."""
        return self._cached("findings", analyzer, {a.id: _article_digest(a) for a in articles})

    def write_findings(self, articles: list[Article], payloads: dict[str, str], analyzer: str) -> None:
        self._cache("findings", [(a.id, _article_digest(a), analyzer, payloads[a.id]) for a in articles
                                 if a.id in payloads])

    def prune_caches(self, makers: dict[str, str], keep_ids: Iterable[str] | None = None) -> dict[str, int]:
        """Delete per-article cache rows no later run can use: rows made by other code than `makers`
        ({table: current parser / analyzer id}), and, when `keep_ids` is given, rows of every other article (those
        of stories that can no longer grow). Returns the rows deleted per table. DuckDB reuses the freed blocks, so
        the file stops growing with the archive instead of keeping ~11 KB per article forever."""
        deleted = {}
        keep = None if keep_ids is None else sorted(set(keep_ids))
        for table, made_by in makers.items():
            maker = self._CACHE_COLUMNS[table][1]
            where, params = f"{maker} <> ?", [made_by]
            if keep is not None:
                where += " OR article_id NOT IN (SELECT unnest(?))"
                params.append(keep)
            deleted[table] = self.con.execute(f"DELETE FROM {table} WHERE {where}", params).fetchone()[0]
        return deleted

    def drop_story(self, story_id: str) -> None:
        """Remove a story that was merged into another (its id stays resolvable through `merges`)."""
        for table in _STORY_PART_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE story_id = ?", [story_id])
        self._drop_story_problems(story_id)
        self.con.execute("DELETE FROM stories WHERE id = ?", [story_id])

    def _drop_story_problems(self, *story_ids: str) -> None:
        prefixes = [story_problem_source(sid, "") for sid in story_ids]
        self.con.execute("DELETE FROM problems WHERE EXISTS "
                         "(SELECT 1 FROM (SELECT unnest(?) AS prefix) WHERE starts_with(source, prefix))", [prefixes])

    def stories(self) -> list[dict]:
        """Analysed stories as dicts, largest first, then by id."""
        rows = self.con.execute(
            "SELECT data FROM stories WHERE data IS NOT NULL ORDER BY n_articles DESC, id"
        ).fetchall()
        return [json.loads(r[0]) for r in rows]

    def story(self, story_id: str) -> dict | None:
        row = self.con.execute("SELECT data FROM stories WHERE id = ?", [self.resolve(story_id)]).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    # --- problems and duplicates ---------------------------------------------------------------------
    def problems(self) -> list[Problem]:
        rows = self.con.execute("SELECT source, reason, detail FROM problems ORDER BY source, reason").fetchall()
        return [Problem(*r) for r in rows]

    def duplicates(self) -> list[dict]:
        rows = self.con.execute("SELECT id, source, duplicate_of FROM duplicates ORDER BY source, id").fetchall()
        return [{"id": r[0], "source": r[1], "duplicate_of": r[2]} for r in rows]
