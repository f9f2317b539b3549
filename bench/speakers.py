"""Speaker RESOLUTION benchmark: is the name unspun gives a quote's speaker the person or organisation the text means?

bench/quotes.py scores the speaker MENTION ("he" is right where PolNeAR's source is "he"); this scores what "he",
"the senator", "Mr. Trump" or "Sanders" is resolved to. Labels: bench/data/polnear_speakers.jsonl (PolNeAR gold
sources that are not a full proper name -- pronouns, descriptions, family names, titles --, each with its referent
as the article names it, or NONE when the article never names who it is; one engineer's reading, sampled as
bench/speakers_label.py says; train for tuning, dev for reporting).

Per item: the predicted quote is the one whose speaker mention overlaps the gold source span (several: the one
whose content shares most words with the gold content), else the one whose content shares words with the gold
content; none: "no quote found" (counted apart, and as wrong in acc_all).

Name match rule: both names are normalised -- accents, case, punctuation and a possessive 's dropped, hyphens split,
leading "the", title words (Mr., Sen., President, ...), single-letter initials and Jr./Sr. dropped -- and match
when their word sets are equal for one of the item's accepted names. So "Donald J. Trump" = "Donald Trump" and
"Sen. Bernie Sanders" = "Bernie Sanders", but "Trump" alone is NOT "Donald Trump" (where the article never writes
a fuller name, the label is the one it writes: "Obama"). For a NONE item the prediction is right when it names no
one the mention does not: no speaker, or no word of it is a name word the mention lacks, a name word being one
written capitalised in the prediction that the article never writes in lower case ("Saudi officials" for "Saudi
officials", "Workers" for "They" are right: a description; "Libyan groups" or "Hillary Clinton" is "invented").

Systems (same run, same predicted quotes):
- unspun: `extract_quotes` as `unspun run` calls it for readers (the rules and `_Resolver`), the Quote's speaker;
- unspun-learned: `extract_records(doc, learned=True)` (the learned attribution tagger), the record's speaker;
- resolver@gold: the resolver alone, on every item: `_Resolver.resolve` asked about the head of the GOLD source span
  (its noun phrase as `_mention_span` reads it), as extract_records asks about a cue's subject; it measures
  resolution where the quote finder missed the quote or took another mention;
- mention: (baseline a) the speaker mention as written, no resolution;
- nearest-name: (baseline b) what a user would write: a mention ending in a capitalised word ("Trump", "Mr.
  Trump") -> the longest PERSON name before it ending in that word; a personal pronoun (he, she, I, who, ...) ->
  the nearest PERSON name before it; anything else -> the nearest PERSON or ORG name before it; a chosen name is
  stretched to the longest earlier name of that type ending in the same word ("Trump" -> "Donald Trump"); no
  gender or number check.
Merging across articles (`merge_quotes`) is not run: one article at a time.

Usage: python bench/speakers.py [--split dev|train] [--no-learned] [--out PATH]
Writes bench/results/speakers.json (dev; speakers-train.json for train) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from quotes import DATA, parse_cached, word_positions  # noqa: E402

LABELS = HERE / "data" / "polnear_speakers.jsonl"
KINDS = ("pronoun", "description", "family name", "title", "other")
# words a name may carry that do not tell who it is
TITLES = frozenset("""the mr mrs ms miss dr sen sens rep reps gov president vice senator representative governor
secretary speaker gen general judge justice mayor rev former congressman congresswoman sheriff chairman
chairwoman prof professor ambassador attorney lt col capt adm jr sr ii iii""".split())
PERSON_PRONOUNS = frozenset("he she him his her hers i me my we us our who whom".split())


def norm_words(name: str | None) -> frozenset[str]:
    if not name:
        return frozenset()
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.replace("’", "'").replace("-", " ")
    s = re.sub(r"'s\b", "", s)
    words = re.findall(r"[a-z0-9]+", s.replace("'", ""))
    return frozenset(w for w in words if w not in TITLES and len(w) > 1)


def name_matches(pred: str | None, accept: list[str]) -> bool:
    p = norm_words(pred)
    return bool(p) and any(p == norm_words(a) for a in accept)


def invents_name(pred: str | None, mention_texts: list[str], text: str) -> bool:
    """A prediction for a NONE item names someone when it has a name word (capitalised in it, never lower case in
    the article `text`) that the mention as written does not have."""
    if not pred:
        return False
    allowed = frozenset().union(*(norm_words(m) for m in mention_texts if m))
    for w in re.findall(r"[^\W\d_][\w'’.-]*", pred):
        if w[:1].isupper() and not (norm_words(w) <= allowed) \
                and not re.search(r"\b" + re.escape(w.lower()) + r"\b", text):
            return True
    return False


def load_items(split: str) -> list[dict]:
    items = []
    for line in LABELS.open(encoding="utf-8"):
        d = json.loads(line)
        if "_about" not in d and d["split"] == split:
            items.append(d)
    return items


def unspun_quotes(article, doc) -> list[dict]:
    """extract_quotes' quotes with the character spans of their mention and content (read off extract_records,
    which extract_quotes reports from: the same text and mention)."""
    from unspun.model import normalize_ws
    from unspun.quotes import extract_quotes, extract_records

    recs = extract_records(doc)
    out = []
    for q in extract_quotes(article, doc):
        for r in recs:
            if r.text == q.text and (normalize_ws(r.mention_text) if r.mention_text else None) == q.speaker_mention:
                out.append({"mention": r.mention, "mention_text": q.speaker_mention, "content": r.content,
                            "speaker": q.speaker})
                break
    return out


def learned_quotes(doc) -> list[dict]:
    from unspun.model import normalize_ws
    from unspun.quotes import extract_records

    return [{"mention": r.mention, "mention_text": normalize_ws(r.mention_text) if r.mention_text else None,
             "content": r.content, "speaker": r.speaker} for r in extract_records(doc, learned=True)]


def gold_resolutions(doc, items: list[dict]) -> dict[int, dict]:
    """resolver@gold: {item index: pseudo-quote whose speaker is the resolver's answer for the gold source head}."""
    from unspun.model import normalize_ws
    from unspun.quotes import _mention_span, _Resolver, find_quote_spans

    resolver = _Resolver(doc, find_quote_spans(doc.text))
    out = {}
    for n, it in items:
        s, e = it["source"][0][0], it["source"][-1][1]
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None or not len(span):
            out[n] = None
            continue
        head = span.root
        ms, me, mtext, label = _mention_span(head)
        out[n] = {"mention": (ms, me), "mention_text": normalize_ws(mtext), "content": [],
                  "speaker": resolver.resolve(head, mtext, label)}
    return out


def find_quote(preds: list[dict], src: list[tuple[int, int]], gold_tok: frozenset, text: str) -> dict | None:
    def shared(p):
        return len(word_positions(text, p["content"]) & gold_tok)

    by_mention = [p for p in preds if p["mention"] and any(p["mention"][0] < e and s < p["mention"][1]
                                                           for s, e in src)]
    if by_mention:
        return max(by_mention, key=shared)  # max keeps the first of equals: deterministic
    by_content = [p for p in preds if shared(p)]
    return max(by_content, key=shared) if by_content else None


def nearest_name(doc, mention: tuple[int, int] | None, mention_text: str | None) -> str | None:
    """Baseline (b): the simple rule a user would write (module docstring)."""
    if not mention or not mention_text:
        return None
    ents = [e for e in doc.ents if e.label_ in ("PERSON", "ORG") and e.end_char <= mention[0]]

    def stretch(e) -> str:
        last = e.text.split()[-1]
        same = [x.text for x in ents if x.label_ == e.label_ and x.text.split()[-1] == last]
        return max(same, key=lambda t: (len(t.split()), t))

    words = mention_text.split()
    last = words[-1].strip(".,'’s")
    if words[-1][:1].isupper() and mention_text.lower() not in PERSON_PRONOUNS:
        same = [e for e in ents if e.label_ == "PERSON" and e.text.split()[-1].strip(".,'’s") == last]
        return stretch(same[-1]) if same else mention_text
    want = ("PERSON",) if mention_text.lower() in PERSON_PRONOUNS else ("PERSON", "ORG")
    cands = [e for e in ents if e.label_ in want]
    return stretch(cands[-1]) if cands else None


def score(items: list[dict], preds: dict[int, dict | None], name_of, texts_of: dict[str, str]) -> dict:
    """name_of(item, pred) -> the system's name for the item's quote; texts_of: {annotation id: article text}."""
    tot = {"n": 0, "found": 0, "ok": 0}
    kinds = {k: {"n": 0, "found": 0, "ok": 0} for k in KINDS}
    none = {"n": 0, "found": 0, "invented": 0}
    named = {"n": 0, "found": 0, "ok": 0, "wrong_name": 0, "unresolved": 0}
    for i, it in enumerate(items):
        p = preds[i]
        k = kinds[it["kind"]]
        is_none = it["label"] == "NONE"
        grp = none if is_none else named
        for c in (tot, k, grp):
            c["n"] += 1
        if p is None:
            continue
        for c in (tot, k, grp):
            c["found"] += 1
        name = name_of(it, p)
        if is_none:
            ok = not invents_name(name, [it["source_text"], p["mention_text"]], texts_of[it["id"]])
            none["invented"] += not ok
        else:
            ok = name_matches(name, it["accept"])
            if not ok:
                unresolved = not name or not invents_name(name, [it["source_text"], p["mention_text"]],
                                                          texts_of[it["id"]])
                named["unresolved" if unresolved else "wrong_name"] += 1
        if ok:
            for c in (tot, k) + ((named,) if not is_none else ()):
                c["ok"] += 1

    def acc(c):
        return {"n": c["n"], "found": c["found"], "ok": c["ok"],
                "acc": round(c["ok"] / c["found"], 4) if c["found"] else None,
                "acc_all": round(c["ok"] / c["n"], 4) if c["n"] else None}

    return {"all": acc(tot), "kinds": {k: acc(v) for k, v in kinds.items() if v["n"]},
            "named": dict(acc(named), wrong_name=named["wrong_name"], unresolved=named["unresolved"]),
            "none": dict(none, invented_share=round(none["invented"] / none["found"], 4) if none["found"] else None),
            "no_quote_found": tot["n"] - tot["found"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=["dev", "train"])
    ap.add_argument("--no-learned", action="store_true", help="skip the learned-tagger row (the slow one)")
    ap.add_argument("--out", default="")
    ap.add_argument("--cache", default="/tmp/unspun-bench-cache", help="DocBin cache directory ('' = off)")
    ap.add_argument("--errors", action="store_true", help="print unspun's wrong items")
    args = ap.parse_args(argv)
    out_path = Path(args.out) if args.out else HERE / "results" / (
        "speakers.json" if args.split == "dev" else f"speakers-{args.split}.json")

    items = load_items(args.split)
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    split_rows = [r for r in rows if r["split"] == args.split]
    by_id = {r["id"]: r for r in split_rows}
    from unspun.model import Article
    from unspun.nlp import get_nlp

    # the same texts in the same order as bench/quotes.py, so its DocBin cache serves both
    texts = sorted({r["text"] for r in split_rows})
    t0 = time.time()
    parsed, cached = parse_cached(get_nlp(), texts, args.cache)
    docs = dict(zip(texts, parsed))
    t_parse = time.time() - t0

    ids = sorted({it["id"] for it in items})
    c0 = time.process_time()
    rules = {}
    for i in ids:
        r = by_id[i]
        art = Article(id=i, title=r.get("title") or "", text=r["text"], source=i, outlet=r.get("publisher"),
                      date=r.get("publication_date"))
        rules[i] = unspun_quotes(art, docs[r["text"]])
    c_rules = time.process_time() - c0
    learned, c_learned = {}, None
    if not args.no_learned:
        c0 = time.process_time()
        learned = {i: learned_quotes(docs[by_id[i]["text"]]) for i in ids}
        c_learned = time.process_time() - c0

    def gold_tok(it):
        r = by_id[it["id"]]
        src = [tuple(o) for o in it["source"]]
        spans = [tuple(o) for a in r["attributions"]
                 if [tuple(o) for c in a.get("source") or [] for o in c["offsets"]] == src
                 for c in a.get("content") or [] for o in c["offsets"]]
        return word_positions(r["text"], spans)

    def picks(system: dict) -> dict[int, dict | None]:
        return {n: find_quote(system[it["id"]], [tuple(o) for o in it["source"]], gold_tok(it),
                              by_id[it["id"]]["text"]) for n, it in enumerate(items)}

    rule_picks = picks(rules)
    texts_of = {i: by_id[i]["text"] for i in ids}
    results = {
        "unspun": score(items, rule_picks, lambda it, p: p["speaker"], texts_of),
        "mention": score(items, rule_picks, lambda it, p: p["mention_text"], texts_of),
        "nearest-name": score(items, rule_picks, lambda it, p: nearest_name(
            docs[by_id[it["id"]]["text"]], p["mention"], p["mention_text"]), texts_of),
    }
    gold_picks: dict[int, dict | None] = {}
    for i in ids:
        gold_picks.update(gold_resolutions(docs[by_id[i]["text"]], [(n, it) for n, it in enumerate(items)
                                                                    if it["id"] == i]))
    results["resolver@gold"] = score(items, gold_picks, lambda it, p: p["speaker"], texts_of)
    if learned:
        results["unspun-learned"] = score(items, picks(learned), lambda it, p: p["speaker"], texts_of)
    errors = []
    for n, it in enumerate(items):
        p = rule_picks[n] or gold_picks[n]  # unfound quotes: the resolver's answer on the gold mention
        name = p["speaker"] if p else None
        ok = p is not None and (not invents_name(name, [it["source_text"], p["mention_text"]], texts_of[it["id"]])
                                if it["label"] == "NONE" else name_matches(name, it["accept"]))
        if not ok:
            errors.append({"id": it["id"], "source": it["source"], "kind": it["kind"], "source_text": it["source_text"],
                           "label": it["label"], "mention": p["mention_text"] if p else None,
                           "speaker": name, "found": rule_picks[n] is not None})
    from unspun import quotes

    meta = {"split": args.split, "items": len(items), "articles": len(ids), "labels": str(LABELS.relative_to(
        HERE.parent)), "parse_seconds": round(t_parse, 1), "parse_cached": cached,
            "rules_cpu_ms_per_article": round(1000 * c_rules / len(ids), 1),
            "learned_cpu_ms_per_article": round(1000 * c_learned / len(ids), 1) if c_learned is not None else None,
            "learned_tagger": quotes.learned_tagger() if learned else None,
            "labels_by": "one engineer reading the text (no agreement figure)"}
    out = {"meta": meta, "results": results, "unspun_errors": errors}  # found=False: resolver@gold answer
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(out, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"PolNeAR {args.split}: {len(items)} speaker items in {len(ids)} articles; parse {t_parse:.1f}s"
          f"{' (DocBin cache)' if cached else ''}; rules {meta['rules_cpu_ms_per_article']} CPU ms/article")
    cols = ["all"] + [k for k in KINDS if k in results["unspun"]["kinds"]]
    hdr = f"{'system':<15} " + " ".join(f"{c:>13}" for c in cols) + f" {'NONE invented':>14} {'no quote':>8}"
    print("accuracy over items whose quote was found (n found)")
    print(hdr)
    print("-" * len(hdr))
    for name, res in results.items():
        cells = [res["all"]] + [res["kinds"][k] for k in cols[1:]]
        row = " ".join(f"{c['acc']:>7.3f} ({c['found']:>3})" if c["acc"] is not None else f"{'-':>13}"
                       for c in cells)
        nn = res["none"]
        inv = f"{nn['invented']}/{nn['found']}"
        print(f"{name:<15} {row} {inv:>14} {res['no_quote_found']:>8}")
    if args.errors:
        for e in errors:
            print(json.dumps(e, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
