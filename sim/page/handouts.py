"""Handouts from docs/tutorial.md: the students' questions, and a teacher key computed from runs.

:func:`questions` reads the tutorial's questions: every list item or paragraph (outside
code, headings and images) with a question mark, and every item of the section "Exercises
to hand in", by section. The student handout
(:func:`student_html`) gives each with room to write a prediction; asides in parentheses
longer than :data:`ASIDE` characters (where the tutorial gives its own answers) are left
out. The teacher key (:func:`teacher_html`) gives each question in full and, where the
model answers it, the answer the shipped model gives, computed here by running it
(:func:`answers`: seeds 0-49, as the page's *Many seeds* view); questions for discussion
say so. ``benchmarks/handouts.py`` writes both into docs/handouts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path

import numpy as np

from sim.page.controls import PRESETS, build_scenario
from sim.page.score import ManySeeds, Paired, many_seeds
from sim.runs.runner import run

ASIDE = 60
"""A parenthesis longer than this many characters is an aside (often an answer)."""
EXERCISES = "Exercises"
"""The section whose every item is an exercise (a question or not)."""
SEEDS = 50
"""Seeds of every computed answer (0 … 49)."""


@dataclass(frozen=True)
class Question:
    """One question block of the tutorial.

    Attributes:
        section: The section's heading.
        text: What students read (asides and Markdown marks removed).
        full: The block as the tutorial has it (Markdown marks removed).
    """

    section: str
    text: str
    full: str


def _plain(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\*\*([^*]+)\*\*|\*([^*]+)\*", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)


def _without_asides(text: str) -> str:
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "(":
            if depth == 0:
                start = i
            depth += 1
        elif c == ")" and depth:
            depth -= 1
            if depth == 0:
                part = text[start : i + 1]
                out.append(part if len(part) <= ASIDE else "")
        elif depth == 0:
            out.append(c)
    return re.sub(r"\s+([.,:;?])", r"\1", re.sub(r"\s+", " ", "".join(out))).strip()


def _blocks(markdown: str) -> list[tuple[str, str]]:
    """(section, block) pairs: list items and paragraphs, without code, headings, images."""
    section = ""
    blocks: list[tuple[str, str]] = []
    current: list[str] = []
    fenced = False
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        item = re.match(r"^(\s*)(?:[-*]|\d+\.)\s+", line)
        if not line.strip() or line.startswith("#") or line.startswith("!") or item:
            if current:
                blocks.append((section, " ".join(current)))
            current = []
            if line.startswith("## "):
                section = line[3:].strip()
            if item:
                current = [line[item.end() :]]
            continue
        current.append(line.strip())
    return blocks


def questions(markdown: str) -> list[Question]:
    """Every question block of the tutorial, in order."""
    out = []
    for section, block in _blocks(markdown):
        asks = re.search(r"\?(?=[\s)\"']|$)", re.sub(r"`[^`]*`", "", block))
        if asks or section.startswith(EXERCISES):
            full = _plain(block)
            out.append(Question(section, _without_asides(full), full))
    return out


def question_sentences(markdown: str) -> list[str]:
    """Each sentence of the tutorial's question blocks that ends with a question mark."""
    found = []
    for q in questions(markdown):
        found += [s for s in re.split(r"(?<=[.?!:])\s+", q.text) if s.endswith("?")]
    return found


# --- the answers, computed ----------------------------------------------------------------


@dataclass(frozen=True)
class Runs:
    """The runs the key's answers read (seeds 0 … n-1 of scenarios/historical.yaml)."""

    own: ManySeeds
    nsc: ManySeeds
    wg_only: dict[str, list[dict[str, float]]]
    cadence: dict[str, list[dict[str, float]]]


def _preset(start: str) -> dict[str, float]:
    return next(v for k, v in PRESETS.items() if k.startswith(start))


