import re
from pathlib import Path

from unspun.clean import classify_line, clean_article, remove_templates
from unspun.ingest import iter_articles
from unspun.model import Article, content_hash, normalize_ws

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "seeds"


def _seed_articles():
    return [a for a in iter_articles([str(SEEDS)]) if isinstance(a, Article)]


def _is_seed_junk(line: str) -> bool:
    # what a human marks as junk in the seeds (used only to check the cleaner, not by it)
    return line.startswith(("More news:", "SHAPIRO:")) or "than ever before" in line


def test_seed_junk_removed_with_reasons():
    arts = [clean_article(a) for a in _seed_articles()]
    assert len(arts) == 2
    removed = {b.text: b.reason for a in arts for b in a.removed}
    link_lines = [t for t in removed if t.startswith("More news:")]
    assert len(link_lines) == 6 and all(removed[t] == "link_list" for t in link_lines)
    assert removed["As you can imagine, more people are reading The Jerusalem Post than ever before."] == "promo"
    assert removed["SHAPIRO: NPR's Lucian Kim in Sochi, Russia, thanks a lot."] == "transcript"
    assert removed["SHAPIRO: So did they note any progress on any of these issues?"] == "transcript"
    for a in arts:
        assert "More news" not in a.text and "SHAPIRO" not in a.text and "than ever before" not in a.text
        assert a.hash == content_hash(a.title, a.text)
        assert "\n\n" in a.text


def test_no_real_seed_sentence_dropped():
    for raw in _seed_articles():
        original_lines = [ln.strip() for ln in raw.text.split("\n") if ln.strip()]
        cleaned = clean_article(Article(**{**raw.__dict__, "blocks": []}))
        kept = normalize_ws(cleaned.text)
        for line in original_lines:
            if _is_seed_junk(line):
                continue
            assert normalize_ws(line) in kept, line
        # every removed block is one of the junk lines
        assert all(_is_seed_junk(b.text) for b in cleaned.removed)


def test_clean_is_idempotent():
    a = clean_article(_seed_articles()[1])
    text, removed = a.text, [(b.text, b.reason) for b in a.removed]
    clean_article(a)
    assert a.text == text and [(b.text, b.reason) for b in a.removed] == removed


def test_general_signals_not_seed_strings():
    body = "\n\n".join([
        "The council approved the budget on Tuesday after a long debate.",
        "Read more: Council Faces Angry Residents Over Parking Fees\nRead more: Mayor Unveils Plan For New Library",
        "Sign up for our daily newsletter to get the latest news in your inbox.",
        "Photo: Jane Doe / City Press",
        "Follow us on Twitter and Facebook for updates.",
        "We use cookies to improve your experience. Accept all cookies.",
        "INSKEEP: Our correspondent joins us from the city hall.",
        "JONES: Thanks, Steve. The vote was close.",
        "(SOUNDBITE OF MUSIC)",
        "Officials said the new rules take effect next month.",
    ])
    a = clean_article(Article(id="t", title="Budget", text=body, source="t"))
    reasons = [b.reason for b in a.removed]
    assert reasons == ["link_list", "link_list", "promo", "promo", "promo", "promo", "transcript", "transcript",
                       "transcript"]
    assert a.text.split("\n\n") == ["The council approved the budget on Tuesday after a long debate.",
                                    "Officials said the new rules take effect next month."]


def test_prose_lookalikes_survive():
    keep = [
        "WASHINGTON: The president said on Monday that talks would continue.",  # dateline, used once
        "Note: the figures were revised after publication by the ministry.",
        "The company said subscriptions to its streaming service rose 12% in the quarter, driven by a new "
        "bundle with mobile carriers and lower prices in India and Brazil, while advertising revenue fell as "
        "marketers cut budgets.",
        "Ushakov said the deal was in full swing.",
    ]
    a = clean_article(Article(id="k", title="t", text="\n\n".join(keep), source="k"))
    assert not a.removed
    assert a.text == "\n\n".join(keep)


def test_classify_line_single():
    assert classify_line("Related: Stocks Slide As Oil Jumps") == "link_list"
    assert classify_line("https://example.com/news/123") == "link_list"
    assert classify_line("Advertisement") == "promo"
    assert classify_line("The minister said the cuts were necessary.") is None


def test_remove_templates_learns_outlet_boilerplate():
    arts = []
    for i in range(5):
        body = f"Story number {i} reports on event {i} in detail with several facts.\n\n" \
               "The Daily Example is an independent voice of the valley since 1901."
        arts.append(Article(id=str(i), title=f"T{i}", text=body, source=str(i), outlet="example.com"))
    other = Article(id="o", title="O", text="The Daily Example is an independent voice of the valley since 1901.\n\n"
                    "Other outlet body text here.", source="o", outlet="other.org")
    remove_templates(arts + [other])
    for a in arts:
        assert [b.reason for b in a.removed] == ["template"]
        assert "independent voice" not in a.text
        assert re.match(r"Story number \d", a.text)
    assert not other.removed  # only learned within one outlet
    clean_article(arts[0])  # re-cleaning keeps the template removal
    assert [b.reason for b in arts[0].removed] == ["template"]


