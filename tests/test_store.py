"""The store: incremental runs keep story ids, an interrupted run resumes without losing or doubling articles."""

import json
import subprocess
import sys

import pytest

from unspun.pipeline import Options, Pipeline, run
from unspun.store import Store

QUIET = Options(progress="quiet", batch_size=1, strict=True)


def _write_more(folder, n):
    for i in range(n):
        (folder / f"harbour-{i}.txt").write_text(
            f"Harbour dredging contract number {i} awarded in Rotterdam\n\n"
            f"The port authority of Rotterdam awarded dredging contract {i} on Monday to deepen the channel, "
            f"officials said, after {i + 2} years of planning and a long dispute with shipping companies.",
            encoding="utf-8",
        )


def test_incremental_ingest_keeps_story_ids(tmp_path, seeds_dir, football_text):
    db = tmp_path / "u.duckdb"
    first, second = sorted(seeds_dir.iterdir())
    with Store(db) as store:
        pipe = Pipeline(store, QUIET)
        pipe.ingest([str(first)])
        pipe.analyze()
        (story1,) = store.stories()
    football = tmp_path / "football.txt"
    football.write_text(football_text, encoding="utf-8")
    with Store(db) as store:
        pipe = Pipeline(store, QUIET)
        stats = pipe.ingest([str(second), str(football)])
        assert stats.added == 2
        pipe.analyze()
        stories = store.stories()
        assert len(stories) == 2
        by_id = {s["id"]: s for s in stories}
        # the first story keeps its id and gains the second seed
        assert story1["id"] in by_id and len(by_id[story1["id"]]["article_ids"]) == 2
        assert store.story(story1["id"])["headline"]


@pytest.mark.parametrize("killed_in,state_every,killed_at",
                         [("write_batch", 16, 4), ("write_batch", 1, 6), ("assign_stories", 1, 3),
                          ("assign_stories", 2, 2)])
def test_interrupted_run_resumes_to_the_same_result(tmp_path, seeds_dir, football_text, monkeypatch, killed_in,
                                                   state_every, killed_at):
    """Killed while storing a batch (`write_batch`) or while saving where the clusterer placed some articles
    (`assign_stories`, every `state_every` batches), the rerun stores what is missing and places the articles still
    without a story, in the same order from the same saved state: same stories, same state as a clean run."""
    monkeypatch.setattr("unspun.pipeline.STATE_EVERY_BATCHES", state_every)
    src = tmp_path / "in"
    src.mkdir()
    for f in seeds_dir.iterdir():
        (src / f.name).write_bytes(f.read_bytes())
    (src / "football.txt").write_text(football_text, encoding="utf-8")
    _write_more(src, 3)
    clean = run([str(src)], tmp_path / "clean", options=QUIET).result

    real_write = getattr(Store, killed_in)
    calls = {"n": 0}

    def dying_write(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == killed_at:  # killed while writing this batch (batch_size=1)
            raise KeyboardInterrupt("simulated kill")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Store, killed_in, dying_write)
    with pytest.raises(KeyboardInterrupt):
        run([str(src)], tmp_path / "resumed", options=QUIET)
    monkeypatch.setattr(Store, killed_in, real_write)
    stored = killed_at - 1 if killed_in == "write_batch" else 6
    placed = 0 if killed_in == "write_batch" else (killed_at - 1) * state_every
    with Store(tmp_path / "resumed" / "unspun.duckdb") as store:
        assert store.article_count() == stored  # the batches before the kill are kept
        assert store.unclustered_count() == stored - placed  # ... and placed only with a saved state
        assert not store.articles_after_checkpoint()
    resumed = run([str(src)], tmp_path / "resumed", options=QUIET)
    assert resumed.stats.already_stored == stored and resumed.stats.added == 6 - stored
    assert json.dumps(resumed.result, sort_keys=True) == json.dumps(clean, sort_keys=True)
    states = []
    for name in ("clean", "resumed"):
        with Store(tmp_path / name / "unspun.duckdb") as store:
            assert store.unclustered_count() == 0
            states.append(store.get_cluster_state())
    assert states[0] is not None and states[0] == states[1]


