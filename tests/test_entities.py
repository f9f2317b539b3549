"""Story entities on the seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspun.entities import NameIndex, clean_name, story_entities
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



def _by_name(article: Article) -> dict:
    """The entities of a one-article story, by name."""
    return {e.name: e for e in story_entities([article], parse_articles([article]))}

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


def test_middle_initial_is_the_same_person():
    text = ("Senator Maria T. Lopez said the bill would pass, the Riverton Times-Herald reported. Critics of Maria "
            "Lopez disagreed.\n\nMaria Lopez later told the Riverton Times Herald she had the votes.")
    art = Article(id="m", title="Bill set to pass", text=text, source="m.txt")
    ents = _by_name(art)
    lopez = ents["Maria Lopez"]
    assert lopez.count == 3 and lopez.aliases == ["Maria T. Lopez"] and "Maria T. Lopez" not in ents
    assert len([n for n in ents if n.startswith("Riverton")]) == 1  # one paper, hyphenated or not
