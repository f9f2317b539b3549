"""Timeline: dated events (sentences with a temporal expression) resolved against the publish date.

Candidate expressions are spaCy DATE/TIME entities and holiday names (plus the preposition in front: "within 60
days", "in 2020", and a "this"/"last" spaCy left out: "this November").
Resolution = a small rule layer for the relative forms news uses, at the right granularity, and dateparser for
absolute dates ("May 14", "14 May 2019"):
- last/previous/past | this | next + year/month/week           -> year / month / week (ISO week as YYYY-Www; a
                                                                   Sunday's "last week" is the week it closes);
                                                                   "the past year" -> range (a year up to publish)
- today / yesterday / tomorrow; (last|next|on) <weekday>       -> day (a bare weekday is the latest one on or
                                                                   before the publish date: news reports the past;
                                                                   the coming one in a "will" or present clause)
- (last|next|in|since) <month name>, <month> <day>             -> month / day; without a year, the tense of the
                                                                   clause picks it: past -> on or before the publish
                                                                   date, "will" -> on or after, else the nearest;
                                                                   "last June" is strictly before
- within / in / after N days|weeks|months|years|decades         -> range (publish date .. +N) or day/month
- N days|weeks|months|years|decades ago                        -> day / month / year
- a four-digit year ("in 2020", "2050")                         -> year (needs no publish date)
- since <point>                                                 -> range from it to the publish date (open-ended
                                                                   without one): "749 children have died since
                                                                   1998" is a count up to now, not an event of 1998
- earlier / later this week|month|year                          -> range: the part before / after the publish date
- (the|this|last|next) weekend                                  -> range Saturday..Sunday
- (this|last|next) spring|summer|fall|winter                    -> range of its three months (March-May, ...)
- the 1990s, the '90s                                           -> range of the decade
- holidays ("Christmas Day", "New Year's Eve", "Thanksgiving")  -> day, the year picked as for a bare month
- absolute spans ("August to December 2014", "Jan. 1 to Aug. 31, 2016") -> range
Not events, skipped: durations with no anchor ("two-year", "almost a year", "for over two decades"); offsets from a
narrated moment ("three days later", "two years earlier", "the previous year", "the following week") or from what
they name ("the last week of the race", "the summer after the loss"); a season as a kind of thing ("summer fishing
trips"); vague counts ("a few years ago": no date can honestly be given); and forward offsets ("within two weeks",
"the next 25 days") in a sentence narrating the past, where they count from the narrated event, not from the publish
date; "today" as "nowadays" ("he is alive today"); the timestamps of embedded tweets, the page's own "Published
..."/"Updated ..." lines and photo captions (when a picture was taken): caption wording ("FILE -", "(AP Photo/...)")
or the present tense with a date in full ("Police march Sunday, Aug. 17, 2014.", where prose narrates: "The city
said Monday, Aug. 18, 2014, ...").
A line a date labels ("1999: Smith wins the title") is a chronology entry: the whole line is the event, and its
present tense is the historical present of headlines (the past) unless it looks ahead ("Smith to coach the team");
so is a line a date opens with no colon ("Nov. 4, 2014 The one that got away.").
Tense: a bare weekday in the present ("the convention, which begins Monday", "When it launches on Tuesday") is a
schedule, the coming one, as is "this Tuesday" unless the clause is past; the present perfect ("has been arrested")
narrates the past like the simple past, and a participle keeps its own time ("the agreement reached on Saturday
still leaves ..."); an imperative or schedule line ("Steelers: Host the Browns on Sunday"), a line under a
"next"/"coming up" label and the date of a coming occasion ("their next home game on November 19") look ahead like
"will"; what a "since" phrase names ("since the November attacks") or a past clause tells ("the Nov. 13 attacks
that killed 130") lies before the publish date.
No publish date: relative expressions are kept with date None and resolution "date unknown".
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import TYPE_CHECKING

from .model import Article, Event, normalize_ws
from .nlp import LINE_UNIT, doc_text
from .provenance import sentence_key
from .spin import CAPTION_DATE, has_caption_wording

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
NUMBER_WORDS.update({"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90,
                     "hundred": 100})  # no "a few", "several": a vague count gives no date
UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
         "year": "year", "years": "year", "decade": "decade", "decades": "decade"}
SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}  # first month, meteorological seasons
PAST = {"last", "previous", "past", "preceding", "prior"}
FUTURE = {"next", "coming", "following", "upcoming"}
THIS = {"this", "current"}


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        import dateparser

        d = dateparser.parse(value, settings={"RETURN_AS_TIMEZONE_AWARE": False})
        return d.date() if d else None
    except Exception:
        return None


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _num(s: str) -> int | None:
    s = s.lower().replace(",", "").strip()
    if s.isdigit():
        return int(s)
    return NUMBER_WORDS.get(s)


def _fmt(d: dt.date, gran: str) -> str:
    if gran == "year":
        return f"{d.year:04d}"
    if gran == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if gran == "week":
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}"
    return d.isoformat()


_PREPOSITIONS = ("on", "in", "within", "by", "since", "after", "before", "during", "until", "from", "over", "for", "at")


def _nearest_year(mon: int, day: int, base: dt.date, tense: str | None) -> dt.date:
    """The date with this month and day, in the year that fits the publish date: the latest on or before it when
    the clause narrates the past, the first on or after it when it looks ahead, else the nearest (news mentions
    both last month's events and next month's: "the Oscars on Feb. 9" in a January story is three weeks ahead)."""
    years = (base.year - 1, base.year, base.year + 1)
    cands = [dt.date(y, mon, min(day, calendar.monthrange(y, mon)[1])) for y in years]
    if tense == "past":
        return max(c for c in cands if c <= base)
    if tense == "future":
        return min(c for c in cands if c >= base)
    return min(cands, key=lambda c: (abs((c - base).days), c > base))


def resolve_expression(expr: str, base: dt.date | None, *, tense: str | None = None
                       ) -> tuple[str | None, str | None, str | None, str]:
    """(date, granularity, end, resolution) for one temporal expression; date None when it cannot be resolved.

    See `_resolve`. A publish date at the edge of the calendar (an input's "9999-12-31") must not cost the story its
    timeline: arithmetic that leaves the calendar gives "date unknown"."""
    try:
        return _resolve(expr, base, tense=tense)
    except (ValueError, OverflowError):
        return None, None, None, "date unknown"


def _resolve(expr: str, base: dt.date | None, *, tense: str | None = None
             ) -> tuple[str | None, str | None, str | None, str]:
    """(date, granularity, end, resolution) for one temporal expression; date None when it cannot be resolved.

    Returns granularity None and resolution "" for expressions that are not anchored points (durations).
    `tense` of the clause holding the expression ("past", "perfect", "future" or None, see `_tense`): it picks the
    year of a bare month or day, the week of a bare weekday, and in past narration forward offsets are not counted
    from the publish date; "since" runs up to the publish date in a present or present-perfect clause.
    """
    e = normalize_ws(expr).lower().strip(" .,;:'\"’“”")
    e = re.sub(r"\bthis past\b", "last", e)  # "this past week", "since this past October"
    words = e.split()
    rel = f" relative to {base.isoformat()}" if base else ""
    if words and words[0] == "since":  # "records since August": a range up to now, in past narration too
        start, gran, *_ = _resolve(" ".join(words[1:]), base, tense="past")
        if start and gran in ("year", "month", "week", "day", "range"):  # "since the weekend": from its Saturday
            if base is None:
                return start, "range", None, f"{expr.strip()} -> from {start} (up to a publish date that is unknown)"
            return start, "range", base.isoformat(), f"{expr.strip()}{rel} -> {start}..{base.isoformat()}"
    tense = "past" if tense == "perfect" else tense  # "has been arrested" happened, like "was arrested"

    def unknown(gran: str) -> tuple:
        return None, gran, None, "date unknown"

    def ok(d: dt.date, gran: str, end: dt.date | None = None, *, absolute: bool = False) -> tuple:
        end_s = _fmt(end, gran if gran != "range" else "day") if end else None
        val = _fmt(d, gran if gran != "range" else "day")
        arrow = f"{val}..{end_s}" if end_s else val
        # "relative to <publish date>" only where the publish date was used: "In July 2012" does not depend on it
        return val, gran, end_s, f"{expr.strip()}{'' if absolute else rel} -> {arrow}"

    # strip a leading preposition but remember it
    prep = None
    if words and words[0] in _PREPOSITIONS:
        prep, words = words[0], words[1:]
    if len(words) > 1 and words[0] in ("a", "an") and len(words[1].strip(".,")) >= 3 \
            and any(m.startswith(words[1].strip(".,")) for m in MONTHS):
        words = words[1:]  # "an April 6, 2012, bombing", "an Aug. 3 meeting": a dated thing, a date all the same
    definite = bool(words) and words[0] == "the"  # "the past year" is the twelve months up to now, not last year
    part = None  # "earlier this year": the part of the year up to the publish date
    if words and words[0] in ("early", "late", "mid", "the", "earlier", "later"):
        if words[0] in ("earlier", "later") and len(words) > 1 and words[1] in ("this", "next", "last"):
            part = words[0] if words[1] == "this" else None
            words = words[1:]
        elif words[0] != "the" or len(words) > 1:
            words = words[1:]
            if words and words[0] in ("early", "late", "mid") and len(words) > 1:
                words = words[1:]  # "the early 1990s", "the late 1970s"
    e2 = " ".join(words)

    # explicit four-digit year only ("2020", "in 2050", "the 2016 election" handled by NER span)
    m = re.fullmatch(r"(?:the\s+)?((?:19|20)\d\d)", e2)
    if m:
        return ok(dt.date(int(m.group(1)), 1, 1), "year", absolute=True)

    span = _absolute_span(e2)
    if span:
        return ok(span[0], "range", span[1], absolute=True)

    if e2 in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return ok(base, "day") if base else unknown("day")
    if e2 in ("yesterday", "last night"):
        return ok(base - dt.timedelta(days=1), "day") if base else unknown("day")
    if e2 == "tomorrow":
        return ok(base + dt.timedelta(days=1), "day") if base else unknown("day")

    # (last|next|this) year|month|week
    m = re.fullmatch(r"(\w+)\s+(year|month|week)", e2)
    if m and definite and m.group(1) in ("previous", "preceding", "prior", "following"):
        return None, None, None, ""  # "up $1.1 million from the previous year": before a year the text names
    if m and (m.group(1) in PAST | FUTURE | THIS):
        if not base:
            return unknown(m.group(2))
        step = -1 if m.group(1) in PAST else 1 if m.group(1) in FUTURE else 0
        unit = m.group(2)
        if definite and step:
            if step > 0 and tense == "past":
                return None, None, None, ""
            other = (base + dt.timedelta(weeks=step) if unit == "week"
                     else _add_months(base, step * (12 if unit == "year" else 1)))
            return ok(min(base, other), "range", max(base, other))
        if part and step == 0:  # "earlier this week" ran up to the publish date, "later this year" runs on from it
            first, last = _period(base, unit)
            return ok(first, "range", base) if part == "earlier" else ok(base, "range", last)
        if unit == "week" and step < 0 and base.weekday() == 6:
            step = 0  # a Sunday paper's "last week" is the Monday-to-Saturday just ended, the ISO week it closes
        if unit == "year":
            return ok(dt.date(base.year + step, 1, 1), "year")
        if unit == "month":
            return ok(_add_months(base.replace(day=1), step), "month")
        return ok(base + dt.timedelta(weeks=step), "week")

    if definite and re.fullmatch(r"(?:past|last)\s+decade", e2):  # "the past decade": ten years up to now
        return ok(_add_months(base, -120), "range", base) if base else unknown("range")

    # the weekend: its Saturday and Sunday
    m = re.fullmatch(r"(?:(last|next|this|coming|past|previous)\s+)?weekend", e2)
    if m:
        if not base:
            return unknown("range")
        sat = _weekend(base, m.group(1), tense)
        return ok(sat, "range", sat + dt.timedelta(days=1))

    # seasons (meteorological: spring is March to May): "this summer", "last spring", "the fall", "summer 2015"
    m = re.fullmatch(r"(?:(last|next|this|coming|past|previous)\s+)?(spring|summer|fall|autumn|winter)"
                     r"(?:\s+((?:19|20)\d\d))?", e2)
    if m:
        if not (m.group(1) or m.group(3) or definite or prep):
            return None, None, None, ""  # "summer fishing trips", "winter birds": a kind of thing, not a time
        mon = SEASONS[m.group(2)]
        if m.group(3):
            start = dt.date(int(m.group(3)), mon, 1)
            return ok(start, "range", _add_months(start, 3) - dt.timedelta(days=1), absolute=True)
        if not base:
            return unknown("range")
        start = _season(base, mon, m.group(1), tense)
        return ok(start, "range", _add_months(start, 3) - dt.timedelta(days=1))

    # decades: "the 1990s", "the '90s"
    m = re.fullmatch(r"((?:19|20)\d)0s|['’]([2-9])0s", e2)
    if m:
        first = int(m.group(1)) * 10 if m.group(1) else 1900 + int(m.group(2)) * 10
        return ok(dt.date(first, 1, 1), "range", dt.date(first + 9, 12, 31), absolute=True)

    # holidays: "Christmas Day", "on New Year's Eve", "Bastille Day", "Election Day"
    holiday = _HOLIDAYS.get(e2.replace("’", "'").replace(".", ""))
    if holiday and (e2 != "christmas" or prep):  # "on Christmas", not "Christmas lights"
        if not base:
            return unknown("day")
        return ok(_nearest_occurrence(holiday, base, tense), "day")

    # weekdays: "Tuesday", "last Tuesday", "next Monday", "Monday night"
    m = re.fullmatch(r"(?:(last|next|this|previous|coming)\s+)?(\w+?)(?:'s)?(?:\s+(morning|afternoon|evening|night))?",
                     e2)
    if m and m.group(2) in WEEKDAYS:
        if not base:
            return unknown("day")
        wd = WEEKDAYS[m.group(2)]
        if m.group(1) in ("next", "coming"):
            delta = (wd - base.weekday()) % 7 or 7
            return ok(base + dt.timedelta(days=delta), "day")
        delta = (base.weekday() - wd) % 7
        if m.group(1) in ("last", "previous") and delta == 0:
            delta = 7
        # "will meet on Friday", "the convention, which begins Monday", "hopes to win this Tuesday": the coming one.
        # News tells what happened in the past tense; a weekday in the present is a schedule.
        if (m.group(1) in (None, "this") and tense in ("future", "present")) or (m.group(1) == "this" and not tense):
            return ok(base + dt.timedelta(days=(wd - base.weekday()) % 7), "day")
        return ok(base - dt.timedelta(days=delta), "day")

    # months: "June", "last June", "next March", "in June 2018", "June 2018"
    m = re.fullmatch(r"(?:(last|next|this|previous|coming)\s+)?([a-z]+)\.?(?:\s+((?:19|20)\d\d))?", e2)
    if m and m.group(2) in MONTHS:
        mon = MONTHS[m.group(2)]
        if m.group(3):
            return ok(dt.date(int(m.group(3)), mon, 1), "month", absolute=True)
        if not base:
            return unknown("month")
        year = base.year
        if m.group(1) in ("last", "previous"):
            year = base.year if mon < base.month else base.year - 1
        elif m.group(1) in ("next", "coming"):
            year = base.year if mon > base.month else base.year + 1
        elif m.group(1) != "this":
            year = _nearest_year(mon, 1, base.replace(day=1), tense).year
        return ok(dt.date(year, mon, 1), "month")

    # within / in / after N units; N units ago
    m = re.fullmatch(r"(?:the\s+)?(?:(next|past|last|coming)\s+)?(\d+|[a-z]+(?:\s+(?:few|couple))?)\s+"
                     r"(days?|weeks?|months?|years?|decades?)(\s+ago|\s+later|\s+earlier|\s+from now)?", e2)
    if m:
        n = _num(m.group(2))
        unit = UNITS[m.group(3)]
        ago = (m.group(4) or "").strip()
        if n is None or ago in ("later", "earlier"):
            return None, None, None, ""  # vague ("a few years ago") or counted from a narrated moment, not from now
        if not (ago or prep in ("within", "in", "after", "over") or m.group(1)):
            return None, None, None, ""  # a bare duration ("60 days") is not a point in time
        forward = ago != "ago" and m.group(1) not in ("past", "last")
        if forward and tense == "past":
            return None, None, None, ""  # "she left the hospital within two weeks": counted from the story's events
        if not base:
            ranged = prep in ("within", "over") or m.group(1)
            return unknown("range" if ranged else "year" if unit == "decade" else unit)

        def shift(k: int) -> dt.date:
            if unit == "day":
                return base + dt.timedelta(days=k)
            if unit == "week":
                return base + dt.timedelta(weeks=k)
            if unit == "month":
                return _add_months(base, k)
            return _add_months(base, (120 if unit == "decade" else 12) * k)

        if ago == "ago":
            return ok(shift(-n), "day" if unit in ("day", "week") else "year" if unit == "decade" else unit)
        if m.group(1) in ("past", "last"):
            return ok(shift(-n), "range", base)
        if prep in ("within", "over") or m.group(1) in ("next", "coming"):
            return ok(base, "range", shift(n))
        return ok(shift(n), "day" if unit in ("day", "week") else "year" if unit == "decade" else unit)

    # absolute dates: "May 14", "May 14, 2019", "14 May", "2019-05-14" -> dateparser
    if re.search(r"\d", e2) and (any(w.strip(",.") in MONTHS for w in words) or re.fullmatch(r"\d{4}-\d\d-\d\d", e2)
                                 or re.fullmatch(r"\d{1,2}/\d{1,2}/\d{2,4}", e2)):
        has_year = bool(re.search(r"\b(19|20)\d\d\b", e2))
        if not has_year and not base:
            return unknown("day")
        d = _dateparse(e2, base)
        if d is None:
            return (None, "day", None, "date unknown") if not base else (None, None, None, "")
        has_day = bool(re.search(r"\b\d{1,2}(st|nd|rd|th)?\b", re.sub(r"\b(19|20)\d\d\b", "", e2)))
        day = d.date()
        if not has_year and base:  # dateparser's "prefer past" puts next month's date a year back
            day = _nearest_year(day.month, day.day, base, tense)
        return ok(day, "day" if has_day else "month", absolute=has_year)

    # a weekday inside a longer time phrase ("a good night Tuesday", "worked into the night Saturday")
    m = re.search(r"\b(?:(?:last|next|this|coming|previous)\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", e2)
    if m and m.group(0) != e2:
        date, gran, _, resolution = _resolve(m.group(0), base, tense=tense)
        return date, gran, None, resolution.replace(m.group(0), expr.strip(), 1) if date else resolution
    return None, None, None, ""


def _period(base: dt.date, unit: str) -> tuple[dt.date, dt.date]:
    """First and last day of the week (ISO, Monday first), month or year holding `base`."""
    if unit == "week":
        first = base - dt.timedelta(days=base.weekday())
        return first, first + dt.timedelta(days=6)
    if unit == "month":
        return base.replace(day=1), base.replace(day=calendar.monthrange(base.year, base.month)[1])
    return dt.date(base.year, 1, 1), dt.date(base.year, 12, 31)


def _weekend(base: dt.date, modifier: str | None, tense: str | None) -> dt.date:
    """The Saturday of the weekend meant: "last weekend" the one ended before the publish date, "next weekend" the
    one after the coming days; "the weekend" (or "this weekend") the latest one in past narration, else the one at
    hand or coming ("this weekend" told in the present looks ahead; on a Saturday or Sunday it is that weekend)."""
    latest = base - dt.timedelta(days=(base.weekday() - 5) % 7)  # the Saturday on or before the publish date
    on_weekend = base.weekday() >= 5
    if modifier in ("last", "past", "previous"):
        return latest - dt.timedelta(days=7) if on_weekend else latest
    if modifier in ("next", "coming"):
        return latest + dt.timedelta(days=7)
    if on_weekend or tense == "past" or (modifier is None and tense != "future"):
        return latest
    return latest + dt.timedelta(days=7)


def _season(base: dt.date, first_month: int, modifier: str | None, tense: str | None) -> dt.date:
    """First day of the season meant (`first_month` 3, 6, 9 or 12): "last spring" the latest one over before the
    publish date, "next summer" the first one to begin after it, "this summer" the one of the publish year (a
    winter: the one at hand), a bare "the fall" the latest begun in past narration, else the one at hand or coming."""
    starts = [dt.date(y, first_month, 1) for y in range(base.year - 2, base.year + 2)]
    spans = [(st, _add_months(st, 3) - dt.timedelta(days=1)) for st in starts]
    if modifier in ("last", "past", "previous"):
        return max(st for st, end in spans if end < base)
    if modifier in ("next", "coming"):
        return min(st for st, _ in spans if st > base)
    if modifier == "this":
        at_hand = [st for st, end in spans if st <= base <= end]
        return at_hand[0] if at_hand else dt.date(base.year, first_month, 1)
    if tense == "past":
        return max(st for st in starts if st <= base)
    return min(st for st, end in spans if end >= base)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 the last) `weekday` of a month: Thanksgiving is the 4th Thursday of November."""
    if n < 0:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _easter(year: int) -> dt.date:
    from dateutil.easter import easter  # dateparser's dependency: the Western Easter computus

    return easter(year)


def _super_tuesday(year: int) -> dt.date:
    """The first Tuesday of March of the US presidential election year nearest `year` (2012, 2016, 2020, 2024)."""
    return _nth_weekday(4 * round(year / 4), 3, 1, 1)


# holidays the news dates events by: a fixed (month, day) or a rule giving the day in a year
_HOLIDAYS: dict[str, object] = {
    "christmas": (12, 25), "christmas day": (12, 25), "christmas eve": (12, 24), "boxing day": (12, 26),
    "new year's day": (1, 1), "new year's eve": (12, 31), "new years eve": (12, 31), "new year eve": (12, 31),
    "valentine's day": (2, 14), "halloween": (10, 31), "bastille day": (7, 14), "independence day": (7, 4),
    "fourth of july": (7, 4), "july fourth": (7, 4), "veterans day": (11, 11), "armistice day": (11, 11),
    "st patrick's day": (3, 17),
    "thanksgiving": lambda y: _nth_weekday(y, 11, 3, 4), "thanksgiving day": lambda y: _nth_weekday(y, 11, 3, 4),
    "labor day": lambda y: _nth_weekday(y, 9, 0, 1), "memorial day": lambda y: _nth_weekday(y, 5, 0, -1),
    "black friday": lambda y: _nth_weekday(y, 11, 3, 4) + dt.timedelta(days=1),
    "cyber monday": lambda y: _nth_weekday(y, 11, 3, 4) + dt.timedelta(days=4),
    "mother's day": lambda y: _nth_weekday(y, 5, 6, 2), "father's day": lambda y: _nth_weekday(y, 6, 6, 3),
    "martin luther king day": lambda y: _nth_weekday(y, 1, 0, 3), "presidents day": lambda y: _nth_weekday(y, 2, 0, 3),
    "presidents' day": lambda y: _nth_weekday(y, 2, 0, 3), "columbus day": lambda y: _nth_weekday(y, 10, 0, 2),
    "easter": _easter, "easter sunday": _easter,
    "easter monday": lambda y: _easter(y) + dt.timedelta(days=1),
    "good friday": lambda y: _easter(y) - dt.timedelta(days=2),
    "palm sunday": lambda y: _easter(y) - dt.timedelta(days=7),
    "ash wednesday": lambda y: _easter(y) - dt.timedelta(days=46), "super tuesday": _super_tuesday,
}
_HOLIDAY_NAME = re.compile(r"(?:the\s+)?(?:" + "|".join(re.escape(h).replace("'", "['’]?") for h in _HOLIDAYS) + r")",
                           re.IGNORECASE)


def _nearest_occurrence(holiday: object, base: dt.date, tense: str | None) -> dt.date:
    """The holiday's date in the year that fits the publish date and the tense (as `_nearest_year`)."""
    if isinstance(holiday, tuple):
        return _nearest_year(holiday[0], holiday[1], base, tense)
    cands = [holiday(y) for y in (base.year - 1, base.year, base.year + 1)]
    before, after = [c for c in cands if c <= base], [c for c in cands if c >= base]
    if tense == "past" and before:
        return max(before)
    if tense in ("future", "present") and after:
        return min(after)
    return min(cands, key=lambda c: (abs((c - base).days), c > base))


@functools.lru_cache(maxsize=4096)
def _dateparse(expr: str, base: dt.date | None) -> dt.datetime | None:
    """dateparser's reading of an absolute date (~1 ms a call; the articles of a story repeat their dates)."""
    try:
        import dateparser

        settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"}
        if base:
            settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
        return dateparser.parse(expr, languages=["en"], settings=settings)
    except Exception:
        return None


_SPAN_SEP = re.compile(r"\s*(?:\bto\b|\bthrough\b|\buntil\b|[-\u2013\u2014])\s*")


def _absolute_span(e: str) -> tuple[dt.date, dt.date] | None:
    """(start, end) of "August to December 2014", "Jan. 1 to Aug. 31, 2016", "August 1-November 13, 2014": two
    month names and one year (the year written once, on the right, applies to both sides). Month-only sides
    cover the whole month."""
    parts = _SPAN_SEP.split(e)
    year = re.search(r"\b((?:19|20)\d\d)\b", e)
    if len(parts) != 2 or not year:
        return None
    bounds = []
    for side, p in enumerate(parts):
        m = re.fullmatch(r"([a-z]+)\.?(?:\s+(\d{1,2})(?:st|nd|rd|th)?)?,?(?:\s+((?:19|20)\d\d))?", p.strip())
        if not m or m.group(1) not in MONTHS:
            return None
        y, mon = int(m.group(3) or year.group(1)), MONTHS[m.group(1)]
        day = int(m.group(2)) if m.group(2) else (1 if side == 0 else calendar.monthrange(y, mon)[1])
        try:
            bounds.append(dt.date(y, mon, day))
        except ValueError:
            return None
    return (bounds[0], bounds[1]) if bounds[0] <= bounds[1] else None


# the signature an embedded post ends with ("— Jane Doe (@jdoe) December 27, 2017", "A post shared by Jane Doe
# (@jane.doe) on Jun 27, 2017"): its date is when it was posted
_TWEET_SIGNATURE = re.compile(r"\(@[\w.]{1,30}\)\s*(?:on\s+)?$")
# "First published April 25, 8:32 p.m. PT.", "Updated 3:45 PM ET", "Copyright 2018.": when the page was written,
# not a story event
# the page's own history, not the story's: publishing stamps and corrections ("Because of an editing error, an article
# on Wednesday about ...", "An earlier version of this article misstated ...")
_PAGE_STAMP = re.compile(
    r"^\W*(?:(?:(?:first|originally|last) )?(?:published|posted|updated|modified)\b|copyright\b|©|"
    r"(?:correction|clarification)s?\b|because of an? (?:editing|reporting|editor's|editor’s) error\b|"
    r"an earlier version of this (?:article|story|report|post)\b)", re.IGNORECASE)
_LEADING_PREPS = ("within", "in", "on", "since", "after", "by", "over", "until", "before")


_MODIFIERS = ("this", "last", "next", "past", "coming", "previous")


def _expand(ent: "Span") -> "Span":
    """Include the preposition before a DATE span ("within 60 days", "in 2020", "on Tuesday"), unless the date is
    a possessive ("involved in Tuesday's accident": the preposition governs "accident"); and a "this"/"last"/"next"
    the entity left out ("The choice this November", "this week's warnings": spaCy tags "November", "week")."""
    doc = ent.doc
    start = ent.start
    if start > 0 and doc[start - 1].lower_ in _MODIFIERS and ent[0].lower_ not in _MODIFIERS + ("the",):
        start -= 1
    possessive = (ent.end < len(doc) and doc[ent.end].tag_ == "POS") or ent[-1].lower_.endswith(("'s", "’s"))
    if start > 0 and doc[start - 1].lower_ in _LEADING_PREPS and not possessive:
        start -= 1
    return doc[start : ent.end]


def _clause_verb(ent: "Span") -> "Token | None":
    """The verb that carries the tense of the clause a date expression belongs to, walking up through non-finite
    verbs ("is set to begin in March" -> "set"), but not past a participle of its own ("the agreement reached in Paris
    on Saturday still leaves ...": "reached", not the present "leaves"); None when the date hangs on a noun ("the
    Oscars on Feb. 9")."""
    tok = ent.root
    for _ in range(12):  # a parse path to the clause's verb is short; bounded in case of odd parses
        head = tok.head
        if head is tok:
            return None
        tok = head
        if tok.pos_ in ("NOUN", "PROPN", "PRON", "NUM") or tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "attr"):
            return None  # the date belongs to a noun phrase ("several contenders at the Oscars on Feb. 9")
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        finite = ("VBD", "VBZ", "VBP", "MD")  # not "to" ("to begin"): an infinitive takes its tense from above
        if tok.tag_ in finite or any(c.dep_ in ("aux", "auxpass") and c.tag_ in finite for c in tok.children):
            return tok
        if _bare_command(tok):
            return tok
        if tok.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in tok.children):
            return tok  # a participle clause: its own time, not the main clause's
    return None


