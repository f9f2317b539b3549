"""Stored parses and per-article findings: a story re-analysed from them is the story analysed from scratch, and a
growing story re-parses and re-reads (quotes, dated events) only its new articles."""

import json


from unspun import nlp, pipeline
from unspun.pipeline import Options, Pipeline, analyze_story, analyzer_id
from unspun.store import Store

QUIET = Options(progress="quiet", strict=True, jobs=1)


def _seed_articles(seeds_dir):
    with Store() as store:
        pipe = Pipeline(store, QUIET)
        pipe.ingest([str(p) for p in sorted(seeds_dir.iterdir())])
        return list(store.iter_articles())


def test_story_from_stored_parses_is_identical(seeds_dir):
    articles = _seed_articles(seeds_dir)
    fresh: dict[str, bytes] = {}
    docs = nlp.parse_articles(articles, fresh=fresh)
    assert set(fresh) == {a.id for a in articles}
    restored = nlp.parse_articles(articles, cached=fresh)
    for a in articles:  # every annotation the stages read survives the round trip
        assert [(t.text, t.tag_, t.lemma_, t.dep_, t.head.i, t.ent_type_, t.is_sent_start) for t in docs[a.id]] == [
            (t.text, t.tag_, t.lemma_, t.dep_, t.head.i, t.ent_type_, t.is_sent_start) for t in restored[a.id]]
    story = analyze_story("s", articles, docs, options=QUIET)
    again = analyze_story("s", articles, restored, options=QUIET)
    assert json.dumps(story.to_dict(), sort_keys=True) == json.dumps(again.to_dict(), sort_keys=True)
    assert story.summary and story.quotes  # a real story, not an empty one compared with itself


def test_growing_story_parses_only_new_articles(tmp_path, seeds_dir, monkeypatch):
    first, second = sorted(seeds_dir.iterdir())
    parsed: list[str] = []
    real_parse = nlp.parse_texts

    def counting_parse(texts, *args, **kwargs):
        texts = list(texts)
        parsed.extend(texts)
        return real_parse(texts, *args, **kwargs)

    monkeypatch.setattr(nlp, "parse_texts", counting_parse)
    quoted: list[str] = []
    real_quotes = pipeline.extract_quotes

    def counting_quotes(article, doc):
        quoted.append(article.id)
        return real_quotes(article, doc)

    monkeypatch.setattr(pipeline, "extract_quotes", counting_quotes)
    db = tmp_path / "u.duckdb"
    with Store(db) as store:
        pipe = Pipeline(store, QUIET)
        pipe.ingest([str(first)])
        pipe.analyze()
    assert len(parsed) == 1
    with Store(db) as store:
        pipe = Pipeline(store, QUIET)
        pipe.ingest([str(second)])
        (sid,) = pipe.analyze()
        incremental = store.story(sid)
    assert len(parsed) == 2  # the story was re-analysed with both articles, but only the new one was parsed
    assert len(quoted) == 2 and quoted[0] != quoted[1]  # ... and only the new one had its quotes extracted

    monkeypatch.setattr(nlp, "parse_texts", real_parse)
    monkeypatch.setattr(pipeline, "extract_quotes", real_quotes)
    with Store(tmp_path / "one-go.duckdb") as store:  # the same input in one run, every article parsed fresh
        pipe = Pipeline(store, QUIET)
        pipe.ingest([str(first), str(second)])
        pipe.analyze()
        assert json.dumps(store.story(sid), sort_keys=True) == json.dumps(incremental, sort_keys=True)


def test_parses_of_another_parser_or_text_are_not_reused(seeds_dir):
    articles = _seed_articles(seeds_dir)
    with Store() as store:
        fresh: dict[str, bytes] = {}
        nlp.parse_articles(articles, fresh=fresh)
        store.write_parses(articles, fresh, nlp.parser_id())
        assert set(store.parses(articles, nlp.parser_id())) == {a.id for a in articles}
        assert store.parses(articles, "some-other-model/1") == {}
        changed = articles[0]
        changed.hash = "0" * 40  # stored text no longer matches
        assert set(store.parses(articles, nlp.parser_id())) == {a.id for a in articles[1:]}


def test_parses_can_be_left_out_of_the_store(tmp_path, seeds_dir):
    from dataclasses import replace

    from unspun.cli import build_parser

    args = build_parser().parse_args(["run", str(seeds_dir), "--no-keep-parses"])
    assert args.keep_parses is False
    results = {}
    for keep in (True, False):
        with Store(tmp_path / f"{keep}.duckdb") as store:
            pipe = Pipeline(store, replace(QUIET, keep_parses=keep))
            pipe.ingest([str(p) for p in sorted(seeds_dir.iterdir())])
            pipe.analyze()
            for table in ("parses", "findings"):
                assert store.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == (2 if keep else 0)
            results[keep] = json.dumps(store.stories(), sort_keys=True)
    assert results[True] == results[False]


