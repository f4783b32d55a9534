"""Write the tutorial's handouts: ``python benchmarks/handouts.py [--out docs/handouts]``.

Reads docs/tutorial.md, extracts its questions (``sim/page/handouts.py``) and writes
``student.html`` (each question with room for a prediction) and ``teacher.html`` (each
with the answer the shipped model gives, computed by running it on seeds 0-49; a few
seconds). Print them from a browser. tests/test_tutorial.py fails when the shipped copies
are stale: rerun this after a change to the tutorial or the model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.page.handouts import compute, questions, student_html, teacher_html  # noqa: E402
from sim.runs.store import atomic_write_bytes  # noqa: E402

OUT = ROOT / "docs" / "handouts"


def main() -> int:
    """Extract, compute and write the two handouts."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT, help="folder for the two HTML files")
    args = ap.parse_args()
    qs = questions((ROOT / "docs" / "tutorial.md").read_text())
    runs = compute(ROOT / "scenarios")
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(args.out / "student.html", student_html(qs).encode())
    atomic_write_bytes(args.out / "teacher.html", teacher_html(qs, runs).encode())
    print(f"{len(qs)} questions; written: {args.out / 'student.html'}, {args.out / 'teacher.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