def _bare_command(verb: "Token") -> bool:
    """A base-form verb heading its line with no subject and no auxiliary: an imperative or a schedule line
    ("Steelers: Host the Browns on Sunday"; a name before a colon is a label, not a subject), not a complement
    ("helped them win on Sunday") nor an infinitive."""
    if verb.tag_ != "VB" or verb.dep_ not in ("ROOT", "acl", "appos"):
        return False
    doc = verb.doc
    for c in verb.children:
        label = c.i < verb.i and any(t.text == ":" for t in doc[c.i + 1 : verb.i])
        if c.dep_ in ("aux", "auxpass", "expl") or (c.dep_ in ("nsubj", "nsubjpass") and not label):
            return False
    return True


# a label that introduces what comes next ("UP NEXT", "Coming up:", "Next game:"): the line under it looks ahead
# (in capitals, or closed by a colon: "Next, she argued" narrates)
_AHEAD_LABEL = re.compile(r"^\W*(?:(?:UP NEXT|NEXT UP|NEXT|COMING UP|UPCOMING)\b"
                          r"|(?i:up next|next up|next(?: \w+)?|coming up|upcoming|looking ahead)\s*:)")


_AHEAD_PARTICIPLES = frozenset("schedule slate plan expect set propose due bill poise".split())
_DEADLINE_PREPOSITIONS = frozenset("by until till before".split())


