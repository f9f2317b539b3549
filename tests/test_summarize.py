"""Contract tests for unspun.summarize on small hand-written clusters, and a smoke run of the benchmark code."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import load_bench

from unspun.model import Article, SummarySentence, normalize_ws
from unspun.summarize import (
    Params,
    candidate_status,
    citation_support,
    is_candidate,
    split_sentences,
    summarize,
    word_count,
)

REPO = Path(__file__).resolve().parents[1]

SHARED = (
    "The city council of Riverton voted 7 to 2 on Monday to close the old Harbor Street bridge to all traffic "
    "after inspectors found deep cracks in two of its steel supports."
)

A1 = f"""{SHARED}

The bridge, built in 1931, carries about 12,000 vehicles a day between the port district and the city centre.

Mayor Linda Okafor said the closure would last at least eighteen months while engineers design a replacement.

He said the decision was painful but necessary.

Click here to subscribe to our newsletter for more local news.

Local shop owners on Harbor Street warned that the detour would cost them customers during the busy summer season."""

A2 = f"""Riverton shuts Harbor Street bridge over safety fears

{SHARED}

Engineers from the state transport department reported the cracks in a study published last week.

The council set aside 40 million dollars for a new bridge, which is expected to open in 2027.

"We cannot take any risk with people's lives," Mayor Linda Okafor told reporters at City Hall on Monday.

They added that buses will be rerouted over the Mill Road crossing."""

A3 = """The   city council of Riverton voted 7 to 2 on Monday to close the old Harbor Street bridge to all traffic after
inspectors found deep cracks in two of its steel supports.

Commuters were advised to use the Mill Road crossing, which adds about fifteen minutes to a typical trip into the
city centre.

Photo: The Harbor Street bridge at dusk (Jane Doe / Riverton Courier)

The council set aside 40 million dollars for a new bridge, which officials expect to open in 2027."""

# Same outlet as A1 (a follow-up), so agreement between A1 and A4 must not count as two outlets.
A4 = """Repair crews began fencing off the Harbor Street bridge on Tuesday morning, a day after the council vote.

