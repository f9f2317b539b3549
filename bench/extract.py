#!/usr/bin/env python3
"""Extraction benchmarks: unspun.extract side by side with plain trafilatura, jusText (and newspaper4k if it
is installed) on the shared data sets. Prints a table and writes bench/results/extract_<suite>.json.

    python bench/extract.py aeb            # ScrapingHub article-extraction-benchmark (shingle P/R/F1)
    python bench/extract.py trafeval       # trafilatura's multilingual eval (with/without snippets + metadata)
    python bench/extract.py dates          # htmldate's eval set (exact-day accuracy)
    python bench/extract.py all [--limit N] [--systems unspun,trafilatura]

Data is read from ../shared/data relative to the repo root (never copied into the repo).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
RESULTS = REPO / "bench" / "results"

warnings.filterwarnings("ignore")


# ------------------------------------------------------------------ systems

def sys_unspun(html: bytes, url: str | None, extractor: str = "accurate"):
    from unspun.extract import extract_html

    ex = extract_html(html, url=url, extractor=extractor)
    return ex.text, {"title": ex.title, "author": ex.author, "date": ex.date}


def sys_unspun_clean(html: bytes, url: str | None, extractor: str = "accurate"):
    """What the pipeline keeps: extraction followed by the junk-block cleaner."""
    from unspun.clean import clean_article
    from unspun.model import Article

    text, meta = sys_unspun(html, url, extractor)
    art = clean_article(Article(id="x", title=meta["title"], text=text, source=url or ""))
    return art.text, meta


def sys_unspun_fast_clean(html: bytes, url: str | None):
    """`--extractor fast` as the pipeline keeps it."""
    return sys_unspun_clean(html, url, "fast")


def sys_resiliparse(html: bytes, url: str | None):
    """Plain resiliparse main-content extraction (the engine under unspun's fast extractor)."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import detect_encoding
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse_from_bytes(html, detect_encoding(html))
    return extract_plain_text(tree, main_content=True), None


def sys_trafilatura(html: bytes, url: str | None):
    import trafilatura

    # as the upstream benchmark scripts call it
    text = trafilatura.extract(html.decode("utf-8", "replace"), include_comments=False)
    return text or "", None


def sys_trafilatura_meta(html: bytes, url: str | None):
    import trafilatura
    from trafilatura.metadata import extract_metadata

    s = html.decode("utf-8", "replace")
    text = trafilatura.extract(s, include_comments=False, include_tables=True, no_fallback=False)
    md = extract_metadata(s, default_url=url)
    meta = {"title": md.title, "author": md.author, "date": md.date} if md else {}
    return text or "", meta


def sys_justext(html: bytes, url: str | None):
    import justext

    try:
        paras = justext.justext(html, justext.get_stoplist("English"))
    except Exception:
        return "", None
    return "\n\n".join(p.text for p in paras if not p.is_boilerplate), None


def sys_newspaper(html: bytes, url: str | None):
    from newspaper import Article  # newspaper4k

    a = Article(url or "http://example.com/")
    a.download(input_html=html.decode("utf-8", "replace"))
    a.parse()
    return a.text or "", {"title": a.title, "author": ", ".join(a.authors), "date": None}


SYSTEMS = {"unspun": sys_unspun, "unspun+clean": sys_unspun_clean, "unspun-fast+clean": sys_unspun_fast_clean,
           "trafilatura": sys_trafilatura, "resiliparse": sys_resiliparse, "justext": sys_justext,
           "newspaper4k": sys_newspaper}


def available(names):
    out = []
    for n in names:
        if n == "newspaper4k":
            try:
                import newspaper  # noqa: F401
                import nltk

                nltk.data.find("tokenizers/punkt_tab")
            except ImportError:
                print("newspaper4k not installed: skipped", file=sys.stderr)
                continue
            except LookupError:  # newspaper4k fails page by page without it; a partial score would mislead
                print("newspaper4k needs NLTK's punkt_tab data (a download, not on PyPI): skipped", file=sys.stderr)
                continue
        out.append(n)
    return out


WARM_UP_PAGES = 20  # from each of the other data sets
SUITE_INDEX = {"aeb": "extract/aeb/aeb.jsonl", "trafeval": "extract/trafilatura_eval/trafilatura_eval.jsonl",
               "dates": "dates/htmldate/htmldate_eval.jsonl"}


def _warm_up(fn, suite: str) -> None:
    """Untimed calls first, on pages of the other data sets: imports and lazy tables (dateparser's locales, which
    htmldate reads for its month names, and the union of jusText's stoplists that trafilatura builds on the first
    page it hands to jusText: ~1 s in all) are not per-page costs, and would otherwise land on whichever system
    runs first; the scored pages are not seen twice (caches)."""
    for other, index in SUITE_INDEX.items():
        if other == suite:
            continue
        index = DATA / index
        with index.open(encoding="utf-8") as fh:
            pages = [index.parent / json.loads(line)["html_file"] for line, _ in zip(fh, range(WARM_UP_PAGES))]
        for page in pages:
            try:
                fn(read_html(page), None)
            except Exception:
                pass


def read_html(path: Path) -> bytes:
    with gzip.open(path, "rb") as fh:
        return fh.read()


# ------------------------------------------------------------------ AEB scorer (as its evaluate.py defines)

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN_RE.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(0, max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def shingle_tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    t, p = _shingles(true), _shingles(pred)
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def aeb_metrics(tp_fp_fns) -> dict:
    def prec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def rec(tp, fp, fn):
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean([prec(*x) for x in tp_fp_fns if x[0] + x[1] > 0])
    r = statistics.mean([rec(*x) for x in tp_fp_fns if x[0] + x[2] > 0])
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r)}