def test_a_damaged_stored_parse_is_parsed_again(seeds_dir):
    articles = _seed_articles(seeds_dir)
    good: dict[str, bytes] = {}
    docs = nlp.parse_articles(articles, fresh=good)
    damaged = {a.id: b"\x00not a DocBin" for a in articles[:1]} | {a.id: good[a.id] for a in articles[1:]}
    fresh: dict[str, bytes] = {}
    again = nlp.parse_articles(articles, cached=damaged, fresh=fresh)
    assert set(fresh) == {articles[0].id}  # re-parsed, to be stored again
    assert [t.dep_ for t in again[articles[0].id]] == [t.dep_ for t in docs[articles[0].id]]


def test_story_from_stored_findings_is_identical(seeds_dir, monkeypatch):
    articles = _seed_articles(seeds_dir)
    docs = nlp.parse_articles(articles)
    findings: dict[str, str] = {}
    story = analyze_story("s", articles, docs, options=QUIET, fresh_findings=findings)
    assert set(findings) == {a.id for a in articles}
    assert story.quotes and story.timeline  # a real story, not an empty one compared with itself

    def not_again(*args):
        raise AssertionError("a stored finding was recomputed")

    monkeypatch.setattr(pipeline, "extract_quotes", not_again)
    monkeypatch.setattr(pipeline, "extract_events", not_again)
    again = analyze_story("s", articles, docs, options=QUIET, findings=findings)
    assert json.dumps(story.to_dict(), sort_keys=True) == json.dumps(again.to_dict(), sort_keys=True)


def test_findings_of_other_code_or_a_changed_article_are_not_reused(seeds_dir):
    articles = _seed_articles(seeds_dir)
    docs = nlp.parse_articles(articles)
    findings: dict[str, str] = {}
    analyze_story("s", articles, docs, options=QUIET, fresh_findings=findings)
    with Store() as store:
        store.write_findings(articles, findings, analyzer_id())
        assert set(store.findings(articles, analyzer_id())) == {a.id for a in articles}
        assert store.findings(articles, "older-code") == {}
        articles[0].date = "2019-05-15"  # a new publish date moves its dated events: computed again
        assert set(store.findings(articles, analyzer_id())) == {a.id for a in articles[1:]}


def test_a_failed_stage_stores_no_findings_for_its_article(seeds_dir, monkeypatch):
    articles = _seed_articles(seeds_dir)
    docs = nlp.parse_articles(articles)

    def broken(article, doc):
        raise ValueError("broken")

    monkeypatch.setattr(pipeline, "extract_events", broken)
    findings: dict[str, str] = {}
    problems = []
    story = analyze_story("s", articles, docs, options=Options(progress="quiet"), problems=problems,
                          fresh_findings=findings)
    assert story.timeline == [] and [p.reason for p in problems] == ["stage_error"]
    assert findings == {}  # quotes alone are not a complete finding: the next analysis computes both again



def test_caches_are_pruned_to_what_can_be_reused(tmp_path, seeds_dir):
    """Parses and findings of stories that left the clusterer's window, or made by other code, are deleted; those
    of active stories stay."""
    unrelated = tmp_path / "volcano.txt"
    unrelated.write_text(
        "Volcano lava reaches coastal village\n\nLava from the volcano reached the coastal village of Punta Arenas "
        "on Thursday, officials said, forcing 400 residents to leave their homes. The eruption began two weeks ago "
        "and has destroyed 30 houses so far.\n\nGeologists said the flow was slowing but could not say when it "
        "would stop.\n", encoding="utf-8")
    with Store() as store:
        pipe = Pipeline(store, QUIET)
        pipe.ingest([str(p) for p in sorted(seeds_dir.iterdir())])
        pipe.analyze()
        (seed_story,) = store.stories()
        seed_ids = {a.id for a in store.articles()}
        assert store.con.execute("SELECT count(*) FROM parses").fetchone()[0] == len(seed_ids) == 2
        pipe.clusterer.max_active = 0  # the next article retires every active story before it is placed
        pipe.ingest([str(unrelated)])
        pipe.analyze()
        assert seed_story["id"] not in pipe.clusterer.stories and len(pipe.clusterer.stories) == 1
        kept = {t: {r[0] for r in store.con.execute(f"SELECT article_id FROM {t}").fetchall()}
                for t in ("parses", "findings")}
        (new_id,) = {a.id for a in store.articles()} - seed_ids
        assert kept == {"parses": {new_id}, "findings": {new_id}}
        store.con.execute("UPDATE parses SET parser = 'old-spacy'")  # as if spaCy was upgraded since
        assert store.prune_caches({"parses": nlp.parser_id(), "findings": analyzer_id()}) == {
            "parses": 1, "findings": 0}