def test_articles_are_placed_in_publish_date_order(tmp_path):
    """Input in any order is clustered in publish-date order (undated last): the story is founded by its earliest
    report, and its id is the one a date-ordered stream gives."""
    from unspun.cluster import StoryClusterer

    days = ["2021-03-04", "2021-03-02", None, "2021-03-03"]
    lines = []
    for i, day in enumerate(days):
        rec = {"id": f"a{i}", "title": f"Dam on the Tisza river breaks after storm, report {i}",
               "text": f"The dam on the Tisza river near Szeged broke on Tuesday after a storm, flooding {100 + i} "
                       f"homes, officials said. Rescue teams evacuated residents of three villages. Report {i}."}
        if day:
            rec["date"] = day
        lines.append(json.dumps(rec))
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store() as store:
        Pipeline(store, QUIET).ingest([str(path)])
        articles = store.articles()  # ingest order
        stored_story = dict(store.article_story_ids())
        assert [a.date for a in articles] == [d for d in days]
        expected = StoryClusterer()
        by_date = sorted(articles, key=lambda a: (a.date is None, a.date or ""))
        assert [a.date for a in by_date] == ["2021-03-02", "2021-03-03", "2021-03-04", None]
        assert {a.id: expected.add(a) for a in by_date} == stored_story
        assert len(set(stored_story.values())) == 1


def test_cli_stories_show_and_report(tmp_path, seeds_dir):
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "unspun"]
    subprocess.run([*cli, "run", str(seeds_dir), "--out", str(out), "-q"], check=True, capture_output=True)
    db = str(out / "unspun.duckdb")
    lines = subprocess.run([*cli, "stories", "--db", db], check=True, capture_output=True, text=True).stdout
    stories = [json.loads(line) for line in lines.splitlines()]
    assert len(stories) == 1 and len(stories[0]["article_ids"]) == 2
    md = subprocess.run([*cli, "show", stories[0]["id"], "--db", db], check=True, capture_output=True, text=True)
    assert stories[0]["headline"] in md.stdout
    js = subprocess.run(
        [*cli, "show", stories[0]["id"], "--db", db, "--format", "json"], check=True, capture_output=True, text=True
    )
    assert json.loads(js.stdout)["id"] == stories[0]["id"]
    missing = subprocess.run([*cli, "show", "nope", "--db", db], capture_output=True, text=True)
    assert missing.returncode == 1 and "no story" in missing.stderr
    subprocess.run([*cli, "report", "--db", db, "--out", str(tmp_path / "r.html")], check=True, capture_output=True)
    assert "Content-Security-Policy" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_stored_article_json_is_the_article_dict_without_blocks():
    from unspun.model import Article, Block
    from unspun.store import _article_data, _dumps

    art = Article(id="a1", title="T", text="Kept.", source="s", blocks=[Block("Kept."), Block("Ad", False, "promo")],
                  extraction={"method": "resiliparse", "date_flags": ["future"]}, meta={"k": [1, {"z": None}]},
                  hash="h")
    expected = art.to_dict()
    expected.pop("blocks")
    assert _dumps(_article_data(art)) == _dumps(expected)
    assert json.loads(_dumps(_article_data(art)))["removed"] == [{"text": "Ad", "reason": "promo"}]


def test_a_clusterer_state_of_many_megabytes_is_saved_in_parts_and_read_back(tmp_path):
    """Thousands of active stories make a state of tens of MB, more than one DuckDB value may take under the file
    store's memory cap: it is stored compressed, in parts, and reads back whole; a store that kept it in `meta`
    (older versions) still loads, and the next save moves it."""
    import random

    rng = random.Random(3)
    state = {"stories": {f"s{i}": {"terms": [rng.getrandbits(64) for _ in range(400)]} for i in range(1500)}}
    with Store(tmp_path / "s.duckdb") as store:
        assert store.get_cluster_state() is None
        store.write_batch([], [], [], [], [], state)
        assert store.con.execute("SELECT count(*) FROM cluster_state").fetchone()[0] > 1  # compressed > 1 MB
        assert store.get_cluster_state() == state
        store.write_batch([], [], [], [], [], {"stories": {}})  # a smaller state replaces every part
        assert store.get_cluster_state() == {"stories": {}}
        store.con.execute("DELETE FROM cluster_state")
        store.set_meta("cluster_state", json.dumps(state))  # as an older unspun saved it
        assert store.get_cluster_state() == state
        store.write_batch([], [], [], [], [], {"stories": {}})
        assert store.get_meta("cluster_state") is None and store.get_cluster_state() == {"stories": {}}