def run_aeb(systems, limit=None) -> dict:
    root = DATA / "extract" / "aeb"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in (root / "aeb.jsonl").open(encoding="utf-8")]
    rows = sorted(rows, key=lambda r: r["id"])[:limit]
    keys = [r["id"] for r in rows]
    out = {"pages": len(rows), "systems": {}, "reference_outputs": {}, "split": SPLIT_NOTE}
    # scorer check: the upstream reference outputs, scored on the same pages
    for ref in sorted((root / "reference_outputs").glob("*.json")):
        pred = json.loads(ref.read_text(encoding="utf-8"))
        pred = pred.get("output", pred)
        scores = [shingle_tp_fp_fn(truth[k].get("articleBody", ""), (pred.get(k) or {}).get("articleBody") or "")
                  for k in keys]
        out["reference_outputs"][ref.stem] = aeb_metrics(scores)
    for name in systems:
        fn = SYSTEMS[name]
        _warm_up(fn, "aeb")
        scores, secs, cpu_secs = [], 0.0, 0.0
        for r in rows:
            html = read_html(root / r["html_file"])
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                text, _ = fn(html, r.get("url"))
            except Exception as e:  # a crashing peer scores zero on that page
                print(f"{name} failed on {r['id']}: {e}", file=sys.stderr)
                text = ""
            secs += time.perf_counter() - t0
            cpu_secs += time.process_time() - c0
            scores.append(shingle_tp_fp_fn(truth[r["id"]].get("articleBody", ""), text))
        m = aeb_metrics(scores)
        for part in ("tune", "held"):
            m[part] = aeb_metrics([s for s, r in zip(scores, rows) if split_of(r["html_file"]) == part])
        # CPU time as well as wall time: on a shared machine the wall clock also counts the other processes
        m["ms_per_page"] = 1000 * secs / len(rows)
        m["cpu_ms_per_page"] = 1000 * cpu_secs / len(rows)
        out["systems"][name] = m
    return out


# ------------------------------------------------------------------ tuning / held-out split

SPLIT_NOTE = ("pages split by sha1(html_file) % 2: 0 = tune (rules and weights in unspun.extract were chosen on "
              "it), 1 = held (reported only); top-level figures are the full set")


def split_of(html_file: str) -> str:
    import hashlib

    return "tune" if int(hashlib.sha1(html_file.encode()).hexdigest(), 16) % 2 == 0 else "held"


