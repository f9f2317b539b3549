"""Story clustering: stable ids, merges, batch == stream, seeds vs. an unrelated article, determinism."""

from __future__ import annotations

import json
import random
from pathlib import Path

from unspun.cluster import EVENT_P, FEATURES, StoryClusterer, _order, cluster_articles, featurize, featurize_article
from unspun.model import Article

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"


def _seed_articles() -> list[Article]:
    out = []
    for p in sorted(SEEDS.glob("*.txt")):
        lines = p.read_text(encoding="utf-8").strip().split("\n", 1)
        out.append(Article(id=p.stem, title=lines[0].strip(), text=lines[1].strip(), source=str(p)))
    return out


def _football(text: str, aid: str = "football", date: str | None = None) -> Article:
    title, body = text.strip().split("\n", 1)
    return Article(id=aid, title=title, text=body.strip(), source="test", date=date)


# A small dated corpus: three stories, two articles each, written for these tests.
CORPUS = [
    ("q1", "2023-02-06", "Powerful earthquake strikes southern Turkey and northern Syria",
     "A magnitude 7.8 earthquake struck southern Turkey near the Syrian border before dawn on Monday, "
     "toppling buildings in Gaziantep, Kahramanmaras and Aleppo. Rescue teams searched the rubble for "
     "survivors as aftershocks shook the region. The Turkish disaster agency AFAD said hundreds were killed."),
    ("f1", "2023-02-07", "Central bank raises interest rates by a quarter point",
     "The Federal Reserve raised its benchmark interest rate by a quarter percentage point on Wednesday, "
     "its eighth increase in a year, and signalled further hikes to bring inflation down. Fed chair Jerome "
     "Powell said the labour market remained tight and that the fight against inflation was not over."),
    ("q2", "2023-02-07", "Death toll rises as rescuers dig through rubble after Turkey earthquake",
     "Rescuers in Gaziantep and Kahramanmaras pulled survivors from collapsed buildings a day after the "
     "magnitude 7.8 earthquake hit southern Turkey and Syria. AFAD said the death toll had risen sharply, "
     "and aftershocks continued to rattle the border region around Aleppo."),
    ("m1", "2023-02-08", "Mars rover finds organic molecules in ancient lake bed",
     "NASA's Perseverance rover has detected organic molecules in rocks from Jezero crater, an ancient "
     "lake bed on Mars, scientists said. The rover drilled the samples, which will be returned to Earth "
     "by a later mission for study of possible signs of past microbial life."),
    ("f2", "2023-02-09", "Fed's Powell says more interest rate increases are likely",
     "Jerome Powell, chair of the Federal Reserve, said further interest rate increases were likely because "
     "inflation remained too high, a day after the Fed raised its benchmark rate by a quarter point. "
     "Powell said the labour market was still tight."),
    ("m2", "2023-02-10", "Perseverance samples from Jezero crater hold organic molecules",
     "Samples drilled by the Perseverance rover in Jezero crater on Mars contain organic molecules, NASA "
     "scientists reported. The ancient lake bed is a prime place to look for signs of past microbial life, "
     "and the samples are due to be returned to Earth."),
]


def _corpus() -> list[Article]:
    return [Article(id=i, title=t, text=x, source="test", date=d) for i, d, t, x in CORPUS]


def _stream(clusterer: StoryClusterer, articles: list[Article]) -> dict[str, str]:
    got = {a.id: clusterer.add(a) for a in articles}
    return {aid: clusterer.resolve(sid) for aid, sid in got.items()}


def test_seeds_one_story_football_another(football_text):
    seeds = _seed_articles()
    assert len(seeds) == 2
    c = StoryClusterer()
    ids = [c.add(a) for a in seeds] + [c.add(_football(football_text))]
    assert ids[0] == ids[1], "the two Pompeo/Putin articles must form one story"
    assert ids[2] != ids[0], "the football report must open a second story"
    assert len(c.stories) == 2


def test_corpus_groups_three_stories():
    m = cluster_articles(_corpus())
    assert m["q1"] == m["q2"] and m["f1"] == m["f2"] and m["m1"] == m["m2"]
    assert len({m["q1"], m["f1"], m["m1"]}) == 3


