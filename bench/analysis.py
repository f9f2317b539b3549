"""Analysis-stage CPU cost per article, by stage and by spaCy component (one process, no workers).

Stores the first N pages of ../shared/data/extract/trafilatura_eval (as bench/pipeline.py: WARC -> ingest ->
cluster; the store is kept in --store and reused), then analyses every story as a worker does (`_analyze_job`:
parse with stored parses serialised, then `analyze_story`) and reports CPU ms an article (time.process_time, so a
shared machine's load hardly matters) for the parse, each analysis stage, and each spaCy component.

    python bench/analysis.py [--records 200] [--repeat 3] [--store /tmp/unspun-analysis-bench.duckdb]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

# analyze_story's stage functions, as pipeline.py imports them
STAGES = ("story_developments", "summarize", "developments_summary", "sentence_citer", "extract_quotes",
          "merge_quotes", "story_entities", "extract_events", "story_timeline", "provenance_analyze", "story_spin",
          "single_source_quotes", "near_duplicates", "choose_headline")


def load_stories(records: int, store_path: Path, source: str | None = None) -> list[list]:
    """Each story's articles (from the store, built once from `source` or else the WARC of `records` pages)."""
    from unspun.pipeline import Options, Pipeline
    from unspun.store import Store

    if not store_path.exists() and source:
        with Store(store_path) as store:
            Pipeline(store, Options(progress="quiet", jobs=1)).ingest([source])
    if not store_path.exists():
        import tempfile

        from pipeline import build_warc

        with tempfile.TemporaryDirectory() as tmp:
            warc = Path(tmp) / "pages.warc.gz"
            build_warc(warc, records)
            with Store(store_path) as store:
                Pipeline(store, Options(progress="quiet", jobs=1)).ingest([str(warc)])
    snapshot = store_path.with_suffix(".stories.pickle")  # read without the store's lock: runs can go side by side
    if snapshot.exists():
        return pickle.loads(snapshot.read_bytes())
    with Store(store_path) as store:
        pipe = Pipeline(store, Options(progress="quiet", jobs=1))
        members = pipe._members()
        stories = [store.articles_by_ids(members[sid]) for sid in sorted(members)]
    snapshot.write_bytes(pickle.dumps(stories))
    return stories


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3, help="passes over the stories (the best pass is reported)")
    ap.add_argument("--store", default="/tmp/unspun-analysis-bench.duckdb")
    ap.add_argument("--input", help="ingest this input (any `unspun run` input) instead of the WARC pages")
    ap.add_argument("--components", action="store_true", help="also time each spaCy component (one extra pass)")
    ap.add_argument("--stages-only", action="store_true",
                    help="parse once up front and time only analyze_story (the stages after the parse)")
    args = ap.parse_args(argv)

    from unspun import nlp, pipeline

    stories = load_stories(args.records, Path(args.store), args.input)
    n_articles = sum(len(s) for s in stories)
    nlp.get_nlp()
    spent: dict[str, float] = defaultdict(float)

    def timed(name, fn):
        def wrapper(*a, **k):
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.process_time() - t
        return wrapper

    originals = {name: getattr(pipeline, name) for name in STAGES}
    for name, fn in originals.items():
        setattr(pipeline, name, timed(name, fn))
    parse = nlp.parse_articles
    nlp.parse_articles = timed("parse", parse)  # pipeline reads it as nlp.parse_articles
    to_bytes = nlp.doc_to_bytes
    nlp.doc_to_bytes = timed("doc_to_bytes", to_bytes)
    parsed = [parse(articles) for articles in stories] if args.stages_only else None
    passes = []
    try:
        for _ in range(args.repeat):
            spent.clear()
            t0 = time.process_time()
            out = []
            for i, articles in enumerate(stories):
                if parsed is not None:
                    for doc in parsed[i].values():  # as a fresh parse: no sentences cached on the doc
                        doc.user_data.pop(nlp._SENTS, None)
                    problems: list = []
                    story = pipeline.analyze_story(f"s{i}", articles, parsed[i], problems=problems)
                else:
                    story, problems, _, _ = pipeline._analyze_job((f"s{i}", articles, pipeline.Options(), {}, {}))
                out.append(story.to_dict() if hasattr(story, "to_dict") else story)
                assert not problems, problems
            total = time.process_time() - t0
            passes.append((total, dict(spent)))
    finally:
        for name, fn in originals.items():
            setattr(pipeline, name, fn)
        nlp.parse_articles, nlp.doc_to_bytes = parse, to_bytes
    total, spent_best = min(passes, key=lambda p: p[0])
    res = {"stories": len(stories), "articles": n_articles, "passes_cpu_s": [round(p[0], 3) for p in passes],
           "analysis_cpu_ms_per_article": round(1000 * total / n_articles, 2),
           "stage_cpu_ms_per_article": {k: round(1000 * v / n_articles, 2)
                                        for k, v in sorted(spent_best.items(), key=lambda kv: -kv[1])}}
    res["stage_cpu_ms_per_article"]["(rest)"] = round(1000 * (total - sum(
        v for k, v in spent_best.items() if k not in ("doc_to_bytes", "sentence_citer"))) / n_articles, 2)
    if args.components:
        model = nlp.get_nlp()
        comp: dict[str, float] = defaultdict(float)
        texts = [a.text[: nlp.MAX_CHARS] for s in stories for a in s if nlp.is_english(a.language)]
        for text in texts:
            t = time.process_time()
            doc = model.make_doc(text)
            comp["tokenizer"] += time.process_time() - t
            for name, proc in model.pipeline:
                t = time.process_time()
                doc = proc(doc)
                comp[name] += time.process_time() - t
        res["spacy_component_cpu_ms_per_english_article (one at a time)"] = {
            k: round(1000 * v / len(texts), 2) for k, v in comp.items()}
    print(json.dumps(res, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
