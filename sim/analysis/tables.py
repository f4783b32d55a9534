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


def escape(text: str) -> str:
    """``text`` safe inside a Markdown table cell: ``|`` escaped, line breaks as spaces."""
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown_table(df: pd.DataFrame) -> str:
    """A frame as a Markdown table (GitHub's pipe-table syntax)."""
    cols = list(df.columns)
    header = "| " + " | ".join(escape(str(c)) for c in cols) + " |"
    lines = [header, "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(escape(cell(r[c])) for c in cols) + " |" for _, r in df.iterrows()]
    return "\n".join(lines)
