import codecs
import gzip
import json
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from unspun.ingest import iter_articles
from unspun.ingest.common import input_id
from unspun.model import Article, Problem

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"

PARAS = [
    "The city council voted on Tuesday to approve a new budget that raises spending on schools and public "
    "transport, after a debate that lasted well into the night and drew hundreds of residents to the hall.",
    "Mayor Ana Ruiz said the plan would be paid for by a tax on vacant homes and by cutting the cost of "
    "administration. Opponents said the figures did not add up and promised to challenge the vote in court.",
    "The budget takes effect in July. A first review of its effects is due in the autumn, when the council "
    "will publish spending figures for every district and hold public hearings in each of them.",
]


def page(title, paras=PARAS, date="2021-03-04", extra_head=""):
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | City Press</title>"
            f"<meta property='og:site_name' content='City Press'>"
            f"<meta property='article:published_time' content='{date}T10:00:00Z'>{extra_head}</head>"
            f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>{title}</h1>{body}"
            f"</article><footer>Copyright City Press</footer></body></html>")


def split(items):
    arts = [x for x in items if isinstance(x, Article)]
    probs = [x for x in items if isinstance(x, Problem)]
    return arts, probs


def write_warc(path: Path, pages, gz=True):
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            rec = w.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                       http_headers=headers,
                                       warc_headers_dict={"WARC-Date": "2021-03-05T00:00:00Z"})
            w.write_record(rec)
        # a non-HTML record and a redirect are skipped silently
        img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://citypress.example/logo.png", "response",
                                            payload=io.BytesIO(b"\x89PNG...."), http_headers=img))
        redir = StatusAndHeaders("301 Moved", [("Location", "/x")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record("https://citypress.example/old", "response",
                                            payload=io.BytesIO(b""), http_headers=redir))


def test_seeds_txt_folder():
    arts, probs = split(list(iter_articles([str(SEEDS)])))
    assert not probs
    assert [a.title for a in arts] == ["It's time to restore US-Russia ties, Putin tells Pompeo",
                                       "Russia Intends to Rebuild Relations with US, Putin Lauds 'objective' "
                                       "Mueller Report"]
    for a in arts:
        assert a.id == input_id((SEEDS / Path(a.source).name).read_bytes())  # the file is the input
        assert a.outlet is None and a.date is None and not a.blocks
        assert not a.text.startswith(a.title)
    # deterministic
    assert [a.to_dict() for a in arts] == [a.to_dict() for a in iter_articles([str(SEEDS)])]


def test_html_file(tmp_path):
    p = tmp_path / "budget.html"
    p.write_text(page("Council approves budget", extra_head="<link rel='canonical' "
                      "href='https://www.citypress.example/news/2021/03/04/budget'>"), encoding="utf-8")
    (a,) = list(iter_articles([str(p)]))
    assert a.title == "Council approves budget"
    assert a.outlet == "citypress.example"
    assert a.url == "https://www.citypress.example/news/2021/03/04/budget"
    assert a.date == "2021-03-04"
    assert a.text.split("\n\n") == PARAS
    assert a.extraction["method"].startswith("trafilatura")


def test_jsonl_fields_ids_and_truncated_line(tmp_path):
    p = tmp_path / "a.jsonl"
    lines = [
        '{"id": "a1", "title": "One", "text": "First body.\\n\\nSecond para.", "url": "https://www.bbc.co.uk/x",'
        ' "date": "2019-05-14T08:00:00Z", "group": "g1"}',
        "",
        '{"title": "Two", "html": ' + json.dumps(page("Two")) + ', "outlet": "Herald"}',
        '["not", "an", "object"]',
        '{"id": "a4", "title": "No text"}',
        '{"id": "a5", "title": "Cut', ]
    p.write_text("\n".join(lines), encoding="utf-8")
    arts, probs = split(list(iter_articles([str(p)])))
    assert [a.id for a in arts][0] == "a1"
    a1, a3 = arts
    assert a1.outlet == "bbc.co.uk" and a1.date == "2019-05-14" and a1.date_source == "input"
    assert a1.meta == {"group": "g1"} and a1.source == f"{p}:1"
    assert a3.id == input_id(json.dumps(json.loads(lines[2]), sort_keys=True, ensure_ascii=False))
    assert a3.outlet == "Herald" and a3.title == "Two"
    assert a3.text.split("\n\n") == PARAS
    assert [(pr.source, pr.reason) for pr in probs] == [(f"{p}:4", "json"), (f"{p}:5", "no_text"),
                                                      (f"{p}:6", "truncated")]


def test_bad_files_reported_good_ones_still_read(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 owners protest\n\nThe caf\xe9 owners of M\xfcnchen said "
                                          "the new rules hurt.".encode("latin-1"))
    (tmp_path / "good.txt").write_text("A title\n\nA body paragraph that is fine.", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    items = list(iter_articles([str(tmp_path), str(tmp_path / "missing.txt")]))
    arts, probs = split(items)
    assert sorted(a.title for a in arts) == ["A title", "Café owners protest"]
    latin = next(a for a in arts if a.title.startswith("Café"))
    assert "München" in latin.text
    reasons = {Path(pr.source).name: pr.reason for pr in probs}
    assert reasons == {"blob.bin": "binary", "binary.txt": "binary", "empty.txt": "empty",
                       "latin1.txt": "encoding", "missing.txt": "missing"}
    assert all(pr.detail for pr in probs)


@pytest.mark.parametrize("text,encoding", [
    ("Le président a déclaré à la télévision que la réforme était nécessaire.", "latin-1"),  # was cp775
    ("The café owner said the naïve plan failed.", "latin-1"),
    ("Москва заявила, что переговоры продолжатся в понедельник.", "cp1251"),
    ("Zażółć gęślą jaźń, powiedział minister w poniedziałek.", "cp1250"),
])
def test_short_legacy_encoded_text_decodes_as_a_web_encoding(text, encoding):
    from unspun.ingest.common import decode_text

    decoded, used, clean = decode_text(text.encode(encoding))
    assert decoded == text and not clean


def test_glob_and_stdin(tmp_path):
    for name in ("b.txt", "a.txt", "c.md"):
        (tmp_path / name).write_text(f"Title {name}\n\nBody of {name}.", encoding="utf-8")
    arts, _ = split(list(iter_articles([str(tmp_path / "*.txt")])))
    assert [a.title for a in arts] == ["Title a.txt", "Title b.txt"]
    # stdin, sniffed: JSONL, HTML, plain text
    (a,) = iter_articles(["-"], stdin=io.BytesIO(b'{"id": "s1", "text": "Body."}\n'))
    assert a.id == "s1" and a.source == "<stdin>:1"
    (h,) = iter_articles(["-"], stdin=io.BytesIO(page("From stdin").encode()))
    assert h.title == "From stdin"
    (t,) = iter_articles(["-"], stdin=io.BytesIO(b"Plain title\n\nPlain body."))
    assert (t.title, t.text) == ("Plain title", "Plain body.")
    (e,) = iter_articles(["-"], stdin=io.BytesIO(b""))
    assert isinstance(e, Problem) and e.reason == "empty" and e.source == "<stdin>"


def test_gzipped_html(tmp_path):
    p = tmp_path / "page.html.gz"
    p.write_bytes(gzip.compress(page("Zipped page").encode()))
    (a,) = iter_articles([str(p)])
    assert a.title == "Zipped page"


def test_warc_and_truncated_warc_gz(tmp_path):
    pages = [(f"https://www.citypress.example/2021/03/0{i}/story-{i}", page(f"Story {i}", date=f"2021-03-0{i}"))
             for i in range(1, 4)]
    p = tmp_path / "crawl.warc.gz"
    write_warc(p, pages)
    arts, probs = split(list(iter_articles([str(p)])))
    assert not probs
    assert [a.title for a in arts] == ["Story 1", "Story 2", "Story 3"]
    assert [a.date for a in arts] == ["2021-03-01", "2021-03-02", "2021-03-03"]
    assert all(a.outlet == "citypress.example" and a.source.startswith(f"{p}#") for a in arts)
    assert arts[0].url == pages[0][0]
    # uncompressed WARC too
    p2 = tmp_path / "crawl.warc"
    write_warc(p2, pages[:1], gz=False)
    assert [a.title for a in iter_articles([str(p2)])] == ["Story 1"]
    # truncated in the middle of the third record: first two still come out, then a Problem
    data = p.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * 0.55)])
    arts, probs = split(list(iter_articles([str(cut)])))
    assert [a.title for a in arts] == ["Story 1", "Story 2"][: len(arts)] and len(arts) >= 1
    assert len(probs) == 1 and probs[0].reason == "truncated"


