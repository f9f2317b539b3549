"""Robustness on bad and hostile input: `unspun run` over good articles mixed with broken ones, of every input kind.

Good articles come from ../shared/data/cluster/giveme5w1h/news_cluster.jsonl, written as text, HTML, JSONL, JSON
arrays, WARC (plain and gzipped), RSS/Atom and an extension-less file; beside them: wrong encodings (UTF-16,
Latin-1, mixed, a <meta charset> that lies), NUL bytes, empty files, a 50 MB single line, HTML nested 10,000
levels, a 20 MB <script>, JSON records that are lists, numbers, null, nested 100,000 levels deep, text fields that
are objects, lone surrogates, duplicate ids, dates "0000-00-00"/"yesterday"/10^20, "javascript:" URLs, XSS in every
field, WARC records whose Content-Length lies (short, long, negative, not a number), gzip cut mid-member, PDF and
image records, feeds with entities, CDATA, xml:base, an external entity, file names with spaces, newlines and
non-UTF-8 bytes, a symlink loop and a dangling link. The run is in a child process with 6 GB of address space.

Checks: exit code 3 (partial), no traceback, every good article in stories.json, every line on stderr a one-line
`unspun: skipped SOURCE: REASON (detail)` or the summary, a second run byte-identical, report.html without a
<script> element, on* attribute or javascript:/data: URL from the input.

    python bench/robust.py [--out bench/results/robust.json]
"""

from __future__ import annotations

import argparse
import gzip
import html as H
import io
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "cluster" / "giveme5w1h" / "news_cluster.jsonl"
RESULTS = ROOT / "bench" / "results"


def page(r, head=""):
    paras = "".join(f"<p>{H.escape(p)}</p>" for p in r["text"].split("\n") if p.strip())
    return (f"<!doctype html><html><head><meta charset='utf-8'>{head}<title>{H.escape(r['title'])}</title></head>"
            f"<body><article><h1>{H.escape(r['title'])}</h1>{paras}</article></body></html>")