def test_an_untitled_article_s_stand_in_title_comes_from_what_cleaning_keeps():
    from unspun.ingest.common import make_article

    arts = [make_article(title="", text="The Daily Example: the valley's voice since 1901\n\n"
                         f"Council approves harbour budget number {i} after a long debate on Monday.\n\nMore here.",
                         source=str(i), article_id=str(i), outlet="example.com") for i in range(4)]
    assert arts[0].title_derived and arts[0].title.startswith("The Daily Example")  # read before cleaning
    remove_templates(arts)
    for i, a in enumerate(arts):
        assert a.title == f"Council approves harbour budget number {i} after a long debate on Monday."
        assert a.hash == content_hash(a.title, a.text)
    titled = Article(id="t", title="Harbour budget", text="Budget approved on Monday by the council.", source="t")
    assert clean_article(titled).title == "Harbour budget"  # a real title is never replaced


def test_explain_lists_kept_and_dropped():
    from unspun.clean import explain

    a = _seed_articles()[1]
    out = explain(a)
    assert out.splitlines()[0].startswith(a.id)
    assert "DROP promo" in out and "DROP transcript" in out and "DROP link_list" in out
    assert "keep" in out and out.splitlines()[-1].endswith("6 dropped")


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(list("ab CD:.!?\n\u00e9|") + ["More news: ", "SHAPIRO: ", "Subscribe now", "\n\n"]),
                max_size=120).map("".join))
def test_clean_never_raises_and_partitions_text(body):
    a = clean_article(Article(id="f", title="t", text=body, source="f"))
    assert a.hash == content_hash(a.title, a.text)
    assert all(b.kept == (b.reason is None) for b in a.blocks)
    # nothing invented, nothing lost: blocks cover exactly the non-blank lines of the input
    assert sorted(ln.strip() for b in a.blocks for ln in b.text.split("\n")) == \
        sorted(ln.strip() for ln in body.split("\n") if ln.strip())


def test_single_sign_off_line_is_transcript():
    body = ("The talks ended without agreement on Tuesday, officials said.\n\n"
            "INSKEEP: NPR's Jane Roe in Geneva, thank you very much.")
    a = clean_article(Article(id="s", title="t", text=body, source="s"))
    assert [(b.reason, b.text[:8]) for b in a.removed] == [("transcript", "INSKEEP:")]
    # a dateline used once is not a speaker
    b = clean_article(Article(id="d", title="t", text="GENEVA: The talks ended on Tuesday.", source="d"))
    assert not b.removed


NOTICES = [
    "We're sorry, but this page is not available. Try typing the web address again.",
    "Page not found",
    "You must log in to continue.",
    "We've detected that JavaScript is disabled in your browser. Would you like to proceed?",
    "Please verify you are a human before you continue.",
    "The IP address for this domain may have changed recently. Check your DNS settings.",
    "You can add location information to your Tweets, such as your city or precise location.",
    "Starting in 1996, Alexa Internet has been donating their crawl data to the Internet Archive.",
    "The interactive transcript could not be loaded.",
    "This feature is not available right now. Please try again later.",
]
REPORTING_ABOUT_NOTICES = [
    "The ministry said the page was removed after complaints from lawmakers.",
    "Visitors who tried to reach the site on Tuesday saw an error message instead of the results.",
    "The Internet Archive said its crawlers had saved more than 600 billion pages since 1996.",
    "Twitter said it would let users add a location to their posts from next month.",
    "The video platform said playback features were not available in some countries.",
]


def test_a_note_about_the_page_itself_is_furniture():
    for line in ("(This story has been updated with comments from the plaintiff's attorney.)",
                 "This article was corrected on May 3 to fix the spelling of a name."):
        assert classify_line(line) == "promo", line
    assert classify_line("The story was updated by the network after viewers complained.") is None  # reporting


def test_pages_that_are_not_articles_are_notices():
    for line in NOTICES:
        assert classify_line(line) == "notice", line
    for line in REPORTING_ABOUT_NOTICES:
        assert classify_line(line) is None, line


def test_a_notice_page_is_reported_not_made_a_story(tmp_path, football_text):
    from unspun.pipeline import Options, run

    (tmp_path / "wall.txt").write_text("Notice\n\nYou must log in to continue.\n", encoding="utf-8")
    (tmp_path / "gone.txt").write_text("Error\n\nWe're sorry, but this page is not available. Try typing the web "
                                       "address again, or use our search feature.\n", encoding="utf-8")
    (tmp_path / "short.txt").write_text("Budget vote\n\nThe council approved it.\n", encoding="utf-8")
    (tmp_path / "match.txt").write_text(football_text, encoding="utf-8")
    res = run([str(tmp_path)], options=Options(progress="quiet"))
    problems = {Path(p.source).name: p for p in res.problems}
    assert set(problems) == {"wall.txt", "gone.txt"}
    assert all(p.reason == "empty_body" and "notice" in p.detail for p in problems.values())
    assert sorted(Path(a["source"]).name for a in res.result["articles"]) == ["match.txt", "short.txt"]