# ------------------------------------------------------------------ trafilatura eval

def _norm(s) -> str:
    return " ".join(str(s or "").split()).lower()


def run_trafeval(systems, limit=None) -> dict:
    root = DATA / "extract" / "trafilatura_eval"
    rows = [json.loads(line) for line in (root / "trafilatura_eval.jsonl").open(encoding="utf-8")][:limit]
    out = {"pages": len(rows), "systems": {}, "split": SPLIT_NOTE}
    for name in systems:
        fn = sys_trafilatura_meta if name == "trafilatura" else SYSTEMS[name]
        _warm_up(fn, "trafeval")
        counts = {part: Counter() for part in ("full", "tune", "held")}
        meta_hits = Counter()
        meta_total = Counter()
        secs = cpu_secs = 0.0
        for r in rows:
            html = read_html(root / r["html_file"])
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                text, meta = fn(html, r.get("url"))
            except Exception as e:
                print(f"{name} failed on {r['html_file']}: {e}", file=sys.stderr)
                text, meta = "", None
            secs += time.perf_counter() - t0
            cpu_secs += time.process_time() - c0
            for part in ("full", split_of(r["html_file"])):
                c = counts[part]
                for s in r["with"]:
                    c["tp" if s in text else "fn"] += 1
                for s in r["without"]:
                    c["fp" if s in text else "tn"] += 1
            if meta is not None:
                for field in ("title", "author", "date"):
                    if r.get(field):
                        for part in ("full", split_of(r["html_file"])):
                            meta_total[part, field] += 1
                            meta_hits[part, field] += _norm(meta.get(field)) == _norm(r[field])

        def prf(c):
            tp, fp, fn_, tn = c["tp"], c["fp"], c["fn"], c["tn"]
            p = tp / (tp + fp) if tp + fp else 0.0
            rc = tp / (tp + fn_) if tp + fn_ else 0.0
            return {"precision": p, "recall": rc, "f1": 2 * p * rc / (p + rc) if p + rc else 0.0,
                    "accuracy": (tp + tn) / max(1, tp + tn + fp + fn_)}

        res = dict(prf(counts["full"]), ms_per_page=1000 * secs / len(rows),
                   cpu_ms_per_page=1000 * cpu_secs / len(rows), tune=prf(counts["tune"]), held=prf(counts["held"]))
        for field in ("title", "author", "date"):
            for part, into in (("full", res), ("tune", res["tune"]), ("held", res["held"])):
                if meta_total[part, field]:
                    into[f"{field}_acc"] = meta_hits[part, field] / meta_total[part, field]
        out["systems"][name] = res
    return out


# ------------------------------------------------------------------ dates

