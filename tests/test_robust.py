"""Hostile and broken input found by the robustness audit: each case once crashed a run, lost good articles or let
garbage through. The run goes on, the bad item is reported with a reason, every good article comes out."""

import json
import resource
import time

from conftest import FOOTBALL
from unspun.ingest import iter_articles, read_bytes
from unspun.ingest.common import outlet_from_url, source_label
from unspun.model import Article, Problem

TITLE, _, BODY = FOOTBALL.partition("\n")


def split(items):
    items = list(items)
    return [x for x in items if isinstance(x, Article)], [x for x in items if isinstance(x, Problem)]


def record(i, **extra):
    return {"id": f"r{i}", "title": f"{TITLE} {i}", "text": BODY, **extra}


def test_a_deeply_nested_array_record_is_reported_in_bounded_memory_and_the_next_records_still_come_out(tmp_path):
    # 200,000 levels once took 17 GB (ijson.items keeps a path prefix per level) and the run was killed
    deep = "[" * 200_000 + "]" * 200_000
    path = tmp_path / "export.json"
    path.write_text("[" + json.dumps(record(1)) + "," + deep + "," + json.dumps(record(2)) + "]")
    before, t0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.process_time()
    arts, probs = split(iter_articles([str(path)]))
    assert time.process_time() - t0 < 20
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 500_000  # KB
    assert [a.id for a in arts] == ["r1", "r2"]
    assert [(p.source, p.reason) for p in probs] == [(f"{path}:2", "json")]
    assert "deeper than" in probs[0].detail


def test_array_records_read_from_events_are_the_records_json_loads_gives(tmp_path):
    recs = [record(1, meta={"a": [1, 2.5, None, True, {"b": "c"}]}, n=-3), 7, None, [record(2)], record(3)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(recs, indent=1))
    items = list(iter_articles([str(path)]))
    assert [x.id if isinstance(x, Article) else x.reason for x in items] == ["r1", "json", "json", "json", "r3"]
    assert items[0].meta == {"meta": {"a": [1, 2.5, None, True, {"b": "c"}]}, "n": -3}


def test_a_jsonl_line_nested_too_deeply_is_one_bad_line_not_the_rest_of_the_file(tmp_path):
    # json.loads raises RecursionError (not a ValueError) on it: the file's later records were all lost
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join([json.dumps(record(1)), "[" * 100_000 + "]" * 100_000, json.dumps(record(2))]))
    arts, probs = split(iter_articles([str(path)]))
    assert [a.id for a in arts] == ["r1", "r2"]
    assert [(p.source, p.reason) for p in probs] == [(f"{path}:2", "json")]
    deep_doc = tmp_path / "b.json"
    deep_doc.write_text('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert [(p.reason, p.detail) for p in iter_articles([str(deep_doc)])] == [("json",
                                                                              "invalid JSON: nested too deeply")]


def test_lone_surrogates_and_control_characters_in_json_text_do_not_reach_the_outputs():
    line = json.dumps({"id": "x\ud800", "title": "NUL\u0000 title \udc00", "text": "Body\u0000 \u001b[31m" + BODY,
                       "extra": {"k\ud801": ["v\udfff"]}})
    [art] = read_bytes(line.encode("utf-8"), "f.jsonl", "jsonl")
    for s in (art.id, art.title, art.text, json.dumps(art.meta, ensure_ascii=False)):
        s.encode("utf-8")  # a lone surrogate cannot be encoded: the store and every output failed on it
        assert "\x00" not in s and "\x1b" not in s
    assert art.title == "NUL title \ufffd"


def test_file_names_that_are_not_utf8_or_hold_a_newline_are_read_and_labelled_on_one_line(tmp_path):
    import os

    from unspun.pipeline import run

    folder = tmp_path / "in"
    folder.mkdir()
    names = [os.fsdecode(b"bad\xffname.txt"), "two\nlines.txt", "with space.txt"]
    for i, name in enumerate(names):
        (folder / name).write_text(f"{TITLE} {i}\n{BODY}")
    res = run([str(folder)], str(tmp_path / "out"))
    sources = sorted(a["source"] for a in res.result["articles"])
    assert sources == sorted(str(folder / n) for n in [r"bad\xffname.txt", r"two\nlines.txt", "with space.txt"])
    (tmp_path / "out" / "stories.json").read_text(encoding="utf-8")  # written: the store took the labels


def test_source_label_escapes_only_what_cannot_be_shown():
    assert source_label("in/a b/ü.txt") == "in/a b/ü.txt"
    assert source_label("in/\u202eevil\tx") == "in/\\u202eevil\\tx"


def test_a_feed_date_of_year_zero_is_no_date():
    rss = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>F</title><item><title>{TITLE}</title>"
           f"<description>{BODY}</description><pubDate>0000-00-00</pubDate></item></channel></rss>").encode()
    [art] = [x for x in read_bytes(rss, "f.rss", "feed") if isinstance(x, Article)]
    assert art.date is None  # was "-1-11-30"


