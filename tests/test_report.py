"""Fast unit tests of the HTML and Markdown reports (no browser; see test_report_browser.py for that)."""

from __future__ import annotations

import copy
import html as htmllib
import re
from html.parser import HTMLParser

import pytest

from unspun.report import CSP, render_html, render_markdown, write_html
from unspun.report.view import anchor, build_view, safe_url

TASS = "a1"
NPR = "b2"
EVIL = "x'\"><img src=x onerror=window.__xss=9>"

XSS_TITLE = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">Breaking'
XSS_BODY = [
    "Click <a href=\"javascript:window.__xss=3\">here</a> and <svg onload=window.__xss=4>.",
    "</style><style>body{background:url(//evil.example/x.png)}</style> Style break-out attempt.",
    "</textarea></title><iframe src=\"https://evil.example\"></iframe> More text ]]> --> <!-- ",
    "{{ 7*7 }} {% raw %} ${7*7} `code` [link](javascript:window.__xss=5) | pipe |",
]


def sample_result() -> dict:
    """A realistic run output: two seed-like articles in one story with every section filled, and one hostile
    article in its own story (title, body, URL, outlet, id and removed junk all carry XSS payloads)."""
    tass_text = "\n\n".join(
        [
            "Implementation of the deal for the delivery of Russia's S-400 air defense system to Turkey is in full swing despite USA pressure, Russian presidential aide Yury Ushakov said on May 14.",
            "Pompeo held talks in Sochi on Tuesday with Russian Foreign Minister Sergei Lavrov and was hosted by Putin.",
            "Washington previous year pulled out of a nuclear deal backed by Europe, Russia and China, which curbed Iran's nuclear ambitions in return for sanctions relief.",
            "\"Democracy can not be done by force\", Lavrov said of Venezuela.",
            "German Foreign Minister Heiko Maas said he had told Pompeo during their Monday meeting: \"We do not want it to come to a military conflict\".",
        ]
    )
    npr_text = "\n\n".join(
        [
            "Putin spoke to reporters after hosting US Secretary of State Mike Pompeo in the Black Sea resort of Sochi on Tuesday for the highest-level bilateral talks in almost a year.",
            "\"We had a frank discussion about many issues including many places where we disagree\", Pompeo said.",
            "Washington previous year pulled out of a nuclear deal backed by Europe, Russia and China, which curbed Iran's nuclear ambitions in return for sanctions relief.",
            "The U.S. and North Korea addressed the point explicitly in the Singapore Agreement signed last June.",
            "Pompeo said he urged the Russians to reconsider their support for the Venezuelan dictatorship.",
        ]
    )
    tass_removed = [
        {"text": "More news: Deepest-ever manned dive finds plastic bag at bottom of Mariana Trench", "reason": "link_list"},
        {"text": "As you can imagine, more people are reading The Jerusalem Post than ever before.", "reason": "promo"},
    ]
    npr_removed = [{"text": "SHAPIRO: NPR's Lucian Kim in Sochi, Russia, thanks a lot.", "reason": "transcript"}]

    def blocks(text: str, removed: list[dict], at: int) -> list[dict]:
        kept = [{"text": p, "kept": True, "reason": None} for p in text.split("\n\n")]
        junk = [{"text": r["text"], "kept": False, "reason": r["reason"]} for r in removed]
        return kept[:at] + junk + kept[at:]

    articles = [
        {
            "id": TASS, "title": "It's time to restore US-Russia ties, Putin tells Pompeo", "text": tass_text,
            "source": "examples/seeds/000.txt", "outlet": "tass.example", "url": "https://tass.example/world/1",
            "date": "2019-05-14", "date_source": "meta", "date_confidence": 0.9, "author": "Staff", "language": "en",
            "blocks": blocks(tass_text, tass_removed, 3), "extraction": {}, "meta": {}, "hash": "h1", "removed": tass_removed,
        },
        {
            "id": NPR, "title": "Russia Intends to Rebuild Relations with US, Putin Lauds 'objective' Mueller Report", "text": npr_text,
            "source": "examples/seeds/004.txt", "outlet": "npr.example", "url": None, "date": "2019-05-15",
            "date_source": "text", "date_confidence": 0.5, "author": None, "language": "en",
            "blocks": [], "extraction": {}, "meta": {}, "hash": "h2", "removed": npr_removed,
        },
        {
            "id": EVIL, "title": XSS_TITLE, "text": "\n\n".join(XSS_BODY), "source": "<script>window.__xss=6</script>.txt",
            "outlet": "<b onmouseover=window.__xss=7>evil</b>", "url": "javascript:window.__xss=8", "date": None,
            "date_source": None, "date_confidence": 0.0, "author": "<img src=x onerror=window.__xss=10>", "language": "en",
            "blocks": [], "extraction": {}, "meta": {}, "hash": "h3",
            "removed": [{"text": "<script>window.__xss=11</script>", "reason": "promo\"><script>window.__xss=12</script>"}],
        },
    ]
    story = {
        "id": "st-pompeo-sochi", "headline": "It's time to restore US-Russia ties, Putin tells Pompeo",
        "article_ids": [TASS, NPR],
        "summary": [
            {"text": "Pompeo held talks in Sochi on Tuesday with Russian Foreign Minister Sergei Lavrov and was hosted by Putin.", "citations": [TASS], "support": [NPR], "single_source": False},
            {"text": "Washington previous year pulled out of a nuclear deal backed by Europe, Russia and China, which curbed Iran's nuclear ambitions in return for sanctions relief.", "citations": [TASS, NPR], "support": [], "single_source": False},
            {"text": "The U.S. and North Korea addressed the point explicitly in the Singapore Agreement signed last June.", "citations": [NPR], "support": [], "single_source": True},
            {"text": "“Democracy can not be done by force.”", "citations": [TASS], "support": [], "single_source": True, "speaker": "Sergei Lavrov"},
        ],
        "quotes": [
            {"text": "Democracy can not be done by force", "speaker": "Sergei Lavrov", "kind": "direct", "article_ids": [TASS], "cue": "said", "speaker_mention": "Lavrov", "variants": []},
            {"text": "We had a frank discussion about many issues including many places where we disagree", "speaker": "Mike Pompeo", "kind": "direct", "article_ids": [NPR], "cue": "said", "speaker_mention": "Pompeo",
             "variants": [{"text": "We had a frank talk about many issues", "article_ids": [TASS]}]},
            {"text": "he urged the Russians to reconsider their support for the Venezuelan dictatorship", "speaker": "Mike Pompeo", "kind": "indirect", "article_ids": [NPR], "cue": "said", "speaker_mention": "Pompeo", "variants": []},
            {"text": "We do not want it to come to a military conflict", "speaker": "Heiko Maas", "kind": "direct", "article_ids": [TASS], "cue": "said", "speaker_mention": "he", "variants": []},
        ],
        "entities": [
            {"name": "Mike Pompeo", "type": "PERSON", "count": 6, "article_ids": [TASS, NPR], "per_outlet": {"tass.example": 3, "npr.example": 3}, "role": "main", "aliases": ["Pompeo"]},
            {"name": "Vladimir Putin", "type": "PERSON", "count": 3, "article_ids": [TASS, NPR], "per_outlet": {"tass.example": 1, "npr.example": 2}, "role": "main", "aliases": ["Putin"]},
            {"name": "Sochi", "type": "GPE", "count": 2, "article_ids": [TASS, NPR], "per_outlet": {"tass.example": 1, "npr.example": 1}, "role": "secondary", "aliases": []},
            {"name": "S-400", "type": "PRODUCT", "count": 1, "article_ids": [TASS], "per_outlet": {"tass.example": 1}, "role": "mentioned", "aliases": []},
        ],
        "timeline": [
            {"text": "The U.S. and North Korea addressed the point explicitly in the Singapore Agreement signed last June.", "expression": "last June", "date": "2018-06", "granularity": "month", "resolution": "last June relative to 2019-05-15 -> 2018-06", "article_id": NPR, "end": None},
            {"text": "Washington previous year pulled out of a nuclear deal backed by Europe, Russia and China.", "expression": "previous year", "date": "2018", "granularity": "year", "resolution": "previous year relative to 2019-05-14 -> 2018", "article_id": TASS, "end": None},
            {"text": "Russian presidential aide Yury Ushakov said on May 14.", "expression": "May 14", "date": "2019-05-14", "granularity": "day", "resolution": "May 14 in the publish year 2019 -> 2019-05-14", "article_id": TASS, "end": None},
            {"text": "Iranian officials said last week that ...", "expression": "last week", "date": None, "granularity": None, "resolution": "date unknown", "article_id": NPR, "end": None},
        ],
        "shared_passages": [
            {"text": "Washington previous year pulled out of a nuclear deal backed by Europe, Russia and China, which curbed Iran's nuclear ambitions in return for sanctions relief.", "article_ids": [TASS, NPR], "source": TASS, "directed": True},
        ],
        "copy_map": [
            {"article_id": TASS, "outlet": "tass.example", "words": 120, "original_share": 0.78, "reused_share": 0.0, "shared_share": 0.0, "reused_from": [], "copied_by": [NPR]},
            {"article_id": NPR, "outlet": "npr.example", "words": 110, "original_share": 0.71, "reused_share": 0.21, "shared_share": 0.08, "reused_from": [{"article_id": TASS, "words": 23}], "copied_by": []},
        ],
        "spin": {
            "headlines": [
                {"article_id": TASS, "outlet": "tass.example", "title": "It's time to restore US-Russia ties, Putin tells Pompeo", "distinctive_words": ["restore", "ties", "time"]},
                {"article_id": NPR, "outlet": "npr.example", "title": "Russia Intends to Rebuild Relations with US, Putin Lauds 'objective' Mueller Report", "distinctive_words": ["lauds", "mueller", "objective", "rebuild"]},
            ],
            "leads": [
                {"article_id": TASS, "outlet": "tass.example", "lead": "Implementation of the deal for the delivery of Russia's S-400 air defense system to Turkey is in full swing.", "entities": ["Russia", "Turkey"]},
                {"article_id": NPR, "outlet": "npr.example", "lead": "Putin spoke to reporters after hosting US Secretary of State Mike Pompeo in Sochi.", "entities": ["Putin"]},
            ],
            "single_source": [
                {"text": "Implementation of the deal for the delivery of Russia's S-400 air defense system to Turkey is in full swing despite USA pressure.", "article_id": TASS, "outlet": "tass.example"},
                {"text": "The U.S. and North Korea addressed the point explicitly in the Singapore Agreement signed last June.", "article_id": NPR, "outlet": "npr.example"},
            ],
        },
        "duplicates": [], "outlets": ["npr.example", "tass.example"], "date_range": ["2019-05-14", "2019-05-15"],
    }
    evil_story = {
        "id": "<svg/onload=window.__xss=13>", "headline": XSS_TITLE, "article_ids": [EVIL],
        "summary": [{"text": XSS_BODY[0], "citations": [EVIL], "support": [], "single_source": True,
                     "speaker": "<b onmouseover=window.__xss=18>Mallory</b>"}],
        "quotes": [{"text": "<script>window.__xss=14</script>", "speaker": "<i onclick=window.__xss=15>Mallory</i>", "kind": "direct", "article_ids": [EVIL], "variants": []}],
        "entities": [{"name": "<script>window.__xss=16</script>", "type": "PERSON", "count": 1, "article_ids": [EVIL], "per_outlet": {"<b>x</b>": 1}}],
        "timeline": [{"text": XSS_BODY[1], "expression": "</style>", "date": None, "granularity": None, "resolution": "date unknown", "article_id": EVIL}],
        "shared_passages": [], "copy_map": [{"article_id": EVIL, "outlet": "</text><script>window.__xss=17</script>", "original_share": 1.0, "reused_share": 0.0}],
        "spin": {"headlines": [{"article_id": EVIL, "outlet": "evil", "title": XSS_TITLE}], "leads": [], "single_source": []},
        "outlets": ["<b onmouseover=window.__xss=7>evil</b>"], "date_range": [None, None],
    }
    return {
        "unspun_version": "0.1.0",
        "run": {"inputs": 4, "articles": 3, "stories": 2, "problems": 1},
        "articles": articles,
        "stories": [evil_story, story],  # deliberately not in index order
        "problems": [{"source": "bad/<script>.bin", "reason": "binary", "detail": "NUL bytes"}],
    }


