"""wgsim benchmark: speed per run against a bare Mesa model, parallel efficiency, memory.

Run with ``make bench`` (or ``python benchmarks/bench.py --quick``). Every figure that is
compared is measured in this process, interleaved in rounds, so the ratios hold on a
shared, noisy machine even when absolute times drift.

Runs are timed as the batch commands make them (see ``per_run_seconds``): with weekly
series as ``wgsim compare`` does, and summary-only as sweeps and sensitivity analyses do,
neither keeping the event log's rows unless ``--events`` asks; the ratios of runs that
keep the log as well are printed for reference.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bare_mesa import run_bare  # noqa: E402

from sim.runs import engine, executors  # noqa: E402
from sim.runs.runner import run  # noqa: E402
from sim.scenario.loader import load_file  # noqa: E402
from sim.studies.comparison.run import compare_jobs  # noqa: E402

SCENARIO = ROOT / "scenarios" / "historical.yaml"


def per_run_seconds(n: int, rounds: int) -> dict[str, dict[str, float]]:
    """Seconds per run of each configuration and of bare Mesa, and their cost ratios.

    ``series`` and ``summary`` are runs as the batch commands make them: ``wgsim compare``
    writes runs and weekly series, sweeps and sensitivity analyses runs only, and neither
    keeps the event log's rows unless asked (``--events``). The ``_log`` configurations
    keep them as well, as ``--events``, calibration and the page do.

    Each round times ``n`` runs of every configuration back to back, starting with a
    different one each round. A configuration's ratio is the median over rounds of its
    time over the bare model's in the same round, so that drift between rounds (the
    machine is shared) cancels; its seconds are the median over rounds.
    """
    scenario = load_file(SCENARIO).variant("historical")
    weeks = scenario.calendar.n_weeks
    n_agents = 6  # State, MOFA, MOU, Blue House, DPRK, UN 1718 Committee
    configs: dict[str, Callable[[int], object]] = {
        "series": lambda s: run(scenario, s, events=False),
        "summary": lambda s: run(scenario, s, series=False, events=False),
        "series_log": lambda s: run(scenario, s),
        "summary_log": lambda s: run(scenario, s, series=False),
        "bare": lambda s: run_bare(s, weeks, n_agents),
    }
    keys = list(configs)
    timings: dict[str, list[float]] = {key: [] for key in keys}
    for fn in configs.values():
        fn(0)
    for r in range(rounds):
        seeds = range(r * n, (r + 1) * n)
        for key in keys[r % len(keys) :] + keys[: r % len(keys)]:
            fn = configs[key]
            t0 = time.perf_counter()
            for s in seeds:
                fn(s)
            timings[key].append((time.perf_counter() - t0) / n)
    return {
        "seconds": {k: _median(v) for k, v in timings.items()},
        "ratio": {
            k: _median([a / b for a, b in zip(v, timings["bare"], strict=True)])
            for k, v in timings.items()
        },
    }


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def serial_batch_rate(replications: int) -> float:
    """Runs/s of a batch in this process alone (one core, the same work the workers do)."""
    sf = load_file(SCENARIO)
    jobs, scenarios, _ = compare_jobs(sf, replications, seed=321)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        engine.execute(jobs, scenarios, Path(tmp), workers=1, series=True)
        return len(jobs) / (time.perf_counter() - t0)


def parallel_efficiency(replications: int, rounds: int) -> dict[str, Any]:
    """Runs/s with 2 workers (processes, Dask) over twice the one-core rate.

    Each round measures the serial batch, then 2 processes, then 2 Dask workers, and
    divides by that round's serial rate; the median round is reported. The host's vCPUs
    are shared with other machines, so a single round can be off by 10-20 %.
    """
    sf = load_file(SCENARIO)
    jobs, scenarios, _ = compare_jobs(sf, replications, seed=123)
    cluster = executors.local_cluster(2)  # as `--dask local` starts it
    found: dict[str, list[float]] = {"processes": [], "dask": [], "serial_rate": []}
    for _ in range(rounds):
        serial = serial_batch_rate(replications)
        found["serial_rate"].append(serial)
        for name, dask in (("processes", None), ("dask", cluster.scheduler_address)):
            with tempfile.TemporaryDirectory() as tmp:
                # warm-up batch: worker start-up is not part of the steady-state rate
                engine.execute(jobs[:8], scenarios, Path(tmp) / "warm", workers=2, dask=dask)
                t0 = time.perf_counter()
                engine.execute(jobs, scenarios, Path(tmp) / "b", workers=2, dask=dask, series=True)
                rate = len(jobs) / (time.perf_counter() - t0)
            found[name].append(rate / (2 * serial))
    cluster.close()
    out: dict[str, Any] = {k: _median(v) for k, v in found.items()}
    out.update({f"{k}_rounds": v for k, v in found.items()})
    return out


def peak_memory(replications: int) -> float:
    """Peak RSS (MiB) of a process running a comparison batch of ``replications``."""
    code = (
        "import resource, tempfile, pathlib\n"
        "from sim.runs import engine, parts\nfrom sim.studies.comparison.run import compare_jobs\n"
        "from sim.scenario.loader import load_file\n"
        f"sf = load_file({str(SCENARIO)!r})\n"
        f"jobs, sc, _ = compare_jobs(sf, {replications}, seed=5)\n"
        "with tempfile.TemporaryDirectory() as t:\n"
        "    engine.execute(jobs, sc, pathlib.Path(t), workers=2, series=True)\n"
        "    parts.finalize(pathlib.Path(t))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(res.stdout.strip().splitlines()[-1])


def _pct(eff: dict[str, Any], key: str) -> str:
    """The rounds of an efficiency figure, in percent (the median is the figure)."""
    return "/".join(f"{100 * x:.0f}" for x in eff[f"{key}_rounds"])


def main() -> None:
    """Measure and print the table (and JSON with --json)."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="Fewer runs (noisier).")
    ap.add_argument("--json", type=Path, help="Also write the figures to this JSON file.")
    args = ap.parse_args()
    n, rounds = (20, 5) if args.quick else (40, 15)
    timed = per_run_seconds(n, rounds)
    t, ratio = timed["seconds"], timed["ratio"]
    rate_series, rate_summary = 1 / t["series"], 1 / t["summary"]
    # Steady state: 3,000 runs (1,500 per variant) after a warm-up batch; a 600-run batch
    # lasts under 2 s here, and pool start-up and the last task's tail then weigh ~10 %.
    reps = 100 if args.quick else 1500
    eff = parallel_efficiency(reps, 1 if args.quick else 3)
    small, large = (200, 2000) if args.quick else (1000, 10000)
    mem_small, mem_large = peak_memory(small // 2), peak_memory(large // 2)
    rows = [
        # The speed target (the team's decision of 2026-12-07): a run costs at most 2.5x
        # the bare Mesa model measured in the same process; absolute rates are reported
        # only, since they depend on the machine and its load.
        ("runs/s/core, weekly series (as compare)", f"{rate_series:.0f}", "", None),
        ("runs/s/core, summary only (as sweeps)", f"{rate_summary:.0f}", "", None),
        ("bare Mesa runs/s/core (6 agents, 10 reporters)", f"{1 / t['bare']:.0f}", "", None),
        (
            "cost per run / bare Mesa (series)",
            f"{ratio['series']:.2f}",
            "<= 2.5",
            ratio["series"] <= 2.5,
        ),
        # For reference: summary-only runs, and both kinds keeping the event log's rows.
        ("cost per run / bare Mesa (summary only)", f"{ratio['summary']:.2f}", "", None),
        (
            "cost per run / bare Mesa (series + event log)",
            f"{ratio['series_log']:.2f}",
            "",
            None,
        ),
        (
            "cost per run / bare Mesa (summary + event log)",
            f"{ratio['summary_log']:.2f}",
            "",
            None,
        ),
        (
            f"parallel efficiency, 2 processes ({2 * reps} runs; rounds {_pct(eff, 'processes')})",
            f"{eff['processes']:.0%}",
            ">= 90%",
            eff["processes"] >= 0.9,
        ),
        (
            f"parallel efficiency, Dask 2 workers ({2 * reps} runs; rounds {_pct(eff, 'dask')})",
            f"{eff['dask']:.0%}",
            ">= 90%",
            eff["dask"] >= 0.9,
        ),
        (f"peak memory {small} runs (MiB)", f"{mem_small:.0f}", "", None),
        (f"peak memory {large} runs (MiB)", f"{mem_large:.0f}", "", None),
        (
            "memory ratio large/small",
            f"{mem_large / mem_small:.2f}",
            "<= 1.20",
            mem_large / mem_small <= 1.2,
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>8}  {'target':>8}  result")
    for name, value, target, ok in rows:
        verdict = "" if ok is None else ("pass" if ok else "FAIL")
        print(f"{name:<{width}}  {value:>8}  {target:>8}  {verdict}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"per_run": timed, "efficiency": eff, "memory_mib": [mem_small, mem_large]},
                indent=2,
            )
        )
    _ = resource  # the child processes measure their own peak


if __name__ == "__main__":
    main()
