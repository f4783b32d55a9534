"""Markdown tables for the reports."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd


def cell(value: Any) -> str:
    """A table cell: floats to three significant digits, NaN as a dash."""
    if isinstance(value, float):
        return "–" if not math.isfinite(value) else f"{value:.3g}"
    return str(value)


def markdown_table(df: pd.DataFrame) -> str:
    """A frame as a Markdown table."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(str(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(r[c]) for c in cols) + " |" for _, r in df.iterrows()]
    return "\n".join(lines)
