import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspun.extract import Extracted, extract_html, extract_metadata, fragment_to_text, normalize_date

PARAS = [
    "Regional officials confirmed on Wednesday that the new bridge across the river will open to traffic next "
    "spring, two years later than first planned, after engineers found weaknesses in the foundations.",
    "The transport minister, Lena Vogt, said the delay was regrettable but that safety came first. Contractors "
    "will be paid only for the work that meets the revised standards, she told reporters in the capital.",
    "Local businesses, which had hoped the bridge would bring more customers from the other bank, said they "
    "would ask the region for compensation. A public meeting is planned for the end of the month.",
]


def page(*, head="", paras=PARAS, url_meta="", title="Bridge opening delayed to spring", extra_body=""):
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | Valley Times</title>"
            f"{url_meta}{head}</head><body><header><nav><a href='/'>Home</a><a href='/world'>World</a>"
            f"<a href='/sport'>Sport</a></nav></header><main><article><h1>{title}</h1>{extra_body}{body}</article>"
            f"</main><aside><h3>Most read</h3><ul><li><a href='/a'>Storm hits coast</a></li>"
            f"<li><a href='/b'>Team wins final</a></li></ul></aside>"
            f"<footer><p>© 2021 Valley Times. All rights reserved.</p></footer></body></html>")


def jsonld(**fields):
    return f"<script type='application/ld+json'>{json.dumps({'@context': 'https://schema.org', **fields})}</script>"


def test_body_title_author_outlet():
    head = jsonld(**{"@type": "NewsArticle", "headline": "Bridge opening delayed to spring",
                     "datePublished": "2021-03-10T08:00:00+01:00", "dateModified": "2021-03-11T09:00:00+01:00",
                     "author": {"@type": "Person", "name": "Maria Stein"},
                     "publisher": {"@type": "Organization", "name": "Valley Times"}})
    head += "<meta property='og:site_name' content='Valley Times'>"
    ex = extract_html(page(head=head), url="https://www.valleytimes.example/news/bridge-delay")
    assert isinstance(ex, Extracted)
    assert ex.text.split("\n\n") == PARAS  # no nav, aside or footer; headline not repeated in the body
    assert ex.title == "Bridge opening delayed to spring"
    assert ex.author == "Maria Stein"
    assert ex.outlet == "valleytimes.example"
    assert (ex.date, ex.date_source, ex.updated) == ("2021-03-10", "jsonld", "2021-03-11")
    assert 0.5 <= ex.date_confidence <= 1.0
    assert ex.method == "trafilatura" and ex.confidence > 0.3
    assert ex.language == "en"


def test_jsonld_consistent_with_time_beats_conflicting_url_date():
    head = jsonld(**{"@type": "NewsArticle", "headline": "x", "datePublished": "2021-03-10T08:00:00Z"})
    body = "<p class='byline'>By Maria Stein, <time datetime='2021-03-10T08:00:00Z'>10 March 2021</time></p>"
    ex = extract_html(page(head=head, extra_body=body),
                      url="https://valleytimes.example/2020/12/01/bridge-delay")
    assert ex.date == "2021-03-10"
    assert ex.date_source == "jsonld"
    assert "conflict" in ex.date_flags
    votes = dict(ex.candidates["date"])
    assert votes["url"] == "2020-12-01" and votes["time"] == "2021-03-10"


def test_url_date_alone_and_no_date():
    ex = extract_html(page(), url="https://valleytimes.example/2019/05/14/bridge")
    assert ex.date == "2019-05-14" and ex.date_source in ("url", "htmldate")
    ex = extract_html(page(), url=None)
    assert ex.date is None and ex.date_source is None and ex.date_confidence == 0.0


def test_future_date_flagged_not_used():
    head = "<meta property='article:published_time' content='2999-01-01T00:00:00Z'>"
    ex = extract_metadata(page(head=head))
    assert ex.date is None
    assert "future" in ex.date_flags


def test_canonical_url_gives_outlet():
    head = "<link rel='canonical' href='https://www.example-news.org/story/1'>"
    ex = extract_html(page(head=head))
    assert ex.url == "https://www.example-news.org/story/1"
    assert ex.outlet == "example-news.org"


@pytest.mark.parametrize("site,outlet", [
    ("@ndr", "ndr"),  # a handle: the account's name
    ("Copyright 2003 - 2019 by speicherguide.de GbR", "speicherguide.de"),
    ("Copyright © 2001-2009", None),
    ("Valley Times | The Story Headline", "Valley Times"),  # the page's own title run into it
    ("Is this the story headline of the page today?", None),  # a sentence is no site name
    ("CDU - Fraktion Erfurt", "CDU - Fraktion Erfurt"),
])
def test_declared_site_name_as_outlet_when_no_url(site, outlet):
    head = f"<meta property='og:site_name' content='{site}'><meta property='og:title' content='The Story Headline'>"
    assert extract_html(page(head=head)).outlet == outlet


def test_encodings():
    text = "Die Brücke über den Fluß wird später eröffnet, sagte die Ministerin für Verkehr in München. " * 3
    html = page(paras=[text] + PARAS[1:]).replace("<meta charset='utf-8'>", "<meta charset='iso-8859-1'>")
    ex = extract_html(html.encode("cp1252"))
    assert "Brücke über den Fluß" in ex.text and ex.encoding == "cp1252"
    # no declared charset: detected
    undeclared = page(paras=[text] + PARAS[1:]).replace("<meta charset='utf-8'>", "")
    ex = extract_html(undeclared.encode("cp1252"))
    assert "Brücke" in ex.text
    # utf-8 bytes, declared
    assert "München" in extract_html(page(paras=[text] + PARAS[1:]).encode("utf-8")).text


def test_short_page_uses_fallback_and_records_method():
    html = "<html><body><div>Short notice: the bridge opens in spring.</div></body></html>"
    ex = extract_html(html)
    assert ex.method in ("trafilatura", "trafilatura_default", "trafilatura_recall", "justext", "none")
    assert ex.confidence < 0.5


