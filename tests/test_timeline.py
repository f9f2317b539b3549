"""Timeline: temporal expressions resolved against the publish date, on the seeds and on small cases."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from unspun.model import Article, Event
from unspun.nlp import get_nlp, parse_articles
from unspun.timeline import chronological_key, extract_events, resolve_expression, story_timeline

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
    assert dates == sorted(dates, key=chronological_key)  # "2019-W19" (last week) before "2019-06"
    # the paragraph both seeds carry appears once, from the earliest article
    shared = [e for e in tl if e.expression == "previous year" and "nuclear deal" in e.text]
    assert len(shared) == 1 and shared[0].article_id == arts[0].id
    assert tl == story_timeline([e for a in reversed(arts) for e in events[a.id]], arts)


def test_odd_input():
    nlp = get_nlp()
    for text in ["", "   ", "on on on", "2019-13-45 happened", "in 99999999999 years"]:
        art = Article(id="x", title="", text=text, source="t", date="not a date")
        assert isinstance(extract_events(art, nlp(text)), list)


@pytest.mark.parametrize("expr", [
    "three days later",  # counted from a narrated moment, not from the publish date
    "Two years later",
    "two days earlier",
    "a few years ago",  # vague: no date can honestly be given
    "several days ago",
])
def test_offsets_without_publish_anchor_are_not_events(expr):
    assert resolve_expression(expr, BASE) == (None, None, None, "")


def test_forward_offsets_in_past_narration_are_not_events():
    # "she left the hospital within two weeks": the two weeks run from the surgery, not from the publish date
    assert resolve_expression("within two weeks", BASE, tense="past") == (None, None, None, "")
    assert resolve_expression("the next 25 days", BASE, tense="past") == (None, None, None, "")
    assert resolve_expression("within two weeks", BASE)[1:3] == ("range", "2019-05-28")
    # looking back from the publish date stays resolvable in any tense
    assert resolve_expression("three years ago", BASE, tense="past")[0] == "2016"
    # "fees rose in 2016 from the previous year": counted from the year the text names, not from the publish date
    assert resolve_expression("the previous year", BASE) == (None, None, None, "")
    assert resolve_expression("the following week", BASE) == (None, None, None, "")
    assert resolve_expression("the past year", BASE)[1] == "range"
    assert resolve_expression("previous year", BASE)[0] == "2018"


def test_tense_decides_forward_offsets_in_articles():
    text = ("Carter was released from the hospital within two weeks. "
            "Iran said it would enrich uranium if the deal is not reworked within 60 days.")
    art = Article(id="t", title="", text=text, source="t", date="2019-05-14")
    events = extract_events(art, parse_articles([art])["t"])
    assert [(e.expression, e.end) for e in events] == [("within 60 days", "2019-07-13")]


@pytest.mark.parametrize("expr,date,end", [
    ("August to December 2014", "2014-08-01", "2014-12-31"),
    ("Jan. 1 to Aug. 31, 2016", "2016-01-01", "2016-08-31"),
    ("August 1\u2013November 13, 2014", "2014-08-01", "2014-11-13"),
])
def test_absolute_spans_resolve_without_publish_date(expr, date, end):
    assert resolve_expression(expr, None) == (date, "range", end, f"{expr} -> {date}..{end}")


def test_the_past_year_is_the_twelve_months_to_publish_date():
    assert resolve_expression("the past year", BASE)[:3] == ("2018-05-14", "range", "2019-05-14")
    assert resolve_expression("last year", BASE)[:2] == ("2018", "year")


def test_absolute_dates_do_not_claim_the_publish_date():
    assert resolve_expression("In July 2012", BASE)[3] == "In July 2012 -> 2012-07"
    assert resolve_expression("March 3, 2017", BASE)[3] == "March 3, 2017 -> 2017-03-03"
    assert resolve_expression("May 14", BASE)[3] == "May 14 relative to 2019-05-14 -> 2019-05-14"


def test_possessive_date_keeps_its_own_preposition():
    text = "The ship involved in Tuesday's accident was en route to the Netherlands."
    art = Article(id="p", title="", text=text, source="t", date="2017-12-27")
    events = extract_events(art, parse_articles([art])["p"])
    assert events and not events[0].expression.lower().startswith("in ")
    assert events[0].date == "2017-12-26"


def test_story_timeline_merges_restyled_copies():
    # the same wire sentence with curly vs straight apostrophes and an em dash vs a hyphen is one event
    texts = ["She didn\u2019t have to pay until November 2018 \u2014 only $28,156 was due.",
             "She didn't have to pay until November 2018 - only $28,156 was due."]
    events = [Event(text=t, expression="until November 2018", date="2018-11", granularity="month",
                    resolution="until November 2018 -> 2018-11", article_id=i) for i, t in zip("ab", texts)]
    tl = story_timeline(events, [Article(id=i, title="", text="", source="t") for i in "ab"])
    assert len(tl) == 1 and tl[0].article_ids == ["a", "b"]


def test_one_sentence_one_date_is_one_event():
    text = "When we go to 2012, the staff fall off your radar in 2012, and the situation gets worse."
    events = [Event(text=text, expression=x, date="2012", granularity="year", resolution=f"{x} -> 2012",
                    article_id="a") for x in ("2012", "in 2012")]
    events += [Event(text=text, expression=x, date=None, granularity="day", resolution="date unknown",
                     article_id="a") for x in ("today", "last week")]
    tl = story_timeline(events)
    assert [(e.date, e.expression) for e in tl] == [("2012", "2012"), (None, "last week"), (None, "today")]


def test_a_dated_thing_has_its_date_without_a_publish_date():
    assert resolve_expression("an April 6, 2012", None)[0] == "2012-04-06"  # "an April 6, 2012, bombing"
    assert resolve_expression("an Aug. 3, 2015", None)[0] == "2015-08-03"
    assert resolve_expression("a year ago", BASE)[0] == "2018"  # "a" still counts one


@pytest.mark.parametrize("expr,base,tense,date", [
    ("on Feb. 9", dt.date(2020, 1, 20), None, "2020-02-09"),  # "the Oscars on Feb. 9": three weeks ahead, not 2019
    ("until 30 April", dt.date(2020, 4, 10), None, "2020-04-30"),
    ("on December 27", dt.date(2012, 4, 17), None, "2011-12-27"),  # nearer last December than next
    ("in March", dt.date(2017, 12, 25), None, "2018-03"),  # "a trial set to begin in March"
    ("In May", dt.date(2018, 1, 7), "past", "2017-05"),  # "In May, six people were arrested"
    ("In May", dt.date(2018, 1, 7), "future", "2018-05"),
    ("on Friday", dt.date(2019, 5, 14), "future", "2019-05-17"),  # "will meet on Friday"
    ("on Friday", dt.date(2019, 5, 14), None, "2019-05-10"),  # news reports the past by default
])
def test_year_and_week_follow_the_clause_tense(expr, base, tense, date):
    assert resolve_expression(expr, base, tense=tense)[0] == date


def _dates(text: str, published: str) -> dict[str, str | None]:
    """{expression: resolved date} of one article's events."""
    art = Article(id="d", title="", text=text, source="t", date=published)
    return {e.expression: e.date for e in extract_events(art, parse_articles([art])["d"])}


