"""``wgsim summary``: the printable one-page run summary, for a fresh or a stored run.

The same page as the interactive page's *Printable summary* button
(:func:`sim.page.summary.summary_html`): one self-contained HTML file that prints on one
A4 or Letter page.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import Seed, Sets, out_console, safe, scenario_path
from sim.errors import WgsimError


class SummaryError(WgsimError):
    """A ``wgsim summary`` option that cannot be used (exit code 2)."""


def summary(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario file or shipped name to run (not with --run).", show_default=False
        ),
    ] = None,
    variant: Annotated[
        str | None, typer.Option("--variant", help="Variant name (default: the first).")
    ] = None,
    seed: Seed = 0,
    sets: Sets = None,
    one: Annotated[
        bool, typer.Option("--one", help="One run of the variant, not with and without the WG.")
    ] = False,
    stored: Annotated[
        Path | None,
        typer.Option("--run", help="A folder written by 'wgsim run' to summarise instead."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The HTML file (default results/summary-...html)."),
    ] = None,
) -> None:
    """Write the one-page run summary (HTML, prints on one page) of a fresh or stored run."""
    from sim.page.model import MODES, PageModel, stored_runs
    from sim.page.summary import SummaryInfo, info_for, summary_html
    from sim.runs.store import atomic_write_bytes, safe_name
    from sim.scenario.loader import load_file
    from sim.scenario.paths import parse_sets

    mode_words = {v: k for k, v in MODES.items()}
    if (file is None) == (stored is None):
        raise SummaryError("wgsim summary: give a scenario FILE or --run FOLDER (one of them)")
    if stored is not None:
        if sets or variant or one:
            raise SummaryError(
                "--run: a stored run is summarised as stored (no --set, --variant or --one)"
            )
        runs = [r for r in stored_runs(stored.parent) if r.folder == stored]
        if not (stored / "events.parquet").exists() or not runs:
            raise SummaryError(
                f"--run {stored}: not a folder written by 'wgsim run' "
                "(it needs events.parquet, series.parquet and manifest.json)"
            )
        if runs[0].replication >= 0:
            raise SummaryError(
                f"--run {stored}: a batch folder (many runs); give a folder written by "
                "'wgsim run', or replay the batch's runs on the page (wgsim serve --results)"
            )
        model = PageModel(mode="replay", replay=runs[0])
        info = SummaryInfo(
            stored.name,
            runs[0].variant,
            "",
            mode_words["replay"],
            runs[0].seed,
            (),
            f"wgsim summary --run {shlex.quote(str(stored))}",
        )
        name = f"summary-{stored.name}"
    else:
        assert file is not None
        path = scenario_path(file)
        sf = load_file(path)
        name_v = variant or sf.baseline
        sf.variant(name_v)  # an unknown variant: the loader's message, exit 2
        overrides = parse_sets(sets or [])
        has_wg = PageModel(path, name_v, "single", seed, overrides).runs[0].label == "working group"
        mode = "single" if one or not has_wg else "side"
        model = PageModel(path, name_v, mode, seed, overrides)
        again = ["wgsim", "summary", str(file), "--variant", name_v, "--seed", str(seed)]
        again += [f"--set={s}" for s in sets or []] + (["--one"] if mode == "single" else [])
        info = info_for(path, name_v, mode_words[mode], seed, overrides, shlex.join(again))
        name = f"summary-{path.stem}-{name_v}-s{seed}"
    while not model.finished:
        model.step()
    target = out or Path("results") / f"{safe_name(name)}.html"
    if target.is_dir():
        raise SummaryError(f"--out {target}: is a folder; name an HTML file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, summary_html(model.views(), info).encode())
    except OSError as exc:
        raise SummaryError(f"--out {target}: cannot write it ({exc.strerror or exc})") from None
    out_console.print(f"summary: [bold]{safe(target)}[/bold] (print it, or open it in a browser)")