def _tense(verb: "Token | None", sentence: str = "") -> str | None:
    """"past" ("left", "was released"), "perfect" ("has been arrested": the past, told as relevant now), "future"
    ("will meet", an imperative or schedule line, a line under a "next" label), "present" ("begins", "is set"),
    "participle" (a bare past participle: "conducted in February", past unless its date is a deadline) or None
    (hypothetical, unknown)."""
    if _AHEAD_LABEL.match(sentence):
        return "future"
    if verb is None:
        return None
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ == "MD" and a.lower_ in ("will", "'ll", "shall", "wo") for a in auxes):
        return "future"
    if any(a.tag_ == "MD" for a in auxes):
        return None  # "would", "could": hypothetical or reported future, no tense to go by
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if verb.tag_ == "VBN" and not auxes:
        # a participle clause tells what was done ("his most recent physical -- conducted in February --"), unless it
        # names a plan ("a meeting scheduled for Friday", "a vote expected in March")
        return "future" if verb.lemma_ in _AHEAD_PARTICIPLES else "participle"
    if any(a.lemma_ == "have" and a.tag_ in ("VBZ", "VBP") for a in auxes) and verb.tag_ == "VBN":
        return "perfect"
    if _bare_command(verb):
        return "future"
    if verb.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        return "present"  # "the convention, which begins Monday", "is scheduled for Friday"
    return None


