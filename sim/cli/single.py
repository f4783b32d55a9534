"""Commands about one scenario or one run.

They are validate, schema, parameters, codebook, scenarios, run and serve.

Each command imports the heavy modules it needs (the runner and Mesa, pandas, the page)
inside its function, so that ``wgsim --help`` and the light commands stay fast.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sim.cli.common import (
    FileArg,
    Json,
    Seed,
    Sets,
    emit_json,
    err_console,
    out_console,
    print_summary,
    safe,
    scenario_path,
    status,
)
from sim.scenario.loader import ScenarioFile, file_json_schema, load_file
from sim.scenario.paths import override_file, parse_sets
from sim.scenario.shipped import FOLDERS, data_root, shipped


def load_with_sets(file: Path, sets: list[str] | None) -> tuple[Path, ScenarioFile]:
    """A command's scenario file (a path or a shipped name), with its ``--set`` overrides."""
    overrides = parse_sets(sets or [])
    path = scenario_path(file)
    return path, override_file(load_file(path), overrides)


def validate(
    files: Annotated[
        list[Path], typer.Argument(help="Scenario files (or shipped names) to check.")
    ],
    sets: Sets = None,
    as_json: Json = False,
) -> None:
    """Check scenario files against the schema; print each file's variants."""
    checked = []
    for given in files:
        _, sf = load_with_sets(given, sets)
        checked.append({"file": str(given), "variants": list(sf.variants), "digest": sf.digest})
        if not as_json:
            names = ", ".join(sf.variants)
            out_console.print(
                f"[green]ok[/green] {safe(given)}: variants {safe(names)} (digest {sf.digest})"
            )
    if as_json:
        emit_json({"files": checked})


def schema() -> None:
    """Print the JSON Schema of scenario files (for editor completion)."""
    sys.stdout.write(json.dumps(file_json_schema(), indent=2, default=str) + "\n")


def parameters(
    as_json: Json = False,
) -> None:
    """Print the parameter reference (Markdown) generated from the schema, or as JSON."""
    if as_json:
        from sim.scenario.reference import parameter_table

        emit_json(parameter_table())
        return
    from sim.scenario.reference import parameters_markdown

    sys.stdout.write(parameters_markdown())


def codebook(as_json: Json = False) -> None:
    """Print the codebook of the output tables (docs/outputs.md), generated from code."""
    from sim.runs import codebook as book

    if not as_json:
        sys.stdout.write(book.codebook_markdown())
        return
    tables = {
        name: {
            "row": what,
            "columns": [
                {
                    "name": c.name,
                    "type": c.kind,
                    "arrow_type": str(book.arrow_type(c)),
                    "unit": c.unit,
                    "null_means": c.null_means,
                    "meaning": c.meaning,
                    "labels": list(c.labels),
                }
                for c in cols
            ],
        }
        for name, (cols, what) in book.TABLES.items()
    }
    emit_json({"schema_version": book.SCHEMA_VERSION, "tables": tables})


def scenarios(as_json: Json = False) -> None:
    """List the shipped scenarios (with their variants), experiments and calibration specs."""
    rows: list[dict[str, Any]] = []
    for path in shipped("scenario"):
        sf = load_file(path)
        rows.append({"kind": "scenario", "name": path.stem, "variants": list(sf.variants)})
    for kind in ("experiment", "calibration"):
        rows += [
            {"kind": kind, "name": p.stem, "variants": []}
            for p in shipped(kind)
            if kind != "calibration" or p.stem not in ("episodes", "calibrated")
        ]
    if as_json:
        emit_json({"folder": str(data_root()), "files": rows})
        return
    table = Table(title=f"Shipped files ({data_root()})")
    for col in ("kind", "name", "variants", "use"):
        table.add_column(col)
    verbs = {"scenario": "run / compare", "experiment": "experiment", "calibration": "calibrate"}
    for r in rows:
        table.add_row(
            r["kind"], r["name"], ", ".join(r["variants"]), f"wgsim {verbs[r['kind']]} {r['name']}"
        )
    out_console.print(table)
    status(f"shipped folders: {', '.join(FOLDERS.values())} under {data_root()}")