def run_dates(systems, limit=None) -> dict:
    from htmldate import find_date

    import unspun.extract as ux
    from unspun.extract import extract_html, extract_metadata

    root = DATA / "dates" / "htmldate"
    rows = [json.loads(line) for line in (root / "htmldate_eval.jsonl").open(encoding="utf-8")][:limit]
    runners = {
        "unspun": lambda html, url: extract_metadata(html, url=url).date,
        "unspun-fast": lambda html, url: extract_html(html, url=url, body=False, extractor="fast").date,
        "htmldate": lambda html, url: find_date(html.decode("utf-8", "replace"), url=url, original_date=True,
                                                extensive_search=True),
        "htmldate_fast": lambda html, url: find_date(html.decode("utf-8", "replace"), url=url,
                                                     extensive_search=False),
    }
    out = {"pages": len(rows), "systems": {}, "split": SPLIT_NOTE}
    # how often unspun asks htmldate: the fast extractor then parses the page a second time, with lxml
    htmldate_asks = Counter()
    real_htmldate_vote = ux._htmldate_vote

    def counted_htmldate_vote(*args, **kwargs):
        htmldate_asks[name] += 1
        return real_htmldate_vote(*args, **kwargs)

    ux._htmldate_vote = counted_htmldate_vote
    for name in ("unspun", "unspun-fast", "htmldate", "htmldate_fast"):
        _warm_up(runners[name], "dates")
        htmldate_asks.clear()
        hits = found = 0
        part_hits, part_n = Counter(), Counter()
        secs = cpu_secs = 0.0
        misses = []
        for r in rows:
            html = read_html(root / r["html_file"])
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                got = runners[name](html, r.get("url"))
            except Exception:
                got = None
            secs += time.perf_counter() - t0
            cpu_secs += time.process_time() - c0
            found += got is not None
            part = split_of(r["html_file"])
            part_n[part] += 1
            part_hits[part] += got == r["date"]
            if got == r["date"]:
                hits += 1
            elif name == "unspun" and part == "tune":  # held-half pages stay unseen by whoever tunes next
                misses.append({"file": r["html_file"], "want": r["date"], "got": got})
        out["systems"][name] = {"accuracy": hits / len(rows), "found": found / len(rows),
                                "ms_per_page": 1000 * secs / len(rows), "cpu_ms_per_page": 1000 * cpu_secs / len(rows),
                                "tune": {"accuracy": part_hits["tune"] / max(1, part_n["tune"])},
                                "held": {"accuracy": part_hits["held"] / max(1, part_n["held"])}}
        if name.startswith("unspun"):
            out["systems"][name]["htmldate_asked"] = htmldate_asks[name] / len(rows)
        if name == "unspun":
            out["unspun_misses_tune"] = misses[:50]
            out["unspun_misses_tune_count"] = len(misses)
    ux._htmldate_vote = real_htmldate_vote
    return out


# ------------------------------------------------------------------ throughput