def test_stable_ids_across_incremental_runs_with_state_restore():
    arts = _corpus()
    first, second = arts[:3], arts[3:]
    c1 = StoryClusterer()
    run1 = _stream(c1, first)
    state = json.loads(json.dumps(c1.to_state()))  # what the store persists
    c2 = StoryClusterer.from_state(state)
    run2 = _stream(c2, second)
    # ids handed out in run 1 are unchanged, and run-2 articles of those stories get the same ids
    assert run2["f2"] == run1["f1"]
    assert run2["m2"] == run2["m1"] and run2["m1"] not in run1.values()
    for aid, sid in run1.items():
        assert c2.resolve(sid) == sid
        assert c2.story_of(aid) == sid
    # ids derive from the founding article, deterministically
    fresh = StoryClusterer()
    assert fresh.add(arts[0]) == run1["q1"]
    # re-adding an article is idempotent
    assert c2.add(arts[0]) == run1["q1"]


def test_batch_replay_equals_stream_with_restore():
    arts = _corpus()
    # streaming in two runs with the state serialised in between
    c = StoryClusterer()
    got = _stream(c, arts[:2])
    c = StoryClusterer.from_state(json.loads(json.dumps(c.to_state())))
    got.update(_stream(c, arts[2:]))
    got = {k: c.resolve(v) for k, v in got.items()}
    # one batch, handed over in a shuffled order: cluster_articles sorts by date
    shuffled = arts[:]
    random.Random(7).shuffle(shuffled)
    assert cluster_articles(shuffled) == got
    # and, given the same order (ties in date keep input order), the states are identical too
    c_batch = StoryClusterer()
    cluster_articles(arts, clusterer=c_batch)
    assert json.dumps(c_batch.to_state(), sort_keys=True) == json.dumps(c.to_state(), sort_keys=True)


def test_undated_articles_keep_ingest_position():
    a = [Article(id="a", title="", text="x", source="t", date="2020-01-02"),
         Article(id="b", title="", text="x", source="t"),
         Article(id="c", title="", text="x", source="t", date="2020-01-01"),
         Article(id="d", title="", text="x", source="t")]
    assert [x.id for x in _order(a)] == ["c", "d", "a", "b"]


def _merge_model() -> dict:
    # only body similarity counts: P = sigmoid(10 * cos_body - 5)
    from unspun.cluster import FEATURES

    coef = [0.0] * len(FEATURES)
    coef[FEATURES.index("cos_body")] = 10.0
    return {"features": FEATURES, "coef": coef, "intercept": -5.0, "threshold": 0.5, "merge_threshold": 0.6,
            "calibrated_on": "test"}


def test_merge_events_recorded_and_old_ids_resolve():
    a = Article(id="a", title="", text="glacier melt accelerates greenland ice sheet", source="t")
    b = Article(id="b", title="", text="sea level rise threatens coastal cities flooding", source="t")
    bridge = Article(id="c", title="", source="t",
                     text="glacier melt greenland ice sheet accelerates sea level rise threatens coastal cities")
    c = StoryClusterer(model=_merge_model())
    sa, sb = c.add(a), c.add(b)
    assert sa != sb
    sc = c.add(bridge)
    assert len(c.merges) == 1
    ev = c.merges[0]
    assert (ev["old_id"], ev["new_id"], ev["article_id"]) == (sb, sa, "c")  # older story survives
    assert sc == sa
    assert c.resolve(sb) == sa and c.resolve(sa) == sa
    assert c.story_of("b") == sa
    # merges survive a save/restore, and the old id still resolves
    c2 = StoryClusterer.from_state(json.loads(json.dumps(c.to_state())))
    assert c2.merges == c.merges and c2.resolve(sb) == sa
    assert sb not in c2.stories and sa in c2.stories
    # cluster_articles reports resolved ids
    assert set(cluster_articles([a, b, bridge], model=_merge_model()).values()) == {sa}


def test_window_retires_old_stories_but_ids_stay_resolvable():
    arts = _corpus()
    c = StoryClusterer(window_days=1)
    ids = _stream(c, arts)
    late = Article(id="late", title=arts[0].title, text=arts[0].text, source="t", date="2024-01-01")
    sid = c.add(late)
    assert sid not in ids.values()  # the earthquake story had retired; a new story opens
    assert len(c.stories) == 1 and c.retired >= 3
    assert all(c.resolve(s) == s for s in ids.values())