def _named_past(ent: "Span") -> bool:
    """The date qualifies something the text places before the publish date: what a "since" phrase names ("since the
    November Paris attacks", "the worst attack since the bombings in November") or a noun its own clause tells in the
    past ("the Nov. 13 attacks that killed 130 people")."""
    tok, named = ent.root, False  # "since 2009" itself is not this case: the date must qualify a noun first
    for _ in range(8):  # up the noun phrase to its preposition; short in any parse
        if tok.head is tok or tok.head.pos_ in ("VERB", "AUX"):
            return False
        tok = tok.head
        if tok.lower_ == "since":
            return named
        if tok.pos_ in ("NOUN", "PROPN") and not ent.start <= tok.i < ent.end:
            named = True
            if any(c.dep_ in ("relcl", "acl") and c.tag_ == "VBD" for c in tok.children):
                return True
    return False


def _next_occasion(span: "Span") -> bool:
    """The date names when a coming occasion is: "the team's next home game on November 19" (whatever the tense
    of the clause around it)."""
    before = span.doc[span.start - 1] if span.start > 0 else None
    return before is not None and before.pos_ in ("NOUN", "PROPN") and any(
        c.dep_ == "amod" and c.lower_ in ("next", "upcoming", "coming", "forthcoming") for c in before.children)


