"""Stored parses: a story re-analysed from stored parses is the story analysed from fresh ones, and a growing story
re-parses only its new articles."""

import json

from unspun import nlp
from unspun.pipeline import Options, Pipeline, analyze_story
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

    monkeypatch.setattr(nlp, "parse_texts", real_parse)
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
            n_parses = store.con.execute("SELECT count(*) FROM parses").fetchone()[0]
            assert n_parses == (2 if keep else 0)
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