def test_max_active_retires_the_least_recently_updated_stories_also_after_a_restore():
    arts = _corpus()  # q1 f1 q2 m1 f2 m2: quake, Fed and Mars stories
    c = StoryClusterer(max_active=2)
    ids = _stream(c, arts[:4])  # three stories now; the cap acts when the next article comes
    restored = StoryClusterer.from_state(json.loads(json.dumps(c.to_state())))
    for clusterer in (c, restored):
        f2 = clusterer.add(arts[4])  # the Fed story (last updated by f1, before q2 and m1) retires first
        assert f2 != ids["f1"] and set(clusterer.stories) == {ids["q1"], ids["m1"], f2} and clusterer.retired == 1
        assert clusterer.add(arts[5]) == ids["m1"]  # then the quake story; m2 still joins Mars
        assert set(clusterer.stories) == {ids["m1"], f2} and clusterer.retired == 2
    assert json.dumps(c.to_state(), sort_keys=True) == json.dumps(restored.to_state(), sort_keys=True)


def test_default_window_keeps_a_story_through_a_long_quiet_spell():
    # issue 8 round 4: a follow-up eight months later still joins its story by default (the model's
    # log_days weighs the gap); the old 90-day window had retired the story and split it
    arts = _corpus()
    q2 = next(a for a in arts if a.id == "q2")
    q2.date = "2023-10-01"
    ids = cluster_articles(arts)
    assert ids["q2"] == ids["q1"]
    assert cluster_articles(_corpus(), window_days=90)["q2"] == cluster_articles(_corpus())["q1"]
    short = cluster_articles(arts, window_days=90)
    assert short["q2"] != short["q1"]  # retired after 90 idle days: a new story opens


def test_determinism_and_json_state():
    arts = _corpus() + _seed_articles()
    s1 = StoryClusterer()
    m1 = cluster_articles(arts, clusterer=s1)
    s2 = StoryClusterer()
    m2 = cluster_articles(arts, clusterer=s2)
    assert m1 == m2
    assert json.dumps(s1.to_state(), sort_keys=True) == json.dumps(s2.to_state(), sort_keys=True)
    # features are stable across processes (crc32 buckets, not Python's salted hash)
    v = featurize("Putin tells Pompeo", "Putin met Pompeo in Sochi.")
    assert v["title"] and v["ent"] and all(isinstance(k, int) for k in v["body"])


def test_languages_are_kept_apart():
    a = Article(id="en", title="Earthquake hits Turkey", text=CORPUS[0][3], source="t", language="en")
    b = Article(id="de", title="Earthquake hits Turkey", text=CORPUS[0][3], source="t", language="de")
    c = StoryClusterer()
    assert c.add(a) != c.add(b)


def test_snapshot_from_older_model_still_loads():
    # a snapshot written by the earlier model (with the dropped "cos_lead" feature and a "lead" vector)
    c = StoryClusterer()
    ids = _stream(c, _corpus()[:3])
    state = json.loads(json.dumps(c.to_state()))
    state["model"] = dict(state["model"], features=["cos_body", "cos_lead"] + state["model"]["features"][1:],
                          coef=[1.0] * 10)
    for s in state["stories"]:
        s["vecs"]["lead"] = s["vecs"]["body"][:5]
        s["norms"]["lead"] = 1.0
    c2 = StoryClusterer.from_state(state)
    run2 = _stream(c2, _corpus()[3:])
    assert run2["f2"] == ids["f1"] and c2.model["features"] == c.model["features"]


def test_idf_prior_weighs_common_words_below_names_from_the_start():
    from unspun.cluster import _word_bucket

    common, name = _word_bucket("government"), _word_bucket("lovelace")
    fresh = StoryClusterer()
    assert fresh._idf(common) < fresh._idf(name)  # before any article, "government" is already not rare
    plain = StoryClusterer(idf_prior=False)
    assert plain._idf(common) == plain._idf(name)  # plain online IDF knows nothing yet
    # the setting persists through a snapshot (a restored clusterer scores like the live one)
    c = StoryClusterer(idf_prior=False)
    _stream(c, _corpus()[:3])
    c2 = StoryClusterer.from_state(json.loads(json.dumps(c.to_state())))
    assert c2.idf_prior is False
    rest = _corpus()[3:]
    assert _stream(c2, rest) == _stream(StoryClusterer.from_state(c.to_state()), rest)