Traffic on the Mill Road crossing was heavier than usual during the morning rush hour, city officials said."""


def cluster() -> list[Article]:
    return [
        Article(id="a1", title="Bridge closed", text=A1, source="a1.txt", outlet="courier.example", date="2024-03-04"),
        Article(id="a2", title="Bridge shut", text=A2, source="a2.txt", outlet="times.example", date="2024-03-04"),
        Article(id="a3", title="Council vote", text=A3, source="a3.txt", outlet="post.example", date="2024-03-05"),
        Article(id="a4", title="Crews fence", text=A4, source="a4.txt", outlet="courier.example", date="2024-03-05"),
    ]


def _contains(article: Article, sentence: str) -> bool:
    return normalize_ws(sentence) in normalize_ws(article.text)


def test_citations_are_verbatim_and_complete():
    arts = cluster()
    by_id = {a.id: a for a in arts}
    order = [a.id for a in arts]
    summary = summarize(arts, max_words=200)
    assert summary and all(isinstance(s, SummarySentence) for s in summary)
    for s in summary:
        assert s.citations, s
        for aid in s.citations:
            assert _contains(by_id[aid], s.text), (aid, s.text)
        # every article that carries the sentence verbatim is cited, earliest first
        carriers = [a.id for a in arts if _contains(a, s.text)]
        assert s.citations == carriers
        assert s.citations == sorted(s.citations, key=order.index)
        assert not set(s.support) & set(s.citations)
    shared = [s for s in summary if s.text == normalize_ws(SHARED)]
    assert shared, "the sentence all three outlets carry should be chosen"
    assert shared[0].citations == ["a1", "a2", "a3"]
    assert shared[0].single_source is False


def test_single_source_and_support():
    arts = cluster()
    summary = summarize(arts, max_words=400)
    outlet = {a.id: a.outlet for a in arts}
    for s in summary:
        owners = {outlet[x] for x in s.citations + s.support}
        assert s.single_source == (len(owners) == 1)
    budget = [s for s in summary if "40 million dollars" in s.text]
    assert budget, "the budget fact carried by two outlets should be chosen"
    # A2 and A3 phrase it differently: the other one is support (or a citation if identical).
    assert set(budget[0].citations + budget[0].support) >= {"a2", "a3"}
    assert citation_support(summary, arts) == 1.0


def test_junk_pronoun_and_half_sentences_skipped():
    arts = cluster()
    texts = [s.text for s in summarize(arts, max_words=1000)]
    joined = " ".join(texts)
    assert "Click here" not in joined
    assert "Jane Doe" not in joined
    assert not any(t.startswith(("He said", "They added")) for t in texts)
    assert "Riverton shuts Harbor Street bridge over safety fears" not in texts  # headline, no final punctuation
    assert not is_candidate("He said the decision was painful but necessary for everyone in town.")
    assert not is_candidate('"It is a sad day for the town and its people," he said on Monday evening.')
    assert not is_candidate("and the bridge was closed to traffic after the vote on Monday.")
    assert not is_candidate("Qatar's ruler said Tuesday he has transferred power to the 33-year-old crown...")
    assert not is_candidate("The council voted on Monday to close the old bridge to all heavy traffic from May…")
    assert not is_candidate("[Fatal distraction: Forgetting a child in the back seat of a car is a horrifying mistake.")
    assert not is_candidate("[Editor\u2019s note: Spoilers follow for the season finale of the town council drama.]")
    assert not is_candidate("The Riverton Port Authority has been contacted for comment on why the bridge was shut.")
    assert not is_candidate("The ferry company did not immediately respond to phone and email messages on Monday.")
    assert is_candidate("The bridge, built in 1931, carries about 12,000 vehicles a day between the two districts.")


def test_no_duplicates_and_limits():
    arts = cluster()
    for n in (15, 30, 60, 120):
        summary = summarize(arts, max_words=n)
        assert sum(word_count(s.text) for s in summary) <= n
        assert len({normalize_ws(s.text).lower() for s in summary}) == len(summary)
    for k in (1, 2, 3):
        summary = summarize(arts, max_sentences=k)
        assert len(summary) == k
    both = summarize(arts, max_words=40, max_sentences=3)
    assert len(both) <= 3 and sum(word_count(s.text) for s in both) <= 40
    assert summarize(arts, max_words=0) == []
    default = summarize(arts)
    assert 0 < sum(word_count(s.text) for s in default) <= 120


def test_order_reads_by_earliest_telling():
    """Sentences follow the earliest relative position (sentence index / article length) at which any cited or
    supporting article tells them (leads first, as the references are written); ties go to the earlier pick."""
    arts = cluster()
    summary = summarize(arts, max_words=400)
    assert len(summary) >= 4
    keys = []
    for s in summary:
        at = []
        for a in arts:
            if a.id not in s.citations + s.support:
                continue
            sents = split_sentences(a.text)
            # the first sentence of the article that carries or restates this one (the support measure's rule)
            k = next(i for i, t in enumerate(sents)
                     if citation_support([SummarySentence(text=s.text, citations=[a.id])], [replace(a, text=t)]) == 1)
            at.append(k / len(sents))
        keys.append(min(at))
    assert keys == sorted(keys)
    assert keys != sorted(keys, reverse=True)  # not all ties


def test_summary_never_opens_with_a_quotation_or_connective():
    """The first sentence introduces the story: a quotation or a 'But ...' sentence that comes first by position
    gives way to the first sentence that opens plainly (the rest keep their order)."""
    quote = "“We had no choice but to close it for good,” Mayor Jane Ortiz said of the Harbor Street bridge on Monday."
    but = "But the state transport agency said on Monday it had found no deep cracks in the supports last year."
    body = ("The city council of Riverton voted 7 to 2 to close the old Harbor Street bridge after inspectors found "
            "deep cracks in two of its steel supports.")
    arts = [Article(id="q1", title="", text=f"{quote}\n\n{body}", source="m", outlet="one.example"),
            Article(id="q2", title="", text=f"{but}\n\nDrivers will have to use the Mill Road crossing for the next "
                    "two years at least, the council said.", source="m", outlet="two.example")]
    plain = [s.text for s in summarize(arts, max_words=200, params=Params(strong_opening=False), model=False)]
    assert plain[0] in (quote, but) and body in plain
    first_plain = next(t for t in plain if t not in (quote, but))
    summary = [s.text for s in summarize(arts, max_words=200, model=False)]
    assert summary == [first_plain] + [t for t in plain if t != first_plain]


def test_the_headline_printed_atop_the_body_is_not_a_summary_sentence():
    body = ("The city council of Riverton voted 7 to 2 to close the old Harbor Street bridge after inspectors found "
            "deep cracks in two of its steel supports.\n\nDrivers will have to use the Mill Road crossing for the "
            "next two years at least, the council said.")
    title = "Riverton Council Votes To Close Harbor Street Bridge; Drivers Face Two Years Of Detours"
    arts = [Article(id="t1", title=title, text=f"{title.split(';')[0]}.\n\n{body}", source="m", outlet="one.example"),
            Article(id="t2", title=title, text=f"Drivers Face Two Years Of Detours\n\n{body}", source="m",
                    outlet="two.example")]
    texts = [s.text for s in summarize(arts, max_words=200, model=False)]
    assert texts and not any("Riverton Council Votes" in t or "Detours" in t for t in texts)
    # a title derived from the body's first line (input without a headline) keeps that line a candidate
    derived = Article(id="t3", title="The city council of Riverton voted 7 to 2 to close the old Harbor Street bridge",
                      text=body, source="m", outlet="one.example", title_derived=True)
    assert summarize([derived], max_words=200, model=False)[0].text.startswith("The city council of Riverton voted")


def test_a_bare_quotation_in_the_summary_names_its_speaker_from_the_story_quotes():
    from unspun.model import Quote
    from unspun.summarize import name_quoted_speakers

    summary = [SummarySentence(text="“Once the checks are done, we expect the bridge to reopen in May.”",
                               citations=["a2"]),
               SummarySentence(text="The bridge was closed on Monday.", citations=["a2"]),
               SummarySentence(text="“We will not pay for it.”", citations=["a1"]),
               SummarySentence(text="We found cracks in two of the supports.", citations=["a1"])]
    quotes = [Quote(text="We found cracks in two of the supports. Once the checks are done we expect the bridge to "
                         "reopen in May.", speaker="Jane Ortiz", kind="direct", article_ids=["a1", "a2"]),
              Quote(text="Once the checks are done, we expect the bridge to reopen in May.", speaker="Sam Poe",
                    kind="direct", article_ids=["a3"]),  # not an article the sentence cites
              Quote(text="we will not pay for it", speaker=None, kind="direct", article_ids=["a1"])]
    name_quoted_speakers(summary, quotes)
    assert [s.speaker for s in summary] == ["Jane Ortiz", None, None, "Jane Ortiz"]  # the last: a quotation's sentence


def test_a_speaker_the_resolver_left_as_a_description_is_not_named_in_the_summary():
    from unspun.model import Quote
    from unspun.summarize import name_quoted_speakers

    summary = [SummarySentence(text="“This tragedy hits our community very hard.”", citations=["a1"])]
    name_quoted_speakers(summary, [Quote(text="This tragedy hits our community very hard.", speaker="the statement",
                                         kind="direct", article_ids=["a1"])])
    assert summary[0].speaker is None  # "— the statement" tells the reader nothing


def test_pronoun_sentence_only_right_after_its_predecessor():
    lead = ("Senator Maria Alvarez announced on Friday that she will run for governor of the state next year, "
            "ending months of speculation.")
    follow = "She made the announcement at a rally in her hometown of Santa Elena in front of 3,000 supporters."
    other = ("Alvarez, a former prosecutor, has served two terms in the state senate and chairs its budget "
             "committee.")
    arts = [
        Article(id="b1", title="", text=f"{lead}\n\n{follow}\n\n{other}", source="m", outlet="one.example"),
        Article(id="b2", title="", text=f"{lead}\n\n{other}\n\nThe race is expected to be expensive for both "
                "parties, analysts said on Friday.", source="m", outlet="two.example"),
    ]
    texts = [s.text for s in summarize(arts, max_words=400)]
    assert follow in texts, texts
    assert texts.index(follow) == texts.index(lead) + 1
    # without its predecessor the pronoun sentence is never used
    solo = summarize(arts, max_words=400, params=Params(dependents=True), max_sentences=1)
    assert [s.text for s in solo] != [follow]
    assert candidate_status(follow) == "dependent"
    assert candidate_status("He said the decision was painful but necessary for the town.") == "reject"
    # a connective with a short phrase before the pronoun still leans on the sentence before
    assert candidate_status("And in fact, that is when the old regime fell to the rebels.") == "dependent"
    assert candidate_status("But by then, he had already left the country for good.") == "dependent"
    assert candidate_status("But the board refused to approve the harbour budget on Monday.") == "ok"
    without = [s.text for s in summarize(arts, max_words=400, params=Params(dependents=False))]
    assert follow not in without


def test_split_quotation_is_merged_and_cited_verbatim():
    quote = ("“We will rebuild the bridge within two years. Nobody in this city should have to wait longer than "
             "that,” Mayor Linda Okafor said on Monday.")
    arts = cluster()
    arts[1] = Article(id="a2", title="", text=arts[1].text + "\n\n" + quote, source="a2.txt",
                      outlet="times.example", date="2024-03-04")
    summary = summarize(arts, max_words=1000)
    assert normalize_ws(quote) in [s.text for s in summary]
    for s in summary:
        for aid in s.citations:
            assert _contains(next(a for a in arts if a.id == aid), s.text)


def test_boilerplate_and_datelines():
    twitter = ("You can add location information to your Tweets, such as your city or precise location, from the "
               "web and via third-party applications.")
    assert not is_candidate(twitter)
    assert not is_candidate("Breaking News Emails Get breaking news alerts and special reports from our newsroom.")
    assert not is_candidate("The WARC files associated with this crawl are not currently available to the public.")
    assert not is_candidate("In this undated photo released by the Navy, the sailor stands on the deck of his ship.")
    assert is_candidate("Close friends of the family said the couple had planned the trip for several years.")
    # photo captions and credits (AP caption style: place, weekday and full date close the sentence), error pages
    assert not is_candidate("A man is rescued from the rubble of a building after an earthquake, in Accumoli, "
                            "central Italy, Wednesday, Aug. 24, 2016.")
    assert not is_candidate("Buy Photo Workers cover up the name on the exterior of the memorial hall on Monday.")
    assert not is_candidate("Mike Brown stands for a portrait in front of an artist's portrayal of Planet Nine.")
    assert not is_candidate("Please check the URL for proper spelling and capitalization of the page you want.")
    assert is_candidate("The treaty was signed in Geneva by both governments on Aug. 24, 2016, after long talks.")
    assert is_candidate("A message on the school's feed showed the swim team posing for a photograph at the pool.")
    text = "HONOLULU (AP) — A preschool in Hawaii is reviewing its snack policy after three children sipped a cleaner."
    arts = [Article(id="d1", title="", text=text + "\n\n" + twitter, source="m", outlet="ap.example"),
            Article(id="d2", title="", text=twitter, source="m", outlet="tw.example")]
    summary = summarize(arts, max_words=100)
    assert [s.text for s in summary] == [text.split("— ", 1)[1]]
    assert summary[0].citations == ["d1"]
    # datelines naming a state or country, and wire credits after a slashed dateline
    lines = ("AMATRICE, Italy (AP) — ", "FAIRHOPE, Ala. — ", "SEOUL, South Korea — ", "PRETORIA/KHARTOUM (Reuters) - ",
             "(CNN) ", "(Reuters) - ")
    for line in lines:
        arts[0] = replace(arts[0], text=line + text.split("— ", 1)[1])
        assert [s.text for s in summarize(arts, max_words=100)] == [text.split("— ", 1)[1]], line


def test_outlet_report_lead_is_dropped_and_citations_stay_exact():
    """'The Erie Times-News reports that a man ...' prints as 'A man ...'; it cites the article whose text holds the
    rest verbatim, and the citation support measure still finds it there. A person's or the police's report keeps
    its source."""
    rest = "a 34-year-old man was rescued from the frozen lake on Sunday after his boat capsized near the harbor."
    shown = rest[0].upper() + rest[1:]
    arts = [
        Article(id="e1", title="", source="m", outlet="goerie.example",
                text=f"The Erie Times-News reports that {rest}\n\nFirefighters used a hovercraft to reach the man."),
        Article(id="e2", title="", source="m", outlet="wire.example",
                text=f"CNN reported Tuesday that {rest}\n\nHe was taken to a hospital in stable condition."),
    ]
    summary = summarize(arts, max_words=40)
    assert summary[0].text == shown
    assert summary[0].citations == ["e1", "e2"]
    assert citation_support(summary, arts) == 1.0
    police = "Police reported that the driver of the truck had been drinking before the crash on the highway."
    assert [s.text for s in summarize([replace(arts[0], text=police)], max_words=40)] == [police]


def test_deterministic():
    a = [s.to_dict() for s in summarize(cluster(), max_words=100)]
    b = [s.to_dict() for s in summarize(list(cluster()), max_words=100)]
    assert a == b


def test_docs_from_pipeline_parse_are_used():
    from unspun.nlp import parse_articles

    arts = cluster()
    docs = parse_articles(arts)
    summary = summarize(arts, docs, max_words=120)
    assert summary
    for s in summary:
        for aid in s.citations:
            assert _contains(next(a for a in arts if a.id == aid), s.text)


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [""],
        ["   \n\n  "],
        ["No punctuation at all here"],
        ["Short."],
        ["\x00\x01 ### ||| ..."],
        [A1],  # one article, one outlet
        ["", A2, "???"],
    ],
)
def test_odd_inputs_never_crash(texts):
    arts = [Article(id=f"x{i}", title="", text=t, source="mem") for i, t in enumerate(texts)]
    summary = summarize(arts, max_words=80)
    for s in summary:
        assert s.citations
        assert any(_contains(a, s.text) for a in arts if a.id in s.citations)
    if texts == [A1]:
        assert summary and all(s.single_source for s in summary)


def test_split_sentences_moves_dangling_quote():
    sents = split_sentences('"We never saw it coming," she said. "It was over in a minute."\n\nNext paragraph here.')
    assert sents[-1] == "Next paragraph here."
    assert not any(s.endswith(('"', "“")) and s.count('"') % 2 for s in sents)


# ------------------------------------------------------------------------------------------------ benchmark smoke


def _bench_module():
    return load_bench("summarize")


def test_benchmark_smoke_on_five_clusters(tmp_path):
    bench = _bench_module()
    data = bench.DATA_DIR / "multinews_dev92.jsonl"
    if not data.exists():
        pytest.skip(f"benchmark data not found at {data}")
    res = bench.run_benchmark(data, limit=5, progress=False)
    assert res["clusters"] == 5
    assert set(res["systems"]) == set(bench.SYSTEMS)
    for name, entry in res["systems"].items():
        for key, val in entry.items():
            assert 0.0 <= val["mean"] <= 100.0, (name, key, val)
            assert val["ci95"][0] <= val["mean"] + 1e-6 <= val["ci95"][1] + 2e-6
    assert res["systems"]["oracle"]["rouge1"]["mean"] > 0
    assert 0.0 <= res["unspun_citation_support"] <= 1.0
    assert res["unspun_articles_per_s"] > 0
    table = bench.format_table(res)
    assert "lexrank" in table and "oracle" in table
    assert bench.main(["--data", str(data), "--limit", "2", "--out", str(tmp_path), "--systems", "unspun,lead",
                       "--parse-cache", str(tmp_path / "parses.duckdb")]) == 0
    assert (tmp_path / "summarize-multinews_dev92-limit2.json").exists()


def test_benchmark_parse_cache_changes_nothing_but_the_parsing(tmp_path):
    """The bench's parse cache is the store's: a rerun reads every parse back and gives the same summaries."""
    from unspun.nlp import parser_id
    from unspun.store import Store

    bench = _bench_module()
    data = bench.DATA_DIR / "multinews_dev92.jsonl"
    if not data.exists():
        pytest.skip(f"benchmark data not found at {data}")
    rows = bench.load_clusters(data, limit=2)
    cache = tmp_path / "parses.duckdb"
    fresh, _, parses = bench.pipeline_summaries(rows, 100, jobs=1)
    first, _, _ = bench.pipeline_summaries(rows, 100, jobs=1, parse_cache=cache)
    with Store(cache) as store:
        kept = [a for _, arts in first.values() for a in arts]
        assert set(store.parses(kept, parser_id())) == set(parses) == {a.id for a in kept}
    again, _, _ = bench.pipeline_summaries(rows, 100, jobs=1, parse_cache=cache)
    for out in (first, again):
        assert {k: [s.to_dict() for s in v[0]] for k, v in out.items()} == \
            {k: [s.to_dict() for s in v[0]] for k, v in fresh.items()}


# ------------------------------------------------------------------------------------------------ learned scorer


def test_learned_scorer_keeps_the_contract():
    """With the shipped model, with it switched off, and with a hand-made model: citations verbatim, limits,
    no duplicates, determinism."""
    from unspun.summarize import FEATURES, default_model

    arts = cluster()
    by_id = {a.id: a for a in arts}
    flat = {"kind": "linear", "features": list(FEATURES), "mean": [0.0] * len(FEATURES),
            "scale": [1.0] * len(FEATURES), "coef": [1.0 if f == "n_cited" else 0.0 for f in FEATURES],
            "intercept": 0.0, "learned_weight": 1.0, "hand_weight": 0.0}
    for model in (True, False, flat):
        for n in (30, 120):
            summary = summarize(arts, max_words=n, model=model)
            assert summary and sum(word_count(s.text) for s in summary) <= n
            assert len({s.text.lower() for s in summary}) == len(summary)
            for s in summary:
                assert s.citations == [a.id for a in arts if _contains(a, s.text)]
                assert all(_contains(by_id[x], s.text) for x in s.citations)
            again = summarize(list(arts), max_words=n, model=model)
            assert [s.to_dict() for s in summary] == [s.to_dict() for s in again]
    # the hand-made model ranks by how many articles carry a sentence: the three-outlet sentence must lead
    top = summarize(arts, max_sentences=1, model=flat)
    assert top[0].text == normalize_ws(SHARED)
    model = default_model()
    if model is not None:  # shipped: JSON only, over the features the summarizer computes
        assert set(model["features"]) <= set(FEATURES)


def test_learned_score_leans_toward_longer_sentences():
    """Equal predicted precision: the longer sentence scores higher (learned_length_exp > 0), none at exp 0."""
    from unspun.summarize import DEFAULT_PARAMS, FEATURES, _learned_scores, _prepare, article_sentences

    arts = cluster()
    prep = _prepare(arts, [article_sentences(a) for a in arts], DEFAULT_PARAMS)
    const = {"kind": "linear", "features": list(FEATURES), "mean": [0.0] * len(FEATURES),
             "scale": [1.0] * len(FEATURES), "coef": [0.0] * len(FEATURES), "intercept": 1.0}
    scores = _learned_scores(prep, const, DEFAULT_PARAMS)
    words = [c.n_words for c in prep.cands]
    assert DEFAULT_PARAMS.learned_length_exp > 0 and max(scores) == pytest.approx(1.0)
    assert len(set(words)) > 1
    for i in range(len(words)):
        for j in range(len(words)):
            if words[i] > words[j]:
                assert scores[i] > scores[j]
    flat = _learned_scores(prep, const, replace(DEFAULT_PARAMS, learned_length_exp=0.0))
    assert flat == pytest.approx([1.0] * len(words))


def test_predict_matches_sklearn():
    import numpy as np
    from sklearn.ensemble import GradientBoostingRegressor
    from sklearn.linear_model import Ridge

    from unspun.summarize import FEATURES, predict

    bench = _bench_module()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, len(FEATURES)))
    y = X[:, 0] - 2 * X[:, 3] * (X[:, 5] > 0) + 0.1 * rng.normal(size=400)
    trees = bench.fit_model(X, y, "trees")
    ref = GradientBoostingRegressor(n_estimators=80, max_depth=3, learning_rate=0.1, subsample=0.8,
                                    min_samples_leaf=40, random_state=0).fit(X, y)
    assert np.allclose(predict(trees, X), ref.predict(X), atol=1e-3)
    # a bagged model predicts the mean of its members (seeds 0, 1, 2)
    bagged = bench.fit_model(X, y, "trees", bag=3)
    members = [bench.fit_model(X, y, "trees", seed=s) for s in range(3)]
    assert len(bagged["trees"]) == 3 * len(trees["trees"])
    assert np.allclose(predict(bagged, X), np.mean([predict(m, X) for m in members], axis=0), atol=1e-3)
    lin = bench.fit_model(X, y, "linear")
    mean, scale = X.mean(axis=0), X.std(axis=0)
    ref_lin = Ridge(alpha=1.0).fit((X - mean) / scale, y)
    assert np.allclose(predict(lin, X), ref_lin.predict((X - mean) / scale), atol=1e-3)
    assert len(predict(trees, np.zeros((0, len(FEATURES))))) == 0


def test_ten_article_story_under_a_second():
    import time

    arts = [Article(id=f"t{i}", title="", text="\n\n".join(a.text for a in cluster()) + f"\n\nStory number {i} "
                    "ends here with one more sentence about the bridge closure.", source="m", outlet=f"o{i}.example")
            for i in range(10)]
    summarize(arts, max_words=250)  # warm-up (splitter, model file)
    t0 = time.perf_counter()
    summarize(arts, max_words=250)
    assert time.perf_counter() - t0 < 1.0


def test_fit_refuses_the_test_split(tmp_path):
    bench = _bench_module()
    data = bench.DATA_DIR / "multinews_test120.jsonl"
    if not data.exists():
        pytest.skip(f"benchmark data not found at {data}")
    assert bench.main(["--fit", "--data", str(data), "--out", str(tmp_path)]) == 2


def _anti_agreement_model():
    """A learned model that ranks sentences *against* cross-outlet agreement (the failure the opening pick guards)."""
    from unspun.summarize import FEATURES

    return {"kind": "linear", "features": list(FEATURES), "mean": [0.0] * len(FEATURES),
            "scale": [1.0] * len(FEATURES), "coef": [-1.0 if f == "n_cited" else 0.0 for f in FEATURES],
            "intercept": 0.0}


def test_sentence_outlets_share_verbatim_is_always_picked():
    arts = cluster()
    anti = _anti_agreement_model()
    for model in (True, False, anti):
        for n in (40, 120, 250):
            summary = summarize(arts, max_words=n, model=model)
            # picked first whatever the scorer says; SHARED opens the earliest article, so it also opens by position
            assert summary[0].text == normalize_ws(SHARED), (model, n)
    # Without the guard the anti-agreement scorer drops the three-outlet sentence altogether.
    off = Params(agreed_lead=False, hand_first=False)
    assert normalize_ws(SHARED) not in [s.text for s in summarize(arts, max_words=40, params=off, model=anti)]


def test_shared_quotation_is_picked_but_placed_by_position():
    """A statement every outlet quotes word for word is picked, but placed where the articles have it (late),
    not as the summary's opening: a shared quotation reads badly as a lead."""
    quote = '"We will rebuild the bridge faster than anyone expects," Mayor Linda Okafor said in a written statement.'
    arts = [replace(a, text=normalize_ws(a.text).replace(normalize_ws(SHARED), "") + "\n\n" + quote)
            for a in cluster()[:3]]
    assert all(normalize_ws(SHARED) not in normalize_ws(a.text) for a in arts)
    for model in (True, False, _anti_agreement_model()):
        summary = summarize(arts, max_words=250, model=model)
        texts = [s.text for s in summary]
        assert quote in texts and texts[0] != quote, model
        assert summary[texts.index(quote)].citations == ["a1", "a2", "a3"]