def compute(scenarios: Path, n: int = SEEDS) -> Runs:
    """Run what the answers need: the historical pair, presets, the cadence variants."""
    hist = scenarios / "historical.yaml"

    def metrics(file: Path, variant: str, overrides: dict[str, float]) -> list[dict[str, float]]:
        scenario = build_scenario(file, variant, overrides=overrides)
        return [run(scenario, s, series=False, events=False).metrics for s in range(n)]

    wg_only = {
        "free": metrics(hist, "historical", _preset("Denunciations cost")),
        "high": metrics(hist, "historical", _preset("High pressure")),
        "low": metrics(hist, "historical", _preset("Low pressure")),
    }
    cadence = {v: metrics(scenarios / "cadence.yaml", v, {}) for v in ("ad-hoc", "regular")}
    return Runs(
        many_seeds(hist, "historical", {}, n),
        many_seeds(hist, "historical", _preset("The NSC passes"), n),
        wg_only,
        cadence,
    )


def _m(out: ManySeeds, start: str) -> Paired:
    return next(m for m in out.metrics if m.name.startswith(start))


def _means(m: Paired) -> tuple[float, float]:
    return float(np.nanmean(m.wg)), float(np.nanmean(m.none))


def _in_time(m: Paired) -> bool:
    """Whether ``m`` is measured in time (weeks or days): less of it means sooner."""
    return re.search(r"\b(weeks|days)\b", m.name) is not None


def _paired(m: Paired, noun: str) -> str:
    wg, none = _means(m)
    less, more, same = (
        ("sooner", "later", "as soon") if _in_time(m) else ("fewer", "more", "as many")
    )
    word = less if wg < none else more if wg > none else same
    holds = "it holds across histories" if m.lo > 0 or m.hi < 0 else "not in every history"
    return (
        f"{word.capitalize()} with the WG: {wg:.2f} {noun} with the WG against {none:.2f} "
        f"without it (difference {m.mean:+.2f}, 95% interval {m.lo:.2f} to {m.hi:.2f}: "
        f"{holds})."
    )


def _avg(rows: list[dict[str, float]], key: str, scale: float = 1.0) -> float:
    return float(np.nanmean([r[key] for r in rows])) * scale


def _ended(rows: list[dict[str, float]]) -> str:
    return (
        f"the WG ends before 2022 in {_avg(rows, 'wg_terminated'):.0%} of the histories, after "
        f"{_avg(rows, 'wg_lifetime_weeks'):.0f} weeks on average"
    )


def _hold(r: Runs) -> str:
    names = ("US surprises", "public disputes", "UN exemptions", "exemption lead", "projects")
    sure = [m.name for k in names if (m := _m(r.own, k)).lo > 0 or m.hi < 0]
    some = [m.name for k in names if not ((m := _m(r.own, k)).lo > 0 or m.hi < 0)]
    return (
        f"On average (95% interval without 0): {', '.join(sure) or 'none'}; "
        f"only in some histories: {', '.join(some) or 'none'}."
    )


def _cadence(r: Runs) -> str:
    lead = {v: _avg(rows, "exemption_lead_days_median", 1 / 7) for v, rows in r.cadence.items()}
    fr = {v: _avg(rows, "friction") for v, rows in r.cadence.items()}
    return (
        f"Exemption lead time (median, weeks): ad hoc {lead['ad-hoc']:.1f}, regular "
        f"{lead['regular']:.1f}; friction (surprises + disputes a run): ad hoc "
        f"{fr['ad-hoc']:.2f}, regular {fr['regular']:.2f}."
    )


def _free(r: Runs) -> str:
    own = _m(r.own, "WG ended before")
    life = _m(r.own, "WG lifetime")
    return (
        f"With the scenario's own values the WG ends before 2022 in {np.nanmean(own.wg):.0%} "
        f"of the histories, after {np.nanmean(life.wg):.0f} weeks on average; when "
        f"denunciations cost nothing, {_ended(r.wg_only['free'])}."
    )


def _pressure(r: Runs) -> str:
    return (
        f"High pressure in Seoul: {_ended(r.wg_only['high'])}; low pressure: "
        f"{_ended(r.wg_only['low'])}."
    )


def _nsc(r: Runs) -> str:
    own_wg, own_none = _means(_m(r.own, "US surprises"))
    nsc_wg, nsc_none = _means(_m(r.nsc, "US surprises"))
    word = "does not" if nsc_none > nsc_wg else "does"
    return (
        f"It {word}: the no-group run has {own_none:.2f} US surprises a run at the "
        f"scenario's value and {nsc_none:.2f} when the NSC passes everything on, against "
        f"{own_wg:.2f} and {nsc_wg:.2f} with the WG."
    )


