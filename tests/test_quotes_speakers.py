"""Speakers resolved within an article: a description ("the Vermont senator") names the one person introduced before it
with that title, written out or abbreviated ("Sen. Bernie Sanders"); a name run into a headline's words is no full
name."""

from __future__ import annotations

from unspun.model import Article
from unspun.nlp import parse_articles
from unspun.quotes import extract_quotes


def _speakers(text: str) -> list[str | None]:
    art = Article(id="a", title="t", text=text, source="a.txt")
    return [q.speaker for q in extract_quotes(art, parse_articles([art])["a"])]


def test_an_abbreviated_title_names_the_person_a_later_description_means():
    assert _speakers("Sen. Bernie Sanders (I-Vt.) spoke to voters in Iowa on Monday. The Vermont senator said the "
                     "economy was rigged against working families.") == ["Bernie Sanders"]
    assert _speakers("Gov. Rick Snyder faced calls to resign on Saturday. The Michigan governor said he would not "
                     "step down.") == ["Rick Snyder"]


def test_two_people_with_the_title_or_one_named_after_leave_the_description():
    assert _speakers("Sen. Bernie Sanders and Sen. Claire McCaskill spoke on Monday. The senator said the economy "
                     "was rigged.") == ["the senator"]
    assert _speakers("Bernie Sanders spoke in Iowa. The senator said the economy was rigged. Later, Sen. Claire "
                     "McCaskill said she backed Clinton.")[0] == "the senator"


def test_a_name_run_into_a_headline_is_no_full_name():
    text = ("Sen. Bernie Sanders said on Saturday that the war in Iraq was a disaster.\n\n"
            "Sanders said the invasion destabilized the region.\n\n"
            "Bernie Sanders Pins The Rise Of ISIS On Disastrous Invasion Of Iraq")
    assert set(_speakers(text)) == {"Bernie Sanders"}