def test_hand_set_score_makes_the_first_pick_under_a_learned_scorer():
    arts = cluster()
    anti = _anti_agreement_model()
    hand_top = summarize(arts, max_sentences=1, params=Params(agreed_lead=False), model=False)
    first = summarize(arts, max_sentences=1, params=Params(agreed_lead=False, hand_first=True), model=anti)
    assert [s.text for s in first] == [s.text for s in hand_top]
    learned_only = summarize(arts, max_sentences=1, params=Params(agreed_lead=False, hand_first=False), model=anti)
    assert [s.text for s in learned_only] != [s.text for s in hand_top]


def test_seeds_summary_carries_the_sentence_both_outlets_share(seeds_dir):
    from unspun.pipeline import Options, run

    res = run([str(seeds_dir)], None, db=":memory:", options=Options(progress="quiet"))
    texts = {a["id"]: normalize_ws(a["text"]) for a in res.result["articles"]}
    (story,) = [s for s in res.result["stories"] if len(s["article_ids"]) == 2]
    shared = [s for s in story["summary"] if sorted(s["citations"]) == sorted(story["article_ids"])]
    assert shared
    assert all(normalize_ws(shared[0]["text"]) in texts[i] for i in story["article_ids"])


def test_an_outlet_reporting_the_same_figure_in_other_words_supports_the_sentence():
    from unspun.summarize import _Claim, _content_stems

    claim = _Claim("The electricity provider later said the actual amount owed was $284.46.")
    other = "Penelec said the correct bill amount for the customer was $284.46, not billions."
    stems = set(x for x in _content_stems(other) if x)
    assert claim.supported_by(stems, other)
    wrong = "Penelec said the correct bill amount for the customer was $284 billion."
    assert not claim.supported_by(set(x for x in _content_stems(wrong) if x), wrong)  # another figure
    unrelated = "Snow fell to a record 34 inches in the city, costing $284.46 per household in plowing."
    assert not claim.supported_by(set(x for x in _content_stems(unrelated) if x), unrelated)  # too little else shared


