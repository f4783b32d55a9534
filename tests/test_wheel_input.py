"""An installed wheel as capable as a checkout (issue 28): shipped names and paths work
from any folder.

Uses :mod:`test_wheel`'s installed wheel (a fresh environment, an empty folder).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_wheel import _wgsim, installed  # noqa: F401  (the fixture)


def test_the_wheel_reads_shipped_names_copies_and_paths_from_an_empty_folder(installed):  # noqa: F811
    script, _, empty = installed
    (empty / "mine.yaml").write_text("extends: historical\nscenario: {us: {win_set: 0.4}}\n")
    res = _wgsim(installed, "validate", "mine.yaml", "--json")
    assert res.returncode == 0, res.stderr
    folder = Path(json.loads(_wgsim(installed, "scenarios", "--json").stdout)["folder"])
    shutil.copy(folder / "scenarios" / "historical.yaml", empty / "copy.yaml")
    res = _wgsim(installed, "validate", "copy.yaml", "historical", "--json")
    assert res.returncode == 0, res.stderr
    copy, shipped = json.loads(res.stdout)["files"]
    assert copy["digest"] == shipped["digest"]  # the copy keeps its calibrated values
    res = _wgsim(
        installed,
        "-q",
        "compare",
        "historical",
        "-n",
        "1",
        "--posterior",
        "calibration/posterior/posterior.csv",
        "--out",
        "post",
        "--json",
    )
    assert res.returncode == 0, res.stderr
    manifest = json.loads((empty / "post" / "manifest.json").read_text())
    assert Path(manifest["posterior"]).is_relative_to(script.parents[1])
