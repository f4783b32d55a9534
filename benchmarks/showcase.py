"""Recompute the page's showcase seeds: ``python benchmarks/showcase.py``.

Runs seeds 0-49 of ``scenarios/historical.yaml`` (baseline variant) with and without the
WG, picks the seeds by the criterion of ``sim/page/seedpick.py`` (both halves of the
trade-off visible, outcomes nearest the ensemble median) and writes them to
``sim/page/showcase.json``, which the page (its starting seed) and docs/tutorial.md read.
Rerun it after a change to the model: tests/test_tutorial.py fails while the file is
stale. ``--check`` only compares (exit 1 when stale). About a second.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.page.showcase import FILE, compute, shipped, write  # noqa: E402
from sim.scenario.loader import load_file  # noqa: E402

SCENARIO = ROOT / "scenarios" / "historical.yaml"


def main() -> int:
    """Compute, print, and write (or check) the showcase seeds."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the shipped file only")
    args = ap.parse_args()
    show = compute(SCENARIO, load_file(SCENARIO).baseline)
    print(f"showcase seeds of {show.scenario} / {show.variant}: {list(show.seeds)}")
    print(f"distances from the ensemble medians: {list(show.distances)}")
    if args.check:
        stale = shipped() != show
        print("the shipped file is " + ("STALE" if stale else "up to date") + f": {FILE}")
        return 1 if stale else 0
    write(show)
    print(f"written: {FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