# the junk of European news sites in their own languages, one per rule, and prose that shares their words
OTHER_LANGUAGE_JUNK = [
    ("Lesen Sie auch: Regierung plant neue Steuer auf Zucker", "link_list"),
    ("VEA TAMBIÉN: El Congreso aprueba la reforma electoral", "link_list"),
    ("Schon gelesen?", "link_list"),
    ("Den Originalartikel gibt es auf Valley Times Australia.", "promo"),
    ("Und ihr könnt Valley Times Australia auf Twitter folgen.", "promo"),
    ("[czytaj więcej]", "link_list"),
    ("Beitragsbild: Demonstranten vor dem Rathaus, Archiv.", "promo"),
    ("Crédits photos : Agence Photo", "promo"),
    ("Die Siegerin im Ziel. © AFP / JANE DOE", "promo"),
    ("Quelle: Landesregierung", "promo"),
    ("Zum Newsletter anmelden", "promo"),
    ("Weekly Gaming Newsletter", "promo"),
    ("Never miss the latest news by signing up to our newsletter today!", "promo"),
    ("For breaking news download the Valley Times apps for iOS and Android.", "promo"),
    ("We may receive compensation if you visit partners we recommend.", "promo"),
    ("*Werbung. Dieser Beitrag enthält Werbung für eine Modemarke.", "promo"),
    ("Hazte miembro y apoya el periodismo local", "promo"),
    ("To view the full story, please subscribe to The Daily Times.", "promo"),
    ("Teilen mit:", "promo"),
    ("Wird geladen …", "promo"),
    ("Keine Kommentare (Kommentare erscheinen erst nach unserer Freigabe)", "promo"),
    ("Verraten Sie gerne in den Kommentaren: Was bedeutet der Preis für Sie?", "promo"),
    ("(Alle Angaben ohne Gewähr)", "promo"),
    ("Weitere Informationen:", "promo"),
    ("Sie sind aktuell nicht eingeloggt.", "notice"),
]
OTHER_LANGUAGE_PROSE = [
    "Werbung für Tabak ist in Deutschland seit Jahren weitgehend verboten.",
    "Die Polizei bat Zeugen, den Hinweisen auf Twitter zu folgen.",
    "Der Originalartikel des Gesetzes wurde 1990 geändert.",
    "Quelle der Unruhe war ein Streit um die Wasserrechte im Tal.",
    "Source: a senior official who asked not to be named, speaking after the meeting.",
    "No comments from the ministry were available on Tuesday.",
    "Loading the trucks took the volunteers most of the night.",
    "Der Newsletter des Ministeriums erschien am Montag mit einer Warnung vor Betrügern.",
    "Um Beiträge einzureichen, müssen Sie registriert und eingeloggt sein.",
    "Lesen Sie auch die Stellungnahme der Opposition, sagte der Sprecher.",
]


def test_a_teaser_kept_in_place_of_the_story_leaves_no_article():
    # a news scrape (dailyprogress.com) whose text was the site's promo box instead of the story
    teaser = ("Celebrating 125 years of Progress! Look back at the history of Charlottesville each day in 2017. "
              "Click to read today's story.")
    a = clean_article(Article(id="p", title="NYC subway work trains collide", text=teaser, source="p"))
    assert a.text == "" and [b.reason for b in a.removed] == ["promo"]
    assert classify_line("Readers who click to read a story stay longer, the study found, and that matters "
                         "to publishers whose advertising is sold by the hour rather than by the page view, "
                         "according to the authors of the report, who surveyed forty newsrooms.") is None


def test_junk_in_other_languages_removed_and_lookalike_prose_kept():
    for line, reason in OTHER_LANGUAGE_JUNK:
        assert classify_line(line) == reason, line
    for line in OTHER_LANGUAGE_PROSE:
        assert classify_line(line) is None, line