@pytest.mark.parametrize("bad", [b"", "", b"\x00\x01\x02\xff" * 100, "<<<>>>", "<html>" * 5000,
                                 b"<?xml version='1.0' encoding='utf-8'?><html><body>x</body></html>",
                                 "<html><head><script type='application/ld+json'>{broken</script></head></html>",
                                 "<title>Deep</title>" + "<div>x " * 5000 + "<h1>Deep</h1> 3 May 2021"
                                 + "</div>" * 5000])
@pytest.mark.parametrize("extractor", ["accurate", "fast"])
def test_garbage_never_raises(bad, extractor):
    ex = extract_html(bad, url="not a url", extractor=extractor)
    assert isinstance(ex, Extracted)
    assert ex.text == "" or isinstance(ex.text, str)


@pytest.mark.parametrize("value,want", [
    ("2019-05-14T08:00:00Z", "2019-05-14"), ("2019-5-4", "2019-05-04"), ("Tue, 14 May 2019 08:00:00 GMT",
                                                                        "2019-05-14"),
    ("May 14, 2019", "2019-05-14"), ("14.05.2019", "2019-05-14"), ("20190514", "2019-05-14"),
    ("1557820800", "2019-05-14"), ("yesterday", None), ("", None), ("not a date", None), ("2019-02-30", None),
])
def test_normalize_date(value, want):
    assert normalize_date(value) == want


def test_fragment_to_text():
    assert fragment_to_text("<p>One.</p><p>Two <b>bold</b>.</p>") == "One.\n\nTwo bold."
    assert fragment_to_text("Line one<br>Line two<script>x()</script>") == "Line one\n\nLine two"
    assert fragment_to_text("plain text\n\nsecond") == "plain text\n\nsecond"


def test_mostly_utf8_page_with_a_stray_byte_stays_utf8():
    text = "Sprzeciw wobec ataków na Fundację Lux Veritatis. Kolejne organizacje sprzeciwiają się atakom. " * 5
    raw = page(paras=[text] + PARAS[1:]).encode("utf-8").replace(b"<main>", b"<main>\xa0", 1)  # one invalid byte
    ex = extract_html(raw)
    assert ex.encoding == "utf-8"
    assert "ataków na Fundację" in ex.text
    # a cp1252 page mislabeled as UTF-8 still goes to detection
    ex = extract_html(page(paras=["Die Brücke über den Fluß wird später eröffnet. " * 8] + PARAS[1:]).encode("cp1252"))
    assert "Brücke über den Fluß" in ex.text


def test_precision_answer_much_shorter_than_default_falls_back(monkeypatch):
    import unspun.extract as ux

    class Doc:
        def __init__(self, text):
            self.text = text

    lengths = {"favor_precision": 60, "default": 30, "favor_recall": 30}

    def fake(html, url, **kw):
        mode = next((k for k in kw if kw[k]), "default")
        return Doc("\n".join(f"Sentence number {i} of the {mode} answer." for i in range(lengths[mode])))

    monkeypatch.setattr(ux, "_trafilatura", fake)
    html = "<html></html>"
    body, method = ux._body(html, ux._traf_tree(html), None)
    assert method == "trafilatura"  # long enough: precision mode kept
    lengths.update(favor_precision=3, default=40)
    body, method = ux._body(html, ux._traf_tree(html), None)
    assert method == "trafilatura_default" and "default answer" in body
    lengths.update(favor_precision=16, default=20)  # short, but not much shorter than the default's
    body, method = ux._body(html, ux._traf_tree(html), None)
    assert method == "trafilatura"


def test_trafilatura_compares_with_readability_only_for_a_short_answer(monkeypatch):
    import unspun.extract as ux

    class Doc:
        def __init__(self, text):
            self.text = text

    calls, sentences = [], {True: 60, False: 60}  # answer length by fast=...

    def fake(html, url, **kw):
        calls.append(kw)
        return Doc("\n".join(f"Sentence number {i} of the answer." for i in range(sentences[kw.get("fast", False)])))

    monkeypatch.setattr(ux, "_trafilatura", fake)
    html = "<html></html>"
    ux._body(html, ux._traf_tree(html), None)
    assert calls == [{"favor_precision": True, "fast": True}]  # long enough: no second run
    calls.clear()
    sentences[True] = 5
    body, method = ux._body(html, ux._traf_tree(html), None)
    assert calls[1] == {"favor_precision": True} and method == "trafilatura" and body.count("Sentence") == 60


def test_htmldate_asked_only_when_its_vote_could_change_the_day(monkeypatch):
    import htmldate

    asked = []
    real = htmldate.find_date
    monkeypatch.setattr(htmldate, "find_date", lambda *a, **kw: asked.append(1) or real(*a, **kw))
    head = jsonld(**{"@type": "NewsArticle", "headline": "x", "datePublished": "2021-03-10T08:00:00"})
    head += "<meta property='article:published_time' content='2021-03-10T08:00:00'>"
    byline = "<p class='byline'>Published 10 March 2021</p>"
    ex = extract_html(page(head=head, extra_body=byline), url="https://valleytimes.example/news/bridge-delay")
    assert ex.date == "2021-03-10" and not asked  # JSON-LD, meta and the printed date agree: no search
    ex = extract_html(page(), url="https://valleytimes.example/2021/03/10/bridge-delay")
    assert ex.date == "2021-03-10" and asked  # the URL alone: htmldate is asked


def test_date_candidates_record_marked_publication_dates():
    body = ("<p class='meta'><span itemprop='datePublished' content='2021-03-09'>9 March</span>"
            "<span class='news-date'>09.03.2021</span></p>")
    ex = extract_html(page(extra_body=body), url="https://valleytimes.example/2021/03/09/bridge")
    votes = dict(ex.candidates["date"])
    assert votes["time_pub"] == "2021-03-09" and votes["date_class"] == "2021-03-09"
    assert ex.date == "2021-03-09"


