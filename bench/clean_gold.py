#!/usr/bin/env python3
"""Gold check for the junk rules of unspun.clean: which lines of human-made article text do they flag?

Every line of the gold texts below goes through `classify_line` with its article's context, as cleaning does:

    aeb          gold article bodies of the article-extraction benchmark
    trafeval     the "must appear" snippets of trafilatura's eval set
    polnear      PolNeAR article texts (US political news, 2016)
    mn-summary   the human summaries of the Multi-News dev92 and test120 sets

A hit is either a false positive (a rule firing on real prose: fix the rule) or junk the gold kept (author bios,
"Subscribe here", photo credits: leave it). A new rule should add no hit; compare the written
bench/results/clean_gold.json (counts and hit lines) before and after a change.

    python bench/clean_gold.py                 # table of hits per data set and reason, writes the JSON
    python bench/clean_gold.py --show 20       # also print the first 20 hit lines
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from unspun.clean import _Context, classify_line
from unspun.model import normalize_ws

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
RESULT = REPO / "bench" / "results" / "clean_gold.json"


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def gold_texts(data: Path) -> Iterator[tuple[str, str]]:
    """(data set, text) for every gold text."""
    for rec in _jsonl(data / "extract" / "aeb" / "aeb.jsonl"):
        yield "aeb", rec.get("articleBody") or ""
    for rec in _jsonl(data / "extract" / "trafilatura_eval" / "trafilatura_eval.jsonl"):
        for snippet in rec.get("with") or []:
            yield "trafeval", snippet
    seen = set()  # PolNeAR has one record per annotation, several per article
    for rec in _jsonl(data / "quotes" / "polnear" / "polnear.jsonl"):
        if rec["article"] not in seen:
            seen.add(rec["article"])
            yield "polnear", rec["text"]
    for name in ("multinews_dev92.jsonl", "multinews_test120.jsonl"):
        for rec in _jsonl(data / "summarize" / name):
            yield "mn-summary", rec["summary"]


def check(data: Path) -> dict:
    lines: Counter[str] = Counter()
    hits: dict[str, Counter[str]] = {}
    hit_lines = []
    for dataset, text in gold_texts(data):
        text_lines = [normalize_ws(ln) for ln in text.split("\n") if ln.strip()]
        ctx = _Context(text_lines)
        lines[dataset] += len(text_lines)
        hits.setdefault(dataset, Counter())
        for line in text_lines:
            reason = classify_line(line, ctx)
            if reason:
                hits[dataset][reason] += 1
                hit_lines.append({"dataset": dataset, "reason": reason, "line": line})
    return {
        "lines": dict(lines),
        "hits": {d: dict(sorted(c.items())) for d, c in hits.items()},
        "total_lines": sum(lines.values()),
        "total_hits": len(hit_lines),
        "hit_lines": hit_lines,
    }


def table(res: dict) -> str:
    reasons = sorted({r for c in res["hits"].values() for r in c})
    head = f"{'data set':<12} {'lines':>7} {'hits':>5}" + "".join(f" {r:>11}" for r in reasons)
    rows = [head, "-" * len(head)]
    for dataset, n in res["lines"].items():
        c = res["hits"][dataset]
        rows.append(f"{dataset:<12} {n:>7} {sum(c.values()):>5}" + "".join(f" {c.get(r, 0):>11}" for r in reasons))
    rows.append(f"{'all':<12} {res['total_lines']:>7} {res['total_hits']:>5}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="the shared data folder (default: %(default)s)")
    ap.add_argument("--show", type=int, default=0, metavar="N", help="print the first N hit lines")
    ap.add_argument("--no-write", action="store_true", help=f"do not write {RESULT.relative_to(REPO)}")
    args = ap.parse_args(argv)
    res = check(args.data)
    print(table(res))
    for hit in res["hit_lines"][: args.show]:
        print(f"{hit['dataset']:<12} {hit['reason']:<11} {hit['line'][:150]}")
    if not args.no_write:
        RESULT.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {RESULT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