def test_tense_read_from_the_parse():
    text = ("Two defendants opted for a trial, which is set to begin in March. "
            "In May, six people in Seattle were placed under arrest. "
            "Several of the contenders for best picture at the Oscars on Feb. 9 were not nominated for best cast.")
    got = _dates(text, "2017-12-25")
    assert got["in March"] == "2018-03" and got["In May"] == "2017-05" and got["on Feb. 9"] == "2018-02-09"


def test_today_as_nowadays_is_not_an_event():
    text = ("Today, the inner harbor is a trendy downtown area with upscale restaurants. "
            "Amazon informed Newsweek today that it is investigating the matter.")
    art = Article(id="n", title="", text=text, source="t", date="2016-11-04")
    events = extract_events(art, parse_articles([art])["n"])
    assert [(e.text.split()[0], e.date) for e in events] == [("Amazon", "2016-11-04")]


def test_infinitive_takes_the_tense_of_its_clause():
    text = "The trial was expected to begin in March."
    art = Article(id="i", title="", text=text, source="t", date="2017-12-25")
    (event,) = extract_events(art, parse_articles([art])["i"])
    assert event.date == "2017-03"  # narrated as past: last March, not the coming one


def test_the_first_time_in_two_years_dates_nothing_ahead():
    text = ("The two Koreas are talking again, the first time in two years. "
            "Exports fell to their lowest level in a decade. The bridge will reopen in two years.")
    art = Article(id="f", title="", text=text, source="t", date="2018-01-14")
    events = extract_events(art, parse_articles([art])["f"])
    assert [(e.expression, e.date) for e in events] == [("in two years", "2020")]


