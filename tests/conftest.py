import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds"
SHARED_DATA = ROOT.parent / "shared" / "data"

FOOTBALL = """Late Kane header earns Tottenham a draw at Villa Park

Harry Kane headed an equaliser in the 89th minute as Tottenham Hotspur came from behind to draw 2-2 with Aston Villa on Saturday afternoon.

Villa had led through Ollie Watkins, who finished a swift counter-attack after 20 minutes, and again through a John McGinn penalty early in the second half after Cristian Romero fouled Leon Bailey in the box.

Son Heung-min had levelled for Spurs before half-time with a curling shot from the edge of the area, his seventh goal of the season.

"We never stopped believing, and the fans pushed us all the way", Kane said after the match.

Villa manager Unai Emery said his side had deserved all three points but had lost concentration at the end.

The result leaves Tottenham fifth in the Premier League table, two points behind Manchester United, while Villa stay eighth.
"""


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    d = tmp_path / "in"
    shutil.copytree(SEEDS, d)
    return d


@pytest.fixture(scope="session")
def football_text() -> str:
    return FOOTBALL


def load_bench(name: str):
    """bench/<name>.py as a module (bench/ is scripts, not a package), registered as bench_<name>."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = mod
    spec.loader.exec_module(mod)
    return mod
