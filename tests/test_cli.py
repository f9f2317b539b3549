"""CLI habits: progress modes, JSON lines on stdout, --explain, stdin, --group-by."""

import json
import subprocess
import sys

CLI = [sys.executable, "-m", "unspun"]


def _run(args, **kw):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, **kw)


def test_json_progress_and_jsonl_stdout(tmp_path, seeds_dir):
    proc = _run(["run", str(seeds_dir), "--out", str(tmp_path / "o"), "--json-progress", "--jsonl", "--format", "json"])
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    stages = {e["stage"] for e in events}
    assert {"ingest", "stories"} <= stages
    assert events[-1]["done"] == events[-1]["total"] == 1  # one story analysed
    stories = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(stories) == 1 and stories[0]["summary"]


def test_not_a_terminal_means_no_progress_bar(tmp_path, seeds_dir):
    proc = _run(["run", str(seeds_dir), "--out", str(tmp_path / "o"), "--format", "json"])
    assert proc.returncode == 0
    assert "\r" not in proc.stderr and "it/s" not in proc.stderr
    assert proc.stderr.strip().startswith("unspun:")  # only the closing summary line


def test_explain_shows_kept_and_dropped_blocks(seeds_dir):
    proc = _run(["explain", str(seeds_dir)])
    assert proc.returncode == 0
    assert "DROP [link_list] More news:" in proc.stdout
    assert "DROP [transcript] SHAPIRO:" in proc.stdout
    assert "keep Washington previous year pulled out" in proc.stdout


def test_stdin_jsonl_with_group_by(tmp_path):
    rows = [
        {"id": "a1", "title": "Dam opens", "g": "x",
         "text": "The new dam on the river opened on Monday, officials said."},
        {"id": "a2", "title": "River dam", "g": "x",
         "text": "Officials opened the river dam on Monday after ten years."},
        {"id": "b1", "title": "Chess final", "g": "y",
         "text": "The chess final ended in a draw after six hours of play."},
    ]
    data = "".join(json.dumps(r) + "\n" for r in rows)
    proc = _run(["run", "-", "--out", str(tmp_path / "o"), "--group-by", "g", "--format", "json", "-q"], input=data)
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "o" / "stories.json").read_text(encoding="utf-8"))
    groups = sorted(sorted(s["article_ids"]) for s in result["stories"])
    assert groups == [["a1", "a2"], ["b1"]]
    # the store's stories are groups of field g: a run that would cluster into it (or group by another field)
    # stops with a usage error before storing anything
    more = json.dumps({"id": "c1", "title": "Dam", "g": "x", "text": "The dam opened on Monday, officials said."})
    for flags in ([], ["--group-by", "h"]):
        proc = _run(["run", "-", "--out", str(tmp_path / "o"), *flags, "--format", "json", "-q"], input=more)
        assert proc.returncode == 2 and "--group-by g" in proc.stderr
    proc = _run(["run", "-", "--out", str(tmp_path / "o"), "--group-by", "g", "--format", "json", "-q"], input=more)
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "o" / "stories.json").read_text(encoding="utf-8"))
    assert sorted(sorted(s["article_ids"]) for s in result["stories"]) == [["a1", "a2", "c1"], ["b1"]]


def test_summary_length_flags(tmp_path, seeds_dir):
    proc = _run(["run", str(seeds_dir), "--out", str(tmp_path / "o"), "--summary-sentences", "2", "--format", "json",
                 "-q"])
    assert proc.returncode == 0, proc.stderr
    (story,) = json.loads((tmp_path / "o" / "stories.json").read_text(encoding="utf-8"))["stories"]
    assert 1 <= len(story["summary"]) <= 2
    proc = _run(["run", str(seeds_dir), "--out", str(tmp_path / "w"), "--summary-words", "40", "--format", "json",
                 "-q"])
    (story,) = json.loads((tmp_path / "w" / "stories.json").read_text(encoding="utf-8"))["stories"]
    assert sum(len(s["text"].split()) for s in story["summary"]) <= 40
    assert _run(["run", str(seeds_dir), "--summary-words", "0"]).returncode == 2


def test_usage_errors_name_the_command_and_the_choices(tmp_path):
    proc = _run(["run", str(tmp_path), "--out", str(tmp_path / "o"), "--format", "pdf"])
    assert proc.returncode == 2
    assert "usage: unspun run " in proc.stderr  # the usage of the command used, not the top-level one
    assert "unspun run: error: unknown format(s): pdf (choose from json, md, html)" in proc.stderr
    proc = _run(["stories", "--db", str(tmp_path / "none.duckdb")])
    assert proc.returncode == 2 and "unspun stories: error: no store at" in proc.stderr


def test_show_unknown_story_says_how_to_list_them(tmp_path, seeds_dir):
    db = tmp_path / "o" / "unspun.duckdb"
    assert _run(["run", str(seeds_dir), "--out", str(tmp_path / "o"), "--format", "json", "-q"]).returncode == 0
    proc = _run(["show", "nosuch", "--db", str(db)])
    assert proc.returncode == 1
    assert f"no story nosuch in {db}" in proc.stderr and "unspun stories --db" in proc.stderr


def test_same_input_same_bytes_across_processes(tmp_path, seeds_dir):
    """Two runs in fresh interpreters with different string-hash seeds (set and dict order, float sums over sets)
    write byte-identical outputs."""
    import os

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = _run(["run", str(seeds_dir), "--out", str(out), "--jobs", "1", "--format", "json,md,html"], env=env)
        assert proc.returncode == 0, proc.stderr
        outputs.append({name: (out / name).read_bytes() for name in ("stories.json", "stories.md", "report.html")})
    assert outputs[0] == outputs[1]
    assert b'"summary"' in outputs[0]["stories.json"]


def test_dense_stories_is_a_usage_error_without_the_embed_extra(tmp_path, monkeypatch, capsys):
    import pytest

    from unspun import cli, embed

    monkeypatch.setattr(embed, "available", lambda: False)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["ingest", str(tmp_path), "--db", str(tmp_path / "s.duckdb"), "--dense-stories"])
    assert exit_.value.code == 2 and "--dense-stories needs the embed extra" in capsys.readouterr().err