SPANISH = [  # unrelated briefs that share only the language's function words
    ("La alcaldía de la ciudad aprobó el presupuesto para el nuevo puerto",
     "El consejo de la ciudad aprobó el lunes el presupuesto del puerto, que se construirá en los próximos años "
     "con fondos de la provincia y del Estado, según dijo la alcaldesa a los periodistas."),
    ("Las lluvias cortan la carretera de la costa durante el fin de semana",
     "Las lluvias de los últimos días han cortado la carretera de la costa, y los vecinos de los pueblos de la "
     "zona no pueden llegar al hospital, que está a más de una hora por el camino del monte."),
    ("El equipo de baloncesto gana la final de la copa en el último segundo",
     "El equipo de la ciudad ganó la final de la copa con una canasta en el último segundo, y miles de "
     "aficionados salieron a la calle para celebrar el primer título de la historia del club."),
]


def test_a_language_s_function_words_do_not_join_unrelated_articles():
    """The first article in a language wordfreq knows brings that language's prior into the IDF (kept in the
    state); with the English prior alone, "de", "la", "que" weighed like names and these briefs joined."""
    arts = [Article(id=f"es{i}", title=t, text=x, source="t", language="es-ES", date="2022-01-10")
            for i, (t, x) in enumerate(SPANISH)]
    english_only = StoryClusterer()
    english_only.prior_langs.add("es")  # as if the Spanish prior were already in: it is not loaded
    assert len({english_only.add(a) for a in arts}) < 3  # the failure this guards against
    c = StoryClusterer()
    assert len({c.add(a) for a in arts}) == 3 and c.prior_langs == {"en", "es"}
    restored = StoryClusterer.from_state(json.loads(json.dumps(c.to_state())))
    assert restored.prior_langs == {"en", "es"} and list(restored._pc) == list(c._pc)


def test_a_language_met_mid_stream_grows_the_prior_as_a_rebuild_would():
    """The prior table grows by one language at a time (not rebuilt from every language met); the table, the
    per-term log df and the shared English table must be what a rebuild from the set of languages gives."""
    from unspun.cluster import _LOG, _prior_counts

    english = Article(id="en0", title="Storm closes the coast road", text="Heavy rain closed the coast road for "
                      "two days, and villagers could not reach the hospital.", source="t", language="en",
                      date="2022-01-09")
    german = Article(id="de0", title="Sturm sperrt die Küstenstraße", text="Der Regen der letzten Tage hat die "
                     "Straße an der Küste gesperrt, und die Dörfer sind ohne Verbindung.", source="t",
                     language="de", date="2022-01-11")
    c = StoryClusterer()
    for a in [english] + [Article(id=f"es{i}", title=t, text=x, source="t", language="es", date="2022-01-10")
                          for i, (t, x) in enumerate(SPANISH)] + [german]:
        c.add(a)
    assert c.prior_langs == {"en", "es", "de"}
    assert list(c._pc) == list(_prior_counts.__wrapped__(frozenset(c.prior_langs)))
    assert c._ldf == {b: _LOG[d + c._pc[b]] for b, d in c.df.items()}
    assert list(_prior_counts()) == list(_prior_counts.__wrapped__())  # the cached English table is untouched


def test_model_feature_list_is_a_copy_of_features():
    # growing FEATURES (a new candidate feature during calibration) must not silently change the shipped model
    from unspun import cluster

    assert cluster.MODEL["features"] == cluster.FEATURES
    cluster.FEATURES.append("probe")
    try:
        assert "probe" not in cluster.MODEL["features"]
        assert StoryClusterer()._params[0] == list(range(len(cluster.MODEL["coef"])))
    finally:
        cluster.FEATURES.pop()


