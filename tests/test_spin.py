"""Spin: what each outlet leads with and which facts only one outlet reports."""

from __future__ import annotations

from decimal import Decimal

from unspun.model import Article
from unspun.spin import Figure, figures, lead_sentence, same_figure, single_source_facts, specific_figures, story_spin


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
    assert lead_sentence(credited) == "Roethlisberger told his teammates to stay calm."
    credit_at_end = ["Cornerback Artie Burns intercepts a pass in the fourth quarter (Christian Smith/AP/PA)",
                     "The Pittsburgh Steelers dominated the Houston Texans with a touchdown in each quarter."]
    assert lead_sentence(credit_at_end) == credit_at_end[1]
    byline = ["/ Source: TODAY By A. Pawlowski", "Laura Carson was a healthy, active 4-year-old before she fell ill."]
    assert lead_sentence(byline) == byline[1]
    title = "Clinton and Sanders face the voters in N.H.; Health care and education among top issues at town hall"
    deck = ["Clinton and Sanders face the voters in N.H.;", "Health care and education among top issues at town hall.",
            "Hillary Clinton and Bernie Sanders answered voters' questions in Derry on Wednesday night."]
    assert lead_sentence(deck, title) == deck[2]  # the headline's pieces are not the lead


def test_lead_drops_headline_run_into_first_sentence():
    title = "Homeowner Questions Exceedingly High Electric Bill"
    sents = [f"{title} Mary Horomanski of Erie, Pa., received a bill of more than $284 billion."]
    assert lead_sentence(sents, title) == "Mary Horomanski of Erie, Pa., received a bill of more than $284 billion."


def test_lead_drops_dateline_and_outlet_tag():
    wire = ["WASHINGTON (AP) \u2014 The Senate passed a bill on Tuesday to fund the highway program for two years."]
    assert lead_sentence(wire) == "The Senate passed a bill on Tuesday to fund the highway program for two years."
    tagged = ["(CNN) A freight train left the tracks near the river on Sunday, closing the line."]
    assert lead_sentence(tagged) == "A freight train left the tracks near the river on Sunday, closing the line."
    assert lead_sentence(["(CNN) Too short here."]) == "Too short here."  # the fallback too


def test_lead_falls_back_to_first_sentence():
    assert lead_sentence(["Short one.", "Also short."]) == "Short one."
    assert lead_sentence([]) == ""


def test_lead_past_page_furniture():
    furniture = ["Riverton, OR (97301)", "Today", "Showers early, then cloudy", "High 58F.", "Winds W at 10 to 15 mph.",
                 "Trending: Five things to do this weekend", "Sign up for our newsletter"]
    lead = "The city council voted 6-1 on Monday to close the old ferry landing for a year of repairs."
    assert lead_sentence(furniture + [lead]) == lead


def test_story_spin_reports_chosen_lead():
    arts = [_art("a", "one.com"), _art("b", "two.com")]
    sents = [["NEW YORK \u2014", "Two New York City subway work trains collided in a tunnel, injuring one person."],
             ["Authorities say two subway work trains have collided in a tunnel under the East River."]]
    leads = story_spin(arts, sents)["leads"]
    assert [x["lead"] for x in leads] == [sents[0][1], sents[1][0]]


def test_specific_figures():
    figs = specific_figures("She owed $284,460.12 by 5:52 p.m. in 2017, 21 days and 3.5 hours later.")
    assert figs == [Figure(Decimal("284460.12"), Decimal("0.01"), "money"), Figure(Decimal(352), Decimal(1), "time")]
    assert specific_figures("a $1.5 billion deal") == [Figure(Decimal("1.5E9"), Decimal("1E8"), "money")]
    assert specific_figures("version 10.5.2 of the 1990s app") == []


def test_same_figure_across_formats():
    def fig(text):
        (f,) = figures(text)
        return f
    assert same_figure(fig("a bill of $1,043.17"), fig("1043.17 dollars"))
    assert same_figure(fig("$1,043.17"), fig("about $1,043"))  # rounded in the retelling
    assert same_figure(fig("$2.4 billion"), fig("2,400,000,000 dollars"))
    assert same_figure(fig("a 12.5% rise"), fig("12.5 percent"))
    assert not same_figure(fig("$1,043.17"), fig("$1,043 billion"))  # the same digits, another amount
    assert not same_figure(fig("$1.5 million"), fig("$2 million"))  # too coarse to be the same figure
    assert not same_figure(fig("$104.50"), fig("104.50%"))


def test_same_figure_in_other_words_and_formats_is_not_exclusive():
    arts = [_art("a", "one.com"), _art("b", "two.com"), _art("c", "three.com")]
    sents = [["After the error was found the water board said the household really owed $1,043.17 for the quarter.",
              SUBWAY],
             ["A spokesman confirmed the family's corrected total: 1043.17 dollars, payable over three months.",
              "The family first saw a water bill of $1,043 billion on the utility's website, its lawyer said."],
             ["Hartwell Water put the real figure at about $1,043, a fraction of what its online portal showed.",
              "The utility's chief executive Dana Whitcombe blamed a software update installed on 14 October."]]
    texts = [f["text"] for f in single_source_facts(arts, sents)]
    assert not any("1,043.17" in t or "1043.17" in t or "about $1,043" in t for t in texts)
    assert sents[1][1] in texts  # "$1,043 billion" is not the corrected "$1,043": that sentence is only here
    assert sents[2][1] in texts


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


