"""Error analysis of the quote attributions on PolNeAR train's fixed 20% slice (the one bench/train_quotes.py
--eval-slice scores; dev is never read here).

Predictions are bucketed by the rule (or model) that made them, gold attributions by their cue's construction
(speech / cognition / stance-list / other verb, passive, colon, noun or adjective cue, "according to"; "Q:" = with
double quote marks). Each bucket shows its count, mean overlap credit, how many have no overlapping partner at all,
and the share of precision (P loss) or recall (R loss) it costs. Pairing is bench/quotes.py's (greedy one-to-one).

Round 13, rules + the seed-0 tagger fitted on the 80% (--tf /tmp/tfq_slice.pt; 0.7847 before this round's two
changes, 0.7860 after): 462 of 3,407 predictions overlap no gold attribution (P loss 0.136: stance verbs 196 --
"support X", "release a statement", "seem" --, the model's own 78, stance nouns 55, said-clauses 47, quotes 32),
688 of 3,633 gold attributions no prediction (R loss 0.189; 332 with a cue the lists do not hold, "be", "take",
"have", "look at"...). Paired predictions lose P 0.065 to words beyond the gold span (0.032 after its end, mostly
a ", participle ..." or a second predicate; 0.030 before its start: an addressee "told X that", a leading
adverbial, a cue's preposition) and R 0.040 to words short of it (0.022 before, 0.018 after), each construction a
small share; bench/train_quotes_tf.py's docstring has what fixing them was worth.

Usage: python bench/quotes_errors.py [--learned [--model PATH] [--tf PATH]] [--dump FILE]
  --learned: rules + model; score the slice with a model fitted without it (train_quotes.py --eval-slice writes
  /tmp/unspun-quotes-slice.json), or the package's model is scoring articles it was trained on: the CRF at --model,
  or with --tf the transformer tagger saved by `train_quotes_tf.py --eval-slice --save PATH` (never the packaged
  tagger, which was fitted on all of train).
  --dump: one line per zero-overlap prediction (FP) and missed gold attribution (FN), tab-separated.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import quotes as qbench  # noqa: E402
from train_quotes import held_out  # noqa: E402


def pred_bucket(doc, r) -> tuple[str, str]:
    e = r.extra
    lemma = doc[e["cue_i"]].lemma_.lower() if "cue_i" in e else ""
    if e.get("learned"):
        return "learned", lemma
    for key in ("colon_label", "tweet", "according"):
        if e.get(key):
            return key, lemma
    if r.kind == "direct":
        return "direct", lemma
    if e.get("clause"):
        return "clause", lemma
    if e.get("stance"):
        return "stance_" + (doc[e["cue_i"]].pos_ if "cue_i" in e else "?"), lemma
    return ("speech_" if e.get("speech") else "other_") + r.kind, lemma


def gold_bucket(doc, text: str, att: dict) -> tuple[str, str]:
    from unspun.quotes import COGNITION_VERBS, SPEECH_VERBS, STANCE_VERBS

    cue = [tuple(o) for c in att.get("cue") or [] for o in c["offsets"]]
    spans = [tuple(o) for c in att.get("content") or [] for o in c["offsets"]]
    if not cue:
        return "nocue", ""
    cue_text = " ".join(text[s:e] for s, e in cue).lower()
    if "according" in cue_text:
        return "according", cue_text
    toks = [t for s, e in cue for t in (doc.char_span(s, e, alignment_mode="expand") or [])]
    if not toks:
        return "?", cue_text
    q = "Q:" if qbench.has_marks(text, spans) else ""
    if spans and text[: min(s for s, _ in spans)].rstrip()[-1:] == ":":
        return q + "colon", cue_text
    ids = {t.i for t in toks}
    roots = [t for t in toks if t.head.i not in ids or t.head.i == t.i]
    verb = next((t for t in roots if t.pos_ in ("VERB", "AUX")), None) \
        or next((t for t in toks if t.pos_ == "VERB"), None)
    if verb is None:
        return q + "noun_or_other_" + toks[0].pos_, cue_text
    lemma = verb.lemma_.lower()
    kind = "speech" if lemma in SPEECH_VERBS else "cognition" if lemma in COGNITION_VERBS \
        else "stance_list" if lemma in STANCE_VERBS else "other_verb"
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    return q + kind + ("_passive" if passive else ""), lemma


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--learned", action="store_true")
    ap.add_argument("--model", default="/tmp/unspun-quotes-slice.json")
    ap.add_argument("--tf", default="", help="with --learned: a float tagger saved by an --eval-slice fit")
    ap.add_argument("--dump", default="")
    args = ap.parse_args(argv)
    from unspun import quotes, quotes_tf
    from unspun.nlp import get_nlp

    rows = [json.loads(line) for line in qbench.DATA.open(encoding="utf-8")]
    rows = [r for r in rows if r["split"] == "train"]
    texts = sorted({r["text"] for r in rows})
    docs = dict(zip(texts, qbench.parse_cached(get_nlp(), texts, "/tmp/unspun-bench-cache")[0]))
    if args.learned:
        quotes._MODEL = quotes.AttributionModel.load(Path(args.model))
        if args.tf:
            import train_quotes_tf

            loaded = train_quotes_tf.slice_tagger(args.tf, rows, docs)
            quotes_tf.load = lambda: loaded
            quotes._TAGGER = "tf"
        elif quotes.learned_tagger() == "tf":
            quotes._TAGGER = "crf"  # the packaged tagger was fitted on the slice too
    rows = [r for r in rows if held_out(r)]

    p_n, p_credit, p_zero = collections.Counter(), collections.Counter(), collections.Counter()
    g_n, g_credit, g_zero = collections.Counter(), collections.Counter(), collections.Counter()
    fp_lemmas, fn_lemmas, dump, parts, cache = collections.Counter(), collections.Counter(), [], [], {}
    for row in rows:
        text, doc = row["text"], docs[row["text"]]
        if text not in cache:
            recs = quotes.extract_records(doc, stances=True, learned=args.learned)
            items = [{"tok": qbench.word_positions(text, spans), "src": None, "spk": r.mention,
                      "bucket": pred_bucket(doc, r), "spans": spans} for r, spans in qbench.attribution_spans(recs)]
            cache[text] = [p for p in items if p["tok"]]
        pred = cache[text]
        gold_all = qbench.gold_items(row)[0]
        atts = [a for a, g in zip(row["attributions"], gold_all) if g["tok"]]
        gold = [g for g in gold_all if g["tok"]]
        parts.append(qbench.score(gold, pred))
        pairs = sorted((-len(p["tok"] & g["tok"]), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)
                       if p["tok"] & g["tok"])
        used_p, used_g, p_got, g_got = set(), set(), {}, {}
        for n, i, j in pairs:
            if i in used_p or j in used_g:
                continue
            used_p.add(i)
            used_g.add(j)
            p_got[i], g_got[j] = -n / len(pred[i]["tok"]), -n / len(gold[j]["tok"])
        for i, p in enumerate(pred):
            b, lemma = p["bucket"]
            p_n[b] += 1
            p_credit[b] += p_got.get(i, 0.0)
            if i not in p_got:
                p_zero[b] += 1
                fp_lemmas[(b, lemma)] += 1
                dump.append(("FP", b, lemma, " | ".join(text[s:e] for s, e in p["spans"])[:300]))
        for j, att in enumerate(atts):
            b, lemma = gold_bucket(doc, text, att)
            g_n[b] += 1
            g_credit[b] += g_got.get(j, 0.0)
            if j not in g_got:
                g_zero[b] += 1
                fn_lemmas[lemma] += 1
                src = " ".join(x["text"] for x in att.get("source") or [])
                cue = " ".join(x["text"] for x in att.get("cue") or [])
                dump.append(("FN", b, lemma, f"[{src}] [{cue}] " + " | ".join(x["text"] for x in att["content"])))
    total = qbench.summarise(parts)
    print(f"train slice ({'rules + model' if args.learned else 'rules'}): {json.dumps(total)}")
    for title, n, credit, zero, denom in (("predictions", p_n, p_credit, p_zero, total["pred"]),
                                          ("gold attributions", g_n, g_credit, g_zero, total["gold"])):
        print(f"\n{title}: bucket, count, mean credit, no overlap at all, {'P' if title[0] == 'p' else 'R'} loss")
        for b in sorted(n, key=lambda b: credit[b] - n[b]):
            print(f"  {b:<26} {n[b]:5d} {credit[b] / n[b]:5.2f} {zero[b]:5d} {(n[b] - credit[b]) / denom:.4f}")
    print("\nno-overlap predictions by (bucket, cue lemma):", fp_lemmas.most_common(25))
    print("\nmissed gold by cue lemma:", fn_lemmas.most_common(40))
    if args.dump:
        Path(args.dump).write_text("".join("\t".join(d) + "\n" for d in dump), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
