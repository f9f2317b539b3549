"""Shared helpers for the readers: decoding bytes, outlet from URL, building an Article."""

from __future__ import annotations

import codecs
import hashlib
import re
from urllib.parse import urlsplit

import charset_normalizer

from ..clean import classify_line
from ..model import Article, Problem, content_hash
from ..nlp import article_language

_CONTROL = bytes(set(range(0, 9)) | {11, 12} | set(range(14, 32)) | {127})
SNIFF_BYTES = 8192  # the head of an input that `looks_binary` judges


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB (text formats never have them)."""
    head = data[:SNIFF_BYTES]
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # two bytes a character: judge the characters
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    elif b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL))  # C-level count (a Python loop cost ~0.4 ms)
    return controls / len(head) > 0.05


def with_utf16_bom(data: bytes) -> bytes:
    """UTF-16 saved without a byte order mark (a Windows export) given the mark it lacks, so it is read as UTF-16
    everywhere instead of refused as binary: mostly-Latin text has a NUL in every second byte and in no other."""
    head = data[:SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(head) < 64 or b"\x00" not in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data
    even, odd = head[0::2].count(0) / (len(head) // 2), head[1::2].count(0) / (len(head) // 2)
    if odd > 0.9 and even < 0.05:
        return codecs.BOM_UTF16_LE + data
    if even > 0.9 and odd < 0.05:
        return codecs.BOM_UTF16_BE + data
    return data


# The WHATWG Encoding Standard's encodings (what browsers and the web use), as Python codec names: labels
# browsers map to one of these ("latin1" -> windows-1252, "gb2312" -> gbk, "euc-kr" -> windows-949) included.
WEB_ENCODINGS = frozenset({
    "utf_8", "utf_16", "utf_16_le", "utf_16_be", "ascii", "latin_1", "cp866", "koi8_r", "koi8_u", "mac_roman",
    "mac_cyrillic", "cp874", "tis_620", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257",
    "cp1258", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8",
    "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "gbk", "gb2312", "gb18030", "big5",
    "big5hkscs", "euc_jp", "iso2022_jp", "shift_jis", "cp932", "euc_kr", "cp949",
})


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str, bool]:
    """Decode bytes -> (text, encoding, clean). `clean` is False when the bytes were not valid in the declared
    encoding / UTF-8 and a detected encoding was used instead. Never raises."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc, True
    candidates = [declared] if declared else []
    candidates.append("utf-8")
    for enc in candidates:
        try:
            return data.decode(enc), enc, True
        except (UnicodeDecodeError, LookupError):
            continue
    matches = charset_normalizer.from_bytes(data[:200_000])
    # only what a browser could have decoded the page as (`WEB_ENCODINGS`): on short texts a DOS code page nobody
    # publishes in can win charset_normalizer's ranking (a Latin-1 French sentence read as cp775, "prķsident")
    web = [m for m in matches if m.encoding in WEB_ENCODINGS]
    best = web[0] if web else matches.best()
    enc = best.encoding if best is not None else "cp1252"
    # On short texts several single-byte code pages tie; the web's most common one (cp1252) wins the tie.
    if best is not None and enc != "cp1252":
        for m in matches:
            if m.encoding == "cp1252" and m.chaos <= best.chaos and m.coherence >= best.coherence:
                enc = "cp1252"
                break
    # Latin-1 family: cp1252 is the superset browsers use for "latin-1" labels.
    if enc in ("latin_1", "iso8859_1", "ascii"):
        enc = "cp1252"
    try:
        return data.decode(enc, errors="replace"), enc, False
    except LookupError:
        return data.decode("cp1252", errors="replace"), "cp1252", False


def is_blank(data: str | bytes) -> bool:
    """`not data.strip()` without copying a page that ends in whitespace (isspace stops at its first letter)."""
    return not data or data.isspace()


def unusable(data: bytes, source: str, what: str) -> Problem | None:
    """The problem with an input that is empty or binary, else None. `what` names the expected format."""
    if is_blank(data):
        return problem(source, "empty", "input is empty")
    if looks_binary(data):
        return problem(source, "binary", f"not a {what} (NUL or control bytes)")
    return None


def decode_input(data: bytes, source: str, what: str) -> tuple[str | None, str, list[Problem]]:
    """A text-format input's bytes -> (text or None when unusable, encoding, problems to report)."""
    bad = unusable(data, source, what)
    if bad is not None:
        return None, "", [bad]
    text, enc, clean = decode_text(data)
    return text, enc, [] if clean else [problem(source, "encoding", f"not valid UTF-8; decoded as {enc}")]


