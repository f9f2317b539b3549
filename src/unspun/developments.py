"""Developments: the events inside a long-running story.

Why: story clustering links articles by shared names and words, so on a continuous stream a story grows into a
topic. Fed a year of US election coverage (PolNeAR, 924 articles from 7 outlets), stories of 141 articles over 200
days and 32 over 281 days ("Bernie Sanders ..." / "Clinton's e-mails") formed, and 79% of the articles in stories of
two or more sat in stories spanning over 30 days. One summary of such a story tells a reader nothing. Capping the
stories themselves at 30 days costs the event benchmark (Giveme5W1H, whose gold keeps follow-ups months apart in one
event: pairwise F1 86.7 -> 85.2, docs/clustering.md round 9), so the story stays (its id, summary and citations
unchanged) and is read as a sequence of developments.

A development is what the story clusterer makes of the story's own articles when no group may span more than
`DEVELOPMENT_DAYS` (`StoryClusterer(max_span_days=...)`): the same calibrated same-story decision, but with the
document frequencies of this story alone, so the names every article of the topic shares weigh little and what
tells one week's event from the next counts. Articles go in publish-date order, so the developments already
written do not change when later articles join the story (an article dated earlier than ones already in the story
may regroup the developments after it). Only a story whose dated articles span more than `DEVELOPMENT_DAYS` has
developments; for the others the story is its one development.

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
from .model import Article, Development

DEVELOPMENT_DAYS = 14  # two news weeks: on PolNeAR the 141-article story reads as 25 developments, 7 days gives 41


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
