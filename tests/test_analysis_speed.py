"""The analysis stage's shortcuts give what the plain code gives: stored parses byte for byte as spaCy's DocBin,
junk tests as the case-insensitive pattern, name look-ups as an index asked afresh."""

import re

from spacy.tokens import DocBin

from unspun import nlp
from unspun.entities import NameIndex
from unspun.summarize import _JUNK, _JUNK_CS, _READER, _is_junk


def test_doc_to_bytes_is_docbins_own(seeds_dir, football_text):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())] + [football_text, "Hi.", ""]
    for doc in nlp.parse_texts(texts):
        docbin = DocBin(attrs=list(nlp._DOC_ATTRS), store_user_data=False)
        docbin.add(doc)
        assert nlp.doc_to_bytes(doc) == docbin.to_bytes()
        back = nlp.doc_from_bytes(nlp.doc_to_bytes(doc), nlp.doc_text(doc))
        assert [(t.text, t.lemma_, str(t.morph), t.dep_, t.ent_type_) for t in back] == \
            [(t.text, t.lemma_, str(t.morph), t.dep_, t.ent_type_) for t in doc]


def test_is_junk_matches_the_case_insensitive_pattern():
    sentences = [
        "Click HERE to subscribe.", "The Mayor said the plan works.", "In This Undated Photo, a man waves.",
        "KANSAS CITY, Mo. (AP) Shares rose.", "Visit WWW.EXAMPLE.ORG for more.", "Sign Up for our Newsletter!",
        "Police march in Ferguson, Mo., Sunday, Aug. 17, 2014.", "1 of 12 pictures", "Über die Grenze ging er.",
        "İnternet archive copy", "The ınternet archive holds it.", "A ſubſcribe button", "COPYRIGHT © 2020",
        "He said “read more” twice.", "The Kelvin sign K is here: warc", "",
    ]
    pattern = re.compile(_JUNK.pattern, re.IGNORECASE)
    for s in sentences:
        assert _is_junk(s) == bool(pattern.search(s) or _JUNK_CS.search(s) or _READER.match(s)), s


def test_name_index_answers_as_a_fresh_index():
    names = [("Mike Pompeo", "PERSON"), ("Sergei Lavrov", "PERSON"), ("Equifax Equifax", "ORG"),
             ("U.N.", "ORG"), ("Kim Jong Un", "PERSON")]
    asks = [("Pompeo", "PERSON"), ("Pompeo", None), ("Lavrov", "ORG"), ("Equifax", "ORG"), ("U.N.", "ORG"),
            ("Un", "PERSON"), ("Secretary Pompeo", "PERSON"), ("Equifax Equifax", None)]
    index = NameIndex()
    for i, (text, label) in enumerate(names):
        index.add(text, label)
        fresh = NameIndex(names[: i + 1])
        for text_, label_ in asks:  # asked twice: the second answer comes from the memo
            assert index.canonical(text_, label_) == index.canonical(text_, label_) == fresh.canonical(text_, label_)
    index.add("Equifax", "ORG")  # a later add changes the answers it memoised
    assert index.canonical("Equifax Equifax", None) == NameIndex(names + [("Equifax", "ORG")]).canonical(
        "Equifax Equifax", None) == "Equifax"