def test_tree_scores_are_the_plain_walk_of_each_tree():
    """predict walks all trees at once; each row's score is still init + lr * leaf value, tree after tree."""
    import numpy as np

    from unspun.summarize import FEATURES, default_model, predict

    model = default_model()
    X = np.random.default_rng(3).normal(size=(25, len(FEATURES))) * 2
    cols = [FEATURES.index(f) for f in model["features"]]
    for row, got in zip(X, predict(model, X)):
        score = float(model["init"])
        for t in model["trees"]:
            node = 0
            while t["feature"][node] >= 0:
                f = t["feature"][node]
                node = t["left"][node] if row[cols[f]] <= t["threshold"][node] else t["right"][node]
            score += model["lr"] * t["value"][node]
        assert got == score
    assert predict(model, np.zeros((0, len(FEATURES)))).shape == (0,)


def test_reprint_notices_and_site_pointers_are_junk():
    assert not is_candidate("Dow Jones Reprints: This copy is for your personal, non-commercial use only.")
    assert not is_candidate("For more information on crime in your area, visit our online crime mapping tool.")
    assert is_candidate("For more information, police said, residents should call the city's emergency line.")
    assert is_candidate("For more than a decade, the bridge carried traffic between the two halves of the city.")


def test_table_rows_are_no_sentences():
    # the extractor writes a table's rows as "| cell | cell |" lines: cells, not statements
    assert not is_candidate("| Author: staff reporter Wang Jingzhao | Editor: Wang Huajun |")
    assert not is_candidate("| 2019 | Bored | Yellow Music | first single charted second on local radio |")
    assert is_candidate("The concert was streamed live at 11:57am | Hawaii time, to viewers in forty countries.")