_NOT_WEB = {"javascript", "data", "vbscript", "mailto", "file", "about", "blob"}  # no outlet's host in these


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host or url.split(":", 1)[0].lower() in _NOT_WEB:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


_BLANKS = re.compile(r"\n[ \t]*\n\s*")
_TRAIL = re.compile(r"[ \t]+\n")


_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_WRAPPED = re.compile(r"(?<=[^\s.!?…])\n(?=[a-z(])")  # a line break inside a sentence (hard-wrapped text)


def normalize_body(text: str) -> str:
    """Unix newlines, no trailing spaces, paragraphs separated by exactly one blank line.

    Inside a paragraph, hard-wrapped lines (break followed by a lower-case continuation) are joined, and a block
    whose lines all end a sentence is split into one paragraph per line (text that used single newlines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _TRAIL.sub("\n", text)
    paragraphs = []
    for para in _BLANKS.split(text.strip()):
        para = para.strip()
        if "\n" in para:  # most paragraphs are one line (extractors join them): half the time of this function
            para = _WRAPPED.sub(" ", para)
            lines = para.split("\n")
            if len(lines) > 1 and all(_SENTENCE_END.search(ln.strip()) for ln in lines if ln.strip()):
                paragraphs += [ln.strip() for ln in lines if ln.strip()]
                continue
        if para:
            paragraphs.append(para)
    return "\n\n".join(_join_hard_wraps(paragraphs))


_WRAP_WIDTH = (40, 110)  # characters in a line of a hard-wrapped document (PDF text, e-mail)
_WRAP_RUN = 2  # a headline or a caption is one such line; a wrapped paragraph is several
# words a headline or a finished line does not end on: a line ending on one was cut by the wrap
_OPEN_ENDED = frozenset("a an the of to in on at by for with from into and or but nor that which who its their his "
                        "her our your this these those as than".split())
_HYPHENATED = re.compile(r"\w-$")  # "classi-" / "fied", not an interrupted "lopping off--"


def _wrapped_break(line: str, following: str) -> bool:
    """The break between two lines falls inside a sentence: the next goes on in lower case, or the line ends on a
    word no sentence or headline ends on ("... the House of" / "Representatives, the Committee ...") or a hyphen."""
    last = line.rsplit(None, 1)[-1].lower().lstrip("(\"'“‘")
    return following[0].islower() or last in _OPEN_ENDED or bool(_HYPHENATED.search(line))


def _join_hard_wraps(paragraphs: list[str]) -> list[str]:
    """A hard-wrapped document whose converter set every line apart ("... (hereinafter the", "Committee) voted to
    disclose publicly a memorandum containing classified information", "provided to the Committee ..."): a run of
    `_WRAP_RUN` or more line-wide paragraphs that stop mid-sentence, most of whose breaks fall inside a sentence
    (`_wrapped_break`; a headline, its byline and the first paragraph do not), is one paragraph with the paragraph
    that ends it."""
    out: list[str] = []
    i, n = 0, len(paragraphs)
    while i < n:
        j = i
        while j < n and _WRAP_WIDTH[0] <= len(paragraphs[j]) <= _WRAP_WIDTH[1] \
                and not _SENTENCE_END.search(paragraphs[j]):
            j += 1
        # the run and the line that ends its sentence (a text that stops mid-sentence is left as it is)
        if j - i >= _WRAP_RUN and j < n and \
                2 * sum(_wrapped_break(paragraphs[k], paragraphs[k + 1]) for k in range(i, j)) > j - i:
            out.append(" ".join(paragraphs[i:j + 1]))
            i = j + 1
        else:
            out.append(paragraphs[i])
            i += 1
    return out


# A dateline opening a story: "HONOLULU (AP) — ", "AMATRICE, Italy (AP) — ", "FAIRHOPE, Ala. — ",
# "PRETORIA/KHARTOUM — ", "NEW YORK, Jan 5 (Reuters) - ". It says where the story was filed, not what happened
# (summaries, leads and derived titles drop it).
DATELINE = re.compile(
    r"^[A-Z][A-Z/ .'-]{2,}(?:,\s+[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2})?(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\([A-Za-z0-9 .]+\))?\s*[-–—]+\s*(?=[“\"A-Z0-9])"
)
# The colon form of South Asian papers and some wires ("LAHORE: ", "NEW DELHI: "): capitals only, so "Note: ..."
# and "He said: 'yes'" stay, and not an editorial label whose rest is a note or a link ("EDITOR'S NOTE: ",
# "UPDATE: ", "READ MORE: ").
_COLON_DATELINE = re.compile(
    r"^(?!(?:EDITOR|NOTE|CORRECTION|CLARIFICATION|UPDATE|WATCH|READ|RELATED|MORE|SEE|PHOTOS?|VIDEO)\b)"
    r"[A-Z][A-Z .'-]{2,}(?<=[A-Z]):\s+(?=[“\"A-Z0-9])"
)
# An outlet's tag without a place: "(CNN) Mitt Romney ...", "(Reuters) - ...": up to three words in brackets, then a
# sentence that starts with a capital (so a bracketed caption or credit line alone is kept).
_OUTLET_TAG = re.compile(r"^\([A-Z][\w.&'-]*(?: [\w.&'-]+){0,2}\)\s*(?:[-–—]+\s*)?(?=[“\"A-Z0-9])")

# A dateline in title case, as many local papers and scrapes print it ("Indianapolis – ", "Dekalb, Ill. — ", "New
# York, NY – ", "Hong Kong (CNN Business)" run into its sentence): up to four capitalised words (no "Mr." or "Sen."
# opening them: a person), an optional ", State", then a wire's or network's tag in brackets (not any bracket: "the
# Transportation Security Administration (TSA) said") or a dash with spaces round it, and a sentence that opens with
# a capital.
_WIRES = r"(?:AP|AFP|Reuters|UPI|CNN|Bloomberg|dpa|DPA|Xinhua|IANS|PTI|ANI|BBC|NBC|CBS|ABC|Fox|TASS|Yonhap|Kyodo)"
_PLACE_DATELINE = re.compile(
    r"^(?!(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Prof|Rev|St)\.)[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}"
    r"(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?)?"
    rf"(?:\s*\({_WIRES}\b[\w .&'-]{{0,20}}\)\s*(?:[-–—]+\s*)?|\s+[-–—]{{1,2}}\s+)(?=[“\"A-Z])")

# A column's or section's name in capitals before a bar ("THE FACT CHECKER | Rep. Adam Smith said ..."): a kicker.
_KICKER = re.compile(r"^[A-Z][A-Z .'’&-]{2,}\s+\|\s+(?=[“\"A-Z0-9])")

# A date stamp before the first sentence of a post or release ("September 5, 2014: Maintaining ...", "Jan. 5, 2019 --
# The ...", "12 March 2020 - The ..."): when it was posted, not what happened.
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATE_STAMP = re.compile(rf"^(?:{_MONTH} \d{{1,2}},? \d{{4}}|\d{{1,2}} {_MONTH},? \d{{4}})"
                         r"\s*(?::|[-–—]+)\s+(?=[“\"A-Z])")


def match_dateline(text: str) -> re.Match | None:
    """A leading dateline ("WASHINGTON (AP) — ", "LAHORE: "), outlet tag ("(CNN) "), kicker ("THE FACT CHECKER |
    ") or date stamp ("September 5, 2014: ") of the text, if any."""
    return (DATELINE.match(text) or _COLON_DATELINE.match(text) or _OUTLET_TAG.match(text) or _KICKER.match(text)
            or _DATE_STAMP.match(text) or _PLACE_DATELINE.match(text))


def strip_dateline(text: str) -> str:
    """The text without a leading dateline or outlet tag (`match_dateline`)."""
    m = match_dateline(text)
    return text[m.end():] if m else text


TITLE_MIN_WORDS = 4  # a shorter first sentence ("Surprise!", "Oh no.") says nothing of the story
_TITLE_LINES = 8  # furniture above the story is a line or a few
# The end of a first sentence: a full stop after a lower-case word or a figure ("said.", "in 2015."), or before a
# closing quote mark ("... in 'Killing Machine.'"), so the abbreviations that open headlines and datelines ("Sen.",
# "U.S.", "Tenn.", "Aug. 24", "a.m.") do not end it.
# A capitalised word ends one too when a function word opens the next ("... Beverage Tax. At Costco"): after "Sen." or
# "Calif." a name or a dash follows, not "The" or "At".
_TITLE_SENTENCE_END = re.compile(
    r"(?:\b[a-z][\w'’-]+\.|\d\.|\w[!?]|\w\.(?=[\"”’])|\b[A-Z][a-z]+\.(?=\s+(?:The|A|An|At|In|On|He|She|It|They|We|But|"
    r"And|This|That|There|Now|So|As|For|Its|His|Her|Their)\s))[\"'”’)]*(?=\s+[“\"'‘A-Z0-9])")


def _headline_segment(line: str) -> str:
    """The first part of a line between bars that reads like a headline: "Caption. | Getty Headline" and "Headline |
    Site" keep their first part, a bare place or section label ("CHRISTCHURCH, New Zealand |", "Home | News") none."""
    if "|" not in line:
        return line
    return next((seg.strip() for seg in line.split("|")
                 if len(strip_dateline(seg.strip()).split()) >= TITLE_MIN_WORDS), "")


def derive_title(text: str, limit: int = 120) -> str:
    """A stand-in title for inputs that carry none, to read like a headline: the first line that is not page
    furniture (cleaning's junk rules: "Image copyright Reuters Image caption ...", "Play Facebook"; cleaning drops
    it from the body too; a short label line, `_headline_segment`) without its dateline or outlet tag, cut after its
    first sentence, or at a word boundary when that sentence is longer than `limit`."""
    lines = [ln.strip() for ln in text.strip().split("\n", _TITLE_LINES)[:_TITLE_LINES] if ln.strip()]
    first = next((seg for ln in lines if not classify_line(ln) and (seg := _headline_segment(ln))),
                 lines[0] if lines else "")
    first = strip_dateline(first.lstrip("—–-•·* "))  # a dash or bullet opening the line ("— Where are the bodies?")
    for end in _TITLE_SENTENCE_END.finditer(first):
        if end.end() > limit:
            break
        if len(first[:end.end()].split()) >= TITLE_MIN_WORDS:  # "Surprise! Lady Gaga ..." reads on to the next end
            return first[:end.end()]
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def input_id(*parts: bytes | str | None) -> str:
    """An article id from the identity of its input, not from what extraction makes of it: a file's bytes, a WARC
    record's URL and payload, a feed item's guid and content, a JSON record. Ingesting the same input again, even
    with a later unspun whose extraction or cleaning differs, finds it stored instead of storing it a second time
    (a content-hash id moved with every extraction change). The same text from two inputs is still caught as an
    exact duplicate by `Article.hash`."""
    h = hashlib.sha1()
    for part in parts:
        h.update(part if isinstance(part, bytes) else (part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:16]


_SURROGATE = re.compile("[\ud800-\udfff]")
_STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")  # no text has them (tabs, newlines, \v, \f do)
_STRAY_BYTES = bytes(set(range(0, 9)) | set(range(14, 32)) | {127})


def valid_text(s: str) -> str:
    """`s` with lone surrogates (a JSON "\\ud800" escape, a non-UTF-8 file name) made U+FFFD: they cannot be encoded
    as UTF-8, so the store and every output would fail on them."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", s)


def clean_chars(s: str) -> str:
    """`valid_text` without stray control characters (a NUL from a JSON "\\u0000", a page's \\x1b): they would pass
    into every output (a NUL in stories.md, the HTML report) and mean nothing."""
    try:
        data = s.encode("utf-8")
    except UnicodeEncodeError:
        s = _SURROGATE.sub("\ufffd", s)
        data = s.encode("utf-8")
    if len(data.translate(None, _STRAY_BYTES)) != len(data):  # C-level count: a regex scan cost ~10 us an article
        s = _STRAY_CONTROLS.sub("", s)
    return s


def _valid_value(v):
    if isinstance(v, str):
        return valid_text(v)
    if isinstance(v, dict):
        return {valid_text(str(k)): _valid_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(_valid_value(x) for x in v)
    return v


def source_label(path: str) -> str:
    """A path (or a problem's detail, which may quote the input) as a one-line, UTF-8 label for reports: a byte of
    a non-UTF-8 file name (decoded by Python as a lone surrogate) shows as \\xNN, a newline or other control or
    format character escaped, so a problem stays on its own line of stderr and the store can hold it. A printable
    path is returned as it is."""
    if path.isprintable():
        return path
    out = []
    for ch in path:
        if ch.isprintable():
            out.append(ch)
        elif "\udc80" <= ch <= "\udcff":  # os.fsdecode's surrogateescape of one undecodable byte
            out.append(f"\\x{ord(ch) - 0xdc00:02x}")
        else:
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
    return "".join(out)


def make_article(
    *,
    title: str,
    text: str,
    source: str,
    article_id: str | None = None,
    **fields,
) -> Article:
    """An Article from a reader's fields; with no title, the text's first line serves (`title_derived`). Readers
    pass `article_id` (the input's own id, else `input_id`); articles built without one get a content hash."""
    text, title, source = clean_chars(text or ""), clean_chars(title or ""), source_label(source)
    fields = {k: _valid_value(v) for k, v in fields.items()}
    if not title.strip():
        title = derive_title(text)
        fields["title_derived"] = bool(title)
    title = " ".join((title or "").split())
    text = normalize_body(text or "")
    fields["language"] = article_language(fields.get("language"), text)
    if not article_id:
        article_id = content_hash(title, text)[:16]
    return Article(id=valid_text(str(article_id)), title=title, text=text, source=source, **fields)


def problem(source: str, reason: str, detail: str = "") -> Problem:
    return Problem(source=source_label(source), reason=reason, detail=source_label(detail))
