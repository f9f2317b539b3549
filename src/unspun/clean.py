"""Junk removal inside already-extracted article text.

The body is split into blocks (paragraphs; a paragraph is split into its lines when some of its lines are junk).
Each junk block is kept in `article.blocks` with `kept=False` and a reason code:

- `link_list`  aggregator link lines ("Label: Headline Without Final Punctuation", the label repeated or a
               link-list label), bare URLs, runs of short headline-like lines (in a paragraph of their own, or two
               or more beside a junk line of theirs: a box of other stories);
- `promo`      subscription/newsletter/donation pleas, "more people are reading X than ever", follow/share bars,
               cookie notices, photo credits and source lines, copyright lines, "Advertisement", affiliate
               disclosures, headings of contact boxes, notes about the page ("This story has been updated"), CNN's
               "Story highlights" box (its bullets, which the body restates);
- `author_box` the author or columnist box closing an article (a bio with a contact call or the writer's career,
               a column's schedule, the writer's contact line, who reported or contributed, a wire story's
               "(Reporting by ...; Editing by ...)" credits, also when run onto the last sentence, editors' initials
               "jm/dm (AFP, dpa)"), allowed a longer
               paragraph than promos;
- `transcript` broadcast framing: upper-case speaker tags ("SHAPIRO: ...") used more than once or with a
               broadcast role, stage directions ("(SOUNDBITE OF ...)"), sign-offs ("NPR's X in Y, thanks");
- `notice`     text that stands where an article should be: error and gone pages ("this page is not available"),
               log-in, JavaScript and robot walls, parked domains, platform widgets kept instead of the post
               ("Tweet with a location", a video player's "The interactive transcript could not be loaded"),
               web-archive crawl descriptions, the whole text of a search-results page (a "search" segment in its
               URL's path: result snippets are no article); a page made only of notices comes out empty and is
               reported, not turned into a story;
- `gallery`    a slideshow printed into the body: a run of lines that open with the same words (the gallery's
               title before each slide's caption; also runs of wire photo captions and share buttons);
- `template`   lines repeated across many articles of the same outlet (`remove_templates`).

The signals are general shapes and phrasings (no article-specific strings; the only outlet-specific ones are the
furniture lines of large outlets that news scrapes carry, marked as such in `_PROMO_RULES`), in English and, for the
most common kinds (read-also labels, credits, newsletter and membership pleas, widget labels), in the other
languages of European news sites. A regex lexicon is used because no packaged library classifies boilerplate inside
already-extracted plain text.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from .model import Article, Block, content_hash, normalize_ws

# ------------------------------------------------------------------ link lists

# a list bullet or arrow may come before the label ("• Read more: ...", "► Aug. 1: ..."); the label may be a date
_LABEL_LINE = re.compile(r"^(?:[•·▪►▶▸→*–—-]\s*)?(?P<label>[A-Z][\w.'’&/-]*(?: [\w.'’&/-]+){0,3})\s*[:|»›>]\s+"
                         r"(?P<rest>\S.*)$")
_ARROW = re.compile(r"^[►▶▸→]")  # an arrow marks a line as a link, whatever its label
_LINK_LABELS = re.compile(
    r"^(more|read|also read|read more|read also|read next|see also|see more|watch more|up next|related|related news|"
    r"related stories|related articles|"
    r"recommended|more news|more stories|latest|top stories|trending|popular|must read|don't miss|watch|"
    r"listen|also see|further reading|you may also like|editor's picks|more from \w+|"
    # the same labels in the other languages of European news sites
    r"lesen sie (auch|hier|mehr)|mehr zum thema|siehe auch|auch interessant|schon gelesen|"
    r"das könnte sie (auch )?interessieren|(à )?lire aussi|voir aussi|leggi anche|vedi anche|"
    r"(lea|lee|vea|ver) también|(le|te) puede interesar|zobacz (też|także|również)|czytaj (też|także|więcej)|"
    r"lees ook|zie ook|läs också|les også|læs også)$",
    re.I,
)
_LINK_LABEL_ALONE = re.compile(r"^\W*(?P<label>[^\W\d][\w'’ ]{2,40}?)\W*$")  # "Schon gelesen?", "[czytaj więcej]"
# the headings of contact and source boxes under press releases and articles, on a line of their own
_BOX_LABELS = re.compile(
    r"^(contact|press contact|media contact|more information|further information|sources|"
    r"kontakt|pressekontakt|weitere informationen|quellen|quellenangaben|ansprechpartner(in)?( zum thema)?|"
    r"contacto|más información|contact presse|plus d'informations|contatti|per informazioni)$", re.I)
_URL_ONLY = re.compile(r"^https?://\S+$", re.I)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def _headline_like(text: str) -> bool:
    """Short, no sentence-final full stop (headlines end bare, or with ? / !)."""
    words = text.split()
    return 2 <= len(words) <= 25 and not re.search(r"\.[\"'”’)\]]*$", text)


# ------------------------------------------------------------------ promos


def _by_anchor(rules: list[tuple[tuple[str, ...], str]]) -> dict[str, list[re.Pattern]]:
    """{anchor: compiled patterns} of (anchors, pattern) rules, for `_matches`."""
    index: dict[str, list[re.Pattern]] = {}
    for anchors, pattern in rules:
        compiled = re.compile(pattern, re.I)
        for anchor in anchors:
            index.setdefault(anchor, []).append(compiled)
    return index


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation of `words` as a trie ("ad(?:vertisement)?"): at each position only the branch of that
    character is tried, and the longest word matching there wins."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def alternation(node: dict) -> str:
        branches = [re.escape(ch) + alternation(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return alternation(trie)


class _AnchorFinder:
    """The rule anchors a line holds, found in one regex pass over it instead of one substring test per anchor
    (~200 anchors: ~0.8 ms per bench article as substring tests, ~0.3 as one pass). The search resumes one character
    after each hit, so overlapping anchors are found too; a hit is the longest anchor starting there, and the shorter
    anchors it begins with are there as well."""

    def __init__(self, anchors: Iterable[str]):
        anchors = set(anchors)
        self.trie = re.compile(_trie_pattern(anchors))
        self.starts = {a: [b for b in anchors if a.startswith(b)] for a in anchors}

    def __call__(self, line: str) -> set[str]:
        low, found, at = line.lower(), set(), 0
        while hit := self.trie.search(low, at):
            found.update(self.starts[hit.group()])
            at = hit.start() + 1
        return found


# (anchors, pattern): a pattern can only match a line holding one of its anchors (lower-case substrings), and the
# anchors are found first (`_AnchorFinder`) -- the full case-insensitive alternation cost ~0.15 ms a line.
_PROMO_RULES = [
    (("subscri",),
     r"\bsubscri(be|ption|bers?)\b.*\b(today|now|here|only|just|unlimited|access|offer|support|newsletter)"),
    (("sign up", "signing up", "signup", "register"),
     # the call itself, opening its sentence or addressed to the reader: reporting says who signs up for what ("to
     # get men to sign up for updates from the campaign", "those who register as lobbyists ... emails")
     r"(^|[.!?:,(—–-]\s*)(sign(ing)? up|signup|register)\b.{0,60}\b(newsletter|updates|alerts|free|inbox|email|deals)|"
     r"\b(sign(ing)? up|signup|register)\b.{0,40}\b(our|your)\b.{0,20}\b(newsletter|updates|alerts|inbox|email|deals)|"
     r"\bsign up (here|now|today)\b"),
    (("newsletter",), r"\bnewsletters?\b.*\b(inbox|sign up|subscribe|delivered|daily|weekly)|"
                      r"^([\w'’-]+ ){0,3}newsletter$|"  # a newsletter box's heading ("PC Gamer Newsletter")
                      r"\bnewsletter (abonnieren|bestellen)\b|\b(zum|für den|unseren?) newsletter anmelden\b|"
                      r"\b(suscr[ií]bete|suscribirse|inscrivez-vous|abonnez-vous|iscriviti)\b.{0,40}\bnewsletter\b"),
    (("more people", "more readers"), r"\bmore (people|readers) (are )?(reading|visiting|turning to|rely(ing)? on)\b"),
    (("than ever",), r"\breading .{1,60} than ever( before)?\b"),
    (("journalism", "reporting", "newsroom"),
     r"\b(support|fund|donate to)\b.{0,40}\b(our|independent|quality) (journalism|reporting|newsroom)"),
    (("donation", "contribution"),
     # the plea's own words ("please", "your", "make a"): reports of donations share the rest ("contributions from
     # supporters", "a financial contribution to support refugees")
     r"\b(please (consider )?|consider |make |making |your )(a |an )?([\w-]+ )?(donation|contribution)s?\b.{0,40}"
     r"\b(journalism|support)"),
    (("follow us", "follow me"), r"\bfollow (us|me)\b.{0,30}\b(on|at)\b"),
    (("like us on", "follow us on"), r"\b(like|follow) us on (facebook|twitter|instagram|linkedin|youtube|tiktok)"),
    # a contact line's call opening its sentence ("Email: jo@example.com; Follow USA TODAY Personal Tech Columnist
    # @jo on Twitter", "Follow Jo Roe on Twitter: @jo"): reporting says who follows whom, it does not tell you to
    (("follow",), r"(^|[.!?;:]\s*)follow\b[^.!?]{0,80}?(\bon (twitter|facebook|instagram|linkedin|youtube|tiktok)\b|"
                  r"@\w+)"),
    (("read or share",), r"^read or share this (story|article)\b"),  # USA TODAY's footer, with its short link
    # a newsletter sign-up form kept as text ("ES News Email Enter your email address Please enter an email address
    # Email address is invalid ...")
    (("enter your email", "enter your e-mail", "address is invalid", "enter an email", "enter a valid email"),
     # the form's own words: its error message, or the prompt alone on its line (reporting tells readers to "enter
     # your email address on the council's site")
     r"\be-?mail address is invalid\b|^\W*(please )?enter (your|an?|a valid) e-?mail( address)?\W*$"),
    # a numbered photo gallery of the day's other news kept with its captions ("3/34 28 November 2017 This year's V&A
    # Christmas Tree ...")
    (("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
      "december"),
     r"^\d{1,3}/\d{1,3}\s+\d{1,2}\s+(january|february|march|april|may|june|july|august|september|october|november|"
     r"december)\s+\d{4}\b"),
    # the German syndication tail ("Den Originalartikel gibt es auf Business Insider Australia. Und ihr könnt ...
    # auf Twitter folgen.")
    (("folgen", "originalartikel"), r"\bauf (facebook|twitter|instagram|linkedin|youtube|tiktok) folgen\b|"
                                     r"^(den|zum) originalartikel\b"),
    (("share", " | "),
     r"^share (this|on|via)\b|^(share|tweet|email|print|comments?)( \| (share|tweet|email|print|comments?))+$"),
    # the call to action of a teaser or promo box, opening its sentence ("... in 2017. Click to read today's
    # story."): an extractor can keep the box in place of the story
    (("click here", "click to"),
     r"\bclick here\b|(^|[.!?:(]\s*)click to (read|see|view|watch|listen|learn|find out|continue|subscribe)\b"),
    (("cookie",), r"\b(this|our) (site|website) uses cookies\b|\bcookie (policy|settings|preferences)\b|"
                  r"\baccept (all )?cookies\b|\bwe use cookies\b"),
    (("all rights reserved", "©", "(c)", "copyright"), r"\ball rights reserved\b|^(©|\(c\)|copyright\b)"),
    (("advertisement", "sponsored", "promoted", "ad"), r"^advertisement$|^(sponsored|promoted)( content)?$|^ad$"),
    (("download",), r"\bdownload (our|the) ([\w-]+ ){0,2}apps?\b"),
    (("member", "subscriber", "supporter", "mitglied", "abonnent", "miembro", "socio", "membre", "abonné"),
     r"\b(become|join) (a|our) (member|subscriber|supporter)s?\b|\bwerden sie (jetzt )?(mitglied|abonnent)|"
     r"\bhazte (miembro|socio)\b|\bdevenez (membre|abonné)"),
    # affiliate and sponsorship disclosures
    (("commission", "compensation", "advertisers", "affiliate", "werbung", "anzeige"),
     r"\bwe (may )?(earn|receive) (a )?(small )?(commission|compensation)\b|\badvertisers do not influence\b|"
     r"\baffiliate links?\b.{0,60}\b(commission|earn)|^\*?(werbung|anzeige)\s*[-–:.|*]|"
     r"\b(enthält|beinhaltet) (unbezahlte )?werbung\b"),
    # share, like and rating widgets' labels ("Share this:", "Teilen mit:", "Wird geladen …")
    (("share", "like", "rate", "teilen", "gefällt", "bewerten", "partager", "compartir", "condividi", "loading",
      "geladen", "chargement", "cargando", "caricamento"),
     r"^(share this|like this|rate this|teilen mit|gefällt mir|bewerten|partager|compartir|condividi)\s*:?$|"
     r"^(loading|wird geladen|chargement|cargando|caricamento)\s*(\.\.\.|…)?$"),
    (("comment", "kommentar"),
     r"^(no|keine) (comments|kommentare)( yet| bisher)?[.!]?( \(.*\))?$|"
     r"\b(let us know|tell us|verraten sie( uns)?( gerne)?|schreiben sie uns)\b.{0,60}"
     r"\b(in the comments|in den kommentaren)\b"),
    (("gewähr",), r"\b(alle )?angaben ohne gewähr\b"),  # the German "no liability" line
    (("unlimited",), r"\bunlimited (digital )?access\b"),
    (("already a subscriber", "log in", "login", "continue reading", "reached your", "please subscribe", "full story"),
     r"\b(already a subscriber|log ?in to continue|to continue reading|you have reached your|please subscribe)\b|"
     r"\bto (view|read) the (full|whole|rest of the) (story|article)\b"),
    (("photo", "image", "picture", "video", "credit", "foto", "bild", "crédit", "zdjęcie", "immagine"),
     r"^\(?(photo|image|picture|video|file photo|credit|photograph|foto|fotografía|bild|bildquelle|beitragsbild|"
     r"titelbild|aufmacherbild|crédits?( photos?)?|image illustrative|zdjęcie|immagine)s?\s*(credit)?\s*"
     r"[:/]\s*\S"),
    # a caption ending in its credit ("Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO")
    (("©",), r"\s©\s?[^\s.!?][^.!?]{0,60}$"),
    # a source line under a chart, table or agency copy ("Quelle: Landesregierung", "Source: Eurostat")
    (("quelle", "source", "fuente", "fonte", "źródło"),
     r"^(quelle|source|fuente|fonte|źródło)s?\s*:\s*(\S+\s+){0,7}\S+$"),
    (("photo", "image"), r"\((ap|afp|reuters|getty|epa|file) ?(photo|images?)\b"),
    (("getty", "shutterstock", "ap photo", "reuters/", "epa-efe"),
     # "Reuters/" only before a name closing the line ("REUTERS/Jane Doe/File Photo)"): "a Reuters/Ipsos poll" is
     # reporting
     r"\b(getty images|shutterstock|ap photo|afp via getty|epa-efe)\b|"
     r"\breuters/\s?(?-i:[A-Z])[\w.'’-]*([ /](?-i:[A-Z])[\w.'’-]*){0,3}\s*[)\]]?\W*$"),
    (("full story", "full article", "original story", "original article"),
     r"\bread (the|our) (full|original) (story|article)\b"),
    (("appeared", "published"), r"\bthis (article|story) (was )?(originally|first) (appeared|published)\b"),
    (("tip",), r"\bhave a (news )?tip\b|\bsend us (a|your) (news |secure )?tip\b"),
    # outlets' own furniture that scrapes carry into the body (NYT, ABC, NBC, NPR, YouTube embeds, AP member tails)
    (("continue reading the main story",), r"\bcontinue reading the main story\W*$"),
    (("as an interest", "add interest"), r"\badd [\w .'’-]{1,40} as an interest\b|\badd interest$"),
    (("breaking news",), r"^breaking news (emails|alerts)\b|\bget breaking news alerts\b"),
    (("rented",), r"\brating is available when the video has been rented\b"),
    (("information from",), r"^_{2,}\s*information from\s*:"),
    # video and gallery furniture (BBC, CNN, USA Today players), weather boxes of local papers
    (("media playback",), r"^media playback is (unsupported|not supported) on your device"),
    # BBC's image and video captions, credit first ("Image copyright Reuters Image caption Crowds gathered ...")
    (("image copyright", "image caption", "image source", "media caption"),
     r"^image copyright\b(.{1,60}\bimage caption\b|(\W*\S+){1,4}$)|^(image|media) caption\b|^image source, "),
    # a credit line alone ("Photo by Scott Olson/Getty Images", "Screenshot by Amanda Kooser/CNET"), a bare "Photo"
    # label, a row of share-button labels ("Play Facebook", "Enlarge icon Pinterest icon Facebook icon")
    (("photo", "screenshot", "image", "illustration"),
     r"^(photo|screenshot|image|illustration)s?( by [^.!?]{2,80})?$"),
    (("play facebook", "icon"), r"^play facebook\b|^(\w+ icon ){2,}"),
    (("enlarge this image",), r"^enlarge this image\b"),  # NPR's caption toggle, with the caption and its credit
    # the Washington Post's box of its other foreign stories, closing on its Facebook page's follow plea
    (("post correspondents",), r"^today['’]s coverage from post correspondents around the world\W*$"),
    (("on facebook",), r"^like [\w .'’&-]{1,50} on facebook\b"),
    (("published on",), r"^published on \w+ \d{1,2}, \d{4}$"),  # a video page's upload date, above its description
    (("just watched", "must watch"), r"^(just watched|must watch)\b"),
    (("hide caption",), r"\bhide caption\b"),
    (("story highlights",), r"^story highlights\W*$"),
    # CNN's slogan, and its messenger plea before it
    (("as it unfolds",), r"^(chat with us in facebook messenger\.\s*)?find out what['’]s happening in the world as it "
                         r"unfolds\W*$"),
    (("facebook messenger",), r"^chat with us in facebook messenger\W*$"),
    # a site's content notice ("The content (including but not limited to text, photo, multimedia information, etc)
    # published in this site belongs to China Daily Information Co (CDIC).")
    (("belongs to", "belong to"), r"\b(?:published|posted) (?:in|on) this (?:site|website) belongs? to\b"),
    (("close",), r"^close$|^(?-i:CLOSE) "),  # a video player's close button run into its blurb ("CLOSE Police ...")
    (("winds",), r"^(high|low) -?\d+\s?[fc]\. winds\b"),
    (("archive",), r"\bread more from [\w .'’-]{1,40}['’]s? archive\b"),
    # a photo caption closing on its credit, right after the caption's last sentence or its cut ("... Monday, May 7,
    # 2012. The activist was ... (Associated Press)", "A.Q. Khan in an undated photo. (AP)", "... (Jo Lane/The
    # Washington Post)"); prose names an agency inside its sentence ("as the Associated Press (AP) reported.")
    (("(",),
     r"[.!?…][\"'”’]?\s*\((?:ap|associated press|reuters|afp|getty images|(?:photo|credit)\s*:[^()]{1,60}|"
     r"[^()]{0,40}\bphoto\b[^()]{0,20}|[^()/\d]{2,40}/[^()/]{2,40})\)\W*$"),
    # a caption's credit label at its end ("This graph shows ... since 2007. Credit: EIA", "When: 23 Sep 2016 Credit:
    # IPA/WENN.com", the New York Times' "Credit...Doug Mills/The New York Times")
    (("credit",), r"(?-i:Credits?)\s*(?::|\.\.\.|…)\s*(?-i:[A-Z])[^!?]{0,40}$"),
    # a credit line alone, its parts slashed ("Yann Gamblin / Paris Match / Getty")
    (("getty", "/ ap", "/ afp", "/ reuters", "/ epa"), r"^[^.!?]{2,60}\s/\s*(getty|ap|afp|reuters|epa)( images)?\W*$"),
    # the disclaimer under a page's outbound links ("ABC News is not responsible for the content of external Internet
    # sites.", the BBC's "... external sites. Read about our approach to external linking.")
    (("external",), r"\bnot responsible for the content of external (internet )?(sites|websites|links)\b|"
                    r"^external links are provided for reference purposes\b"),
    # a video player's embed box ("Embed <title> 0:32 autoplay autoplay Copy this code to your website or blog")
    (("copy this code", "autoplay"), r"\bcopy this code to your (website|blog|site)\b|\bautoplay autoplay\b"),
    # what a newsletter sign-up box leaves behind when its form is stripped
    (("subscribing", "could not subscribe", "invalid email", "to your inbox"),
     r"\bthank you for subscribing\b|\bcould not subscribe\b|^invalid email( address)?\b|"
     r"\b(updates|news) (delivered )?(directly|straight) to your inbox\b"),
    # a note about the page itself ("(This story has been updated with comments from ...)", "This article was
    # corrected on May 3 ..."), not news
    (("has been updated", "was updated", "has been corrected", "was corrected"),
     r"^\(?this (story|article|post|report|piece) (has been|was) (updated|corrected)\b"),
]
_PROMO = _by_anchor(_PROMO_RULES)


def _matches(index: dict[str, list[re.Pattern]], line: str, present: set[str]) -> bool:
    """Does one of the rules of an anchor index (`_by_anchor`) match the line, which holds the anchors `present`
    (`_ANCHORS`)?"""
    for anchor in present:
        for rx in index.get(anchor, ()):
            if rx.search(line):
                return True
    return False


PROMO_MAX_WORDS = 45  # promo phrasing inside a long paragraph is more likely reporting about it

# ------------------------------------------------------------------ notices (not an article at all)

# Same (anchors, pattern) form as the promo rules. Phrasings of the notice itself, not of reporting about it
# ("the page is no longer available" vs "the ministry removed the page"); checked against real article text
# (PolNeAR, AEB and trafilatura-eval ground truth: no match).
_NOTICE_RULES = [
    # a site's licence or registration number (Chinese sites' ICP footers: "License for publishing multimedia online
    # 0108263", "Registration Number: 130349")
    (("license", "licence", "registration", "icp"),
     r"^(icp|licen[cs]e|registration)\b[\w ]{0,40}?:? ?(\w+ ?)?\d{5,}\b(\W+registration number\W+\d+)?\W*$"),
    (("not found", "404"),
     r"^(error )?(404|page not found)\b|\b(page|file|article|content) (you (requested|are looking for) )?"
     r"(was |could )?not (be )?found\b"),
    (("not available", "no longer available", "unavailable", "been removed", "been deleted", "not exist", "n't exist"),
     r"\b(this|the|that) (page|article|story|video|content|tweet|post|account|site)( you requested| you are looking "
     r"for)? (is|has been|was|may have been|does not|doesn't|no longer) ?(currently |temporarily )?(not available|"
     r"unavailable|no longer available|removed|deleted|exist)\b"),
    (("sorry",), r"\b(we're|we are) sorry,? (but )?(this|the|that) (page|content|article)\b"),
    (("log in", "sign in", "login", "signin", "logged in", "signed in", "eingeloggt", "angemeldet"),
     r"\byou (must|need to|have to) (be )?(log ?in|sign ?in|logged in|signed in)\b|"
     r"\byou are (currently )?not (logged|signed) in\b|"
     r"\bsie sind (aktuell |derzeit |momentan )?nicht (eingeloggt|angemeldet)\b"),
    (("javascript",), r"\bjavascript (is|has been|appears to be|seems to be) (disabled|turned off|not enabled)\b|"
                      r"\b(enable|turn on|activate) javascript\b"),
    (("cookies",), r"\b(enable|allow|turn on) cookies\b.{0,40}\b(browser|continue|site)\b"),
    (("access", "blocked", "unusual traffic", "robot", "human"),
     r"\baccess (to this (page|site|resource) )?(has been |is )?denied\b|\byou (have been|are|were) blocked\b|"
     r"\bunusual traffic\b|\bnot a robot\b|\bverify (that )?you are (a )?human\b"),
    # browser and web-server error pages ("This site can't be reached", "The requested URL ... was not found on this
    # server", "ERR_NAME_NOT_RESOLVED")
    (("be reached", "refused to connect", "took too long to respond", "err_", "requested url", "not found",
      "server at"),
     r"\bthis (site|page) can(['’]t|not) be reached\b|\b(refused to connect|took too long to respond)\W*$|"
     r"\berr_[a-z_]{4,}\b|\bthe requested url\b.{0,120}\bwas not found\b|^not found\W*$|"
     r"^apache(/\S+)?( \(\w+\))? server at \S+ port \d+\W*$"),
    (("ip address", "dns", "domain"),
     r"\bthe ip address (for this domain )?(has|may have) changed\b|\bcheck your dns settings\b|"
     r"\bthis domain (name )?(is|may be) (for sale|parked)\b"),
    (("tweet",), r"\b(tweet with a location|location information to your tweets|your tweet location history)\b"),
    # a video player kept where the post was ("The interactive transcript could not be loaded.", "This feature is not
    # available right now. Please try again later.", "If playback doesn't begin shortly, try restarting your device.")
    (("transcript could not", "feature is not available", "playback doesn"),
     r"\bthe interactive transcript could not be loaded\b|\bthis feature is not available right now\b|"
     r"\bif playback doesn['’]t begin shortly\b"),
]
_NOTICE = _by_anchor(_NOTICE_RULES)
NOTICE_MAX_WORDS = PROMO_MAX_WORDS  # a long paragraph with such words is more likely reporting about it
# Notices that run to a paragraph -- web-archive crawl descriptions, a browser's DNS-error help, a sign-up form kept
# in place of text ("Please verify you're not a robot by clicking the box ...") -- with phrasings specific enough for
# a longer limit.
_LONG_NOTICE_RULES = [
    # NPR's transcript footer, one ~70-word block ("Copyright © 2019 NPR. All rights reserved. ... NPR transcripts are
    # created on a rush deadline by ... The authoritative record of NPR's programming is the audio record.")
    (("rush deadline", "authoritative record"),
     r"\btranscripts? (is|are) created on a rush deadline\b|\bthe authoritative record of [\w'’ ]{2,40} programming is "
     r"the audio record\b"),
    (("dns", "not a robot", "select a newsletter"),
     r"\bcheck your dns settings\b|\bclearing your dns cache\b|\bverify you(['’]re| are) not a robot by clicking\b|"
     r"\byou must select a newsletter\b"),
    # a photo gallery's controls kept with all its captions ("1 of 62 Full Screen Autoplay Close Skip Ad × ...",
    # "... Image 1 of / 25 Caption Close ... 1 / 25 Back to Gallery")
    (("back to gallery", "skip ad", "caption close"),
     r"\bback to gallery\W*$|\bfull screen autoplay close skip ad\b|\bimage \d+ of\s*/?\s*\d+ caption close\b"),
    # a site's legal footer in one block: the copyright line and what it forbids ("Copyright 1995 - . All rights
    # reserved. The content (including but not limited to text, photo, ...) published in this site belongs to ...
    # shall not be republished ..."); the copyright line alone is a promo
    (("all rights reserved",), r"^(©|\(c\)|copyright\b)[^.!?]{0,80}[.!?]\s*all rights reserved\b\W*\w"),
    (("crawl", "wayback", "archive-it", "internet archive", "warc"),
     r"\b(these crawls are part of|crawl data to the internet archive|added to the wayback machine|the seed for "
     r"this crawl|this crawl was run|warc files associated with this crawl|using the archive-it service|web "
     r"captures? (of|from)\b.{0,80}\barchive)"),
]
_LONG_NOTICE = _by_anchor(_LONG_NOTICE_RULES)
LONG_NOTICE_MAX_WORDS = 120
# a photo caption closing on its credit after a bar ("A forensic officer stands near a van ... authorities said. |
# Photo Credit: Claude Paris"): the caption runs past the promo rules' length
_PIPED_CREDIT = re.compile(r"\|\s*(?:photo\s+)?credits?\s*:\s*[A-Z][^.!?|]{1,40}$", re.IGNORECASE)

# ------------------------------------------------------------------ author boxes

# The author or columnist box closing an article (reason `author_box`); it runs past the promo limit (a career in
# three sentences), so each shape pairs the bio with what only a box says.
_ROLES = ("reporter", "writer", "editor", "columnist", "correspondent", "contributor", "journalist", "critic",
          "producer", "blogger", "specialist")
_ROLE = "(?:" + "|".join(_ROLES) + ")s?"
_AUTHOR_BOX_RULES = [
    # "<Name> is a/the/<outlet>'s ... reporter ... Follow him on Twitter": the bio and the contact call together
    # (either alone also occurs in reporting)
    (("follow", "reach", "email", "e-mail", "contact"),
     r"^\W*(?:(?-i:[A-Z])[\w.'’-]*\s+){1,4}(?:is|was)\s+[^.!?]{0,120}?\b" + _ROLE + r"\b.{0,200}?"
     r"\b(?:follow(?:ing)?|reach|e-?mail|contact)\s+(?:him|her|them|@\w+)\b"),
    # "<Name> is a senior correspondent for NBC News ... He previously ...": a bio opening the paragraph and going on
    # with the writer's career, not with the news
    (_ROLES,
     r"^(?:(?-i:[A-Z])[\w.'’-]*\s+){1,4}is (?:a|an|the)\s+[^.!?]{0,80}?\b" + _ROLE + r"\s+(?:for|at|with)\b"
     r"[^!?]{0,200}?[.!?]\s+(?:He|She|They)\s+(?:previously|formerly|has (?:also )?(?:covered|reported|written|worked)|"
     r"joined|covers|is based|was (?:previously|formerly))\b"),
    # a columnist's tagline opening the paragraph, its first sentence ending on when the column runs ("Chronicle
    # columnists Jane Roe and Sam Poe appear Sundays, Mondays and Wednesdays."); reporting goes on after the
    # schedule ("whose column appears weekly in 40 papers")
    (("column",),
     r"^[^.!?]{0,80}\bcolumn(?:ist)?s?\b[^.!?]{0,80}\bappears?\s+(?:on\s+|every\s+)?(?:(?:(?:mon|tues|wednes|thurs|"
     r"fri|satur|sun)days?|daily|weekly)(?:,\s*|\s+and\s+|\s+or\s+)?)+[.!]"),
    (("about the author",), r"^about the author(\W*$|\s+(?-i:[A-Z]))"),  # the box's heading, alone or run into the bio
    # the writer's contact line ("To reach Sam Poe, call 555-0100 or send email to sam@valley.example.")
    (("to reach",), r"^\W*to reach (?:the )?(?:writer|reporter|author|(?:(?-i:[A-Z])[\w.'’-]*\s*){1,4})\s*,?\s*"
                    r"(?:call|e-?mail|send|write|contact)\b"),
    # who reported it ("AP journalist Jo Lane reported this story in Riverton and AP writer Sam Poe reported from the
    # capital.", "Jane Roe in London contributed to this report."): a line of its own, not a sentence of the story
    (_ROLES, r"^[^.!?]{0,40}\b" + _ROLE + r"\s+(?:(?-i:[A-Z])[\w.'’-]*\s+){1,4}"
             r"(?:reported\s+(?:this|the)\s+(?:story|report)|reported\s+from|contributed\s+(?:to|reporting))\b"),
    (("contributed",), r"\bcontributed\s+(?:reporting\s+)?(?:to\s+(?:this|the)\s+(?:report|story)|reporting)\W*$"),
    # a wire story's credits ("(Reporting by Joan Gralla; Editing by Jan Paschal)", "(Additional reporting by Soyoung
    # Kim in SEOUL ...)"); `_CREDIT_RUN_IN` puts one run onto the last sentence on a line of its own
    (("reporting by", "writing by", "editing by", "compiled by"),
     r"^\(?\s*(?:additional\s+)?(?:reporting|writing|editing|compiled)\s+by\s+[^()]{2,300}\)?\W*$"),
]
_CREDIT_RUN_IN = re.compile(r"(?<=[.!?\"”])[ \t]+(?=\((?:Additional )?(?:[Rr]eporting|Writing|Editing) by )")
_AUTHOR_BOX = _by_anchor(_AUTHOR_BOX_RULES)
# the writer's and editor's initials closing a wire-fed story, with its agencies ("jm/dm (AFP, dpa)", "erb/ots")
_EDITOR_INITIALS = re.compile(r"^[a-z]{2,4}(?:/[a-z]{2,4})+(?:\s*\([A-Za-z ,./&-]{2,60}\))?$")
AUTHOR_BOX_MAX_WORDS = 120

# ------------------------------------------------------------------ transcripts

_SPEAKER_TAG = re.compile(r"^(?P<tag>[A-Z][A-Z.'’ -]{1,40}?(?:, [A-Z][A-Z ]{1,30})?)\s*:\s+\S")
_BROADCAST_ROLE = re.compile(r",\s*(BYLINE|HOST|ANCHOR|CORRESPONDENT|REPORTER)\s*:", re.I)
_STAGE = re.compile(
    r"^[(\[]\s*(SOUNDBITE|BEGIN|END|CROSSTALK|LAUGHTER|APPLAUSE|MUSIC|COMMERCIAL|BREAK|VIDEO|AUDIO|"
    r"ARCHIVED|NATS?|OFF-?CAMERA|INAUDIBLE|UNINTELLIGIBLE)\b[^)\]]*[)\]]\s*$"
)
_SIGN_OFF = re.compile(
    r"\b(thanks|thank you)( (so|very) much| a lot)?[.!]?\s*$|\bthis is [A-Z][\w ]{1,40}(news|radio)\b|"
    r"\b(you're|you are) (listening to|watching)\b|\bstay with us\b|\bafter (the|this) break\b",
    re.I,
)
_OUTLET_POSSESSIVE = re.compile(r"^[A-Z]{2,6}(’|')s [A-Z][\w.-]+(?: [A-Z][\w.-]+){0,3}\b")  # "NPR's Lucian Kim"


def _speaker_tag(line: str) -> str | None:
    m = _SPEAKER_TAG.match(line)
    if not m:
        return None
    tag = m.group("tag").strip()
    letters = [c for c in tag if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return None
    if tag.startswith("DEAR "):  # advice-column letters ("DEAR ABBY:"), not speakers
        return None
    return tag


def _label(line: str) -> str | None:
    m = _LABEL_LINE.match(line)
    if not m or len(m.group("label")) < 3:  # "Q:" / "A:" interviews are content
        return None
    return m.group("label").lower()


# ------------------------------------------------------------------ block splitting


_HIGHLIGHTS = re.compile(r"^story highlights\b", re.IGNORECASE)
# a video player's playlist printed as one line, each title with its length after a bar ("SpaceX 1st: Recycled
# rocket, recycled capsule | 2:30 SpaceX has racked up ... Elon Musk is building a 'big freaking rocket' | 0:53 ...")
_VIDEO_DURATION = re.compile(r"\|\s*\d{1,2}:\d\d\b")
# a box of other stories' headlines ("MOST READ IN NEWS SIN CITY How Thai vice haven ... PORN DEATHS ...")
_MOST_READ_BOX = re.compile(r"^(?:MOST READ IN|Most Read In) ")


def _split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]


class _Context:
    """Article-level signals: labels shared by adjacent lines (link lists come in runs) and speaker tags."""

    def __init__(self, lines: list[str]):
        self.tags = Counter()
        labels = [_label(ln) for ln in lines]
        self.label_run = set()  # lines whose neighbour carries the same label
        for i, lab in enumerate(labels):
            if lab and ((i > 0 and labels[i - 1] == lab) or (i + 1 < len(labels) and labels[i + 1] == lab)):
                self.label_run.add(lines[i])
        for ln in lines:
            tag = _speaker_tag(ln)
            if tag:
                self.tags[tag] += 1
        self.transcript_like = sum(self.tags.values()) >= 2
        # CNN's "Story highlights" box: its label (alone or run into the first bullet) and the bare bullet lines
        # after it, up to the first line ending like a sentence (the body, which restates them)
        self.highlights: set[str] = set()
        in_box = False
        for ln in lines:
            in_box = bool(_HIGHLIGHTS.match(ln)) or (in_box and _headline_like(ln))
            if in_box:
                self.highlights.add(ln)
        self.gallery, self.gallery_kept = _gallery_lines(lines)


# A slideshow printed into the body: a run of >= 3 lines that open with the same >= 4 words and go on with a
# capitalised word -- the gallery's title before each slide's own ("Port of Duisburg turns 300 The olden days ...",
# "Photos: Shocking celebrity splits Actress-singer ..."); the same shape catches runs of wire photo captions ("FILE -
# In this Nov. 25, 2009 file photo, ...") and share buttons ("Click to share on Twitter"). Prose seldom opens three
# lines in a row with the same four words and a capital after them; a bulleted list ("- Harry Potter and the ...")
# is content, so the run must open with a letter. A page that is only a gallery (a scrape that kept the slides and
# not the story, under 30 words beside it) keeps its first slide, the one the page is about ("Photos: Shocking
# celebrity splits In February comic Sarah Silverman tweeted ..." before 58 older splits).
GALLERY_MIN_LINES, GALLERY_MIN_WORDS, GALLERY_MIN_REST_WORDS, GALLERY_CAPITALISED_SHARE = 3, 4, 30, 0.75
_GALLERY_OPENING = re.compile(r"^[^\W\d_]")
_SENTENCE_END = re.compile(r"[.!?:;]$")


# A scrape that runs a slideshow into one line ("Photos: The rise and fall of O.J. Simpson As a running back, ...
# Hide Caption 2 of 23 Photos: The rise and fall of O.J. Simpson ..."): each slide goes on a line of its own, so the
# slides read as the gallery they are.
_SLIDE_RUN_IN = re.compile(r"(\bCaption \d{1,3} of \d{1,3})[ \t]+")


def _capitalised(word: str) -> bool:
    word = word.lstrip("\"“‘'(")
    return bool(word) and (word[0].isupper() or word[0].isdigit())


def _gallery_lines(lines: list[str]) -> tuple[set[str], set[str]]:
    """(the lines of slideshow runs, the one slide kept of a page that is only a slideshow)."""
    words = [ln.split() for ln in lines]
    out: set[str] = set()
    first: str | None = None
    i = 0
    while i < len(lines):
        prefix, j = words[i], i + 1
        while j < len(lines):  # grow the run while the shared opening keeps >= GALLERY_MIN_WORDS words
            k = 0
            while k < min(len(prefix), len(words[j])) and prefix[k] == words[j][k]:
                k += 1
            if k < GALLERY_MIN_WORDS:
                break
            prefix, j = prefix[:k], j + 1
        if j - i >= GALLERY_MIN_LINES and _GALLERY_OPENING.match(prefix[0]) and not _SENTENCE_END.search(prefix[-1]) \
                and sum(len(words[m]) > len(prefix) and _capitalised(words[m][len(prefix)]) for m in range(i, j)) \
                >= GALLERY_CAPITALISED_SHARE * (j - i):  # a slide may open in lower case (a caption cut short)
            out.update(lines[i:j])
            first = first or lines[i]
        i = j if j - i >= GALLERY_MIN_LINES else i + 1
    rest = sum(len(w) for ln, w in zip(lines, words) if ln not in out)
    if rest >= GALLERY_MIN_REST_WORDS or first is None:
        return out, set()
    return out - {first}, {first}


_ANCHORS = _AnchorFinder(anchor for index in (_NOTICE, _LONG_NOTICE, _AUTHOR_BOX, _PROMO) for anchor in index)
_RULES_MAX_WORDS = max(NOTICE_MAX_WORDS, LONG_NOTICE_MAX_WORDS, AUTHOR_BOX_MAX_WORDS, PROMO_MAX_WORDS)
# A line too long for the notice and promo rules is tested against the long-notice and author-box rules only: their
# few anchors make a trie regex ~3x faster than all ~200 (about half of the characters searched are such lines). It
# finds exactly those of its anchors that _ANCHORS finds, the only ones looked up for such a line.
_SHORT_RULES_MAX_WORDS = max(NOTICE_MAX_WORDS, PROMO_MAX_WORDS)
_LONG_LINE_ANCHORS = _AnchorFinder(anchor for index in (_LONG_NOTICE, _AUTHOR_BOX) for anchor in index)


def classify_line(line: str, ctx: _Context | None = None, *, in_run_of_short: bool = False) -> str | None:
    """Reason code when the line/block is junk, else None."""
    s = normalize_ws(line)
    if not s:
        return None
    return _classify(s, ctx or _Context([s]), in_run_of_short)


def _classify(s: str, ctx: _Context, in_run_of_short: bool) -> str | None:
    """`classify_line` of a non-empty, whitespace-normalised line."""
    words = s.split()
    if s in ctx.highlights:
        return "promo"
    if s in ctx.gallery:
        return "gallery"
    if s in ctx.gallery_kept:
        return None  # the slide the page is about, whatever furniture it carries ("Hide Caption 1 of 59")

    # transcript framing
    if _STAGE.match(s):
        return "transcript"
    tag = _speaker_tag(s)
    if tag and (ctx.tags[tag] >= 2 or ctx.transcript_like or _BROADCAST_ROLE.search(s)):
        return "transcript"
    spoken = s.split(":", 1)[1].strip() if tag else s
    if (tag or ctx.transcript_like) and len(words) <= 20 and _OUTLET_POSSESSIVE.search(spoken) \
            and _SIGN_OFF.search(spoken):
        return "transcript"  # a radio sign-off ("NPR's Lucian Kim in Sochi, thanks a lot"), even on its own

    # link lists
    if _URL_ONLY.match(s):
        return "link_list"
    m = _LABEL_LINE.match(s)
    if m:  # a link label in capitals ("SEE MORE: ...", "READ MORE: ...") looks like a speaker's tag, and is none
        label, rest = m.group("label"), m.group("rest")
        if _headline_like(rest) and (_LINK_LABELS.match(label) or not tag and (s in ctx.label_run or _ARROW.match(s))):
            return "link_list"
    if in_run_of_short and _headline_like(s) and len(words) <= 14:
        return "link_list"
    alone = _LINK_LABEL_ALONE.match(s) if len(words) <= 5 else None
    if alone and _LINK_LABELS.match(alone.group("label")):
        return "link_list"
    if alone and _BOX_LABELS.match(alone.group("label")):
        return "promo"
    if _MOST_READ_BOX.match(s):  # whatever its length: the box's headlines run on in one line (the Sun)
        return "promo"
    if len(_VIDEO_DURATION.findall(s)) >= 3:  # a video playlist run into one line, whatever its length
        return "promo"
    if _EDITOR_INITIALS.match(s):
        return "author_box"

    # notices, then promos (a log-in wall is both; it is a notice)
    if len(words) > _RULES_MAX_WORDS:
        return None
    present = _ANCHORS(s) if len(words) <= _SHORT_RULES_MAX_WORDS else _LONG_LINE_ANCHORS(s)
    if len(words) <= NOTICE_MAX_WORDS and _matches(_NOTICE, s, present):
        return "notice"
    if len(words) <= LONG_NOTICE_MAX_WORDS and _matches(_LONG_NOTICE, s, present):
        return "notice"
    if len(words) <= LONG_NOTICE_MAX_WORDS and _PIPED_CREDIT.search(s):
        return "promo"  # a caption of two or three sentences with its credit after a bar (the credit rule's reason)
    if len(words) <= AUTHOR_BOX_MAX_WORDS and _matches(_AUTHOR_BOX, s, present):
        return "author_box"
    if len(words) <= PROMO_MAX_WORDS and _matches(_PROMO, s, present):
        return "promo"
    return None


def _headlines_by_junk(pairs: list[tuple[str, str]], reasons: list[str | None]) -> None:
    """Two or more bare headlines in a row right beside a junk line of their paragraph are its box of other stories
    (the Washington Post's headlines above "Today's coverage from Post correspondents around the world"): marked
    `link_list` in `reasons`, in place. Prose lines end like sentences; a lone bare line (a subhead) stays."""
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and not reasons[j] and _headline_like(pairs[j][1]) and len(pairs[j][1].split()) <= 20:
            j += 1
        if j - i >= 2 and ((i > 0 and reasons[i - 1]) or (j < len(pairs) and reasons[j])):
            reasons[i:j] = ["link_list"] * (j - i)
        i = max(j, i + 1)


def _segment(text: str) -> list[tuple[str, str | None]]:
    """Body -> [(block text, reason or None)]. Paragraphs stay whole unless some of their lines are junk."""
    paragraphs = _split_paragraphs(_SLIDE_RUN_IN.sub("\\1\n", _CREDIT_RUN_IN.sub("\n", text)))
    # every paragraph's lines, stripped, with their normalised text: computed once for the context and each test
    para_lines = [[(ln, normalize_ws(ln)) for ln in map(str.strip, p.split("\n")) if ln] for p in paragraphs]
    ctx = _Context([norm for lines in para_lines for _, norm in lines])
    out: list[tuple[str, str | None]] = []
    for para, pairs in zip(paragraphs, para_lines):
        lines = [ln for ln, _ in pairs]
        # a paragraph that is a list of >= 3 bare headlines (the test skipped for shorter ones: most are one line)
        run = len(lines) >= 3 and all(_headline_like(norm) and len(ln.split()) <= 14 for ln, norm in pairs)
        reasons = [_classify(norm, ctx, run) for _, norm in pairs]
        if len(lines) > 2 and any(reasons):
            _headlines_by_junk(pairs, reasons)
        if len(lines) == 1 or not any(reasons):
            whole = classify_line(para, ctx) if len(lines) > 1 else reasons[0]
            if whole or len(lines) == 1:
                out.append((para, whole))
            else:
                out += [(block, None) for block in _kept_blocks(lines)]
            continue
        # split: consecutive kept lines stay together as one block
        buf: list[str] = []
        for ln, reason in zip(lines, reasons):
            if reason:
                out += [(block, None) for block in _kept_blocks(buf)]
                buf = []
                out.append((ln, reason))
            else:
                buf.append(ln)
        out += [(block, None) for block in _kept_blocks(buf)]
    return out


_SUBHEAD = re.compile(r"^[\"“]?[A-Z0-9][^.!?:;,\"”]{0,60}$")
_STARTS_UPPER = re.compile(r"^[\"“‘'(]?[A-Z0-9]")


def _kept_blocks(lines: list[str]) -> list[str]:
    """Kept lines as blocks: together, except that a subhead ("Softened tone" over "Euan Graham, director of ...
    told CNN ...") is a block of its own, so no sentence splitter runs it into the sentence under it."""
    blocks: list[list[str]] = []
    buf: list[str] = []
    for i, ln in enumerate(lines):
        if i + 1 < len(lines) and len(ln.split()) <= 8 and _SUBHEAD.match(ln) \
                and (i == 0 or re.search(r"[.!?\"”’)]$", lines[i - 1])) and _STARTS_UPPER.match(lines[i + 1]):
            if buf:
                blocks.append(buf)
                buf = []
            blocks.append([ln])
        else:
            buf.append(ln)
    if buf:
        blocks.append(buf)
    return ["\n".join(b) for b in blocks]


def _rebuild(article: Article) -> Article:
    article.text = "\n\n".join(b.text for b in article.blocks if b.kept)
    if article.title_derived:  # an untitled input's stand-in title: the first line of what is left, not of the junk
        from .ingest.common import derive_title  # ingest.common imports this module

        article.title = derive_title(article.text)
    article.hash = content_hash(article.title, article.text)
    return article


def is_search_page(url: str | None) -> bool:
    """A site's search results ("https://www.npr.org/templates/search/index.php?searchinput=..."), by a path segment
    "search"/"searches" (an article's slug holding the word, "/search-for-the-missing-plane", is no match)."""
    if not url:
        return False
    try:
        path = urlsplit(url).path
    except ValueError:  # a malformed URL in the input ("http://[bad/...") is no search page, and no reason to stop
        return False
    segments = path.lower().split("/")
    return any(seg in ("search", "searches") or seg.startswith("search.") for seg in segments)


def clean_article(article: Article) -> Article:
    """Split the body into blocks, mark junk blocks (kept=False, reason), rebuild `text` from the kept blocks and
    set `hash`. Idempotent: blocks already removed (e.g. as template) stay removed."""
    if article.blocks:
        source_text = "\n\n".join(b.text for b in article.blocks)
        previously_removed = {normalize_ws(b.text): b.reason for b in article.blocks if not b.kept}
    else:
        source_text = article.text or ""
        previously_removed = {}
    blocks = []
    search_page = is_search_page(article.url)
    for text, reason in _segment(source_text):
        if reason is None and previously_removed:
            reason = previously_removed.get(normalize_ws(text))
        if reason is None and search_page:
            reason = "notice"
        blocks.append(Block(text=text, kept=reason is None, reason=reason))
    article.blocks = blocks
    return _rebuild(article)


def remove_templates(articles: Iterable[Article], *, min_articles: int = 3, min_share: float = 0.3) -> None:
    """Mark blocks repeated across many articles of the same outlet as `template` (in place).

    A block counts as template when its normalised text occurs in at least `min_articles` distinct articles of
    one outlet and in at least `min_share` of that outlet's articles. Articles without blocks are cleaned first.
    """
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if not a.blocks:
            clean_article(a)
        if a.outlet:
            by_outlet[a.outlet].append(a)
    for outlet_articles in by_outlet.values():
        if len(outlet_articles) < min_articles:
            continue
        # each kept block's key computed once: the count and the marking pass both need it
        keys = [[(b, normalize_ws(b.text).lower()) for b in a.blocks if b.kept] for a in outlet_articles]
        seen: Counter[str] = Counter()
        for article_keys in keys:
            seen.update({key for _, key in article_keys})
        need = max(min_articles, min_share * len(outlet_articles))
        repeated = {t for t, n in seen.items() if n >= need}
        if not repeated:
            continue
        for a, article_keys in zip(outlet_articles, keys):
            changed = False
            for b, key in article_keys:
                if key in repeated:
                    b.kept, b.reason, changed = False, "template", True
            if changed:
                _rebuild(a)


def explain(article: Article, *, width: int = 100) -> str:
    """Human-readable kept/dropped listing of an article's blocks (for `--explain`)."""
    if not article.blocks:
        clean_article(article)
    lines = [f"{article.id}  {article.title}"]
    for b in article.blocks:
        text = normalize_ws(b.text)
        if len(text) > width:
            text = text[: width - 1] + "…"
        mark = "  keep            " if b.kept else f"  DROP {b.reason:<11} "
        lines.append(f"{mark}{text}")
    kept = sum(b.kept for b in article.blocks)
    lines.append(f"  {kept} kept, {len(article.blocks) - kept} dropped")
    return "\n".join(lines)