def test_date_shown_under_the_headline_beats_conflicting_metadata():
    # a CMS default in the metadata against the day printed under the headline
    head = "<meta property='article:published_time' content='2021-01-01T00:00:00+01:00'>"
    byline = "<p class='byline'>Maria Stein</p><p>Veröffentlicht am 9. März 2021</p>"
    ex = extract_html(page(head=head, extra_body=byline))
    assert dict(ex.candidates["date"])["headline"] == "2021-03-09"
    assert ex.date == "2021-03-09" and ex.date_source == "headline"
    assert "conflict" in ex.date_flags
    # JSON-LD and meta agreeing with each other outvote it (and the headline date is still on record)
    head += jsonld(**{"@type": "NewsArticle", "headline": "x", "datePublished": "2021-01-01T00:00:00+01:00"})
    ex = extract_html(page(head=head, extra_body=byline))
    assert ex.date == "2021-01-01" and dict(ex.candidates["date"])["headline"] == "2021-03-09"


def test_headline_date_skips_logo_h1_and_site_h1():
    # an empty logo <h1> and a site-name <h1> with its own date come first; the <h1> matching the page title is
    # the article's (the site <h1> is far enough up the page to stay out of the before-headline window)
    nav = "".join(f"<a href='/s{i}'>Section {i}</a>" for i in range(10))
    html = page(extra_body="<p>09.03.2021</p>").replace(
        "<header>", "<header><h1><a href='/'><img src='logo.png'></a></h1><h1>Valley Times</h1>"
                    f"<p>Edition of 01.02.2020</p>{nav}")
    ex = extract_html(html)
    votes = dict(ex.candidates["date"])
    assert votes["headline"] == "2021-03-09" and "headline_pre" not in votes
    assert ex.date == "2021-03-09"


@pytest.mark.parametrize("value,want", [
    ("06.11.2023", "2023-11-06"), ("01-11-2023 10:29", "2023-11-01"),  # dotted/dashed with the year last: day-first
    ("11/08/2023", "2023-11-08"),  # slashes keep dateutil's month-first reading
])
def test_normalize_date_day_first_numeric(value, want):
    assert normalize_date(value) == want


def test_time_datetime_preferred_over_ambiguous_text_near_headline():
    body = "<p><time datetime='2023-11-08T09:00:00'>11/08/2023</time></p>"
    ex = extract_html(page(extra_body=body))
    assert dict(ex.candidates["date"])["headline"] == "2023-11-08"


def test_publication_cue_word_date_outvotes_an_update_date():
    # no date near the headline; the footer names both days, each after its cue word (class names do not count)
    foot = ("<div class='date-published'>Letzte Änderung: 31.10.2023 - 14:49 Uhr</div>"
            "<p>Erschienen am: 01.11.2023</p>")
    html = page(paras=PARAS * 3).replace("<footer>", f"<footer>{foot}")
    ex = extract_metadata(html)
    votes = dict(ex.candidates["date"])
    assert votes.get("cue") == "2023-11-01" and votes.get("cue_upd") == "2023-10-31"
    assert "headline" not in votes
    assert ex.date == "2023-11-01"


def test_cue_word_date_is_not_counted_twice_with_the_headline_date():
    byline = "<p>Veröffentlicht am 9. März 2021</p>"
    ex = extract_html(page(extra_body=byline))
    votes = dict(ex.candidates["date"])
    assert votes["headline"] == "2021-03-09" and "cue" not in votes


def test_url_month_backs_metadata_against_a_sidebar_date_under_the_headline():
    head = "<meta property='article:published_time' content='2019-10-01'>"
    body = "<p>18. Januar 2019</p>"  # a teaser's date right under the headline
    ex = extract_html(page(head=head, extra_body=body), url="https://blog.example/2019/10/new-shoes/")
    votes = dict(ex.candidates["date"])
    assert votes["headline"] == "2019-01-18" and votes["meta"] == "2019-10-01"
    assert ex.date == "2019-10-01"
    # without the URL's month the date under the headline wins
    ex = extract_html(page(head=head, extra_body=body), url="https://blog.example/new-shoes/")
    assert ex.date == "2019-01-18"


def test_headline_scan_skips_a_modification_date():
    body = ("<time itemprop='dateModified' class='hidden'>2018-08-29 14:15:57</time>"
            "<time itemprop='datePublished' datetime='2018-06-22 10:20:00' class='hidden'>2018-06-22 10:20</time>")
    ex = extract_html(page(extra_body=body))
    assert dict(ex.candidates["date"])["headline"] == "2018-06-22"
    assert ex.date == "2018-06-22"


def test_headline_text_walk_matches_the_xpath_axes():
    """The lazy walk around the headline yields the nodes XPath's following::/preceding::text() select, with the
    same owners (tails belong to the element before them), blank nodes skipped but a lone &nbsp; kept."""
    from lxml import etree

    from unspun.extract import (_AFTER_HEADLINE_TEXTS, _BEFORE_HEADLINE_TEXTS, _following_texts, _non_blank,
                                _parse_tree, _preceding_texts)

    html = ("<html><head><title>T</title><script>var a = 1;</script></head><body>lead<div>intro <b>bold</b> tail"
            "<!-- note --> after comment<span>&nbsp;</span>\n  <h1>Headline <i>here</i></h1> h1 tail"
            "<p>By <a href='#'>Ann</a>, <time datetime='2021-03-09'>9 March</time></p>  \n <ul><li>one</li>"
            "<li>two<!-- c --></li></ul></div>" + "".join(f"<p>para {i}</p>" for i in range(40)) + "</body></html>")
    tree = _parse_tree(html)
    h1 = tree.find(".//h1")

    def pairs(nodes):
        return [(str(t), t.getparent()) for t in nodes]

    after = pairs(etree.XPath(f"following::text()[normalize-space()][position() <= {_AFTER_HEADLINE_TEXTS}]")(h1))
    before = pairs(reversed(etree.XPath(
        f"preceding::text()[normalize-space()][position() <= {_BEFORE_HEADLINE_TEXTS}]")(h1)))
    assert list(_non_blank(_following_texts(h1), _AFTER_HEADLINE_TEXTS)) == after
    assert list(_non_blank(_preceding_texts(h1), _BEFORE_HEADLINE_TEXTS)) == before
    assert before[0] == ("\xa0", tree.find(".//span"))  # nearest first
    assert any("after comment" in t for t, _ in before)  # a comment's tail is text, its content is not
    assert not any("note" in t for t, _ in before)


