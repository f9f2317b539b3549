"""`unspun export`: a store as flat tables (Parquet, JSON Lines, CSV) that join on ids."""

from __future__ import annotations

import csv
import json

import duckdb
import pytest

from unspun.export import TABLES, export_store
from unspun.pipeline import run
from unspun.store import Store


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory, seeds_dir):
    out = tmp_path_factory.mktemp("run")
    run([str(seeds_dir)], out, formats=["json"])
    return out / "unspun.duckdb", json.loads((out / "stories.json").read_text(encoding="utf-8"))


def test_tables_hold_the_stories_json(seeded_db, tmp_path):
    db, result = seeded_db
    out = tmp_path / "it's tables"  # a quote in the path must not break the SQL
    counts = export_store(db, out, "jsonl")
    assert set(counts) == set(TABLES) and all((out / f"{t}.jsonl").exists() for t in TABLES)
    rows = {t: [json.loads(line) for line in (out / f"{t}.jsonl").read_text(encoding="utf-8").splitlines()]
            for t in TABLES}
    assert {t: len(r) for t, r in rows.items()} == counts

    stories = result["stories"]
    assert [r["story_id"] for r in rows["stories"]] == [s["id"] for s in stories]
    story_of = {aid: s["id"] for s in stories for aid in s["article_ids"]}
    assert {r["id"]: r["story_id"] for r in rows["articles"]} == story_of
    by_id = {a["id"]: a for a in result["articles"]}
    for r in rows["articles"]:
        assert r["text"] == by_id[r["id"]]["text"] and r["title"] == by_id[r["id"]]["title"]
    for table, part in (("summary_sentences", "summary"), ("quotes", "quotes"), ("entities", "entities"),
                        ("events", "timeline"), ("copy_map", "copy_map")):
        assert len(rows[table]) == sum(len(s[part]) for s in stories), table
    first = stories[0]
    assert [r["text"] for r in rows["summary_sentences"] if r["story_id"] == first["id"]] == \
        [s["text"] for s in first["summary"]]
    assert [r["citations"] for r in rows["summary_sentences"] if r["story_id"] == first["id"]] == \
        [s["citations"] for s in first["summary"]]
    assert [r["speaker"] for r in rows["summary_sentences"] if r["story_id"] == first["id"]] == \
        [s["speaker"] for s in first["summary"]]
    assert any("Democracy can not be done by force" in r["text"] and r["speaker"] == "Sergei Lavrov"
               for r in rows["quotes"])
    assert {r["expression"] for r in rows["events"]} >= {"previous year"}


def test_formats_agree_and_files_are_deterministic(seeded_db, tmp_path):
    db, _ = seeded_db
    a = export_store(db, tmp_path / "a")
    b = export_store(db, tmp_path / "b")
    assert a == b
    for table in TABLES:
        assert (tmp_path / "a" / f"{table}.parquet").read_bytes() == (tmp_path / "b" / f"{table}.parquet").read_bytes()
    export_store(db, tmp_path / "c", "csv")
    with (tmp_path / "c" / "quotes.csv").open(encoding="utf-8", newline="") as fh:
        csv_quotes = [r["text"] for r in csv.DictReader(fh)]
    parquet_quotes = [r[0] for r in duckdb.sql(
        f"SELECT text FROM read_parquet('{tmp_path / 'a' / 'quotes.parquet'}')").fetchall()]
    assert csv_quotes == parquet_quotes and len(parquet_quotes) == a["quotes"]


def test_merged_story_ids_resolve_to_the_surviving_story(tmp_path):
    db = tmp_path / "m.duckdb"
    with Store(db) as store:
        store.con.execute("INSERT INTO merges VALUES ('s1', 's2'), ('s2', 's3'), ('s9', 's3')")
    export_store(db, tmp_path / "t", "jsonl")
    merges = [json.loads(line) for line in (tmp_path / "t" / "merges.jsonl").read_text().splitlines()]
    assert merges == [{"old_id": "s1", "merged_into": "s2", "story_id": "s3"},
                      {"old_id": "s2", "merged_into": "s3", "story_id": "s3"},
                      {"old_id": "s9", "merged_into": "s3", "story_id": "s3"}]


def test_cli_export_and_its_errors(seeded_db, tmp_path):
    from unspun.cli import main

    db, _ = seeded_db
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "t")]) == 0
    assert (tmp_path / "t" / "articles.parquet").exists()
    (tmp_path / "junk.duckdb").write_bytes(b"not a database")
    assert main(["export", "--db", str(tmp_path / "junk.duckdb"), "--out", str(tmp_path / "u")]) == 1
    with pytest.raises(SystemExit) as e:
        main(["export", "--db", str(tmp_path / "missing.duckdb")])
    assert e.value.code == 2


def test_developments_and_summary_kind_are_exported(tmp_path):
    from test_developments import FED

    src = tmp_path / "fed.jsonl"
    src.write_text("".join(json.dumps({"id": i, "title": t, "text": x, "date": d}) + "\n" for i, d, t, x in FED),
                   encoding="utf-8")
    res = run([str(src)], tmp_path / "out", formats=["json"])
    story = res.result["stories"][0]
    export_store(tmp_path / "out" / "unspun.duckdb", tmp_path / "t", "jsonl")
    rows = [json.loads(x) for x in (tmp_path / "t" / "developments.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["development_id"], r["first_date"], r["last_date"], r["article_ids"]) for r in rows] == \
        [(d["id"], *d["date_range"], d["article_ids"]) for d in story["developments"]]
    stories = [json.loads(x) for x in (tmp_path / "t" / "stories.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [s["summary_kind"] for s in stories] == ["developments"]