class _Collect(HTMLParser):
    """Parses the rendered page the way a browser tokenizer would and records what would be active."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.style_text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style_text.append(data)


@pytest.fixture(scope="module")
def result() -> dict:
    return sample_result()


@pytest.fixture(scope="module")
def page(result) -> str:
    return render_html(result)


def test_hostile_text_is_escaped(page):
    p = _Collect()
    p.feed(page)
    tags = {t for t, _ in p.tags}
    assert "script" not in tags
    assert "iframe" not in tags and "img" not in tags
    assert [t for t, _ in p.tags].count("style") == 1, "a second <style> element would mean a CSS break-out"
    assert "evil.example" not in "".join(p.style_text)
    for tag, attrs in p.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "xlink:href"):
                assert value is not None
                assert value.startswith(("#", "https://", "http://")), (tag, name, value)
    # the payloads are visible as text
    assert htmllib.escape("<script>window.__xss=1</script>", quote=False) in page
    assert "&lt;/style&gt;&lt;style&gt;body{background:url(//evil.example/x.png)}" in page
    # the raw payloads never appear unescaped
    for raw in ("<script", "<img", "<svg onload", "<iframe", "</style><style>", "onerror=\"", "<b onmouseover"):
        assert raw not in page
    # the hostile URL is not linked anywhere
    assert 'href="javascript' not in page.lower()


def test_csp_and_links(page):
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert m and m.group(1) == CSP
    assert "default-src 'none'" in CSP and "script-src 'none'" in CSP
    head = page.split("<style>")[0]
    assert "Content-Security-Policy" in head, "CSP must precede any content"
    # every external link is noopener noreferrer
    for m in re.finditer(r"<a [^>]*href=\"(https?:[^\"]*)\"[^>]*>", page):
        assert 'rel="noopener noreferrer"' in m.group(0)
    assert 'href="https://tass.example/world/1"' in page


def test_no_external_resources_or_scripts(page):
    assert "<script" not in page
    p = _Collect()
    p.feed(page)
    assert not [(t, a) for t, a in p.tags if "src" in a or "srcset" in a or t in ("link", "object", "embed", "base")]
    assert "@import" not in page
    assert "url(" not in page.split("</style>")[0].split("<style>")[1]


@pytest.mark.parametrize(
    "url,ok",
    [
        ("https://a.example/x?y=1", True),
        ("http://a.example", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>1</script>", False),
        ("file:///etc/passwd", False),
        ("vbscript:x", False),
        ("//evil.example/x", False),
        ("/relative/path", False),
        ("https:", False),
        (None, False),
        (123, False),
    ],
)
def test_safe_url(url, ok):
    assert (safe_url(url) is not None) == ok


def test_index_order_and_content(page):
    # the 2-article story comes first in the index although it is second in the input
    idx = page.split('id="index"')[1].split("</section>")[0]
    assert idx.index("restore US-Russia ties") < idx.index("Breaking")
    assert "2 articles" in idx and "2019-05-14 – 2019-05-15" in idx
    assert "npr.example, tass.example" in idx
    # the gist: each card shows its story's first summary sentence, escaped like the rest
    assert '<span class="gist">Pompeo held talks in Sochi on Tuesday' in idx
    assert htmllib.escape("<script>window.__xss=1</script>", quote=False) in idx


def test_story_sections_present(page):
    for needle in (
        "Who said what", "Timeline", "People, organisations, places", "Headlines and angles", "Copy map",
        "Sergei Lavrov", "Democracy can not be done by force", "wording differs", "written as “he”",
        "2018-06", "Date unknown", "<svg class=\"copymap\"", "marker-end=", "single source",
        "Show removed junk (2)", "link_list", "Removed junk (1)", "transcript", "Only this headline says",
        '<span class="said">— Sergei Lavrov</span>',  # who says a summary sentence that is a bare quotation
    ):
        assert needle in page, needle


def test_citations_link_to_marked_sentence(page):
    # a summary citation links to a <mark> in the cited article, and its tooltip quotes the sentence
    sa = anchor("s", "st-pompeo-sochi")
    m = re.search(r'<a class="cite" href="#(' + re.escape(sa) + r'-a-a1-m2)"', page)
    assert m, "citation [1] of summary sentence 2 should link to its mark in article a1"
    assert f'<mark id="{m.group(1)}">Washington previous year' in page
    assert '<span class="ctx">' in page
    # ids are unique
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    # every internal link points to an existing id
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in ids, target
    for target in re.findall(r'url\(#([^)]+)\)', page):
        assert target in ids, target


def test_deterministic(result):
    a = render_html(result)
    b = render_html(copy.deepcopy(result))
    assert a == b
    assert render_markdown(result) == render_markdown(copy.deepcopy(result))


def test_write_html(tmp_path, result):
    out = write_html(result, tmp_path / "sub" / "report.html")
    assert out.read_bytes() == render_html(result).encode("utf-8")


@pytest.mark.parametrize(
    "result_in",
    [
        {},
        {"stories": None, "articles": None},
        {"stories": [{}], "articles": [{}]},
        {"stories": [{"id": "s", "article_ids": ["missing"], "summary": [{"text": "x", "citations": ["missing", None]}]}]},
        {"stories": [{"id": "s", "summary": "oops", "quotes": [None, 3, {"text": None}], "spin": [], "copy_map": [{"article_id": "z", "original_share": "NaN"}], "date_range": None}]},
        {"articles": [{"id": "a", "title": None, "text": None, "blocks": [{"text": "x", "kept": False}]}], "stories": [{"id": "s", "article_ids": ["a"]}]},
        # two stories with one id, the same article in both, the same sentence cited twice
        {"articles": [{"id": "a", "title": "t", "text": "One. Two."}], "stories": [
            {"id": "s", "article_ids": ["a"], "summary": [{"text": "One.", "citations": ["a"]}, {"text": "One.", "citations": ["a", "a"]}]},
            {"id": "s", "article_ids": ["a", "a"], "summary": [{"text": "Two.", "citations": ["a"]}], "copy_map": [{"article_id": "a", "reused_from": ["a", {"article_id": "zz"}]}]},
        ]},
    ],
)
def test_graceful_on_missing_fields(result_in):
    out = render_html(result_in)
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    ids = re.findall(r'\bid="([^"]+)"', out)
    assert len(ids) == len(set(ids))
    assert render_markdown(result_in).startswith("# unspun report")


def test_markdown(result):
    md = render_markdown(result)
    assert "## Stories" in md
    assert "### Summary" in md
    assert re.search(r"^   Pompeo held talks in Sochi on Tuesday", md, re.M)  # the gist under its index line
    # summary sentences with their citations as [n]
    assert re.search(r"^1\. Pompeo held talks in Sochi .* \[1\] \(supported by \[2\]\)$", md, re.M)
    assert re.search(r"^2\. Washington previous year .*relief\\\. \[1\]\[2\]$", md, re.M) or re.search(
        r"^2\. Washington previous year .* \[1\]\[2\]$", md, re.M
    )
    assert "*(single source)*" in md
    assert re.search(r"^4\. “Democracy can not be done by force\.” — Sergei Lavrov \[1\]", md, re.M)  # who says it
    assert "**Sergei Lavrov**" in md and "“Democracy can not be done by force” [1]" in md
    assert "### Sources" in md and "<https://tass.example/world/1>" in md
    # hostile text cannot become raw HTML or a link
    unescaped_lt = [m.start() for m in re.finditer(r"(?<!\\)<(?!https?://)", md)]
    assert not unescaped_lt, [md[i : i + 40] for i in unescaped_lt]
    assert "](javascript:" not in md and "](" not in md
    # every table row has the header's number of cells (pipes in text are escaped)
    for block in re.findall(r"((?:^\|.*\|$\n?)+)", md, re.M):
        rows = [r for r in block.strip().split("\n")]
        counts = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
        assert len(counts) == 1, rows


# ---------------------------------------------------------------------------------------------
# unspun serve: read-only, loopback only


@pytest.fixture
def server(result):
    import threading

    from unspun.report.serve import make_server

    srv = make_server(result, host="127.0.0.1", port=0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _request(srv, method="GET", path="/", host=None):
    import http.client

    port = srv.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, headers={"Host": host or f"127.0.0.1:{port}"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_serve_pages(server, result):
    resp, body = _request(server)
    assert resp.status == 200 and resp.getheader("Content-Type").startswith("text/html")
    assert "default-src 'none'" in resp.getheader("Content-Security-Policy")
    assert "frame-ancestors 'none'" in resp.getheader("Content-Security-Policy")
    assert resp.getheader("X-Content-Type-Options") == "nosniff"
    assert body.decode() == render_html(result)
    resp, body = _request(server, path="/stories.md")
    assert resp.status == 200 and body.decode() == render_markdown(result)
    resp, body = _request(server, path="/stories.json")
    assert resp.status == 200 and b'"stories"' in body
    assert _request(server, path="/../etc/passwd")[0].status == 404


def test_serve_is_read_only_and_checks_host(server):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert _request(server, method=method)[0].status == 405
    assert _request(server, host="evil.example")[0].status == 421  # DNS rebinding
    assert _request(server, host=f"localhost:{server.server_address[1]}")[0].status == 200


def test_serve_refuses_public_interfaces(result):
    from unspun.report.serve import make_server

    for host in ("0.0.0.0", "192.168.1.10", "example.com", "::"):
        with pytest.raises(ValueError):
            make_server(result, host=host, port=0)


def test_input_file_names_are_not_listed_as_outlets():
    # records of one JSONL file with no outlet or URL: the story header must not present "feed.jsonl:1",
    # "feed.jsonl:2" as two outlets; the sources list still names each record so a reader can find it
    arts = [{"id": f"r{i}", "title": f"Title {i}", "text": "Body.", "source": f"/data/feed.jsonl:{i}", "outlet": None,
             "url": None, "date": None} for i in (1, 2)]
    arts.append({"id": "r3", "title": "Title 3", "text": "Body.", "source": "/data/feed.jsonl:3", "outlet": None,
                 "url": "https://www.example.org/news/1", "date": None})
    spin = {"single_source": [{"text": "Only the first record says this.", "article_id": "r1", "outlet": None}]}
    result = {"articles": arts, "stories": [{"id": "s1", "headline": "H", "article_ids": ["r1", "r2"], "outlets": [],
                                             "spin": spin},
                                            {"id": "s2", "headline": "G", "article_ids": ["r3"], "outlets": []}]}
    md = render_markdown(result)
    assert "**H** — 2 articles · unknown outlets · date unknown" in md
    assert "**G** — 1 article · example.org · date unknown" in md
    assert "1. feed.jsonl:1 — *Title 1*" in md
    # with outlets unknown, spin compared articles, not outlets
    assert "Reported in one article only:" in md and "one outlet only" not in md
    assert "Reported in one article only" in render_html(result)
    assert "Reported by one outlet only:" in render_markdown(sample_result())  # outlets known


def test_near_identical_articles_are_shown(result):
    # two outlets running the same wire copy: the reader must see that [1] and [2] are one text, not two sources
    res = copy.deepcopy(result)
    story = next(st for st in res["stories"] if len(st["article_ids"]) == 2)
    first, second = story["article_ids"]
    story["duplicates"] = [{"article_id": second, "duplicate_of": first, "jaccard": 0.9606}]
    md = render_markdown(res)
    assert "Near-identical articles:" in md
    assert re.search(r"^- \[1\] \S+ and \[2\] \S+: 96% of their five-word sequences in common$", md, re.M)
    page = render_html(res)
    assert "Near-identical articles" in page and "96% of their five-word sequences in common" in page
    # no pair, no heading
    assert "Near-identical" not in render_markdown(result) and "Near-identical" not in render_html(result)


def test_derived_titles_are_marked_not_shown_as_headlines():
    # records with no title: their "title" is the first line of the text, which a reader must not take for a headline
    lead = "Flood water reached the second floor of the county hospital on Friday, officials said."
    arts = [{"id": "d1", "title": lead, "title_derived": True, "text": lead + "\n\nPatients were moved.",
             "source": "f.jsonl:1", "outlet": "one.example", "url": None, "date": None},
            {"id": "d2", "title": "Hospital evacuated as river floods", "text": "The river rose.", "source": "f.jsonl:2",
             "outlet": "two.example", "url": None, "date": None}]
    spin = {"headlines": [{"article_id": "d2", "outlet": "two.example", "title": "Hospital evacuated as river floods",
                           "distinctive_words": []}],
            "leads": [{"article_id": "d1", "outlet": "one.example", "lead": lead, "entities": []},
                      {"article_id": "d2", "outlet": "two.example", "lead": "The river rose.", "entities": []}]}
    result = {"articles": arts, "stories": [{"id": "s1", "headline": lead, "article_ids": ["d1", "d2"], "spin": spin}]}
    md = render_markdown(result)
    assert "*No article came with a headline: the one above is the first line of an article.*" in md
    assert f"| [1] one.example | (no headline in the input) | — | {lead} |" in md
    assert f"1. one.example — no headline, begins *{lead}*" in md
    assert "2. two.example — *Hospital evacuated as river floods*" in md
    page = render_html(result)
    assert page.count(">no headline</span>") == 2 and "(no headline in the input)" in page
    assert "[1] one.example: no headline; begins \u201cFlood water" in htmllib.unescape(page)  # citation tooltips
    result["stories"][0]["headline"] = "Hospital evacuated as river floods"  # a real headline carries no mark
    assert "No article came with a headline" not in render_markdown(result)
    arts[1]["title_derived"] = True  # no headline anywhere: the table compares leads only
    md = render_markdown(result)
    assert "| Source | Leads with |" in md and "| Headline |" not in md and f"| [1] one.example | {lead} |" in md


def test_headline_words_only_one_outlet_uses_are_in_the_markdown_too(result):
    assert re.search(r"^\| \[\d\] [\w.]+ \| [^|]+ \| (?!—)[^|]+ \| [^|]+ \|$", render_markdown(result), re.M)


def test_quote_wording_drift_is_only_shown_where_the_words_differ():
    quote = "We have not developed any suspects, and the investigation continues"
    variants = [{"text": "have not developed any suspects", "article_ids": ["a2"]},  # a part of it
                {"text": "We have not developed any suspects, and the investigation continues.", "article_ids": ["a3"]},
                {"text": "We have not developed any suspects and the inquiry continues", "article_ids": ["a4"]}]
    arts = [{"id": f"a{i}", "title": "T", "text": "Body.", "outlet": f"o{i}.example"} for i in range(1, 5)]
    story = {"id": "s1", "article_ids": [a["id"] for a in arts],
             "quotes": [{"text": variants[0]["text"], "speaker": "Jo Banda", "kind": "direct",
                         "article_ids": ["a1", "a2", "a3", "a4"], "variants": [{"text": quote, "article_ids": ["a1"]},
                                                                                *variants]}]}
    (q,) = build_view({"articles": arts, "stories": [story]})["stories"][0]["speakers"][0]["quotes"]
    assert q["text"] == quote  # the fullest version of the same words is shown
    assert [v["text"] for v in q["variants"]] == [variants[2]["text"]]  # "inquiry": the words differ


def test_cited_sentence_found_despite_case_and_typography():
    """A summary sentence printed without its "X reports that" lead (first letter re-capitalised), or cited to an
    outlet that prints straight quotes and hyphens where the summary has curly ones and dashes, is located word for
    word in the article, not shown as the closest approximate sentence."""
    text = ("The Valley Courier reports that the ferry’s captain was arrested on Friday. He was released on bail.\n\n"
            "The mayor said the town's \"worst night\" - a storm - was over.")
    result = {"articles": [{"id": "a1", "title": "Ferry captain held", "text": text, "outlet": "courier.example"}],
              "stories": [{"id": "s1", "article_ids": ["a1"], "summary": [
                  {"text": "The ferry’s captain was arrested on Friday.", "citations": ["a1"]},
                  {"text": "The mayor said the town’s “worst night” — a storm — was over.",
                   "citations": ["a1"]}]}]}
    first, second = (x["cites"][0] for x in build_view(result)["stories"][0]["summary"])
    assert (first["before"], first["match"], first["approx"]) == (
        "The Valley Courier reports that ", "the ferry’s captain was arrested on Friday.", False)
    assert second["match"] == "The mayor said the town's \"worst night\" - a storm - was over." and not second["approx"]


def test_timeline_weeks_are_shown_in_time_order():
    events = [{"text": f"Event {d}.", "date": d, "article_id": "a1"} for d in ("2019-06", "2019-W19", "2019-05-14")]
    result = {"articles": [{"id": "a1", "title": "T", "text": "Body."}],
              "stories": [{"id": "s1", "article_ids": ["a1"], "timeline": events}]}
    assert [e["date"] for e in build_view(result)["stories"][0]["timeline"]] == ["2019-W19", "2019-05-14", "2019-06"]
    # an undated event says "date unknown" once, not again as its resolution
    events.append({"text": "Talks resumed.", "expression": "on Monday", "date": None, "resolution": "date unknown",
                   "article_id": "a1"})
    assert "- **date unknown** (“on Monday”): Talks resumed. [1]" in render_markdown(result)


def test_markdown_folds_the_long_tail_of_entities_into_one_line():
    ents = [{"name": f"Person {chr(65 + i)}", "type": "PERSON", "count": 20 - i, "article_ids": ["a1"],
             "role": "secondary" if i < 12 else "mentioned"} for i in range(15)]
    result = {"articles": [{"id": "a1", "title": "T", "text": "Body."}],
              "stories": [{"id": "s1", "article_ids": ["a1"], "entities": ents}]}
    md = render_markdown(result)
    assert "| Person L | PERSON | secondary | 9 |" in md and "| Person M |" not in md
    assert "3 more mentioned: Person M [1], Person N [1], Person O [1]" in md


def test_markdown_escapes_render_as_the_text():
    markdown_it = pytest.importorskip("markdown_it")
    from unspun.report.markdown import md

    render = markdown_it.MarkdownIt("commonmark").render
    for text in ["2.5 Million More People", "3) Third", "- a dash", "# not a heading", "*not emphasis*",
                 "<script>x</script>", "a | b", "$5 [link](x)"]:
        for prefix, line in (("", md(text)), ("2017-09-27 ", "- **2017-09-27** " + md(text))):  # line start, inline
            html = render(line)
            assert htmllib.unescape(re.sub(r"<[^>]+>", "", html)).strip() == prefix + text, (text, line, html)
