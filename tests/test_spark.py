"""The Spark job (`unspun spark`): the same output as `unspun run`, bad input reported, clear errors."""

import shutil
import sys

import pytest
from test_ingest import PARAS, page, write_warc

from unspun.cli import main
from unspun.pipeline import EXIT_FATAL, EXIT_PARTIAL, Options, run

pyspark = pytest.importorskip("pyspark")
if not shutil.which("java"):
    pytest.skip("the Spark job needs Java", allow_module_level=True)


@pytest.fixture(scope="module")
def sc():
    from unspun.spark import spark_context

    context = spark_context("local[2]")
    yield context
    context.stop()


@pytest.fixture
def mixed_inputs(tmp_path, seeds_copy, football_text):
    """Two outlets on one event, an unrelated article, a WARC of three pages (one repeated), a truncated WARC,
    a malformed JSONL line and a path that does not exist."""
    (seeds_copy / "football.txt").write_text(football_text, encoding="utf-8")
    # distinct bodies: paragraphs repeated on every page of an outlet are its template, and dropped
    pages = [(f"https://www.citypress.example/2021/03/0{i}/story-{i}",
              page(f"Story {i}", paras=[f"In district {i}: {p}" for p in PARAS], date=f"2021-03-0{i}"))
             for i in range(1, 4)]
    crawl = tmp_path / "crawl.warc.gz"
    write_warc(crawl, pages + pages[:1])
    cut = tmp_path / "cut.warc.gz"
    data = crawl.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.55)])
    feed = tmp_path / "items.jsonl"
    feed.write_text('{"id": "a1", "title": "Budget vote", "text": "The council approved the budget on Monday '
                    'after a long debate about schools."}\n{"id": "a2", "text": \n', encoding="utf-8")
    return [str(seeds_copy), str(crawl), str(cut), str(feed), str(tmp_path / "missing.html")]


def test_spark_run_writes_what_the_local_run_writes(sc, tmp_path, mixed_inputs):
    from unspun.spark import run_spark

    options = Options(progress="quiet")
    on_spark = run_spark(mixed_inputs, tmp_path / "spark", options=options, sc=sc, partitions=3)
    local = run(mixed_inputs, tmp_path / "local", options=options)
    for name in ("stories.json", "stories.md", "report.html"):
        assert (tmp_path / "spark" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert on_spark.stats.to_dict() == local.stats.to_dict()
    assert on_spark.exit_code == local.exit_code == EXIT_PARTIAL
    problems = {(p.reason, p.source.rsplit("/", 1)[-1]) for p in on_spark.problems}
    assert {("missing", "missing.html"), ("truncated", "items.jsonl:2"), ("truncated", "cut.warc.gz#3")} <= problems
    assert on_spark.stats.duplicates == 3  # the repeated WARC page, and the truncated copy's two whole records
    result = on_spark.result
    story_of = {a["source"].rsplit("/", 1)[-1]: a["story_id"] for a in result["articles"]}
    assert story_of["000_058636c410b4842d.txt"] == story_of["004_31477a2a9db23104.txt"] != story_of["football.txt"]
    assert "items.jsonl:1" in story_of and sum(k.startswith("crawl.warc.gz#") for k in story_of) == 3
    assert all(s["summary"] for s in result["stories"])


def test_spark_run_is_incremental_on_its_store(sc, tmp_path, mixed_inputs):
    from unspun.spark import run_spark

    options = Options(progress="quiet")
    db = tmp_path / "store.duckdb"
    first = run_spark(mixed_inputs[:1], options=options, sc=sc, db=db)
    again = run_spark(mixed_inputs[:2], options=options, sc=sc, db=db)
    assert again.stats.already_stored == first.stats.added > 0
    ids_before = {a["id"]: a["story_id"] for a in first.result["articles"]}
    ids_after = {a["id"]: a["story_id"] for a in again.result["articles"]}
    assert all(ids_after[k] == v for k, v in ids_before.items())  # story ids never change once written


def test_cli_spark_usage_errors(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["spark", str(tmp_path), "--conf", "no-value"])
    assert exc.value.code == 2 and "KEY=VALUE" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["spark", "-"])
    assert exc.value.code == 2 and "stdin" in capsys.readouterr().err


def test_cli_spark_without_pyspark_says_how_to_get_it(tmp_path, monkeypatch, capsys, seeds_dir):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark -> ImportError
    code = main(["spark", str(seeds_dir), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == EXIT_FATAL
    assert "pip install 'unspun[spark]'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