def _fill_case(learned, words, dep=None, sim=None):
    import numpy as np

    from unspun.summarize import DEFAULT_PARAMS, _fill_budget, _Sent

    n = len(words)
    cands = [_Sent(f"Sentence number {i} " + "word " * (w - 3), 0, i, w) for i, w in enumerate(words)]
    sim = np.zeros((n, n)) if sim is None else np.asarray(sim, dtype=float)
    return lambda chosen, budget: _fill_budget(cands, chosen, learned, sim, dep or [-1] * n, budget,
                                               DEFAULT_PARAMS)


def test_end_game_swaps_a_pick_for_a_longer_one_rated_as_high():
    """Words left over: a pick gives way to a longer sentence that fits them when the step score rates it at
    least as high; never to a lower-rated one, never past the budget, never the opening pick."""
    fill = _fill_case(learned=[1.0, 0.5, 0.5, 0.4, 0.9], words=[20, 10, 14, 19, 40])
    assert fill([0, 1], 35) == [0, 2]  # 14 words at 0.5 replace 10 words at 0.5; 19 at 0.4 is rated lower
    assert fill([0, 1], 30) == [0, 1]  # nothing longer fits
    assert fill([0, 2], 60) == [0, 4]  # 40 words at 0.9 replace 14 at 0.5 when the budget has room
    fill = _fill_case(learned=[1.0, 0.5, 0.9], words=[20, 10, 30])
    assert fill([0, 1], 40) == [0, 1]  # only the opening pick could give way to the 30-word sentence
    # a sentence a chosen dependent follows stays; a dependent swap-in needs its predecessor chosen, and goes after it
    fill = _fill_case(learned=[1.0, 0.5, 0.6, 0.55], words=[20, 10, 12, 15], dep=[-1, -1, 1, 0])
    assert fill([0, 1, 2], 50) == [0, 1, 2]
    assert fill([0, 1], 45) == [0, 3]
    # too similar to another pick: no swap
    fill = _fill_case(learned=[1.0, 0.5, 0.9], words=[20, 10, 15],
                      sim=[[1, 0, 0.9], [0, 1, 0], [0.9, 0, 1]])
    assert fill([0, 1], 40) == [0, 1]