OUTLET_FURNITURE = [
    "Email: jo@valley.example; Follow Valley Times Tech Columnist @joroe on Twitter",
    "Follow Valley Times reporter Sam Poe on Twitter: @sampoe.",
    "Read or Share this story: https://vt.example/2FDg8kl",
    "VT News Email Enter your email address Please enter an email address Email address is invalid",
    "3/34 28 November 2017 Crowds watch the lighting of the Christmas tree in Riverton's market square PA",
    "Advertisement Continue reading the main story",
    "Interested in Donald Trump? Add Donald Trump as an interest to stay up to date on the latest Donald Trump news, "
    "video, and analysis from ABC News. Add Interest",
    "Breaking News Emails Get breaking news alerts and special reports. The news and stories that matter, delivered "
    "weekday mornings.",
    "Rating is available when the video has been rented.",
    "___ Information from: Erie Times-News, http://www.goerie.com",
    "We'd like to hear from you. Send us a secure tip using the instructions at our tips page.",
    "Media playback is unsupported on your device Media caption The mayor speaks to reporters",
    "JUST WATCHED Flood waters rise in the valley Replay More Videos ... MUST WATCH Flood waters rise 01:20",
    "Photos: The flood Photos: The flood A family waits on a roof in the valley. Hide Caption 5 of 12",
    "Story highlights",
    "CLOSE",
    "High 58F. Winds ENE at 10 to 15 mph.",
    "Image copyright Valley Times Image caption Crowds gathered by the river on Friday",
    "Image caption The mayor at the flooded bridge",
    "Photo by Jane Roe/Valley Times",
    "Photo",
    "Screenshot by Sam Poe/Valley Times",
    "(credit: Valley Times)",
    "Play Facebook",
    "Enlarge icon Pinterest icon Facebook icon Close icon",
    "Published on Feb 23, 2016",
    "Enlarge this image toggle caption Jo Lane/AP Jo Lane/AP",
    "Find out what's happening in the world as it unfolds.",
    "The content (including but not limited to text, photo, multimedia information, etc) published in this site "
    "belongs to Valley Daily Information Co (VDIC).",
    "MOST READ IN NEWS 'BRIDGE SHUT' Valley bridge closes for a week FLOOD FEARS River rises again",
]
FURNITURE_LOOKALIKES = [
    "Thousands follow the mayor on Twitter, where she posts the council's votes.",
    "Supporters who follow @riverton_mayor were told to gather at the bridge, police said.",
    "Follow-up inspections of the bridge found no new cracks, the engineers said.",
    "Residents were told to enter your email address on the council's site to get flood alerts, the mayor said "
    "on Monday, adding that the alerts would be free.",
    "3 November 2017 was the day the bridge reopened, 9/11 survivors said.",
    "Readers who want to share this story with the council can send it to the clerk, the paper said.",
    "The paper said it would continue reading the main story of the day on air.",
    "Officials said the film's rating is available on the board's website.",
    "Breaking news from the capital kept the station on air all night, its director said.",
    "Winds reached 80 mph, and the high tide closed the bridge, officials said.",
    "Close to 300 people watched the vote from the gallery.",
    "Image copyright law was the subject of the hearing, the senator said.",
    "Photo by photo, the exhibition traces the flood from the first rain to the rebuilt bridge.",
    "Published on Friday, the report found the bridge had not been inspected since 2009.",
    "Players on Facebook said the icon of the club had retired.",
    "Most read in the valley was the story of the bridge, the editor said.",
    "Enlarge the bridge, the council said, and traffic will follow.",
    "Find out what happened in the valley as the flood unfolds, the mayor told residents.",
    "The land published in this survey belongs to the county, the clerk said.",
]


def test_outlet_furniture_removed_and_lookalike_prose_kept():
    for line in OUTLET_FURNITURE:
        assert classify_line(line) == "promo", line
    for line in FURNITURE_LOOKALIKES:
        assert classify_line(line) is None, line


# author boxes, sign-up form leftovers and error pages that scrapes keep in the body (written for the test)
BIOS_AND_FORMS = [
    ("Jane Roe is a national political reporter for The Valley Times, covering Congress. Follow her on Twitter at "
     "@janeroe", "author_box"),
    ("— Sam Poe is the paper's science writer and columnist. Reach him at 555-0100 or sam@valley.example.",
     "author_box"),
    ("Read more from Jane Roe’s archive, follow her on Twitter or subscribe to her updates on Facebook.", "promo"),
    ("About The Author Jane Roe is a science writer living in Riverton.", "author_box"),
    ("To reach Sam Poe, call 555-0100 or send email to sam@valley.example.", "author_box"),
    ("Valley Times journalist Jo Lane reported this story in Riverton and VT writer Sam Poe reported from the capital.",
     "author_box"),
    ("Jane Roe in London and Sam Poe in Riverton contributed to this report.", "author_box"),
    ("Staff writer Jo Lane contributed reporting.", "author_box"),
    ("Get daily updates directly to your inbox + Subscribe Thank you for subscribing! Could not subscribe, try "
     "again later Invalid Email", "promo"),
    ("Morning Briefing Sign Up Verify you are not a robot by clicking the box below. That address looks wrong, enter "
     "it again. You must select a newsletter before you sign up. Sign Up You will get the briefing and occasional "
     "offers from The Valley Times; unsubscribe at any time. Thank you for subscribing. Something went wrong, try "
     "once more. See every Valley Times newsletter.", "notice"),
    ("CLOSE Flood waters rose past the second floor of the county hospital on Friday. Valley Times", "promo"),
    ("This site can’t be reached", "notice"),
    ("valley.example refused to connect.", "notice"),
    ("ERR_NAME_NOT_RESOLVED", "notice"),
    ("Not Found", "notice"),
    ("The requested URL /news/2017/flood.html was not found on this server.", "notice"),
    ("Apache/2.4.18 (Ubuntu) Server at valley.example Port 80", "notice"),
    ("Your browser could not open valley.example because its address may have moved. Check your DNS settings and "
     "make sure the name points to the right server before you try again. New records can take up to a day to "
     "spread to every resolver on the network. Access may come back sooner after clearing your DNS cache with the "
     "steps below.", "notice"),
]
BIO_AND_ERROR_LOOKALIKES = [
    "Jane Roe, a columnist for the Valley Times, said readers should follow him on the issue.",
    "The senator is a former reporter who told supporters to follow her on Twitter for updates.",
    "Rescuers said the village could not be reached by road until Tuesday.",
    "The ship's log, which investigators said was not found on the vessel, is still missing.",
    "Investigators said the requested documents were not found in the archive.",
    "Subscribers said the server at the bank's data center refused to connect for hours on Monday.",
    "Close to the river, the county hospital moved its patients to the second floor on Friday.",
    "About the author of the letter, the police said little.",
    "To reach the village, rescuers had to cross the river on foot, officials said.",
    "The reporter Jane Roe reported the bribe to the police in 2015, the court heard.",
    "The reporter Jane Roe reported to the police that she had been threatened, the court heard.",
    "Donors contributed to the fund after the flood, the mayor said.",
]