def test_derived_title_is_no_headline():
    lead = "Flood water reached the second floor of the county hospital on Friday, officials said."
    arts = [Article(id="a", title=lead, title_derived=True, text="", source="t", outlet="one.com"),
            Article(id="b", title="River floods county hospital", text="", source="t", outlet="two.com"),
            Article(id="c", title="Hospital evacuated as river rises", text="", source="t", outlet="three.com")]
    sents = [[lead, "Patients were moved to a school gym by volunteers and the national guard."],
             ["The river rose four metres overnight after a week of storms across the valley."],
             ["Doctors moved forty patients from the county hospital to a school gym on Friday."]]
    spin = story_spin(arts, sents)
    assert [h["article_id"] for h in spin["headlines"]] == ["b", "c"]  # the lead is not compared as a headline
    assert spin["headlines"][0]["distinctive_words"] == ["county", "floods"]  # the lead's "county" does not count
    assert spin["leads"][0]["lead"] == lead


def test_headline_words_lose_their_quote_marks():
    arts = [_art("a", "one.com", "Police chief slams NYE 'Safe Zone' for women"),
            _art("b", "two.com", "Berlin sets up a safety area for women. Investors Don\u2019t Bite")]
    spin = story_spin(arts, [["The police chief spoke on Friday about the plan."], ["Berlin set up the area."]])
    assert spin["headlines"][0]["distinctive_words"] == ["chief", "nye", "police", "safe", "slams", "zone"]
    assert "don't" in spin["headlines"][1]["distinctive_words"]  # one word, not "don" and "t"


def test_teasers_tweets_credits_and_captions_are_neither_leads_nor_facts():
    teaser = "Harbour bridge reopens to traffic after six-week repair on its eastern span"  # a headline, no full stop
    lead = "The harbour bridge reopened on Monday after engineers replaced 40 cables on its eastern span."
    assert lead_sentence([teaser, lead]) == lead
    arts = [_art("a", "one.com"), _art("b", "two.com")]
    junk = ["\u2022 Riverton, Ore., where the old ferry landing was closed for repairs in March",
            "Back in business pic.twitter.com/x1Y2z3 \u2014 Port of Riverton (@portriverton) May 2, 2022",
            "(Additional reporting by Lena Ortiz in Salem; Editing by Tom Hale and Ruth Grady)",
            "Cars cross the harbour bridge in Riverton on Monday, May 2, 2022 after its reopening.",
            "Riverton Rapids guard Sam Cole (11) drives past Eli Park during the second half on Sunday.",
            "\u25ba May 3: Could your town's bridge be next to close for repairs?",
            "Hide Caption 4 of 12 Photos: The harbour bridge reopens Crowds cheer as the first cars cross in Riverton.",
            "Story highlights Mayor: the bridge is \"safer than ever,\" says cost of the repair was ...",
            "the bridge is safe and the repair was worth every cent,\" the mayor of Riverton, Jo Banda, said.",
            "This is wrong,\u201d Riverton councillor Eli Park told the Herald on Monday.",  # a quotation's tail
            "Lena Ortiz in Salem and Tom Hale in Riverton contributed to this report.",
            "| Jo Lane/AP photo riverton Bridge repairs stoke concern about the town's budget The mayor is accused of "
            "waste.",
            "A handout photo from the Riverton Port Authority shows the new cables on the eastern span, May 2, 2022.",
            "This image provided by the harbour master shows the first cars crossing the bridge.",
            "[Editor\u2019s note: Details of the Riverton Port Authority's 2021 audit follow below.]"]
    fact = "The repair cost the Riverton Port Authority $3.2 million, its finance director Kim Osei said."
    sents = [[lead] + junk + [fact], ["Ferries ran every twenty minutes across the harbour while the bridge was shut."]]
    texts = [f["text"] for f in single_source_facts(arts, sents)]
    assert fact in texts and not set(junk) & set(texts)
    credited = ["Riverton Rapids guard Sam Cole drives past Eli Park in the second half.",
                "(Jo Lane/Riverton Herald) RIVERTON \u2014 The bridge reopened after repairs costing $3.2 million."]
    assert lead_sentence(["[Photo/Agencies] The bridge reopened on Monday after repairs costing $3.2 million."]) == \
        "The bridge reopened on Monday after repairs costing $3.2 million."
    (fact,) = single_source_facts(arts, [credited, sents[1]])
    assert fact["text"] == "The bridge reopened after repairs costing $3.2 million."  # nor its dateline


