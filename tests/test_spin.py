"""Spin: what each outlet leads with and which facts only one outlet reports."""

from __future__ import annotations

from unspun.model import Article
from unspun.spin import lead_sentence, single_source_facts, specific_figures, story_spin


def _art(i: str, outlet: str, title: str = "") -> Article:
    return Article(id=i, title=title, text="", source="t", outlet=outlet)


def test_lead_skips_datelines_captions_and_bylines():
    # AP copy split by the sentence splitter: the dateline alone is not what the story leads with
    sents = ["ERIE, Pa. \u2014", "A Pennsylvania woman says she was stunned to find her electric bill was $284bn."]
    assert lead_sentence(sents) == sents[1]
    caption = ["FILE - In this Sept. 30, 2016, file photo, Singer Rihanna poses for photographers in Paris.",
               "Rihanna is mourning the death of her cousin and calling an end to gun violence."]
    assert lead_sentence(caption) == caption[1]
    bbc = ["Image copyright AFP Image caption Timbuktu's mud and wood architecture is unique in the world",
           "Malians lined up outside gas stations as the landlocked West African nation braced itself."]
    assert lead_sentence(bbc) == bbc[1]
    credited = ["Ben Roethlisberger scrambles away from linebacker Ufomba Kamalu during the first half in Houston.",
                "(Michael Wyke/Associated Press) HOUSTON \u2014 Roethlisberger told his teammates to stay calm."]
    assert lead_sentence(credited) == "HOUSTON \u2014 Roethlisberger told his teammates to stay calm."
    credit_at_end = ["Cornerback Artie Burns intercepts a pass in the fourth quarter (Christian Smith/AP/PA)",
                     "The Pittsburgh Steelers dominated the Houston Texans with a touchdown in each quarter."]
    assert lead_sentence(credit_at_end) == credit_at_end[1]
    byline = ["/ Source: TODAY By A. Pawlowski", "Laura Carson was a healthy, active 4-year-old before she fell ill."]
    assert lead_sentence(byline) == byline[1]


def test_lead_drops_headline_run_into_first_sentence():
    title = "Homeowner Questions Exceedingly High Electric Bill"
    sents = [f"{title} Mary Horomanski of Erie, Pa., received a bill of more than $284 billion."]
    assert lead_sentence(sents, title) == "Mary Horomanski of Erie, Pa., received a bill of more than $284 billion."


def test_lead_falls_back_to_first_sentence():
    assert lead_sentence(["Short one.", "Also short."]) == "Short one."
    assert lead_sentence([]) == ""


def test_story_spin_reports_chosen_lead():
    arts = [_art("a", "one.com"), _art("b", "two.com")]
    sents = [["NEW YORK \u2014", "Two New York City subway work trains collided in a tunnel, injuring one person."],
             ["Authorities say two subway work trains have collided in a tunnel under the East River."]]
    leads = story_spin(arts, sents)["leads"]
    assert [x["lead"] for x in leads] == [sents[0][1], sents[1][0]]


def test_specific_figures():
    assert specific_figures("She owed $284,460.12 by 5:52 p.m. in 2017, 21 days and 3.5 hours later.") == {
        "284460.12", "5:52"}


SUBWAY = "Fire officials said the tunnel under the East River was closed to traffic for about five hours."


def test_paraphrase_with_the_same_figures_is_not_exclusive():
    arts = [_art("a", "one.com"), _art("b", "two.com")]
    sents = [["The electricity provider later said the actual amount owed was $284.46 after the correction.", SUBWAY],
             ["Her new amount was quickly corrected to $284.46 by Penelec, the utility in Erie.",
              "Mark Durbin of First Energy said he has never seen a bill for billions of dollars in his career."]]
    facts = single_source_facts(arts, sents)
    texts = [f["text"] for f in facts]
    assert sents[0][0] not in texts and sents[1][0] not in texts  # the same $284.46 correction, in other words
    assert sents[1][1] in texts  # a fact no other outlet carries is still listed


def test_outlet_repeating_a_fact_lists_it_once():
    arts = [_art("a", "one.com"), _art("b", "two.com")]
    repeated = "But do take note of the dating on the Galaxy components, seen at the top: 21st of August, 2017."
    sents = [[repeated, "Samsung Electronics is expected to unveil the Galaxy phones in Las Vegas.", repeated],
             ["Apple removed the headphone jack from the iPhone 7 in a move critics called courageous."]]
    texts = [f["text"] for f in single_source_facts(arts, sents) if f["article_id"] == "a"]
    assert texts.count(repeated) == 1