def test_author_boxes_forms_and_error_pages_removed_and_lookalike_prose_kept():
    for line, reason in BIOS_AND_FORMS:
        assert classify_line(line) == reason, line
    for line in BIO_AND_ERROR_LOOKALIKES:
        assert classify_line(line) is None, line


def test_a_browser_error_page_leaves_no_article():
    page = "The IP address has changed.\n\n" + BIOS_AND_FORMS[-1][0]
    a = clean_article(Article(id="e", title="", text=page, source="e"))
    assert a.text == "" and {b.reason for b in a.removed} == {"notice"}


def test_lines_of_a_paragraph_are_judged_as_classify_line_judges_them():
    # a junk line inside a paragraph is split out with the reason classify_line gives it, whatever its spacing
    lines = ["The council   voted on Tuesday.", "  Advertisement ", "The vote was\tclose."]
    art = clean_article(Article(id="a", title="Vote", text="\n".join(lines), source="t"))
    assert [(b.text, b.reason) for b in art.blocks] == [
        ("The council   voted on Tuesday.", None), ("Advertisement", "promo"), ("The vote was\tclose.", None)]
    assert [classify_line(ln) for ln in lines] == [None, "promo", None]
    assert art.text == "The council   voted on Tuesday.\n\nThe vote was\tclose."


# furniture past the promo limit: a columnist's tagline and a network's bio box (written for the test, ~60 words)
LONG_AUTHOR_BOXES = [
    "Valley Times columnists Jane Roe and Sam Poe appear Sundays, Mondays and Wednesdays. Roe can be seen on the "
    "KVAL morning and evening news. She can also be heard on KVAL radio Monday through Friday at 7:50 a.m. and 5:50 "
    "p.m. Got a tip? Call (555) 010-0100, or email roeandpoe@valley.example. Twitter: @roeandpoe",
    "Jane Roe is a senior investigative correspondent for Valley News, based in the capital, where she covers courts, "
    "policing and the state legislature for the network's evening programs and its website. She previously worked "
    "as a producer and reporter for the Valley Times and for public radio stations in three states, and she has won "
    "two regional awards for her reporting on the state's prisons.",
]
AUTHOR_BOX_LOOKALIKES = [
    "Jane Roe is a correspondent for Valley News. She said on Tuesday that the network had pulled her report.",
    "The column, which appears on the opinion page, drew hundreds of letters, the editor said.",
    "Sam Poe, whose column appears weekly in 40 papers, said the cuts were the deepest he had seen.",
    "Sam Poe, a columnist for the Valley Times, said his column appears less often since the paper cut its pages, "
    "and that readers had noticed the change in the weeks after the owners announced the plan to the newsroom staff "
    "at a meeting on Monday.",
]


def test_long_author_boxes_removed_and_lookalike_prose_kept():
    for line in LONG_AUTHOR_BOXES:
        assert len(line.split()) > 45 and classify_line(line) == "author_box", line
    for line in AUTHOR_BOX_LOOKALIKES:
        assert classify_line(line) is None, line


def test_related_links_after_a_bullet_or_arrow_are_link_lists():
    for line in ["► Aug. 1: Could you accidentally leave your baby in a hot car?",
                 "▶ July 31: Parents arraigned in the death of their son",
                 "• Read more: Council approves the new budget"]:
        assert classify_line(line) == "link_list", line
    # a bullet before a label that is no link label: a list item of the story
    assert classify_line("• Budget: The council approved the plan on Tuesday") is None


# reporting that shares words with plea and credit rules (the false positives bench/clean_gold.py found in PolNeAR)
PLEA_AND_CREDIT_LOOKALIKES = [
    "The campaign's spending was supplemented by contributions from supporters, filings show.",
    "The minister welcomed the bloc's financial contribution to support refugees in the region.",
    "She used the app to get voters to sign up for updates from the campaign.",
    "The law requires those who register as lobbyists to disclose their emails and payments.",
    "According to a Reuters/Ipsos poll, the two candidates are tied nationally.",
    "The two candidates are tied nationally, according to a Reuters/Ipsos poll.",
]
PLEAS_AND_CREDITS = [
    "Please consider making a donation to support our journalism.",
    "Sign up for our newsletter to get the day's news in your inbox.",
    "Want more? Sign up by entering your email below.",
    "The mayor speaks at the rally on Tuesday. (REUTERS/Jane Doe)",
    "The mayor speaks at the rally in New York, December 10, 2014. REUTERS/Jane Doe/File Photo",
]


def test_plea_and_credit_rules_skip_reporting_that_shares_their_words():
    for line in PLEAS_AND_CREDITS:
        assert classify_line(line) == "promo", line
    for line in PLEA_AND_CREDIT_LOOKALIKES:
        assert classify_line(line) is None, line