def _present_tense(verb: "Token | None") -> bool:
    """The clause is in the simple present ("Police march", "A man is rescued"), as photo captions are."""
    if verb is None:
        return False
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if auxes:
        return all(a.tag_ in ("VBZ", "VBP") and a.lemma_ == "be" for a in auxes) and verb.tag_ == "VBN"
    return verb.tag_ in ("VBZ", "VBP")


def _present_state(expr: str, verb: "Token | None") -> bool:
    """"Dauer is alive today", "the harbour is today a trendy area": "today" as "nowadays" with a present "be"
    describes a state, not something that happened on the publish date."""
    return expr.lower() == "today" and verb is not None and verb.lemma_ == "be" and verb.tag_ in ("VBZ", "VBP")


_LETTER = re.compile(r"[^\W\d_]")
# "the first time in two years", "its highest level in a decade": "in N years" after a first or a superlative measures
# back from the publish date, like "since"; it dates nothing two years ahead
_IN_SPAN = re.compile(r"in (?:a|an|\w+|\d+) (?:days?|weeks?|months?|years?|decades?)", re.IGNORECASE)
_FIRST_OR_MOST = re.compile(r"\b(?:first|only|highest|lowest|biggest|largest|smallest|worst|best|strongest|weakest|"
                            r"fastest|slowest|deadliest|longest|shortest|most|least|fewest)\b[^.;,:!?]{0,40}$",
                            re.IGNORECASE)