def test_lexbor_headline_walk_reads_the_texts_of_the_lxml_walk():
    """The fast extractor's walk over resiliparse's DOM meets the same non-blank texts, in the same order, as the
    lxml walk (its owner of a tail text is the element holding it, not the element before it)."""
    from resiliparse.parse.html import NodeType

    from unspun.extract import (_AFTER_HEADLINE_TEXTS, _BEFORE_HEADLINE_TEXTS, _following_texts, _LexborElement,
                                _lexbor_following_texts, _lexbor_preceding_texts, _lexbor_tree, _non_blank,
                                _parse_tree, _preceding_texts)

    html = ("<html><head><title>T</title><script>var a = 1;</script></head><body>lead<div>intro <b>bold</b> tail"
            "<!-- note --> after comment<span>&nbsp;</span><div><i class='icon'></i> <span> </span></div>\n"
            "  <h1>Headline <i>here</i></h1> h1 tail<p>By <a href='#'>Ann</a>, <time datetime='2021-03-09'>9 March"
            "</time></p>  \n <ul><li>one</li><li>two<!-- c --></li></ul></div>"
            + "".join(f"<p>para {i}</p>" for i in range(40)) + "</body></html>")
    h1 = _parse_tree(html).find(".//h1")
    lexbor_h1 = _LexborElement(_lexbor_tree(html).document.query_selector("h1"))
    for lxml_walk, lexbor_walk, limit in ((_following_texts, _lexbor_following_texts, _AFTER_HEADLINE_TEXTS),
                                          (_preceding_texts, _lexbor_preceding_texts, _BEFORE_HEADLINE_TEXTS)):
        want = [str(t) for t, _ in _non_blank(lxml_walk(h1), limit)]
        got = list(_non_blank(lexbor_walk(lexbor_h1), limit))
        assert [t for t, _ in got] == want
    owners = dict(_non_blank(_lexbor_following_texts(lexbor_h1), _AFTER_HEADLINE_TEXTS))
    assert owners["9 March"].tag == "time" and owners["9 March"].get("datetime") == "2021-03-09"
    assert owners[" h1 tail"].tag == "div"
    # the owners the walks carry down and up the tree are the texts' parents, and theirs the elements above them
    for walk, limit in ((_lexbor_following_texts, _AFTER_HEADLINE_TEXTS), (_lexbor_preceding_texts,
                                                                          _BEFORE_HEADLINE_TEXTS)):
        for text, owner in _non_blank(walk(lexbor_h1), limit):
            assert text in [child.text for child in owner.node.child_nodes if child.type == NodeType.TEXT]
            assert owner.getparent().node == owner.node.parent


FAST_METADATA_PAGES = [  # (page, url): the date fixtures above, read by both extractors
    (page(head=jsonld(**{"@type": "NewsArticle", "headline": "Bridge opening delayed to spring",
                         "datePublished": "2021-03-10T08:00:00Z", "author": {"name": "Maria Stein"}})
          + "<meta property='og:site_name' content='Valley Times'>",
          extra_body="<p class='byline'>By Maria Stein, <time datetime='2021-03-10T08:00:00Z'>10 March</time></p>"),
     "https://valleytimes.example/2020/12/01/bridge-delay"),
    (page(head="<meta property='article:published_time' content='2021-01-01T00:00:00+01:00'>",
          extra_body="<p class='byline'>Maria Stein</p><p>Veröffentlicht am 9. März 2021</p>"), None),
    (page(extra_body="<p>Posted on <b>May 3, 2021</b></p>"), "https://valleytimes.example/2021/05/bridge"),
    (page(), "https://valleytimes.example/2019/05/14/bridge"),
    (page().replace("lang='en'", "lang='en-GB'").replace("<h1>", "<p>11/08/2023</p><h1>"), None),
]


@pytest.mark.parametrize("html, url", FAST_METADATA_PAGES)
def test_fast_extractor_reads_the_metadata_of_the_accurate_one_from_its_one_parse(html, url, monkeypatch):
    import htmldate

    import unspun.extract as ux

    want = extract_html(html, url=url)
    parses, asked = [], []
    real_parse, real_find_date = ux._parse_tree, htmldate.find_date
    monkeypatch.setattr(ux, "_parse_tree", lambda *a: parses.append(1) or real_parse(*a))
    monkeypatch.setattr(htmldate, "find_date", lambda *a, **kw: asked.append(1) or real_find_date(*a, **kw))
    got = extract_html(html, url=url, extractor="fast")
    for field in ("title", "date", "outlet", "language", "updated"):
        assert getattr(got, field) == getattr(want, field), field
    assert got.author == want.author
    assert dict(got.candidates["date"]).get("headline") == dict(want.candidates["date"]).get("headline")
    assert len(parses) == len(asked)  # lxml parses the page only for htmldate


