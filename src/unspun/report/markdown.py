"""Markdown export of the same content as the HTML report (GitHub-flavoured: tables, autolinks).

Article text is untrusted: every piece of it is backslash-escaped so that it can neither open raw HTML
(`<script>`), nor form links/images (`[x](javascript:...)`), nor break table rows (`|`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

from .view import build_view

# characters that can start markup inline: code, emphasis, links/images, raw HTML/autolinks, tables, strike,
# entities, math; `(`/`)`/`!` only matter after `]`/before `[`, which are escaped
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")
_LINE_START = re.compile(r"^([-=+#>])")
_LIST_NUMBER = re.compile(r"^(\d+)([.)])")  # "2." / "2)" opening a line would start a numbered list


def md(text: str) -> str:
    """Escape untrusted text for use inline in Markdown (already whitespace-normalised by the view). Only ASCII
    punctuation is escaped: a backslash before anything else shows as one ("\\2.5 Million" for "2.5 Million")."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _LIST_NUMBER.sub(r"\1\\\2", text)
    return _LINE_START.sub(r"\\\1", text)


def md_url(url: str) -> str:
    return "<" + quote(url, safe=":/?#@!$&'*+,;=%~-._") + ">"


def _cites(cites: list[dict]) -> str:
    return "".join(f"[{c['n']}]" for c in cites)


def _block(heading: str, lines: list[str]) -> list[str]:
    """A heading (or a label line) with its lines and a blank line after them; nothing at all when there are none."""
    return [heading, "", *lines, ""] if lines else []


def _separated(groups: list[list[str]]) -> list[str]:
    """Groups of lines with a blank line between groups."""
    return [ln for k, g in enumerate(groups) for ln in ([""] if k else []) + g]


def _summary_line(i: int, x: dict) -> str:
    when = f"**{md(x['when'])}** " if x["when"] else ""
    said = f" — {md(x['speaker'])}" if x["speaker"] else ""
    line = f"{i}. {when}{md(x['text'])}{said} {_cites(x['cites'])}"
    if x["support"]:
        line += f" (supported by {_cites(x['support'])})"
    if x["single_source"]:
        line += " *(single source)*"
    if not x["cites"] and not x["support"]:
        line += " *(uncited)*"
    return line.rstrip()


def _speaker_lines(sp: dict) -> list[str]:
    out = []
    for q in sp["quotes"]:
        text = f"“{md(q['text'])}”" if q["kind"] == "direct" else f"*{md(q['text'])}*"
        meta = [q["kind"]]
        if q["cue"]:
            meta.append(md(q["cue"]))
        if q["show_mention"]:
            meta.append(f"written as “{md(q['mention'])}”")
        if q["variants"]:
            meta.append("wording differs between outlets")
        out.append(f"- {text} {_cites(q['cites'])} — {', '.join(meta)}")
        out += [f"  - other wording: “{md(var['text'])}” {_cites(var['cites'])}".rstrip() for var in q["variants"]]
    return out


def _development_line(d: dict) -> str:
    n = len(d["cites"])
    outlets = ", ".join(md(o) for o in d["outlets"]) or "unknown outlets"
    return (f"- **{md(d['date_range'])}** {md(d['headline'])} "
            f"({n} {'article' if n == 1 else 'articles'}, {outlets}) {_cites(d['cites'])}")


def _event_line(e: dict) -> str:
    when = md(e["date"] + (f" – {e['end']}" if e["end"] else "")) if e["date"] else "date unknown"
    how = []
    if e["expression"]:
        how.append(f"“{md(e['expression'])}”")
    if e["resolution"]:
        how.append(md(e["resolution"]))
    how_s = f" ({' — '.join(how)})" if how else ""
    return f"- **{when}**{how_s}: {md(e['text'])} {_cites(e['cites'])}".rstrip()


def _entity_row(e: dict) -> str:
    per = ", ".join(f"{md(o)} {c}" for o, c in e["per_outlet"])
    name = md(e["name"]) + (f" (also: {', '.join(md(a) for a in e['aliases'])})" if e["aliases"] else "")
    return f"| {name} | {md(e['type'])} | {md(e['role'])} | {e['count']} | {per} |"


def _passage_lines(p: dict) -> list[str]:
    if p["directed"] and p["source"]:
        others = [c for c in p["cites"] if c["id"] != p["source"]["id"]]
        where = f"first in [{p['source']['n']}], also in {_cites(others)}"
    else:
        where = f"in {_cites(p['cites'])} (which came first is unknown)"
    return [f"> {md(p['text'])}", ">", f"> — {where}"]


def _source_lines(a: dict) -> list[str]:
    title = f"no headline, begins *{md(a['title'])}*" if a["title_derived"] else f"*{md(a['title'])}*"
    line = f"{a['n']}. {md(a['outlet'])} — {title} ({md(a['date'])})"
    if a["author"]:
        line += f", {md(a['author'])}"
    if a["url"]:
        line += f" {md_url(a['url'])}"
    elif a["source"]:
        line += f" (input: {md(a['source'])})"
    if not a["removed"]:
        return [line]
    reasons = sorted({r["reason"] for r in a["removed"]})
    blocks = "block" if len(a["removed"]) == 1 else "blocks"
    return [line, f"   - removed {len(a['removed'])} junk {blocks} ({', '.join(md(r) for r in reasons)})"]