def test_a_date_alone_on_its_line_is_not_an_event():
    text = "2015\n\nTonight\n\nThe council approved the budget in 2015."
    art = Article(id="b", title="", text=text, source="t", date="2018-01-14")
    events = extract_events(art, parse_articles([art])["b"])
    assert [(e.expression, e.text) for e in events] == [("in 2015", "The council approved the budget in 2015.")]


def test_embedded_tweet_timestamps_are_not_events():
    text = ("Spectacular \u2014 Ed Howlett (@eddiehow124) December 27, 2017 I saw it when driving home. "
            "The meteor was seen on December 26 across New England.\n\n"
            "First published December 27, 9:14 a.m. ET.\n\nUpdated Dec. 28, 2017 at 7:02 a.m.\n\n"
            "Copyright 2017 Valley Times. All rights reserved.\n\n"
            "Because of an editing error, an article on Wednesday about the meteor misstated its speed.\n\n"
            "An earlier version of this article said the meteor was seen on December 24.")
    art = Article(id="w", title="", text=text, source="t", date="2017-12-28")
    events = extract_events(art, parse_articles([art])["w"])
    assert [e.date for e in events] == ["2017-12-26"]


def test_publish_dates_at_the_calendar_edge_give_unknown_not_an_error():
    import datetime as dt

    from unspun.timeline import resolve_expression

    for base in (dt.date(9999, 12, 31), dt.date(1, 1, 1)):
        for expr in ("tomorrow", "yesterday", "next year", "last year", "in March", "3 years ago", "within 60 days"):
            date, _, _, resolution = resolve_expression(expr, base)
            assert date is None or len(date) >= 4, (base, expr)
    assert resolve_expression("tomorrow", dt.date(9999, 12, 31))[3] == "date unknown"


def test_present_perfect_narrates_the_past_and_since_runs_to_the_publish_date():
    text = ("A former lifeguard has been charged over the fire at the marina on Oct. 30. "
            "In all, 212 boats have been damaged at the marina since 2009, the harbour master said. "
            "The marina was the scene of a smaller fire on Oct. 30, a week before the one in 2009 that was worse.")
    art = Article(id="p", title="", text=text, source="t", date="2023-10-05")
    got = {(e.expression, e.text.split()[1]): e for e in extract_events(art, parse_articles([art])["p"])}
    charged = got[("on Oct. 30", "former")]
    assert charged.date == "2022-10-30"  # told in the present perfect: last October, not three weeks ahead
    since = got[("since 2009", "all,")]
    assert (since.date, since.granularity, since.end) == ("2009", "range", "2023-10-05")  # a count up to now
    # in past narration too "since" names a stretch of time, not its first year ("had no port calls since August")
    assert resolve_expression("since 2009", dt.date(2023, 10, 5), tense="past")[:3] == ("2009", "range", "2023-10-05")
    assert resolve_expression("since 2009", None)[:3] == ("2009", "range", None)  # from 2009 to an unknown date
    text = ("The country has been on alert since the November harbour bombings. "
            "It was the worst attack in the region since the bombings in November. "
            "Hospitals use the plan drawn up after the Nov. 13 bombings that killed 40 people.")
    art = Article(id="s", title="", text=text, source="t", date="2023-07-15")
    dates = [e.date for e in extract_events(art, parse_articles([art])["s"])]
    assert dates == ["2022-11", "2022-11", "2022-11-13"]  # what happened, not a November still to come


