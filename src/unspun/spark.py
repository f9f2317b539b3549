"""Archive scale on Apache Spark: `unspun spark INPUT... --out DIR` (PySpark; `--master local[*]` by default).

The same run as `unspun run`, with its two costly halves on Spark executors:
  1. reading and extraction: each input file is read by one task (archive records come out as deferred HTML
     tasks), the records are spread over all partitions and extracted and cleaned (`finish_article`) there;
  2. story analysis (spaCy parse, summary, quotes, entities, timeline, copy map, spin): a window of stories is one
     Spark job, two tasks per core.
Between the two the driver runs what is sequential by design: the exact-duplicate check, online clustering (a
story's id depends on the order articles arrive; ~1,000 articles/s, not the limit) and the DuckDB store (one
writer). Records are keyed by (input number, record number) and sorted back into input order before the driver
sees them, so the output is the output of `unspun run` on the same inputs and options, byte for byte (tested).

Inputs must be paths every executor can open (local mode, or a shared filesystem on a cluster), and unspun must be
installed in the executors' Python. In local mode Spark binds to 127.0.0.1 only and its web UI is off.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .ingest import expand_inputs, read_path, resolve_item
from .model import Article, Problem
from .pipeline import (
    ANALYSIS_WINDOW,
    Options,
    Pipeline,
    RunResult,
    exit_code,
    finish_article,
    write_outputs,
)
from .store import Store

DEFAULT_MASTER = "local[*]"
# Quiet, local-only defaults; a user's --conf wins.
_BASE_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.python.worker.reuse": "true",  # a Python worker loads spaCy once, then analyses many stories
}
_LOCAL_CONF = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}


class SparkUnavailable(RuntimeError):
    """PySpark or Java is missing."""


def spark_context(master: str = DEFAULT_MASTER, conf: dict[str, str] | None = None):
    """A SparkContext for unspun (or the running one). Executors in local mode run this very interpreter."""
    try:
        from pyspark import SparkConf, SparkContext
    except ImportError as e:  # an optional part: say how to get it
        raise SparkUnavailable("the Spark job needs PySpark: pip install 'unspun[spark]'") from e
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable("the Spark job needs Java 17+ (no java on PATH and no JAVA_HOME)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    local = master.startswith("local")
    if local:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # never the machine's public interface
    log_conf = Path(__file__).with_name("spark-log4j2.properties")
    settings = {
        **_BASE_CONF,
        **(_LOCAL_CONF if local else {}),
        "spark.driver.extraJavaOptions": f"-Dlog4j.configurationFile=file:{log_conf}",
        **(conf or {}),
    }
    spark_conf = SparkConf().setMaster(master).setAppName("unspun")
    for key, value in settings.items():
        spark_conf.set(key, value)
    sc = SparkContext.getOrCreate(spark_conf)
    sc.setLogLevel("ERROR")
    return sc


def _read_input(entry: tuple[int, str | Problem]) -> Iterator[tuple[tuple[int, int], object]]:
    """(input number, path or Problem) -> ((input number, record number), item) for every item of that input."""
    number, item = entry
    if isinstance(item, Problem):  # a missing path or an empty folder, found while expanding the inputs
        yield (number, 0), item
        return
    for record, found in enumerate(read_path(item, defer=True)):
        yield (number, record), found


def extracted_items(sc, inputs: list[str], extractor: str = "accurate",
                    partitions: int | None = None) -> tuple[Iterator[Article | Problem], Callable[[], None]]:
    """Read and extract `inputs` on the executors; returns (the items in input order, streamed to the driver one
    partition at a time; a function that frees the cached extraction)."""
    entries = list(enumerate(expand_inputs(inputs)))
    if not entries:
        return iter(()), lambda: None
    from pyspark import StorageLevel

    parts = max(1, partitions or sc.defaultParallelism)
    records = sc.parallelize(entries, min(len(entries), parts)).flatMap(_read_input)
    # One big archive is read by one task; its records are spread over all partitions for extraction.
    extracted = records.repartition(parts).mapValues(
        functools.partial(resolve_item, extractor=extractor, finish=finish_article)
    )
    # sortByKey samples its input before it shuffles it: cached, every page is extracted once.
    extracted.persist(StorageLevel.MEMORY_AND_DISK)
    ordered = extracted.sortByKey(numPartitions=parts)
    return (item for _, item in ordered.toLocalIterator()), extracted.unpersist


def job_mapper(sc) -> Callable[[Callable, list], Iterable]:
    """`Pipeline.analyze`'s map_jobs on Spark: results in job order. A Spark task costs ~0.1 s of its own, so a
    task analyses several stories: two tasks per core balance the load."""

    def map_jobs(fn: Callable, jobs: list) -> list:
        if not jobs:
            return []
        return sc.parallelize(jobs, min(len(jobs), 2 * sc.defaultParallelism)).map(fn).collect()

    return map_jobs


def analysis_window(sc) -> int:
    """Stories per Spark job: enough tasks to keep every executor core busy."""
    return max(ANALYSIS_WINDOW, 4 * sc.defaultParallelism)


def run_spark(
    inputs: list[str],
    out_dir: str | Path | None = None,
    *,
    formats: Iterable[str] = ("json", "md", "html"),
    db: str | Path | None = None,
    options: Options | None = None,
    master: str = DEFAULT_MASTER,
    partitions: int | None = None,
    conf: dict[str, str] | None = None,
    sc=None,
    on_problem: Callable[[Problem], None] | None = None,
) -> RunResult:
    """`pipeline.run` with extraction and analysis on Spark. Pass `sc` to use a running SparkContext (it is left
    running); otherwise one is started on `master` and stopped at the end."""
    options = options or Options()
    own = sc is None
    if own:
        sc = spark_context(master, conf)
    if db is None:
        db = Path(out_dir) / "unspun.duckdb" if out_dir is not None else ":memory:"
    try:
        with Store(db) as store:
            pipe = Pipeline(store, options, on_problem)
            items, release = extracted_items(sc, inputs, options.extractor, partitions)
            try:
                stats = pipe.ingest_items(items)
            finally:
                release()
            pipe.analyze(map_jobs=job_mapper(sc), window=analysis_window(sc))
            result = pipe.result()
            outputs = write_outputs(result, out_dir, formats) if out_dir is not None else {}
    finally:
        if own:
            sc.stop()
    return RunResult(result, stats, pipe.problems, exit_code(result, pipe.problems), outputs)
