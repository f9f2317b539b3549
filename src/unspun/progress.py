"""Progress reporting: a tqdm bar on a terminal, JSON lines for pipelines, nothing when quiet."""

from __future__ import annotations

import json
import sys
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")


class Progress:
    """mode: "auto" (bar when stderr is a terminal), "bar", "json" (one JSON line per update), "quiet"."""

    def __init__(self, mode: str = "auto", stream=None) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "quiet"
        self.mode = mode

    def iter(self, items: Iterable[T], stage: str, total: int | None = None, unit: str = "it") -> Iterator[T]:
        if self.mode == "bar":
            import shutil

            from tqdm import tqdm

            # shutil falls back to 80 columns where the terminal reports none (tqdm would draw an empty bar)
            ncols = shutil.get_terminal_size().columns
            yield from tqdm(items, desc=stage, total=total, unit=unit, file=self.stream, ncols=ncols)
            return
        if self.mode != "json":
            yield from items
            return
        done = 0
        every = max(1, (total or 100) // 100)
        for item in items:
            yield item
            done += 1
            if done % every == 0 or done == total:
                self.stream.write(json.dumps({"stage": stage, "done": done, "total": total}) + "\n")
                self.stream.flush()