def test_forward_looking_lines_resolve_to_the_coming_day():
    text = ("The Ravens beat the Jets 27-10 on Monday night.\n\n"
            "UP NEXT\n\n"
            "Ravens: Visit the Bengals on Sunday.\n\n"
            "Jets: Host the Dolphins on Sunday.\n\n"
            "NEXT Bills: Visit Miami on Sunday.\n\n"
            "Coming up: the league reviews the tackle on Thursday.\n\n"
            "Fans were asked to wear purple to the team's next home game on October 15.\n\n"
            "Next, coach Ortiz said his players had rested on Thursday.")
    art = Article(id="f", title="", text=text, source="t", date="2023-10-03")  # a Tuesday
    events = extract_events(art, parse_articles([art])["f"])
    got = {e.text.split()[0]: e.date for e in events}
    assert got["The"] == "2023-10-02"  # "beat ... on Monday": the past
    assert got["Ravens:"] == got["Jets:"] == got["NEXT"] == "2023-10-08"  # the coming Sunday
    assert got["Coming"] == "2023-10-05"
    assert got["Fans"] == "2023-10-15"  # a coming occasion, though the clause narrates the past
    assert got["Next,"] == "2023-09-28"  # "Next," narrates: not a label


def test_chronology_lines_are_past_events_with_their_whole_line():
    # a dated list: its present is the historical present of headlines ("1999: Smith wins"), so a day without a year
    # is the latest one before the publish date, and the event is the line, not the label that spaCy cuts off
    text = ("Key dates in the coach's career:\n\n"
            "2003: Smith retires after a knee injury.\n\n"
            "Aug. 1: Smith wins the cup with the under-21 team\n\n"
            "► July 31: Parents of the striker arraigned on fraud charges\n\n"
            "June 9: Smith to coach the national team at the World Cup.\n\n"
            "Smith said he would visit the club in July.")
    art = Article(id="c", title="", text=text, source="t", date="2018-05-25")
    got = {e.expression: e for e in extract_events(art, parse_articles([art])["c"])}
    assert got["2003"].text == "2003: Smith retires after a knee injury."
    assert got["Aug. 1"].date == "2017-08-01" and got["Aug. 1"].text.startswith("Aug. 1: Smith wins")
    assert got["July 31"].date == "2017-07-31"
    assert got["June 9"].date == "2018-06-09"  # "Smith to coach": an entry that looks ahead
    assert got["in July"].date == "2018-07"  # running text keeps its own tense rules


def test_weeks_sort_among_days_and_months_in_time_order():
    def ev(date: str, granularity: str) -> Event:
        return Event(text=f"Event of {date}.", expression="x", date=date, granularity=granularity, resolution="",
                     article_id="a")

    events = [ev("2019-06", "month"), ev("2019-W19", "week"), ev("2019-05-14", "day"), ev("2019-05", "month")]
    assert [e.date for e in story_timeline(events)] == ["2019-05", "2019-W19", "2019-05-14", "2019-06"]


