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
        arts.append(Article(id=p.stem, title=title, text=body.strip(), source=str(p), outlet=None if i else "first.example"))
    return arts, parse_articles(arts)


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
    ents = {e.name: e for e in story_entities([art], parse_articles([art]))}
    assert ents["Yury Ushakov"].type == "PERSON" and ents["Yury Ushakov"].count == 2  # "Ushakov" folds in
    assert "Yury" not in ents
    assert "Russian" in ents and ents["Russian"].type == "NORP"
