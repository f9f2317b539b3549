"""Story entities: people, organisations and places with canonical names, counts and a role in the story.

spaCy's NER gives the mentions; what no library does for us (and is hand-written here) is the story-level
bookkeeping: cleaning junk spans, mending the small model's boundaries and types from the words around a name
("Enlarge Image Google", "the militant group Boko Haram" tagged PERSON; measured by bench/entities.py), folding
surnames into full names ("Pompeo" -> "Mike Pompeo"), a tiny alias table for country names, per-outlet counts and
the main/secondary/mentioned role.
The name helpers (`clean_name`, `name_key`, `NameIndex`) are shared with `quotes`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Iterable

from .model import Article, Entity
from .nlp import doc_text as nlp_doc_text

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

KEEP_TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "LAW", "PRODUCT", "WORK_OF_ART")
NAME_TYPES = ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT")

# Titles and honorifics that precede a name but are not part of it ("Secretary of State Mike Pompeo").
TITLE_WORDS = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "gen", "col", "lt", "sgt",
    "capt", "adm", "sen", "rep", "gov", "pres", "president", "vice", "prime", "minister", "secretary",
    "senator", "representative", "congressman", "congresswoman", "governor", "mayor", "chancellor", "king",
    "queen", "prince", "princess", "pope", "judge", "justice", "ambassador", "general", "colonel", "chairman",
    "chairwoman", "chair", "ceo", "director", "spokesman", "spokeswoman", "spokesperson", "aide", "leader",
    "foreign", "defense", "defence", "interior", "finance", "state", "of", "the", "former", "special",
    "counsel", "attorney", "deputy", "chief", "first", "sheikh", "ayatollah", "premier", "commissioner",
    "us", "u.s.", "russian", "german", "french", "british", "american", "chinese", "iranian", "israeli",
    "presidential", "candidate", "nominee", "speaker", "majority", "minority", "house", "senate", "democratic",
    "republican", "gop", "representative", "envoy", "officer", "professor", "coach", "manager",
    # occupations written before a name like a title ("Screenwriter Paula Pell", "Musician Nelly")
    "actor", "actress", "author", "writer", "screenwriter", "novelist", "poet", "comedian", "singer", "rapper",
    "musician", "artist", "producer", "filmmaker", "photographer", "journalist", "reporter", "columnist", "economist",
    "analyst", "lawyer", "detective", "det", "sheriff", "trooper", "sergeant", "comedienne",
    # sports and business titles printed before a name ("GM Ryan Pace", "MVP Ben Zobrist", "CFO Ruth Porat")
    "gm", "mvp", "cfo", "coo", "cto", "founder", "co-founder", "owner", "quarterback", "pitcher", "striker",
    # a photo credit's agency run into the name it captions ("AFP Angela Merkel")
    "afp", "ap", "reuters", "getty", "epa",
    # roles and faiths ("Prosecutor Keller Blackburn", "Eyewitness Damien Allemend", "Rabbi Jacob Luski")
    "prosecutor", "editor", "bystander", "eyewitness", "model", "physicist", "scientist", "rabbi", "imam", "pastor",
    "mp", "constable",
}

# Titles that mark the rest as a person's name even when one word is left ("President Trump").
ROLE_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "rev", "gen", "col", "lt", "sgt", "capt",
    "adm", "sen", "rep", "gov", "president", "secretary", "senator", "representative", "congressman",
    "congresswoman", "governor", "mayor", "chancellor", "king", "queen", "prince", "princess", "pope", "judge",
    "justice", "ambassador", "general", "colonel", "chairman", "chairwoman", "ceo", "director", "spokesman",
    "spokeswoman", "spokesperson", "aide", "leader", "premier", "sheikh", "ayatollah", "envoy", "professor",
    "coach", "candidate", "nominee", "speaker", "commissioner", "deputy", "chief", "counsel", "attorney",
    "minister", "officer", "manager", "actor", "actress", "singer", "rapper", "musician", "comedian", "comedienne",
    "det", "detective", "sheriff", "sergeant", "prosecutor", "editor", "bystander", "eyewitness", "model", "physicist",
    "scientist", "rabbi", "imam", "pastor", "mp", "constable",
}

# Country-name variants news uses interchangeably (hand-written: NER gives no canonical form for GPEs).
GPE_ALIASES = {
    "us": "United States", "u.s.": "United States", "u.s": "United States", "usa": "United States",
    "u.s.a.": "United States", "united states": "United States", "united states of america": "United States",
    "america": "United States", "uk": "United Kingdom", "u.k.": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "united kingdom": "United Kingdom", "russian federation": "Russia",
    "russia": "Russia", "dprk": "North Korea", "north korea": "North Korea", "prc": "China",
    "people's republic of china": "China", "uae": "United Arab Emirates", "eu": "European Union",
    "european union": "European Union",
}

# platforms the small model tags PERSON ("on Twitter"); written as news names them
PLATFORMS = {"twitter", "facebook", "instagram", "youtube", "tiktok", "snapchat", "reddit", "myspace", "whatsapp",
             "linkedin", "tumblr", "pinterest", "telegram"}

# US states as AP style and postal codes write them after a place name ("Erie, Pa.", "Erie, PA"): the state.
AP_STATES = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California", "Colo.": "Colorado",
    "Conn.": "Connecticut", "Del.": "Delaware", "Fla.": "Florida", "Ga.": "Georgia", "Ill.": "Illinois",
    "Ind.": "Indiana", "Kan.": "Kansas", "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland",
    "Mass.": "Massachusetts", "Mich.": "Michigan", "Minn.": "Minnesota", "Miss.": "Mississippi", "Mo.": "Missouri",
    "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada", "N.H.": "New Hampshire", "N.J.": "New Jersey",
    "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina", "N.D.": "North Dakota", "Okla.": "Oklahoma",
    "Ore.": "Oregon", "Pa.": "Pennsylvania", "R.I.": "Rhode Island", "S.C.": "South Carolina", "S.D.": "South Dakota",
    "Tenn.": "Tennessee", "Vt.": "Vermont", "Va.": "Virginia", "Wash.": "Washington", "W.Va.": "West Virginia",
    "Wis.": "Wisconsin", "Wyo.": "Wyoming",
}
POSTAL_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho",
    "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine",
    "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}
# a short capitalised abbreviation ("Pa.", "Penn.", "N.Y."): a place name only when the tables resolve it
_ACRONYM = re.compile(r"(?:[A-Z]\.?){2,4}")  # "UN", "U.N.", "NATO": initials, no one's name
_ABBREVIATION = re.compile(r"[A-Z][a-z]{0,3}\.(?:[A-Z][a-z]?\.)*|(?:[A-Z]\.){2,3}")
# what follows a dateline's place in caps: "ERIE, Pa. —", "HOUSTON (AP) —", "CARACAS (Reuters) -", "LONDON —"
_AFTER_DATELINE = re.compile(r"\s*(?:,|\(|[\u2014\u2013-]\s)")

# spans the tagger runs past a name: into a label after a colon ("Andrew Faulk: Back to Gallery")
_SPAN_RUN_ON = re.compile(r"\s*:.*$")
# a possessor run into a nationality or faith ("Osei's Ghanaian" supporters); not a firm ("McDonald's Corp")
_OWNED_GROUP = re.compile(r".+['\u2019]s\s+([A-Z][a-z]+(?:ish|ese|ian|an|i|ic))")
_RELATIVE_PRONOUN = re.compile(r"\s*,\s*(who|which)\b", re.IGNORECASE)  # "Knightscope, which ...", "Roe, who ..."
_OWNER = re.compile(r"^.+['\u2019]s\s+(?=[A-Z])")  # a possessor run into a person's name

NAME_PARTICLES = {"de", "van", "von", "al", "bin", "da", "la", "le", "der", "del", "di"}  # lower case inside names

# One-word ORG/GPE spans that are pieces of a title, not names ("State" in "Secretary of State").
GENERIC_WORDS = {"state", "department", "ministry", "office", "foreign", "defense", "interior", "treasury", "justice"}

LEGAL_FORMS = {"inc", "co", "corp", "ltd", "llc", "plc", "ag", "gmbh", "sa", "nv"}  # "Apotex Inc" is Apotex
# the last word that makes a name an organisation's or a building's or street's, even after a given name ("Ben Taub
# Hospital", "Terra Bella Avenue", "Salesforce Tower"): the small model tags some of them PERSON. Not words that are
# also common surnames ("Hall", "Park", "Church", "Lane", "Post", "Press").
ORG_WORDS = LEGAL_FORMS | {
    "company", "group", "holdings", "partners", "bank", "fund", "foundation", "institute", "university", "college",
    "school", "party", "police", "department", "council", "committee", "association", "club", "news", "times", "media",
    "network", "records", "studios", "society", "enterprises", "industries", "technologies", "agency", "commission",
    "corporation", "organization", "organisation", "coalition", "alliance", "federation", "league", "academy",
    "ministry", "consulate", "embassy", "service", "services",
}
FAC_WORDS = {"avenue", "street", "road", "boulevard", "square", "bridge", "tower", "building", "hospital", "center",
             "centre", "airport", "station", "stadium", "gate", "observatory", "museum", "zoo"}

# common nouns written before a name that say what kind of thing it is ("the militant group Boko Haram", "a company
# called Harmony Enterprises", "the trio Migos", "the northern city of Mazar-i-Sharif"): the small model calls many
# such organisations and places persons
ORG_NOUNS = {
    "group", "company", "firm", "organization", "organisation", "network", "band", "trio", "duo", "quartet", "agency",
    "charity", "startup", "start-up", "maker", "manufacturer", "label", "team", "club", "website", "publication",
    "newspaper", "magazine", "tabloid", "broadcaster", "channel", "retailer", "chain", "brand", "carrier", "airline",
    "lender", "insurer", "conglomerate", "militia", "movement", "faction", "nonprofit", "non-profit", "outfit",
    "publisher", "studio", "journal", "daily", "party", "coalition", "alliance", "union", "consortium",
}
WORK_NOUNS = {"song", "single", "album", "film", "movie", "book", "novel", "memoir", "show", "series", "sitcom",
              "musical", "documentary", "track", "painting", "poem", "opera", "podcast", "newsletter"}
PRODUCT_NOUNS = {"glasses", "headset", "phone", "smartphone", "handset", "sedan", "console", "app", "drone", "rocket",
                 "missile", "tablet", "laptop", "smartwatch", "aircraft", "jet", "satellite", "spacecraft", "probe",
                 "lander", "rover", "vessel", "tanker", "freighter", "drug", "vaccine", "cryptocurrency", "chip",
                 "processor", "browser", "gadget", "robot"}
TOWN_NOUNS = {"city", "town", "village", "capital", "port", "suburb", "neighborhood", "neighbourhood", "municipality",
              "hamlet", "borough", "township"}  # a place people live in: a GPE, even where the model says LOC
PLACE_NOUNS = TOWN_NOUNS | {"province", "county", "region", "district", "island", "prefecture"}
_NAMING_VERBS = {"called", "named", "dubbed"}  # "a company called Harmony Enterprises"
_KIND_NOUNS = (("GPE", TOWN_NOUNS), ("PLACE", PLACE_NOUNS), ("ORG", ORG_NOUNS), ("WORK_OF_ART", WORK_NOUNS),
               ("PRODUCT", PRODUCT_NOUNS))
_CONTEXT_WORDS = frozenset().union(*(nouns for _, nouns in _KIND_NOUNS), _NAMING_VERBS, {",", "of", "the"})
_CREDIT_WORDS = {"images", "photos", "press", "pictures"}  # "Getty Images", "Associated Press"
# page furniture a scrape runs into the name after it ("Enlarge Image Google", "Photo Angela Merkel")
FURNITURE_WORDS = {"enlarge", "image", "images", "photo", "photos", "picture", "video", "videos", "watch", "gallery",
                   "caption", "slideshow", "advertisement", "sponsored", "related", "share", "click", "toggle", "hide",
                   "play", "listen", "loading", "close", "credit", "getty", "screenshot", "ad", "more", "read", "see"}
# a capitalised participle or adverb opening a caption or sentence before a name ("Disgraced Samsung boss",
# "Overjoyed Cubs fans", "Tranquilizing Harambe"): a word, not part of the name, when it is no given name
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")
_LEAD_IN = re.compile(r"[A-Z][a-z]{2,}(?:ed|ing|ly)")
# acronyms of common nouns the small model tags ORG ("AR and VR technologies", "a three-wheeled EV", "a CT scan")
COMMON_ACRONYMS = {"ar", "vr", "ai", "ev", "evs", "tv", "ct", "mri", "dna", "gdp", "ipo", "ceo", "cfo", "coo", "gps",
                   "suv", "suvs", "led", "lcd", "pc", "pcs", "atm", "sms", "pdf", "usb", "hiv", "vpn", "api", "ui",
                   "3d", "4g", "5g", "lte", "wifi", "wi-fi", "diy", "faq", "hr", "pr", "qr", "rsvp", "ufo", "ufos"}

# an amount with its unit letter ("850k", "3.2m", "12bn"): the tagger takes some for names
_AMOUNT = re.compile(r"\d[\d.,]*\s?(?:k|m|bn|b|mn|million|billion)", re.I)
DIGITLESS_TYPES = ("PERSON", "NORP", "GPE", "LOC")  # names of people and places carry no digits; firms may ("3M")
_TITLE_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "det", "sgt", "lt", "gen", "col", "capt", "gov", "sen", "rep", "rev",
                        "prof", "adm", "pres"}
_CUT_AFTER = {"of", "the", "and", "for", "in", "on", "at", "to", "a"}  # no name ends in these
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)
_POSSESSIVE = re.compile(r"(?:'s|’s|‘s|'|’)$")  # "Trump‘s": some outlets print the opening quote
_WS = re.compile(r"\s+")
# a speech verb and what follows it, which the tagger ran into a name ("Sweeting told Gizmodo"): no name holds one
_SPEECH_VERB_RUN_ON = re.compile(r"(?<=\w)\s+(?:told|tells|said|says|added|adds|wrote|writes)\b.*$")
# a capitalised word and one or two common nouns in lower case before the name they describe (a headline's "Credit
# company Equifax says ..."); lower-case words that are a name's own ("Bank of America", "Stratford upon Avon",
# "Rio de Janeiro") are function words or particles
_DESCRIPTOR_PREFIX = re.compile(r"^[A-Z][a-z]+\s+((?:[a-z]{3,}\s+){1,2})(?=[A-Z])")
_FUNCTION_WORDS = NAME_PARTICLES | frozenset("""of and for the upon under over with from into onto den des della dos
das ibn ben abu las los les aux sur""".split())
_QUANTIFIERS = frozenset("""one two three four five six seven eight nine ten some many several few most all both
another other each every no any""".split())
# a tabloid's kicker in capitals run into the name after it ("FOLDING PATENT Samsung", "TALL STORY Astronaut")
_KICKER_PREFIX = re.compile(r"^(?:[A-Z]{3,}\s+){2,}(?=[A-Z][a-z])")
# a picture credit run into the sentence after it ("Reuters Equifax claimed ..."): the agency is not part of the name
_CREDIT_PREFIX = re.compile(r"^(?:Reuters|REUTERS|AFP|AP|Associated Press|EPA|Getty Images|GETTY IMAGES|Getty|GETTY|"
                            r"Shutterstock|Alamy)\s+"
                            r"(?!(?:Institute|Foundation|Stylebook|Photos?|Images|Media|News|Television|Poll)\b)"
                            r"(?=[A-Z])")


# The name helpers below are pure and asked about the same few hundred names of a story many times over.
@functools.lru_cache(maxsize=1 << 16)
def clean_name(text: str) -> str:
    """Entity text without surrounding quotes/punctuation, leading 'the', trailing possessive, newlines, a picture
    credit run into it ("Reuters Equifax")."""
    text = _WS.sub(" ", text).strip()
    # an editor's insertion keeps its words, not its brackets ("[Hillary] Clinton"); a bracket left open by the span's
    # edge cuts what it opens or closes ("Trump (R-NY", "Reuters) Trump")
    text = _EDGE_JUNK.sub("", text.replace("[", "").replace("]", ""))
    if text.count("(") != text.count(")"):
        closes_first = ")" in text and ("(" not in text or text.find(")") < text.find("("))
        text = text.rsplit(")", 1)[-1] if closes_first else text.split("(", 1)[0]
    text = _POSSESSIVE.sub("", text)
    text = _EDGE_JUNK.sub("", text)
    # keep a trailing period of an abbreviation ("U.S.")
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", text):
        text += "."
    if text.lower().startswith("the "):
        text = text[4:]
    text = _CREDIT_PREFIX.sub("", text)
    text = _KICKER_PREFIX.sub("", text)
    text = _SPEECH_VERB_RUN_ON.sub("", text)
    m = _DESCRIPTOR_PREFIX.match(text)
    if m and not any(w in _FUNCTION_WORDS for w in m.group(1).split()) \
            and text.split()[0].lower() not in _QUANTIFIERS:  # "Two unnamed senior US officials" stays
        text = text[m.end():]  # "Credit company Equifax", "Indians fan Alayna Fodor-Gopal": the name after
    return text.strip()


@functools.lru_cache(maxsize=1 << 16)
def strip_titles(name: str) -> str:
    """'Secretary of State Mike Pompeo' -> 'Mike Pompeo' (leading title words only; keeps the last word); the place of
    a title that ends in "of" goes with it ('Mayor of London Sadiq Khan' -> 'Sadiq Khan')."""
    words = name.split()
    k = 0
    while k < len(words) - 1 and words[k].lower().strip(".") in TITLE_WORDS:
        k += 1
    if 0 < k and words[k - 1].lower() == "of" and len(words) - k > 2:
        k += 1
    if k == len(words) - 1 and not any(w.lower().strip(".") in ROLE_TITLES for w in words[:k]):
        return name  # "State Department", "Iranian officials": no person title to strip
    if k < len(words) and not words[k][:1].isupper():
        return name  # a description, not a name: "model and TV personality"
    words = words[k:]
    # a person's role after the words that say whose it is ("Athens County Prosecutor Keller Blackburn", "South
    # Korean President Moon Jae-in", "UN Spokesperson Stephane Dujarric"): the two or three capitalised words after
    # it, unless they end as a body's name does ("... Chief Executive Committee")
    for j in range(len(words) - 3, 0, -1):
        rest = words[j + 1 :]
        if words[j].lower().strip(".") in ROLE_TITLES and len(rest) <= 3 and all(w[:1].isupper() for w in words) \
                and not any(w.lower().strip(".") in TITLE_WORDS for w in rest) \
                and rest[-1].lower() not in ORG_WORDS | FAC_WORDS:
            return " ".join(rest)
    return " ".join(words)


@functools.lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Lower case, no punctuation, no accents: outlets differ in all three ("Guaidó", "Juan Guaido")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c))
    return _WS.sub(" ", re.sub(r"[^\w\s]", "", plain)).strip()


def spelling_key(name: str) -> str:
    """One key for the spellings of a name: case, punctuation and spacing ignored ("Erie Times-News" = "Erie Times
    News" = "ERIE TIMES NEWS", "U.S." = "US")."""
    return "".join(name_key(name).split())


def canonical_gpe(name: str) -> str:
    return GPE_ALIASES.get(name.lower(), name)


def place_name(span: "Span", text: str) -> str | None:
    """What a place-like span names, where the span text alone misleads; None to use the span as it is, "" to drop.

    - a US state abbreviation ("Pa.", "Calif.", or a postal code right after "City, ") is the state; another short
      abbreviation tagged as a place cannot be resolved and is dropped;
    - a dateline ("ERIE, Pa. —" opening a paragraph, or after a photo credit's closing bracket) names a place,
      written in capitals: "ERIE" is Erie, whatever the tagger called it.
    `text` is the doc's text (`Doc.text` is rebuilt on every access)."""
    word = span.text.strip()
    if span.label_ in ("GPE", "LOC", "ORG") and word in AP_STATES:
        return AP_STATES[word]
    if span.label_ in ("GPE", "LOC") and word in POSTAL_STATES and text[:span.start_char].endswith(", "):
        return POSTAL_STATES[word]
    if span.label_ in ("GPE", "LOC") and _ABBREVIATION.fullmatch(word) and canonical_gpe(clean_name(word)) == \
            clean_name(word) and word != "D.C.":
        return ""
    before = text[:span.start_char].rstrip(" ")
    if (word.isupper() and len(word) > 2 and (not before or before.endswith(("\n", ")")))
            and _AFTER_DATELINE.match(text, span.end_char)):
        return " ".join(w.capitalize() if w.isalpha() else w.title() for w in word.split())
    return None


@functools.lru_cache(maxsize=1 << 16)
def is_junk(text: str, label: str) -> bool:
    """Spans spaCy mislabels: no letters, too long, lowercase names, multi-line, headline fragments."""
    if not text or len(text) > 60 or "\n" in text:
        return True
    if not re.search(r"[A-Za-z]", text):
        return True
    if _AMOUNT.fullmatch(text) or (label in DIGITLESS_TYPES and re.search(r"\d", text)):
        return True  # "850k" viewers tagged ORG, "A1" (a front page) tagged PERSON
    words = text.split()
    if label in ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP") and not text[0].isupper() and not text[0].isdigit():
        return True
    if label in ("ORG", "GPE") and len(words) == 1 and text.lower() in GENERIC_WORDS:
        return True  # "State" from "Secretary of State"
    if label == "PERSON" and (len(words) > 5 or any(not w[0].isupper() for w in words
                                                     if w[0].isalpha() and w.lower() not in NAME_PARTICLES)):
        return True
    if label == "PERSON" and len(words) == 1 and text.lower().strip(".") in _TITLE_ABBREVIATIONS:
        return True  # a title cut off its name ("Det." before "Joe Harris")
    if len(words) > 1 and words[-1] in _CUT_AFTER:
        return True  # a span cut short ("Group of" before "20")
    return False


class NameIndex:
    """Maps name mentions to one canonical full name per person/organisation within a set of texts.

    Rule: a mention whose words are the tail (surname) or head of exactly one longer known PERSON name maps to
    that full name ("Pompeo" -> "Mike Pompeo"); titles are stripped first; ambiguous tails are left alone.
    """

    def __init__(self, names: Iterable[tuple[str, str]] = ()):
        self.full: dict[str, tuple[str, str]] = {}  # key -> (display name, label)
        # canonical() is a function of the names added so far and is asked again and again (every mention, several
        # times): answers and the split longer names are kept until the next add (3/4 of the entities stage's time)
        self._answers: dict[tuple[str, str | None], str] = {}
        self._entries: list[tuple[list[str], str, str]] | None = None  # (key words, display, label), none doubled
        for text, label in names:
            self.add(text, label)

    def add(self, text: str, label: str) -> None:
        name = clean_name(text)
        if label == "PERSON":
            name = strip_titles(name)
        if label in ("GPE", "LOC"):
            name = canonical_gpe(name)
        if not name or is_junk(name, label):
            return
        key = name_key(name)
        if key and (key not in self.full or len(name) > len(self.full[key][0])):
            self.full[key] = (name, label)
            self._answers.clear()
            self._entries = None

    def _doubled(self, words: list[str]) -> bool:
        """A name twice in a row ("Equifax Equifax holds data", "Justin Timberlake Justin Timberlake's show"): a topic
        tag or link a scrape ran into the sentence, when the texts also name it once ("Walla Walla" and "Dilly
        Dilly", never halved, stay)."""
        half = len(words) // 2
        return bool(half) and len(words) == 2 * half and words[:half] == words[half:] and \
            " ".join(words[:half]) in self.full

    def canonical(self, text: str, label: str | None = None) -> str:
        answer = self._answers.get((text, label))
        if answer is None:
            answer = self._answers[(text, label)] = self._canonical(text, label)
        return answer

    def _longer_names(self) -> list[tuple[list[str], str, str]]:
        if self._entries is None:
            self._entries = [(kw, disp, lab) for kw, disp, lab in ((k.split(), disp, lab)
                                                                   for k, (disp, lab) in self.full.items())
                             if not self._doubled(kw)]  # "Justin Timberlake Justin Timberlake" is no longer form
        return self._entries

    def _canonical(self, text: str, label: str | None) -> str:
        name = clean_name(text)
        if label in ("GPE", "LOC") or canonical_gpe(name) != name:
            return canonical_gpe(name)
        if label in (None, "PERSON"):
            name = strip_titles(name)
        key = name_key(name)
        if not key:
            return name
        if label == "NORP":  # a group is no short form of a longer one: "Korean" is not "North Korean"
            return self.full[key][0] if key in self.full else name
        words = key.split()
        if self._doubled(words):
            return self.canonical(" ".join(name.split()[: len(name.split()) // 2]), label)
        acronym = bool(_ACRONYM.fullmatch(name))
        longer = []
        for kw, disp, lab in self._longer_names():
            if acronym and lab == "PERSON":
                continue  # "U.N." is not short for Kim Jong Un
            head = label == "PERSON" and lab == "PERSON" and kw[: len(words)] == words and len(words) > 1
            if len(kw) > len(words) and (kw[-len(words):] == words or head):
                if label is None or lab == label or (label == "PERSON") == (lab == "PERSON"):
                    longer.append(disp)
        longer = sorted(set(longer), key=lambda s: (-len(s), s))
        if longer:
            # the longest variant wins when all candidates are nested in it ("Mike Pompeo" ⊂ "Michael R. Pompeo" is not)
            best = longer[0]
            bk = name_key(best).split()
            if all(set(name_key(c).split()) <= set(bk) for c in longer):
                return best
            return name
        if key in self.full:
            return self.full[key][0]
        if len(words) == 1 and label in (None, "PERSON"):
            # a Korean family name alone ("Moon", "Mr. Kim") names the one person whose name it opens; spellings
            # of one name ("Kim Jong Un", "Kim Jong-un") are one person
            people = {}
            for kw, disp, lab in self._longer_names():
                if lab == "PERSON" and kw[0] == words[0] and family_name_first(kw, disp):
                    joined = "".join(kw)
                    people[joined] = max(people.get(joined, disp), disp, key=lambda d: (len(d), d))
            if len(people) == 1:
                return next(iter(people.values()))
        return name


# family names that open a Korean name written in three words ("Kim Jong Un", "Park Geun Hye")
KOREAN_FAMILY_NAMES = frozenset("kim lee park choi chung jung kang cho yoon yun jang lim moon ri pak ban roh".split())
_SYLLABLE_AFTER_HYPHEN = re.compile(r"-[a-z]{1,5}\b")  # "Jae-in", "Jong-un", "Geun-hye"


def family_name_first(key_words: list[str], display: str) -> bool:
    """A Korean name, which puts the family name first: two words, the given name hyphenated ("Moon Jae-in"), or
    three opening on a common Korean family name ("Kim Jong Un")."""
    if len(key_words) == 2:
        return bool(_SYLLABLE_AFTER_HYPHEN.search(display.split()[-1]))
    return len(key_words) == 3 and key_words[0] in KOREAN_FAMILY_NAMES


def _headline_like(text: str, ent: "Span") -> bool:
    """The entity sits on a Title Case line (headline, link list): NER spans there are unreliable.

    `text` is the doc's text, passed in because `Doc.text` is rebuilt from the tokens on every access."""
    start = text.rfind("\n", 0, ent.start_char) + 1
    end = text.find("\n", ent.end_char)
    line = text[start : end if end >= 0 else len(text)]
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if len(w) > 3]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def _fit_known(text: str, label: str, known: set[str]) -> str | None:
    """A headline span reduced to a name seen in running text ("Putin Lauds" -> "Putin"), else None."""
    words = text.split()
    for n in range(len(words), 0, -1):
        for i in range(0, len(words) - n + 1):
            part = " ".join(words[i : i + n])
            if name_key(part) in known:
                return part
    return None


_STORM = re.compile(r"(?:hurricane|superstorm|typhoon|cyclone|tropical (?:storm|depression)) \w+")


def _storm_name(name: str) -> bool:
    """"Hurricane Sandy", "Tropical Storm Bill": a named storm."""
    return bool(_STORM.fullmatch(name_key(name)))


def _corrected_label(name: str, label: str) -> str:
    """The label of a name the small model gets wrong in a general way: a platform is a firm ("Twitter"), a named
    storm an event ("Hurricane Sandy" tagged ORG or PERSON); a PERSON
    ending in an organisation's or building's word is that ("Salesforce Tower"); an ORG of two or three capitalised
    words whose first is a given name gender-guesser is sure of (a unisex "Morgan Stanley" is not) is a person
    ("Eamonn Callon")."""
    words = name.split()
    last = words[-1].lower().strip(".") if words else ""
    if len(words) == 1 and last in PLATFORMS:
        return "ORG"
    if _storm_name(name):
        return "EVENT"
    if label == "PERSON" and len(words) > 1 and (last in ORG_WORDS or last in FAC_WORDS):
        return "ORG" if last in ORG_WORDS else "FAC"
    if label != "ORG" or last in ORG_WORDS or last in FAC_WORDS or not 2 <= len(words) <= 3 \
            or not all(re.fullmatch(r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?\.?", w) or (0 < i < len(words) - 1 and w in
                       NAME_PARTICLES) for i, w in enumerate(words)):
        return label
    from .quotes import _first_name_gender  # lazy: quotes imports this module

    return "PERSON" if _first_name_gender(words[0]) else label


def _name_spans(doc: "Doc", text: str | None = None) -> list[tuple["Span", str]]:
    """(span, label) of the doc's entities, with split person names joined: the small English model
    often tags an unfamiliar first name apart from the surname right after it ("Yury" ORG + "Ushakov" PERSON).
    A lone capitalised word tagged PERSON or ORG directly before a PERSON span is taken as that person's first
    name; GPE and NORP are left alone ("Russian Putin" is not a name). A given name (one gender-guesser is sure of)
    the model left out or called a place, before a one-word name it called a person, firm or date, is that
    person's first name ("Ilya" + "Shapiro" ORG, "Theresa" GPE + "May" DATE). A body's name the model cut at "for
    (the)" or "of" is joined ("Boston Center" + "Arts"). A place written with hyphened particles is one name
    ("Mazar-i-Sharif": the tokenizer splits it and the model tags "Mazar")."""
    ents = list(doc.ents)
    out: list[tuple["Span", str]] = []
    i = 0
    end = 0  # tokens before this are taken
    while i < len(ents):
        ent = ents[i]
        if ent.start < end:
            i += 1
            continue
        nxt = ents[i + 1] if i + 1 < len(ents) else None
        if (nxt is not None and nxt.label_ == "PERSON" and ent.label_ in ("PERSON", "ORG") and len(ent) == 1
                and nxt.start == ent.end and ent[0].whitespace_ == " " and ent.text.isalpha() and ent.text.istitle()
                and len(nxt) == 1):
            out.append((doc[ent.start : nxt.end], "PERSON"))
            end = nxt.end
            i += 2
            continue
        if (nxt is not None and ent.label_ == "GPE" and nxt.label_ == "DATE" and len(nxt) == 1
                and nxt.start == ent.end and _given_name_before(doc, ent.start, ent.end)):
            out.append((doc[ent.start : nxt.end], "PERSON"))  # "Theresa May"
            end = nxt.end
            i += 2
            continue
        if (ent.label_ in ("PERSON", "ORG") and len(ent) == 1 and ent.start > 0 and doc[ent.start - 1].ent_iob_ == "O"
                and _given_name_before(doc, ent.start - 1, ent.start)):
            out.append((doc[ent.start - 1 : ent.end], "PERSON"))  # "Ilya Shapiro"
            end = ent.end
            i += 1
            continue
        if (nxt is not None and ent.label_ in ("ORG", "FAC") and nxt.label_ in ("ORG", "FAC")
                and ent[-1].lower_ in ORG_WORDS | FAC_WORDS and nxt.start - ent.end in (1, 2)
                and doc[ent.end].lower_ in ("for", "of")
                and (nxt.start - ent.end == 1 or doc[ent.end + 1].lower_ == "the")):
            out.append((doc[ent.start : nxt.end], ent.label_))  # "Boston Center" + "for the" + "Arts": one name
            end = nxt.end
            i += 2
            continue
        stop = ent.end
        if ent.label_ == "PERSON" and len(ent) >= 2 and stop + 1 < len(doc) and doc[stop].text == "-" \
                and not ent[-1].whitespace_ and not doc[stop].whitespace_ and ent[-1].is_title \
                and re.fullmatch(r"[a-z]{1,5}", doc[stop + 1].text):
            ent = doc[ent.start : stop + 2]  # a Korean given name cut at its hyphen: "Moon Jae" + "-in"
            stop = ent.end
        particles = _HYPHEN_PARTICLES.match(text if text is not None else doc.text, ent.end_char) \
            if ent.label_ in ("GPE", "LOC") else None
        if particles:
            while stop < len(doc) and doc[stop].idx < particles.end():
                stop += 1
            if doc[stop - 1].idx + len(doc[stop - 1]) == particles.end():
                ent = doc[ent.start : stop]
            else:
                stop = ent.end
        out.append((ent, ents[i].label_))
        end = stop
        i += 1
    return out


_HYPHEN_PARTICLES = re.compile(r"(?:-[a-z]{1,4})+-[A-Z][a-z]+")  # "-i-Sharif", "-upon-Avon", "-de-Luz"


def _given_name_before(doc: "Doc", start: int, stop: int) -> bool:
    """doc[start:stop] is one capitalised word, a given name gender-guesser is sure of, run straight into a
    capitalised word in the same sentence."""
    if stop - start != 1 or stop >= len(doc):
        return False
    tok, nxt = doc[start], doc[stop]
    if not (tok.text.isalpha() and tok.text.istitle() and tok.whitespace_ == " " and nxt.text.isalpha()
            and nxt.text.istitle() and not nxt.is_sent_start and nxt.lower_ not in ORG_WORDS | FAC_WORDS):
        return False
    return _is_given_name(tok.text)


def _context_kind(doc: "Doc", span: "Span", label: str) -> str | None:
    """What the words right before a name say it is: "ORG" after an organisation noun ("the militant group Boko
    Haram", "a company called Harmony Enterprises") or as the head of "the ..." when tagged a person ("the German
    Consulate", "the App Store"; not "the Trump administration", not "the Clintons"), "GPE" after a town's noun
    ("the village of Nebi Saleh"), "PLACE" after another place noun ("the island of Hokkaido"), "WORK_OF_ART" or
    "PRODUCT" after a noun for one ("her hit song Bodak Yellow", "the drug Xarelto"), "PERSON" after a person's
    title ("Mr.", "Sen."), else None."""
    i = span.start - 1
    if i < 0:
        return None
    before = doc[i]
    word = before.lower_
    if label == "PERSON" and word.rstrip(".") in ROLE_TITLES and before.text[:1].isupper():
        return "PERSON"
    if word not in _CONTEXT_WORDS:  # most names: no need for the parse below
        return None
    linked = {span.root.head.i} | {t.i for t in span.root.children}  # the noun must govern the name or be its part
    if before.lower_ in _NAMING_VERBS and i > 0 and before.i in linked:
        i -= 1
        before = doc[i]
        linked.add(before.i)
    if before.text == "," and i > 0 and doc[i - 1].i in linked:  # in apposition: "her latest single, Bartier Cardi"
        i -= 1
        before = doc[i]
    if before.lower_ == "of" and i > 0 and doc[i - 1].lower_ in PLACE_NOUNS and before.i in linked:
        return "GPE" if doc[i - 1].lower_ in TOWN_NOUNS else "PLACE"
    if before.text.islower() and before.tag_ in ("NN", "NNS") and (
            before.i in linked or before.head.i in range(span.start, span.end)):
        for kind, nouns in _KIND_NOUNS:
            if before.lower_ in nouns:
                return kind
    if (label == "PERSON" and before.lower_ == "the" and len(span) > 1 and before.head.i in range(span.start, span.end)
            and span[-1].tag_ != "NNPS"):
        return "ORG"
    return None


_DEFINED_ACRONYM = re.compile(r" \(((?:[A-Z]\.?){2,8})\)")  # "Federal Bureau of Investigation (FBI)"


def _initials(name: str) -> str:
    """The capitals of a name's words, small words skipped ("Rail Accident Investigation Branch" -> "RAIB")."""
    return "".join(w[0] for w in clean_name(name).split() if w[0].isupper())


def _initial(doc: "Doc", span: "Span", text: str) -> bool:
    """The span opens a sentence, a line or a caption (after an ellipsis, a colon, a bar or a quote mark)."""
    if span.start == 0 or span[0].is_sent_start:
        return True
    before = text[max(0, span.start_char - 8) : span.start_char].rstrip(" ")  # a window: not the whole text before
    return not before or before.endswith(("\n", "...", "\u2026", ":", "|", '"', "\u201c", "'"))


def _lead_in(name: str, known: set[str], own: str) -> str:
    """The name without page furniture or a participle run into it ("Enlarge Image Google" -> "Google", "Disgraced
    Samsung" -> "Samsung") when what is left is a name the story names elsewhere (`known`, less the span's own key
    `own`); else the name."""
    words = name.split()
    k = 0
    while k < min(2, len(words) - 1):
        w = words[k]
        if w.lower() in FURNITURE_WORDS or (_LEAD_IN.fullmatch(w) and not _is_given_name(w)):
            k += 1
        else:
            break
    while k and (name_key(" ".join(words[k:])) not in known or name_key(" ".join(words[k:])) == own):
        k -= 1
    return " ".join(words[k:])


@functools.lru_cache(maxsize=1 << 14)
def _is_given_name(word: str) -> bool:
    from .quotes import _first_name_gender  # lazy: quotes imports this module

    return _first_name_gender(word) is not None


def first_name_owners(full_names: dict[str, str]) -> dict[str, str]:
    """{first-name key: the one person it names} over full names ({name_key: display}, two words or more): a first
    name names one person when the full names starting with it share one surname ("Jon Byong Ho", "Jon Ho" are one;
    the longest spelling is kept) and it is nobody's surname. News calls children, victims and colleagues by first
    name ("Honey" beside "Honey Sherman")."""
    surnames = {k.split()[-1] for k in full_names}
    names_of_first: dict[str, set[str]] = defaultdict(set)
    for k in full_names:
        names_of_first[k.split()[0]].add(k)
    # one surname, or one name spelt two ways ("Kim Jong Un", "Kim Jong-un": Korean names put the family name first)
    return {first: max((full_names[k] for k in keys), key=lambda d: (len(d), d))
            for first, keys in names_of_first.items()
            if (len({k.split()[-1] for k in keys}) == 1 or len({k.replace(" ", "") for k in keys}) == 1)
            and first not in surnames}


def story_entities(articles: list[Article], docs: dict[str, "Doc"], *, titles: bool = True) -> list[Entity]:
    """Entities of one story: canonical name, type, counts (total, per outlet), role; main actors first.

    Role rule: "main" = named in a headline or lead sentence of some article, or mentioned at least half as often as
    the most mentioned name, and mentioned in at least half the articles (or the top score when nothing qualifies);
    "secondary" = mentioned >= 2 times or in >= 2 articles; else "mentioned". Headline mentions are found by matching
    canonical names/aliases in the titles that came with the input (not in titles derived from the text).
    """
    raw: list[tuple[str, str, str, bool, bool, bool]] = []  # (article id, text, label, in_lead, headline-like,
    #                                                           opens a sentence or line)
    relative_pronouns: dict[str, set[str]] = defaultdict(set)  # name key -> the "who"/"which" written after it
    context: dict[str, Counter] = defaultdict(Counter)  # name key -> what the words before it say it is
    acronyms: dict[str, str] = {}  # "fbi" -> "federalbureauofinvestigation", as "... (FBI)" defines it
    openers: set[str] = set()

    def cleaned(text: str, label: str) -> str:
        t = clean_name(text)
        return strip_titles(t) if label == "PERSON" else t

    for art in articles:
        doc = docs.get(art.id)
        if doc is None:
            continue
        first_sent_end = 0
        try:
            first = next(iter(doc.sents), None)
            first_sent_end = first.end if first is not None else 0
        except Exception:  # no parser/senter: no lead
            first_sent_end = 0
        doc_text = nlp_doc_text(doc)
        for span, label in _name_spans(doc, doc_text):
            if label in KEEP_TYPES and "\n" not in span.text:
                if span.text.isupper() and span.text.lower() in COMMON_ACRONYMS:
                    continue  # "AR and VR", "a CT scan": a thing, not a body
                name = span.text
                place = place_name(span, doc_text) if label == span.label_ else None
                if place == "":
                    continue
                if place:
                    name, label = place, "GPE"
                name = _SPAN_RUN_ON.sub("", name)
                if "/" in name or "=" in name:  # a photo credit ("Jane Roe/AP"), two datelines, markup: no one name
                    continue
                cut = ""
                if "(" in name and ")" not in name:  # an acronym cut at its bracket ("Federal Bureau of Investigation
                    name, cut = name[: name.index("(")].rstrip(), name[name.index("(") + 1 :]  # (FBI"): the name
                if name[:1] in "@#" or doc_text[span.start_char - 1 : span.start_char] in ("@", "#"):
                    continue  # a social-media handle or hashtag ("@TWilsonTV", "#DonaldDuck"), not a name as written
                first, _, rest = name.partition(" ")
                if label == "PERSON" and rest and first in AP_STATES:
                    name = rest  # a dateline's state run into a name ("Ocean City, Md. Sandy hit ...")
                label = _corrected_label(name, label)
                owned = _OWNED_GROUP.fullmatch(name)
                if owned and label in ("NORP", "ORG", "GPE"):  # "Charamut's Jewish" treasurer: the group is "Jewish"
                    name, label = owned.group(1), "NORP"
                elif label == "PERSON":  # "Poehler's Maura": the person is Maura
                    name = _OWNER.sub("", name)
                    label = _corrected_label(name, label)  # or a platform: "Mitt Romney's Facebook"
                raw.append((art.id, name, label, span.start < first_sent_end, _headline_like(doc_text, span),
                            _initial(doc, span, doc_text)))
                if len(span) == 1 and span.end < len(doc) and doc[span.end].is_lower and _LEAD_IN.fullmatch(name) \
                        and raw[-1][-1] and not _is_given_name(name):
                    openers.add(name_key(name))  # "Conceding that ...": a participle opening a sentence
                defined = _DEFINED_ACRONYM.match(doc_text, span.end_char) if label in ("ORG", "GPE", "FAC") else None
                acronym = defined.group(1) if defined else cut
                if acronym and _initials(name) == acronym.replace(".", ""):
                    acronyms[spelling_key(acronym)] = spelling_key(clean_name(name))
                relative = _RELATIVE_PRONOUN.match(doc_text, span.end_char)
                if relative:
                    relative_pronouns[name_key(clean_name(name))].add(relative.group(1).lower())
                kind = _context_kind(doc, span, label)
                if kind:
                    context[name_key(cleaned(name, label))][kind] += 1

    # names seen in running text (not on headline-like lines)
    labels_of: dict[str, Counter] = defaultdict(Counter)  # their labels
    inside: set[str] = set()  # and those of them seen inside a sentence
    for _, t, lab, _, head, initial in raw:
        if not head:
            key = name_key(cleaned(t, lab))
            labels_of[key][lab] += 1
            if not initial:
                inside.add(key)
    known_keys = set(labels_of) - {""}
    groups = {k for k, c in labels_of.items() if c["NORP"] and " " not in k}

    @functools.cache
    def lower_words() -> set[str]:  # the words the texts write in lower case ("ocean" beside a sentence's "Ocean")
        return {w for a in articles for w in _LOWER_WORD.findall(a.text)}

    fitted = []
    for aid, text, label, lead, head, initial in raw:
        first = text.split(" ", 1)[0]
        if label == "PERSON" and " " in text and name_key(first) in groups and \
                labels_of[name_key(cleaned(text[len(first) + 1:], label))]["PERSON"]:
            text = text[len(first) + 1 :]  # a nationality run into a person's name ("Russian Putin" beside "Putin")
        elif initial or first.lower() in FURNITURE_WORDS:
            short = _lead_in(text, known_keys, name_key(cleaned(text, label)))
            if short != text:  # what was run into it decided the label too ("Enlarge Image Google" PERSON)
                text, label = short, labels_of[name_key(short)].most_common(1)[0][0]
        if initial and " " not in text and text.istitle() and name_key(text) not in inside and (
                name_key(text) in openers or text.lower() in lower_words()):
            continue  # a common noun or a participle capitalised to open a sentence ("Ocean eddies ...", "Conceding
            #           that ...") and nowhere else
        if head and name_key(cleaned(text, label)) not in known_keys:
            part = _fit_known(cleaned(text, label), label, known_keys)
            if part is None:
                continue  # headline junk: "Rebuild Relations", "Talk Show Axed By Channel"
            text = part
        one, _, other = text.partition(" and ")
        if other and name_key(one) in known_keys and name_key(other) in known_keys:
            # two names the story also names apart ("Facebook and Google")
            fitted += [(aid, part, labels_of[name_key(part)].most_common(1)[0][0], lead) for part in (one, other)]
            continue
        fitted.append((aid, text, label, lead))
    raw = fitted

    index = NameIndex()
    mentions: list[tuple[str, str, str, bool]] = []
    for aid, text, label, lead in raw:
        t = clean_name(text)
        if label == "PERSON":
            t = strip_titles(t)
        if is_junk(t, label):
            continue
        mentions.append((aid, t, label, lead))
    # a name's entry in the index carries the label most of its mentions have (the first mention's label was kept:
    # "Bernie Sanders" once tagged ORG kept "Sanders" apart from him in a 37-article story)
    votes: dict[str, Counter] = defaultdict(Counter)
    for _, t, label, _ in mentions:
        votes[name_key(t)][label] += 1
    top_label = {key: min(c, key=lambda lab: (-c[lab], KEEP_TYPES.index(lab))) for key, c in votes.items()}
    for _, t, label, _ in mentions:
        if label == top_label[name_key(t)] and name_key(t) not in index.full:
            index.add(t, label)
    for _, t, label, _ in mentions:
        index.add(t, label)

    # A one-word mention equal to a known person's surname ("Lavrov" tagged ORG), or to the first name of exactly one
    # known person ("Honey" tagged ORG beside "Honey Sherman": news calls children and victims by first name), is that
    # person. A lone word tagged PERSON is no such evidence (the tagger calls firms persons: "Kellogg" beside "Kellogg
    # Co"): the label vote below decides those.
    full_names = {k: disp for k, (disp, lab) in index.full.items() if lab == "PERSON" and len(k.split()) > 1}
    surnames = {k.split()[-1] for k in full_names}
    person_of_first = {first: index.canonical(disp, "PERSON") for first, disp in first_name_owners(full_names).items()}

    def is_person(t: str, label: str) -> bool:
        key = name_key(t)
        if _ACRONYM.fullmatch(t):  # "U.N." is nobody's surname, not even Kim Jong Un's
            return False
        return (label in ("ORG", "GPE", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART") and key in surnames
                and canonical_gpe(t) == t) or (label in ("ORG", "PRODUCT", "WORK_OF_ART") and key in person_of_first
                                                  and _is_given_name(t))  # not "Bitcoin" beside "Bitcoin Cash"

    def canonical(t: str, label: str | None) -> str:
        return (label == "PERSON" and person_of_first.get(name_key(t))) or index.canonical(t, label)

    mentions = [(aid, t, "PERSON" if is_person(t, label) else label, lead) for aid, t, label, lead in mentions]
    # a storm's bare name is the storm, not a person ("Sandy" beside "Hurricane Sandy"), unless a person bears it
    storms = {name_key(t).split()[-1] for _, t, label, _ in mentions if label == "EVENT" and _storm_name(t)}
    mentions = [(aid, t, "EVENT" if name_key(t) in storms - surnames - set(person_of_first) else label, lead)
                for aid, t, label, lead in mentions]

    # Fix labels by majority vote per canonical name (spaCy tags "Pompeo" as ORG now and then).
    by_name: dict[str, Counter] = defaultdict(Counter)
    contexts: dict[str, Counter] = {}
    for aid, t, label, lead in mentions:
        by_name[canonical(t, None if label == "ORG" else label)][label] += 1
    for name in by_name:  # the name as written, not its short forms ("Chibok" the town, in "Chibok Girls")
        contexts[name] = context.get(name_key(name), Counter())
    label_of: dict[str, str] = {}
    for name, c in by_name.items():
        label_of[name] = sorted(c.items(), key=lambda kv: (-kv[1], KEEP_TYPES.index(kv[0])))[0][0]
        if label_of[name] == "PERSON" and relative_pronouns.get(name_key(name)) == {"which"} and (
                " " not in name or not _is_given_name(name.split()[0])):
            # "Knightscope, which is based in ...", "Sleeping Weazel, which premiered her play": a name the text
            # never calls "who" that does not start with a given name
            label_of[name] = "ORG"
        # what the words before the name say ("the militant group Boko Haram", "the village of Nebi Saleh"), when
        # nothing says it is a person (a title before it, "who" after it)
        said = contexts.get(name)
        last = name.split()[-1].lower()
        if said and not said["PERSON"] and "who" not in relative_pronouns.get(name_key(name), ()) \
                and name.lower() not in PLATFORMS:
            kind, n = max(said.items(), key=lambda kv: (kv[1], kv[0]))
            was = label_of[name]
            if n * 2 <= sum(said.values()):
                pass  # the words disagree
            elif kind in ("GPE", "PLACE") and was in ("PERSON", "ORG", "NORP") + (("LOC",) if kind == "GPE" else ()) \
                    and last not in ORG_WORDS and last not in _CREDIT_WORDS:  # not "in the city [photo: Getty Images]"
                label_of[name] = "GPE"  # (a region may be a LOC: "the Sirenum Fossae region of Mars")
            elif kind not in ("GPE", "PLACE") and kind != was and (
                    (was == "PERSON" and not _is_given_name(name.split()[0]))  # "the Tom Brady of ..."
                    or was in ("GPE", "ORG", "PRODUCT", "WORK_OF_ART") or (was == "NORP" and " " in name)):
                # (a group's name as a nationality's: "advocacy group Americans for ..." is no "Americans")
                label_of[name] = "FAC" if kind == "ORG" and last in FAC_WORDS else kind

    # Re-canonicalise with the voted label (a surname tagged ORG still folds into the PERSON full name)
    merged: dict[tuple[str, str], dict] = {}
    outlet_of = {a.id: (a.outlet or a.id) for a in articles}
    order = {a.id: i for i, a in enumerate(articles)}
    for aid, t, label, lead in mentions:
        name = canonical(t, None if label == "ORG" else label)
        lab = label_of.get(name, label)
        name2 = canonical(t, lab) if lab != label else name
        key = (name2, lab)
        rec = merged.setdefault(key, {"count": 0, "articles": set(), "per_outlet": Counter(), "aliases": set(),
                                      "lead": False})
        rec["count"] += 1
        rec["articles"].add(aid)
        rec["per_outlet"][outlet_of.get(aid, aid)] += 1
        if t != name2:
            rec["aliases"].add(t)
        rec["lead"] |= lead

    # One entry per name: records of one name under different labels, written in other case ("DAVID GREENE",
    # "David Greene"), spacing or hyphenation ("Erie Times-News", "Erie Times News"), with a middle initial
    # ("Donald J. Trump"), a firm with and without its legal form ("Kellogg Co", "Kellogg"), a body's name with its
    # last word in the singular and the plural ("Kenya Wildlife Service(s)") or a group as noun and adjective
    # ("Venezuelans", "Venezuelan", "Democrats", "Democratic") or a body's name and the acronym the text defines for
    # it ("Rail Accident Investigation Branch (RAIB)") merge into the dominant one, shown as running text writes it
    # (capitals are a typeface).
    def same_name(name: str, label: str) -> str:
        if label == "ORG" and spelling_key(name) in acronyms:  # "FBI" where the text defined it
            return same_name(acronyms[spelling_key(name)], label)
        words = name_key(name).split()
        if label == "ORG" and len(words) > 1 and words[-1] in LEGAL_FORMS:
            words = words[:-1]
        if label in ("ORG", "FAC") and len(words) > 1 and len(words[-1]) > 4:
            # outlets write a body's name in the singular and the plural ("Kenya Wildlife Service(s)")
            words = words[:-1] + [words[-1].removesuffix("s")]
        if label == "PERSON" and len(words) > 2:
            words = [words[0]] + [w for w in words[1:-1] if len(w) > 1] + [words[-1]]
        if label == "NORP" and len(words) == 1 and len(words[0]) > 4:
            words = [words[0].removesuffix("s")]
            if words[0].endswith("ic") and len(words[0]) >= 8:  # the party as noun and adjective ("Democratic")
                words = [words[0][:-2]]
        if label == "EVENT" and _storm_name(name):  # "Hurricane Sandy", "Superstorm Sandy", "Sandy": one storm
            words = words[-1:]
        return "".join(words)

    by_display: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in merged:
        by_display[same_name(*key)].append(key)
    for keys in by_display.values():
        if len(keys) > 1:
            keys.sort(key=lambda k: (-merged[k]["count"], KEEP_TYPES.index(k[1]), k))
            # a spelling with a legal form ("Qualcomm Inc") settles that the name is a firm's, whatever the votes
            firm = any(k[1] == "ORG" and name_key(k[0]).split()[-1] in LEGAL_FORMS for k in keys)
            main = merged.pop(keys[0])
            for k in keys[1:]:
                other = merged.pop(k)
                main["count"] += other["count"]
                main["articles"] |= other["articles"]
                main["per_outlet"].update(other["per_outlet"])
                main["aliases"] |= other["aliases"]
                main["lead"] |= other["lead"]
            cased = [k[0] for k in keys if not k[0].isupper()] or [keys[0][0]]
            merged[(cased[0], "ORG" if firm else keys[0][1])] = main
    for name, label in [k for k in merged if k[0].isupper() and " " in k[0]]:
        # a name first met in capitals (a transcript's "SUSAN BROOKS:") shows as running text writes it elsewhere;
        # one-word capitals are acronyms ("NATO", "FBI") and stay
        cased = sorted(a for a in merged[(name, label)]["aliases"] if name_key(a) == name_key(name) and not a.isupper())
        if cased and (cased[0], label) not in merged:
            merged[(cased[0], label)] = merged.pop((name, label))
    for (name, label), rec in merged.items():  # a case variant is no alias worth listing; a middle initial is
        rec["aliases"] |= {k[0] for k in by_display[same_name(name, label)]}
        rec["aliases"] = {a for a in rec["aliases"] if name_key(a) != name_key(name)}

    # Headline mentions (titles are not in the parsed body; a title derived from the body's first line is no headline)
    title_hits: dict[tuple[str, str], int] = Counter()
    if titles:
        for art in articles:
            if art.title_derived:
                continue
            tl = f" {name_key(art.title or '')} "
            for key, rec in merged.items():
                forms = {key[0]} | rec["aliases"]
                if key[1] == "PERSON":
                    forms |= {key[0].split()[-1]}
                if any(f" {name_key(f)} " in tl for f in forms if name_key(f)):
                    title_hits[key] += 1

    n_articles = max(1, len(articles))
    most = max((rec["count"] for rec in merged.values()), default=0)
    scored = []
    for key, rec in merged.items():
        n_art = len(rec["articles"])
        score = rec["count"] + 3 * title_hits.get(key, 0) + (2 if rec["lead"] else 0) + n_art
        if key[1] == "PERSON":
            score += 2  # actors before places at equal prominence
        # named in a headline or lead, or among the most named (stories without headlines have only their leads)
        prominent = title_hits.get(key, 0) > 0 or (rec["lead"] and rec["count"] >= 3) or \
            (rec["count"] >= 3 and 2 * rec["count"] >= most)
        if prominent and n_art * 2 >= n_articles and rec["count"] >= 2 and key[1] in ("PERSON", "ORG", "GPE", "NORP"):
            role = "main"
        elif rec["count"] >= 2 or n_art >= 2:
            role = "secondary"
        else:
            role = "mentioned"
        scored.append((key, rec, score, role))
    if scored and not any(r == "main" for *_, r in scored):
        best = max(scored, key=lambda s: (s[2], s[0][0]))
        scored = [(k, r, s, "main" if k == best[0] and s > 1 else role) for k, r, s, role in scored]

    rank = {"main": 0, "secondary": 1, "mentioned": 2}
    scored.sort(key=lambda s: (rank[s[3]], -s[2], s[0][0], s[0][1]))
    out = []
    for (name, label), rec, score, role in scored:
        out.append(Entity(
            name=name,
            type=label,
            count=rec["count"],
            article_ids=sorted(rec["articles"], key=lambda a: (order.get(a, 10**9), a)),
            per_outlet=dict(sorted(rec["per_outlet"].items())),
            role=role,
            aliases=sorted(rec["aliases"]),
        ))
    return out