def test_photo_captions_are_not_events():
    text = ("Police arrested 12 protesters in the square on Sunday, officials said.\n\n"
            "Protesters march past the town hall in Valley City, Sunday, Aug. 17, 2014.\n\n"
            "A man is rescued from the river in Valley City, Saturday, Aug. 16, 2014.\n\n"
            "FILE - In this Oct. 20, 2007 file photo, the mayor speaks to reporters.\n\n"
            "Picture taken May 2, 2012.\n\n"
            "The city said Monday, Aug. 18, 2014, that the curfew would end.")  # prose dates in full too
    art = Article(id="p", title="", text=text, source="t", date="2014-08-18")
    events = extract_events(art, parse_articles([art])["p"])
    prose = [e for e in events if e.text.startswith("The city")]
    assert [(e.expression, e.date) for e in events if e not in prose] == [("on Sunday", "2014-08-17")]
    assert prose and {e.date for e in prose} == {"2014-08-18"}


def test_embedded_instagram_post_timestamps_are_not_events():
    text = ("The couple announced the birth on Friday. A post shared by Jane Roe (@jane.roe) on Jun 27, 2017 at "
            "6:20am PDT")
    art = Article(id="i", title="", text=text, source="t", date="2017-09-02")
    assert [e.date for e in extract_events(art, parse_articles([art])["i"])] == ["2017-09-01"]


@pytest.mark.parametrize("expr,base,date,end", [
    ("earlier this year", dt.date(2017, 10, 2), "2017-01-01", "2017-10-02"),  # up to the publish date, not December
    ("Earlier this week", dt.date(2017, 12, 29), "2017-12-25", "2017-12-29"),  # from the week's Monday
    ("later this month", dt.date(2016, 9, 28), "2016-09-28", "2016-09-30"),
])
def test_part_of_the_current_period_is_a_range(expr, base, date, end):
    assert resolve_expression(expr, base)[:3] == (date, "range", end)


@pytest.mark.parametrize("expr,base,tense,date,end", [
    ("over the weekend", dt.date(2016, 4, 3), "past", "2016-04-02", "2016-04-03"),  # a Sunday: the weekend at hand
    ("the weekend", dt.date(2016, 4, 6), "past", "2016-04-02", "2016-04-03"),
    ("this weekend", dt.date(2016, 4, 6), "future", "2016-04-09", "2016-04-10"),
    ("last weekend", dt.date(2016, 4, 3), None, "2016-03-26", "2016-03-27"),
    ("this summer", dt.date(2016, 4, 3), None, "2016-06-01", "2016-08-31"),
    ("last spring", dt.date(2016, 1, 31), "past", "2015-03-01", "2015-05-31"),
    ("in the fall", dt.date(2016, 7, 18), None, "2016-09-01", "2016-11-30"),  # "until the debates in the fall"
    ("summer 2015", None, None, "2015-06-01", "2015-08-31"),
    ("the 1990s", None, None, "1990-01-01", "1999-12-31"),
    ("the early 1990s", None, None, "1990-01-01", "1999-12-31"),
    ("the past six decades", dt.date(2018, 1, 2), None, "1958-01-02", "2018-01-02"),
    ("the past decade", dt.date(2018, 1, 2), None, "2008-01-02", "2018-01-02"),
])
def test_weekends_seasons_and_decades_are_ranges(expr, base, tense, date, end):
    assert resolve_expression(expr, base, tense=tense)[:3] == (date, "range", end)


def test_decades_ago_and_this_past():
    assert resolve_expression("two decades ago", dt.date(2016, 4, 3))[:2] == ("1996", "year")
    assert resolve_expression("this past week", dt.date(2016, 1, 20))[0] == "2016-W02"
    assert resolve_expression("since this past October", dt.date(2018, 2, 6))[:3] == ("2017-10", "range",
                                                                                       "2018-02-06")


