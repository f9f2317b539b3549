"""Datelines and the stand-in titles of untitled inputs (texts written for the tests)."""

from unspun.ingest.common import derive_title, match_dateline, strip_dateline


def test_colon_datelines_are_datelines():
    for text, rest in (("LAHORE: An enraged mob attacked the kiln on Tuesday.", "An enraged mob attacked"),
                       ("WASHINGTON: The Senate voted 52-48 on Friday.", "The Senate voted"),
                       ("NEW DELHI: “We will not wait,” the minister said.", "“We will not wait,”")):
        assert strip_dateline(text).startswith(rest), text


def test_a_dateline_rule_eats_no_sentence():
    for text in ("Note: this is a developing story.",
                 "He said: 'yes' and left the room.",
                 "EDITOR'S NOTE: This story has been updated.",
                 "UPDATE: Police said the road has reopened.",
                 "The U.S.: a nation divided over the bridge.",
                 "Mr. Lee: The plan will not work."):
        assert match_dateline(text) is None, text


def test_wire_datelines_with_a_date():
    assert strip_dateline("NEW YORK, Jan 5 (Reuters) - Stocks fell on Monday.") == "Stocks fell on Monday."
    assert strip_dateline("LIMA, Dec. 1 (Reuters) - Peru's congress voted.") == "Peru's congress voted."
    assert strip_dateline("HONOLULU (AP) — A preschool closed.") == "A preschool closed."


def test_a_column_kicker_goes_like_a_dateline():
    assert strip_dateline("THE FACT CHECKER | Rep. Jo Banda said the bridge was safe.") == \
        "Rep. Jo Banda said the bridge was safe."
    assert match_dateline("Rain | Wind | Snow: the week ahead") is None  # not capitals


def test_page_furniture_is_no_derived_title():
    body = ("Image copyright Getty Images Image caption The mayor at the flooded bridge\n\n"
            "LAHORE: The river rose two metres overnight and closed the old bridge. Crews worked until dawn.")
    assert derive_title(body) == "The river rose two metres overnight and closed the old bridge."
    assert derive_title("Play Facebook\n\nPhoto\n\nThe council voted to rebuild the bridge by spring.") == \
        "The council voted to rebuild the bridge by spring."
    # a text that is all furniture keeps its first line (cleaning then reports the article)
    assert derive_title("Advertisement") == "Advertisement"


def test_derived_title_ends_at_a_quote_closing_its_sentence_and_loses_an_opening_dash():
    assert derive_title("Dr. Jo Lane studies the flood in \u2018Valley: The Lost Bridge.\u2019 Lane and her team "
                        "spent two years on the film, which airs on Sunday night.") == \
        "Dr. Jo Lane studies the flood in \u2018Valley: The Lost Bridge.\u2019"
    assert derive_title("\u2014 Where are the bodies?\n\nThe search went on for a week.") == "Where are the bodies?"


def test_a_date_stamp_opening_a_post_goes_like_a_dateline():
    assert strip_dateline("September 5, 2014: Keeping customers is hard.") == "Keeping customers is hard."
    assert strip_dateline("Jan. 5, 2019 -- The vote was held.") == "The vote was held."
    assert strip_dateline("12 March 2020 - The city closed its parks.") == "The city closed its parks."
    for text in ("May 5, 2014 was the day the bridge fell.", "March 3, 2019: a day to forget."):
        assert match_dateline(text) is None, text


def test_a_derived_title_skips_a_label_line_and_cuts_at_a_bar():
    body = "The flood closed the old bridge on Friday, officials said. Crews worked until dawn."
    assert derive_title("CHRISTCHURCH, New Zealand |\n\nCHRISTCHURCH, New Zealand (Reuters) - " + body) == \
        "The flood closed the old bridge on Friday, officials said."
    assert derive_title("The mayor walked to the flooded bridge on Friday. | Getty Mayor visits bridge\n\n" + body) \
        == "The mayor walked to the flooded bridge on Friday."
    assert derive_title("Home | News\n" + body) == "The flood closed the old bridge on Friday, officials said."
    assert derive_title("Flood shuts bridge\n\n" + body) == "Flood shuts bridge"  # a short headline without bars stays


def test_a_derived_title_ends_after_a_capitalised_word_when_a_new_sentence_follows():
    assert derive_title("Shoppers feel the pinch of the new Beverage Tax. At Costco, a case of soda costs $10 more.") \
        == "Shoppers feel the pinch of the new Beverage Tax."
    assert derive_title("Gov. Jo Lane of Calif. Al Poe said the state would sue over the bridge.") == \
        "Gov. Jo Lane of Calif. Al Poe said the state would sue over the bridge."  # an abbreviation, then a name


def test_title_case_datelines_go_and_names_with_brackets_or_titles_stay():
    for text, rest in (("Hong Kong (CNN Business)A muddled view of the talks weighs on investors.", "A muddled view"),
                       ("Indianapolis – Several thousand teachers rallied at the Statehouse.", "Several thousand"),
                       ("Dekalb, Ill. — Mike Glass threw for three touchdowns.", "Mike Glass threw"),
                       ("West Palm Beach, Florida (CNN) President Trump said he was disappointed.", "President Trump"),
                       ("New York, NY – With engagement moving to phones, ad units change.", "With engagement")):
        assert strip_dateline(text).startswith(rest), text
    for text in ("The Transportation Security Administration (TSA) Said the lines were short.",
                 "Michael A. (Mike) Smith was there on Monday.",
                 "Mr. Lee – The plan will not work, he said.",
                 "Detroit is a city in Michigan – Its mayor said so."):
        assert match_dateline(text) is None, text
