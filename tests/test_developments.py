"""Developments of a long-running story, and the span cap on stories they are made with."""

from __future__ import annotations

import hashlib
import json

import pytest

from unspun import cli
from unspun.cluster import StoryClusterer, _day, cluster_articles
from unspun.developments import (DEVELOPMENT_DAYS, development_groups, developments_summary, is_topic,
                                 story_developments)
from unspun.model import Article, Development
from unspun.pipeline import analyze_story, choose_headline
from unspun.report.html import render_html
from unspun.report.markdown import render_markdown
from unspun.store import Store
from unspun.summarize import sentence_citer

# One topic (the Fed's interest rates) over two months: a February decision and a March one, two articles each,
# written for these tests.
FED = [
    ("f1", "2023-02-01", "Federal Reserve raises interest rates by a quarter point",
     "The Federal Reserve raised its benchmark interest rate by a quarter percentage point on Wednesday, its "
     "eighth increase in a year, and signalled further hikes to bring inflation down. Fed chair Jerome Powell said "
     "the labour market remained tight and that the fight against inflation was not over."),
    ("f2", "2023-02-02", "Powell says more Fed interest rate increases are likely",
     "Jerome Powell, chair of the Federal Reserve, said further interest rate increases were likely because "
     "inflation remained too high, a day after the Fed raised its benchmark rate by a quarter point. Powell said "
     "the labour market was still tight."),
    ("f3", "2023-03-22", "Fed raises interest rates again despite banking turmoil",
     "The Federal Reserve raised its benchmark interest rate by a quarter point on Wednesday despite the turmoil "
     "after the collapse of Silicon Valley Bank, and Jerome Powell said the banking system was sound. The Fed "
     "signalled that the end of its increases in interest rates was near."),
    ("f4", "2023-03-23", "Powell: banking turmoil may do some of the Fed's work on inflation",
     "A day after the Federal Reserve raised interest rates by a quarter point, chair Jerome Powell said tighter "
     "lending by banks after the collapse of Silicon Valley Bank could slow inflation, and the Fed might need "
     "fewer increases in interest rates."),
]


def _fed() -> list[Article]:
    return [Article(id=i, title=t, text=x, source="test", date=d, outlet=f"outlet-{i}") for i, d, t, x in FED]


def test_a_story_may_not_stretch_past_its_span_cap():
    arts = _fed()
    assert len(set(cluster_articles(arts).values())) == 1  # one topic: one story without a cap
    capped = cluster_articles(arts, max_span_days=14)
    assert capped["f1"] == capped["f2"] and capped["f3"] == capped["f4"] and capped["f1"] != capped["f3"]


def test_the_span_cap_is_kept_in_the_clusterer_state():
    c = StoryClusterer(max_span_days=14)
    for a in _fed()[:3]:
        c.add(a)
    restored = StoryClusterer.from_state(c.to_state())
    assert restored.max_span_days == 14
    assert restored.add(_fed()[3]) == c.add(_fed()[3])


def test_a_long_story_is_read_as_developments_in_date_order():
    arts = _fed()
    groups = development_groups(arts)
    assert [[a.id for a in g] for g in groups] == [["f1", "f2"], ["f3", "f4"]]
    devs = story_developments(arts, choose_headline)
    assert [d.id for d in devs] == ["d" + hashlib.sha1(i.encode()).hexdigest()[:12] for i in ("f1", "f3")]
    assert devs[0].date_range == ["2023-02-01", "2023-02-02"] and devs[1].date_range == ["2023-03-22", "2023-03-23"]
    for d in devs:  # the headline is one of the development's own titles, and cites its article
        assert d.headline_article in d.article_ids
        assert d.headline == next(a.title for a in arts if a.id == d.headline_article)
        assert d.outlets == sorted(f"outlet-{i}" for i in d.article_ids)
    assert [d.to_dict() for d in devs] == [d.to_dict() for d in story_developments(_fed(), choose_headline)]