def _measured_back(expr: str, ent: "Span", text: str) -> bool:
    """Whether `expr` is such a span ("... the first time in two years"). `text` is the doc's text."""
    return bool(_IN_SPAN.fullmatch(expr)) and bool(_FIRST_OR_MOST.search(text, ent.sent.start_char, ent.start_char))


# what follows the date that labels a line of a chronology or a dated link list ("1999: Smith wins", "May 4 - ...")
_AFTER_LABEL = re.compile(r"\s*(?::|\s[-\u2013\u2014])\s*\S")


def _labelled_line(ent: "Span", text: str) -> str | None:
    """The whole line when the date labels it ("1999: Smith wins the title", "► Aug. 1: Parents arraigned"), else
    None. `text` is the doc's text."""
    start = text.rfind("\n", 0, ent.start_char) + 1
    end = text.find("\n", ent.end_char)
    end = len(text) if end < 0 else end
    if re.search(r"\w", text[start:ent.start_char]) or not _AFTER_LABEL.match(text, ent.end_char, end):
        return None
    return normalize_ws(text[start:end])


def _headed_line(ent: "Span", text: str) -> str | None:
    """The whole line when the date opens it and words follow on the same line ("Nov. 4, 2014 The one that got
    away.", a chronology without a colon), else None. `text` is the doc's text."""
    start = text.rfind("\n", 0, ent.start_char) + 1
    end = text.find("\n", ent.end_char)
    end = len(text) if end < 0 else end
    if text[start:ent.start_char].strip() or not _LETTER.search(text, ent.end_char, end):
        return None
    return normalize_ws(text[start:end])