def test_candidate_search_ranks_the_story_sharing_most_rare_terms_among_many_stories():
    # More distinct stories than candidate slots each share one term with the second earthquake report; the
    # IDF-weighted look-up must still rank the story sharing many of its terms (Gaziantep, AFAD, aftershocks)
    # among the scored candidates, and the article must join it.
    shared = ["rescuers", "survivors", "collapsed", "buildings", "magnitude", "pulled", "sharply", "rattle",
              "border", "toll", "rubble", "dig"]
    topics = [("railway", "signalling", "commuters"), ("fishery", "trawlers", "quotas"), ("tariff", "steel", "imports"),
              ("vaccine", "trial", "dosage"), ("broadband", "fibre", "rollout"), ("pension", "annuity", "retirees"),
              ("housing", "mortgage", "landlords"), ("drought", "reservoir", "farmers"), ("mining", "lithium", "ore"),
              ("tourism", "hotels", "visitors"), ("forestry", "timber", "logging"), ("shipyard", "frigate", "welders")]
    distractors = [
        Article(id=f"d{i}", source="test", date="2023-02-06", title=f"{a.title()} {b} {c}",
                text=f"The {a} {b} {c} {w}. {a.title()} {b} {c}. {c.title()} {a} {b}.")
        for i, ((a, b, c), w) in enumerate(zip(topics, shared))]
    q1, q2 = _corpus()[0], _corpus()[2]
    c = StoryClusterer()
    for a in [q1] + distractors:
        c.add(a)
    assert len(c.stories) == len(distractors) + 1 > c.max_candidates
    col: list = []
    sid = c.add(q2, _collect=col)
    cands = [cid for _, cid in col[0]]
    assert len(cands) == c.max_candidates  # the look-up found more stories than it scores
    assert cands[0] == c.story_of("q1")  # ... and scored the right one first
    assert sid == c.story_of("q1")


def _weak_pair() -> list[Article]:
    # same day, one shared rare word ("underpasses") and otherwise unrelated text: a candidate, but no real match
    return [Article(id="w1", source="test", date="2023-03-01", title="Council approves library budget",
                    text="The council voted to fund a larger library with longer opening hours, a reading room for "
                         "schoolchildren, free evening lectures, new shelving, quieter study desks and a cafe; "
                         "murals will brighten the underpasses leading there, the mayor said after the meeting."),
            Article(id="w2", source="test", date="2023-03-01", title="Storm floods coastal roads",
                    text="Heavy rain and high tides flooded coastal roads overnight, stranding drivers, toppling "
                         "trees and cutting power to thousands of homes; crews pumped water from underpasses while "
                         "forecasters warned of gales, hail and further flooding along the estuary.")]


def test_a_join_needs_real_text_evidence():
    # With the join threshold at ~0 every scored candidate would be joined; the evidence rule (one of the body,
    # title and name-phrase cosines >= min_cos) still keeps a candidate sharing only a name apart.
    w1, w2 = _weak_pair()
    c = StoryClusterer(threshold=1e-9)
    col: list = []
    c.add(w1)
    sid = c.add(w2, _collect=col)
    x = col[0][0][0]  # the candidate (w1's story) was scored ...
    assert max(x[0], x[1], x[3]) < c.min_cos and sid != c.story_of("w1")  # ... but not joined
    off = StoryClusterer(threshold=1e-9, min_cos=0.0)  # the rule off: the same pair is joined
    assert off.add(w1) == off.add(w2)
    # (the opt-in event rule of round 15 keeps this dated pair apart too: it shares no event-specific term)
    rule = StoryClusterer(threshold=1e-9, min_cos=0.0, event_p=EVENT_P)
    assert _specific_shared(w1, w2) == 0 and rule.add(w1) != rule.add(w2)
    # real matches are untouched: the three two-article stories still form
    m = cluster_articles(_corpus())
    assert m["q1"] == m["q2"] and m["f1"] == m["f2"] and m["m1"] == m["m2"]


def test_headline_words_alone_are_no_evidence_when_the_two_share_no_name():
    # AEB pages of one week: two stabbings in different cities, headlines sharing "stabbed to death"
    a = Article(id="h1", source="test", date="2019-11-20", title="Man stabbed to death on San Francisco Bay train",
                text="A man was stabbed to death aboard a BART train at the Lake Merritt station in Oakland on "
                     "Tuesday night, and transit police arrested a suspect at the next stop, a spokeswoman said.")
    b = Article(id="h2", source="test", date="2019-11-20",
                title="Son of former German president stabbed to death in Berlin",
                text="Fritz von Weizsaecker, a doctor and the son of former German president Richard von "
                     "Weizsaecker, was killed during a lecture at the Schlosspark clinic, where an attacker "
                     "with a knife rushed the stage.")
    c = StoryClusterer(threshold=1e-9)
    col: list = []
    c.add(a)
    sid = c.add(b, _collect=col)
    x = col[0][0][0]
    assert x[1] >= c.min_cos and x[0] < c.min_cos and x[3] == 0.0  # a title match, no body match, no shared name
    assert sid != c.story_of("h1")


