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
_LINE_START = re.compile(r"^([-=+#>]|\d+[.)])")


def md(text: str) -> str:
    """Escape untrusted text for use inline in Markdown (already whitespace-normalised by the view)."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(r"\\\1", text)


def md_url(url: str) -> str:
    return "<" + quote(url, safe=":/?#@!$&'*+,;=%~-._") + ">"


def _cites(cites: list[dict]) -> str:
    return "".join(f"[{c['n']}]" for c in cites)


def _story(st: dict) -> list[str]:
    out = [f"## {md(st['headline'])}", ""]
    outlets = ", ".join(md(o) for o in st["outlets"]) or "unknown outlets"
    n = st["n_articles"]
    out += [f"*{n} {'article' if n == 1 else 'articles'} · {outlets} · {md(st['date_range'])}*", ""]

    if st["summary"]:
        out += ["### Summary", ""]
        for i, x in enumerate(st["summary"], 1):
            line = f"{i}. {md(x['text'])} {_cites(x['cites'])}"
            if x["support"]:
                line += f" (supported by {_cites(x['support'])})"
            if x["single_source"]:
                line += " *(single source)*"
            if not x["cites"] and not x["support"]:
                line += " *(uncited)*"
            out.append(line.rstrip())
        out.append("")

    if st["speakers"]:
        out += ["### Who said what", ""]
        for sp in st["speakers"]:
            out += [f"**{md(sp['name'])}**", ""]
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
                for var in q["variants"]:
                    out.append(f"  - other wording: “{md(var['text'])}” {_cites(var['cites'])}".rstrip())
            out.append("")

    if st["timeline"] or st["timeline_undated"]:
        out += ["### Timeline", ""]
        for e in st["timeline"] + st["timeline_undated"]:
            when = md(e["date"] + (f" – {e['end']}" if e["end"] else "")) if e["date"] else "date unknown"
            how = []
            if e["expression"]:
                how.append(f"“{md(e['expression'])}”")
            if e["resolution"]:
                how.append(md(e["resolution"]))
            how_s = f" ({' — '.join(how)})" if how else ""
            out.append(f"- **{when}**{how_s}: {md(e['text'])} {_cites(e['cites'])}".rstrip())
        out.append("")

    if st["entities"]:
        out += ["### People, organisations, places", "",
                "| Name | Type | Role | Mentions | Per outlet |", "|---|---|---|---:|---|"]
        for e in st["entities"] + st["entities_more"]:
            per = ", ".join(f"{md(o)} {c}" for o, c in e["per_outlet"])
            name = md(e["name"]) + (f" (also: {', '.join(md(a) for a in e['aliases'])})" if e["aliases"] else "")
            out.append(f"| {name} | {md(e['type'])} | {md(e['role'])} | {e['count']} | {per} |")
        out.append("")

    if st["headline_cards"] or st["single_source"]:
        out += ["### Headlines and angles", ""]
        if st["headline_cards"]:
            out += ["| Source | Headline | Leads with |", "|---|---|---|"]
            for c in st["headline_cards"]:
                out.append(f"| [{c['cite']['n']}] {md(c['outlet'])} | {md(c['title']) or '—'} "
                           f"| {md(c['lead']) or '—'} |")
            out.append("")
        if st["single_source"]:
            out += [f"{st['single_source_title']}:", ""]
            for f in st["single_source"]:
                out.append(f"- {md(f['text'])} {_cites(f['cites'])} — only {md(f['outlet'])}")
            out.append("")

    if st["copymap"] or st["passages"] or st["duplicates"]:
        out += ["### Copy map", ""]
        if st["copymap"]:
            out += ["| Article | Own | Shared | Reused | Reused from |", "|---|---:|---:|---:|---|"]
            for b in st["copymap"]["bars"]:
                out.append(f"| {md(b['full'])} | {b['pct_orig']}% | {b['pct_shared']}% | {b['pct_reused']}% "
                           f"| {' '.join(b['sources']) or '—'} |")
            out.append("")
        if st["passages"]:
            out += ["Shared passages:", ""]
            for p in st["passages"]:
                if p["directed"] and p["source"]:
                    others = [c for c in p["cites"] if c["id"] != p["source"]["id"]]
                    where = f"first in [{p['source']['n']}], also in {_cites(others)}"
                else:
                    where = f"in {_cites(p['cites'])} (which came first is unknown)"
                out += [f"> {md(p['text'])}", ">", f"> — {where}", ""]
        if st["duplicates"]:
            out += ["Near-identical articles:", ""]
            for d in st["duplicates"]:
                out.append(f"- [{d['a']['n']}] {md(d['a']['outlet'])} and [{d['b']['n']}] {md(d['b']['outlet'])}: "
                           f"{d['pct']}% of their five-word sequences in common")
            out.append("")

    if st["articles"]:
        out += ["### Sources", ""]
        for a in st["articles"]:
            line = f"{a['n']}. {md(a['outlet'])} — *{md(a['title'])}* ({md(a['date'])})"
            if a["author"]:
                line += f", {md(a['author'])}"
            if a["url"]:
                line += f" {md_url(a['url'])}"
            elif a["source"]:
                line += f" (input: {md(a['source'])})"
            out.append(line)
            if a["removed"]:
                reasons = sorted({r["reason"] for r in a["removed"]})
                blocks = "block" if len(a["removed"]) == 1 else "blocks"
                out.append(f"   - removed {len(a['removed'])} junk {blocks} ({', '.join(md(r) for r in reasons)})")
        out.append("")
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
    if v["stories"]:
        out += ["## Stories", ""]
        for i, st in enumerate(v["stories"], 1):
            outlets = ", ".join(md(o) for o in st["outlets"]) or "unknown outlets"
            articles = "article" if st["n_articles"] == 1 else "articles"
            out.append(f"{i}. **{md(st['headline'])}** — {st['n_articles']} {articles} · {outlets} · "
                       f"{md(st['date_range'])}")
        out.append("")
    if v["problems"]:
        out += ["## Input problems", ""]
        for p in v["problems"]:
            out.append(f"- {md(p['source'])}: {md(p['reason'])}" + (f" — {md(p['detail'])}" if p["detail"] else ""))
        out.append("")
    for st in v["stories"]:
        out += ["---", ""] + _story(st)
    return "\n".join(out).rstrip("\n") + "\n"


def write_markdown(result: dict, path: str | os.PathLike[str]) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_markdown(result).encode("utf-8"))
    return path


__all__ = ["render_markdown", "write_markdown", "md"]
