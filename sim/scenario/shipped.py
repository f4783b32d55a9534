"""The files wgsim ships: scenarios, experiments, calibration specs, episodes, parameters.

In a checkout they are the repository's ``scenarios/``, ``experiments/`` and
``calibration/`` folders; an installed wheel carries copies of them in ``sim/data/``
(``setup.py`` copies them at build time), with the same layout, so the relative paths
between them (a scenario's ``calibrated: ../calibration/calibrated.yaml``, an
experiment's ``scenarios: ../scenarios/cadence.yaml``) hold in both. Every command takes
a file on disk as before, or a shipped file by name: ``wgsim run historical``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from sim.errors import WgsimError

Kind = Literal["scenario", "experiment", "calibration"]

FOLDERS: dict[Kind, str] = {
    "scenario": "scenarios",
    "experiment": "experiments",
    "calibration": "calibration",
}
"""The folder of each kind of shipped file."""

SHIPPED_FILES = {
    "scenarios": ("*.yaml",),
    "experiments": ("*.yaml", "robustness/*.yaml", "robustness/summary.csv"),
    "calibration": (
        "*.yaml",
        "record.csv",
        "posterior/calibrated.yaml",
        "posterior/posterior.csv",
        "posterior/posterior_summary.csv",
        "recovery/recovery_summary.csv",
    ),
}
"""What the wheel ships of each folder (glob patterns); ``setup.py`` reads this."""


class NotShipped(WgsimError):
    """A name is neither a file on disk nor a shipped file."""


def data_root() -> Path:
    """The folder holding ``scenarios/``, ``experiments/`` and ``calibration/``.

    Raises:
        NotShipped: if neither an installed copy nor a checkout holds them.
    """
    package = Path(__file__).resolve().parents[1]
    for root in (package / "data", package.parent):
        if (root / "scenarios").is_dir():
            return root
    raise NotShipped(
        f"the shipped scenarios are missing (looked in {package / 'data'} and "
        f"{package.parent}); reinstall wgsim, or give files by path"
    )


def shipped(kind: Kind) -> list[Path]:
    """The shipped files of ``kind`` (YAML files of its folder), sorted by name."""
    return sorted((data_root() / FOLDERS[kind]).glob("*.yaml"))


def is_name(value: str | Path) -> bool:
    """Whether ``value`` reads as a bare name (``historical``), not as a path."""
    text = str(value)
    return bool(text) and "/" not in text and "\\" not in text and not text.endswith(".yaml")


def resolve(kind: Kind, value: str | Path) -> Path:
    """The file ``value`` names: a path on disk as given, else a shipped file by name.

    A path that exists wins over a shipped file of the same name; a path that does not
    exist (and is not a bare name) is returned as given, so the reader reports it.

    Raises:
        NotShipped: for a bare name that is neither a file here nor a shipped file,
            listing the shipped names.
    """
    path = Path(value)
    if path.exists() or not is_name(value):
        return path
    candidate = data_root() / FOLDERS[kind] / f"{value}.yaml"
    if candidate.is_file():
        return candidate
    names = ", ".join(p.stem for p in shipped(kind)) or "none"
    raise NotShipped(
        f"'{value}': no such file here, and no shipped {kind} of that name; "
        f"shipped {FOLDERS[kind]}: {names} (or give a path to a YAML file)"
    )


def resolve_data_file(value: str | Path) -> Path:
    """A data file (``--posterior calibration/posterior/posterior.csv``) on disk or shipped.

    A path that exists is returned as given; a relative one that does not is looked up
    under the shipped files' folder (so the paths the README gives work from any folder
    with an installed wheel); otherwise it is returned as given, for the reader to report.
    """
    path = Path(value)
    if path.exists() or path.is_absolute():
        return path
    try:
        root = data_root().resolve()
    except NotShipped:
        return path
    candidate = (root / path).resolve()
    if candidate.is_file() and candidate.is_relative_to(root):
        return candidate
    return path
