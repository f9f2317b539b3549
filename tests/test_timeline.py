"""Timeline: temporal expressions resolved against the publish date, on the seeds and on small cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from unspun.model import Article
from unspun.nlp import get_nlp, parse_articles
from unspun.timeline import extract_events, resolve_expression, story_timeline

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"
BASE = dt.date(2019, 5, 14)  # a Tuesday


def _seeds(date: str | None):
    arts = []
    for p in sorted(SEEDS.glob("*.txt")):
        title, _, body = p.read_text(encoding="utf-8").strip().partition("\n")
        arts.append(Article(id=p.stem, title=title, text=body.strip(), source=str(p), date=date))
    return arts, parse_articles(arts)


@pytest.fixture(scope="module")
def dated():
    arts, docs = _seeds("2019-05-14")
    return arts, {a.id: extract_events(a, docs[a.id]) for a in arts}


def test_previous_year_is_2018(dated):
    arts, events = dated
    ev = [e for e in events[arts[1].id] if e.expression == "previous year"]
    assert ev and ev[0].date == "2018" and ev[0].granularity == "year"
    assert ev[0].resolution == "previous year relative to 2019-05-14 -> 2018"
    assert "nuclear deal" in ev[0].text and ev[0].article_id == arts[1].id


def test_seed_expressions(dated):
    arts, events = dated
    got = {(e.expression, e.date) for evs in events.values() for e in evs}
    assert ("last June", "2018-06") in got
    assert ("next month", "2019-06") in got
    assert ("on Tuesday", "2019-05-14") in got
    assert ("in 2020", "2020") in got
    within = [e for evs in events.values() for e in evs if e.expression == "within 60 days"]
    assert within and within[0].granularity == "range" and within[0].end == "2019-07-13"
    # durations are not events
    assert not any(e.expression in ("almost a year", "two-year") for evs in events.values() for e in evs)


@pytest.mark.parametrize("expr,date,gran", [
    ("on Tuesday", "2019-05-14", "day"),
    ("Monday", "2019-05-13", "day"),
    ("last Tuesday", "2019-05-07", "day"),
    ("next Friday", "2019-05-17", "day"),
    ("last June", "2018-06", "month"),
    ("previous year", "2018", "year"),
    ("next month", "2019-06", "month"),
    ("last week", "2019-W19", "week"),
    ("May 14", "2019-05-14", "day"),
    ("in 2020", "2020", "year"),
    ("yesterday", "2019-05-13", "day"),
    ("three years ago", "2016", "year"),
    ("December", "2018-12", "month"),
    ("March 3, 2017", "2017-03-03", "day"),
])
def test_resolve_expression(expr, date, gran):
    got, g, _end, resolution = resolve_expression(expr, BASE)
    assert (got, g) == (date, gran)
    assert resolution.endswith(date)


def test_no_publish_date_keeps_events_unknown():
    arts, docs = _seeds(None)
    events = [e for a in arts for e in extract_events(a, docs[a.id])]
    prev = [e for e in events if e.expression == "previous year"]
    assert prev and all(e.date is None and e.resolution == "date unknown" for e in prev)
    # absolute years need no publish date
    assert any(e.expression == "in 2020" and e.date == "2020" for e in events)


def test_story_timeline_sorted_deduped(dated):
    arts, events = dated
    tl = story_timeline([e for a in arts for e in events[a.id]], arts)
    dates = [e.date for e in tl if e.date]
    assert dates == sorted(dates)
    # the paragraph both seeds carry appears once, from the earliest article
    shared = [e for e in tl if e.expression == "previous year" and "nuclear deal" in e.text]
    assert len(shared) == 1 and shared[0].article_id == arts[0].id
    assert tl == story_timeline([e for a in reversed(arts) for e in events[a.id]], arts)


def test_odd_input():
    nlp = get_nlp()
    for text in ["", "   ", "on on on", "2019-13-45 happened", "in 99999999999 years"]:
        art = Article(id="x", title="", text=text, source="t", date="not a date")
        assert isinstance(extract_events(art, nlp(text)), list)