def build_warc(path: Path, records: int) -> None:
    """A WARC.gz of the AEB pages repeated to `records` response records (distinct URLs). Every paragraph of a
    copy is numbered, so every record is a distinct article whichever paragraphs the extractor keeps (the store
    skips exact repeats; numbering only the first paragraph left ~half the records exact duplicates)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    root = DATA / "extract" / "aeb"
    rows = sorted((json.loads(line) for line in (root / "aeb.jsonl").open(encoding="utf-8")), key=lambda r: r["id"])
    pages = [(r["url"], read_html(root / r["html_file"])) for r in rows]
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(records):
            url, html = pages[i % len(pages)]
            html = re.sub(rb"<p(\s[^>]*)?>", lambda m: m.group(0) + f"Copy {i}. ".encode(), html)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"{url}?r={i}", "response", payload=io.BytesIO(html),
                                                          http_headers=headers))


def throughput_once(path: Path, jobs: int, extractor: str) -> dict:
    """One ingest run (read + extract + clean + dedup + cluster + store, no story analysis) of a WARC into a
    fresh store, as `unspun ingest` runs it. Meant to run in its own process so peak RSS is this run's."""
    import os
    import resource
    import tempfile

    from unspun.pipeline import Options, Pipeline
    from unspun.store import Store

    def cpu(who) -> float:
        usage = resource.getrusage(who)
        return usage.ru_utime + usage.ru_stime

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        pipe = Pipeline(store, Options(progress="quiet", jobs=jobs, extractor=extractor))
        load = os.getloadavg()[0]
        t0, main0, workers0 = time.perf_counter(), cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
        stats = pipe.ingest([str(path)])
        secs = time.perf_counter() - t0
        main_cpu, workers_cpu = cpu(resource.RUSAGE_SELF) - main0, cpu(resource.RUSAGE_CHILDREN) - workers0
        stored = store.article_count()
    records = stats.read + sum(p.reason == "no_text" for p in stats.problems)
    # CPU seconds per article as well as wall-clock rates: on a shared machine the wall clock mostly measures the
    # other processes; the CPU cost per article is what the rate on idle cores follows from
    return {"extractor": extractor, "jobs": jobs, "records": records, "articles_read": stats.read,
            "articles_stored": stored, "duplicates": stats.duplicates, "problems": len(stats.problems),
            "seconds": secs, "articles_per_s": stats.read / secs, "articles_per_s_per_core": stats.read / secs / jobs,
            "cpu_ms_per_article_main": 1000 * main_cpu / stats.read,
            "cpu_ms_per_article_workers": 1000 * workers_cpu / stats.read,
            "articles_per_cpu_s": stats.read / (main_cpu + workers_cpu),
            "load_avg_1min_at_start": load, "load_avg_1min_at_end": os.getloadavg()[0],
            "peak_rss_mb_main": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "peak_rss_mb_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def run_throughput(plan: list[tuple[str, int]], jobs: int, warc_dir: str | None = None,
                   stages: list[tuple[str, int]] = ()) -> dict:
    """Each (extractor, records) run in a fresh process on a WARC.gz built for it (kept in `warc_dir` when
    given, so back-to-back comparisons read the same archive without rebuilding it); then, in a fresh process each,
    the per-stage CPU tables (`throughput_stages`) of the `stages` runs."""
    import os
    import subprocess
    import tempfile

    out = {"jobs": jobs, "cores": os.cpu_count(), "runs": [],
           "how": "bench/extract.py throughput: WARC.gz of the AEB pages repeated (every paragraph numbered so every "
                  "record is a distinct article) -> Pipeline.ingest into a fresh DuckDB store (extract, clean, "
                  "dedup, cluster, store; no story analysis); each run in its own process"}
    with tempfile.TemporaryDirectory() as tmp:
        def warc(n: int) -> Path:
            path = Path(warc_dir or tmp) / f"bench-{n}.warc.gz"
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                build_warc(path, n)
            return path

        def fresh(*args) -> dict:
            proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
            return json.loads(proc.stdout.strip().splitlines()[-1])

        for extractor, n in plan:
            run = fresh("_throughput_once", str(warc(n)), str(jobs), extractor)
            print("  {extractor:>8} {records:>6} records: {articles_per_s:7.1f} articles/s "
                  "({articles_per_s_per_core:.1f}/core; CPU ms/article main {cpu_ms_per_article_main:.2f}, workers "
                  "{cpu_ms_per_article_workers:.2f}; load {load_avg_1min_at_start:.1f}), peak RSS main "
                  "{peak_rss_mb_main:.0f} MB, worker {peak_rss_mb_worker:.0f} MB".format(**run), flush=True)
            out["runs"].append(run)
        for extractor, n in stages:
            table = fresh("_throughput_stages", str(warc(n)), extractor)
            print(f"\n  CPU ms per article by stage, {extractor} {n} records, one process (missing: "
                  f"{', '.join(table['missing']) or 'none'})")
            depth = {label: d for d, _, _, label in STAGES}
            for label, ms in table["cpu_ms_per_article"].items():
                print(f"    {'  ' * depth.get(label, 0)}{label:<{60 - 2 * depth.get(label, 0)}} {ms:7.3f}")
            out.setdefault("stages", []).append(dict(table, records=n))
    return out