def test_every_development_stays_within_the_window_and_every_article_is_in_one():
    # steady coverage every third day for two months: no gap to cut at, yet no development spans over 14 days
    base = _fed()[0]
    arts = [Article(id=f"r{i:02d}", title=f"{base.title} (update {i})", text=base.text, source="test",
                    date=f"2023-{1 + (3 * i) // 31:02d}-{1 + (3 * i) % 31:02d}") for i in range(20)]
    arts = [a for a in arts if _day(a.date) is not None]
    groups = development_groups(arts)
    assert sorted(a.id for g in groups for a in g) == sorted(a.id for a in arts)
    for g in groups:
        days = [_day(a.date) for a in g]
        assert max(days) - min(days) <= DEVELOPMENT_DAYS
    assert len(groups) >= 4


def test_a_short_story_has_no_developments():
    assert development_groups(_fed()[:2]) == []
    undated = [Article(id=a.id, title=a.title, text=a.text, source="test") for a in _fed()]
    assert development_groups(undated) == []


def test_developments_reach_the_outputs_escaped():
    arts = _fed()
    arts[2].title = "Fed <script>alert(1)</script> raises rates"
    story = analyze_story("s1", arts)
    assert len(story.developments) == 2
    data = {"articles": [a.to_dict() for a in arts], "stories": [story.to_dict()], "problems": []}
    html = render_html(data)
    assert "Developments" in html and "<script>alert(1)" not in html
    md = render_markdown(data)
    assert "### Developments" in md and "*A story of 2 developments: what happened when" in md
    assert "1. **2023-02-01 \u2013 2023-02-02** " in md and "2. **2023-03-22 \u2013 2023-03-23** " in md
    index = md.split("## Stories", 1)[1].split("---", 1)[0]  # the story list names what happened last
    assert "2 developments; latest (2023-03-22 \u2013 2023-03-23): Fed" in index
    block = md.split("### Developments", 1)[1].split("###", 1)[0]
    lines = [line for line in block.splitlines() if line.startswith("- ")]
    # newest first, as a reader follows a developing story
    assert [line[:16] for line in lines] == ["- **2023-03-22 \u2013", "- **2023-02-01 \u2013"]


def test_story_days_option_caps_stories_and_is_kept_by_the_store(tmp_path, capsys):
    src = tmp_path / "fed.jsonl"
    src.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "date": a.date}) + "\n"
                           for a in _fed()), encoding="utf-8")
    db = tmp_path / "s.duckdb"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["ingest", str(src), "--db", str(db), "--story-days", "0", "-q"])
    assert exit_.value.code == 2 and "--story-days" in capsys.readouterr().err
    assert cli.main(["ingest", str(src), "--db", str(db), "--story-days", "14", "-q"]) == 0
    with Store(db) as store:
        assert store.get_cluster_state()["params"]["max_span_days"] == 14
        assert len({sid for _, sid in store.article_story_ids()}) == 2