def test_fast_extractor_parses_once_when_the_cheap_date_sources_agree(monkeypatch):
    import unspun.extract as ux

    monkeypatch.setattr(ux, "_parse_tree", lambda *a: pytest.fail("parsed with lxml"))
    head = jsonld(**{"@type": "NewsArticle", "headline": "x", "datePublished": "2021-03-10T08:00:00"})
    head += "<meta property='article:published_time' content='2021-03-10T08:00:00'>"
    byline = "<p class='byline'>Published 10 March 2021</p>"
    ex = extract_html(page(head=head, extra_body=byline), url="https://valleytimes.example/news/bridge-delay",
                      extractor="fast")
    assert (ex.date, ex.title, ex.method) == ("2021-03-10", "Bridge opening delayed to spring", "resiliparse")
    assert ex.text.split("\n\n")[-1] == PARAS[-1]


def test_utf8_pages_decode_once_with_the_same_answer():
    from unspun.extract import decode_html

    assert decode_html("Caf\u00e9".encode()) == ("Caf\u00e9", "utf-8")
    assert decode_html("Caf\u00e9".encode(), "utf-8") == ("Caf\u00e9", "utf-8")
    assert decode_html(b"\xef\xbb\xbfCaf\xc3\xa9") == ("Caf\u00e9", "utf-8-sig")  # the BOM is not text
    assert decode_html(b"abc", "utf8") == ("abc", "utf8")  # the declared label, as before


def test_trafilatura_modes_share_one_parse_with_the_same_text():
    from unspun.extract import _traf_tree, _trafilatura

    html = page(extra_body="<p>Short teaser paragraph.</p>")
    tree = _traf_tree(html)
    for kw in ({"favor_precision": True}, {}, {"favor_recall": True}):
        assert _trafilatura(tree, None, **kw).text == _trafilatura(html, None, **kw).text
    assert _traf_tree("") is None


def test_headline_scan_skips_a_comments_heading_that_repeats_the_title():
    # the comments' heading quotes the page title (the printed headline words it differently); its dates are the
    # comments'
    comments = ("<section class='comments'><h2>2 Kommentare zu „Bridge opening delayed to spring“</h2>"
                "<p>Herr Meier</p><time>28.04.2020, 10:27 Uhr</time><p>Endlich!</p></section>")
    html = page(extra_body="<p>Veröffentlicht am 9. März 2021</p>",
                head="<meta property='og:title' content='Bridge opening delayed to spring'>")
    html = html.replace("</main>", f"{comments}</main>")
    ex = extract_html(html.replace("<h1>Bridge opening delayed to spring</h1>", "<h1>Verkehr: Brücke später</h1>"))
    assert dict(ex.candidates["date"])["headline"] == "2021-03-09"
    assert ex.date == "2021-03-09"


def test_cue_word_after_its_date_and_written_with_an_entity():
    from unspun.extract import _cue_dates

    # the German WordPress byline: the participle ends the clause, after the date, and is entity-encoded
    foot = ("<p class='postmetadata'><small>Dieser Beitrag wurde am Samstag, 3. Dezember 2011 um 10:00 Uhr "
            "ver&ouml;ffentlicht und unter <a href='/news'>News</a> abgelegt.</small></p>")
    ex = extract_metadata(page(paras=PARAS * 3).replace("<footer>", f"<footer>{foot}"))
    assert dict(ex.candidates["date"]).get("cue") == "2011-12-03"
    assert ex.date == "2011-12-03"
    # a date after the cue still comes first; another cue between a date and the participle stops the look-back
    assert _cue_dates("<p>Aktualisiert am 5.5.2021, zuerst am <b>3.5.2021</b> erschienen</p>") == \
        ("2021-05-03", "2021-05-05")
    assert _cue_dates("<p>Aktualisiert am 5.5.2021 erschienen</p>") == (None, "2021-05-05")


def test_cue_forms_found_through_a_shared_key_count_their_own_occurrences():
    """Cue forms are looked for through a key they share ("publi"): a page full of other words with that key
    ("public", "publisher") still has its first occurrences of each form looked at, up to the cap per form."""
    from unspun.extract import _CUE_PER_WORD, _cue_dates

    filler = "<p>public publisher publications</p>" * 20
    assert _cue_dates(f"{filler}<p>Published: 3 May 2021</p><p>Publicado el 4 de mayo de 2021</p>") == \
        ("2021-05-03", None)
    # the cap counts a form's own occurrences: an undated one in a tag, then repeats beyond the cap are not read
    undated = "<a class='published'>x</a>" + "<p>published</p>" * _CUE_PER_WORD
    assert _cue_dates(f"{undated}<p>Published 3 May 2021</p>") == (None, None)
    assert _cue_dates(f"{filler}<p>Mis &agrave; jour le 5 mai 2021</p><p>journal</p>") == (None, "2021-05-05")


def test_slashed_dates_read_in_the_page_locale():
    from unspun.extract import _text_date

    assert _text_date("Updated 11/8/2023 10:46 PM", month_first=True) == "2023-11-08"
    assert _text_date("Updated 11/8/2023 10:46 PM", month_first=False) == "2023-08-11"
    assert _text_date("12/25/2021") == _text_date("12/25/2021", month_first=True) == "2021-12-25"  # unambiguous
    assert normalize_date("10/05/2022 05:22 pm", month_first=False) == "2022-05-10"
    assert normalize_date("10/05/2022 05:22 pm") == "2022-10-05"
    assert normalize_date("2022/05/10 17:36", month_first=False) == "2022-05-10"  # year first: unaffected
    body = "<p>11/8/2023</p>"
    for lang, head, want in [("en-US", "", "2023-11-08"), ("de", "", "2023-08-11"),
                             ("en", "<meta property='og:locale' content='en_GB'>", "2023-08-11")]:
        ex = extract_html(page(extra_body=body, head=head).replace("lang='en'", f"lang='{lang}'"))
        assert dict(ex.candidates["date"])["headline"] == want, lang
        assert ex.language == lang.split("-")[0]


def test_time_value_read_for_text_inside_a_time_element():
    body = "<p><time datetime='2023-11-02T14:00:51+0000'><span>02/11/2023 02:00pm GMT</span></time></p>"
    ex = extract_html(page(extra_body=body))  # lang='en' alone would read the text month first
    assert dict(ex.candidates["date"])["headline"] == "2023-11-02"