def _typical(r: Runs) -> str:
    seeds = ", ".join(str(s) for s in r.own.showcase[:3])
    return (
        f"The showcase seeds (both halves of the trade-off, outcomes nearest the median of "
        f"seeds 0-{len(r.own.seeds) - 1}): {seeds}."
    )


def _outcome(start: str, noun: str) -> Callable[[Runs], str]:
    return lambda r: _paired(_m(r.own, start), noun)


ANSWERS: tuple[tuple[str, Callable[[Runs], str]], ...] = (
    (r"Will the US be surprised", _outcome("US surprises", "US surprises a run")),
    (r"public disputes in Seoul over", _outcome("public disputes", "disputes a run")),
    (r"projects be implemented", _outcome("projects", "projects a run")),
    (r"exemptions come faster\?$", _outcome("exemption lead", "weeks (median lead time)")),
    (r"predictions hold on average", _hold),
    (r"every four weeks, do exemptions", _cadence),
    (r"cost the WG nothing, would it end later", _free),
    (r"compare the rows WG ended before 2022", _free),
    (r"pressure in Seoul make", _pressure),
    (r"passes everything on give", _nsc),
    (r"which of your three seeds were typical", _typical),
)
"""Which questions the model answers (a pattern of the question's text) and how."""


def answer(q: Question, r: Runs) -> str:
    """The model's answer to ``q`` ("" for a question for discussion)."""
    for pattern, make in ANSWERS:
        if re.search(pattern, q.text):
            return make(r)
    return ""


# --- the handouts -----------------------------------------------------------------------

STYLE = """
@page { size: auto; margin: 14mm; }
body { font-family: sans-serif; font-size: 11.5px; max-width: 720px; margin: 0 auto; }
h1 { font-size: 17px; } h2 { font-size: 13px; margin: 14px 0 4px; }
ol { padding-left: 20px; } li { margin: 0 0 6px; break-inside: avoid; }
.space { border: 1px solid #999; height: 54px; margin: 4px 0 0; }
.answer { background: #eef4fb; border-left: 3px solid #1f5fa8; padding: 3px 6px; margin-top: 3px; }
.open { color: #555; font-style: italic; margin-top: 3px; }
.note { color: #555; }
"""


def _page(title: str, note: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{STYLE}</style></head><body><h1>{escape(title)}</h1>"
        f'<p class="note">{note}</p>{body}</body></html>'
    )


def _sections(qs: list[Question], item: Callable[[Question], str]) -> str:
    out, section = [], None
    for q in qs:
        if q.section != section:
            if section is not None:
                out.append("</ol>")
            section = q.section
            out.append(f"<h2>{escape(_plain(section))}</h2><ol>")
        out.append(f"<li>{item(q)}</li>")
    return "".join(out) + ("</ol>" if qs else "")


def student_html(qs: list[Question]) -> str:
    """The students' handout: each question with room for the prediction."""
    body = _sections(qs, lambda q: f'{escape(q.text)}<div class="space"></div>')
    note = "Name: ______________________ &nbsp; Write your prediction before you run the model."
    return _page("wgsim tutorial: predictions and exercises", note, body)


def teacher_html(qs: list[Question], r: Runs) -> str:
    """The teacher's key: each question in full, with the shipped model's answer."""

    def item(q: Question) -> str:
        a = answer(q, r)
        shown = (
            f'<div class="answer">Model: {escape(a)}</div>'
            if a
            else '<div class="open">For discussion: the model gives no single answer.</div>'
        )
        return escape(q.full) + shown

    note = (
        f"Answers computed by running the shipped model on seeds 0-{len(r.own.seeds) - 1} "
        "(scenarios/historical.yaml, its presets, and scenarios/cadence.yaml), as the page's "
        "Many seeds view does; regenerate with benchmarks/handouts.py after a model change."
    )
    return _page("wgsim tutorial: teacher's key", note, _sections(qs, item))