# Where an ingest's CPU goes: the stage functions timed inclusively (thread CPU time) in one process with one job,
# so the workers' stages run in it too; every item also makes the pool's pickle round trip (task out, result back),
# timed as IPC_MAIN and IPC_WORKER. (depth, module, function, label): a stage is part of the one above it with a
# smaller depth. A function that is not there (renamed) is reported as missing.
STAGES = [
    (0, "unspun.ingest.warc", "read_warc", "main: WARC read (gunzip, records, input ids)"),
    (0, "unspun.ingest.html", "run_html_task", "worker: HTML -> article"),
    (1, "unspun.extract", "decode_html", "decode"),
    (1, "unspun.extract", "_lexbor_tree", "resiliparse parse (fast)"),
    (1, "unspun.extract", "_LexborPage.__init__", "metadata elements query (fast)"),
    (1, "unspun.extract", "_traf_tree", "trafilatura parse (accurate)"),
    (1, "unspun.extract", "_fast_body", "body: resiliparse main content (fast)"),
    (1, "unspun.extract", "_body", "body: trafilatura cascade (accurate)"),
    (1, "unspun.extract", "_traf_metadata", "trafilatura metadata (accurate)"),
    (1, "unspun.extract", "_metadata", "metadata"),
    (2, "unspun.extract", "_page_parts", "meta tags, JSON-LD"),
    (2, "unspun.extract", "_choose_title", "title vote"),
    (2, "unspun.extract", "_choose_author", "author"),
    (2, "unspun.extract", "_vote_dates", "date vote"),
    (3, "unspun.extract", "_headline_votes", "dates printed by the headline"),
    (3, "unspun.extract", "_htmldate_vote", "htmldate (fast: with an lxml parse)"),
    (3, "unspun.extract", "_cue_dates", "cue words"),
    (1, "unspun.ingest.common", "make_article", "article: body normalised, language id"),
    (2, "unspun.nlp", "detect_language", "language id"),
    (0, "unspun.pipeline", "finish_article", "worker: cleaning"),
    (1, "unspun.model", "content_hash", "content hash"),
    (0, "unspun.pipeline", "Pipeline._flush", "main: batch flush"),
    (1, "unspun.pipeline", "prepare_articles", "templates, exact duplicates"),
    (1, "unspun.store", "Store.write_batch", "DuckDB writes"),
    (0, "unspun.pipeline", "Pipeline.cluster_stored", "main: clustering"),
    (1, "unspun.store", "Store.unclustered", "articles read back from the store"),
    (1, "unspun.cluster", "StoryClusterer.add", "cluster assignment"),
    (2, "unspun.cluster", "_language_prior", "IDF priors (once per language)"),
    (1, "unspun.pipeline", "Pipeline._save_placed", "story ids and clusterer state stored"),
]
IPC_MAIN, IPC_WORKER = "main: pickling (task out, result in)", "worker: pickling (task in, result out)"


def throughput_stages(path: Path, extractor: str) -> dict:
    """CPU ms per article of each of STAGES in one ingest of a WARC (one job), as {label: ms} in STAGES order."""
    import functools
    import importlib
    import inspect
    import pickle
    import tempfile

    from unspun import ingest
    from unspun.pipeline import Options, Pipeline
    from unspun.store import Store

    spent: Counter = Counter()
    clock = time.thread_time

    def timed(fn, label):
        if inspect.isgeneratorfunction(fn):  # the time spent producing each item
            @functools.wraps(fn)
            def gen(*args, **kwargs):
                it = fn(*args, **kwargs)
                while True:
                    t0 = clock()
                    try:
                        item = next(it)
                    except StopIteration:
                        spent[label] += clock() - t0
                        return
                    spent[label] += clock() - t0
                    yield item
            return gen

        @functools.wraps(fn)
        def call(*args, **kwargs):
            t0 = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] += clock() - t0
        return call

    missing = []
    for _, module_name, name, label in STAGES:
        module = importlib.import_module(module_name)
        owner, attr = (getattr(module, name.split(".")[0]), name.split(".")[1]) if "." in name else (module, name)
        fn = getattr(owner, attr, None)
        if fn is None:
            missing.append(label)
            continue
        setattr(owner, attr, timed(fn, label))
        if owner is module:  # and where it was imported by name
            for other in list(sys.modules.values()):
                if getattr(other, "__name__", "").startswith("unspun") and getattr(other, name, None) is fn:
                    setattr(other, name, getattr(module, name))
    real_resolve = ingest.resolve_item

    def resolve_pickled(item, *args, **kwargs):  # the pool's round trip: task out, result back
        task = timed(pickle.loads, IPC_WORKER)(timed(pickle.dumps, IPC_MAIN)(item))
        return timed(pickle.loads, IPC_MAIN)(timed(pickle.dumps, IPC_WORKER)(real_resolve(task, *args, **kwargs)))

    ingest.resolve_item = resolve_pickled
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        pipe = Pipeline(store, Options(progress="quiet", jobs=1, extractor=extractor))
        t0 = time.process_time()
        stats = pipe.ingest([str(path)])
        total = time.process_time() - t0
    table = {"total": 1000 * total / stats.read}
    table.update((label, 1000 * spent[label] / stats.read) for label in [s[3] for s in STAGES] + [IPC_MAIN, IPC_WORKER]
                 if label in spent)
    return {"extractor": extractor, "articles_read": stats.read, "cpu_ms_per_article": table, "missing": missing}