# photo captions and credits that scrapes run into the body, and video and gallery widgets (written for the test)
CAPTIONS_AND_CREDITS = [
    "The mayor speaks at the flooded bridge in Riverton, Monday, May 7, 2012. The river rose two metres... "
    "(Associated Press)",
    "Jane Roe in an undated photo. (AP)",
    "Sam Poe died during training in Coronado, Calif., Friday. (U.S. Navy photo)",
    "Council members inspect the bridge on Tuesday. (Jo Lane/The Valley Times)",
    "This chart shows the river's level each spring since 2007. Credit: Valley Water Board",
    "Jane Roe at the premiere Where: Riverton When: 23 Sep 2016 Credit: VT/Valley.com",
    "The mayor at the reopened bridge on Monday. Credit...Jo Lane/The Valley Times",
    "Jo Lane / Valley Pictures / Getty",
    "Embed Bridge reopens after flood 0:32 autoplay autoplay Copy this code to your website or blog",
    "External links are provided for reference purposes. Valley News is not responsible for the content of external "
    "Internet sites.",
    "The Valley Times is not responsible for the content of external sites.",
]
CAPTION_LOOKALIKES = [
    "The flood was first reported by the Associated Press (AP).",
    "The council voted 7/2 to reopen the bridge (the mayor abstained).",
    "She took no credit for the rescue, the mayor said.",
    "The agency's credit: a rating the council cannot afford to lose, he said.",
    "Riverton / Valley Times (2016) is the title of the exhibition's catalogue.",
    "The player's autoplay setting was blamed for the data use, the report said.",
    "The company said it was not responsible for the content of external contractors' reports.",
]


def test_captions_and_credits_removed_and_lookalike_prose_kept():
    for line in CAPTIONS_AND_CREDITS:
        assert classify_line(line) == "promo", line
    for line in CAPTION_LOOKALIKES:
        assert classify_line(line) is None, line


def test_a_gallery_kept_with_its_captions_is_a_notice():
    captions = " ".join(f"The flooded bridge in Riverton, seen from the east bank on day {i}." for i in range(5))
    for gallery in (f"1 of 25 Full Screen Autoplay Close Skip Ad × Flood in the valley View Photos {captions}",
                    f"{captions} Photo: Jo Lane / Valley Times Image 1 of / 25 Caption Close Flood 1 / 25 Back to "
                    "Gallery"):
        assert 45 < len(gallery.split()) <= 120
        assert classify_line(gallery) == "notice", gallery


def test_a_transcript_footer_is_a_notice_whatever_its_length():
    """NPR's footer runs to ~70 words in one block, over the promo cap; it is a notice, like other outlet notices."""
    footer = ("Copyright © 2019 NPR. All rights reserved. Visit our website terms of use and permissions pages at "
              "www.npr.org for further information. NPR transcripts are created on a rush deadline by a contractor, "
              "an NPR contractor, and produced using a proprietary transcription process developed with NPR. This "
              "text may not be in its final form and may be updated or revised in the future. Accuracy and "
              "availability may vary. The authoritative record of NPR's programming is the audio record.")
    assert len(footer.split()) > 60
    assert classify_line(footer) == "notice"
    assert classify_line("NPR transcripts are created on a rush deadline by a contractor.") == "notice"
    assert classify_line("The reporter said the transcript was created on deadline and later corrected.") is None


def test_anchor_finder_finds_every_anchor_a_line_holds():
    # the one-pass search must give what a substring test per anchor gives: overlapping anchors, anchors that begin
    # another ("ad" in "advertisement"), any case, special characters
    from unspun.clean import _ANCHORS, _AnchorFinder

    finder = _AnchorFinder(["ad", "advertisement", "sign up", "up", "pun", "(c)", "©", "a | b"])
    assert finder("Sign Up for ADVERTISEMENTS (c) © a | b") == {"ad", "advertisement", "sign up", "up", "(c)",
                                                                  "©", "a | b"}
    assert finder("signup pundit") == {"up", "pun"}
    assert finder("nothing here") == set()
    lines = [ln for a in _seed_articles() for ln in a.text.splitlines() if ln.strip()] + [
        "Advertisement", "Sign up for our newsletter", "Photo: AP", "This page is not available (404)",
        "Follow us on Twitter", "Copyright © 2020. All rights reserved."]
    anchors = list(_ANCHORS.starts)
    for line in lines:
        assert _ANCHORS(line) == {a for a in anchors if a in line.lower()}, line


def test_long_line_anchors_are_those_of_all_anchors_its_rules_look_up():
    """A line too long for the notice and promo rules is searched for the long-notice and author-box anchors only:
    the same of them as the search for all anchors finds, and the same reasons."""
    from unspun import clean

    filler = " ".join(["The committee met again on Tuesday to weigh the proposal in detail."] * 6)
    lines = [
        f"{filler} Subscribe now to our newsletter. All rights reserved. Sign up for free.",
        f"{filler} NPR transcripts are created on a rush deadline by an NPR contractor. The authoritative record of "
        "NPR's programming is the audio record.",
        f"{filler} About the author: Jane Roe writes about science. Follow her on Twitter @janeroe.",
        "Subscribe now to our newsletter. About the author. NPR transcripts are created on a rush deadline.",
    ]
    long_only = set(clean._LONG_LINE_ANCHORS.starts)
    assert long_only < set(clean._ANCHORS.starts)
    for line in lines:
        low = normalize_ws(line)
        assert clean._LONG_LINE_ANCHORS(low) == clean._ANCHORS(low) & long_only
    assert len(lines[1].split()) > clean._SHORT_RULES_MAX_WORDS
    assert classify_line(lines[1]) == "notice"
    assert classify_line(lines[0]) is None  # promo words inside a long paragraph: reporting, kept


