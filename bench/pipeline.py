"""End-to-end throughput: HTML pages in a WARC.gz -> stories, through `unspun.pipeline` (what `unspun run` does).

Pages: the first N distinct pages of ../shared/data/extract/trafilatura_eval (real news and blog pages, several
languages). Reports seconds per phase (ingest = read + extract + clean + dedup + cluster + store; analyse = spaCy
parse + summary, quotes, entities, timeline, copy map, spin per story), articles/s, articles/s/core, peak RSS, and
the CPU seconds of each phase (this process and its workers).

    python bench/pipeline.py [--records 200] [--jobs 0] [--extractor fast] [--engine spark]

`--engine spark` runs the same two halves through `unspun.spark` (PySpark local mode with --jobs cores:
extraction and analysis on executors, clustering and the store on the driver); Spark's start-up is timed apart.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "extract" / "trafilatura_eval"
RESULTS = ROOT / "bench" / "results"


def cpu_seconds() -> float:
    """User + system CPU time of this process and of its children that have ended."""
    return sum(cpu_split())


def cpu_split() -> tuple[float, float]:
    """(this process, its children that have ended): user + system CPU seconds."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def build_warc(path: Path, records: int) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rows = [json.loads(line) for line in (DATA / "trafilatura_eval.jsonl").open(encoding="utf-8")]
    rows.sort(key=lambda r: r.get("html_file") or r.get("file") or "")
    n = 0
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for row in rows:
            if n >= records:
                break
            f = DATA / (row.get("html_file") or row.get("file"))
            if not f.exists():
                continue
            html = gzip.decompress(f.read_bytes()) if f.suffix == ".gz" else f.read_bytes()
            url = row.get("url") or f"https://example.invalid/{f.name}"
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=headers)
            )
            n += 1
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=0, help="worker processes (0 = all cores)")
    ap.add_argument("--extractor", default="accurate", choices=["accurate", "fast"])
    ap.add_argument("--engine", default="local", choices=["local", "spark"])
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"no data at {DATA}", file=sys.stderr)
        return 2
    from unspun.pipeline import Options, Pipeline
    from unspun.store import Store

    jobs = args.jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "pages.warc.gz"
        n = build_warc(warc, args.records)
        sc, spark_start = None, 0.0
        if args.engine == "spark":
            from unspun.spark import spark_context

            t = time.perf_counter()
            sc = spark_context(f"local[{jobs}]")
            spark_start = time.perf_counter() - t
        with Store(Path(tmp) / "u.duckdb") as store:
            pipe = Pipeline(store, Options(progress="quiet", jobs=jobs, extractor=args.extractor))
            t0, c0, m0 = time.perf_counter(), cpu_seconds(), cpu_split()[0]
            if sc is None:
                stats = pipe.ingest([str(warc)])
            else:
                from unspun.spark import analysis_window, extracted_items, job_mapper

                items, release = extracted_items(sc, [str(warc)], args.extractor)
                stats = pipe.ingest_items(items)
                release()
            t1, c1, m1 = time.perf_counter(), cpu_seconds(), cpu_split()[0]
            stories = pipe.analyze() if sc is None else pipe.analyze(job_mapper(sc), window=analysis_window(sc))
            t2, c2, m2 = time.perf_counter(), cpu_seconds(), cpu_split()[0]
        if sc is not None:
            sc.stop()
    total = t2 - t0
    res = {
        "records": n,
        "jobs": jobs,
        "engine": args.engine,
        "spark_start_s": round(spark_start, 2) if sc is not None else None,
        "extractor": args.extractor,
        "articles": stats.added,
        "problems": len(stats.problems),
        "duplicates": stats.duplicates,
        "stories": len(stories),
        "ingest_s": round(t1 - t0, 2),
        # CPU seconds of this process and its finished workers (the pools are shut down within each phase): on a
        # shared machine the wall times above move with the load, these much less
        "ingest_cpu_s": round(c1 - c0, 2),
        "analyse_cpu_s": round(c2 - c1, 2),
        # of which this (the main) process: reading and writing the store, clustering, loading what workers share
        "ingest_cpu_s_main": round(m1 - m0, 2),
        "analyse_cpu_s_main": round(m2 - m1, 2),
        "analyse_cpu_ms_per_article": round(1000 * (c2 - c1) / stats.added, 1) if stats.added else None,
        "analyse_s": round(t2 - t1, 2),
        "total_s": round(total, 2),
        "ingest_articles_per_s": round(stats.added / (t1 - t0), 2),
        "analyse_articles_per_s": round(stats.added / (t2 - t1), 2) if t2 > t1 else None,
        "articles_per_s": round(stats.added / total, 2),
        "articles_per_s_per_core": round(stats.added / total / jobs, 2),
        "peak_rss_mb_main": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_mb_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    print(f"{'records':>8} {'articles':>8} {'stories':>7} {'ingest s':>9} {'analyse s':>9} {'art/s':>7} "
          f"{'art/s/core':>10} {'RSS main MB':>11} {'RSS worker MB':>13}")
    print(f"{n:>8} {stats.added:>8} {len(stories):>7} {res['ingest_s']:>9} {res['analyse_s']:>9} "
          f"{res['articles_per_s']:>7} {res['articles_per_s_per_core']:>10} {res['peak_rss_mb_main']:>11} "
          f"{res['peak_rss_mb_worker']:>13}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = ("" if args.extractor == "accurate" else "-" + args.extractor) + ("" if sc is None else "-spark")
    out = RESULTS / f"pipeline-{n}{suffix}.json"
    out.write_text(json.dumps(res, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