def _rich_warc(path: Path) -> None:
    """Records of every kind the WARC reader treats differently: warcinfo, request, metadata, a 404, a gzip-encoded
    payload (read by warcio), a page without Content-Type, XHTML, an image."""
    write_warc(path, [("https://citypress.example/a", page("First"))])
    with open(path, "ab") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))

        def response(url, body, headers, status="200 OK"):
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))

        response("https://citypress.example/b", page("Second").encode(), [("Content-Type", "text/html")])
        w.write_record(w.create_warc_record("https://citypress.example/b", "request",
                                            payload=io.BytesIO(b"GET /b HTTP/1.1\r\nHost: citypress.example\r\n\r\n")))
        response("https://citypress.example/c", page("Missing").encode(), [("Content-Type", "text/html")],
                 status="404 Not Found")
        response("https://citypress.example/d", page("Untyped").encode(), [])
        w.write_record(w.create_warc_record("https://citypress.example/d", "metadata",
                                            payload=io.BytesIO(b"outlinks: none\r\n")))
        response("https://citypress.example/e", page("XHTML").encode(), [("Content-Type", "application/xhtml+xml")])
        response("https://citypress.example/f", gzip.compress(page("Zipped").encode()),
                 [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
        response("https://citypress.example/g", page("Last").encode(), [("Content-Type", "text/html")])


def test_fastwarc_reads_every_archive_as_warcio(tmp_path, monkeypatch):
    """gzipped WARCs go through FastWARC; whole, cut anywhere or with a corrupt byte, they give the same items
    and problems as warcio alone."""
    from unspun.ingest import warc

    p = tmp_path / "rich.warc.gz"
    _rich_warc(p)
    data = p.read_bytes()

    def read(buf, fast):
        if not fast:
            monkeypatch.setattr(warc, "_fastwarc_can_read", lambda stream: False)
        items = [vars(x) for x in warc.read_warc(io.BytesIO(buf), "s", defer=True)]  # HtmlTasks and Problems
        monkeypatch.undo()
        return items

    assert warc._fastwarc_can_read(io.BytesIO(data))
    whole = read(data, True)
    assert [x["url"][-1] for x in whole] == ["a", "b", "d", "e", "f", "g"]
    assert whole == read(data, False)
    for cut in range(0, len(data), 37):
        assert read(data[:cut], True) == read(data[:cut], False), cut
    for at in range(0, len(data), 101):
        broken = data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1:]
        assert read(broken, True) == read(broken, False), at


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>City Press</title><link>https://www.citypress.example/</link>
<item><title>Council approves budget</title><link>https://www.citypress.example/news/budget</link>
<guid>budget-1</guid><pubDate>Thu, 04 Mar 2021 10:00:00 GMT</pubDate><author>Ana Writer</author>
<description><![CDATA[<p>{p0}</p><p>{p1}</p>]]></description></item>
<item><title>Rail line reopens</title><link>https://www.citypress.example/news/rail</link>
<pubDate>Fri, 05 Mar 2021 09:00:00 GMT</pubDate><description>The rail line reopened on Friday.</description></item>
</channel></rss>""".format(p0=PARAS[0], p1=PARAS[1])

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley News</title><link href="https://valley.example/"/>
<id>urn:valley</id><updated>2021-03-06T00:00:00Z</updated>
<entry><title>Bridge closed for repairs</title><link href="https://news.valley.example/bridge"/><id>urn:1</id>
<published>2021-03-06T08:00:00Z</published><updated>2021-03-06T09:00:00Z</updated>
<content type="html">&lt;p&gt;The old bridge closed on Saturday.&lt;/p&gt;&lt;p&gt;Repairs take a month.&lt;/p&gt;\
</content>
</entry></feed>"""


def test_rss_and_atom(tmp_path):
    (tmp_path / "city.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "valley.atom").write_text(ATOM, encoding="utf-8")
    (tmp_path / "feed.xml").write_text(ATOM, encoding="utf-8")  # sniffed by content
    arts, probs = split(list(iter_articles([str(tmp_path)])))
    assert not probs
    assert [a.title for a in arts] == ["Council approves budget", "Rail line reopens", "Bridge closed for repairs",
                                       "Bridge closed for repairs"]
    budget, rail, bridge = arts[:3]
    assert budget.text.split("\n\n") == PARAS[:2]
    assert budget.url == "https://www.citypress.example/news/budget" and budget.outlet == "citypress.example"
    assert budget.date == "2021-03-04" and budget.author == "Ana Writer" and budget.meta["guid"] == "budget-1"
    assert budget.meta["links"] == ["https://www.citypress.example/news/budget"]
    assert rail.text == "The rail line reopened on Friday."
    assert bridge.text == "The old bridge closed on Saturday.\n\nRepairs take a month."
    assert bridge.date == "2021-03-06" and bridge.outlet == "news.valley.example"


def test_malformed_feed_keeps_good_items(tmp_path):
    broken = RSS.replace("</channel></rss>", "<item><title>Cut off <descr")
    p = tmp_path / "broken.rss"
    p.write_text(broken, encoding="utf-8")
    arts, probs = split(list(iter_articles([str(p)])))
    assert [a.title for a in arts][:2] == ["Council approves budget", "Rail line reopens"]
    assert probs and probs[0].reason == "feed_malformed"
    junk = tmp_path / "junk.rss"
    junk.write_text("<rss><channel><<<>>>", encoding="utf-8")
    (pr,) = iter_articles([str(junk)])
    assert isinstance(pr, Problem) and pr.reason in ("feed", "empty")


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b"<html><body></body></html>", b"{", b"WARC/1.0\r\n\r\n",
                                  b"<rss>", b"\x1f\x8b\x08\x00garbage"])
