"""Story entities on the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspun.entities import NameIndex, _corrected_label, clean_name, is_junk, story_entities, strip_titles
from unspun.model import Article
from unspun.nlp import get_nlp, parse_articles

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"


@pytest.fixture(scope="module")
def seeds():
    arts = []
    for i, p in enumerate(sorted(SEEDS.glob("*.txt"))):
        title, _, body = p.read_text(encoding="utf-8").strip().partition("\n")
        arts.append(Article(id=p.stem, title=title, text=body.strip(), source=str(p),
                            outlet=None if i else "first.example"))
    return arts, parse_articles(arts)



def _by_name(article: Article, retag=None) -> dict:
    """The entities of a one-article story, by name; `retag(doc)` gives the spans the model is made to tag (its
    mistakes, set by hand so the test does not depend on what the model happens to get right)."""
    docs = parse_articles([article])
    if retag is not None:
        doc = docs[article.id]
        doc.ents = retag(doc)
    return {e.name: e for e in story_entities([article], docs)}


def test_seed_entities(seeds):
    arts, docs = seeds
    ents = story_entities(arts, docs)
    by_name = {e.name: e for e in ents}
    pompeo = by_name["Mike Pompeo"]
    assert pompeo.type == "PERSON" and pompeo.role == "main" and "Pompeo" in pompeo.aliases
    assert pompeo.count >= 10 and set(pompeo.article_ids) == {a.id for a in arts}
    # outlet None -> the article id is the key
    assert set(pompeo.per_outlet) == {"first.example", arts[1].id}
    assert sum(pompeo.per_outlet.values()) == pompeo.count
    assert "Pompeo" not in by_name and "Lavrov" not in by_name  # surnames fold into full names
    assert by_name["Sergei Lavrov"].type == "PERSON"
    assert by_name["Putin"].role == "main"
    # main actors first
    roles = [e.role for e in ents]
    assert roles == sorted(roles, key=["main", "secondary", "mentioned"].index)
    assert ents[0].name in ("Mike Pompeo", "Putin")
    assert by_name["United States"].count >= 5  # US / U.S. / USA folded
    assert not any(e.name in ("State",) for e in ents)


def test_headline_junk_is_filtered():
    nlp = get_nlp()
    art = Article(id="h", title="", source="t",
                  text="Russia Intends to Rebuild Relations with US, Putin Lauds 'objective' Mueller Report\n\n"
                       "Vladimir Putin met Mike Pompeo in Sochi. Putin said the report was objective.")
    ents = story_entities([art], {"h": nlp(art.text)})
    names = [e.name for e in ents]
    assert not any("Lauds" in n or "'" in n for n in names), names
    assert "Vladimir Putin" in names


def test_name_helpers():
    assert clean_name("“Putin Lauds '") == "Putin Lauds"
    assert clean_name("the Kremlin") == "Kremlin"
    # an editor's brackets go, their words stay; a bracket the span's edge left open cuts what it opens or closes
    assert clean_name("[Hillary] Clinton") == "Hillary Clinton" and clean_name("Hillary] Clinton") == "Hillary Clinton"
    assert clean_name("Trump (R-NY") == "Trump" and clean_name("(Reuters) Trump") == "Trump"
    assert clean_name("Foo (Bar) Baz") == "Foo (Bar) Baz"
    idx = NameIndex([("Secretary of State Mike Pompeo", "PERSON"), ("Pompeo", "PERSON")])
    assert idx.canonical("Pompeo", "PERSON") == "Mike Pompeo"
    assert idx.canonical("Secretary of State Mike Pompeo", "PERSON") == "Mike Pompeo"


def test_empty_and_deterministic(seeds):
    arts, docs = seeds
    assert story_entities([], {}) == []
    empty = Article(id="e", title="", text="", source="t")
    assert story_entities([empty], {"e": get_nlp()("")}) == []
    assert [e.to_dict() for e in story_entities(arts, docs)] == [e.to_dict() for e in story_entities(arts, docs)]


def test_split_first_name_joins_the_surname_but_nationality_does_not():
    text = ("Russian presidential aide Yury Ushakov said the deal was on track. "
            "Russian Putin-watchers disagreed, and Ushakov did not reply.")
    art = Article(id="a", title="Deal on track", text=text, source="a.txt")
    ents = _by_name(art)
    assert ents["Yury Ushakov"].type == "PERSON" and ents["Yury Ushakov"].count == 2  # "Ushakov" folds in
    assert "Yury" not in ents
    assert "Russian" in ents and ents["Russian"].type == "NORP"


def test_datelines_case_variants_and_state_abbreviations_are_the_place():
    text = ("ERIE, Pa. \u2014 A utility customer in Erie was billed $1,043 billion, officials said on Tuesday.\n\n"
            "The utility, which serves Erie and towns nearby in northwestern Pennsylvania, blamed an update.\n\n"
            "Its billing centre in Fresno, Calif., handled the refund, a spokeswoman said from Akron, Ohio.\n\n"
            "CARACAS (Reuters) - A Venezuelan customer saw the same error. Other Venezuelans were billed twice.")
    art = Article(id="a", title="Utility blames software for billion-dollar bill", text=text, source="a.txt")
    ents = _by_name(art)
    assert ents["Erie"].type == "GPE" and ents["Erie"].count == 3 and ents["Erie"].aliases == []  # "ERIE" folds in
    assert ents["Pennsylvania"].count == 2  # "Pa." is the state
    assert "California" in ents and ents["Caracas"].type == "GPE"
    assert ents["Venezuelan"].count == 2 and "Venezuelans" not in ents  # the group, as noun or adjective
    assert not {"ERIE", "Pa", "Pa.", "Calif", "CARACAS"} & set(ents)


def test_place_name_rules():
    from spacy.tokens import Span

    from unspun.entities import place_name
    doc = get_nlp().make_doc("LONDON \u2014 NATO met in Scranton, Penn. and in Erie, PA on Friday.")

    def span(word):
        i = next(t.i for t in doc if t.text == word)
        return Span(doc, i, i + 1 if word != "Penn" else i + 2, label="GPE")
    assert place_name(span("LONDON"), doc.text) == "London"  # a dateline
    assert place_name(span("NATO"), doc.text) is None  # capitals mid-sentence are an acronym, left as written
    assert place_name(span("PA"), doc.text) == "Pennsylvania"  # postal code after "City, "
    assert place_name(span("Penn"), doc.text) == ""  # an abbreviation no table resolves: dropped


def test_span_run_ons_are_cut_to_the_name():
    text = ("Nadia Brook: Back to Gallery. The court then heard from the witness, whose evidence was brief, and the "
            "judge thanked Nadia Brook for coming in person.\n\n"
            "Officials said Osei\u2019s Ghanaian supporters gathered outside the court.\n\n"
            "Fey plays Kate and Poehler\u2019s Maura is the responsible sister.")
    art = Article(id="r", title="Court hearing", text=text, source="r.txt")
    ents = _by_name(art)
    assert ents["Nadia Brook"].count == 2 and ents["Ghanaian"].type == "NORP" and ents["Maura"].type == "PERSON"
    assert not any(":" in n or "\u2019s" in n for n in ents), list(ents)
    credit = Article(id="c", title="Court hearing", source="c.txt",
                     text="Fans cheer in the stands. (Dana Whit/Associated Press) HOUSTON \u2014 The coach spoke.")
    names = [e.name for e in story_entities([credit], parse_articles([credit]))]
    assert names == ["Houston"]  # the photo credit is no name; the dateline after it is the place


def test_a_name_first_met_in_capitals_shows_as_running_text_writes_it():
    text = ("REP. JO BANDA (R-IN): And so let me go back to the risk in 2011, when the bridge was first inspected.\n\n"
            "JO BANDA: What kind of culture was created in the Transport Department?\n\n"
            "The question came from Rep. Jo Banda, an Indiana Republican. Banda asked it twice, NATO officials said.")
    ents = _by_name(Article(id="h", title="Bridge hearing", text=text, source="h.txt"))
    assert "Jo Banda" in ents and "JO BANDA" not in ents and ents["Jo Banda"].count >= 3
    assert "NATO" in ents  # an acronym keeps its capitals


def test_acronyms_credits_and_legal_forms_do_not_mislead_the_merge():
    text = ("North Korean leader Kim Jong Un watched the launch, state media said. The U.N. Security Council will meet "
            "on Friday.\n\nKim Jong Un said the test was a success. The U.N. condemned it, and Kim said nothing more."
            "\n\nQualcomm said it rejected the offer. Qualcomm Inc shares rose 2 percent, and Qualcomm will meet "
            "Broadcom.\n\nAFP Angela Merkel speaks in Berlin. Chancellor Angela Merkel said the talks would go on.")
    ents = _by_name(Article(id="k", title="Launch condemned", text=text, source="k.txt"))
    assert "U.N." not in ents["Kim Jong Un"].aliases and "U.N." in ents  # initials are nobody's surname
    assert ents["Qualcomm"].type == "ORG"  # "Qualcomm Inc": a firm, whatever the tagger voted
    assert "AFP Angela Merkel" not in ents and ents["Angela Merkel"].count == 2  # a photo credit's agency


def test_middle_initial_is_the_same_person():
    text = ("Senator Maria T. Lopez said the bill would pass, the Riverton Times-Herald reported. Critics of Maria "
            "Lopez disagreed.\n\nMaria Lopez later told the Riverton Times Herald she had the votes.")
    art = Article(id="m", title="Bill set to pass", text=text, source="m.txt")
    ents = _by_name(art)
    lopez = ents["Maria Lopez"]
    assert lopez.count == 3 and lopez.aliases == ["Maria T. Lopez"] and "Maria T. Lopez" not in ents
    assert len([n for n in ents if n.startswith("Riverton")]) == 1  # one paper, hyphenated or not


def test_first_names_legal_forms_and_names_tagged_org_are_one_entity():
    # the small model tags "Honey" and "Eamonn Callon" ORG here; "Kellogg Co" and "Kellogg" are one firm
    text = ("Toronto police said Honey Sherman and her husband were found dead in their home on Friday. Relatives "
            "said Honey had planned a trip. Friends described Honey as generous. \"It was pathetic,\" Mountain View "
            "resident Eamonn Callon said. Callon said he saw it happen. Kellogg Co said it would close the plant. "
            "Kellogg confirmed the closure on Tuesday. Kellogg said workers would be paid.")
    by_name = _by_name(Article(id="n", title="", text=text, source="t"))
    assert by_name["Honey Sherman"].type == "PERSON" and by_name["Honey Sherman"].count == 3
    assert by_name["Honey Sherman"].aliases == ["Honey"] and "Honey" not in by_name
    assert by_name["Eamonn Callon"].type == "PERSON" and by_name["Eamonn Callon"].count == 2
    assert by_name["Kellogg"].type == "ORG" and by_name["Kellogg"].count == 3 and "Kellogg Co" not in by_name
    # the first name alone is the full name as written, whatever other spellings it has ("Kim Ho")
    text = ("The letter is signed by Kim Sung Ho, a party secretary. In the letter, Kim thanks the general for his "
            "help. Kim Ho also asked for more technicians.")
    assert _by_name(Article(id="k", title="", text=text, source="t"))["Kim Sung Ho"].aliases == ["Kim"]


def test_amounts_codes_and_handles_are_not_names():
    text = ("CNN averaged 3.2 million viewers, Fox News followed with 2.1 million and MSNBC trailed with 850k. "
            "Follow the reporter at @JaneRoeNews for updates, and use #FloodWatch.")
    names = set(_by_name(Article(id="x", title="", text=text, source="t")))
    assert names == {"CNN", "Fox News", "MSNBC"}
    assert is_junk("A1", "PERSON") and is_junk("850k", "ORG") and not is_junk("NewsChannel 5", "ORG")
    assert clean_name("Donald Trump‘s") == "Donald Trump"
    assert is_junk("Det", "PERSON") and not is_junk("King", "PERSON")  # a title cut off its name; a surname
    assert is_junk("Group of", "ORG") and not is_junk("Bank of America", "ORG")  # a span cut short


def test_labels_corrected_by_the_name_itself():
    assert _corrected_label("Salesforce Tower", "PERSON") == "FAC"  # a building, whatever the tagger says
    assert _corrected_label("Valley Community Bank", "PERSON") == "ORG"
    assert _corrected_label("Tiffany Wilson", "ORG") == "PERSON"  # a sure given name and no organisation word
    assert _corrected_label("Morgan Stanley", "ORG") == "ORG"  # a unisex first name proves nothing
    assert _corrected_label("Terra Bella Avenue", "ORG") == "ORG"
    assert _corrected_label("Lisa Park", "PERSON") == "PERSON"  # surnames that are also place words stay people
    assert _corrected_label("Twitter", "PERSON") == "ORG"
    assert _corrected_label("Gunilla von Post", "ORG") == "PERSON"  # a particle inside the name
    assert strip_titles("Screenwriter Paula Pell") == "Paula Pell" and strip_titles("Musician Nelly") == "Nelly"
    # the place of a title ending in "of" goes with the title
    assert strip_titles("Mayor of London Sadiq Khan") == "Sadiq Khan"
    assert strip_titles("GM Ryan Pace") == "Ryan Pace" and strip_titles("GM CEO Mary Barra") == "Mary Barra"
    assert strip_titles("GM Korea") == "GM Korea"  # no person title: a name, not a title
    assert strip_titles("Governor of Texas Greg Abbott") == "Greg Abbott" and strip_titles("Mayor of Paris") == "Paris"


def test_a_group_is_not_folded_into_a_longer_group():
    text = "North Korean officials denied it. Korean and Japanese diplomats met on Friday."
    by_name = _by_name(Article(id="g", title="", text=text, source="t"))
    assert by_name["Korean"].count == 1 and by_name["North Korean"].aliases == []
    idx = NameIndex([("North Korean", "NORP")])
    assert idx.canonical("Korean", "NORP") == "Korean"


def test_accents_do_not_split_a_name():
    assert NameIndex([("Juan Guaido", "PERSON")]).canonical("Guaidó", "PERSON") == "Juan Guaido"
    text = "Nicolás Maduro spoke on Monday. Nicolas Maduro later left for Caracas with his aides."
    by_name = _by_name(Article(id="m", title="", text=text, source="t"))
    assert [n for n in by_name if "Maduro" in n] and sum("Maduro" in n for n in by_name) == 1


def test_a_storm_and_its_bare_name_are_one_event():
    text = ("Hurricane Sandy hit New Jersey on Monday. Sandy flooded the subway tunnels and cut power to millions. "
            "Superstorm Sandy was the largest Atlantic storm on record. Officials said Sandy killed 40 people.")
    by_name = _by_name(Article(id="s", title="", text=text, source="t"))
    storm = by_name["Hurricane Sandy"]
    assert storm.type == "EVENT" and storm.count == 3 and storm.aliases == ["Sandy", "Superstorm Sandy"]
    assert "Sandy" not in by_name and "Superstorm Sandy" not in by_name


def test_a_lone_name_the_text_follows_with_which_is_no_person():
    told = ("Knightscope makes security robots. A robot made by Knightscope was knocked over. Knightscope, {} is based "
            "in Mountain View, charges $7 an hour. Knightscope said the robot is fine.")
    assert _by_name(Article(id="w", title="", text=told.format("which"), source="t"))["Knightscope"].type == "ORG"
    # "who" (or nothing) leaves the vote as the tagger cast it
    assert _by_name(Article(id="p", title="", text=told.format("who"), source="t"))["Knightscope"].type == "PERSON"


def test_a_platform_owned_by_a_person_is_no_person():
    text = "By that measure, many of Jane Roe’s Facebook friends were not real friends at all. Facebook said little."
    assert _by_name(Article(id="f", title="", text=text, source="t"))["Facebook"].type == "ORG"  # the tagger: PERSON


def test_an_organisation_named_in_the_singular_and_the_plural_is_one():
    text = ("The Kenya Wildlife Service said two lions were shot near Nairobi National Park on Monday.\n\n"
            "Rangers from the Kenya Wildlife Services tracked the animals after residents complained, "
            "a spokesman for the Kenya Wildlife Service said.")
    art = Article(id="a", title="Lions shot near Nairobi park", text=text, source="a.txt")
    ents = _by_name(art)
    kws = [name for name in ents if name.startswith("Kenya Wildlife")]
    assert len(kws) == 1 and ents[kws[0]].count == 3


def test_a_picture_credit_run_into_a_name_is_not_part_of_it():
    from unspun.entities import clean_name

    assert clean_name("Reuters Equifax") == "Equifax" and clean_name("AFP Angela Merkel") == "Angela Merkel"
    assert clean_name("GETTY Bitcoin") == "Bitcoin"  # credits printed in capitals
    assert clean_name("Associated Press North Korea") == "North Korea"  # "(Associated Press) North Korea ..."
    assert clean_name("Associated Press Stylebook") == "Associated Press Stylebook"
    assert clean_name("Reuters Institute") == "Reuters Institute" and clean_name("AP") == "AP"
    assert clean_name("AP Photo") == "AP Photo"


def test_a_name_twice_in_a_row_is_the_name_once_when_the_story_names_it_once():
    ix = NameIndex([("Equifax", "ORG"), ("Equifax Equifax", "ORG"), ("Justin Timberlake", "PERSON"),
                    ("Justin Timberlake Justin Timberlake", "PERSON"), ("Dilly Dilly", "PERSON")])
    assert ix.canonical("Equifax Equifax", "ORG") == "Equifax"
    assert ix.canonical("Justin Timberlake Justin Timberlake", "PERSON") == "Justin Timberlake"
    assert ix.canonical("Timberlake", "PERSON") == "Justin Timberlake"  # the doubled form is no longer name
    assert ix.canonical("Dilly Dilly", "PERSON") == "Dilly Dilly"  # never named once: a name of its own
    text = ("Equifax said hackers accessed data on 143 million Americans.\n\n"
            "Equifax Equifax holds data on 800 million individuals, the company said in a filing.\n\n"
            "Shares of Equifax fell 13 percent on Friday.")
    ents = _by_name(Article(id="a", title="Equifax hack", text=text, source="a.txt"))
    assert "Equifax Equifax" not in ents and ents["Equifax"].count == 3


def test_a_family_name_first_names_the_one_person_spelt_two_ways():
    from unspun.entities import first_name_owners

    assert set(first_name_owners({"kim jong un": "Kim Jong Un", "kim jongun": "Kim Jong-un"})) == {"kim"}
    assert first_name_owners({"kim jong un": "Kim Jong Un", "kim yo jong": "Kim Yo Jong"}) == {}  # two people
    text = ("North Korean leader Kim Jong Un offered talks with the South on Monday.\n\n"
            "Kim Jong-un said the nuclear button was always on his desk. Kim also wished the Olympics success.")
    ents = _by_name(Article(id="k", title="Kim offers talks", text=text, source="k.txt"))
    kims = [n for n in ents if n.startswith("Kim")]
    assert len(kims) == 1 and ents[kims[0]].count == 3


def test_page_furniture_and_a_participle_run_into_a_name_are_cut():
    # the lead-in goes only where the rest is a name the story names elsewhere ("Rich Dauer" keeps "Rich")
    text = ("Enlarge Image Google said on Monday it would appeal the fine.\n\n"
            "The European Commission fined Google $2.7 billion. Google denied wrongdoing.\n\n"
            "Overjoyed Cubs fans celebrated in Chicago. The Cubs won the World Series, and fans of the Cubs wept.")
    ents = _by_name(Article(id="f", title="", text=text, source="t"))
    assert "Google" in ents and ents["Google"].type == "ORG" and not any(n.startswith("Enlarge") for n in ents)
    assert "Cubs" in ents and "Overjoyed Cubs" not in ents


def test_what_the_words_before_a_name_say_it_is():
    text = ("Nigeria said 21 schoolgirls abducted by the militant group Boko Haram were freed. Boko Haram has killed "
            "thousands, and Boko Haram fighters still hold others.\n\n"
            "The girls were taken from their school in the town of Chibok in 2014. Developers sold apps on the App "
            "Store, Apple said, and the App Store opened in 2008. A company called Harmony Enterprises gave $5,000.")
    ents = _by_name(Article(id="c", title="", text=text, source="t"))
    assert ents["Boko Haram"].type == "ORG" and ents["Chibok"].type == "GPE"  # the small model: PERSON, PERSON
    assert ents["App Store"].type == "ORG" and ents["Harmony Enterprises"].type == "ORG"
    # a person's name in that place is no organisation ("the Tom Brady of ...": a given name)
    text = "Analysts called him, if imprecisely, the Tom Brady of politics. Tom Brady did not comment."
    assert _by_name(Article(id="b", title="", text=text, source="t"))["Tom Brady"].type == "PERSON"


def test_split_names_and_names_cut_at_a_particle_are_joined():
    from spacy.tokens import Span

    from unspun.entities import _name_spans

    nlp = get_nlp()
    doc = nlp("Theresa May said on Tuesday that talks would go on, and Ilya Shapiro agreed.")
    doc.ents = [Span(doc, 0, 1, "GPE"), Span(doc, 1, 2, "DATE"), Span(doc, 13, 14, "ORG")]  # as the model cuts them
    assert [(s.text, lab) for s, lab in _name_spans(doc)] == [("Theresa May", "PERSON"), ("Ilya Shapiro", "PERSON")]
    doc = nlp("Russia Day fell on a Tuesday.")
    doc.ents = [Span(doc, 0, 1, "GPE"), Span(doc, 1, 2, "DATE")]
    assert [(s.text, lab) for s, lab in _name_spans(doc)] == [("Russia", "GPE"), ("Day", "DATE")]  # no given name
    text = ("Taliban insurgents attacked the consulate in Mazar-i-Sharif on Thursday. She directs Boston Center for "
            "the Arts, where the play premiered.")
    ents = _by_name(Article(id="m", title="", text=text, source="t"))
    assert "Mazar-i-Sharif" in ents and "Mazar" not in ents and "Boston Center for the Arts" in ents


def test_common_noun_acronyms_and_capitalised_common_nouns_are_no_names():
    text = ("Analysts say humans will spend $20 billion a year on AR and VR technologies by 2021.\n\n"
            "Ocean eddies carry heat across the basin. The ocean is full of them, Chris Hughes said.")
    ents = _by_name(Article(id="o", title="", text=text, source="t"))
    assert not {"AR", "VR", "Ocean"} & set(ents) and "Chris Hughes" in ents


def test_a_party_as_noun_and_adjective_is_one_group():
    text = ("Nearly all congressional Democrats opposed the plan. Democratic politicians typically oppose taxing "
            "consumption, and Democrats in the Senate said so.")
    ents = _by_name(Article(id="d", title="", text=text, source="t"))
    assert ents["Democrats"].count == 3 and "Democratic" not in ents


def test_a_name_takes_the_label_most_of_its_mentions_have():
    # "Bernie Sanders" tagged ORG where first met kept "Sanders" (a person) apart from him
    from unspun.entities import NameIndex as Index

    text = ("Bernie Sanders won the primary. Sanders said he would fight on. Bernie Sanders thanked voters, and "
            "Bernie Sanders spoke again on Sunday. Sanders left for Ohio.")
    from spacy.tokens import Span

    def first_as_org(doc):
        return [Span(doc, e.start, e.end, "ORG" if i == 0 else e.label_) for i, e in enumerate(doc.ents)]

    ents = _by_name(Article(id="s", title="", text=text, source="t"), first_as_org)
    assert ents["Bernie Sanders"].type == "PERSON" and "Sanders" not in ents, {n: e.type for n, e in ents.items()}
    assert Index([("Bernie Sanders", "ORG")]).full["bernie sanders"][1] == "ORG"  # the index itself is unchanged


def test_a_noun_before_a_name_says_it_is_a_work_a_product_a_firm_or_a_town():
    text = ("The singer shot to fame with her hit song Bodak Yellow. Bodak Yellow topped the charts. Rival headset "
            "maker Magic Leap raised money, and Magic Leap said so. The attack was in the northern Afghan city of "
            "Mazar-i-Sharif. Police in Mazar-i-Sharif said two died. Probes found ice in the Sirenum Fossae region "
            "of Mars, and Mars is cold.")
    ents = _by_name(Article(id="w", title="", text=text, source="t"))
    assert ents["Bodak Yellow"].type == "WORK_OF_ART" and ents["Magic Leap"].type == "ORG"  # the model: PERSON, PRODUCT
    assert ents["Mazar-i-Sharif"].type == "GPE" and ents["Mars"].type == "LOC"  # a town is a GPE; a region's planet not


def test_acronyms_the_text_defines_and_names_joined_by_and():
    from spacy.tokens import Span

    text = ("The European Space Agency (ESA) will launch the probe in May. ESA said the launch was on time, and the "
            "director of ESA spoke on Friday.")
    ents = _by_name(Article(id="e", title="", text=text, source="t"))
    esa = [e for n, e in ents.items() if n in ("ESA", "European Space Agency")]
    assert len(esa) == 1 and esa[0].count == 4
    # a span of two names the story also names apart (the model's "Facebook and Google"), as two mentions
    def retag(doc):
        words = [t.text for t in doc]
        last = len(words) - 1 - words[::-1].index("Facebook")
        spans = [Span(doc, 0, 1, "ORG"), Span(doc, words.index("Google"), words.index("Google") + 1, "ORG"),
                 Span(doc, last, last + 3, "ORG")]
        assert spans[-1].text == "Facebook and Google"
        return spans

    ents = _by_name(Article(id="f", title="", source="t", text="Facebook said it would act. Google declined to "
                                                                "comment. Facebook and Google dominate advertising."),
                    retag)
    assert "Facebook and Google" not in ents and ents["Facebook"].count == 2 and ents["Google"].count == 2


def test_a_participle_opening_a_sentence_is_no_name():
    from spacy.tokens import Span

    text = ("The talks ended on Friday. Conceding that a deal was likely, Obama said the US would wait. Beijing said "
            "little, and officials in Beijing were silent.")
    def retag(doc):  # as the model tags it
        at = [t.text for t in doc].index("Conceding")
        return sorted([*doc.ents, Span(doc, at, at + 1, "PERSON")], key=lambda e: e.start)

    ents = _by_name(Article(id="p", title="", text=text, source="t"), retag)
    assert "Conceding" not in ents and ents["Beijing"].count == 2  # "Beijing said" opens a sentence too


def test_a_korean_family_name_alone_names_the_one_person_it_opens():
    index = NameIndex([("Kim Jong Un", "PERSON"), ("Kim Jong-un", "PERSON"), ("Moon Jae-in", "PERSON"),
                       ("Moon Village", "GPE")])
    assert index.canonical("Kim") == "Kim Jong-un"  # two spellings of one name
    assert index.canonical("Moon", "PERSON") == "Moon Jae-in"
    assert index.canonical("Moon", "GPE") == "Moon"
    index.add("Kim Yo-jong", "PERSON")
    assert index.canonical("Kim") == "Kim"  # two Kims: left as written
    # a surname-last name does not answer for its first word
    assert NameIndex([("Moon Unit", "PERSON")]).canonical("Moon") == "Moon"


def test_a_korean_given_name_cut_at_its_hyphen_is_joined():
    art = Article(id="k", title="", text="South Korean President Moon Jae-in met officials in Seoul on Monday. "
                  "Moon said talks would go on.", source="k")
    names = {e.name for e in story_entities([art], parse_articles([art]))}
    assert "Moon Jae-in" in names and "Moon Jae" not in names and "Moon" not in names


def test_a_role_after_the_words_that_say_whose_it_is_goes_with_them():
    assert strip_titles("Athens County Prosecutor Keller Blackburn") == "Keller Blackburn"
    assert strip_titles("South Korean President Moon Jae-in") == "Moon Jae-in"
    assert strip_titles("External Affairs Ministry Spokesperson Raveesh Kumar") == "Raveesh Kumar"
    assert strip_titles("Broadcom Chief Executive Officer Hock Tan") == "Hock Tan"
    # not when what follows is no person's name, nor in a description
    assert strip_titles("Massachusetts Governor Council Committee") == "Massachusetts Governor Council Committee"
    assert strip_titles("a spokesman for Russian President Vladimir Putin") == \
        "a spokesman for Russian President Vladimir Putin"
    assert strip_titles("model and TV personality") == "model and TV personality"
    assert strip_titles("") == "" and strip_titles("Mr") == "Mr"


def test_a_tabloid_kicker_in_capitals_is_no_part_of_the_name_after_it():
    assert clean_name("FOLDING PATENT Samsung") == "Samsung"
    assert clean_name("TALL STORY Astronaut") == "Astronaut"
    # names in capitals stay
    assert clean_name("BBC World Service") == "BBC World Service" and clean_name("ABC NEWS") == "ABC NEWS"
    # a speech verb the tagger ran into a name goes with what follows it; a capitalised "Said" is a name
    assert clean_name("Sweeting told Gizmodo") == "Sweeting" and clean_name("Nasser Said") == "Nasser Said"
    # a headline's descriptor in lower case before the name goes; a name's own lower-case words stay
    assert clean_name("Credit company Equifax") == "Equifax"
    assert [clean_name(n) for n in ("Bank of America", "Stratford upon Avon", "Trinidad and Tobago")] == [
        "Bank of America", "Stratford upon Avon", "Trinidad and Tobago"]
