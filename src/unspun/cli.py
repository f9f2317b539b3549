"""Command line: a thin shell over `unspun.pipeline` and `unspun.store`.

Exit codes: 0 all inputs read; 3 partial (some inputs were bad: each reported on stderr, all good articles
processed); 2 usage error; 1 fatal (nothing could be processed, or an unexpected error).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .extract import EXTRACTORS
from .model import Problem
from .pipeline import DEFAULT_SUMMARY_WORDS, EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, GroupingMismatch, Options

EPILOG = """\
examples:
  unspun run examples/seeds --out out            # stories.json, stories.md, report.html, unspun.duckdb
  unspun run feed.xml pages/ crawl.warc.gz --out out --summary-words 80
  cat articles.jsonl | unspun run - --out out --group-by cluster_id
  unspun ingest more/ --db out/unspun.duckdb && unspun stories --db out/unspun.duckdb
  unspun show STORY_ID --db out/unspun.duckdb --format md
  unspun export --db out/unspun.duckdb --out tables   # articles.parquet, stories.parquet, quotes.parquet, ...
  unspun explain page.html                       # kept and dropped blocks, with reasons
  unspun spark crawl/*.warc.gz --out out         # the same run on Apache Spark (local[*] by default)

exit codes: 0 ok, 3 partial (some inputs bad, reported on stderr), 2 usage, 1 fatal
"""


def _problem_printer(quiet: bool):
    def report(p: Problem) -> None:
        if not quiet:
            detail = f" ({p.detail})" if p.detail else ""
            print(f"unspun: skipped {p.source}: {p.reason}{detail}", file=sys.stderr)

    return report


def _options(args) -> Options:
    progress = "quiet" if args.quiet else ("json" if args.json_progress else "auto")
    return Options(
        # words default only when no sentence count was asked for
        summary_words=args.summary_words if args.summary_words or args.summary_sentences else DEFAULT_SUMMARY_WORDS,
        summary_sentences=args.summary_sentences,
        group_by=args.group_by,
        progress=progress,
        jobs=getattr(args, "jobs", None),
        extractor=args.extractor,
        keep_parses=args.keep_parses,
        dense_stories=args.dense_stories,
        story_days=args.story_days,
        strict_stories=args.strict_stories,
    )


def _problem_counts(problems: list[Problem]) -> str:
    """'3 problems (no_text 2, truncated 1)': at archive scale most problems are pages with no article."""
    if not problems:
        return "0 problems"
    counts: dict[str, int] = {}
    for p in problems:
        counts[p.reason] = counts.get(p.reason, 0) + 1
    parts = ", ".join(f"{r} {n}" for r, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"{_count(len(problems), 'problem')} ({parts})"


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no per-input messages")
    p.add_argument("--json-progress", action="store_true", help="progress as JSON lines on stderr")


def _positive_days(value: str) -> float:
    days = float(value)
    if not days > 0:
        raise argparse.ArgumentTypeError(f"must be a number of days above 0, not {value}")
    return days


def _add_analysis(p: argparse.ArgumentParser) -> None:
    p.add_argument("--summary-words", type=int, default=None, metavar="N", help="summary length in words (default 120)")
    p.add_argument("--summary-sentences", type=int, default=None, metavar="N", help="summary length in sentences")
    p.add_argument("--group-by", metavar="FIELD", help="take stories from this input field instead of clustering "
                   "(a store keeps the grouping it was made with)")
    p.add_argument("--extractor", choices=EXTRACTORS, default="accurate",
                   help="HTML extractor: accurate (trafilatura cascade, default) or fast (resiliparse: ~3.5x faster "
                        "extraction, less precise: AEB F1 0.94 vs 0.98; for large archives)")
    p.add_argument("--dense-stories", action="store_true",
                   help="when word overlap leaves a story decision uncertain, ask sentence embeddings (MiniLM; the "
                        "embed extra; 2-6 ms more per article; see docs/clustering.md)")
    p.add_argument("--story-days", type=_positive_days, default=None, metavar="N",
                   help="a story takes no article that would stretch it past N days (default: no limit; a story "
                        "spanning more than 14 days lists its developments; a store keeps the limit it was given)")
    strict = p.add_mutually_exclusive_group()
    strict.add_argument("--strict-stories", dest="strict_stories", action="store_const", const="dated", default=False,
                        help="dated articles join a story only on strong evidence (P >= 0.6): for a stream of "
                             "unrelated news (fewer topical joins: a labelled AEB week 55 -> 84 pairwise F1), at the "
                             "cost of follow-ups weeks apart opening stories of their own (Giveme5W1H 94.9 -> 90.3); "
                             "a store keeps it")
    strict.add_argument("--event-stories", dest="strict_stories", action="store_const", const="event",
                        help="the lighter bar: a weak dated join must share 3 names or headline words that general "
                             "English rarely uses (AEB week 55 -> 73, Giveme5W1H 94.9 -> 93.2); a store keeps it")
    p.add_argument("--no-keep-parses", dest="keep_parses", action="store_false",
                   help="do not store spaCy parses and per-article quotes/dates (~11 KB per article; stored, a "
                        "story that grows later re-parses and re-reads only its new articles)")


def _add_jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N", help="worker processes (default: all cores)")


def _add_outputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", "-o", default="out", help="output folder (default: out)")
    p.add_argument("--db", help="store file (default: OUT/unspun.duckdb)")
    p.add_argument("--format", default="json,md,html", help="comma list of json, md, html (default: all)")
    p.add_argument("--jsonl", action="store_true", help="also print one JSON line per story on stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unspun",
        description="Many news articles in, one story out, every sentence cited.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"unspun {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("run", help="ingest inputs, build stories, write JSON/Markdown/HTML")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders, globs, or - for stdin")
    _add_outputs(p)
    p.add_argument("--explain", action="store_true", help="print kept and dropped blocks per article on stderr")
    _add_analysis(p)
    _add_jobs(p)
    _add_common(p)

    p = sub.add_parser("ingest", help="add inputs to a store (incremental; analyses changed stories)")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    p.add_argument("--db", required=True, help="store file")
    _add_analysis(p)
    _add_jobs(p)
    _add_common(p)

    p = sub.add_parser("spark", help="`run` on Apache Spark: extraction and story analysis on executors (archives)",
                       description="The same run and outputs as `unspun run`, with reading, extraction and story "
                                   "analysis on Spark executors (clustering and the store stay on the driver). "
                                   "Needs PySpark (pip install 'unspun[spark]') and Java 17+. Inputs must be "
                                   "paths every executor can read.")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or globs (no stdin)")
    _add_outputs(p)
    p.add_argument("--master", default="local[*]", help="Spark master URL (default: local[*], all local cores)")
    p.add_argument("--partitions", type=int, default=None, metavar="N",
                   help="extraction partitions (default: Spark's default parallelism)")
    p.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE", help="a Spark setting (repeatable)")
    _add_analysis(p)
    _add_common(p)

    p = sub.add_parser("stories", help="list stories in a store as JSON lines")
    p.add_argument("--db", required=True)

    p = sub.add_parser("show", help="print one story (an old merged id still works)")
    p.add_argument("story_id")
    p.add_argument("--db", required=True)
    p.add_argument("--format", choices=["md", "json"], default="md")

    p = sub.add_parser("report", help="write the HTML report of a store")
    p.add_argument("--db", required=True)
    p.add_argument("--out", default="report.html")

    p = sub.add_parser("export", help="write a store's articles, stories, quotes, entities, events, ... as tables "
                                      "(Parquet, JSON Lines or CSV)")
    p.add_argument("--db", required=True, help="the store file (read-only; e.g. out/unspun.duckdb)")
    p.add_argument("--out", "-o", default="tables", help="folder for the table files (default: tables)")
    p.add_argument("--format", choices=["parquet", "jsonl", "csv"], default="parquet")

    p = sub.add_parser("explain", help="show kept and dropped blocks of input articles, with reasons")
    p.add_argument("inputs", nargs="+", metavar="INPUT")

    p = sub.add_parser("serve", help="serve the report of a store on 127.0.0.1 (read-only)")
    p.add_argument("--db", required=True)
    p.add_argument("--port", type=int, default=8000)

    p = sub.add_parser("eval", help="run a benchmark from bench/ (summarize, cluster, extract, quotes)")
    p.add_argument("task", choices=["summarize", "cluster", "extract", "quotes"])
    p.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the benchmark")
    for command_parser in sub.choices.values():  # errors in a command show that command's usage, not the top one
        command_parser.set_defaults(command_parser=command_parser)
    return parser


def _result_from_db(db: str) -> dict:
    from .pipeline import Pipeline
    from .store import Store

    with Store(db) as store:
        return Pipeline(store, Options(progress="quiet")).result()


def _explain(inputs: list[str], out=sys.stderr) -> int:
    from .clean import clean_article
    from .ingest import iter_articles

    bad = 0
    for item in iter_articles(inputs):
        if isinstance(item, Problem):
            bad += 1
            print(f"!! {item.source}: {item.reason} {item.detail}", file=out)
            continue
        art = clean_article(item)
        print(f"== {art.source}  [{art.id}]  {art.title}", file=out)
        if art.extraction:
            print(f"   extraction: {json.dumps(art.extraction, sort_keys=True)}", file=out)
        print(f"   outlet={art.outlet} date={art.date} ({art.date_source}) author={art.author}", file=out)
        for b in art.blocks:
            mark = "  keep " if b.kept else f"  DROP [{b.reason}] "
            text = b.text if len(b.text) <= 160 else b.text[:157] + "..."
            print(mark + text, file=out)
    return EXIT_PARTIAL if bad else EXIT_OK


def _story_line(s: dict) -> str:
    keep = ("id", "headline", "article_ids", "outlets", "date_range")
    d = {k: s.get(k) for k in keep}
    d["summary"] = [x["text"] for x in s.get("summary", [])]
    if s.get("developments"):  # a long story's events, for a `jq` over the stream without the full JSON
        d["developments"] = [{k: x.get(k) for k in ("id", "headline", "date_range", "article_ids")}
                             for x in s["developments"]]
    return json.dumps(d, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return _dispatch(getattr(args, "command_parser", parser), args)
    except KeyboardInterrupt:
        print("unspun: interrupted (stored batches are kept; rerun to resume)", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `unspun stories ... | head`
        return EXIT_OK
    except GroupingMismatch as e:
        print(f"unspun: {e}", file=sys.stderr)
        return EXIT_USAGE


def _dispatch(parser: argparse.ArgumentParser, args) -> int:
    from .pipeline import Pipeline, run, write_outputs
    from .store import Store

    if args.command in ("run", "ingest", "spark"):
        for flag in ("summary_words", "summary_sentences"):
            value = getattr(args, flag)
            if value is not None and value < 1:
                parser.error(f"--{flag.replace('_', '-')} must be at least 1")
        if args.dense_stories:
            from . import embed

            if not embed.available():
                parser.error("--dense-stories needs the embed extra: pip install torch==2.13.0 (a CPU build), then "
                             "pip install 'unspun[embed]'")
    if args.command in ("run", "spark"):
        formats = [f.strip() for f in args.format.split(",") if f.strip()]
        unknown = set(formats) - {"json", "md", "html"}
        if unknown:
            parser.error(f"unknown format(s): {', '.join(sorted(unknown))} (choose from json, md, html)")
        # what `run` and `spark` share: inputs, outputs, options, problem reporting
        common = dict(formats=formats, db=args.db, options=_options(args), on_problem=_problem_printer(args.quiet))
    if args.command == "run":
        stdin = sys.stdin.buffer if "-" in args.inputs else None
        if args.explain:
            _explain([i for i in args.inputs if i != "-"])
        return _finish_run(run(args.inputs, args.out, stdin=stdin, **common), args.jsonl)
    if args.command == "spark":
        if "-" in args.inputs:
            parser.error("the Spark job reads files, not stdin")
        conf = {}
        for item in args.conf:
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                parser.error(f"--conf wants KEY=VALUE, got {item!r}")
            conf[key.strip()] = value.strip()
        from .spark import SparkUnavailable, run_spark

        try:
            res = run_spark(args.inputs, args.out, master=args.master, partitions=args.partitions, conf=conf,
                            **common)
        except SparkUnavailable as e:
            print(f"unspun: {e}", file=sys.stderr)
            return EXIT_FATAL
        return _finish_run(res, args.jsonl)
    if args.command == "ingest":
        with Store(args.db) as store:
            pipe = Pipeline(store, _options(args), _problem_printer(args.quiet))
            stats = pipe.ingest(args.inputs, stdin=sys.stdin.buffer if "-" in args.inputs else None)
            changed = pipe.analyze()
        print(
            f"unspun: {stats.added} new articles, {stats.already_stored} already stored, {stats.duplicates} "
            f"duplicates, {_problem_counts(pipe.problems)}; {len(changed)} stories updated",
            file=sys.stderr,
        )
        return EXIT_PARTIAL if pipe.problems else EXIT_OK
    if args.command == "stories":
        if not Path(args.db).exists():
            parser.error(f"no store at {args.db}")
        with Store(args.db) as store:
            for s in store.stories():
                print(_story_line(s))
        return EXIT_OK
    if args.command == "show":
        if not Path(args.db).exists():
            parser.error(f"no store at {args.db}")
        result = _result_from_db(args.db)
        with Store(args.db) as store:
            story = store.story(args.story_id)
        if story is None:
            print(f"unspun: no story {args.story_id} in {args.db} (`unspun stories --db {args.db}` lists them)",
                  file=sys.stderr)
            return EXIT_FATAL
        if args.format == "json":
            print(json.dumps(story, ensure_ascii=False, indent=2))
        else:
            from .report.markdown import render_markdown

            print(render_markdown({**result, "stories": [story]}), end="")
        return EXIT_OK
    if args.command == "report":
        if not Path(args.db).exists():
            parser.error(f"no store at {args.db}")
        result = _result_from_db(args.db)
        out = Path(args.out)
        if out.suffix == ".html":
            from .report.html import render_html

            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(render_html(result), encoding="utf-8")
            print(f"unspun: wrote {out}", file=sys.stderr)
        else:
            write_outputs(result, out, ["html"])
            print(f"unspun: wrote {out / 'report.html'}", file=sys.stderr)
        return EXIT_OK
    if args.command == "export":
        if not Path(args.db).exists():
            parser.error(f"no store at {args.db}")
        import duckdb

        from .export import export_store

        try:
            counts = export_store(args.db, args.out, args.format)
        except duckdb.Error as e:  # not a store, or a run holds its lock
            print(f"unspun: cannot export {args.db}: {str(e).splitlines()[0]}", file=sys.stderr)
            return EXIT_FATAL
        rows = ", ".join(f"{table} {n:,}" for table, n in counts.items())
        print(f"unspun: wrote {len(counts)} {args.format} tables to {args.out} (rows: {rows})", file=sys.stderr)
        return EXIT_OK
    if args.command == "explain":
        return _explain(args.inputs, out=sys.stdout)
    if args.command == "serve":
        from .report import serve as serve_mod

        serve_mod.serve(_result_from_db(args.db), host="127.0.0.1", port=args.port)
        return EXIT_OK
    if args.command == "eval":
        return _eval(args.task, args.args)
    parser.print_help()
    return EXIT_USAGE


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _finish_run(res, jsonl: bool) -> int:
    """Stories on stdout as JSON lines if asked, the one-line summary on stderr; the exit code."""
    if jsonl:
        for story in res.result["stories"]:
            print(_story_line(story))
    s = res.stats
    print(
        f"unspun: {s.read} read, {s.added} new, {s.already_stored} already stored, {s.duplicates} duplicates, "
        f"{_problem_counts(res.problems)} -> {_count(res.result['run']['articles'], 'article')} in "
        f"{_count(res.result['run']['stories'], 'story', 'stories')}; "
        f"wrote {', '.join(res.outputs.values()) or 'nothing'}",
        file=sys.stderr,
    )
    return res.exit_code


def _eval(task: str, argv: list[str]) -> int:
    """Benchmarks live in the repository's bench/ folder (they read ../shared/data); run one in-process."""
    import runpy

    bench = Path(__file__).resolve().parents[2] / "bench" / f"{task}.py"
    if not bench.exists():
        print(f"unspun: benchmark {bench} not found (run from a source checkout)", file=sys.stderr)
        return EXIT_FATAL
    sys.argv = [str(bench), *argv]
    try:
        runpy.run_path(str(bench), run_name="__main__")
    except SystemExit as exc:
        return int(exc.code or 0)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
