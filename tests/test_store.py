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


@pytest.mark.parametrize("state_every,killed_at", [(16, 4), (2, 5), (1, 3)])
def test_interrupted_run_resumes_to_the_same_result(tmp_path, seeds_dir, football_text, monkeypatch, state_every,
                                                   killed_at):
    """Killed between two saves of the clusterer state (saved with the first batch, then every `state_every`), the
    rerun clusters the articles stored since the last save again: same stories, same saved state."""
    monkeypatch.setattr("unspun.pipeline.STATE_EVERY_BATCHES", state_every)
    src = tmp_path / "in"
    src.mkdir()
    for f in seeds_dir.iterdir():
        (src / f.name).write_bytes(f.read_bytes())
    (src / "football.txt").write_text(football_text, encoding="utf-8")
    _write_more(src, 3)
    clean = run([str(src)], tmp_path / "clean", options=QUIET).result

    real_write = Store.write_batch
    calls = {"n": 0}

    def dying_write(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == killed_at:  # killed while writing this batch (batch_size=1)
            raise KeyboardInterrupt("simulated kill")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Store, "write_batch", dying_write)
    with pytest.raises(KeyboardInterrupt):
        run([str(src)], tmp_path / "resumed", options=QUIET)
    monkeypatch.setattr(Store, "write_batch", real_write)
    kept = killed_at - 1
    with Store(tmp_path / "resumed" / "unspun.duckdb") as store:
        assert store.article_count() == kept  # the batches before the kill are kept
        # saved with the first batch and then every `state_every`: the later ones wait for the rerun
        assert len(store.articles_after_checkpoint()) == (kept - 1) % state_every
    resumed = run([str(src)], tmp_path / "resumed", options=QUIET)
    assert resumed.stats.already_stored == kept and resumed.stats.added == 6 - kept
    assert json.dumps(resumed.result, sort_keys=True) == json.dumps(clean, sort_keys=True)
    states = []
    for name in ("clean", "resumed"):
        with Store(tmp_path / name / "unspun.duckdb") as store:
            assert not store.articles_after_checkpoint()
            states.append(store.get_meta("cluster_state"))
    assert states[0] == states[1]


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