def test_a_search_results_page_is_a_notice_and_an_article_slug_with_search_is_not():
    from unspun.clean import is_search_page

    text = ("As the 2010 Winter Games enters its final days, the U.S. women's and men's hockey teams hope to medal.\n\n"
            "... we saw today was that ESPN plans to bid for ... or even when we might be risking a crash. ...")
    page = clean_article(Article(id="s", title="NPR Search : NPR", text=text, source="x",
                                 url="https://www.npr.org/templates/search/index.php?searchinput=Costa+Rica+crash"))
    assert page.text == "" and {b.reason for b in page.blocks} == {"notice"}
    assert is_search_page("https://example.com/search?q=storm") and is_search_page("https://example.com/search.html")
    assert not is_search_page("https://example.com/2018/01/02/search-for-missing-plane-called-off")
    assert not is_search_page("https://searchlight.example.com/news/1") and not is_search_page(None)
    bad = clean_article(Article(id="b", title="t", text="The river rose on Monday.", source="s", url="http://[bad/search"))
    assert bad.text == "The river rose on Monday."  # a malformed URL is input, not a crash


def test_headlines_beside_a_box_label_are_its_other_stories_and_a_subhead_is_not():
    box = ["U.S. imposes sanctions on two key figures in North Korea’s weapons program",
           "Retired military leaders urge Trump to choose words, not action, to deal with North Korea",
           "Today’s coverage from Post correspondents around the world",
           "Like Washington Post World on Facebook and stay updated on foreign news"]
    body = ("North Korea fired a missile on Friday, officials said.\n\n" + "\n".join(box)
            + "\n\nThe launch was the third this month, according to Seoul.")
    art = clean_article(Article(id="x", title="t", text=body, source="s"))
    assert [b.reason for b in art.blocks] == [None, "link_list", "link_list", "promo", "promo", None]
    # one bare line (a subhead) beside prose stays, as a block of its own (no sentence runs it into the next)
    body = "Officials said the missile flew 900 km.\nWhat happens next\nThe launch was the third this month."
    art = clean_article(Article(id="y", title="t", text=body, source="s"))
    assert all(b.kept for b in art.blocks) and [b.text for b in art.blocks][1] == "What happens next"
    assert art.text == body.replace("\n", "\n\n")


def test_wire_credits_and_cnn_boxes_are_junk_and_the_story_stays():
    text = ('Officials said the missile flew 900 km.\n\n"North Korea will be in the spotlight," he said. '
            "(Additional reporting by Soyoung Kim in SEOUL; Editing by Bill Rigby)\n\n"
            "(Reporting by Joan Gralla; Editing by Jan Paschal)")
    art = clean_article(Article(id="w", title="t", text=text, source="s"))
    assert art.text == 'Officials said the missile flew 900 km.\n\n"North Korea will be in the spotlight," he said.'
    assert [b.reason for b in art.blocks if not b.kept] == ["author_box", "author_box"]
    text = ('Story highlights "Caught RED HANDED," Trump tweeted\nThe tweet may be related to a debate over China\n'
            "West Palm Beach, Florida (CNN) President Donald Trump said Thursday that he is disappointed.\n"
            "He spoke from his golf club\n\nChat with us in Facebook Messenger. Find out what's happening in the "
            "world as it unfolds.")
    art = clean_article(Article(id="c", title="t", text=text, source="s"))
    assert art.text == ("West Palm Beach, Florida (CNN) President Donald Trump said Thursday that he is disappointed."
                        "\nHe spoke from his golf club")


def test_a_subhead_is_a_block_of_its_own_and_lines_of_prose_stay_together():
    text = ("The talks ended on Monday.\n\nSoftened tone\nEuan Graham, director of the program, told CNN the tone was "
            "a surprise.\nHe said the offer was new.\n\nThe city of Seoul\nwelcomed the offer")
    art = clean_article(Article(id="s", title="t", text=text, source="s"))
    assert [b.text for b in art.blocks] == [
        "The talks ended on Monday.", "Softened tone",
        "Euan Graham, director of the program, told CNN the tone was a surprise.\nHe said the offer was new.",
        "The city of Seoul\nwelcomed the offer"]  # a lower-case line after it: one sentence broken over two lines
    assert all(b.kept for b in art.blocks)


def test_a_most_read_box_is_junk_whatever_its_length():
    box = ("MOST READ IN NEWS SIN CITY How Thai vice haven Pattaya has become the new Costa del Crime PORN DEATHS "
           + "Actress reveals pressures after fourth star dies in 2 months " * 12)
    text = "Officials said the ship was seized in November.\n\n" + box + "\n\nThe ship stays in custody, they said."
    art = clean_article(Article(id="m", title="t", text=text, source="s"))
    assert [b.reason for b in art.blocks] == [None, "promo", None] and len(box.split()) > 120