def run(
    file: FileArg,
    variant: Annotated[
        str | None, typer.Option("--variant", help="Variant name (default: the first).")
    ] = None,
    seed: Seed = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Output folder (default results/<scenario>-<variant>-s<seed>)."
        ),
    ] = None,
    sets: Sets = None,
    as_json: Json = False,
) -> None:
    """Run one scenario variant once: summary table, Parquet outputs and a timeline figure."""
    import pandas as pd

    from sim.analysis import plots
    from sim.runs.codebook import encode_frame, stored_row
    from sim.runs.runner import check_size
    from sim.runs.runner import run as run_once
    from sim.runs.store import (
        atomic_write_json,
        atomic_write_parquet,
        ensure_output_folder,
        file_metadata,
        provenance,
        safe_name,
    )

    path, sf = load_with_sets(file, sets)
    name = variant or sf.baseline
    scenario = sf.variant(name)
    default = Path("results") / safe_name(f"{scenario.name}-{name}-s{seed}")
    check_size(scenario, str(path))
    out = ensure_output_folder(out or default)
    t0 = time.perf_counter()
    result = run_once(scenario, seed, variant=name)
    elapsed = time.perf_counter() - t0
    events, series = result.events_frame(), result.series_frame()
    keys = {"scenario": scenario.name, "variant": name, "seed": seed}
    row = {**keys, **result.metrics}
    tables = {
        "events": events,
        # which run its rows are from, in front, as in a batch's series
        "series": pd.DataFrame(keys, index=series.index).join(series),
        "proposals": result.proposals_frame(),
        "metrics": pd.DataFrame([row]),
    }
    for kind, frame in tables.items():
        meta = file_metadata(kind, sf.digest, seed)
        atomic_write_parquet(encode_frame(kind, frame), out / f"{kind}.parquet", meta)
    title = f"{scenario.name} / {name}, seed {seed}"  # a figure's title: no markup there
    fig = plots.timeline(
        events,
        series,
        scenario,
        out / "timeline.png",
        f"{title}: simulated events and documented episodes",
    )
    manifest = {
        "kind": "run",
        "scenario_file": str(path),
        "scenario_path": str(path.resolve()),
        "scenario_digest": sf.digest,
        "scenario_text": sf.text,
        "variant": name,
        "seed": seed,
        "seconds": round(elapsed, 4),
        **provenance(),
    }
    atomic_write_json(manifest, out / "manifest.json")
    files = [f"{kind}.parquet" for kind in tables] + [fig.name, "manifest.json"]
    if as_json:
        emit_json(
            {
                "scenario": scenario.name,
                "variant": name,
                "seed": seed,
                "out": str(out),
                "files": files,
                "seconds": round(elapsed, 4),
                "metrics": stored_row("metrics", result.metrics),
            }
        )
        return
    print_summary(result.metrics, scenario.calendar.start, safe(title))
    from sim.analysis.narrate import stories

    told = stories(events)  # the named items (documented proposals), each its dated story
    if told:
        out_console.print("\n[bold]Named items[/bold] (docs/record.md), each its story:")
    for label, lines in told:
        out_console.print(f"\n[bold]{safe(label)}[/bold]")
        for line in lines:
            out_console.print(f"  {safe(line)}")
    out_console.print(f"\nOutputs in [bold]{safe(out)}[/bold]: {', '.join(files)}")


def serve(
    file: Annotated[
        Path,
        typer.Argument(
            help="Scenario file or shipped name the page starts with (its folder lists the others)."
        ),
    ] = Path("historical"),
    port: Annotated[int, typer.Option("--port", "-p", help="Port.", min=1, max=65535)] = 8765,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on; 0.0.0.0 deliberately exposes the page."),
    ] = "127.0.0.1",
    lan: Annotated[
        bool,
        typer.Option(
            "--lan",
            help="Listen on every network address (--host 0.0.0.0) for a class session; "
            "prints a warning and the address students open.",
        ),
    ] = False,
    results: Annotated[
        Path, typer.Option("--results", help="Folder searched for stored runs to replay.")
    ] = Path("results"),
) -> None:
    """Start the interactive page (Solara, offline) at http://HOST:PORT; Ctrl-C stops it."""
    from sim.errors import WgsimError
    from sim.page.assets import installed_requirements, missing
    from sim.page.serve import EVERY_ADDRESS, check_port, exposure
    from sim.page.serve import serve as run_server

    if lan:
        if host not in ("127.0.0.1", EVERY_ADDRESS):
            raise WgsimError(
                f"--lan listens on every address ({EVERY_ADDRESS}) and --host asks for "
                f"'{host}': give one of them"
            )
        host = EVERY_ADDRESS
    path = scenario_path(file)
    load_file(path)
    check_port(host, port)
    cache, packages = installed_requirements()
    if missing(cache, packages):
        status(
            "warning: Solara's web assets are not cached, so the page fetches them from the "
            "internet (and stays blank offline); cache them once with "
            f"'{sys.executable} -m sim.page.assets' (needs npm; in a checkout 'make setup' "
            "does it)"
        )
    for line in exposure(host, port):  # said even with --quiet
        err_console.print(safe(line))
    out_console.print(f"wgsim page: http://{safe(host)}:{port}/  (Ctrl-C stops it)")
    code = run_server(path, host, port, results)
    if code:  # a server ended by a signal exits as a shell reports it: 128 + the signal
        raise typer.Exit(128 - code if code < 0 else code)
