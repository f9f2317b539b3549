"""bench/entities.py: its scoring on a made-up story, the gold file's shape, and a smoke run on 2 labelled stories
(when the shared data is there: it is not part of the repository)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import load_bench

from unspun.model import Entity

BENCH = Path(__file__).resolve().parents[1] / "bench" / "entities.py"


@pytest.fixture(scope="module")
def bench():
    return load_bench("entities")


def _ent(name: str, typ: str) -> Entity:
    return Entity(name=name, type=typ, count=1, article_ids=["a"], per_outlet={"a": 1}, role="main", aliases=[])


def test_scoring_one_story(bench):
    story = {"entities": [
        {"name": "Bernie Sanders", "ok": True, "ref": "Bernie Sanders", "type": ["PERSON"]},
        {"name": "Sanders", "ok": True, "ref": "Bernie Sanders", "type": ["PERSON"]},
        {"name": "Disgraced Samsung", "ok": False, "fix": "Samsung", "ref": "Samsung", "type": ["ORG"]},
        {"name": "Cover", "ok": False, "fix": None, "ref": None, "type": []},
        {"name": "White House", "ok": True, "ref": "White House", "type": ["ORG", "FAC"]}],
        "actors": [["Bernie Sanders", "Sanders"], ["Samsung"], ["Hillary Clinton"]]}
    listed = [_ent("Sanders", "ORG"), _ent("Bernie Sanders", "PERSON"), _ent("Samsung", "ORG"), _ent("Cover", "ORG"),
              _ent("White House", "FAC"), _ent("Vermont", "GPE")]
    r = bench.score_story(story, listed)
    # "Samsung" is the fix of a labelled name; "Vermont" is not labelled
    assert (r["n"], r["ok"], r["type_ok"], r["dup"], r["unlabelled"]) == (5, 4, 3, 1, 1)
    assert (r["actors"], r["actors_found"]) == (3, 2)
    t = bench.totals([r])
    assert t["name_precision"] == 0.8 and t["type_accuracy"] == 0.75 and t["duplicate_rate"] == 0.2


def test_gold_is_keyed_by_article_ids_and_names(bench):
    rows = [json.loads(line) for line in bench.GOLD.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 40 and {r["split"] for r in rows} == {"dev", "test"}
    assert sum(r["split"] == "dev" for r in rows) == 20 and {r["source"] for r in rows} == {"giveme", "polnear"}
    for r in rows:
        assert r["article_ids"] and len(r["actors"]) == 3
        for e in r["entities"]:
            assert set(e) <= {"name", "ok", "ref", "type", "fix"}
            assert (e["ref"] is None) == (not e["type"])  # no entity, no type


GIVEME = Path("cluster") / "giveme5w1h" / "news_cluster.jsonl"


@pytest.mark.skipif(not (BENCH.parents[2] / "shared" / "data" / GIVEME).exists()
                    and not (Path("/work/shared/data") / GIVEME).exists(), reason="the shared data sets are not here")
def test_smoke_run_on_two_stories(bench, tmp_path, capsys):
    out = tmp_path / "entities.json"
    assert bench.main(["--split", "dev", "--limit", "2", "--out", str(out), "--work", str(tmp_path),
                       "--cache", ""]) == 0
    res = json.loads(out.read_text())["dev"]["all"]
    assert res["stories"] == 2 and res["entities_labelled"] + res["entities_unlabelled"] > 0
    assert 0.0 <= res["name_precision"] <= 1.0 and 0.0 <= res["actor_recall_at5"] <= 1.0
    assert "name P" in capsys.readouterr().out