def test_a_slideshow_printed_into_the_body_is_junk_and_look_alike_runs_stay():
    story = ("A tour boat struck a bridge pillar on the river late on Tuesday, injuring 27 people, the police said.\n"
             "The bridge was closed for several hours while engineers checked it, and reopened on Wednesday morning.")
    slides = ["Port of Riverton turns 300 Trading place The port handles 130 million tons of cargo every year.",
              "Port of Riverton turns 300 The olden days Scenes from bygone days show the port in the 1920s.",
              "Port of Riverton turns 300 From scrap metal to high tech These days 45,000 jobs depend on it."]
    text = story + "\n" + "\n".join(slides) + "\njm/dm (AFP, dpa)"
    art = clean_article(Article(id="g", title="t", text=text, source="s"))
    assert art.text == story
    assert [b.reason for b in art.blocks if not b.kept] == ["gallery"] * 3 + ["author_box"]
    # a page that is nothing but the slideshow keeps its first slide, the one the page is about, with its furniture
    captioned = [f"{slide} Hide Caption {i} of 3" for i, slide in enumerate(slides, 1)]
    only = clean_article(Article(id="o", title="t", text="\n".join(captioned), source="s"))
    assert only.text == captioned[0]
    # the same opening words followed by lower-case words (a speech's refrain), a bulleted list, two lines only
    refrain = ["We will fight on the beaches of the north.", "We will fight on the landing grounds today.",
               "We will fight on the fields and in the streets."]
    bullets = ["- Harry Potter and the Goblet of Fire (first mentioned)",
               "- Harry Potter and the Order of the Phoenix", "- Harry Potter and the Half-Blood Prince"]
    for lines in (refrain, bullets, slides[:2]):
        kept = clean_article(Article(id="k", title="t", text=story + "\n" + "\n".join(lines), source="s"))
        assert kept.text == story + "\n" + "\n".join(lines), lines


def test_slides_run_into_one_line_are_a_gallery():
    story = ("The officer who shot the teenager was named on Friday, six days after the shooting, by the city's police "
             "chief, who said the stop had nothing to do with the robbery.")
    slides = " ".join(f"Photos: Emotions run high in the city {w} march on August {d}, 2014. Hide Caption {i} of 3"
                      for i, (w, d) in enumerate((("Protesters", 21), ("Demonstrators", 20), ("Crowds", 19)), 1))
    art = clean_article(Article(id="r", title="t", text=story + "\n\n" + slides, source="s"))
    assert art.text == story and [b.reason for b in art.blocks if not b.kept] == ["gallery"] * 3


def test_a_sites_legal_footer_and_licence_numbers_are_notices():
    # a China Daily page the scrape got only the footer of (Giveme5W1H): nothing of it is the article
    footer = ("Copyright 1995 - . All rights reserved. The content (including but not limited to text, photo, "
              "multimedia information, etc) published in this site belongs to China Daily Information Co (CDIC). "
              "Without written authorization from CDIC, such content shall not be republished or used in any form. "
              "Note: Browsers with 1024*768 or higher resolution are suggested for this site.")
    assert classify_line(footer) == "notice"
    assert classify_line("License for publishing multimedia online 0108263") == "notice"
    assert classify_line("Registration Number: 130349 Registration Number: 130349") == "notice"
    # the copyright line alone keeps its reason; reporting about licences and registration is no notice
    assert classify_line("Copyright 2019 Hawaii News Now. All rights reserved.") == "promo"
    assert classify_line("Registration for the marathon opens on 12 March 2018 at 09:00") is None
    assert classify_line("License plates issued in 2018 carry a new design, the agency said on Tuesday.") is None
    art = clean_article(Article(id="f", title="59 dead, 527 injured in Las Vegas shooting", source="f",
                                text=footer + "\n\nLicense for publishing multimedia online 0108263"))
    assert art.text == ""


def test_a_link_label_in_capitals_is_a_link_not_a_speakers_tag():
    # AEB (Express): "SEE MORE: ..." between two paragraphs of one quotation gave its second part to "Hong Kong"
    assert classify_line("SEE MORE: Hong Kong protests: 800 students under siege in university") == "link_list"
    assert classify_line("READ MORE: Hong Kong protests: 800 students under siege in university") == "link_list"
    assert classify_line("TAPPER: Protesters say 800 students are under siege") is None


def test_a_long_caption_closing_on_a_credit_after_a_bar_is_junk():
    # Giveme (The Hindu): the caption led a Nice story's summary, and a photographer became a speaker
    caption = ("A forensic officer stands near a van with its windscreen riddled with bullets, that ploughed through a "
               "crowd of revellers who'd gathered to watch the fireworks in the French resort city of Nice on Friday. "
               "At least 80 people were killed before police killed the driver, authorities said. | Photo Credit: "
               "Claude Paris")
    assert classify_line(caption) == "promo"
    assert classify_line("The Mandalay Bay hotel in Las Vegas | Photo Credit: Reuters") == "promo"
    # a bar in prose is no credit
    assert classify_line("Officials said the fence had been broken for weeks | residents said it was never fixed, "
                         "and the city council promised on Monday to look into the complaints.") is None


def test_a_video_playlist_run_into_one_line_is_junk_whatever_its_length():
    # Giveme (USA Today): 2,345 words of a video carousel, each title with its length after a bar
    playlist = " ".join(f"Elon Musk video number {i} about rockets and cars | {i % 5}:{10 + i} SpaceX says more."
                        for i in range(60))
    assert len(playlist.split()) > 120 and classify_line("Skip in Skip x Embed x Share CLOSE " + playlist) == "promo"
    # one length in prose is no playlist
    assert classify_line("The clip | 2:30 shows the landing, officials said on Tuesday.") is None
