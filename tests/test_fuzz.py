"""Fuzzing: hostile or odd text must never crash a stage (strict mode re-raises any stage error)."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unspun.clean import clean_article
from unspun.extract import EXTRACTORS, extract_html
from unspun.ingest import read_bytes
from unspun.model import Article, Problem, content_hash
from unspun.pipeline import Options, analyze_story

QUOTES = "\"'“”‘’«»„‟‹›"
pieces = st.one_of(
    st.text(min_size=0, max_size=40),
    st.sampled_from(
        [
            " said ", " he said.", ' "', "” ", "\n\n", "More news: ", "SHAPIRO: ", " last June ", " within 60 days ",
            " Mike Pompeo ", " Lavrov countered, ", " on Tuesday ", ". ", "<script>alert(1)</script>", "\x00", "\u202e",
            " according to officials ", ":", " previous year ", "🙂", " " * 50,
        ]
    ),
    st.text(alphabet=QUOTES + " .,\n", min_size=1, max_size=10),
)
texts = st.lists(pieces, min_size=0, max_size=30).map("".join)


def _article(i: int, title: str, text: str, date, language) -> Article:
    return Article(
        id=f"a{i}", title=title, text=text, source=f"fuzz{i}", date=date, language=language,
        hash=content_hash(title, text),
    )


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    docs=st.lists(st.tuples(texts, texts), min_size=1, max_size=3),
    date=st.sampled_from([None, "2019-05-14", "1900-01-01", "2099-12-31T23:59:59"]),
    language=st.sampled_from([None, "en", "de"]),
)
def test_analysis_never_crashes(docs, date, language):
    articles = [clean_article(_article(i, t, x, date, language)) for i, (t, x) in enumerate(docs)]
    story = analyze_story("s-fuzz", articles, options=Options(strict=True))
    text_of = {a.id: " ".join(a.text.split()) for a in articles}
    for sent in story.summary:
        assert sent.citations
        for aid in sent.citations:
            assert " ".join(sent.text.split()) in text_of[aid]
    json.dumps(story.to_dict())  # serialisable


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.binary(max_size=2000), fmt=st.sampled_from([None, "text", "html", "jsonl", "warc", "feed"]))
def test_readers_never_raise(data, fmt):
    for item in read_bytes(data, "fuzz", fmt):
        assert isinstance(item, (Article, Problem))
        if isinstance(item, Problem):
            assert item.reason


html_pieces = st.one_of(
    st.text(min_size=0, max_size=30),
    st.sampled_from(["<html>", "<body>", "<p>", "</p>", "<div class='date'>", "</div>", "<script>x()</script>",
                     "<time datetime='2019-05-14'>", "<meta property='og:title' content='T'>", "<!--", "-->",
                     "<title>", "</title>", "<h1>", "&amp;", "&#x0;", "\x00", "<article>", "<![CDATA[", "<svg>"]),
)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(parts=st.lists(html_pieces, max_size=40), extractor=st.sampled_from(EXTRACTORS))
def test_extractors_never_raise(parts, extractor):
    ex = extract_html("".join(parts).encode("utf-8", "replace"), "https://example.com/2019/05/14/x",
                      extractor=extractor)
    assert isinstance(ex.text, str) and ex.method


jsonl_lines = st.one_of(
    st.fixed_dictionaries({"id": st.text(max_size=5), "text": texts}).map(json.dumps),
    st.fixed_dictionaries({"text": texts, "title": st.text(max_size=20)}).map(
        lambda r: json.dumps(r, ensure_ascii=False)),
    # a broken line, valid UTF-8 without raw control characters: the encoding and whether an input is binary are
    # judged on its head, which the tiny blocks below would cut short
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
    st.just(""),
)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(lines=st.lists(jsonl_lines, max_size=12), cuts=st.lists(st.integers(1, 400), min_size=1, max_size=8),
       block=st.integers(1, 500))
def test_jsonl_streamed_in_any_pieces_reads_as_whole(lines, cuts, block):
    """However a UTF-8 JSON Lines input arrives in pieces and whatever the block size, the records and problems are
    those of reading it whole."""
    from unspun.ingest import jsonl

    data = "\n".join(lines).encode("utf-8")
    pieces, at = [], 0
    for n in cuts * (len(data) // sum(cuts) + 1):
        if at >= len(data):
            break
        pieces.append(data[at:at + n])
        at += n
    whole = [vars(x) for x in jsonl.read_jsonl(data, "f")]
    original = jsonl.BLOCK_BYTES, jsonl.SNIFF_BYTES
    jsonl.BLOCK_BYTES = jsonl.SNIFF_BYTES = block  # one test call runs every example: no monkeypatch fixture
    try:
        streamed = [vars(x) for x in jsonl.read_jsonl_stream(pieces, "f")]
    finally:
        jsonl.BLOCK_BYTES, jsonl.SNIFF_BYTES = original
    assert streamed == whole