def test_a_story_whose_only_candidate_leans_on_a_missing_predecessor_has_an_empty_summary():
    # PolNeAR: a 26-word post, its title and one sentence opening on "It" (a stage error before: TF-IDF on no rows)
    title = "The Mythology Of Trump\u2019s \u2018Working Class\u2019 Support"
    a = Article(id="a", title=title, text=title + ".\n\nIt\u2019s been extremely common for news accounts to portray "
                "Donald Trump\u2019s candidacy as a \u201cworking-class\u201d rebellion against Republican elites.",
                source="t")
    assert summarize([a]) == []


def test_a_wire_caption_closing_on_place_and_weekday_is_no_candidate():
    from unspun.summarize import candidate_status

    caption = "The burned fuselage of the small plane that crashed, in Guanacaste, Costa Rica, on Sunday."
    prose = "The small plane crashed in Guanacaste, Costa Rica, on Sunday, killing all twelve people on board."
    assert candidate_status(caption) == "reject"
    assert candidate_status(prose) == "ok"
    assert candidate_status("The twelve victims, all tourists, were named by the airline on Sunday.") == "ok"


def test_a_quoted_question_is_no_candidate_as_a_plain_one_is_not():
    from unspun.summarize import candidate_status

    assert candidate_status("Why did the council wait until 2012 to inspect the bridge cables?") == "reject"
    assert candidate_status("“Why did the council wait until 2012 to inspect the bridge cables?”") == "reject"
    assert candidate_status("'How many people do we want to crash before the race is stopped?'") == "reject"