def test_min_cos_persists_and_older_snapshots_get_the_default():
    from unspun.cluster import MIN_COS

    c = StoryClusterer(min_cos=0.05)
    _stream(c, _corpus()[:3])
    state = json.loads(json.dumps(c.to_state()))
    assert StoryClusterer.from_state(state).min_cos == 0.05
    # a snapshot written before the rule existed has no "min_cos" in params or model: it loads with the default
    del state["params"]["min_cos"]
    state["model"].pop("min_cos", None)
    c2 = StoryClusterer.from_state(state)
    assert c2.min_cos == MIN_COS
    assert _stream(c2, _corpus()[3:])["f2"] == c.story_of("f1")


def test_a_derived_title_is_not_read_as_a_headline():
    # untitled inputs get their first line as a stand-in title at ingest (title_derived); a shared boilerplate first
    # line must not join unrelated articles, as it would if read as a headline
    banner = "Looking for news you can trust?"
    quake, mars = _corpus()[0], _corpus()[3]
    arts = [Article(id=a.id, title=banner, text=banner + "\n\n" + a.text, source="test", title_derived=True)
            for a in (quake, mars)]
    assert featurize_article(arts[0]) == featurize("", arts[0].text)
    got = cluster_articles(arts)
    assert got["q1"] != got["m1"]
    as_titles = cluster_articles([Article(id=a.id, title=a.title, text=a.text, source="test") for a in arts])
    assert as_titles["q1"] == as_titles["m1"]  # the failure this guards against


# -- the dense second stage (issue 8 round 9) ----------------------------------------------------------------------

def _fake_encoder(monkeypatch, same: bool) -> None:
    """Stand-in for the sentence encoder: every text gets the same vector (same=True) or its own orthogonal one."""
    import numpy as np

    import unspun.cluster as cluster_module

    seen: dict[str, int] = {}

    def encode(text: str):
        v = np.zeros(384)
        v[0 if same else seen.setdefault(text, len(seen))] = 1.0
        return v

    monkeypatch.setattr(cluster_module, "_embed_text", encode)


def _dense_only_model() -> dict:
    # only the dense cosine counts: P = sigmoid(10 * cos_dense - 5)
    from unspun.cluster import DENSE_FEATURES

    coef = [0.0] * len(DENSE_FEATURES)
    coef[DENSE_FEATURES.index("cos_dense")] = 10.0
    return {"features": DENSE_FEATURES, "coef": coef, "intercept": -5.0, "threshold": 0.5}


EVERY_DECISION = (0.0, 2.0)


def test_the_dense_stage_decides_only_inside_its_band(monkeypatch):
    arts = _corpus()
    _fake_encoder(monkeypatch, same=False)  # no two texts alike: the dense stage keeps every article apart
    c = StoryClusterer(dense=True, dense_band=EVERY_DECISION, dense_model=_dense_only_model())
    apart = cluster_articles(arts, clusterer=c)
    assert len(set(apart.values())) == len(arts) and c.n_encoded > 0
    _fake_encoder(monkeypatch, same=True)  # all alike: whatever the words, every evidenced candidate is joined
    alike = cluster_articles(arts, dense=True, dense_band=EVERY_DECISION, dense_model=_dense_only_model())
    assert alike["q1"] == alike["q2"] and alike["f1"] == alike["f2"] and alike["m1"] == alike["m2"]
    # outside the band nothing is encoded and the first stage decides alone
    c = StoryClusterer(dense=True, dense_band=(2.0, 3.0), dense_model=_dense_only_model())
    assert cluster_articles(arts, clusterer=c) == cluster_articles(arts) and c.n_encoded == 0


def test_dense_state_persists_leads_and_replays_like_a_batch(monkeypatch):
    _fake_encoder(monkeypatch, same=False)
    arts = _corpus()
    kw = {"dense": True, "dense_band": EVERY_DECISION, "dense_model": _dense_only_model()}
    c = StoryClusterer(**kw)
    got = _stream(c, arts[:3])
    state = json.loads(json.dumps(c.to_state()))
    assert all(s["leads"] for s in state["stories"]) and state["params"]["dense"]
    c = StoryClusterer.from_state(state)  # story vectors are not stored: encoded again from the leads when needed
    assert c.dense and c.dense_model == _dense_only_model()
    got.update(_stream(c, arts[3:]))
    c_batch = StoryClusterer(**kw)
    assert cluster_articles(arts, clusterer=c_batch) == {k: c.resolve(v) for k, v in got.items()}
    assert json.dumps(c_batch.to_state(), sort_keys=True) == json.dumps(c.to_state(), sort_keys=True)


