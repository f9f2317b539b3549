"""Export a store as flat tables (Parquet, JSON Lines or CSV) for analysis in other tools.

One file per table: articles, stories, summary_sentences, quotes, entities, events (the timelines), developments (of
long stories), shared_passages, copy_map, duplicates, merges, problems. Every row names its story (`story_id`, the
story's current id) and the articles it cites, so the tables join on ids. The story JSON (stories.json) stays the
complete record; these tables are its columns, typed, for DuckDB, pandas, Spark or a spreadsheet.

The tables are made by SQL on the store file itself (opened read-only): DuckDB unnests the stored story JSON and
writes the files, so an archive of millions of articles never passes through Python objects.
"""

from __future__ import annotations

from pathlib import Path

FORMATS = {"parquet": ("parquet", "FORMAT PARQUET"), "jsonl": ("jsonl", "FORMAT JSON"),
           "csv": ("csv", "FORMAT CSV, HEADER")}

# The JSON shapes of the story parts (model.py), for DuckDB's from_json: fields missing from an older store's JSON
# come out NULL.
_IDS = '["VARCHAR"]'
_SHAPES = {
    "summary": '[{"text": "VARCHAR", "citations": ["VARCHAR"], "support": ["VARCHAR"], "single_source": "BOOLEAN", '
               '"speaker": "VARCHAR"}]',
    "quotes": '[{"text": "VARCHAR", "speaker": "VARCHAR", "speaker_mention": "VARCHAR", "cue": "VARCHAR", '
              '"kind": "VARCHAR", "article_ids": ["VARCHAR"], '
              '"variants": [{"text": "VARCHAR", "article_ids": ["VARCHAR"]}]}]',
    "entities": '[{"name": "VARCHAR", "type": "VARCHAR", "count": "INTEGER", "role": "VARCHAR", '
                '"article_ids": ["VARCHAR"], "aliases": ["VARCHAR"], "per_outlet": "JSON"}]',
    "timeline": '[{"text": "VARCHAR", "expression": "VARCHAR", "date": "VARCHAR", "end": "VARCHAR", '
                '"granularity": "VARCHAR", "resolution": "VARCHAR", "article_id": "VARCHAR", '
                '"article_ids": ["VARCHAR"]}]',
    "shared_passages": '[{"text": "VARCHAR", "article_ids": ["VARCHAR"], "source": "VARCHAR", "directed": "BOOLEAN"}]',
    "developments": '[{"id": "VARCHAR", "headline": "VARCHAR", "headline_article": "VARCHAR", '
                    '"article_ids": ["VARCHAR"], "outlets": ["VARCHAR"], "date_range": ["VARCHAR"]}]',
    "copy_map": '[{"article_id": "VARCHAR", "outlet": "VARCHAR", "words": "INTEGER", "original_share": "DOUBLE", '
                '"reused_share": "DOUBLE", "shared_share": "DOUBLE", "reused_from": "JSON", "copied_by": "JSON"}]',
}


def _story_parts(part: str, columns: str) -> str:
    """One row per element of a story's `part` list, numbered from 0 within the story."""
    return f"""
        WITH parts AS (
            SELECT id AS story_id, from_json(data->'$.{part}', '{_SHAPES[part]}') AS items
            FROM s.stories WHERE data IS NOT NULL)
        SELECT story_id, idx, {columns} FROM (
            SELECT story_id, unnest(range(len(items))) AS idx, unnest(items) AS p FROM parts)
        ORDER BY story_id, idx"""