def test_a_script_url_names_no_outlet():
    assert outlet_from_url("javascript:alert(1)") is None
    assert outlet_from_url("data:text/html,<script>") is None
    assert outlet_from_url("https://www.example.com/a") == "example.com"
    assert outlet_from_url("example.com/a") == "example.com"


def test_a_feed_whose_items_carry_whole_pages_is_sniffed_as_a_feed():
    # stdin and unknown extensions are sniffed: an "<html" inside an item's CDATA made it one HTML page, and every
    # item but one was lost without a word
    page = f"<html><body><p>{BODY}</p></body></html>"
    items = "".join(f"<item><title>{TITLE} {i}</title><link>https://example.com/{i}</link>"
                    f"<description><![CDATA[{page}]]></description></item>" for i in range(3))
    rss = f"<?xml version='1.0'?>\n<rss version='2.0'><channel><title>F</title>{items}</channel></rss>".encode()
    arts, probs = split(read_bytes(rss, "<stdin>"))
    assert [a.url for a in arts] == [f"https://example.com/{i}" for i in range(3)] and not probs


def test_a_warc_record_whose_content_length_lies_is_reported_and_the_next_records_still_come_out(tmp_path):
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    for i in range(3):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        html = f"<html><head><title>{TITLE} {i}</title></head><body><article><p>{BODY}</p></article></body></html>"
        writer.write_record(writer.create_warc_record(f"https://example.com/{i}", "response",
                                                      payload=io.BytesIO(html.encode()), http_headers=headers))
    data = buf.getvalue()
    at = data.index(b"Content-Length: ") + 16
    end = data.index(b"\r\n", at)
    for lie in (-200, 30, 5000, -10**6):  # the first record's is short, a little long (into the next record's
        # header), longer than the archive, negative
        path = tmp_path / f"a{lie}.warc"
        path.write_bytes(data[:at] + str(int(data[at:end]) + lie).encode() + data[end:])
        arts, probs = split(iter_articles([str(path)]))
        if lie == 5000:  # the first record claims more than the archive holds: it is cut, nothing after it
            assert not arts and [p.reason for p in probs] == ["truncated"]
            continue
        assert [a.url for a in arts][-2:] == ["https://example.com/1", "https://example.com/2"], lie
        assert probs and probs[0].source[-2:] in ("#1", "#2"), lie  # the record that lied, or the one it broke


def test_a_corrupt_gzip_member_in_a_warc_gz_loses_only_its_own_record(tmp_path):
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    import uuid

    def archive(k: int) -> tuple[bytearray, list[int]]:
        # fixed record ids and dates: the same bytes every run (warcio draws random ids and takes the clock)
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        starts = []
        for i in range(5):
            starts.append(buf.tell())
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            html = f"<html><head><title>{TITLE} {i}</title></head><body><article><p>{BODY}</p></article></body></html>"
            ids = {"WARC-Record-ID": f"<urn:uuid:{uuid.UUID(int=k * 10 + i)}>", "WARC-Date": "2019-11-18T00:00:00Z"}
            writer.write_record(writer.create_warc_record(f"https://example.com/{i}", "response",
                                                          payload=io.BytesIO(html.encode()), http_headers=headers,
                                                          warc_headers_dict=ids))
        return bytearray(buf.getvalue()), starts

    # k 0: zlib finds the damage; k 37 and 90: the damaged member decompresses to a record of garbage and warcio
    # misplaces its end (past the next member, or at the end of the file), which lost the good records after it
    for k, victim in ((0, 2), (0, 4), (37, 2), (90, 2)):  # a record in the middle, the last one
        data, starts = archive(k)
        broken = bytearray(data)
        mid = (starts[victim] + (starts[victim + 1] if victim + 1 < len(starts) else len(data))) // 2
        broken[mid:mid + 40] = bytes(b ^ 0x5A for b in broken[mid:mid + 40])
        path = tmp_path / f"broken{k}_{victim}.warc.gz"
        path.write_bytes(bytes(broken))
        arts, probs = split(iter_articles([str(path)]))
        assert [a.url for a in arts] == [f"https://example.com/{i}" for i in range(5) if i != victim], (k, victim)
        assert probs and probs[0].source.rsplit("#", 1)[-1] == str(victim + 1)  # the broken record is reported
        assert {p.reason for p in probs} <= {"truncated", "empty", "warc"}
        assert not any("first line" in p.detail for p in probs)  # warcio's raw bytes of the broken member


def test_utf16_without_a_byte_order_mark_is_read_not_refused_as_binary(tmp_path):
    page = f"<html><head><title>{TITLE}</title></head><body><article><p>{BODY}</p></article></body></html>"
    for enc in ("utf-16-le", "utf-16-be"):
        (tmp_path / f"{enc}.html").write_bytes(page.encode(enc))
        (tmp_path / f"{enc}.txt").write_bytes(f"{TITLE}\n{BODY}".encode(enc))
    arts, probs = split(iter_articles([str(tmp_path)]))
    assert not probs and len(arts) == 4 and {a.title for a in arts} == {TITLE}
    assert all("\x00" not in a.text for a in arts)
    binary = bytes(range(256)) * 40  # NULs, but not every second byte: still binary
    assert [p.reason for p in read_bytes(binary, "x")] == ["binary"]