def test_garbage_never_raises(data):
    items = list(iter_articles(["-"], stdin=io.BytesIO(data)))
    assert items and all(isinstance(x, Problem) and x.reason and x.detail for x in items)


def test_parallel_extraction_same_output(tmp_path):
    pages = [(f"https://www.citypress.example/2021/03/0{i}/story-{i}", page(f"Story {i}", date=f"2021-03-0{i}"))
             for i in range(1, 6)]
    write_warc(tmp_path / "a.warc.gz", pages)
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps({"id": f"j{i}", "html": html, "url": url})
                                                for i, (url, html) in enumerate(pages)), encoding="utf-8")
    (tmp_path / "c.txt").write_text("Title\n\nBody.", encoding="utf-8")
    (tmp_path / "d.txt").write_bytes(b"")
    serial = [x.to_dict() for x in iter_articles([str(tmp_path)])]
    parallel = [x.to_dict() for x in iter_articles([str(tmp_path)], jobs=2, batch=2)]
    assert parallel == serial
    assert [x["id"] for x in serial if "id" in x][5:10] == ["j0", "j1", "j2", "j3", "j4"]
    assert len(serial) == 12 and serial[-1]["reason"] == "empty"


def _exit_worker(article):
    import os

    os._exit(3)  # a worker killed mid-article (out of memory, a crash in a C parser)


