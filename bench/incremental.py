"""Incremental runs: the cost of re-analysing stories that grow, with and without the parses and per-article
findings kept in the store.

A user comes back with more news: each story that gains an article is analysed again with all its articles.
Data: the Multi-News clusters of ../shared/data/summarize (real articles, grouped by cluster through
`--group-by`, so only the analysis is measured). Day 1 ingests every article of each cluster but its last one and
analyses; day 2 ingests the last ones and analyses again. Day 2 runs three times: on the store as day 1 left it
(spaCy parses and per-article findings, i.e. quotes and dated events, stored: what unspun does), on a copy without
the stored findings, and on a copy without either (every member re-parsed and re-read). All must give identical
stories. CPU seconds, one process (--jobs 1), so the runs are comparable on a shared machine.

    python bench/incremental.py [--data ../shared/data/summarize/multinews_dev92.jsonl] [--clusters 92]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "summarize" / "multinews_dev92.jsonl"
RESULTS = ROOT / "bench" / "results"


def write_days(data: Path, clusters: int, folder: Path) -> tuple[Path, Path, int, int]:
    """Two JSONL files: day 1 = every article of each cluster but its last, day 2 = the last ones."""
    rows = [json.loads(line) for line in data.open(encoding="utf-8")][:clusters]
    day1, day2 = folder / "day1.jsonl", folder / "day2.jsonl"
    n1 = n2 = 0
    with day1.open("w", encoding="utf-8") as f1, day2.open("w", encoding="utf-8") as f2:
        for row in rows:
            arts = row["articles"]
            if len(arts) < 2:
                continue
            for i, art in enumerate(arts):
                rec = {"id": f"{row['id']}-{i}", "text": art["text"], "cluster": row["id"]}
                if i < len(arts) - 1:
                    f1.write(json.dumps(rec) + "\n")
                    n1 += 1
                else:
                    f2.write(json.dumps(rec) + "\n")
                    n2 += 1
    return day1, day2, n1, n2


def day2(db: Path, day2_file: Path, options) -> tuple[float, int, list]:
    from unspun.pipeline import Pipeline
    from unspun.store import Store

    with Store(db) as store:
        pipe = Pipeline(store, options)
        pipe.ingest([str(day2_file)])
        t = time.process_time()
        ids = pipe.analyze()
        cpu = time.process_time() - t
        return cpu, len(ids), store.stories()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--clusters", type=int, default=92)
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    from unspun import nlp
    from unspun.pipeline import Options, Pipeline
    from unspun.store import Store

    options = Options(progress="quiet", jobs=1, group_by="cluster")
    nlp.get_nlp()  # load the model before timing
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        d1, d2, n1, n2 = write_days(args.data, args.clusters, tmp)
        kept = tmp / "kept.duckdb"
        with Store(kept) as store:
            pipe = Pipeline(store, options)
            pipe.ingest([str(d1)])
            t = time.process_time()
            pipe.analyze()
            day1_cpu = time.process_time() - t
            parses, parse_bytes = store.con.execute("SELECT count(*), sum(octet_length(doc)) FROM parses").fetchone()
            findings = store.con.execute("SELECT count(*) FROM findings").fetchone()[0]
        parses_only, dropped = tmp / "parses-only.duckdb", tmp / "dropped.duckdb"
        for copy, tables in ((parses_only, ["findings"]), (dropped, ["findings", "parses"])):
            shutil.copy(kept, copy)
            with Store(copy) as store:
                for table in tables:
                    store.con.execute(f"DELETE FROM {table}")
        cpu_kept, stories, result_kept = day2(kept, d2, options)
        cpu_parses, _, result_parses = day2(parses_only, d2, options)
        cpu_dropped, _, result_dropped = day2(dropped, d2, options)
    identical = (json.dumps(result_kept, sort_keys=True) == json.dumps(result_dropped, sort_keys=True)
                 == json.dumps(result_parses, sort_keys=True))
    res = {
        "data": args.data.name,
        "day1_articles": n1,
        "day2_articles": n2,
        "stories_reanalysed": stories,
        "day1_analyse_cpu_s": round(day1_cpu, 2),
        "day2_analyse_cpu_s_stored": round(cpu_kept, 2),
        "day2_analyse_cpu_s_stored_parses_only": round(cpu_parses, 2),
        "day2_analyse_cpu_s_reparsed": round(cpu_dropped, 2),
        "stored_findings": findings,
        "stored_parses": parses,
        "stored_parse_kb_per_article": round(parse_bytes / parses / 1024, 1) if parses else None,
        "identical_stories": identical,
    }
    print(f"day 1: {n1} articles analysed in {res['day1_analyse_cpu_s']} CPU s; day 2: {n2} new articles, "
          f"{stories} stories re-analysed")
    print(f"{'day 2 analysis':<28} {'CPU s':>7}")
    print(f"{'stored parses + findings':<28} {res['day2_analyse_cpu_s_stored']:>7}")
    print(f"{'stored parses only':<28} {res['day2_analyse_cpu_s_stored_parses_only']:>7}")
    print(f"{'nothing stored':<28} {res['day2_analyse_cpu_s_reparsed']:>7}")
    print(f"stored parses: {parses}, {res['stored_parse_kb_per_article']} KB each; identical stories: {identical}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "incremental.json"
    out.write_text(json.dumps(res, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