def test_opinions_statements_and_questions_are_no_facts():
    arts = [_art("a", "one.com"), _art("b", "two.com")]
    fact = "Treasurer Ilse Moravec said the repairs would cost the town about $40,000 in fees."
    personal = ["The attacks by the Valley Council on Mayor Banda and me are just another attempt to stop the bridge.",
                "And I bet there are a lot of Riverton Port Authority emails in there from 2011 too.",
                "As you can clearly see, the Riverton bridge is fitted with 40 new cables.",
                "Why did the Valley Council wait until 2012 to inspect the Riverton bridge cables?"]
    quoted = 'Mayor Jo Banda said: "We will reopen the Riverton bridge by May 3."'
    cut = 'Engineer Kim Osei of Riverton Port explained: "We wanted to know how much load the 40 cables take.'
    sents = [[fact, *personal, quoted, cut], ["The river rose four metres overnight after a week of storms."]]
    texts = [f["text"] for f in single_source_facts(arts, sents)]
    assert {fact, quoted, cut} <= set(texts)  # first person inside a quote (closed or not) is the speaker's, reported
    named = ["In January, regulators shut down My Big Coin, a scheme that had attracted $6 million from savers.",
             "The Riverton bridge, built after World War I by the Valley Council, carried 9,000 cars a day."]
    assert set(named) <= {f["text"] for f in single_source_facts(arts, [named, sents[1]])}  # names, not voices
    assert not set(personal) & set(texts)


def test_a_lead_retelling_what_the_others_report_in_several_sentences_is_not_exclusive():
    # no sentence of two.com is close to one.com's lead, but together they carry nearly all of its words
    arts = [_art("a", "one.com"), _art("b", "two.com")]
    lead = "Citing unsafe conditions, the Valley Council cancelled the river festival on Saturday, its chair said."
    sents = [[lead, "Treasurer Ilse Moravec said the cancellation would cost the town about $40,000 in fees."],
             ["Organisers of the river festival had sold tickets for months before the rain came.",
              "The Valley Council chair spoke to reporters outside the flooded town hall on Friday evening.",
              "Engineers inspected the banks and found conditions unsafe for crowds near the water.",
              "Citing the forecast, the mayor called off the parade that had been planned for Saturday."]]
    texts = [f["text"] for f in single_source_facts(arts, sents)]
    assert lead not in texts
    assert sents[0][1] in texts  # the treasurer and the cost are only in one.com


def test_contributor_lines_and_captions_without_a_comma_are_no_facts():
    arts = [_art("a", "one.com"), _art("b", "two.com")]
    sents = [["Jo Roe, Al Poe and Kim Lee contributed.",
              "Flood water covers North Beach Avenue in Port Hale, N.J., Monday Oct. 29, 2012.",
              "Treasurer Ilse Moravec said the repairs would cost the town about $40,000 in fees."],
             ["The river rose four metres overnight after a week of storms across the valley."]]
    assert [f["text"] for f in single_source_facts(arts, sents)] == [sents[0][2]]


def test_present_tense_scene_captions_are_no_leads_or_facts():
    arts = [_art("a", "one.com"), _art("b", "two.com")]
    sents = [["People watch a television broadcast of the rocket launch at the Riverton station on Saturday in "
              "Riverton, North Valley.",
              "The trail of the rocket is seen from the border town of Hale on Feb. 7, around noon.",
              "The agency said the rocket flew 1,200 kilometres before falling into the sea."],
             ["Officials said people watched the launch on Saturday in Riverton, North Valley, and then went home."]]
    facts = [f["text"] for f in single_source_facts(arts, sents)]
    assert sents[0][2] in facts and not set(sents[0][:2]) & set(facts)
    assert lead_sentence(sents[0]) == sents[0][2]
    # prose that looks like one: a reporting verb, or "seen as"
    for prose in ["The senator stands by her vote, she said on Monday in Riverton, North Valley.",
                  "The governor is seen as the main winner of the talks."]:
        assert lead_sentence([prose, sents[0][2]]) == prose


def test_headline_words_of_other_languages_keep_their_letters_and_lose_their_stop_words():
    arts = [Article(id="a", title="Niederlage für Johnson: Parlament vertagt Votum über Brexit-Deal", text="",
                    source="t", outlet="one.de", language="de"),
            Article(id="b", title="Der Nervenkrieg um den Brexit geht in die nächste Runde", text="", source="t",
                    outlet="two.ch", language="de")]
    spin = story_spin(arts, [["Das Parlament hat vertagt."], ["Der Brexit geht weiter."]])
    words = spin["headlines"][1]["distinctive_words"]
    assert "nächste" in words and "chste" not in words  # letters of any script
    assert not {"der", "den", "die"} & set(words)  # German stop words


def test_stop_words_of_a_language_do_not_load_its_spacy_pipeline_package():
    # spacy.lang.fr builds its tokenizer exceptions on import (~1.8 CPU s in every worker); the list is read alone
    import subprocess
    import sys

    code = ("import sys\nfrom unspun.spin import _stop_words\nassert 'le' in _stop_words('fr')\n"
            "print('spacy.lang.fr' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False"]