def test_a_headline_printed_atop_a_brief_does_not_push_its_lead_down_the_summary():
    title = "Harbour ferry sinks off Riverton"
    lead = "A harbour ferry sank off Riverton on Monday, and all 40 passengers were rescued by fishing boats."
    brief = Article(id="a1", title=title, text=f"{title}\n{lead}", source="m", outlet="one.example")
    inquiry = "The mayor of Riverton said on Tuesday that an inquiry would examine the ferry company's safety record."
    filler = [f"Local fishing crews described the rescue effort number {i} as long and cold but well organised."
              for i in range(8)]
    long = Article(id="a2", title="Riverton orders ferry inquiry", source="m", outlet="two.example",
                   text="\n\n".join(["Here is the latest.", inquiry, *filler]))
    texts = [s.text for s in summarize([brief, long], max_words=400)]
    assert lead in texts and inquiry in texts
    assert texts.index(lead) < texts.index(inquiry)  # the brief's lead is its first sentence, not its second


def test_a_first_person_or_continuing_sentence_does_not_open_the_summary():
    """A statement's first-person words ('We are ...'), an early 'also', a 'Now, ...' or a 'her' before any name
    lean on text before them: the first plainly opening sentence (with the dependents after it) moves to the front;
    words that merely start like them ('Iran', 'In 2015', 'Ourania'), a pronoun after its antecedent ('A man who said
    he ...') or before the name it points ahead to, and a demonstrative a colon explains, open plainly."""
    from unspun.summarize import _strong_opening, stands_alone

    plain = "Police in Springfield evacuated three schools on Tuesday after bomb threats arrived by e-mail."
    for weak in ("We are currently monitoring multiple bomb threats sent electronically to several schools.",
                 "The team also identified specific schools that had received threats in the past week.",
                 "Now, the district says it will review how its schools handle threats sent by e-mail.",
                 "Bower wrote about how her son's photos never got as many likes as the photos of her other children.",
                 'Blockchain expert Simon Taylor said: "I think it is evidence of a government reaching for control."'):
        sents = [SummarySentence(text=t, citations=["a"]) for t in (weak, plain, "He said classes resume today.")]
        out = _strong_opening(sents, [False, False, True])
        assert [s.text for s in out] == [plain, "He said classes resume today.", weak]
        assert not stands_alone(weak)
    for ok in ("Iran said on Tuesday that it had received no threats at its schools in the city.",
               "In 2015, Michael McFadden was sentenced to more than 300 years for molesting children.",
               "Ourania Smith, the district's head, said schools would reopen after a search by police.",
               "A man who said he had sent the threats was arrested in Springfield on Tuesday, police said.",
               "Speaking to reporters after his visit to the school, Mayor Jane Ortiz praised the teachers.",
               "In the annals of school history, this notice may be the shortest ever sent: classes are cancelled."):
        assert stands_alone(ok)