TABLES = {
    # an article's story: the analysed story listing it, else its placement followed through merges (`resolved`)
    "articles": """
        SELECT a.id, coalesce(listed.story_id, resolved.story_id, a.story_id) AS story_id, a.title, a.outlet, a.url,
               a.date,
               a.data->>'$.date_source' AS date_source, CAST(a.data->>'$.date_confidence' AS DOUBLE) AS date_confidence,
               a.data->>'$.author' AS author, a.data->>'$.language' AS language, a.source, a.hash,
               CAST(a.data->>'$.title_derived' AS BOOLEAN) AS title_derived,
               a.data->>'$.extraction.method' AS extraction_method,
               CAST(a.data->>'$.extraction.confidence' AS DOUBLE) AS extraction_confidence,
               len(CAST(a.data->'$.removed' AS JSON[])) AS removed_blocks,
               a.data->>'$.text' AS text, CAST(a.data->'$.meta' AS JSON) AS meta
        FROM s.articles a
        LEFT JOIN (SELECT unnest(from_json(data->'$.article_ids', '["VARCHAR"]')) AS article_id, id AS story_id
                   FROM s.stories WHERE data IS NOT NULL) listed ON listed.article_id = a.id
        LEFT JOIN resolved ON resolved.old_id = a.story_id
        ORDER BY a.seq""",
    "stories": f"""
        SELECT id AS story_id, headline, n_articles, from_json(data->'$.article_ids', '{_IDS}') AS article_ids,
               from_json(data->'$.outlets', '{_IDS}') AS outlets, data->>'$.date_range[0]' AS first_date,
               data->>'$.date_range[1]' AS last_date,
               array_to_string(json_extract_string(data, '$.summary[*].text'), ' ') AS summary,
               coalesce(data->>'$.summary_kind', 'cross_outlet') AS summary_kind,
               CAST(data->'$.spin' AS JSON) AS spin
        FROM s.stories WHERE data IS NOT NULL ORDER BY n_articles DESC, id""",
    "summary_sentences": _story_parts("summary", "p.text, p.speaker, p.citations, p.support, p.single_source"),
    "quotes": _story_parts("quotes", "p.text, p.speaker, p.speaker_mention, p.cue, p.kind, p.article_ids, p.variants"),
    "entities": _story_parts("entities", "p.name, p.type, p.count, p.role, p.article_ids, p.aliases, p.per_outlet"),
    "events": _story_parts("timeline", 'p.date, p."end" AS end_date, p.granularity, p.expression, p.resolution, '
                           "p.text, p.article_id, p.article_ids"),
    "developments": _story_parts("developments", "p.id AS development_id, p.headline, p.headline_article, "
                                 "p.date_range[1] AS first_date, p.date_range[2] AS last_date, p.outlets, "
                                 "p.article_ids"),
    "shared_passages": _story_parts("shared_passages", "p.text, p.article_ids, p.source, p.directed"),
    "copy_map": _story_parts("copy_map", "p.article_id, p.outlet, p.words, p.original_share, p.reused_share, "
                             "p.shared_share, p.reused_from, p.copied_by"),
    "duplicates": "SELECT id, source, duplicate_of FROM s.duplicates ORDER BY source, id",
    "merges": "SELECT old_id, new_id AS merged_into, resolved.story_id FROM s.merges "
              "JOIN resolved USING (old_id) ORDER BY old_id",
    "problems": "SELECT source, reason, detail FROM s.problems ORDER BY source, reason",
}


# Merge events followed to the surviving story (as Store.resolve does; a cycle, which merges never make, stops).
_RESOLVED = """
    WITH RECURSIVE chain(old_id, story_id, depth) AS (
        SELECT old_id, new_id, 1 FROM s.merges
        UNION ALL
        SELECT chain.old_id, m.new_id, depth + 1 FROM chain JOIN s.merges m ON m.old_id = chain.story_id
        WHERE depth < 1000)
    SELECT old_id, arg_max(story_id, depth) AS story_id FROM chain GROUP BY old_id"""


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def export_store(db: str | Path, out_dir: str | Path, fmt: str = "parquet") -> dict[str, int]:
    """Write every table of TABLES from the store `db` into `out_dir` as `<table>.<ext>`; returns {table: rows}.
    Same store, same files: rows are ordered and one thread writes."""
    import duckdb

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    ext, options = FORMATS[fmt]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": 1})
    try:
        con.execute(f"ATTACH {_sql_string(str(db))} AS s (READ_ONLY)")
        con.execute(f"CREATE TEMP TABLE resolved AS {_RESOLVED}")
        counts = {}
        for table, query in TABLES.items():
            target = out / f"{table}.{ext}"
            counts[table] = con.execute(f"COPY ({query}) TO {_sql_string(str(target))} ({options})").fetchone()[0]
        return counts
    finally:
        con.close()