def test_dead_worker_stops_the_run_instead_of_hanging(tmp_path):
    from concurrent.futures.process import BrokenProcessPool

    for i in range(4):
        (tmp_path / f"{i}.txt").write_text(f"Title {i}\n\nBody {i}.", encoding="utf-8")
    with pytest.raises(BrokenProcessPool):
        list(iter_articles([str(tmp_path)], jobs=2, finish=_exit_worker))


def test_finish_runs_on_every_article_in_the_workers(tmp_path):
    from unspun.pipeline import finish_article

    (tmp_path / "a.txt").write_text("Title\n\nBody text.\n\nMore news: One Thing Happened\n"
                                    "More news: Another Thing Happened", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Other\n\nOther body.", encoding="utf-8")
    serial = [x.to_dict() for x in iter_articles([str(tmp_path)], finish=finish_article)]
    parallel = [x.to_dict() for x in iter_articles([str(tmp_path)], jobs=2, finish=finish_article)]
    assert parallel == serial
    assert serial[0]["blocks"] and any(b["reason"] == "link_list" for b in serial[0]["blocks"])


def test_txt_paragraph_normalisation(tmp_path):
    p = tmp_path / "wrapped.txt"
    p.write_text("Headline here\r\n\r\nOfficials said the plan, which was\r\nannounced on Monday, would cost more.\r\n"
                 "It passed anyway.\r\nThe vote was 5 to 4.\r\n\r\n\r\nMore news: One Thing Happened\r\n"
                 "More news: Another Thing Happened\r\n", encoding="utf-8")
    (a,) = iter_articles([str(p)])
    assert a.text.split("\n\n") == [
        "Officials said the plan, which was announced on Monday, would cost more.",
        "It passed anyway.", "The vote was 5 to 4.",
        "More news: One Thing Happened\nMore news: Another Thing Happened"]


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PREFIXES = [b"", b"WARC/1.0\r\n", b"\x1f\x8b", b"{\"text\": ", b"<rss><channel><item><title>", b"<html><body><p>",
            b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>", b"Title\n\n", b"[", b'[{"text": "']


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=400))
def test_fuzzed_stdin_never_raises(prefix, body):
    items = list(iter_articles(["-"], stdin=io.BytesIO(prefix + body)))
    assert items and all(isinstance(x, (Article, Problem)) for x in items)
    for x in items:
        if isinstance(x, Problem):
            assert x.reason and x.source.startswith("<stdin>")
        else:
            assert x.id and isinstance(x.text, str)


def test_fast_extractor_gives_the_same_article_without_page_furniture(tmp_path):
    pages = [(f"https://www.citypress.example/2021/03/0{i}/story-{i}", page(f"Story {i}", date=f"2021-03-0{i}"))
             for i in range(1, 4)]
    write_warc(tmp_path / "a.warc.gz", pages)
    accurate, _ = split(list(iter_articles([str(tmp_path)])))
    fast, probs = split(list(iter_articles([str(tmp_path)], jobs=2, extractor="fast")))
    assert not probs and len(fast) == len(accurate) == 3
    for a, f in zip(accurate, fast):
        assert f.extraction["method"] == "resiliparse" and a.extraction["method"].startswith("trafilatura")
        assert (f.title, f.date, f.outlet) == (a.title, a.date, a.outlet)
        assert all(p in f.text for p in PARAS)
        assert "Home" not in f.text and "Copyright" not in f.text


def test_unknown_extractor_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown extractor"):
        list(iter_articles([str(SEEDS)], extractor="magic"))


def test_page_with_a_few_words_is_no_article(tmp_path):
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    (tmp_path / "ok.html").write_text(page("A real story"), encoding="utf-8")
    arts, probs = split(list(iter_articles([str(tmp_path)])))
    assert [a.title for a in arts] == ["A real story"]
    assert [(p.reason, "word" in p.detail or "no article" in p.detail) for p in probs] == [("no_text", True)]


def test_a_huge_page_is_extracted_from_its_start_and_reported(tmp_path, monkeypatch):
    from unspun.ingest import html

    monkeypatch.setattr(html, "MAX_HTML_BYTES", 2000)
    paras = [f"Paragraph {i} of the council's budget report, read out on Monday by the clerk." for i in range(60)]
    (tmp_path / "huge.html").write_text(page("A long report", paras=paras), encoding="utf-8")
    arts, probs = split(list(iter_articles([str(tmp_path / "huge.html")])))
    (a,) = arts
    assert a.title == "A long report" and a.text.startswith("Paragraph 0 ") and "Paragraph 59 " not in a.text
    assert [p.reason for p in probs] == ["truncated"] and "2,000" in probs[0].detail
    assert a.id == input_id(None, (tmp_path / "huge.html").read_bytes())  # the whole input's id


def test_a_huge_text_file_is_read_from_its_start_and_reported(tmp_path, monkeypatch):
    import unspun.ingest as ingest

    monkeypatch.setattr(ingest, "WHOLE_FILE_MAX_BYTES", 1000)
    (tmp_path / "huge.txt").write_text("Harbour report\n\n" + "The clerk read the budget out. " * 200, encoding="utf-8")
    items = list(iter_articles([str(tmp_path / "huge.txt")]))
    (a,), (p,) = split(items)
    assert a.title == "Harbour report" and 900 < len(a.text) < 1000
    assert p.reason == "truncated" and "6,2" in p.detail and "1,000" in p.detail


_POOL_SCRIPT = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from unspun.procs import die_with_parent
pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent,
                           initargs=(os.getpid(),))