# a period named from within, after or before something else ("the last week of the race", "the first two years of
# his term", "the summer after the 2012 loss")
_OF_WHAT = re.compile(r"^(?:the\s+)?(?:first|last|final|past|previous|next|opening|closing|early|later|same)\b.*"
                      r"\b(?:days?|weeks?|months?|years?|hours?|decades?)$"
                      r"|^the\s+(?:\w+\s+)?(?:spring|summer|fall|autumn|winter|weekend|week|month|year|day)$",
                      re.IGNORECASE)


def _deictic_before_of(doc, ent) -> bool:
    """'reunions next month of families': a deictic "next/last/past/previous month" with no "the" before it counts
    from the publish date, and its "of" belongs to the noun before it ("the last week of the race" has its "the")."""
    first = ent[0].lower_
    if first == "the" or (ent.start > 0 and doc[ent.start - 1].lower_ == "the"):
        return False
    return first in ("next", "last", "past", "previous")


def _entry_tense(ent: "Span") -> str:
    """Tense of a chronology entry: the present of "1999: Smith wins the title" is the historical present of
    headlines and chronologies (past), unless the entry looks ahead ("will", "Smith to coach the team")."""
    doc = ent.doc
    for tok in doc[ent.end :]:
        if "\n" in tok.text:  # the line ended
            break
        if tok.pos_ in ("VERB", "AUX"):
            ahead = _tense(tok) == "future" or (tok.i > 0 and doc[tok.i - 1].tag_ == "TO")
            return "future" if ahead else "past"
        if "\n" in tok.whitespace_:
            break
    return "past"


def _named_day(ent: "Span") -> "Span | bool | None":
    """A weekday the tagger read after a qualifier: the holiday they name together ("Black" + "Friday"), False for
    another named day ("Super Tuesday", "Bloody Sunday", "Super Bowl Sunday"), None for a plain weekday ("On Friday",
    "at Scheels Arena Sunday")."""
    if len(ent) != 1 or ent[0].lower_ not in WEEKDAYS or ent.start == 0:
        return None
    prev = ent.doc[ent.start - 1]
    pair = ent.doc[ent.start - 1 : ent.end]
    if _HOLIDAY_NAME.fullmatch(pair.text):
        return pair
    return False if prev.lower_ in _DAY_NAME_QUALIFIERS else None


# the first words of named days that are no holiday with a date rule here ("Bloody Sunday", "Super Bowl Sunday", "Fat
# Tuesday"; "Super Tuesday" and "Black Friday" are in _HOLIDAYS); a place before a weekday ("at Scheels Arena
# Sunday") is no qualifier
_DAY_NAME_QUALIFIERS = frozenset("super bloody black fat giving holy maundy shrove bowl blue manic mad".split())


