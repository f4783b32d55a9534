"""Build hook: copy the shipped scenarios, experiments and calibration files into the wheel.

They live at the repository's top level (where users and docs expect them) and are
installed as ``sim/data/<folder>/`` (sim.scenario.shipped finds them there). Everything
else about the package is in pyproject.toml.
"""

import ast
import json
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def shipped_files() -> dict[str, tuple[str, ...]]:
    """``SHIPPED_FILES`` of sim/scenario/shipped.py, read without importing the package."""
    tree = ast.parse((ROOT / "sim" / "scenario" / "shipped.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "SHIPPED_FILES" for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise RuntimeError("sim/scenario/shipped.py defines no SHIPPED_FILES")


class BuildWithData(build_py):
    """``build_py`` that also copies the shipped files into ``sim/data/``."""

    def run(self) -> None:
        """Build the package, then add the shipped files."""
        super().run()
        target = Path(self.build_lib) / "sim" / "data"
        for folder, patterns in shipped_files().items():
            for pattern in patterns:
                for src in sorted((ROOT / folder).glob(pattern)):
                    dest = target / folder / src.relative_to(ROOT / folder)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(src, dest)
        target.mkdir(parents=True, exist_ok=True)
        (target / "build.json").write_text(json.dumps(build_stamp()) + "\n", encoding="utf-8")


def git(*args: str) -> str | None:
    """A git command's output in this checkout (None if it is not one, or git fails)."""
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def build_stamp() -> dict[str, object]:
    """The commit the wheel is built from (sim.runs.store reads it from ``sim/data/build.json``)."""
    top = git("rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != ROOT:
        return {"git_commit": "unknown", "git_dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "git_commit": git("rev-parse", "HEAD") or "unknown",
        "git_dirty": None if status is None else bool(status),
    }


setup(cmdclass={"build_py": BuildWithData})