pids = {pool.submit(os.getpid).result() for _ in range(8)}
print(" ".join(map(str, sorted(pids))), flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            return "\tZ" not in next(line for line in fh if line.startswith("State:"))  # a zombie is dead
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_workers_die_with_a_killed_run():
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-c", _POOL_SCRIPT], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert pids and all(_alive(p) for p in pids)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids), "workers outlived the killed run"


def test_parallel_extraction_keeps_order_and_reads_ahead_a_bounded_batch(monkeypatch):
    from unspun import ingest

    pulled = []

    def fake_items(inputs, stdin, defer):
        for i in range(60):
            pulled.append(i)
            yield Article(id=f"a{i}", title=f"Title {i}", text=f"Body {i}.", source=f"s{i}")

    monkeypatch.setattr(ingest, "_iter_items", fake_items)
    out = iter_articles(["unused"], jobs=2, batch=4)
    first = next(out)
    # batch=4 items per worker in flight: the reader does not run ahead of the workers
    assert first.id == "a0" and len(pulled) <= 2 * 4
    assert [a.id for a in [first, *out]] == [f"a{i}" for i in range(60)]


def test_a_title_taken_from_the_first_line_is_marked_derived(tmp_path):
    body = "Floodwater closed the old bridge on Tuesday.\n\nTraffic moved to the ring road for the week."
    (tmp_path / "a.jsonl").write_text(
        '{"id": "titled", "title": "Bridge closed", "text": "%s"}\n{"id": "untitled", "text": "%s"}\n'
        % (body.replace("\n", "\\n"), body.replace("\n", "\\n")), encoding="utf-8")
    feed = ("<rss version='2.0'><channel><title>F</title><item><link>https://e.example/1</link>"
            f"<description>{body}</description></item></channel></rss>")
    (tmp_path / "b.rss").write_text(feed, encoding="utf-8")
    arts = {a.id: a for a in iter_articles([str(tmp_path)]) if isinstance(a, Article)}
    assert arts["titled"].title == "Bridge closed" and not arts["titled"].title_derived
    assert arts["untitled"].title == "Floodwater closed the old bridge on Tuesday." and arts["untitled"].title_derived
    (item,) = [a for a in arts.values() if a.source.startswith(str(tmp_path / "b.rss"))]
    assert item.title_derived and item.title.startswith("Floodwater")


def test_a_derived_title_reads_like_a_headline():
    from unspun.ingest.common import derive_title

    rest = "\n\nThe bridge reopens next week."
    # datelines and an outlet's tag say where the story was filed, not what happened
    assert derive_title("NASHVILLE, Tenn. - No charges were filed over the crash." + rest) == \
        "No charges were filed over the crash."
    assert derive_title("WASHINGTON (AP) \u2014 The Senate passed the budget on Friday." + rest) == \
        "The Senate passed the budget on Friday."
    assert derive_title("TORONTO\u2014Police named the two victims." + rest) == "Police named the two victims."
    assert derive_title("(CNN) Floodwater closed the old bridge on Tuesday." + rest) == \
        "Floodwater closed the old bridge on Tuesday."
    assert derive_title("(Metro Police Department)" + rest) == "(Metro Police Department)"  # a credit line alone
    # cut after the first sentence; abbreviations do not end it, a too short one reads on
    assert derive_title("Sen. Ann Lee of Ohio said on Monday she will run again in 2026. Her rival said little.") \
        == "Sen. Ann Lee of Ohio said on Monday she will run again in 2026."
    assert derive_title("Surprise! The band released a new album on Friday night. Fans queued for hours.") == \
        "Surprise! The band released a new album on Friday night."
    # a first sentence longer than the limit is cut at a word boundary
    long_line = "The council " + "and the mayor " * 12 + "agreed on a budget."
    title = derive_title(long_line, limit=60)
    assert title.endswith("\u2026") and len(title) <= 61 and long_line.startswith(title[:-1])
    assert not title[:-1].endswith(" ") and long_line[len(title) - 1] == " "
    assert derive_title("Storm closes schools") == "Storm closes schools"


def test_utf16_html_with_a_byte_order_mark_is_read(tmp_path):
    page = ("<html><head><title>Flood closes bridge in Köln</title></head><body><article>"
            + "".join(f"<p>The Rhine flood closed the old bridge in Köln on Tuesday, officials said, and traffic "
                      f"moved to the ring road for the week ({i}).</p>" for i in range(6))
            + "</article></body></html>")
    (tmp_path / "page.html").write_bytes(page.encode("utf-16"))
    (art,) = list(iter_articles([str(tmp_path / "page.html")]))
    assert isinstance(art, Article), art
    assert art.title == "Flood closes bridge in Köln" and "Köln on Tuesday" in art.text


def test_a_folder_holding_its_own_unspun_output_does_not_read_it(tmp_path):
    from unspun.pipeline import Options, run

    (tmp_path / "a.txt").write_text("Bridge closed\n\nFloodwater closed the old bridge on Tuesday.", encoding="utf-8")
    quiet = Options(progress="quiet", jobs=1)
    run([str(tmp_path)], tmp_path / "out", options=quiet)
    assert (tmp_path / "out" / "report.html").exists()
    (tmp_path / "out" / "notes.txt").write_text("Notes\n\nA file of the user's own is still read.", encoding="utf-8")
    items = list(iter_articles([str(tmp_path)]))
    assert sorted(a.title for a in items) == ["Bridge closed", "Notes"]  # not the store, report or stories files


def _jsonl_lines(n: int = 40) -> list[str]:
    return [json.dumps({"id": f"r{i}", "title": f"Harbour story {i}", "text": f"The harbour board met for the {i}th "
                        "time and approved the budget, members said."}) for i in range(n)]


def test_jsonl_read_in_blocks_gives_what_reading_it_whole_gives(tmp_path, monkeypatch):
    """JSON Lines files (plain or gzipped) and stdin are streamed a block of lines at a time; whatever the block
    size, the same articles and problems come out, with the same line numbers."""
    import unspun.ingest as ingest
    from unspun.ingest import jsonl

    rows = _jsonl_lines()
    rows[7] = '{"id": "bad", "text": '  # malformed in the middle
    data = codecs.BOM_UTF8 + "\n".join(rows).encode("utf-8") + b'\n{"id": "cut", "text": "The last rec'
    latin1 = "\n".join(_jsonl_lines()).replace("harbour", "h\u00e4rbour").encode("latin-1")  # not UTF-8
    for name, content in (("a.jsonl", data), ("latin1.jsonl", latin1)):
        (tmp_path / name).write_bytes(content)
        whole = [vars(x) for x in jsonl.read_jsonl(content, str(tmp_path / name))]
        with monkeypatch.context() as m:
            m.setattr(jsonl, "BLOCK_BYTES", 300)
            m.setattr(jsonl, "SNIFF_BYTES", 300)
            m.setattr(ingest, "CHUNK_BYTES", 64)
            assert [vars(x) for x in iter_articles([str(tmp_path / name)])] == whole
            from_stdin = [vars(x) for x in iter_articles(["-"], stdin=io.BytesIO(content))]
            assert [x.get("id") or x["reason"] for x in from_stdin] == [x.get("id") or x["reason"] for x in whole]
    good, probs = split(list(iter_articles([str(tmp_path / "a.jsonl")])))
    assert len(good) == 39 and [(p.source.rsplit(":", 1)[1], p.reason) for p in probs] == [("8", "json"),
                                                                                           ("41", "truncated")]
    arts, probs = split(list(iter_articles([str(tmp_path / "latin1.jsonl")])))
    assert len(arts) == 40 and "h\u00e4rbour" in arts[-1].text and [p.reason for p in probs] == ["encoding"]
    # gzipped and cut short: every record before the cut, then the broken stream reported
    gz = gzip.compress(data)
    (tmp_path / "b.jsonl.gz").write_bytes(gz[: len(gz) * 2 // 3])
    items = list(iter_articles([str(tmp_path / "b.jsonl.gz")]))
    cut, probs = split(items)
    assert [a.id for a in cut] == [a.id for a in good[: len(cut)]] and len(cut) >= 10
    assert probs[-1].reason == "truncated" and "gzip" in probs[-1].detail and items[-1] is probs[-1]


def test_json_array_streamed_record_by_record(tmp_path, monkeypatch):
    """A JSON array (pretty-printed or one minified line) is parsed as its bytes arrive: the same articles as
    json.loads of the whole array, whatever the chunk size; a cut array keeps every record before the cut; a broken
    record is reported with its number; a latin-1 array is decoded and the encoding reported."""
    import unspun.ingest as ingest

    records = [json.loads(line) for line in _jsonl_lines(30)]
    expected = [r["id"] for r in records]
    minified = json.dumps(records).encode("utf-8")
    pretty = codecs.BOM_UTF8 + json.dumps(records, indent=2, ensure_ascii=False).encode("utf-8")
    for name, content in (("min.json", minified), ("pretty.json", pretty)):
        (tmp_path / name).write_bytes(content)
        for chunk_bytes in (1, 7, 4096):
            with monkeypatch.context() as m:
                m.setattr(ingest, "CHUNK_BYTES", chunk_bytes)
                arts, probs = split(list(iter_articles([str(tmp_path / name)])))
            assert [a.id for a in arts] == expected and probs == []
    assert [a.id for a in split(list(iter_articles(["-"], stdin=io.BytesIO(minified))))[0]] == expected

    (tmp_path / "cut.json").write_bytes(minified[: len(minified) // 2])
    arts, probs = split(list(iter_articles([str(tmp_path / "cut.json")])))
    assert [a.id for a in arts] == expected[: len(arts)] and len(arts) >= 10
    assert [p.reason for p in probs] == ["truncated"] and probs[0].source.endswith(f":{len(arts) + 1}")

    broken = minified.replace(b'{"id": "r12"', b'{"id" "r12"', 1)
    (tmp_path / "broken.json").write_bytes(broken)
    arts, probs = split(list(iter_articles([str(tmp_path / "broken.json")])))
    assert [a.id for a in arts] == expected[:12]
    assert [p.reason for p in probs] == ["json"] and probs[0].source.endswith(":13") and "\n" not in probs[0].detail

    (tmp_path / "none.json").write_bytes(b"[ ]\n")
    assert [(x.reason, x.detail) for x in iter_articles([str(tmp_path / "none.json")])] == [
        ("empty", "the JSON array holds no records")]

    latin1 = json.dumps(records, ensure_ascii=False).replace("harbour", "h\u00e4rbour").encode("latin-1")
    (tmp_path / "latin1.json").write_bytes(latin1)
    arts, probs = split(list(iter_articles([str(tmp_path / "latin1.json")])))
    assert len(arts) == 30 and "h\u00e4rbour" in arts[0].text and [p.reason for p in probs] == ["encoding"]

    (tmp_path / "gz.json.gz").write_bytes(gzip.compress(pretty))
    assert [a.id for a in split(list(iter_articles([str(tmp_path / "gz.json.gz")])))[0]] == expected


_RECORD_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(str.strip)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(_RECORD_TEXT, min_size=1, max_size=8), chunk=st.integers(1, 64), cut=st.floats(0, 1),
       indent=st.sampled_from([None, 1]))
def test_json_array_any_chunking_and_any_cut_keeps_a_prefix(texts, chunk, cut, indent):
    """Streamed by any chunk size, an array gives its records in order; cut anywhere, it gives a prefix of them and
    then one problem (or all of them, when the cut falls after the last record's end)."""
    import unspun.ingest as ingest

    records = [{"id": f"r{i}", "text": t} for i, t in enumerate(texts)]
    data = json.dumps(records, indent=indent, ensure_ascii=False).encode("utf-8")
    cut_data = data[: int(len(data) * cut)]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(ingest, "CHUNK_BYTES", chunk)
        whole, probs = split(list(iter_articles(["-"], stdin=io.BytesIO(data))))
        items = list(iter_articles(["-"], stdin=io.BytesIO(cut_data)))
    assert [a.id for a in whole] == [r["id"] for r in records] and probs == []
    arts, probs = split(items)
    assert [a.id for a in arts] == [r["id"] for r in records[: len(arts)]]
    if len(cut_data) < len(data):
        assert len(probs) == 1 and isinstance(items[-1], Problem)


def test_a_hard_wrapped_document_set_apart_line_by_line_is_joined_into_paragraphs():
    from unspun.ingest.common import normalize_body

    letter = ("Dear Mr. Chairman:\n\n"
              "On January 29, the House Permanent Select Committee on Intelligence (the\n\n"
              "Committee) voted to disclose publicly a memorandum containing classified information\n\n"
              "provided to the Committee in connection with its oversight activities, which is\n\n"
              "attached to this letter.\n\n"
              "The Constitution vests the President with the authority to protect secrets.")
    assert normalize_body(letter).split("\n\n") == [
        "Dear Mr. Chairman:",
        "On January 29, the House Permanent Select Committee on Intelligence (the Committee) voted to disclose "
        "publicly a memorandum containing classified information provided to the Committee in connection with its "
        "oversight activities, which is attached to this letter.",
        "The Constitution vests the President with the authority to protect secrets."]
    # a headline, its byline and the first paragraph; a list whose items open in capitals: left as they are
    for text in ("Mitt Romney to give speech on state of the GOP race Thursday\n\n"
                 "posted at 10:01 pm on March 2, 2016 by John Sexton\n\n"
                 "Mitt Romney has announced that he will give a speech on Thursday.",
                 "Dispatch daily worker orders to their employee's mobile device\n\n"
                 "Immediately respond to customer questions regarding arrival times\n\n"
                 "Analyze driving routes and times at and between stops to optimize performance."):
        assert normalize_body(text) == text
