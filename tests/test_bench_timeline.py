"""bench/timeline.py: its scoring on a made-up article, and a smoke run on 2 gold articles (when the shared data is
there: it is not part of the repository)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import load_bench

BENCH = Path(__file__).resolve().parents[1] / "bench" / "timeline.py"


@pytest.fixture(scope="module")
def bench():
    return load_bench("timeline")


def test_intervals_and_resolution_at_the_labelled_granularity(bench):
    d = dt.date
    assert bench.interval("2019", "year") == (d(2019, 1, 1), d(2019, 12, 31))
    assert bench.interval("2019-W19", "week") == (d(2019, 5, 6), d(2019, 5, 12))
    assert bench.interval("2019-05", "range", "2019-07-13") == (d(2019, 5, 1), d(2019, 7, 13))
    june = (d(2018, 6, 1), d(2018, 6, 30))
    assert bench.resolved_ok((d(2018, 6, 14),) * 2, june, "month") == (True, False)  # a day inside the month
    assert bench.resolved_ok((d(2018, 1, 1), d(2018, 12, 31)), june, "month") == (False, False)  # coarser: wrong
    assert bench.resolved_ok(june, june, "range") == (True, True)
    assert bench.resolved_ok((d(2018, 6, 2), d(2018, 6, 30)), june, "range") == (False, False)


def test_scoring_one_article(bench):
    text = "Pompeo met Putin on Tuesday. The deal was signed last June. Copyright 2019 AP."
    gold = {"window": len(text), "expressions": [
        {"start_char": 17, "end_char": 27, "text": "on Tuesday", "gran": "day", "value": "2019-05-14"},
        {"start_char": text.index("last June"), "end_char": text.index("last June") + 9, "text": "last June",
         "gran": "month", "value": "2018-06"},
        {"start_char": text.index("2019 AP"), "end_char": text.index("2019 AP") + 4, "text": "2019", "meta": True}]}
    assert all(text[e["start_char"]:e["end_char"]] == e["text"] for e in gold["expressions"])
    d = dt.date
    preds = [(20, 27, (d(2019, 5, 14),) * 2),  # "Tuesday": overlaps "on Tuesday", right day
             (text.index("June"), text.index("June") + 4, (d(2019, 6, 1), d(2019, 6, 30))),  # wrong year
             (text.index("2019 AP"), text.index("2019 AP") + 4, None)]  # on a page stamp: not scored
    c = bench.score_article(gold, preds)
    assert (c["gold"], c["pred"], c["tp"], c["ok"], c["strict"]) == (2, 2, 2, 1, 1)
    s = bench.summarise([c])
    assert (s["precision"], s["recall"], s["resolution_acc"], s["end_to_end"]) == (1.0, 1.0, 0.5, 0.5)


def test_gold_offsets_are_well_formed(bench):
    records = [json.loads(line) for line in bench.GOLD.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 60 and {r["split"] for r in records} == {"dev", "test"}
    for r in records:
        spans = sorted((e["start_char"], e["end_char"]) for e in r["expressions"])
        assert all(a < b <= r["window"] for a, b in spans) and all(x[1] <= y[0] for x, y in zip(spans, spans[1:]))
        for e in r["expressions"]:
            if not e.get("meta"):
                iv = bench.gold_interval(e)
                assert iv and iv[0] <= iv[1]


@pytest.mark.skipif(not (BENCH.parents[2] / "shared" / "data" / "quotes" / "polnear" / "polnear.jsonl").exists()
                    and not Path("/work/shared/data/quotes/polnear/polnear.jsonl").exists(),
                    reason="the shared data sets are not here")
def test_smoke_run_on_two_articles(bench, tmp_path, capsys):
    out = tmp_path / "timeline.json"
    assert bench.main(["--limit", "1", "--systems", "unspun,dateparser", "--out", str(out)]) == 0
    res = json.loads(out.read_text())
    for split in ("dev", "test"):
        for name in ("unspun", "dateparser"):
            r = res["splits"][split][name]
            assert r["articles"] == 1 and 0.0 <= r["f1"] <= 1.0 and r["matched"] <= min(r["gold"], r["predicted"])
    assert "unspun" in capsys.readouterr().out
