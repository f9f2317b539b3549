"""Quotes merged across a story's articles: one speaker per person, pieces of longer quotes folded in."""

from __future__ import annotations

from unspun.model import Article, Quote
from unspun.quotes import merge_quotes


def _arts(*ids: str) -> list[Article]:
    return [Article(id=i, title=i, text="x", source=i) for i in ids]


def test_a_middle_initial_does_not_split_a_speaker():
    quotes = [Quote(text="Caught RED HANDED", speaker="Donald J. Trump", kind="direct", article_ids=["a"]),
              Quote(text="very disappointed", speaker="Donald Trump", kind="direct", article_ids=["b"]),
              Quote(text="we'll see, we'll see", speaker="Donald Trump", kind="direct", article_ids=["b"]),
              Quote(text="the deal is off", speaker="Donald Jr. Trump", kind="direct", article_ids=["b"])]
    speakers = {q.speaker for q in merge_quotes(quotes, _arts("a", "b"))}
    assert speakers == {"Donald Trump", "Donald Jr. Trump"}  # the most used spelling; "Jr." is no initial


def test_the_quoted_words_of_a_paraphrase_are_not_listed_apart():
    para = Quote(text='next month\'s launch will be "exciting."', speaker="Elon Musk", kind="indirect",
                 article_ids=["a"])
    piece = Quote(text="exciting.", speaker="Elon Musk", kind="direct", article_ids=["a"])
    elsewhere = Quote(text="exciting.", speaker="Elon Musk", kind="direct", article_ids=["b"])
    other = Quote(text="exciting.", speaker="Gwynne Shotwell", kind="direct", article_ids=["a"])
    out = merge_quotes([para, piece, other], _arts("a", "b"))
    assert [(q.speaker, q.kind) for q in out] == [("Elon Musk", "indirect"), ("Gwynne Shotwell", "direct")]
    # carried by an article the paraphrase is not in: it stays, with that article
    out = merge_quotes([para, piece, elsewhere], _arts("a", "b"))
    assert [(q.kind, q.article_ids) for q in out] == [("indirect", ["a"]), ("direct", ["a", "b"])]


def test_a_name_shouted_in_capitals_takes_the_running_text_spelling():
    quotes = [Quote(text="we consciously uncoupled", speaker="MICHAEL Sheen", kind="direct", article_ids=["a"]),
              Quote(text="we stay friends", speaker="MICHAEL Sheen", kind="direct", article_ids=["a"]),
              Quote(text="it was a long time coming", speaker="Michael Sheen", kind="direct", article_ids=["b"])]
    assert {q.speaker for q in merge_quotes(quotes, _arts("a", "b"))} == {"Michael Sheen"}
    # the only speaker spelling shouted: the story's text gives the running one
    arts = _arts("a")
    arts[0].text = "MICHAEL Sheen and Sarah Silverman have split. Michael Sheen said they stay friends."
    out = merge_quotes(quotes[:1], arts)
    assert [q.speaker for q in out] == ["Michael Sheen"]