# ------------------------------------------------------------------ main

def print_table(title: str, res: dict, cols: list[str]) -> None:
    print(f"\n{title} ({res['pages']} pages)")
    print(f"{'system':<22}" + "".join(f"{c:>16}" for c in cols))
    for group in ("systems", "reference_outputs"):
        for name, m in res.get(group, {}).items():
            label = name if group == "systems" else f"ref:{name}"
            print(f"{label:<22}" + "".join(f"{m[c]:>16.3f}" if c in m else f"{'-':>16}" for c in cols))
            for part in ("tune", "held"):
                if part in m:
                    print(f"{'  ' + part:<22}" + "".join(f"{m[part][c]:>16.3f}" if c in m[part] else f"{'':>16}"
                                                         for c in cols))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_throughput_once"]:  # internal: one throughput run in a fresh process
        print(json.dumps(throughput_once(Path(argv[1]), int(argv[2]), argv[3])))
        return 0
    if argv[:1] == ["_throughput_stages"]:  # internal: the per-stage table of one run in a fresh process
        print(json.dumps(throughput_stages(Path(argv[1]), argv[2])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suite", choices=["aeb", "trafeval", "dates", "throughput", "all"])
    ap.add_argument("--throughput", default="accurate:1000,fast:1000,fast:10000",
                    help="throughput: comma list of EXTRACTOR:RECORDS runs")
    ap.add_argument("--stages", default="fast:1000",
                    help="throughput: comma list of EXTRACTOR:RECORDS runs to time stage by stage (one process; "
                         "'' for none)")
    ap.add_argument("--jobs", type=int, default=0, help="throughput: worker processes (0 = all cores)")
    ap.add_argument("--warc-dir", default=None, help="throughput: build the WARC.gz files here once and reuse them")
    ap.add_argument("--limit", type=int, default=None, help="first N pages only (quick checks)")
    ap.add_argument("--systems",
                    default="unspun,unspun+clean,unspun-fast+clean,trafilatura,resiliparse,justext,newspaper4k")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/results/*.json")
    args = ap.parse_args(argv)
    systems = available(args.systems.split(","))
    suites = ["aeb", "trafeval", "dates"] if args.suite == "all" else [args.suite]
    RESULTS.mkdir(parents=True, exist_ok=True)
    for suite in suites:
        if suite == "aeb":
            res = run_aeb(systems, args.limit)
            print_table("AEB article-extraction-benchmark, shingle P/R/F1", res,
                        ["precision", "recall", "f1", "ms_per_page", "cpu_ms_per_page"])
        elif suite == "trafeval":
            res = run_trafeval([s for s in systems if s != "newspaper4k"], args.limit)
            print_table("trafilatura eval, with/without snippets", res,
                        ["precision", "recall", "f1", "title_acc", "author_acc", "date_acc", "ms_per_page",
                         "cpu_ms_per_page"])
        elif suite == "throughput":
            import os

            jobs = args.jobs or os.cpu_count() or 1
            def runs(spec: str) -> list[tuple[str, int]]:
                return [(x.split(":")[0], int(x.split(":")[1])) for x in spec.split(",") if x]

            print(f"\nthroughput: WARC.gz -> ingest (extract, clean, dedup, cluster, store), {jobs} jobs")
            res = run_throughput(runs(args.throughput), jobs, args.warc_dir, runs(args.stages))
        else:
            res = run_dates(systems, args.limit)
            print_table("htmldate eval, exact day", res, ["accuracy", "found", "htmldate_asked", "ms_per_page",
                                                          "cpu_ms_per_page"])
        if not args.no_write and (args.limit is None or suite == "throughput"):
            path = RESULTS / f"extract_{suite}.json"
            path.write_text(json.dumps(res, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