def _grouped_records(path, n):
    """n one-article stories (grouped by an input field), each with a quote and a date for the stages to read."""
    names = ["Maria Lopez", "John Carter", "Anna Novak", "Peter Brandt", "Sara Okafor", "Tom Reilly", "Lena Fischer"]
    lines = []
    for i in range(n):
        who = names[i % len(names)]
        text = (f"The city council of town number {i} approved a new bridge over the river on Monday, {who} said. "
                f"\"We have waited {i + 3} years for this bridge\", {who} told reporters on 3 March 2021. "
                f"Construction will begin in April and cost {i + 2} million euros, the council said.")
        lines.append(json.dumps({"id": f"r{i}", "title": f"Town {i} approves bridge", "text": text, "g": f"g{i}",
                                 "date": f"2021-03-{i % 28 + 1:02d}"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _story_tables(store):
    """Every row a story's analysis stores, in a fixed order."""
    out = {}
    for table, order in (("stories", "id"), ("summary_sentences", "story_id, idx"), ("quotes", "story_id, idx"),
                         ("entities", "story_id, name, type"), ("problems", "source, reason"),
                         ("findings", "article_id"), ("parses", "article_id")):
        out[table] = store.con.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    return out


def test_stories_written_in_one_batch_store_what_one_by_one_stores(tmp_path):
    """`write_stories` (one transaction, one statement a table) stores the rows `write_story` stores story by story,
    and replaces an earlier analysis of a story, its problems included; a story given twice keeps the last."""
    from unspun.model import Problem, story_problem_source
    from unspun.pipeline import analyze_story

    src = tmp_path / "in.jsonl"
    _grouped_records(src, 3)
    with Store() as store:
        pipe = Pipeline(store, Options(progress="quiet", group_by="g", jobs=1))
        pipe.ingest([str(src)])
        stories = [(sid, store.articles_by_ids(ids)) for sid, ids in sorted(pipe._members().items())]
    analysed = [(analyze_story(sid, arts), [Problem(story_problem_source(sid, "quotes"), "stage_error", "x")])
                for sid, arts in stories]
    stale = [(s, [Problem(story_problem_source(s.id, "spin"), "stage_error", "old")]) for s, _ in analysed]
    one, batch = Store(tmp_path / "one.duckdb"), Store(tmp_path / "batch.duckdb")
    with one, batch:
        for story, problems in stale + analysed:
            one.write_story(story, problems)
        batch.write_stories(stale)
        batch.write_stories([analysed[0], stale[1], analysed[1], analysed[2]])  # story 1: the last one counts
        assert _story_tables(one) == _story_tables(batch)
        assert len(_story_tables(batch)["quotes"]) >= 3
        assert [p.detail for p in batch.problems()] == ["x"] * 3
        assert not batch.dirty_story_ids()


def test_a_run_stopped_between_story_writes_keeps_the_written_ones_and_resumes(tmp_path, monkeypatch):
    """Analysed stories are stored STORIES_PER_WRITE to a transaction: a run killed while storing a batch keeps the
    batches before it (no longer dirty), and the rerun analyses the rest to the clean run's result."""
    monkeypatch.setattr("unspun.pipeline.STORIES_PER_WRITE", 2)
    src = tmp_path / "in.jsonl"
    _grouped_records(src, 5)
    opts = Options(progress="quiet", group_by="g", jobs=1, strict=True)
    clean = run([str(src)], tmp_path / "clean", options=opts).result

    real_write = Store.write_stories
    calls = {"n": 0}

    def dying_write(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("simulated kill")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Store, "write_stories", dying_write)
    with pytest.raises(KeyboardInterrupt):
        run([str(src)], tmp_path / "resumed", options=opts)
    monkeypatch.setattr(Store, "write_stories", real_write)
    with Store(tmp_path / "resumed" / "unspun.duckdb") as store:
        assert store.article_count() == 5
        assert len(store.stories()) == 2 and len(store.dirty_story_ids()) == 3
    resumed = run([str(src)], tmp_path / "resumed", options=opts)
    assert resumed.stats.already_stored == 5
    assert json.dumps(resumed.result, sort_keys=True) == json.dumps(clean, sort_keys=True)


def test_analysis_in_worker_processes_stores_what_one_process_stores(tmp_path, monkeypatch):
    """The worker pool (forked from this process, the next window handed to it before this one is stored) gives
    the stories, parses and findings one process gives."""
    monkeypatch.setattr("unspun.pipeline.PARALLEL_MIN_STORIES", 2)
    src = tmp_path / "in.jsonl"
    _grouped_records(src, 7)
    tables = []
    for jobs in (1, 2):
        with Store(tmp_path / f"j{jobs}.duckdb") as store:
            pipe = Pipeline(store, Options(progress="quiet", group_by="g", jobs=jobs, strict=True))
            pipe.ingest([str(src)])
            assert len(pipe.analyze(window=3)) == 7
            tables.append(_story_tables(store))
            tables[-1]["result"] = json.dumps(pipe.result(), sort_keys=True)
    assert tables[0] == tables[1]