def extract_events(article: Article, doc: "Doc") -> list[Event]:
    """One Event per temporal expression in the article, resolved against `article.date` (None -> unknown)."""
    base = _parse_date(article.date)
    events: list[Event] = []
    seen = set()
    try:
        # a holiday is a date whatever spaCy calls it ("celebrating Bastille Day": FAC, "Christmas Eve": EVENT)
        ents = [e for e in doc.ents if e.label_ in ("DATE", "TIME") or _HOLIDAY_NAME.fullmatch(e.text)]
    except Exception:
        return []
    text = doc_text(doc)
    for ent in ents:
        if "\n" in ent.text or _TWEET_SIGNATURE.search(text[max(0, ent.start_char - 60):ent.start_char]):
            continue  # "— Jane Doe (@jdoe) December 27, 2017": when an embedded tweet was posted, not a story event
        span = _expand(ent)
        named = _named_day(ent)
        if named is False:
            continue  # "Super Tuesday", "Bloody Sunday": a day's name, not a weekday of the story
        if named is not None:
            span = named  # "Black Friday", "Good Friday": the tagger left the qualifier out
        if span.start > 0 and re.fullmatch(r"(?:1[89]|20)\d\d", doc[span.start - 1].text) \
                and _HOLIDAY_NAME.fullmatch(span.text):
            continue  # "the 1988 Super Tuesday": the year before it is the date, told on its own
        expr = normalize_ws(span.text)
        try:
            sent = ent.sent
            raw_sent = text[sent.start_char:sent.end_char]  # == sent.text, which joins the tokens on every call
            sent_text = normalize_ws(raw_sent)
        except Exception:
            sent_text = expr
        # keep the sentence within its paragraph or line (spaCy sometimes runs lines together, as `sentences` splits
        # them): the piece holding the date
        if doc.has_annotation("SENT_START"):
            offset, start = ent.start_char - sent.start_char, 0
            for brk in LINE_UNIT.finditer(raw_sent):
                if offset < brk.start():
                    break
                start = brk.end()
            end = LINE_UNIT.search(raw_sent, max(start, offset))
            sent_text = normalize_ws(raw_sent[start : end.start() if end else len(raw_sent)])
        if _PAGE_STAMP.match(sent_text) or has_caption_wording(sent_text):
            continue  # when the page was written or a picture taken ("FILE - In this Oct. 20, 2007 file photo")
        entry = _labelled_line(ent, text)
        if entry:
            sent_text = entry  # the sentence may be the label alone ("2003:")
        elif not _LETTER.search(sent_text.replace(expr, "", 1)):
            entry = _headed_line(ent, text)
            if not entry:
                continue  # a date alone on its line ("2015", "Tonight"): a page's heading or stamp, no event
            sent_text = entry  # "Nov. 4, 2014 The one that got away.": spaCy cut the date off its line
        after = doc[ent.end].lower_ if ent.end < len(doc) else ""
        if (after == "of" or (after in ("after", "before") and ent[0].lower_ == "the")) and _OF_WHAT.search(ent.text) \
                and not _deictic_before_of(doc, ent):
            continue  # "in the last week of the race", "the summer after the 2012 loss": counted from what is named
        if expr.lower().startswith("over ") and span.start > 0 and doc[span.start - 1].lower_ == "for":
            continue  # "fighting for over two decades": a duration
        try:
            if _measured_back(expr, ent, text):
                continue
            verb = _clause_verb(ent)
            if _present_state(expr, verb) or (CAPTION_DATE.search(sent_text) and _present_tense(ent.sent.root)):
                continue  # a caption: the present with a date in full ("Police march Sunday, Aug. 17, 2014.")
            if entry:
                tense = _entry_tense(ent)
            else:
                tense = "future" if _next_occasion(span) else "past" if _named_past(ent) else _tense(verb, sent_text)
                if tense == "participle":  # done, unless the date is a deadline ("those affected by October 8")
                    tense = None if ent.root.head.lower_ in _DEADLINE_PREPOSITIONS else "past"
            date, gran, end, resolution = resolve_expression(expr, base, tense=tense)
        except Exception:  # unexpected forms: keep the expression, say we could not resolve it
            date, gran, end, resolution = None, None, None, "date unknown"
        if gran is None and not resolution:
            continue  # durations and vague times ("almost a year", "for decades")
        key = (sent_text, expr)
        if key in seen:
            continue
        seen.add(key)
        events.append(Event(text=sent_text, expression=expr, date=date, granularity=gran, resolution=resolution,
                            article_id=article.id, end=end))
    return events


def story_timeline(events: list[Event], articles: list[Article] | None = None) -> list[Event]:
    """Story timeline: events sorted by date (unknown last), deduplicated across articles.

    Two events are the same when their sentence (ignoring case, space and punctuation: outlets restyle quotes and
    dashes of the same wire copy) and resolved date match (unresolved ones: and their expression); the one from the
    earliest article (order of `articles`, earliest first) is kept.
    """
    order = {a.id: i for i, a in enumerate(articles or [])}

    def rank(article_id: str) -> tuple:
        return order.get(article_id, 10**9), article_id

    best: dict[tuple, Event] = {}
    carriers: dict[tuple, set[str]] = {}
    for ev in events:
        # one sentence, one date: "when we go to 2012 ... worse in 2012" is one event, "today" and "last week" two
        key = (sentence_key(ev.text), ev.date, None if ev.date else ev.expression.lower())
        carriers.setdefault(key, set()).add(ev.article_id)
        cur = best.get(key)
        if cur is None or rank(ev.article_id) < rank(cur.article_id):
            best[key] = ev
    for key, ev in best.items():  # every article carrying the event, earliest first
        ev.article_ids = sorted(carriers[key], key=lambda i: (order.get(i, 10**9), i))
    return sorted(best.values(), key=lambda e: (e.date is None, chronological_key(e.date), e.end or "",
                                                order.get(e.article_id, 10**9), e.article_id, e.text, e.expression))


def chronological_key(date: str | None) -> str:
    """A resolved date as a key that sorts in time order: an ISO week ("2019-W19", which sorts after every month of
    its year as text) as its Monday; years, months and days sort as written."""
    m = re.fullmatch(r"(\d{4})-W(\d\d)", date or "")
    if m:
        try:
            return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1).isoformat()
        except ValueError:
            return date or ""
    return date or ""


build_timeline = story_timeline