def test_a_split_inside_a_title_before_a_name_is_undone():
    """'said Det.-Sgt. | Susan Gomes.' is one sentence (a piece ending in a title is cut inside a name); a street's
    'St.' still ends one, and each sentence stays a verbatim span of the text."""
    from unspun.summarize import _fix_openers

    pieces = ["Toronto police are treating the deaths as a targeted double homicide, said Det.-Sgt.", "Susan Gomes.",
              "Lifeguards pulled 20 students from the water, lifeguard Lt.", "John Sandmeyer said.",
              "The shop is on Main St.", "It opened in 1990."]
    assert _fix_openers(pieces) == [
        "Toronto police are treating the deaths as a targeted double homicide, said Det.-Sgt. Susan Gomes.",
        "Lifeguards pulled 20 students from the water, lifeguard Lt. John Sandmeyer said.",
        "The shop is on Main St.", "It opened in 1990."]
    text = " ".join(pieces)
    assert all(s in text for s in split_sentences(text))


def test_a_story_told_over_several_days_keeps_its_newest_lead():
    day1 = ("Dozens of rescuers in Hebei are trying to reach a five-year-old boy who is trapped deep down an "
            "abandoned well.\n\nThe boy fell down the 40-metre dry well while helping his father harvest cabbages on "
            "Sunday morning.\n\nDiggers have cleared a work area of 800 square metres beside the narrow shaft.\n\n"
            "Local officials said volunteers from nearby villages had joined the rescue teams overnight.")
    day1b = ("Rescuers in Hebei are racing to reach a five-year-old boy trapped down a 40-metre abandoned well.\n\n"
             "The well had been left unused for five years and there were no warning signs.\n\n"
             "Diggers have cleared a work area beside the shaft, and the father has asked for help online.")
    day4 = ("The five-year-old boy trapped down an abandoned well in Hebei has been found dead after a four-day "
            "search.\n\nThe well had been left unused for five years and there were no warning signs.")
    arts = [Article(id="a", title="Race to reach boy trapped in well", text=day1, source="x", outlet="bbc.com",
                    date="2016-11-08"),
            Article(id="b", title="Boy trapped in well", text=day1b, source="y", outlet="example.com",
                    date="2016-11-08"),
            Article(id="c", title="Boy found dead in well", text=day4, source="z", outlet="bbc.com",
                    date="2016-11-11")]
    newest = ("The five-year-old boy trapped down an abandoned well in Hebei has been found dead after a four-day "
              "search.")
    assert newest in [s.text for s in summarize(arts, max_words=60)]
    assert newest not in [s.text for s in summarize(arts, max_words=60, params=replace(Params(), latest_lead=False))]
    # without dates nothing is forced
    undated = [replace(a, date=None) for a in arts]
    assert summarize(undated, max_words=60, params=replace(Params(), latest_lead=False)) == \
        summarize(undated, max_words=60)


def test_a_clock_time_does_not_end_a_sentence_before_its_day():
    from unspun.summarize import _fix_openers

    got = split_sentences("The plane took off at 12:10 p.m. Sunday, bound for San Jose. It crashed minutes later.")
    assert got == ["The plane took off at 12:10 p.m. Sunday, bound for San Jose.", "It crashed minutes later."]
    # a parse's pieces: the time ends its sentence when a new one follows
    assert _fix_openers(["The meeting ended at 5 p.m.", "The next day, talks resumed."]) == \
        ["The meeting ended at 5 p.m.", "The next day, talks resumed."]
    assert _fix_openers(["He tweeted at 5:48 p.m.", "ET on Tuesday."]) == ["He tweeted at 5:48 p.m. ET on Tuesday."]
    assert _fix_openers(["The plane took off at 12:10 p.m.", "Sunday, bound for San Jose."]) == \
        ["The plane took off at 12:10 p.m. Sunday, bound for San Jose."]  # as the parser splits it


def test_a_sentence_opening_on_a_surname_introduced_before_does_not_open_the_summary():
    """AEB: "Hege is the CEO of DH ..." opened a summary; its article had named "Michelle Hege" before it. A word the
    texts also write in lower case ("Police") is no surname, and a name the article gives in full first is no lean."""
    from types import SimpleNamespace

    from unspun.summarize import _leans_on_a_name, _strong_opening

    a = ["South Dakota's campaign drew mockery, but Michelle Hege's response was concern.",
         "Hege is the CEO of DH, the Spokane firm behind the campaign.",
         "Police said the campaign had drawn complaints; police declined to comment further."]
    b = ["The campaign cost the state $449,000, the governor's office said on Tuesday."]
    prep = SimpleNamespace(per_article=[a, b], norm_texts=[" ".join(a), " ".join(b)])
    assert _leans_on_a_name(a[1], prep)
    assert not _leans_on_a_name(a[2], prep) and not _leans_on_a_name(b[0], prep)
    first = "Hege said the ads would run for a year."
    assert not _leans_on_a_name(first, SimpleNamespace(per_article=[[first]], norm_texts=[first]))
    sents = [SummarySentence(text=t, citations=["a"]) for t in (a[1], b[0])]
    assert [s.text for s in _strong_opening(sents, [False, False], {id(sents[0])})] == [b[0], a[1]]