LEAD = ("Engineers found weaknesses in the foundations of the new bridge, and the region now expects it to open "
        "next spring, two years late.")


def lead_page(where: str) -> str:
    head = f"<meta name='description' content='{LEAD}'><meta property='og:description' content='{LEAD[:90]}...'>"
    html = page(head=head)
    if where == "header":
        return html.replace("<h1>Bridge opening delayed to spring</h1>", "<header><h1>Bridge opening delayed to "
                            f"spring</h1><div class='teaser'><p class='lead'>{LEAD}</p></div></header>")
    if where == "body":
        return html.replace(f"<p>{PARAS[0]}</p>", f"<p>{LEAD}</p><p>{PARAS[0]}</p>")
    return html.replace("<footer>", f"<footer><p>{LEAD}</p><nav><a href='/x'>{LEAD}</a></nav>")


def test_printed_lead_left_out_by_trafilatura_is_put_back_once():
    from unspun.extract import _cascade, _traf_tree

    html = lead_page("header")
    assert LEAD not in _cascade(html, _traf_tree(html), None)[0]  # trafilatura drops the header's teaser
    assert extract_html(html).text.split("\n\n") == [LEAD] + PARAS
    assert extract_html(lead_page("body")).text.split("\n\n") == [LEAD] + PARAS  # already there: not repeated
    assert extract_html(lead_page("footer")).text.split("\n\n") == PARAS  # site furniture is no lead


def test_printed_headline_preferred_to_a_reworded_seo_title():
    head = "<meta property='og:title' content='Dead Skin Cells Might Actually Be A Good Thing'>"
    printed = "Wait, are dead skin cells actually a good thing?"
    ex = extract_html(page(head=head, title=printed).replace(f"<title>{printed} | Valley Times",
                                                              "<title>Dead Skin Cells Might Actually Be A Good Thing"))
    assert ex.title == printed
    # a site banner in the <h1> shares no words with the title; a kicker added to it is not the headline
    for h1 in ("Valley Times: news from the valley", "Local News | Dead Skin Cells Might Actually Be A Good Thing"):
        html = page(head=head, title="Dead Skin Cells Might Actually Be A Good Thing").replace(
            "<h1>Dead Skin Cells Might Actually Be A Good Thing</h1>", f"<h1>{h1}</h1>")
        assert extract_html(html).title == "Dead Skin Cells Might Actually Be A Good Thing", h1


def test_printed_headline_keeps_its_dash():
    title = "Bridge – the opening moves to spring"
    html = page(title=title)  # <title> "... | Valley Times", <h1> the headline alone
    assert extract_html(html).title == title
    # without a printed <h1>, the <title>'s site part is still cut
    html = page(title="Bridge opening delayed to spring").replace("<h1>Bridge opening delayed to spring</h1>", "")
    assert extract_html(html).title == "Bridge opening delayed to spring"


def test_site_name_and_section_label_do_not_win_the_title_vote():
    # a logo <h1> and an og:title that name the site (its words are the host's) leave the <title>'s headline
    url = "https://www.valleytimes.example/2021/03/bridge-opening-delayed-to-spring/"
    html = page(head="<meta property='og:title' content='Valley Times'>").replace(
        "<h1>Bridge opening delayed to spring</h1>", "<h1>Valley Times</h1>").replace(" | Valley", " - Valley")
    assert extract_html(html, url=url).title == "Bridge opening delayed to spring"
    # a section label printed as <h1> and og:title: the URL spells the headline
    html = page(head="<meta property='og:title' content='Press releases'>").replace(
        "<h1>Bridge opening delayed to spring</h1>", "<h1>Press releases</h1>")
    assert extract_html(html, url=url).title == "Bridge opening delayed to spring"
    # a label that the URL does not contradict stays (a short headline is a headline)
    assert extract_html(html, url="https://www.valleytimes.example/news/48213").title == "Press releases"


def test_title_keeps_a_dash_or_colon_of_its_own_and_loses_the_site_around_it():
    from unspun.extract import _strip_site_suffix

    no_h1 = "<h1>Bridge opening delayed to spring</h1>"
    for title in ("SW082 – 82 reasons to keep listening", "Two years in the valley : one bridge, three delays"):
        html = page(title=title).replace(no_h1, "").replace(f"{title} | Valley Times", title)
        assert extract_html(html).title == title
    # the site's name first, or in the middle with a tagline after it; the name known or spelled by the host
    for site, host in (("Valley Times", ""), (None, "valleytimes")):
        for full in ("Valley Times » Blog Archive » Bridge opening delayed to spring",
                     "Bridge opening delayed to spring : Valley Times | News from the valley since 1901",
                     "Bridge opening delayed to spring – Valley Times"):
            assert _strip_site_suffix(full, site, host) == "Bridge opening delayed to spring", (full, site)


def test_short_precision_answer_kept_when_resiliparse_agrees(monkeypatch):
    import unspun.extract as ux

    class Doc:
        def __init__(self, text):
            self.text = text

    calls = []

    def fake(html, url, **kw):
        calls.append(kw)
        return Doc("\n".join(f"Sentence number {i} of the answer." for i in range(10 if kw.get("fast") else 80)))

    monkeypatch.setattr(ux, "_trafilatura", fake)
    answer = "\n\n".join(f"Sentence number {i} of the answer." for i in range(10))
    for second_opinion, runs in ((answer, 1), (answer * 3, 2), ("", 2)):  # agrees; finds far more; finds nothing
        monkeypatch.setattr(ux, "_fast_body", lambda html: (second_opinion, "resiliparse"))
        calls.clear()
        body, method = ux._body("<html></html>", ux._traf_tree("<html></html>"), None)
        assert len(calls) == runs and body.count("Sentence") == (10 if runs == 1 else 80)


