"""Train the quote attribution model (src/unspun/quotes_model.json) on PolNeAR train.

A linear-chain CRF (python-crfsuite, needed for training only; unspun decodes the stored weights itself) labels each
token O / CB (first content token of an attribution) / CI (other content) / Q (cue) / S (source), over the features
of `unspun.quotes.attribution_features` (the rules' own records among them). Model selection uses a fixed slice of
train (articles whose id hashes to 0 mod 5); dev is never read here.

Defaults chosen on the slice: L1 c1=1.0 (35k features, 1.4 MB; c1=0.1 kept 162k and scored lower), L2 c2=1.0,
100 L-BFGS iterations (more overfit). Training is deterministic (L-BFGS, no sampling); ~25 CPU s of features and
~2.5 CPU min of fitting.

Usage: python bench/train_quotes.py [--eval-slice] [--c1 X] [--c2 Y] [--iterations N] [--out PATH]
  --eval-slice: fit on the other 80% of train and score the slice with bench/quotes.py's metrics, the rules alone
  and the rules with the model, through extract_records; without it, fit on all of train and write the model.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import quotes as qbench  # noqa: E402  (bench/quotes.py: data, parse cache, metrics)

LABELS = ("O", "CB", "CI", "Q", "S")


def gold_labels(row: dict, doc, paras) -> list[list[str]]:
    """Per paragraph, the gold label of each token; where attributions overlap, the longest content wins."""
    lab = ["O"] * len(doc)
    starts = [t.idx for t in doc]

    def tokens(s, e):
        lo = max(0, bisect.bisect_right(starts, s) - 1)
        return [i for i in range(lo, bisect.bisect_left(starts, e)) if doc[i].idx + len(doc[i]) > s
                and not doc[i].is_space]

    atts = sorted(row["attributions"], key=lambda a: -sum(e - s for c in a.get("content") or []
                                                          for s, e in c["offsets"]))
    content_of = [None] * len(doc)
    for n, a in enumerate(atts):
        spans = sorted(tuple(o) for c in a.get("content") or [] for o in c["offsets"])
        first = True
        for s, e in spans:
            for i in tokens(s, e):
                if content_of[i] is None:
                    content_of[i] = n
                    lab[i] = "CB" if first else "CI"
                first = False
    for a in atts:
        for key, tag in (("cue", "Q"), ("source", "S")):
            for c in a.get(key) or []:
                for s, e in c["offsets"]:
                    for i in tokens(s, e):
                        if lab[i] == "O":
                            lab[i] = tag
    return [[lab[i] for i in idx] for idx, _ in paras]


def load(split: str):
    from unspun.nlp import get_nlp
    from unspun.quotes import attribution_features, extract_records, find_quote_spans

    rows = [json.loads(line) for line in qbench.DATA.open(encoding="utf-8")]
    rows = [r for r in rows if r["split"] == split]
    texts = sorted({r["text"] for r in rows})
    docs, _ = qbench.parse_cached(get_nlp(), texts, "/tmp/unspun-bench-cache")
    docs = dict(zip(texts, docs))
    feats = {}
    for t, d in docs.items():
        feats[t] = attribution_features(d, extract_records(d, learned=False), find_quote_spans(t))
    return rows, docs, feats


def held_out(row: dict) -> bool:
    return int(hashlib.sha1(row["article"].encode()).hexdigest(), 16) % 5 == 0


def fit(rows, docs, feats, c1: float, c2: float, iterations: int, path: str) -> None:
    import pycrfsuite

    tr = pycrfsuite.Trainer(verbose=False)
    for r in rows:
        paras = feats[r["text"]]
        for (idx, seq), labels in zip(paras, gold_labels(r, docs[r["text"]], paras)):
            tr.append(seq, labels)
    tr.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.possible_transitions": True})
    tr.train(path)


def to_json(crf_path: str) -> dict:
    import pycrfsuite

    tg = pycrfsuite.Tagger()
    tg.open(crf_path)
    info = tg.info()
    labels = list(LABELS)
    pos = {lab: k for k, lab in enumerate(labels)}
    trans = [[0.0] * len(labels) for _ in labels]
    for (a, b), w in info.transitions.items():
        trans[pos[a]][pos[b]] = round(w, 3)
    feats: dict[str, list[float]] = {}
    for (attr, lab), w in info.state_features.items():
        feats.setdefault(attr, [0.0] * len(labels))[pos[lab]] = round(w, 3)
    # features whose weights all round to nothing change no decision: leave them out of the file
    names = sorted(f for f, ws in feats.items() if any(ws))
    return {"labels": labels, "transitions": trans, "features": names, "weights": [feats[f] for f in names]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval-slice", action="store_true")
    ap.add_argument("--c1", type=float, default=1.0)
    ap.add_argument("--c2", type=float, default=1.0)
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--out", default="", help="model JSON (default: the package's; with --eval-slice a /tmp file)")
    args = ap.parse_args(argv)
    out = args.out or ("/tmp/unspun-quotes-slice.json" if args.eval_slice
                       else str(HERE.parent / "src" / "unspun" / "quotes_model.json"))
    from unspun import quotes
    from unspun.quotes import AttributionModel

    t0 = time.process_time()
    rows, docs, feats = load("train")
    print(f"features: {time.process_time() - t0:.1f} CPU s", file=sys.stderr)
    fit_rows = [r for r in rows if not held_out(r)] if args.eval_slice else rows
    crf_path = "/tmp/unspun-quotes.crfsuite"
    t0 = time.process_time()
    fit(fit_rows, docs, feats, args.c1, args.c2, args.iterations, crf_path)
    model_json = to_json(crf_path)
    print(f"fit: {time.process_time() - t0:.1f} CPU s, {len(model_json['features'])} features", file=sys.stderr)
    Path(out).write_text(json.dumps(model_json, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    if not args.eval_slice:
        return 0
    quotes._MODEL = AttributionModel(model_json)  # score what extract_records does with this model
    parts: dict[str, list] = {"rules/all": [], "rules/direct": [], "rules+model/all": [], "rules+model/direct": []}
    cache = {}
    for r in rows:
        if not held_out(r):
            continue
        t = r["text"]
        if t not in cache:
            cache[t] = {"rules": qbench.unspun_items(docs[t], learned=False),
                        "rules+model": qbench.unspun_items(docs[t], learned=True)}
        g_all, g_direct = qbench.gold_items(r)
        for k, (p_all, p_direct) in cache[t].items():
            parts[k + "/all"].append(qbench.score(g_all, p_all))
            parts[k + "/direct"].append(qbench.score(g_direct, p_direct))
    for k, v in parts.items():
        print(k, json.dumps(qbench.summarise(v)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
