"""Story entities benchmark on real stories: are the entities a reader sees (the top 10 of a story) real names with
the right boundaries, the right type, listed once, and are the story's main actors among the first five?

Data: stories of `unspun run` on Giveme5W1H (../shared/data/cluster/giveme5w1h/news_cluster.jsonl, 64 stories) and
on a 300-article subset of PolNeAR (../shared/data/quotes/polnear/polnear.jsonl, one record per article, sampled
with seed 5; `--build` writes it as JSONL and runs unspun on both). 20 stories of each were sampled with a fixed
seed (`--sample`) and split into a DEV half (10 + 10: looked at, errors read, fixes chosen on it) and a TEST half
(10 + 10: reported only, never used to choose a fix). A story is its article ids (as that run clustered them): the
bench re-reads those articles from the input files the way `unspun run` does (ingest, cleaning in batches of 256)
and re-runs the entity stage (`story_entities`) on fresh parses, so it scores the CURRENT code.

Labels (bench/data/entities_gold.jsonl, one line per story, keyed by its article ids; one annotator, the engineer
who wrote this, reading the article text): for each entity the code listed in its top 10 when labelled (commit
272bf6a; a few names later code moved into a dev story's top 10 were labelled after):
- `ok`: the name is a real entity with correct boundaries ("Enlarge Image Google" is not; its `fix` is "Google";
  "Theresa" for Theresa May is not: its fix is "Theresa May"; a fix of null: no entity at all, e.g. "Cover");
- `ref`: who or what it names (the canonical full name; null when no entity): two listed entities with one ref are
  a duplicate (should have been merged: "Sanders" beside "Bernie Sanders");
- `type`: the right type(s) of what it names (OntoNotes labels as spaCy uses them; several where both are fair,
  e.g. "White House" ORG or FAC).
A `fix` name and a `ref` name are labelled too (right name, same ref and type), so a fix that repairs a name
("Mazar" -> "Mazar-i-Sharif", "Shapiro" -> "Ilya Shapiro") scores without relabelling; any other name the code
now lists is "unlabelled" (counted, left out of the rates).
Per story also the 3 main actors (by reading; each with the names that count as it).

Metrics over the listed top-10 entities that are labelled:
- name precision: share whose name is right;
- type accuracy: of those with a right name, share whose type is right;
- duplicate rate: share whose ref is the ref of an entity listed above it;
- actor recall@5: share of the main actors named (by name or ref) among the first 5 listed.

Usage: python bench/entities.py [--split dev|test|all] [--out PATH] [--limit N] [--build DIR] [--sample DIR] [--show]
  --build DIR   write the PolNeAR subset and run unspun on both inputs into DIR (needed only for --sample);
  --sample DIR  print a gold skeleton (sampled stories, their current top 10) from DIR's runs, for labelling;
  --show        print each story's current top 10 with a context and its labels (for reading errors).
Writes the split's section of bench/results/entities.json and prints a table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

from unspun import nlp  # noqa: E402
from unspun.entities import story_entities  # noqa: E402
from unspun.ingest import iter_articles  # noqa: E402
from unspun.model import Article, Problem  # noqa: E402
from unspun.pipeline import Options, prepare_articles  # noqa: E402

DATA = (ROOT / ".." / "shared" / "data").resolve()
if not DATA.exists():
    DATA = Path("/work/shared/data")
GIVEME = DATA / "cluster" / "giveme5w1h" / "news_cluster.jsonl"
POLNEAR = DATA / "quotes" / "polnear" / "polnear.jsonl"
GOLD = HERE / "data" / "entities_gold.jsonl"
TOP = 10
ACTORS_IN = 5
SEED = 13
POLNEAR_SEED, POLNEAR_N = 5, 300
PER_SOURCE = 20


def write_polnear(path: Path) -> None:
    """The PolNeAR subset as a JSONL unspun reads: one record per article (its first annotation's text)."""
    first: dict[str, dict] = {}
    with POLNEAR.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            first.setdefault(r["article"], r)
    chosen = sorted(random.Random(POLNEAR_SEED).sample(sorted(first), POLNEAR_N))
    with path.open("w", encoding="utf-8") as f:
        for a in chosen:
            r = first[a]
            f.write(json.dumps({"id": a, "title": r["title"], "date": r["publication_date"], "outlet": r["publisher"],
                                "author": r.get("author"), "text": r["text"]}, ensure_ascii=False) + "\n")


def read_articles(path: Path) -> dict[str, Article]:
    """The articles of an input file as `unspun run` stores them: ingested, cleaned in batches (template blocks)."""
    batch_size = Options().batch_size
    raw = [a for a in iter_articles([str(path)], jobs=1) if not isinstance(a, Problem)]
    out: dict[str, Article] = {}
    seen: dict[str, str] = {}
    for i in range(0, len(raw), batch_size):
        kept, _, _ = prepare_articles(raw[i : i + batch_size], seen)
        out.update((a.id, a) for a in kept)
    return out


def load_sources(workdir: Path) -> dict[str, dict[str, Article]]:
    pol = workdir / "polnear300.jsonl"
    if not pol.exists():
        write_polnear(pol)
    return {"giveme": read_articles(GIVEME), "polnear": read_articles(pol)}


def parse_cached(articles: list[Article], cache: Path | None) -> dict:
    """spaCy parses of the articles, kept on disk by text and parser (re-scoring after a fix costs no parse)."""
    if cache is None:
        return nlp.parse_articles(articles)
    cache.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1((nlp.parser_id() + "\x00" + "\x00".join(a.id + "\x01" + a.text for a in articles))
                       .encode()).hexdigest()[:16]
    path = cache / f"entities-{key}.pkl"
    if path.exists():
        stored = pickle.loads(path.read_bytes())
        return nlp.parse_articles(articles, cached=stored)
    fresh: dict[str, bytes] = {}
    docs = nlp.parse_articles(articles, fresh=fresh)
    path.write_bytes(pickle.dumps(fresh))
    return docs


def story_top(articles: list[Article], docs: dict) -> list:
    return story_entities(articles, docs)[:TOP]


# ------------------------------------------------------------------------------------------------ scoring

def label_table(story: dict) -> dict[str, dict]:
    """name -> label, with each fix name labelled as the right name of the same thing."""
    table: dict[str, dict] = {}
    for e in story["entities"]:
        table[e["name"]] = e
    for e in story["entities"]:
        if not e["ok"] and e.get("fix") and e["fix"] not in table:
            table[e["fix"]] = {"name": e["fix"], "ok": True, "ref": e["ref"], "type": e["type"]}
    for e in story["entities"]:  # the full name a short one was labelled as ("Shapiro" -> "Ilya Shapiro")
        if e["ref"] and e["ref"] not in table and e["type"]:
            table[e["ref"]] = {"name": e["ref"], "ok": True, "ref": e["ref"], "type": e["type"]}
    return table


def score_story(story: dict, listed: list) -> dict:
    table = label_table(story)
    n = ok = typed = type_ok = dup = unlabelled = 0
    refs: set[str] = set()
    errors = []
    for e in listed:
        lab = table.get(e.name)
        if lab is None:
            unlabelled += 1
            errors.append(("unlabelled", e.name, e.type))
            continue
        n += 1
        if lab["ok"]:
            ok += 1
            typed += 1
            if e.type in lab["type"]:
                type_ok += 1
            else:
                errors.append(("type", e.name, f"{e.type} -> {'/'.join(lab['type'])}"))
        else:
            errors.append(("name", e.name, f"-> {lab.get('fix')}"))
        if lab["ref"] is not None:
            if lab["ref"] in refs:
                dup += 1
                errors.append(("duplicate", e.name, f"= {lab['ref']}"))
            refs.add(lab["ref"])
    top_names = set()
    for e in listed[:ACTORS_IN]:
        top_names.add(e.name)
        lab = table.get(e.name)
        if lab is not None and lab["ref"]:
            top_names.add(lab["ref"])
    found = [any(n in top_names for n in actor) for actor in story["actors"]]
    for actor, hit in zip(story["actors"], found):
        if not hit:
            errors.append(("actor missed", actor[0], ""))
    return {"n": n, "ok": ok, "typed": typed, "type_ok": type_ok, "dup": dup, "unlabelled": unlabelled,
            "actors": len(found), "actors_found": sum(found), "errors": errors}


def totals(rows: list[dict]) -> dict:
    s = {k: sum(r[k] for r in rows) for k in ("n", "ok", "typed", "type_ok", "dup", "unlabelled", "actors",
                                               "actors_found")}
    return {
        "stories": len(rows), "entities_labelled": s["n"], "entities_unlabelled": s["unlabelled"],
        "name_precision": round(s["ok"] / max(s["n"], 1), 4),
        "type_accuracy": round(s["type_ok"] / max(s["typed"], 1), 4),
        "duplicate_rate": round(s["dup"] / max(s["n"], 1), 4),
        "actor_recall_at5": round(s["actors_found"] / max(s["actors"], 1), 4),
        "actors": s["actors"],
    }


def load_gold(split: str) -> list[dict]:
    rows = [json.loads(line) for line in GOLD.open(encoding="utf-8") if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def snippet(articles: list[Article], name: str, width: int = 70) -> str:
    for a in articles:
        i = a.text.find(name)
        if i >= 0:
            return a.text[max(0, i - width) : i + len(name) + width].replace("\n", " | ")
    return ""


def run(gold: list[dict], sources: dict[str, dict[str, Article]], cache: Path | None, show: bool = False):
    per_source: dict[str, list[dict]] = {}
    all_rows = []
    cpu = 0.0
    for story in gold:
        arts = [sources[story["source"]][aid] for aid in story["article_ids"]]
        docs = parse_cached(arts, cache)
        t0 = time.process_time()
        listed = story_top(arts, docs)
        cpu += time.process_time() - t0
        row = score_story(story, listed)
        row["story"] = story["article_ids"][0]
        per_source.setdefault(story["source"], []).append(row)
        all_rows.append(row)
        if show:
            table = label_table(story)
            print(f"\n== {story['source']} {story['split']} {story['article_ids'][0]} ({len(arts)} articles): "
                  f"{story.get('headline', '')}")
            for e in listed:
                lab = table.get(e.name)
                mark = "??" if lab is None else ("ok" if lab["ok"] else f"NO->{lab.get('fix')}")
                if lab is not None and lab["ok"] and e.type not in lab["type"]:
                    mark += f" TYPE->{'/'.join(lab['type'])}"
                print(f"  {e.name!r:36} {e.type:8} {e.count:4} {mark:24} {snippet(arts, e.name, 40)[:110]}")
            for kind, name, what in row["errors"]:
                if kind == "actor missed":
                    print(f"  actor missed: {name}")
    return all_rows, per_source, cpu


# ----------------------------------------------------------------------------------------------- labelling aid

def sample(rundir: Path, sources: dict[str, dict[str, Article]], cache: Path | None) -> None:
    """Print a gold skeleton: PER_SOURCE stories a source (fixed seed), alternately DEV and TEST, with their top
    10 as the current code lists them."""
    rng = random.Random(SEED)
    for src in ("giveme", "polnear"):
        stories = json.loads((rundir / src / "stories.json").read_text(encoding="utf-8"))["stories"]
        stories = sorted(stories, key=lambda s: s["article_ids"][0])
        chosen = rng.sample(stories, PER_SOURCE)
        for i, s in enumerate(chosen):
            arts = [sources[src][aid] for aid in s["article_ids"]]
            listed = story_top(arts, parse_cached(arts, cache))
            print(json.dumps({"source": src, "split": "dev" if i % 2 == 0 else "test", "headline": s["headline"],
                              "article_ids": s["article_ids"],
                              "entities": [{"name": e.name, "type": e.type} for e in listed]}, ensure_ascii=False))


def build(rundir: Path) -> None:
    rundir.mkdir(parents=True, exist_ok=True)
    write_polnear(rundir / "polnear300.jsonl")
    for src, path in (("giveme", GIVEME), ("polnear", rundir / "polnear300.jsonl")):
        subprocess.run([sys.executable, "-m", "unspun", "run", str(path), "-o", str(rundir / src), "-q",
                        "--format", "json"], check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=("dev", "test", "all"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "unspun-bench-entities"),
                    help="where the PolNeAR subset JSONL is written")
    ap.add_argument("--cache", default="/tmp/unspun-bench-cache", help="parse cache directory ('' = off)")
    ap.add_argument("--build", default=None)
    ap.add_argument("--sample", default=None)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--limit", type=int, default=0, help="first N labelled stories of the split only (0 = all)")
    args = ap.parse_args(argv)
    if args.build:
        build(Path(args.build))
        return 0
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    cache = Path(args.cache) if args.cache else None
    t0 = time.time()
    sources = load_sources(work)
    if args.sample:
        sample(Path(args.sample), sources, cache)
        return 0
    gold = load_gold(args.split)
    if args.limit:
        gold = gold[: args.limit]
    rows, per_source, cpu = run(gold, sources, cache, show=args.show)
    result = {"split": args.split, "top": TOP, "actors_in": ACTORS_IN, "annotator": "one (the engineer)",
              "all": totals(rows), "by_source": {k: totals(v) for k, v in sorted(per_source.items())},
              "entities_cpu_seconds": round(cpu, 2), "wall_seconds": round(time.time() - t0, 1)}
    head = f"{'set':10} {'stories':>7} {'labelled':>8} {'unlab.':>6} {'name P':>7} {'type acc':>8} {'dup':>6} " \
           f"{'actor R@5':>9}"
    print(head)
    for name, t in [("all", result["all"])] + list(result["by_source"].items()):
        print(f"{name:10} {t['stories']:7} {t['entities_labelled']:8} {t['entities_unlabelled']:6} "
              f"{t['name_precision']:7.3f} {t['type_accuracy']:8.3f} {t['duplicate_rate']:6.3f} "
              f"{t['actor_recall_at5']:9.3f}")
    # one file, one section a split: the DEV and TEST numbers of the last run of each
    out = Path(args.out) if args.out else HERE / "results" / "entities.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    saved[args.split] = result
    out.write_text(json.dumps(saved, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
