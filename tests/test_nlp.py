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
        expected += [" ".join(p.split()) for p in sent.text.split("\n\n") if p.strip()]  # (TEXT has no \n alone)
    assert nlp.sentences(doc) == expected
    got = nlp.sentences(doc)
    got.append("x")  # callers get their own list, not the cache
    assert nlp.sentences(doc) == expected


def test_a_line_without_a_full_stop_over_the_body_is_not_run_into_its_first_sentence():
    # Giveme5W1H: a photo caption printed over the body without punctuation, on its own line.
    text = ("The Vaunt glasses by Intel are designed to display notifications on the righthand lens\n"
            "Google Glass, the spectacles with a built-in camera, were labelled creepy. Now Intel has unveiled "
            "glasses that look like ordinary specs.\nIt said the device\nwould ship in 2018.")
    got = nlp.sentences(nlp.parse_texts([text])[0])
    assert "The Vaunt glasses by Intel are designed to display notifications on the righthand lens" in got
    assert "Google Glass, the spectacles with a built-in camera, were labelled creepy." in got
    assert not any("lens Google" in s for s in got)
    # a line break before a lower-case word (a wrapped line) does not end a sentence
    assert not any(s.startswith("would ship") for s in got)
    # a heading in capitals run into its paragraph is a piece of its own; a lead-in in capitals is not
    text = ("APPLE TO REPLACE OLD BATTERIES Apple may replace all batteries in older phones.\n"
            "APPLE HAS REVEALED that it removed the app.")
    assert nlp.sentences(nlp.parse_texts([text])[0]) == [
        "APPLE TO REPLACE OLD BATTERIES", "Apple may replace all batteries in older phones.",
        "APPLE HAS REVEALED that it removed the app."]


def test_shared_minhash_permutations_and_lsh_params_as_datasketch():
    from datasketch import MinHash, MinHashLSH

    data = [b"a b c", b"b c d", b"c d e"]
    ours, theirs = new_minhash(64), MinHash(num_perm=64, seed=1)
    ours.update_batch(data)
    theirs.update_batch(data)
    assert np.array_equal(ours.hashvalues, theirs.hashvalues)
    lsh, ref = new_lsh(0.7, 64), MinHashLSH(threshold=0.7, num_perm=64)
    assert (lsh.b, lsh.r) == (ref.b, ref.r)


GERMAN = ("Die Bootsführerausbildung in der Feuerwehr ist sehr praxisorientiert und schließt mit der Prüfung zum "
          "amtlichen Sportbootführerschein ab. Der theoretische Teil findet an drei Abenden im Gerätehaus statt, "
          "danach geht es mit dem Boot auf die Hunte. Wer mitmachen möchte, meldet sich bis Ende des Monats beim "
          "Wehrführer; die Plätze sind begrenzt, und die Kosten übernimmt die Stadt. Im vergangenen Jahr haben "
          "zwölf Mitglieder der Wehr die Prüfung bestanden, berichtete der Sprecher am Donnerstag.")
ENGLISH = ("The harbour board met on Tuesday and approved the budget for the coming year, members said. The plan "
           "keeps the ferry running through the winter and repairs the north pier, which has been closed since a "
           "storm in March. Critics on the board said the repairs should have started months ago, and asked for "
           "a report on the delays before the next meeting. The ferry company welcomed the decision and said it "
          "would add an evening crossing on weekdays from the first of May.")


def test_article_language_follows_the_text_when_the_detector_is_sure():
    assert nlp.detect_language(GERMAN) == "de" and nlp.detect_language(ENGLISH) == "en"
    assert nlp.article_language("en", GERMAN) == "de"  # a template's lang="en" on a German page
    assert nlp.article_language(None, GERMAN) == "de" and nlp.article_language(None, ENGLISH) == "en"
    assert nlp.article_language("en-GB", ENGLISH) == "en-GB"  # agreeing: the declaration (with its region) stays
    assert nlp.article_language("de", ENGLISH) == "en"  # English text on a German site
    assert nlp.article_language("nl", GERMAN) == "nl"  # between two other languages the declaration stands
    short = "Der Minister sagte am Dienstag, die Gespräche würden fortgesetzt."
    assert nlp.detect_language(short) is None and nlp.article_language("en", short) == "en"  # too short to overrule


def test_a_german_page_declared_english_gets_no_english_analysis(tmp_path):
    """The English tagger and NER on German text give confident nonsense; the detected language keeps it out."""
    from unspun.ingest import iter_articles
    from unspun.model import Article

    page = (f'<html lang="en"><head><title>Bootsführer</title></head><body><article><p>{GERMAN}</p></article>'
            "</body></html>")
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    (arts,) = [x for x in iter_articles([str(tmp_path / "a.html")]) if isinstance(x, Article)]
    assert arts.language == "de" and not nlp.is_english(arts.language)
    docs = nlp.parse_articles([arts])
    assert not docs[arts.id].ents  # sentences only, no entities claimed


def test_other_languages_keep_ordinals_inside_their_sentence():
    text = ("Die Regierung ersucht die EU um eine Verschiebung des für 31. Oktober geplanten Austritts. Am 3. Mai kam "
            "er zurück. Er spielt in der 3. Liga. Der Zähler stand bei 12. Danach ging es weiter.")
    got = [s.text for s in nlp.get_sentencizer()(text).sents]
    assert got == ["Die Regierung ersucht die EU um eine Verschiebung des für 31. Oktober geplanten Austritts.",
                   "Am 3. Mai kam er zurück.", "Er spielt in der 3. Liga.", "Der Zähler stand bei 12.",
                   "Danach ging es weiter."]