def test_a_state_without_dense_leads_continues_with_the_dense_stage(monkeypatch):
    _fake_encoder(monkeypatch, same=False)
    c = StoryClusterer()
    ids = _stream(c, _corpus()[:3])
    state = json.loads(json.dumps(c.to_state()))
    state["params"]["dense"] = True  # e.g. a store written before the dense stage, continued with it on
    c2 = StoryClusterer.from_state(state)
    run2 = _stream(c2, _corpus()[3:])
    assert run2["f2"] == ids["f1"]  # its stories have no leads, so the first stage decided


def test_dense_stage_with_the_real_encoder_is_deterministic_across_a_restore():
    import pytest

    from unspun import embed

    if not embed.available():
        pytest.skip("sentence-transformers / the packaged MiniLM weights are not installed")
    arts = _corpus()
    c = StoryClusterer(dense=True, dense_band=EVERY_DECISION)
    got = _stream(c, arts[:3])
    c = StoryClusterer.from_state(json.loads(json.dumps(c.to_state())))
    got.update(_stream(c, arts[3:]))
    got = {k: c.resolve(v) for k, v in got.items()}
    assert got["q1"] == got["q2"] and got["f1"] == got["f2"] and got["m1"] == got["m2"]
    assert len({got["q1"], got["f1"], got["m1"]}) == 3
    assert cluster_articles(arts, dense=True, dense_band=EVERY_DECISION) == got


def test_a_dated_pair_needs_the_dated_threshold():
    # issue 8 round 14: every join needs P >= threshold, a pair of dated articles also P >= dated_threshold
    q1, _, q2 = _corpus()[:3]  # the earthquake and its follow-up, both dated
    probe = StoryClusterer()
    col: list = []
    probe.add(q1)
    probe.add(q2, _collect=col)
    x = col[0][0][0]
    p = probe._prob(x)
    assert x[FEATURES.index("date_known")] == 1.0 and 0.0 < p < 1.0
    strict = StoryClusterer(threshold=0.01, dated_threshold=(p + 1.0) / 2)
    assert strict.add(q1) != strict.add(q2)
    loose = StoryClusterer(threshold=0.01, dated_threshold=p / 2)
    assert loose.add(q1) == loose.add(q2)
    # the same two undated: "threshold" decides, "dated_threshold" does not
    u1, u2 = (Article(id=a.id, title=a.title, text=a.text, source="test") for a in (q1, q2))
    undated = StoryClusterer(threshold=0.01, dated_threshold=1.0)
    assert undated.add(u1) == undated.add(u2)


def test_dated_threshold_defaults_persists_and_older_snapshots_keep_one_threshold():
    from unspun.cluster import DATED_THRESHOLD, MODEL

    # by default one threshold for dated and undated pairs; DATED_THRESHOLD is the opt-in `--strict-stories` bar
    assert StoryClusterer().dated_threshold == MODEL["threshold"] < DATED_THRESHOLD
    assert StoryClusterer(threshold=0.3).dated_threshold == 0.3  # an explicit threshold holds for dated pairs too
    c = StoryClusterer(dated_threshold=0.42)
    _stream(c, _corpus()[:3])
    state = json.loads(json.dumps(c.to_state()))
    assert StoryClusterer.from_state(state).dated_threshold == 0.42
    # the user's strict bar survives a snapshot written by an older model (its own thresholds are replaced)
    old = json.loads(json.dumps(state))
    old["model"]["features"] = [*old["model"]["features"], "cos_lead"]
    assert StoryClusterer.from_state(old).dated_threshold == 0.42
    # a snapshot written before round 14 has no dated_threshold anywhere: it goes on with its one threshold
    del state["params"]["dated_threshold"]
    state["model"].pop("dated_threshold", None)
    c2 = StoryClusterer.from_state(state)
    assert c2.dated_threshold == c2.threshold == MODEL["threshold"]
    assert _stream(c2, _corpus()[3:])["f2"] == c.story_of("f1")