def _story(st: dict) -> list[str]:
    out = [f"## {md(st['headline'])}", ""]
    outlets = ", ".join(md(o) for o in st["outlets"]) or "unknown outlets"
    n = st["n_articles"]
    out += [f"*{n} {'article' if n == 1 else 'articles'} · {outlets} · {md(st['date_range'])}*", ""]
    if st["headline_derived"]:
        out += ["*No article came with a headline: the one above is the first line of an article.*", ""]

    summary = [_summary_line(i, x) for i, x in enumerate(st["summary"], 1)]
    if summary and st["summary_by_developments"]:
        summary = [f"*A story of {len(st['developments'])} developments: what happened when, one lead for each of the "
                   "main ones, in date order.*", ""] + summary
    out += _block("### Summary", summary)
    out += _block("### Developments", [_development_line(d) for d in st["developments"]])
    out += _block("### Who said what",
                  _separated([[f"**{md(sp['name'])}**", "", *_speaker_lines(sp)] for sp in st["speakers"]]))
    out += _block("### Timeline", [_event_line(e) for e in st["timeline"] + st["timeline_undated"]])
    if st["entities"]:
        out += _block("### People, organisations, places",
                      ["| Name | Type | Role | Mentions | Per outlet |", "|---|---|---|---:|---|",
                       *(_entity_row(e) for e in st["entities"])])
    if st["entities_more"]:  # the long tail in one line, as the HTML folds it away (a table of hundreds is unread)
        out += [f"{len(st['entities_more'])} more mentioned: "
                + ", ".join(f"{md(e['name'])} {_cites(e['cites'])}".rstrip() for e in st["entities_more"]), ""]

    if st["headline_cards"] or st["single_source"]:
        out += ["### Headlines and angles", ""]
        if st["any_headline"]:
            out += ["| Source | Headline | Only this headline says | Leads with |", "|---|---|---|---|"]
            out += [f"| [{c['cite']['n']}] {md(c['outlet'])} | {md(c['title']) or '(no headline in the input)'} "
                    f"| {', '.join(md(w) for w in c['distinctive']) or '—'} | {md(c['lead']) or '—'} |"
                    for c in st["headline_cards"]] + [""]
        elif st["headline_cards"]:  # no article came with a headline: what each leads with is what differs
            out += ["| Source | Leads with |", "|---|---|"]
            out += [f"| [{c['cite']['n']}] {md(c['outlet'])} | {md(c['lead']) or '—'} |"
                    for c in st["headline_cards"]] + [""]
        out += _block(f"{st['single_source_title']}:",
                      [f"- {md(f['text'])} {_cites(f['cites'])} — only {md(f['outlet'])}" for f in st["single_source"]])

    if st["copymap"] or st["passages"] or st["duplicates"]:
        out += ["### Copy map", ""]
        if st["copymap"]:
            out += ["| Article | Own | Shared | Reused | Reused from |", "|---|---:|---:|---:|---|"]
            out += [f"| {md(b['full'])} | {b['pct_orig']}% | {b['pct_shared']}% | {b['pct_reused']}% "
                    f"| {' '.join(b['sources']) or '—'} |" for b in st["copymap"]["bars"]] + [""]
        out += _block("Shared passages:", _separated([_passage_lines(p) for p in st["passages"]]))
        out += _block("Near-identical articles:",
                      [f"- [{d['a']['n']}] {md(d['a']['outlet'])} and [{d['b']['n']}] {md(d['b']['outlet'])}: "
                       f"{d['pct']}% of their five-word sequences in common" for d in st["duplicates"]])

    out += _block("### Sources", [ln for a in st["articles"] for ln in _source_lines(a)])
    return out


def render_markdown(result: dict) -> str:
    """The report as Markdown: index, then per story summary (with [n] citations), quotes, timeline, entities,
    headlines, copy map and numbered sources. Deterministic; never raises on missing fields."""
    v = build_view(result)
    n_st, n_art = len(v["stories"]), v["n_articles"]
    out = ["# unspun report", ""]
    out += [f"{n_st} {'story' if n_st == 1 else 'stories'} from {n_art} {'article' if n_art == 1 else 'articles'}."]
    if v["counts"]:
        out += ["", " · ".join(f"{md(k.replace('_', ' '))}: {md(val)}" for k, val in v["counts"])]
    out.append("")
    index = []
    for i, st in enumerate(v["stories"], 1):
        outlets = ", ".join(md(o) for o in st["outlets"]) or "unknown outlets"
        articles = "article" if st["n_articles"] == 1 else "articles"
        line = f"{i}. **{md(st['headline'])}** — {st['n_articles']} {articles} · {outlets} · {md(st['date_range'])}"
        if st["developments"]:  # a long-running story: what happened last, not only its consensus headline
            latest = st["developments"][0]
            line += (f" · {len(st['developments'])} developments; latest ({md(latest['date_range'])}): "
                     f"{md(latest['headline'])}")
        elif st["summary"]:  # the gist: the summary's first sentence, on the item's next line
            line += "  \n   " + md(st["summary"][0]["text"])
        index.append(line)
    out += _block("## Stories", index)
    out += _block("## Problems", [f"- {md(p['source'])}: {md(p['reason'])}"
                                         + (f" — {md(p['detail'])}" if p["detail"] else "") for p in v["problems"]])
    for st in v["stories"]:
        out += ["---", ""] + _story(st)
    return "\n".join(out).rstrip("\n") + "\n"


def write_markdown(result: dict, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_markdown(result).encode("utf-8"))
    return path


__all__ = ["render_markdown", "write_markdown", "md"]
