"""Sampling and labelling aid for bench/data/polnear_speakers.jsonl (speaker-resolution benchmark, bench/speakers.py).

How items were sampled (`sample`): PolNeAR (../shared/data/quotes/polnear/polnear.jsonl), one annotation per article
(PolNeAR has some articles annotated twice: the annotation kept is the first by annotation id), every gold
attribution with a source span, one item per distinct source span. A source is kept only when it is NOT a full
proper name (no two capitalised words in a row other than title words, e.g. "Bernie Sanders", "White House", "New
York Times" are left out) and is one of these kinds:
- pronoun: he, she, they, it, I, we, who, ... alone;
- title: a title word and one capitalised word ("Mr. Trump", "Sen. Sanders", "President Obama");
- family name: one capitalised word that is the last word of a longer PERSON name spaCy finds in the article
  ("Sanders" where "Bernie Sanders" is named);
- description: anything else with a lower-case noun in it ("the senator", "officials", "his campaign", "a
  spokesman for Clinton");
(one capitalised word that is no person's family name -- "Politico", "Democrats" -- is left out: it is written in
full). Then, per split, a fixed number per kind is drawn with random.Random(5) from the shuffled list, at most 3 items
from one article: pronoun 40, description 40, family name 20, title 20 (120 a split; pronouns would otherwise be ~70%).

Labels (`show` prints what is needed to decide): ONE engineer read each item's context (the paragraph holding the
source, the 1,500 characters before it, the names spaCy finds earlier in the article) and wrote the referent: the
full name of the person or organisation the source refers to as the article names it ("Bernie Sanders", "Clinton
campaign"), or NONE when the article never names who it is (generic "officials", "critics", "some voters", an
unnamed spokesman of a campaign the article names is labelled with that campaign). One annotator: no agreement
figure. The labels were written by reading, never by running unspun's resolver.

Usage: python bench/speakers_label.py sample > /tmp/speakers_draft.jsonl
       python bench/speakers_label.py show /tmp/speakers_draft.jsonl [--from N] [--to M]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from quotes import DATA, parse_cached  # noqa: E402

PRONOUNS = {"he", "she", "they", "it", "i", "we", "who", "which", "that", "him", "her", "his", "them", "us", "you",
            "their", "its", "our", "my", "whom"}
TITLES = {"mr", "mrs", "ms", "miss", "dr", "sen", "senator", "rep", "gov", "governor", "president", "secretary",
          "speaker", "gen", "general", "judge", "justice", "mayor", "rev", "congressman", "congresswoman", "sheriff",
          "chairman", "chairwoman", "prof", "professor", "ambassador", "director", "candidate", "attorney", "lt",
          "former", "vice", "gop", "democratic", "republican", "presidential", "nominee", "state", "u.s.",
          "majority", "minority", "leader", "house", "senate", "sens", "reps"}
QUOTA = {"pronoun": 40, "description": 40, "family name": 20, "title": 20}
PER_ARTICLE = 3
SEED = 5
CAP = re.compile(r"^[A-Z][\w'’.-]*$")


def kind_of(src: str, person_tails: set[str]) -> str | None:
    words = src.split()
    if not words:
        return None
    low = [w.lower().strip(".,") for w in words]
    if len(words) == 1 and low[0] in PRONOUNS:
        return "pronoun"
    caps = [bool(CAP.match(w.strip(",;:()"))) and lw not in TITLES for w, lw in zip(words, low)]
    if any(a and b for a, b in zip(caps, caps[1:])):
        return None  # a full proper name in it
    if len(words) == 1:
        if not CAP.match(words[0]) or len(words[0]) < 2:
            return "description" if words[0].isalpha() and words[0].islower() else None
        return "family name" if low[0] in person_tails else None
    if len(words) == 2 and low[0].rstrip(".") in TITLES and caps[1]:
        return "title"
    if any(w.isalpha() and w.islower() and lw not in PRONOUNS | {"the", "a", "an"} for w, lw in zip(words, low)):
        return "description"
    return None


def load_rows(split: str) -> list[dict]:
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    rows = [r for r in rows if r["split"] == split]
    keep: dict[str, dict] = {}
    for r in sorted(rows, key=lambda r: r["id"]):
        keep.setdefault(r["article"], r)  # one annotator per article
    return [keep[a] for a in sorted(keep)]


def person_tails(doc) -> set[str]:
    return {e.text.split()[-1].lower().strip(".,'’s") for e in doc.ents
            if e.label_ == "PERSON" and len(e.text.split()) > 1}


def sample(split: str) -> list[dict]:
    from unspun.nlp import get_nlp

    rows = load_rows(split)
    allrows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    texts = sorted({r["text"] for r in allrows if r["split"] == split})  # bench/quotes.py's cache key
    docs = dict(zip(texts, parse_cached(get_nlp(), texts, "/tmp/unspun-bench-cache")[0]))
    cands: dict[str, list[dict]] = {k: [] for k in QUOTA}
    for r in rows:
        tails = person_tails(docs[r["text"]])
        seen = set()
        for a in r["attributions"]:
            offs = [tuple(o) for c in a.get("source") or [] for o in c["offsets"]]
            if not offs or tuple(offs) in seen:
                continue
            seen.add(tuple(offs))
            src = " ".join(r["text"][s:e] for s, e in offs)
            k = kind_of(src, tails)
            if k is None:
                continue
            cands[k].append({"id": r["id"], "source": [list(o) for o in offs], "source_text": src, "kind": k,
                             "split": split})
    rng = random.Random(SEED)
    out = []
    per_article: dict[str, int] = {}
    for k, n in QUOTA.items():
        pool = cands[k][:]
        rng.shuffle(pool)
        got = 0
        for item in pool:
            if got == n:
                break
            if per_article.get(item["id"], 0) >= PER_ARTICLE:
                continue
            per_article[item["id"]] = per_article.get(item["id"], 0) + 1
            out.append(item)
            got += 1
    out.sort(key=lambda it: (it["id"], it["source"]))
    return out


def show(items: list[dict], lo: int, hi: int) -> None:
    from unspun.nlp import get_nlp

    rows = {json.loads(line)["id"]: json.loads(line) for line in DATA.open(encoding="utf-8")}
    nlp = get_nlp()
    docs = {}
    for n, it in enumerate(items[lo:hi], lo):
        r = rows[it["id"]]
        text = r["text"]
        s, e = it["source"][0][0], it["source"][-1][1]
        ps = text.rfind("\n", 0, s) + 1
        pe = text.find("\n", e)
        pe = len(text) if pe < 0 else pe
        if r["id"] not in docs:
            docs[r["id"]] = nlp(text)
        names: dict[str, int] = {}
        for ent in docs[r["id"]].ents:
            if ent.label_ in ("PERSON", "ORG") and ent.start_char < s:
                names[ent.text] = names.get(ent.text, 0) + 1
        # attributions that share this source: their content, to see what was said
        contents = [c["text"][:80] for a in r["attributions"] if [list(o) for c2 in a.get("source") or []
                    for o in c2["offsets"]] == it["source"] for c in (a.get("content") or [])[:1]]
        before = text[max(0, ps - 1500):ps]
        para = text[ps:s] + "[[" + text[s:e] + "]]" + text[e:pe]
        print(f"===== #{n} {it['id']} {it['source']} kind={it['kind']} src={it['source_text']!r}")
        print(f"TITLE: {r['title']}")
        print("NAMES BEFORE:", "; ".join(f"{k}({v})" for k, v in names.items()))
        print("CONTENT:", " | ".join(contents))
        print("...", before.replace("\n", " / ")[-1500:])
        print(">>>", para)
        print()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["sample", "show"])
    ap.add_argument("path", nargs="?")
    ap.add_argument("--from", dest="lo", type=int, default=0)
    ap.add_argument("--to", dest="hi", type=int, default=10**6)
    args = ap.parse_args(argv)
    if args.cmd == "sample":
        for split in ("train", "dev"):
            for it in sample(split):
                print(json.dumps(it, ensure_ascii=False))
    else:
        items = [json.loads(line) for line in open(args.path, encoding="utf-8")]
        show(items, args.lo, args.hi)
    return 0


if __name__ == "__main__":
    sys.exit(main())
