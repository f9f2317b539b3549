"""Copy map: direction only where publish dates separate the carriers, listings earliest first."""

from __future__ import annotations

from unspun.model import Article
from unspun.provenance import analyze

WIRE = "The tourist ship struck a pillar of the highway bridge near Duisburg on Tuesday evening, police said."
OWN = ["Our reporter spoke to passengers who described a loud bang and panic on the lower deck.",
       "Local officials promised an inquiry into how the ship drifted off course in the current.",
       "Shipping on the Rhine resumed on Wednesday after engineers inspected the bridge carefully."]


def _art(i: str, date: str | None) -> Article:
    return Article(id=i, title="", text="", source="t", date=date)


def test_direction_and_earliest_first_listing():
    # ids chosen so that id order is the reverse of publication order
    arts = [_art("z-first", "2017-12-26"), _art("m-second", "2017-12-27"), _art("a-third", "2017-12-28")]
    sents = [[WIRE, OWN[0]], [WIRE, OWN[1]], [WIRE, OWN[2]]]
    passages, copy_map = analyze(arts, sents)
    assert len(passages) == 1 and passages[0].directed and passages[0].source == "z-first"
    first, second, _third = copy_map
    assert first["copied_by"] == ["m-second", "a-third"]  # earliest first, not by id
    assert second["reused_from"] == [{"article_id": "z-first", "words": len(WIRE.split())}]
    assert first["reused_share"] == 0 and second["reused_share"] > 0


def test_same_day_or_undated_reuse_is_undirected():
    for dates in (("2017-12-27", "2017-12-27"), ("2017-12-26", None)):
        arts = [_art("a", dates[0]), _art("b", dates[1])]
        passages, copy_map = analyze(arts, [[WIRE, OWN[0]], [WIRE, OWN[1]]])
        assert [(p.directed, p.source) for p in passages] == [(False, None)]
        assert all(c["reused_share"] == 0 and c["shared_share"] > 0 and not c["copied_by"] for c in copy_map)


def test_a_shared_quotation_is_not_copying():
    quote = "\u201cWe heard a bang and then the whole deck tilted towards the water,\u201d said passenger Ana Ruiz."
    arts = [_art("a", "2017-12-26"), _art("b", "2017-12-27")]
    passages, copy_map = analyze(arts, [[quote, OWN[0]], [quote, OWN[1]]])
    assert passages == [] and copy_map[1]["reused_share"] == 0  # both quote the passenger
    passages, copy_map = analyze(arts, [[WIRE, quote, OWN[0]], [WIRE, quote, OWN[1]]])
    assert [p.text for p in passages] == [f"{WIRE} {quote}"]  # copied with the reporting around it, it counts
    assert copy_map[1]["reused_share"] > 0.5


def test_a_shared_embedded_post_is_not_copying():
    post = (".@rhinepolice says the bridge is closed to traffic until further notice pic.twitter.com/Ab12Cd34 "
            "\u2014 Jane Roe (@janeroe) December 26, 2017")
    arts = [_art("a", "2017-12-26"), _art("b", "2017-12-27")]
    passages, copy_map = analyze(arts, [[post, OWN[0]], [post, OWN[1]]])
    assert passages == [] and copy_map[1]["reused_share"] == 0  # both show the same tweet


def test_a_statement_quoted_over_several_sentences_or_in_single_quotes_is_not_copying():
    arts = [_art("a", "2017-12-26"), _art("b", "2017-12-27")]
    statement = ['She wrote: "The crew did everything right on the night.',
                 "The ship had been inspected in March and passed every test.",
                 'We will cooperate fully with the inquiry into the accident."']
    single = "'We heard a bang and then the whole deck tilted towards the water,' said passenger Ana Ruiz."
    passages, copy_map = analyze(arts, [[*statement, single, OWN[0]], [*statement, single, OWN[1]]])
    assert passages == [] and copy_map[1]["reused_share"] == 0
    # the sentence after the quotation is the writer's again: copied, it counts
    passages, _ = analyze(arts, [[*statement, WIRE, OWN[0]], [*statement, WIRE, OWN[1]]])
    assert [p.text for p in passages] == [" ".join([*statement, WIRE])]
