"""End to end: the seeds (and an unrelated article, and bad input) through `unspun run`."""

import json
import re
import shutil
import subprocess
import sys

import pytest

from unspun.model import Article, normalize_ws
from unspun.pipeline import EXIT_OK, EXIT_PARTIAL, Options, Pipeline, run
from unspun.schema import validate

SEED_JUNK = [
    "More news:",
    "more people are reading The Jerusalem Post than ever before",
    "SHAPIRO:",
]
IRAN_DEAL = "Washington previous year pulled out of a nuclear deal backed by Europe"


@pytest.fixture(scope="module")
def seeds_and_football(tmp_path_factory, seeds_dir, football_text):
    src = tmp_path_factory.mktemp("in")
    for f in seeds_dir.iterdir():
        shutil.copy(f, src / f.name)
    (src / "football.txt").write_text(football_text, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    res = run([str(src)], out, options=Options(progress="quiet", strict=True))
    return res, out


def _story_with(result, title_part):
    ids = {a["id"] for a in result["articles"] if title_part in a["title"]}
    return [s for s in result["stories"] if ids & set(s["article_ids"])]


def test_seeds_form_one_story_and_football_another(seeds_and_football):
    res, _ = seeds_and_football
    result = res.result
    assert res.exit_code == EXIT_OK
    assert result["run"]["articles"] == 3
    pompeo = _story_with(result, "Putin")
    football = _story_with(result, "Kane")
    assert len(pompeo) == 1 and len(pompeo[0]["article_ids"]) == 2
    assert len(football) == 1 and len(football[0]["article_ids"]) == 1
    assert pompeo[0]["id"] != football[0]["id"]


def test_output_validates_against_schema(seeds_and_football):
    res, out = seeds_and_football
    validate(res.result)
    validate(json.loads((out / "stories.json").read_text(encoding="utf-8")))


def test_junk_removed_with_reasons_and_absent_from_story_output(seeds_and_football):
    res, out = seeds_and_football
    result = res.result
    removed = [r for a in result["articles"] for r in a["removed"]]
    for junk in SEED_JUNK:
        assert any(junk in r["text"] for r in removed), junk
    assert all(r["reason"] for r in removed)
    story_text = json.dumps(result["stories"]) + json.dumps([a["text"] for a in result["articles"]])
    md = (out / "stories.md").read_text(encoding="utf-8")
    for junk in SEED_JUNK:
        assert junk not in story_text
        assert junk not in md


def test_shared_iran_paragraph_in_copy_map(seeds_and_football):
    (story,) = _story_with(seeds_and_football[0].result, "Putin")
    hits = [p for p in story["shared_passages"] if IRAN_DEAL in p["text"]]
    assert hits and sorted(hits[0]["article_ids"]) == sorted(story["article_ids"])


def test_every_summary_sentence_cited_and_found_in_cited_article(seeds_and_football):
    result = seeds_and_football[0].result
    text_of = {a["id"]: normalize_ws(a["text"]) for a in result["articles"]}
    for story in result["stories"]:
        assert story["summary"], story["id"]
        for sent in story["summary"]:
            assert sent["citations"]
            for aid in sent["citations"]:
                assert normalize_ws(sent["text"]) in text_of[aid]


def test_quotes_with_speakers(seeds_and_football):
    (story,) = _story_with(seeds_and_football[0].result, "Putin")

    def find(fragment):
        return [q for q in story["quotes"] if fragment in q["text"]]

    lavrov = find("Democracy can not be done by force")
    assert lavrov and "Lavrov" in (lavrov[0]["speaker"] or "") and lavrov[0]["kind"] == "direct"
    pompeo = find("We had a frank discussion about many issues including many places where we disagree")
    assert pompeo and "Pompeo" in (pompeo[0]["speaker"] or "")
    assert any(q["kind"] == "indirect" for q in story["quotes"])


def test_store_holds_the_run(seeds_and_football):
    from unspun.store import Store

    _, out = seeds_and_football
    with Store(out / "unspun.duckdb") as store:
        assert store.article_count() == 3
        assert len(store.stories()) == 2
        n = store.con.execute("SELECT count(*) FROM summary_sentences").fetchone()[0]
        assert n >= 2


def test_same_input_twice_is_byte_identical(tmp_path, seeds_copy, football_text):
    (seeds_copy / "football.txt").write_text(football_text, encoding="utf-8")
    outs = []
    for name in ("a", "b"):
        run([str(seeds_copy)], tmp_path / name, options=Options(progress="quiet"))
        outs.append((tmp_path / name / "stories.json").read_bytes())
    assert outs[0] == outs[1]
    # a rerun into the same folder is incremental: nothing new, same output
    res = run([str(seeds_copy)], tmp_path / "a", options=Options(progress="quiet"))
    assert res.stats.already_stored == 3 and res.stats.added == 0
    assert (tmp_path / "a" / "stories.json").read_bytes() == outs[0]


def test_an_input_read_differently_by_a_later_version_is_not_stored_twice(tmp_path, seeds_copy, monkeypatch):
    """Ids come from the input, not the extracted text: a store stays valid when extraction or cleaning changes."""
    import unspun.ingest.common as common

    first = run([str(seeds_copy)], tmp_path / "out", options=Options(progress="quiet"))
    ids = sorted(a["id"] for a in first.result["articles"])
    body = common.normalize_body
    monkeypatch.setattr(common, "normalize_body", lambda text: body(text) + "\n\nA paragraph a newer version finds.")
    again = run([str(seeds_copy)], tmp_path / "out", options=Options(progress="quiet"))
    assert again.stats.already_stored == 2 and again.stats.added == 0
    assert sorted(a["id"] for a in again.result["articles"]) == ids


def test_bad_inputs_are_reported_and_good_articles_survive(tmp_path, seeds_copy):
    (seeds_copy / "empty.txt").write_bytes(b"")
    (seeds_copy / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (seeds_copy / "latin1.txt").write_bytes(
        "Caf\xe9 owners in S\xe3o Paulo protest new rules\n\nOwners of caf\xe9s said the r\xe8gles hurt trade.".encode(
            "latin-1"
        )
    )
    good = {"id": "ok-1", "title": "Valid line", "text": "A perfectly valid article body about harbour dredging."}
    (seeds_copy / "feed.jsonl").write_text(json.dumps(good) + "\n" + '{"id": "cut", "title": "Trunc', encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "unspun.cli", "run", str(seeds_copy), "--out", str(out), "--quiet", "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == EXIT_PARTIAL, proc.stderr
    result = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    reasons = {p["source"].split("/")[-1].split(":")[0]: p["reason"] for p in result["problems"]}
    assert "empty.txt" in reasons and "binary.txt" in reasons and "feed.jsonl" in reasons
    assert result["run"]["problems"] == len(result["problems"]) >= 3
    ids = {a["id"] for a in result["articles"]}
    assert "ok-1" in ids
    titles = [a["title"] for a in result["articles"]]
    assert any("Café owners in São Paulo" in t for t in titles)  # Latin-1 decoded, not mangled
    assert sum("Putin" in t for t in titles) == 2
    # --quiet silences per-input messages; without it each problem is on stderr
    proc = subprocess.run(
        [sys.executable, "-m", "unspun.cli", "run", str(seeds_copy), "--out", str(tmp_path / "o2"), "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == EXIT_PARTIAL
    for name in ("empty.txt", "binary.txt", "feed.jsonl"):
        assert re.search(rf"skipped \S*{re.escape(name)}\S*: \w+", proc.stderr), proc.stderr


def test_cli_help_and_usage_errors():
    proc = subprocess.run([sys.executable, "-m", "unspun.cli", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "run" in proc.stdout and "exit codes" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "unspun.cli", "run"], capture_output=True, text=True)
    assert proc.returncode == 2


def test_non_english_articles_get_sentences_but_no_english_parse(tmp_path):
    rows = [
        {"id": "de-1", "language": "de", "title": "Neue Brücke in Köln eröffnet",
         "text": "Die neue Brücke über den Rhein wurde am Montag eröffnet. \"Das ist ein großer Tag\", sagte die "
                 "Bürgermeisterin Henriette Reker. Der Bau dauerte sechs Jahre und kostete 120 Millionen Euro."},
        {"id": "en-1", "title": "Harbour reopens after storm",
         "text": "The harbour reopened on Monday after last week's storm. \"We are back in business\", said "
                 "harbour master Jane Doyle. Repairs cost two million pounds, officials said."},
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    res = run([str(path)], tmp_path / "out", options=Options(progress="quiet", strict=True))
    assert res.exit_code == EXIT_OK
    langs = {a["id"]: a["language"] for a in res.result["articles"]}
    assert langs == {"de-1": "de", "en-1": None}
    stories = {s["article_ids"][0]: s for s in res.result["stories"]}
    de, en = stories["de-1"], stories["en-1"]
    assert de["summary"] and all(s["citations"] == ["de-1"] for s in de["summary"])
    assert de["quotes"] == [] and de["timeline"] == []  # not claimed from an English parse of German
    assert any("Doyle" in (q["speaker"] or "") for q in en["quotes"])


def test_oversized_body_is_truncated_and_reported(tmp_path, monkeypatch):
    import unspun.pipeline as pipeline_mod

    monkeypatch.setattr(pipeline_mod, "MAX_ARTICLE_CHARS", 2000)
    para = "The council approved the new harbour budget after a long debate on Monday evening."
    (tmp_path / "big.txt").write_text("Harbour budget approved\n\n" + "\n\n".join([para] * 100), encoding="utf-8")
    res = run([str(tmp_path / "big.txt")], tmp_path / "out", options=Options(progress="quiet"))
    assert res.exit_code == EXIT_PARTIAL
    assert [p.reason for p in res.problems] == ["truncated"]
    (article,) = res.result["articles"]
    assert 0 < len(article["text"]) <= 2000 and article["text"].endswith("evening.")


def test_the_same_article_twice_in_one_run_is_a_duplicate(tmp_path, seeds_copy):
    first = sorted(seeds_copy.iterdir())[0]
    shutil.copy(first, seeds_copy / "zz-copy.txt")
    res = run([str(seeds_copy)], tmp_path / "out", options=Options(progress="quiet"))
    assert res.stats.read == 3 and res.stats.added == 2
    assert res.stats.already_stored == 0 and res.stats.duplicates == 1
    (dup,) = res.result["duplicates"]
    assert dup["source"].endswith("zz-copy.txt") and dup["duplicate_of"] in res.result["stories"][0]["article_ids"]


def test_one_id_given_to_two_different_articles_is_a_problem_and_the_same_record_twice_is_not(tmp_path):
    rec = {"id": "a1", "title": "Bridge closed", "text": "The old bridge was closed on Monday after inspectors "
           "found deep cracks in two of its steel supports, the city council said."}
    other = dict(rec, text="The ferry will run every twenty minutes while the bridge is shut, the port said.")
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in (rec, rec, other)) + "\n", encoding="utf-8")
    res = run([str(path)], tmp_path / "out", options=Options(progress="quiet"))
    assert res.exit_code == EXIT_PARTIAL
    assert [p.reason for p in res.problems] == ["duplicate_id"] and "a1" in res.problems[0].detail
    assert [a["text"] for a in res.result["articles"]] == [rec["text"]]  # the first article, once


def test_story_headline_prefers_a_real_title_to_a_first_line():
    from unspun.pipeline import choose_headline

    def art(i, title, derived):
        return Article(id=i, title=title, text="x", source=i, title_derived=derived)

    real = art("b", "Storm closes schools across the county", False)
    first_lines = [art("a", "Storm closes schools across the county today, officials said", True),
                   art("c", "Schools across the county close as storm hits", True)]
    assert choose_headline(first_lines + [real]) == real.title
    assert choose_headline(first_lines) in {a.title for a in first_lines}  # none real: a first line still serves


def test_story_headline_from_first_lines_is_the_one_about_the_story():
    from unspun.pipeline import choose_headline

    body = "A storm closed every school in the county on Monday. Officials said the schools reopen on Wednesday."
    tagline = "Off the Record offers a wry take on the week in local politics."  # a column's standing first line
    arts = [Article(id="a", title=tagline, text=tagline + "\n\n" + body, source="a", title_derived=True),
            Article(id="b", title="Storm closes every school in the county", text=body, source="b",
                    title_derived=True),
            Article(id="c", title="Schools reopen Wednesday after the storm", text=body, source="c",
                    title_derived=True)]
    assert choose_headline(arts) == "Storm closes every school in the county"


def test_a_snippet_first_line_does_not_headline_a_story():
    from unspun.pipeline import choose_headline

    story = ("A storm closed every school in the county on Monday and cut power to nine thousand homes. " * 6).strip()
    tweet = "jo lane \u2661 retweeted County News storm schools"  # a tweet page filed with the story
    arts = [Article(id="a", title=tweet, text=tweet + "\n\nschools closed, storm!", source="a", title_derived=True),
            Article(id="b", title="A storm closed every school in the county on Monday", text=story, source="b",
                    title_derived=True)]
    assert choose_headline(arts) == "A storm closed every school in the county on Monday"
    assert choose_headline(arts[:1]) == tweet  # a snippet alone still names its story


def test_dense_stories_is_kept_in_the_saved_clusterer_state(tmp_path):
    from unspun.store import Store

    with Store(tmp_path / "s.duckdb") as store:
        p = Pipeline(store, Options(progress="quiet", dense_stories=True))
        assert p.clusterer.dense
        store.write_batch([], [], [], [], [], p.clusterer.to_state())
        assert Pipeline(store, Options(progress="quiet")).clusterer.dense  # later runs go on with it


def test_strict_stories_is_kept_in_the_saved_clusterer_state(tmp_path):
    from unspun.cluster import DATED_THRESHOLD
    from unspun.store import Store

    with Store(tmp_path / "s.duckdb") as store:
        assert Pipeline(store, Options(progress="quiet")).clusterer.dated_threshold < DATED_THRESHOLD  # not by default
        p = Pipeline(store, Options(progress="quiet", strict_stories=True))
        assert p.clusterer.dated_threshold == DATED_THRESHOLD
        store.write_batch([], [], [], [], [], p.clusterer.to_state())
        assert Pipeline(store, Options(progress="quiet")).clusterer.dated_threshold == DATED_THRESHOLD


def test_strict_stories_event_turns_the_event_rule_on_and_is_kept(tmp_path):
    import pytest

    from unspun.cluster import EVENT_P
    from unspun.store import Store

    with Store(tmp_path / "s.duckdb") as store:
        assert Pipeline(store, Options(progress="quiet")).clusterer.event_p == 0.0  # off by default
        p = Pipeline(store, Options(progress="quiet", strict_stories="event"))
        assert p.clusterer.event_p == EVENT_P and p.clusterer.dated_threshold < EVENT_P
        store.write_batch([], [], [], [], [], p.clusterer.to_state())
        assert Pipeline(store, Options(progress="quiet")).clusterer.event_p == EVENT_P
        with pytest.raises(ValueError, match="strict_stories"):
            Pipeline(store, Options(progress="quiet", strict_stories="loose"))


def test_analysis_workers_do_not_load_torch():
    # spaCy's thinc imports torch whenever it is installed (~190 MB a worker); story analysis never needs it
    import subprocess
    import sys

    code = ("import os, sys\nfrom unspun.pipeline import _init_worker\n_init_worker(os.getppid())\n"
            "print(sys.modules.get('torch', 'absent'), 'thinc' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["None", "True"]


def test_stories_analysed_in_this_process_do_not_load_torch_and_leave_it_importable(seeds_dir):
    # thinc's import of torch was ~1 CPU s of a short run; the dense story stage must still be able to import it
    import subprocess
    import sys

    code = ("import importlib.util, sys\nfrom unspun.pipeline import Options, run\n"
            f"res = run([{str(seeds_dir)!r}], options=Options(progress='quiet', jobs=1))\n"
            "print(len(res.result['stories']), 'torch' in sys.modules)\n"
            "if importlib.util.find_spec('torch'):\n    import torch\n    print(torch.__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[:2] == ["1", "False"]


def test_a_failed_stage_is_stored_with_its_story_and_cleared_when_it_succeeds(tmp_path, seeds_copy, monkeypatch):
    """A stage error is a problem of the run's output (stories.json, the store, the exit code), not only a line on
    stderr; analysing the story again without the error removes it."""
    from unspun import pipeline

    def broken(article, doc):
        raise ValueError("timeline bug")

    out = tmp_path / "out"
    with monkeypatch.context() as m:
        m.setattr(pipeline, "extract_events", broken)
        res = run([str(seeds_copy)], out, options=Options(progress="quiet"))
    stage = [p for p in res.result["problems"] if p["reason"] == "stage_error"]
    assert [p["source"] for p in stage] == [f"story:{res.result['stories'][0]['id']}/timeline"]
    assert "timeline bug" in stage[0]["detail"] and res.result["run"]["problems"] == 1
    assert res.exit_code == EXIT_PARTIAL
    validate(res.result)
    # the same store, new input joining the story: analysed again, the error is gone with the old analysis
    more = tmp_path / "more"
    more.mkdir()
    shutil.copy(next(p for p in seeds_copy.iterdir() if p.is_file()), more / "again.txt")
    (more / "again.txt").write_text((more / "again.txt").read_text() + "\nOne more line for a new version.\n")
    res = run([str(more)], out, options=Options(progress="quiet"))
    assert not [p for p in res.result["problems"] if p["reason"] == "stage_error"]
