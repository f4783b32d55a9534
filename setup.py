"""Build hook: copy the shipped scenarios, experiments and calibration files into the wheel.

They live at the repository's top level (where users and docs expect them) and are
installed as ``sim/data/<folder>/`` (sim.scenario.shipped finds them there). Everything
else about the package is in pyproject.toml.
"""

import ast
import shutil
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


setup(cmdclass={"build_py": BuildWithData})