def _topical_pair() -> tuple[Article, Article]:
    # AEB week, issue 8 round 13: a plague case in Inner Mongolia joined Trump's trade war (same country, no same event)
    t1 = Article(id="t1", source="test", date="2019-11-18",
                 title="Trump says trade talks with China are going very well",
                 text="President Donald Trump said on Monday that trade talks with China were going very well, as "
                      "Beijing and Washington tried to agree on the first phase of a deal. Markets in Asia rose. "
                      "China's commerce ministry said the two sides had constructive talks on tariffs.")
    t2 = Article(id="t2", source="test", date="2019-11-19", title="China confirms a new plague case",
                 text="Health officials in China confirmed a case of bubonic plague on Tuesday, the third this month. "
                      "Beijing said the risk of spread was low. The patient, a hunter, is in hospital in Inner "
                      "Mongolia, and China's health commission said the talks with local officials went well.")
    return t1, t2


def _specific_shared(a: Article, b: Article) -> int:
    """The event-specific terms b shares with a's story, as the clusterer counts them."""
    c = StoryClusterer(threshold=1e-9, dated_threshold=1e-9, min_cos=0.0, event_p=1.0, event_terms=10**6)
    seen: list[int] = []
    count = c._specific_shared
    c._specific_shared = lambda doc, story: seen.append(count(doc, story)) or seen[-1]
    c.add(a)
    c.add(b)
    return seen[0]


def test_a_weak_dated_join_needs_event_specific_terms():
    # issue 8 round 15: a dated join under P event_p also needs event_terms event-specific terms in common (names the
    # general-English prior does not know, rare headline words); common names ("Trump", "China") are a topic
    t1, t2 = _topical_pair()
    q1, _, q2 = _corpus()[:3]  # the earthquake and its follow-up: Gaziantep, Kahramanmaras, ...
    assert _specific_shared(t1, t2) == 0 < _specific_shared(q1, q2)
    only_the_rule = {"threshold": 1e-9, "dated_threshold": 1e-9, "min_cos": 0.0}  # every scored candidate would join
    off = StoryClusterer(event_p=0.0, **only_the_rule)
    assert off.add(t1) == off.add(t2)
    on = StoryClusterer(event_p=1.0, event_terms=1, **only_the_rule)
    assert on.add(t1) != on.add(t2)
    on = StoryClusterer(event_p=1.0, event_terms=1, **only_the_rule)
    assert on.add(q1) == on.add(q2)
    # undated pairs (Multi-News) are not asked: the same topical pair without dates still joins
    u1, u2 = (Article(id=a.id, title=a.title, text=a.text, source="test") for a in (t1, t2))
    undated = StoryClusterer(event_p=1.0, event_terms=10**6, **only_the_rule)
    assert undated.add(u1) == undated.add(u2)


def test_event_rule_persists_and_older_snapshots_go_on_without_it():
    from unspun.cluster import EVENT_TERMS

    assert (StoryClusterer().event_p, StoryClusterer().event_terms) == (0.0, EVENT_TERMS)  # opt-in: off by default
    c = StoryClusterer(event_p=EVENT_P, event_terms=2)
    _stream(c, _corpus()[:3])
    state = json.loads(json.dumps(c.to_state()))
    c1 = StoryClusterer.from_state(state)
    assert (c1.event_p, c1.event_terms) == (EVENT_P, 2)  # a store that asked for the rule keeps it
    # a snapshot written before the rule has neither: it goes on without it
    del state["params"]["event_p"], state["params"]["event_terms"]
    c2 = StoryClusterer.from_state(state)
    assert (c2.event_p, c2.event_terms) == (0.0, EVENT_TERMS)
    assert _stream(c2, _corpus()[3:])["f2"] == c.story_of("f1")


def test_aeb_labels_cover_the_folder():
    # bench/data/aeb_events.jsonl labels every AEB page by file name (bench/cluster.py's aeb-week stream)
    import pytest

    html = Path(__file__).resolve().parents[2] / "shared" / "data" / "extract" / "aeb" / "html"
    rows = [json.loads(line) for line in (Path(__file__).resolve().parents[1] / "bench" / "data" /
                                          "aeb_events.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(set(r) == {"file", "event"} and r["event"] for r in rows)
    files = [r["file"] for r in rows]
    assert len(files) == len(set(files)) == 111
    if not html.is_dir():
        pytest.skip("no ../shared/data/extract/aeb")
    assert sorted(files) == sorted(p.name for p in html.iterdir())
