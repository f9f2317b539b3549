"""The spaCy stand-ins and caches in `unspun.nlp` must give exactly what spaCy's own components give."""

from __future__ import annotations

import numpy as np
import pytest

from unspun import nlp
from unspun.dedup import new_lsh, new_minhash

TEXT = (
    "There is a man outside. There's none left, y'all. Let's go, we're gonna win, he said on Tuesday. "
    "I ain't gonna do it, c'mon. Gotta go.  \n\n“We will not back down,” Foreign Minister Heiko Maas told "
    "reporters in Berlin, adding that the talks were postponed. Prices rose 3.5% in May; analysts expected less."
)


def _annotations(doc):
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, ORTH, POS, SENT_START, TAG

    return doc.to_array([ORTH, TAG, POS, MORPH, LEMMA, DEP, HEAD, ENT_IOB, ENT_TYPE, SENT_START])


@pytest.fixture(scope="module")
def spacy_own():
    import spacy

    return spacy.load(nlp.MODEL_NAME)


def test_stand_ins_replace_the_rule_components():
    names = {name: type(p).__name__ for name, p in nlp.get_nlp().pipeline}
    assert names["attribute_ruler"] == "_FastAttributeRuler"
    assert names["lemmatizer"] == "_CachedLemmatizer"


def test_stand_ins_annotate_exactly_as_spacy(spacy_own):
    texts = [TEXT, TEXT.upper(), "", "  ", "Gon na", TEXT]  # the repeat runs on warm caches
    ours = nlp.parse_texts(texts)
    for a, b in zip(ours, spacy_own.pipe(texts)):
        assert np.array_equal(_annotations(a), _annotations(b))
        assert [str(t.morph) for t in a] == [str(t.morph) for t in b]
        assert [t.lemma_ for t in a] == [t.lemma_ for t in b]


def test_doc_text_and_sentences_match_spacy():
    doc = nlp.parse_texts([TEXT])[0]
    assert nlp.doc_text(doc) == doc.text == TEXT
    expected = []
    for sent in doc.sents:  # the definition: sentence texts, split at paragraph breaks, whitespace-normalised
        expected += [" ".join(p.split()) for p in sent.text.split("\n\n") if p.strip()]
    assert nlp.sentences(doc) == expected
    got = nlp.sentences(doc)
    got.append("x")  # callers get their own list, not the cache
    assert nlp.sentences(doc) == expected


def test_shared_minhash_permutations_and_lsh_params_as_datasketch():
    from datasketch import MinHash, MinHashLSH

    data = [b"a b c", b"b c d", b"c d e"]
    ours, theirs = new_minhash(64), MinHash(num_perm=64, seed=1)
    ours.update_batch(data)
    theirs.update_batch(data)
    assert np.array_equal(ours.hashvalues, theirs.hashvalues)
    lsh, ref = new_lsh(0.7, 64), MinHashLSH(threshold=0.7, num_perm=64)
    assert (lsh.b, lsh.r) == (ref.b, ref.r)