def test_story_lines_carry_developments(tmp_path, capsys):
    src = tmp_path / "fed.jsonl"
    src.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "date": a.date}) + "\n"
                           for a in _fed()), encoding="utf-8")
    assert cli.main(["run", str(src), "--out", str(tmp_path / "out"), "--jsonl", "-q", "--jobs", "1"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1
    assert [d["article_ids"] for d in lines[0]["developments"]] == [["f1", "f2"], ["f3", "f4"]]


def test_a_topic_is_summarised_by_what_happened_when():
    arts = _fed()
    story = analyze_story("s1", arts)
    assert is_topic(len(arts), story.developments)  # two developments of two articles: no event holds the story
    assert story.summary_kind == "developments"
    by_id = {a.id: a for a in arts}
    firsts = [d.article_ids for d in story.developments]
    assert len(story.summary) == 2
    for sent, ids in zip(story.summary, firsts):  # one lead per development, in date order, cited word for word
        assert sent.citations and set(sent.citations) <= set(ids)
        assert all(sent.text in by_id[c].text for c in sent.citations)
    assert analyze_story("s1", _fed()).summary == story.summary
    one = analyze_story("s1", arts[:2])  # one event: the cross-outlet summary
    assert not one.developments and one.summary and one.summary_kind == "cross_outlet"


def test_an_event_with_a_stray_follow_up_is_no_topic():
    def dev(*ids: str) -> Development:
        return Development(id="d" + ids[0], headline="h", headline_article=None, article_ids=list(ids))

    assert not is_topic(5, [dev("a", "b", "c", "d"), dev("e")])  # one event holds 80% of the story
    assert is_topic(6, [dev("a", "b", "c"), dev("d", "e", "f")])
    assert not is_topic(3, [])


def test_the_summary_budget_takes_the_latest_development_first():
    arts = _fed()
    devs = story_developments(arts, choose_headline)
    sents = [[a.text.split(". ")[0] + "."] for a in arts]
    one = developments_summary(arts, sents, devs, sentence_citer(arts), max_sentences=1)
    assert len(one) == 1 and one[0].citations[0] in devs[-1].article_ids


def test_a_story_that_grows_past_the_window_gains_developments_and_keeps_its_id(tmp_path):
    def feed(name: str, rows: list) -> str:
        path = tmp_path / name
        path.write_text("".join(json.dumps({"id": i, "title": t, "text": x, "date": d}) + "\n" for i, d, t, x in rows),
                        encoding="utf-8")
        return str(path)

    db = str(tmp_path / "s.duckdb")
    assert cli.main(["ingest", feed("feb.jsonl", FED[:2]), "--db", db, "-q", "--jobs", "1"]) == 0
    with Store(db) as store:
        [first] = store.stories()
    assert not first["developments"] and first["summary_kind"] == "cross_outlet"
    assert cli.main(["ingest", feed("mar.jsonl", FED[2:]), "--db", db, "-q", "--jobs", "1"]) == 0
    with Store(db) as store:
        [grown] = store.stories()
    assert grown["id"] == first["id"] and len(grown["article_ids"]) == 4
    assert [d["article_ids"] for d in grown["developments"]] == [["f1", "f2"], ["f3", "f4"]]
    assert grown["developments"][0]["id"] == "d" + hashlib.sha1(b"f1").hexdigest()[:12]


def test_a_merge_never_stretches_a_story_past_its_span_cap():
    from unspun.cluster import _Story

    c = StoryClusterer(max_span_days=14)
    early, late = _Story("a", 1, None), _Story("b", 2, None)
    early.first, early.last, late.first, late.last = 0.0, 10.0, 10.0, 20.0
    assert c._too_long(early, late) and not StoryClusterer()._too_long(early, late)
    late.first, late.last = 5.0, 12.0
    assert not c._too_long(early, late)


def test_a_story_span_cap_must_be_positive(tmp_path):
    from unspun.pipeline import Options, Pipeline

    with Store(tmp_path / "s.duckdb") as store:
        for bad in (0, -3, float("nan")):
            with pytest.raises(ValueError, match="story_days"):
                Pipeline(store, Options(progress="quiet", story_days=bad))


def test_a_development_leads_with_a_sentence_that_reads_alone():
    """A scrape that starts mid-article leads with a sentence pointing back ("Only days later, that ..."): another
    article of the development gives the lead; with no other article, that lead is still used."""
    arts = _fed()
    arts[2].text = ("Only days later, that calm seemed premature when the Federal Reserve raised its benchmark "
                    "interest rate by a quarter point again. " + arts[2].text)
    devs = story_developments(arts, choose_headline)
    devs[1].headline_article = "f3"
    sents = [[s if s.endswith(".") else s + "." for s in a.text.split(". ")] for a in arts]
    leads = developments_summary(arts, sents, devs, sentence_citer(arts))
    assert [s.citations[0] for s in leads] == ["f1", "f4"] and leads[1].text.startswith("A day after")
    devs[1].article_ids = ["f3"]
    leads = developments_summary(arts, sents, devs, sentence_citer(arts))
    assert leads[1].text.startswith("Only days later")