BYLINES = [  # (byline in the page, the author read from it)
    ("<div class='byline'>By Lena Vogt and Tom Berg</div>", "Lena Vogt and Tom Berg"),  # its own separator kept
    ("<span itemprop='author'>Maria Rossi</span><p class='author-name'>Jan Kowalski</p>", "Jan Kowalski"),
    ("<div class='comments'><span class='author'>Angry Reader</span></div><p id='post-author'>Ana Ruiz</p>",
     "Ana Ruiz"),
    ("<figure><figcaption class='byline'>Photo: Ed Hall</figcaption></figure><h4 class='writer'>Kim Lee</h4>",
     "Kim Lee"),
    ("<div class='sidebar'><a rel='author'>Side Bar</a></div>", None),
    ("<p>No byline at all.</p>", None),
    # WordPress writes the post's categories as classes of its wrapper; a layout "has" a sidebar
    ("<div class='post category-news'><span class='author vcard'><a rel='author'>Jane Roe</a></span></div>",
     "Jane Roe"),
    ("<div class='layout has-sidebar'><p class='byline'>Posted by <a rel='author'>Jane Roe</a> at 18:52</p></div>",
     "Jane Roe"),
    # a comment form's label is no name: the next candidate is read
    ("<p class='author'>Name *</p><span class='byline'>Von Jan Kowalski | 3. Mai 2021</span>", "Jan Kowalski"),
]


@pytest.mark.parametrize("byline, want", BYLINES)
def test_byline_author_both_trees(byline, want):
    from unspun.extract import _byline_author, _lexbor_byline_author, _lexbor_page, _traf_tree

    html = page(extra_body=byline)
    assert _byline_author(_traf_tree(html)) == want
    assert _lexbor_byline_author(_lexbor_page(html)) == want  # the fast extractor's tree reads the same


def test_byline_text_reads_as_after_trafilatura_deletes_the_discarded_elements():
    from copy import deepcopy

    import lxml.html
    from trafilatura.xml import delete_element

    from unspun.extract import _byline_author, _kept_text

    html = ("<html><body><p>Story</p><div class='byline'>By <time>May 1</time>Jane <!-- c -->Doe"
            "<span class='date'>today</span>, staff <b>writer</b></div></body></html>")
    tree = lxml.html.fromstring(html)
    cut = {el: None for el in tree.iter("time", "span")}
    copied = deepcopy(tree)
    for el in list(copied.iter("time", "span")):
        delete_element(el)
    expected = " ".join(copied.find(".//div").itertext())
    assert _kept_text(tree.find(".//div"), cut) == expected == "By Jane  Doe, staff  writer"
    assert _byline_author(tree) == "Jane Doe, staff writer"
    assert tree.find(".//time") is not None  # the page's tree is left whole


@pytest.mark.parametrize("raw, want", [
    ("View all posts by Daniel Lemire", "Daniel Lemire"),
    ("Posted by Günter W. Kienitz at 18:52", "Günter W. Kienitz"),  # initials keep their dots
    ("By April Roach @aprilroach28", "April Roach"),
    ("Von Felix Eisenreich // 1. November 2023", "Felix Eisenreich"),
    ("Text & Fotos: Ivan Valetny", "Ivan Valetny"),
    ("Redacci&oacute;n Diario Pagina Siete", "Redacción Diario Pagina Siete"),
    ("von Michael Rädel , Redaktion", "Michael Rädel, Redaktion"),
    ("Art Edwards says:", "Art Edwards"),
    ("Grant Tinsley, PhD", "Grant Tinsley"),
    ("di Mario Rossi", "Mario Rossi"),
    ("Di Natale Antonio", "Di Natale Antonio"),  # "Di" opening a surname is no lead-in
    ("https://www.facebook.com/valleytimes", None),
    ("Name (erforderlich)", None),
    ("Publiziert am", None),
    ("michael.andrusio", None),  # a login
    ("Ebenfalls alles Gute! Kommentar von jancak", None),  # a comment's sentence
])
def test_clean_author(raw, want):
    from unspun.extract import _clean_author

    assert _clean_author(raw) == want


def _author(head="", body="", url="https://www.valleytimes.example/news/bridge-delay", extractor="accurate"):
    head += "<meta property='og:site_name' content='Valley Times'>"
    return extract_html(page(head=head, extra_body=body), url=url, extractor=extractor).author


@pytest.mark.parametrize("extractor", ["accurate", "fast"])
def test_author_vote(extractor):
    def person(name):
        return {"@type": "Person", "name": name}

    article = {"@type": "NewsArticle", "headline": "Bridge opening delayed to spring"}
    # the JSON-LD person beats a <meta name=author> that names the site
    assert _author(jsonld(**article, author=person("Maria Stein")) + "<meta name='author' content='Valley Times'>",
                   extractor=extractor) == "Maria Stein"
    # a meta value that prints the JSON-LD names with its own separator is the printed form
    assert _author(jsonld(**article, author=[person("Lena Vogt"), person("Tom Berg")])
                   + "<meta name='author' content='Lena Vogt und Tom Berg'>", extractor=extractor) == \
        "Lena Vogt und Tom Berg"
    assert _author(jsonld(**article, author=[person("Lena Vogt"), person("Tom Berg")]),
                   extractor=extractor) == "Lena Vogt, Tom Berg"
    # a reference to a Person elsewhere in the graph (Yoast) is looked up
    graph = {"@graph": [dict(article, author={"@id": "#p1"}), {"@type": "Person", "@id": "#p1", "name": "Ana Ruiz"}]}
    assert _author(jsonld(**graph), extractor=extractor) == "Ana Ruiz"
    # an organisation is the last resort: the printed byline names the person
    organisation = jsonld(**article, author={"@type": "Organization", "name": "Valley Media"})
    assert _author(organisation, extractor=extractor) == "Valley Media"
    assert _author(organisation, "<p class='byline'>By Kim Lee</p>", extractor=extractor) == "Kim Lee"
    # so is a <meta> author with a legal form or a publication's word in it
    assert _author("<meta name='author' content='Riverside Verlag GmbH'>", "<p class='byline'>By Kim Lee</p>",
                   extractor=extractor) == "Kim Lee"
    # dozens of values under one key are a reference list, not the byline
    references = "".join(f"<meta name='author' content='A. Author{i}'>" for i in range(8))
    assert _author(references + "<meta name='dc.creator' content='Jan Kowalski'>", extractor=extractor) == \
        "Jan Kowalski"