def test_a_sundays_last_week_is_the_week_it_closes():
    # published on Sunday 17 January: "Cruz said last week" is Monday 11 to Saturday 16, ISO week 2
    assert resolve_expression("last week", dt.date(2016, 1, 17))[0] == "2016-W02"
    assert resolve_expression("last week", dt.date(2016, 1, 18))[0] == "2016-W02"  # and still on Monday


@pytest.mark.parametrize("expr,base,tense,date", [
    ("on Christmas Day", dt.date(2017, 12, 27), "past", "2017-12-25"),
    ("New Year's Eve", dt.date(2017, 12, 30), "future", "2017-12-31"),
    ("New Year’s Eve", dt.date(2016, 3, 23), None, "2015-12-31"),  # the nearer one
    ("Thanksgiving", dt.date(2016, 11, 1), "future", "2016-11-24"),  # fourth Thursday of November
    ("Memorial Day", dt.date(2016, 6, 10), "past", "2016-05-30"),  # last Monday of May
])
def test_holidays_resolve_to_their_day(expr, base, tense, date):
    assert resolve_expression(expr, base, tense=tense)[:2] == (date, "day")


def test_holidays_are_found_whatever_spacy_calls_them():
    text = ("A truck drove through a crowd celebrating Bastille Day in Nice. "
            "The family had put up their Christmas lights wrong, she said.")
    art = Article(id="h", title="", text=text, source="t", date="2016-07-14")
    got = [(e.expression, e.date) for e in extract_events(art, parse_articles([art])["h"])]
    assert ("Bastille Day", "2016-07-14") in got
    assert not any("Christmas" in x for x, _ in got)  # a kind of lights, not a date


@pytest.mark.parametrize("expr,tense,date", [
    ("Monday", "present", "2016-07-25"),  # "the convention, which begins Monday": a schedule, the coming one
    ("on Tuesday", "present", "2016-07-26"),
    ("this Tuesday", None, "2016-07-26"),  # "hopes to win delegates this Tuesday"
    ("this Tuesday", "past", "2016-07-19"),
    ("Monday", "past", "2016-07-18"),
])
def test_weekdays_in_the_present_look_ahead(expr, tense, date):
    assert resolve_expression(expr, dt.date(2016, 7, 22), tense=tense)[0] == date  # a Friday


def test_schedules_in_the_present_and_modifiers_spacy_leaves_out():
    text = ("She said she is headed to Philadelphia for the Democratic National Convention, which begins Monday. "
            "When it launches on Tuesday, the rocket will attempt to land all three boosters. "
            "\u201cThe choice this November is tragic,\u201d he writes. "
            "He cited this week's FBI warnings of intrusions into state election systems.")
    art = Article(id="s", title="", text=text, source="t", date="2016-05-25")  # a Wednesday
    got = {e.expression: e.date for e in extract_events(art, parse_articles([art])["s"])}
    assert got["Monday"] == "2016-05-30" and got["on Tuesday"] == "2016-05-31"
    assert got["this November"] == "2016-11"  # not the November before, nearer by two days
    assert got["this week"] == "2016-W21"


def test_a_period_counted_within_what_it_names_is_not_an_event():
    text = "Christie would not campaign with Mitt Romney in the last week of the race."
    art = Article(id="l", title="", text=text, source="t", date="2016-02-11")
    assert extract_events(art, parse_articles([art])["l"]) == []
    # a deictic "next month" with no "the" counts from the publish date; its "of" belongs to the noun before it
    text = "Both sides agreed to hold reunions next month of families separated by the war."
    art = Article(id="n", title="", text=text, source="t", date="2018-08-13")
    assert [(e.expression, e.date) for e in extract_events(art, parse_articles([art])["n"])] == [
        ("next month", "2018-09")]


def test_a_weekday_inside_a_longer_time_phrase():
    assert resolve_expression("a good night Tuesday", dt.date(2016, 3, 16), tense="past")[:2] == ("2016-03-15", "day")
    assert resolve_expression("the night Saturday", dt.date(2016, 4, 3), tense="past")[0] == "2016-04-02"


