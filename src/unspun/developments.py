"""Developments: the events inside a long-running story.

Why: story clustering links articles by shared names and words, so on a continuous stream a story grows into a
topic. Fed a year of US election coverage (PolNeAR, 924 articles from 7 outlets), stories of 141 articles over 200
days and 32 over 281 days ("Bernie Sanders ..." / "Clinton's e-mails") formed, and 79% of the articles in stories of
two or more sat in stories spanning over 30 days. One summary of such a story tells a reader nothing. Capping the
stories themselves at 30 days costs the event benchmark (Giveme5W1H, whose gold keeps follow-ups months apart in one
event: pairwise F1 86.7 -> 85.2, docs/clustering.md round 9), so the story stays (its id and members unchanged)
and is read as a sequence of developments.

A development is what the story clusterer makes of the story's own articles when no group may span more than
`DEVELOPMENT_DAYS` (`StoryClusterer(max_span_days=...)`): the same calibrated same-story decision, but with the
document frequencies of this story alone, so the names every article of the topic shares weigh little and what
tells one week's event from the next counts. Articles go in publish-date order, so the developments already
written do not change when later articles join the story (an article dated earlier than ones already in the story
may regroup the developments after it). Only a story whose dated articles span more than `DEVELOPMENT_DAYS` has
developments; for the others the story is its one development.

A story whose largest development holds less than `TOPIC_SHARE` of its articles is a topic: its summary is one lead
per development, what happened when (`developments_summary`), not the cross-outlet summary, which finds no sentence
most outlets agree on over months.

Each development carries its own headline (`pipeline.choose_headline`'s rule; the article it comes from is cited),
its outlets and its date range. No summary of its own: the story summariser, asked for one or two sentences of a
development of 2-5 articles with little text in common, picked a quotation for most of them on PolNeAR (a glance
that says less than the headline). Its id is "d" + sha1 of its first article's id, stable while its first article
is.
"""

from __future__ import annotations

import hashlib
from typing import Callable

from .cluster import StoryClusterer, _day, cluster_articles
from .model import Article, Development, SummarySentence, normalize_ws
from .spin import lead_sentence
from .summarize import stands_alone

DEVELOPMENT_DAYS = 14  # two news weeks: on PolNeAR the 141-article story reads as 25 developments, 7 days gives 41
# A story whose largest development holds less than this share of its articles is a topic, summarised by what
# happened when (`developments_summary`); above it, one event with stray follow-ups keeps the cross-outlet summary.
TOPIC_SHARE = 0.6
LEAD_MAX_WORDS = 60  # a longer "lead" is a run-on paragraph the splitter did not cut


def development_groups(articles: list[Article], days: float = DEVELOPMENT_DAYS) -> list[list[Article]]:
    """The story's articles grouped into developments of at most `days` each, in order of their first article
    (earliest first); [] when the story's dated articles span `days` or less. Undated articles join by content
    alone, in their place in the story's order."""
    dated = [d for d in map(_day, (a.date for a in articles)) if d is not None]
    if not dated or max(dated) - min(dated) <= days:
        return []
    placed = cluster_articles(articles, clusterer=StoryClusterer(max_span_days=days, window_days=days))
    groups: dict[str, list[Article]] = {}
    for a in articles:  # the story's own order (earliest first), so members keep it
        groups.setdefault(placed[a.id], []).append(a)
    return sorted(groups.values(), key=lambda g: (min((a.date for a in g if a.date), default="~"),
                                                  articles.index(g[0])))


def story_developments(articles: list[Article], headline: Callable[[list[Article]], str],
                       days: float = DEVELOPMENT_DAYS) -> list[Development]:
    """Developments of one story whose `articles` come earliest first (see the module docstring); `headline`
    picks a group's headline from its articles' titles."""
    out = []
    for group in development_groups(articles, days):
        dates = [a.date for a in group if a.date]
        title = headline(group)
        out.append(Development(
            id="d" + hashlib.sha1(group[0].id.encode("utf-8")).hexdigest()[:12],
            headline=title,
            headline_article=next((a.id for a in group if title and a.title == title), None),
            article_ids=[a.id for a in group],
            outlets=sorted({a.outlet for a in group if a.outlet}),
            date_range=[min(dates), max(dates)] if dates else [None, None],
        ))
    return out


def is_topic(story_articles: int, developments: list[Development]) -> bool:
    """A story read as a topic: its largest development holds less than `TOPIC_SHARE` of its articles."""
    return bool(developments) and max(len(d.article_ids) for d in developments) < TOPIC_SHARE * story_articles


def developments_summary(articles: list[Article], sent_lists: list[list[str]], developments: list[Development],
                         cite: Callable[[str], SummarySentence], *, max_words: int | None = 120,
                         max_sentences: int | None = None) -> list[SummarySentence]:
    """A topic's summary: what happened when. One lead per development (its headline article's lead, else the first
    of its articles with one), taken for the latest development first and then the largest (most articles, then
    outlets), until the length budget is used; shown in date order. `articles` and `sent_lists` go together
    (earliest first); `cite(text)` gives a chosen lead its citations and support (`summarize.sentence_citer`).

    Why leads: a story of months has no sentence most outlets agree on (the cross-outlet summary of PolNeAR's
    141-article story opened with one outlet's anecdote and closed with "And I've decided to vote for Bernie
    Sanders."), and an article's lead is the news writer's own summary of what it reports."""
    sents_of = {a.id: (a, sents) for a, sents in zip(articles, sent_lists)}
    leads: dict[str, str] = {}
    for d in developments:
        order = ([d.headline_article] if d.headline_article else []) + [i for i in d.article_ids
                                                                        if i != d.headline_article]
        # a lead that reads alone first (a scrape that starts mid-article leads with "Only days later, that ..."),
        # else the first usable one
        for aid in order:
            a, sents = sents_of.get(aid, (None, []))
            lead = lead_sentence(sents, None if a is None or a.title_derived else a.title) if sents else ""
            if lead and len(lead.split()) <= LEAD_MAX_WORDS and normalize_ws(lead) in normalize_ws(a.text):
                leads.setdefault(d.id, lead)
                if stands_alone(lead):
                    leads[d.id] = lead
                    break
    latest = max(developments, key=lambda d: (d.date_range[1] or "", -developments.index(d)))
    ranked = sorted(developments, key=lambda d: (d is not latest, -len(d.article_ids), -len(d.outlets),
                                                 developments.index(d)))
    chosen, words, seen = [], 0, set()
    for d in ranked:
        lead = leads.get(d.id)
        if not lead or lead in seen:
            continue
        n = len(lead.split())
        if max_words is not None and words + n > max_words:
            continue
        chosen.append(d)
        seen.add(lead)
        words += n
        if max_sentences is not None and len(chosen) >= max_sentences:
            break
    chosen.sort(key=developments.index)  # date order
    return [cite(leads[d.id]) for d in chosen]
