"""Quote attribution benchmark on PolNeAR (../shared/data/quotes/polnear/polnear.jsonl).

Each line is one annotator's annotation of one article: `text` and `attributions`, each with `source`, `cue`,
`content` (lists of {text, offsets}) and `has_quote_marks`. Every annotation counts as one document.

Metrics (content spans compared as sets of word-token positions, so quote marks and punctuation do not count):
- exact P/R/F1: a prediction matches a gold attribution when their word-token sets are identical;
- overlap P/R/F1 (BBC Citron style): predictions and gold are paired one-to-one greedily by shared tokens;
  P = mean over predictions of shared/|pred| (0 when unpaired), R = mean over gold of shared/|gold|;
- speaker accuracy: over paired attributions whose gold has a source, the predicted speaker mention overlaps the
  gold source span (as written: "he" counts where the gold source is "he").
Two settings: "direct" = gold attributions with quote marks (PolNeAR's has_quote_marks, or double quote marks
in the content: the flag misses NYT's '' quotes) vs predictions whose content has double quote marks -- the same
test on both sides: PolNeAR's flag means double marks only (on train it is never set for content quoted only in
single marks, 111 such attributions, e.g. headline 'Honesty Is In Question.'), so single-quoted predictions belong
to "all" only; "all" = every gold attribution vs every prediction. For scale, "annotator/all" scores one
annotator's attributions (source = speaker) against another's on the articles annotated twice (17 on train, 2 on
dev): the agreement between people on the same task.

PolNeAR conventions the predictions follow (checked on train): content spans include the quote marks and the
comma/full stop inside them (word-token comparison makes both irrelevant); '"A," he said. "B."' and a quote
continued in the next paragraph without a cue are one attribution with several content spans; a quoted fragment
inside a sentence is annotated as the whole reported clause ('said he expects an "aggressive appeal" of ...').

Rows: "unspun" = extract_records with the learned attribution model (`learned=True`: the rules plus the model: the
fine-tuned transformer of bench/train_quotes_tf.py where torch is installed, else the CRF of bench/train_quotes.py;
meta.learned_tagger says which); "unspun-crf" = the same with the CRF, when the transformer ran; "rules" = the rules
alone, which is what readers' quotes (`extract_quotes`) use.

Usage: python bench/quotes.py [--split dev|train] [--limit N] [--no-textacy] [--cache DIR]
Parsed docs are cached as a spaCy DocBin under --cache (default /tmp/unspun-bench-cache; parse_seconds then
reports the cache load time).
Writes bench/results/quotes.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "quotes" / "polnear" / "polnear.jsonl"
if not DATA.exists():
    DATA = Path("/work/shared/data/quotes/polnear/polnear.jsonl")
DOUBLE = re.compile("''|[\"“”„«»]")
WORD = re.compile(r"\w+")


def word_positions(text: str, spans: list[tuple[int, int]]) -> frozenset[int]:
    out = set()
    for s, e in spans:
        for m in WORD.finditer(text, s, e):
            out.add(m.start())
    return frozenset(out)


def has_marks(text: str, spans: list[tuple[int, int]]) -> bool:
    """Content carries double quote marks (straight, curly, guillemets or NYT-style '')."""
    return any(DOUBLE.search(text[s:e]) for s, e in spans)


def score(gold: list[dict], pred: list[dict]) -> dict:
    """gold/pred items: {"tok": frozenset, "src": list[(s,e)] | None, "spk": (s,e) | None}."""
    gold = [g for g in gold if g["tok"]]
    pred = [p for p in pred if p["tok"]]
    pairs = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            n = len(p["tok"] & g["tok"])
            if n:
                pairs.append((-n, i, j))
    pairs.sort()
    used_p, used_g, matched = set(), set(), []
    for negn, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        matched.append((i, j, -negn))
    p_sum = sum(n / len(pred[i]["tok"]) for i, j, n in matched)
    r_sum = sum(n / len(gold[j]["tok"]) for i, j, n in matched)
    exact = sum(1 for i, j, n in matched if pred[i]["tok"] == gold[j]["tok"])
    spk_total = spk_ok = 0
    for i, j, n in matched:
        src = gold[j]["src"]
        if not src:
            continue
        spk_total += 1
        m = pred[i]["spk"]
        if m and any(m[0] < e and s < m[1] for s, e in src):
            spk_ok += 1
    return {"n_gold": len(gold), "n_pred": len(pred), "p_sum": p_sum, "r_sum": r_sum, "exact": exact,
            "spk_total": spk_total, "spk_ok": spk_ok}


def summarise(parts: list[dict]) -> dict:
    tot = {k: sum(p[k] for p in parts) for k in parts[0]} if parts else {}
    if not tot:
        return {}

    def f1(p, r):
        return 2 * p * r / (p + r) if p + r else 0.0

    ep = tot["exact"] / tot["n_pred"] if tot["n_pred"] else 0.0
    er = tot["exact"] / tot["n_gold"] if tot["n_gold"] else 0.0
    op = tot["p_sum"] / tot["n_pred"] if tot["n_pred"] else 0.0
    orr = tot["r_sum"] / tot["n_gold"] if tot["n_gold"] else 0.0
    return {
        "gold": tot["n_gold"], "pred": tot["n_pred"],
        "exact_p": round(ep, 4), "exact_r": round(er, 4), "exact_f1": round(f1(ep, er), 4),
        "overlap_p": round(op, 4), "overlap_r": round(orr, 4), "overlap_f1": round(f1(op, orr), 4),
        "speaker_acc": round(tot["spk_ok"] / tot["spk_total"], 4) if tot["spk_total"] else None,
        "speaker_n": tot["spk_total"],
    }


def gold_items(row: dict) -> tuple[list[dict], list[dict]]:
    text = row["text"]
    all_items, direct = [], []
    for a in row["attributions"]:
        spans = [tuple(o) for c in a.get("content") or [] for o in c["offsets"]]
        src = [tuple(o) for c in a.get("source") or [] for o in c["offsets"]] or None
        item = {"tok": word_positions(text, spans), "src": src, "spk": None}
        all_items.append(item)
        # PolNeAR's flag misses NYT-style '' quotes: direct = flagged, or content carries double quote marks
        if a.get("has_quote_marks") or has_marks(text, spans):
            direct.append(item)
    return all_items, direct


def attribution_spans(recs) -> list[tuple[object, list[tuple[int, int]]]]:
    """(record, content spans) per attribution of `extract_records`: a mixed quote counts once, its clause holding
    the rest of the quote it contains ('"A" in X, he said. "B"')."""
    held: dict[int, list] = {}
    for r in recs:
        if r.kind == "direct" and r.fragment_of is not None:
            held.setdefault(r.fragment_of, []).extend(r.content)
    return [(r, r.content + held.get(i, [])) for i, r in enumerate(recs)
            if not (r.kind == "direct" and r.fragment_of is not None)]


def unspun_items(doc, learned: bool) -> tuple[list[dict], list[dict]]:
    """unspun's predictions: "direct" = the quotes extract_quotes reports whose content has double quote marks (a
    mixed quote counts once, as its clause and the quote spans it holds); "all" = those plus stance attributions
    ("opposes the deal"), which PolNeAR also annotates. `learned=False`: the rules alone, without the model."""
    from unspun.quotes import extract_records

    text = doc.text

    def items(recs, direct_only: bool) -> list[dict]:
        out = []
        for r, spans in attribution_spans(recs):
            if direct_only and not has_marks(text, spans):
                continue  # same definition of "direct" as the gold side (double quote marks)
            out.append({"tok": word_positions(text, spans), "src": None, "spk": r.mention})
        return out

    return (items(extract_records(doc, stances=True, learned=learned), False),
            items(extract_records(doc, learned=learned), True))


def textacy_items(doc) -> list[dict]:
    from textacy.extract.triples import direct_quotations

    out = []
    try:
        for dq in direct_quotations(doc):
            content = dq.content
            spk = dq.speaker
            m = (spk[0].idx, spk[-1].idx + len(spk[-1].text)) if spk else None
            out.append({"tok": word_positions(doc.text, [(content.start_char, content.end_char)]), "src": None,
                        "spk": m})
    except Exception as exc:  # textacy raises on some odd docs; count as no predictions
        print(f"textacy failed on a doc: {exc!r}", file=sys.stderr)
    return out


def parse_cached(nlp, texts: list[str], cache: str) -> list:
    """Parse texts, reusing a spaCy DocBin on disk keyed by the texts and the pipeline (iterating on the
    extractor then costs no parse time). `cache=""` disables it."""
    import hashlib

    from spacy.tokens import DocBin

    stamp = "\x00".join(texts) + nlp.meta.get("name", "") + nlp.meta.get("version", "")
    key = hashlib.sha1(stamp.encode()).hexdigest()[:16]
    path = Path(cache) / f"polnear-{key}.spacy" if cache else None
    if path is not None and path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab)), True
    docs = list(nlp.pipe(texts, batch_size=16))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        DocBin(store_user_data=False, docs=docs).to_disk(path)
    return docs, False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev")
    ap.add_argument("--limit", type=int, default=0, help="first N annotations only (0 = all)")
    ap.add_argument("--no-textacy", action="store_true")
    ap.add_argument("--out", default=str(HERE / "results" / "quotes.json"))
    ap.add_argument("--cache", default="/tmp/unspun-bench-cache", help="DocBin cache directory ('' = off)")
    args = ap.parse_args(argv)

    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    rows = [r for r in rows if r["split"] == args.split]
    if args.limit:
        rows = rows[: args.limit]
    texts = sorted({r["text"] for r in rows})
    from unspun.nlp import get_nlp

    nlp = get_nlp()
    t0 = time.time()
    parsed, cached = parse_cached(nlp, texts, args.cache)
    docs = dict(zip(texts, parsed))
    t_parse = time.time() - t0

    use_textacy = not args.no_textacy
    if use_textacy:
        try:
            import textacy.extract.triples  # noqa: F401
        except Exception as exc:
            print(f"textacy unavailable ({exc!r}); skipping it", file=sys.stderr)
            use_textacy = False

    t0, c0 = time.time(), time.process_time()
    pred_cache = {t: unspun_items(d, learned=True) for t, d in docs.items()}
    t_extract, c_extract = time.time() - t0, time.process_time() - c0
    c0 = time.process_time()
    rules_cache = {t: unspun_items(d, learned=False) for t, d in docs.items()}  # without the learned model
    c_rules = time.process_time() - c0
    tx_cache = {t: textacy_items(d) for t, d in docs.items()} if use_textacy else {}
    from unspun import quotes

    tagger = quotes.learned_tagger()
    systems = [("unspun", pred_cache), ("rules", rules_cache)]
    c_crf = None
    if tagger == "tf":  # the CRF the transformer replaced, for comparison
        quotes._TAGGER = "crf"
        c0 = time.process_time()
        systems.append(("unspun-crf", {t: unspun_items(d, learned=True) for t, d in docs.items()}))
        c_crf = time.process_time() - c0
        quotes._TAGGER = tagger

    parts = {f"{name}/{k}": [] for name, _ in systems for k in ("direct", "all")}
    parts.update({"textacy/direct": [], "textacy/all": []})
    for r in rows:
        g_all, g_direct = gold_items(r)
        for name, cache in systems:
            p_all, p_direct = cache[r["text"]]
            parts[f"{name}/direct"].append(score(g_direct, p_direct))
            parts[f"{name}/all"].append(score(g_all, p_all))
        if use_textacy:
            tx = tx_cache[r["text"]]
            parts["textacy/direct"].append(score(g_direct, tx))
            parts["textacy/all"].append(score(g_all, tx))
    # human agreement for scale: on articles annotated twice, the first annotation scored against the second
    by_text: dict[str, list[dict]] = {}
    for r in rows:
        by_text.setdefault(r["text"], []).append(r)
    twice = [rs for rs in by_text.values() if len(rs) >= 2]
    parts["annotator/all"] = [score(gold_items(rs[1])[0], [dict(g, spk=g["src"][0] if g["src"] else None)
                                                           for g in gold_items(rs[0])[0]]) for rs in twice]
    results = {k: summarise(v) for k, v in parts.items() if v}
    meta = {"split": args.split, "annotations": len(rows), "articles": len(texts),
            "parse_seconds": round(t_parse, 1), "parse_cached": cached, "extract_seconds": round(t_extract, 2),
            "extract_cpu_ms_per_article": round(1000 * c_extract / len(docs), 1),
            "rules_only_cpu_ms_per_article": round(1000 * c_rules / len(docs), 1), "learned_tagger": tagger,
            "crf_cpu_ms_per_article": round(1000 * c_crf / len(docs), 1) if c_crf is not None else None,
            "textacy": use_textacy, "data": str(DATA)}
    out = {"meta": meta, "results": results,
           "targets": {"direct_overlap_f1": 0.90, "direct_speaker_acc": 0.90, "all_overlap_f1": 0.80},
           "published": {"BBC Citron (PARC 3.0)": {"overlap_f1": 0.832, "speaker_exact": 0.820}}}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    hdr = (f"{'system/setting':<16} {'gold':>5} {'pred':>5} {'exact F1':>8} {'ovl P':>6} {'ovl R':>6} {'ovl F1':>6} "
           f"{'spk acc':>7}")
    print(f"PolNeAR {args.split}: {len(rows)} annotations of {len(texts)} articles; "
          f"parse {t_parse:.1f}s{' (DocBin cache)' if cached else ''}, "
          f"extract {t_extract:.2f}s ({1000 * c_extract / len(docs):.0f} CPU ms/article; rules alone "
          f"{1000 * c_rules / len(docs):.0f})")
    print(hdr)
    print("-" * len(hdr))
    for k, v in results.items():
        spk = f"{v['speaker_acc']:.3f}" if v["speaker_acc"] is not None else "-"
        print(f"{k:<16} {v['gold']:>5} {v['pred']:>5} {v['exact_f1']:>8.3f} {v['overlap_p']:>6.3f} "
              f"{v['overlap_r']:>6.3f} {v['overlap_f1']:>6.3f} {spk:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
