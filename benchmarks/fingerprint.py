"""A fingerprint of the model's results: one hash over many seeded runs.

Optimisations must not change results (one seed, one result). This script runs every
variant of every file in ``scenarios/`` for a range of seeds, with and without weekly
series, and hashes each run's event log (as its frame), weekly series, proposals and
summary metrics. Run it before and after a change; the printed hash must not move::

    .venv/bin/python benchmarks/fingerprint.py            # 30 seeds
    .venv/bin/python benchmarks/fingerprint.py --seeds 5  # quicker
"""

from __future__ import annotations

import argparse
import hashlib
import math
from pathlib import Path

from sim.runs.runner import RunResult, run
from sim.scenario.loader import load_file

ROOT = Path(__file__).resolve().parents[1]


def _number(x: object) -> str:
    """A stable text form of a value (NaN spelled out, floats exactly)."""
    if isinstance(x, float):
        return "nan" if math.isnan(x) else x.hex()
    return repr(x)


def digest_run(res: RunResult) -> str:
    """Hash one run's events, series, proposals and metrics."""
    h = hashlib.sha256()
    events = res.events_frame()
    for row in events.itertuples(index=False):
        h.update("|".join(_number(v) for v in row).encode())
    h.update(b"#series")
    for srow in res.series:
        h.update("|".join(_number(float(v)) for v in srow).encode())
    h.update(b"#proposals")
    h.update(res.proposals_frame().to_csv(index=False).encode())
    h.update(b"#metrics")
    for k in sorted(res.metrics):
        h.update(f"{k}={_number(float(res.metrics[k]))}".encode())
    return h.hexdigest()


def fingerprint(seeds: int) -> str:
    """One hash over every variant of every scenario file, ``seeds`` seeds each."""
    h = hashlib.sha256()
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        sf = load_file(path)
        for name in sorted(sf.variants):
            scenario = sf.variant(name)
            for seed in range(seeds):
                h.update(f"{path.name}:{name}:{seed}:".encode())
                h.update(digest_run(run(scenario, seed, variant=name)).encode())
                summary = run(scenario, seed, series=False, variant=name)
                h.update(digest_run(summary).encode())
    return h.hexdigest()


def main() -> None:
    """Print the fingerprint."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=30, help="Seeds per variant (default 30).")
    args = ap.parse_args()
    print(fingerprint(args.seeds))


if __name__ == "__main__":
    main()