@pytest.mark.parametrize("extractor", ["accurate", "fast"])
def test_author_printed_as_plain_text(extractor):
    assert _author(body="<p>Ein Artikel von <strong>Pamela Sladky</strong> | 27.01.2022</p>",
                   extractor=extractor) == "Pamela Sladky"
    assert _author(body="<p><b>Autor:</b> Götz Warnke</p>", extractor=extractor) == "Götz Warnke"
    # prose that opens with a lead-in word names nobody
    assert _author(body="<p>Von Berlin nach Hamburg fahren die Züge wieder.</p><p>By then the river had risen.</p>",
                   extractor=extractor) is None


def test_fast_extraction_puts_resiliparse_node_cache_back():
    """The fast path runs with a plain dict as resiliparse's node cache and restores the library's own; a cache
    someone else put in place is left alone."""
    from unspun import extract as ux

    node_module = ux._resiliparse_node
    if getattr(node_module, "_node_cache", None) is None:
        pytest.skip("this resiliparse keeps no module-level node cache")
    own = node_module._node_cache
    seen = []
    real = ux._lexbor_page

    def spy(*args, **kwargs):
        seen.append(node_module._node_cache)
        return real(*args, **kwargs)

    ux._lexbor_page = spy
    try:
        fast = extract_html(page(), "https://valleytimes.example/news/bridge", extractor="fast")
        assert type(seen[-1]) is dict and not seen[-1]  # swapped in, and emptied at the end
        assert node_module._node_cache is own
        theirs = {}
        node_module._node_cache = theirs
        assert extract_html(page(), "https://valleytimes.example/news/bridge", extractor="fast") == fast
        assert seen[-1] is theirs and node_module._node_cache is theirs
    finally:
        ux._lexbor_page = real
        node_module._node_cache = own
    assert fast.title == "Bridge opening delayed to spring" and "foundations" in fast.text


@pytest.mark.parametrize("url", ["https://valleytimes.example/2021/03/04/bridge", "https://valleytimes.example/a/b",
                                 "https://valleytimes.example/2021/13/40/bad", None])
def test_htmldate_vote_without_lxml_parse_for_a_dated_url(monkeypatch, url):
    """A dated URL answers for htmldate without the lxml parse, with find_date's own answer on the parsed page."""
    from htmldate import find_date

    from unspun import extract as ux

    html = page(head="<meta name='date' content='2021-02-01'>")
    lexbor = ux._lexbor_page(html)
    want = find_date(ux._parse_tree(html), url=url, extensive_search=False, original_date=True,
                     outputformat="%Y-%m-%d")
    parses = []
    real = ux._parse_tree
    monkeypatch.setattr(ux, "_parse_tree", lambda *a: parses.append(1) or real(*a))
    got = ux._htmldate_vote(lexbor, url, html, extensive=False)
    assert got == ([("htmldate", want)] if want else [])
    assert bool(parses) == (url is None or "/2021/03/04/" not in url)
    # a page lxml makes no tree of (comments only) has no htmldate vote, dated URL or not
    empty = "<!-- nothing here -->"
    assert ux._htmldate_vote(ux._lexbor_page(empty), url, empty, extensive=False) == []


_CUE_PIECES = ["<p>", "</p>", "<span class='published'>", "</span>", "<b>", "</b>", " ", "\n", "Published: ",
               "published", "Posted on ", "Updated ", "Veröffentlicht am ", "ver&ouml;ffentlicht", " veröffentlicht",
               "Dieser Beitrag wurde am 3. Dezember 2011 um 10:00 Uhr ", "erschienen", "Mis à jour le ", "modifié",
               "3 May 2021", "2021-05-04", "May 5, 2021", "11/08/2023", "<script>if (a > b) { x = 'posted ", "'; }",
               "</script>", "<div data-x='published 2020-01-01'>", "</div>", " => ", "x" * 45, "y" * 380, ">", "<",
               "aktualisiert", "-published", "published-", "Letzte Änderung: ", "päivitetty ", "julkaistu "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=40), st.booleans())
def test_cue_dates_text_run_prefilter_changes_nothing(pieces, month_first):
    """Keys missing from the text runs after a ">" are not searched for in the page: the same cue dates as searching
    every key (runs that are the whole page)."""
    from unspun import extract as ux

    html = "<html><body>" + "".join(pieces) + "</body></html>"
    got = ux._cue_dates(html, month_first)
    whole = re.compile(rb"(.+)", re.S)
    real = ux._CUE_TEXT_RUNS
    ux._CUE_TEXT_RUNS = {reach: whole for reach in real}
    try:
        assert got == ux._cue_dates(html, month_first)
    finally:
        ux._CUE_TEXT_RUNS = real


@pytest.mark.parametrize("extractor", ["accurate", "fast"])
def test_a_malformed_url_is_ignored_and_the_page_still_read(extractor):
    from unspun.extract import extract_html

    html = ("<html><head><title>Flood hits town</title></head><body><article><h1>Flood hits town</h1>"
            + "".join(f"<p>The river rose on Monday and flooded {i} streets in the town, officials said, as rain "
                      "kept falling over the valley.</p>" for i in range(8)) + "</article></body></html>")
    ex = extract_html(html, url="http://[bad/2019/10/flood-hits-town.html", extractor=extractor)
    assert "The river rose on Monday" in ex.text and ex.title == "Flood hits town"