def warc(records, gz=True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for i, (uri, ctype, payload) in enumerate(records):
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2019-05-14T00:00:00Z", "WARC-Record-ID": f"<urn:uuid:{i:032d}>"}))
    return buf.getvalue()


def build(folder: Path) -> dict[str, str]:
    """Write the inputs; return {case: a title (prefix) that must be in stories.json}."""
    recs = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    rnd = random.Random(0)
    noise = bytes(rnd.randrange(256) for _ in range(3000))
    good: dict[str, str] = {}

    def w(name, data):
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    def doc(i):
        return recs[i]["title"] + "\n" + recs[i]["text"]

    w("txt/good name.txt", doc(0)), good.update(txt_space_name=recs[0]["title"])
    w("txt/utf16le.txt", ("\ufeff" + doc(3)).encode("utf-16-le")), good.update(txt_utf16=recs[3]["title"])
    latin1 = "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 headline\n" + recs[6]["text"]
    w("txt/latin1.txt", latin1.encode("latin-1", "replace"))
    good["txt_latin1"] = "r\u00e9sum\u00e9 headline"  # the title decoded right
    w("txt/empty.txt", b"")
    w("txt/nul.txt", b"Title\n" + b"body \x00\x00 more text " * 100)
    w("txt/title_only.txt", "Only a title\n\n")
    w("txt/huge_line.txt", b"word " * (10 << 20))
    w("txt/new\nline.txt", doc(9)), good.update(txt_newline_name=recs[9]["title"])
    w(os.fsdecode(b"txt/bad\xffbyte.txt"), doc(12)), good.update(txt_non_utf8_name=recs[12]["title"])
    w("html/good.html", page(recs[15])), good.update(html=recs[15]["title"])
    w("html/nested.html", "<html><body>" + "<div>" * 10000 + "<p>Deep text.</p>" * 20 + "</div>" * 10000)
    w("html/script.html", "<html><head><script>" + "var x = 1;" * 2_000_000 + "</script></head><body></body></html>")
    lie = dict(recs[18], title=recs[18]["title"] + " caf\u00e9 \u201cquoted\u201d")
    w("html/meta_lies.html", page(lie).encode("cp1252", "replace")), good.update(html_meta_lies=lie["title"])
    xss = {"title": "<script>alert(1)</script><img src=x onerror=alert(2)> XSS headline",
           "text": recs[21]["text"] + "\n<script>alert(3)</script> \"<b onmouseover=alert(4)>hi</b>\""}
    w("html/xss.html", page(xss, head="<link rel=canonical href='javascript:alert(5)'><meta property='og:site_name' "
                                      "content='<script>alert(6)</script>'><meta name=author content='\"><svg "
                                      "onload=alert(7)>'>")), good.update(html_xss="XSS headline")
    cut = gzip.compress(page(recs[24]).encode())
    w("html/cut.html.gz", cut[: len(cut) * 2 // 3]), good.update(html_gzip_cut=recs[24]["title"])
    w("html/utf16_nobom.html", page(recs[27]).encode("utf-16-le")), good.update(html_utf16_no_bom=recs[27]["title"])
    deep = "[" * 100_000 + "]" * 100_000
    lines = [json.dumps({"id": "j1", "title": recs[30]["title"], "text": recs[30]["text"]}), "[1,2]", "42", "null",
             json.dumps({"id": "obj", "text": {"a": 1}}),
             json.dumps({"id": "dup", "title": "Dup one headline", "text": recs[33]["text"]}),
             json.dumps({"id": "dup", "title": "Dup two headline", "text": recs[36]["text"]}),
             json.dumps({"id": "d0", "title": recs[39]["title"], "text": recs[39]["text"], "date": "0000-00-00"}),
             json.dumps({"id": "dy", "title": recs[42]["title"], "text": recs[42]["text"], "date": "yesterday"}),
             json.dumps({"id": "db", "title": recs[45]["title"], "text": recs[45]["text"], "date": 10 ** 20}),
             json.dumps({"id": "js", "title": "JS url <script>alert(8)</script>", "text": recs[48]["text"],
                         "url": "javascript:alert(9)"}),
             json.dumps({"id": "nul", "title": "NUL\u0000 and lone \ud800 surrogate", "text": recs[51]["text"]}),
             "{broken", deep, json.dumps({"id": "j2", "title": recs[54]["title"], "text": recs[54]["text"]}),
             '{"id": "cut", "text": "trunc']
    w("jsonl/mixed.jsonl", "\n".join(lines))
    good.update(jsonl=recs[30]["title"], jsonl_dup_first="Dup one headline", jsonl_zero_date=recs[39]["title"],
                jsonl_yesterday=recs[42]["title"], jsonl_date_1e20=recs[45]["title"], jsonl_js_url="JS url",
                jsonl_nul_surrogate="NUL and lone", jsonl_after_deep_line=recs[54]["title"])
    arr = [{"id": "a1", "title": recs[57]["title"], "text": recs[57]["text"]}, 5, None, [1],
           json.loads("[" * 300 + "]" * 300), {"id": "a2", "title": recs[60]["title"], "text": recs[60]["text"]}]
    w("jsonl/array.json", json.dumps(arr)), good.update(array=recs[57]["title"], array_after_bad=recs[60]["title"])
    w("jsonl/deep_array.json", "[" + "[" * 200_000 + "]" * 200_000 + ","
      + json.dumps({"id": "a3", "title": recs[63]["title"], "text": recs[63]["text"]}) + "]")
    good["array_after_200k_deep"] = recs[63]["title"]
    w("jsonl/array_cut.json", json.dumps([{"id": "c1", "title": recs[66]["title"], "text": recs[66]["text"]},
                                          {"id": "c2", "text": "x" * 100}])[:-40])
    good["array_cut"] = recs[66]["title"]
    w("jsonl/empty.jsonl", b"")
    pages = [("http://example.com/a", "text/html; charset=utf-8", page(recs[69]).encode()),
             ("http://example.com/b.pdf", "application/pdf", b"%PDF-1.4\n" + noise),
             ("http://example.com/c.png", "image/png", b"\x89PNG\r\n\x1a\n" + noise),
             ("http://example.com/d", "text/html", b"%PDF-1.4\n" + bytes(range(256)) * 10),
             ("http://example.com/e", "text/html", page(recs[72]).encode())]
    good.update(warc_first=recs[69]["title"], warc_last=recs[72]["title"])
    w("warc/good.warc.gz", warc(pages))
    w("warc/cut.warc.gz", warc(pages)[:-700])
    plain = warc(pages, gz=False)
    at = plain.index(b"Content-Length: ") + 16
    end = plain.index(b"\r\n", at)
    for name, value in (("short", int(plain[at:end]) - 500), ("long", int(plain[at:end]) + 500), ("neg", -5),
                        ("nan", "abc")):
        w(f"warc/length_{name}.warc", plain[:at] + str(value).encode() + plain[end:])
    w("warc/garbage.warc.gz", b"\x1f\x8b\x08\x00" + noise)
    rss = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>Feed &amp; co</title><link>http://feed.example.com/</link>
<item><title>{H.escape(recs[75]['title'])} &amp; more</title><link>http://feed.example.com/1</link>
<description><![CDATA[{page(recs[75])}]]></description><pubDate>Tue, 14 May 2019 10:00:00 GMT</pubDate></item>
<item><title>XXE &xxe; item</title><link>javascript:alert(10)</link><description>&xxe; a few words &#169;</description>
</item><item><title>{H.escape(recs[78]['title'])}</title><description>{H.escape(recs[78]['text'])}</description>
<pubDate>0000-00-00</pubDate></item></channel></rss>"""
    w("feed/rss.xml", rss), good.update(rss_cdata=recs[75]["title"][:40], rss_zero_date=recs[78]["title"])
    w("feed/rss_no_extension", rss.replace("http://feed.example.com/1", "http://feed.example.com/1b")
      .replace("Tue, 14 May", "Wed, 15 May"))
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://atom.example.org/news/"><title>Atom</title>
<entry><title>{H.escape(recs[81]['title'])}</title><link href="story/1.html"/><id>tag:1</id>
<updated>2019-05-14T00:00:00Z</updated><content type="html">{H.escape(page(recs[81]))}</content></entry>
<entry xml:base="javascript:alert(11)//"><title>Relative evil</title><link href="x"/><id>tag:2</id>
<content type="html">{H.escape('<p>' + recs[84]['text'] + '</p><script>alert(12)</script>')}</content></entry>
</feed>"""
    w("feed/atom.atom", atom), good.update(atom=recs[81]["title"], atom_evil_base="Relative evil")
    w("feed/cut.rss", rss[: len(rss) // 2])
    w("misc/image.jpg", b"\xff\xd8\xff\xe0" + noise)
    w("misc/page_no_extension", page(recs[87])), good.update(html_no_extension=recs[87]["title"])
    (folder / "loop" / "sub").mkdir(parents=True)
    os.symlink("..", folder / "loop" / "sub" / "up")
    os.symlink("nowhere", folder / "loop" / "dangling.txt")
    w("loop/sub/in_loop.txt", doc(90)), good.update(symlink_loop_folder=recs[90]["title"])
    return good


class _Active(HTMLParser):
    """Elements and attributes of report.html that could run input: <script>, on*, javascript:/data: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed"):
            self.found.append(tag)
        for k, v in attrs:
            if k.startswith("on") or (k in ("href", "src", "action", "xlink:href")
                                      and re.match(r"\s*(javascript|data|vbscript):", v or "", re.I)):
                self.found.append(f"{tag} {k}={v}")


def _limit():
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))  # a reader that blows up fails alone


def run(inputs: Path, out: Path) -> dict:
    t = time.time()
    proc = subprocess.run([sys.executable, "-m", "unspun", "run", str(inputs), "--out", str(out), "--jobs", "1"],
                          capture_output=True, preexec_fn=_limit, cwd=inputs.parent)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"rc": proc.returncode, "stderr": proc.stderr.decode("utf-8", "replace"), "wall_s": time.time() - t,
            "max_rss_mb": usage.ru_maxrss // 1024}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(RESULTS / "robust.json"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="unspun-robust-"))
    try:
        inputs = tmp / "in"
        good = build(inputs)
        first = run(inputs, tmp / "out1")
        run(inputs, tmp / "out2")
        stories = tmp / "out1" / "stories.json"
        doc = json.loads(stories.read_text(encoding="utf-8")) if stories.exists() else {"articles": []}
        present = {case: any(title in a["title"] for a in doc["articles"]) for case, title in good.items()}
        lines = [ln for ln in first["stderr"].splitlines() if ln.strip()]
        odd = [ln for ln in lines if not re.match(r"unspun: (skipped \S.*: \w+ \(.*\)|\d+ read, )", ln)]
        identical = all((tmp / "out1" / f).exists() and (tmp / "out1" / f).read_bytes() == (tmp / "out2" / f)
                        .read_bytes() for f in ("stories.json", "stories.md", "report.html"))
        active = _Active()
        report = tmp / "out1" / "report.html"
        if report.exists():
            active.feed(report.read_text(encoding="utf-8"))
        result = {
            "exit_code": first["rc"], "traceback": "Traceback" in first["stderr"],
            "good_articles_out": sum(present.values()), "good_articles_in": len(good),
            "missing": sorted(c for c, ok in present.items() if not ok),
            "problems_reported": sum(ln.startswith("unspun: skipped") for ln in lines),
            "stderr_lines_not_unspun": len(odd), "stderr_odd_examples": [ln[:160] for ln in odd[:5]],
            "second_run_identical": identical, "report_active_content": active.found[:10],
            "articles": len(doc["articles"]), "wall_s": round(first["wall_s"], 1), "max_rss_mb": first["max_rss_mb"],
            "summary_line": next((ln.split("; wrote")[0] for ln in lines if re.match(r"unspun: \d+ read", ln)), None),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    Path(args.out).write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