def test_lines_are_sentences_and_a_date_opening_a_line_dates_it():
    # one-line paragraphs (Giveme's texts) are separate sentences: the same "on Sunday" in an embedded post's line and
    # in the next line's report are two events; a chronology line a date opens without a colon is one event
    text = ("Aeronave confirma la localizacion. Posted by Ministerio de Seguridad on Sunday, 31 December 2017\n"
            "The charter flight crashed shortly after taking off just after noon on Sunday from Punta Islita.\n\n"
            "Nov. 4, 2014 The one that got away.\n\n"
            "The 2014 election was a triumphant one for Christie.")
    art = Article(id="g", title="", text=text, source="t", date="2017-12-31")
    events = extract_events(art, parse_articles([art])["g"])
    sunday = [e for e in events if e.text.startswith("The charter flight")]
    assert sunday and sunday[0].date == "2017-12-31"
    nov = [e for e in events if e.expression == "Nov. 4, 2014"]
    assert nov and nov[0].text == "Nov. 4, 2014 The one that got away." and nov[0].date == "2014-11-04"


def test_a_participle_keeps_its_own_time_and_what_is_not_a_time():
    text = ("Although the agreement reached in Paris on Saturday still leaves the world vulnerable, Obama welcomed it. "
            "Sometimes he would take his brother onboard for summer fishing trips off Long Island. "
            "At the party's meeting in Boston the summer after the 2012 loss, the chairman scolded Romney. "
            "The kingdom has been fighting the same war on terror for over two decades. "
            "The gorilla display has been closed to the public since the weekend. "
            "Far fewer assaults were registered last year after the city sent more police.")
    art = Article(id="q", title="", text=text, source="t", date="2015-12-13")  # a Sunday
    got = {e.expression: (e.date, e.end) for e in extract_events(art, parse_articles([art])["q"])}
    assert got.pop("on Saturday") == ("2015-12-12", None)  # reached on Saturday: not the coming one "leaves" suggests
    assert got.pop("since the weekend") == ("2015-12-12", "2015-12-13")
    assert got.pop("last year") == ("2014", None)  # "last year after ...": a date all the same
    assert got.pop("2012") == ("2012", None)  # the loss, dated; the summer after it is not
    assert got == {}  # "summer" fishing, "the summer after" a narrated loss, "for over two decades": not dates


def test_a_bare_past_participle_tells_the_past_unless_its_date_is_a_deadline():
    text = ("In his most recent physical exam -- conducted in February -- he clocked in at 243 pounds.\n\n"
            "The company set up a website for people who want to check if they were among those affected by "
            "January 8.\n\nA vote expected in March could end the dispute.")
    got = _dates(text, "2019-11-18")
    assert got["in February"] == "2019-02"  # done, not the nearest February (2020)
    assert got["by January 8"] == "2020-01-08"  # a deadline keeps the nearest
    assert got["in March"] == "2020-03"  # an expected vote looks ahead


def test_named_days_are_their_dates_and_not_weekdays():
    # AEB: "Black Friday pricing live for ecobee" was dated the Friday before the article
    assert _dates("Black Friday pricing live for ecobee.", "2019-11-18") == {"Black Friday": "2019-11-29"}
    assert _dates("Shops opened early on Good Friday, police said.", "2019-11-18") == {"on Good Friday": "2019-04-19"}
    assert list(_dates("Sanders won big on Super Tuesday, the results showed.", "2016-03-05").values()) == [
        "2016-03-01"]
    # a named day with no date rule is no weekday; a place before a weekday is no qualifier
    assert _dates("Protesters marked Bloody Sunday in Derry, organisers said.", "2019-11-18") == {}
    assert _dates("They arrived at Scheels Arena Sunday for the convention.", "2016-04-03") == {
        "Sunday": "2016-04-03"}
