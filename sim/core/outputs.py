"""What the model produces, declared once: the weekly series' columns and the event log.

Each column of the weekly series is declared here with its storage type, unit, meaning,
the labels of a coded value and how it is read from the model; each field of an event
row likewise; each kind of event with who logs it, in which phase of the week and what
it means. Everything else comes from these declarations: the recorder's rows
(:mod:`sim.core.record`), the DataCollector's reporters (:func:`series_reporters`),
the codebook and the generated docs/outputs.md and docs/events.md
(:mod:`sim.runs.codebook`). A new series column is one entry in :data:`SERIES`, a new
event kind one entry in :data:`EVENT_KINDS`.

In memory the model keeps plain numbers (codes for enums, ``-1`` for a week that never
came, ``0`` for "no proposal", ``""`` for "no route", NaN for "undefined"), which is what
its rules, metrics and tests read; :meth:`Column.stored` gives a value as the stored
tables hold it (a label, a flag, None for no value).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, Protocol

from sim.core.agents import Dimension

if TYPE_CHECKING:  # what the series reads (the readers are compiled expressions)
    from sim.core.agents import Dprk, Mofa, Mou, StateDepartment
    from sim.core.friction import Friction
    from sim.core.government import RokGovernment
    from sim.core.information import Information
    from sim.core.log import EventLog
    from sim.core.pipeline import Pipeline
    from sim.core.working_group import WorkingGroup

Kind = Literal["text", "string", "int", "float", "bool", "label", "date"]
"""How a column is stored: ``text`` (dictionary-encoded string), ``string`` (plain string,
for values that rarely repeat), ``int`` (int64), ``float`` (float64), ``bool``, ``label``
(an enum code stored as its label, dictionary-encoded), ``date`` (a calendar date)."""

NEVER = -1
"""The in-memory week of something that never happened."""
WEEK = "week"
COUNT = "count"


@dataclass(frozen=True)
class Column:
    """One output column: a weekly series column, an event field, a metric, a key.

    Attributes:
        name: Column name.
        kind: How it is stored (:data:`Kind`).
        unit: Unit of the value ("" where none applies).
        meaning: What the value is.
        missing: The in-memory value stored as null (None: NaN only, for floats).
        labels: For ``label`` columns, the label of each code 0, 1, ...
    """

    name: str
    kind: Kind
    unit: str
    meaning: str
    missing: Any = None
    labels: tuple[str, ...] = ()

    @property
    def null_means(self) -> str:
        """What a null in this column means, for the codebook."""
        if self.kind == "float":
            return "undefined"
        return "none" if self.missing is not None else ""

    def stored(self, value: Any) -> Any:
        """``value`` as the stored tables hold it: a code's label, a flag, None for "none".

        Floats stay floats (NaN, "undefined", stays NaN) and text stays as it is.
        """
        if self.missing is not None and value == self.missing:
            return None
        match self.kind:
            case "label":
                return self.labels[int(value)]
            case "bool":
                return bool(value)
            case "int":
                return int(value)
            case _:
                return value


# --- the weekly series -----------------------------------------------------------------


@dataclass(frozen=True)
class Observed:
    """What the weekly series reads."""

    wg: WorkingGroup
    state: StateDepartment
    mou: Mou
    mofa: Mofa
    dprk: Dprk
    government: RokGovernment
    friction: Friction
    information: Information
    pipeline: Pipeline
    log: EventLog


@dataclass(frozen=True)
class Series(Column):
    """A column of the weekly series, with how the model's state gives its value.

    Attributes:
        read: A Python expression of ``o`` (the :class:`Observed`), ``week`` and ``E``
            (the engagement dimension) giving the in-memory value: a code for a
            ``label`` column, a bool for a flag, NaN for "undefined".
    """

    read: str = field(kw_only=True)


def _count(name: str, kind: str, meaning: str) -> Series:
    """A running count of the events of one kind."""
    return Series(name, "int", COUNT, meaning, read=f"o.log.counts[{kind!r}]")


_POSITION = "position 0-1"
_ENGAGEMENT = "position on engagement pace"

SERIES: tuple[Series, ...] = (
    Series("week", "int", WEEK, "the step (1 = the week starting on calendar.start)",
           read="week"),
    Series("legitimacy", "float", "0-1", "WG legitimacy (null while no WG is active)",
           read="o.wg.legitimacy if o.wg.active else nan"),
    Series("wg_phase", "label", "", "the WG's phase", labels=("absent", "active", "terminated"),
           read="int(o.wg.phase)"),
    Series("trust_us", "float", "0-1", "US trust in the ROK", read="o.state.trust"),
    Series("trust_rok", "float", "0-1", "ROK trust in the US", read="o.friction.rok_trust"),
    Series("info_quality", "float", "0-1", "information quality q of the US about ROK plans",
           read="o.information.quality"),
    Series("frustration", "float", "0-1", "DPRK frustration F", read="o.dprk.frustration"),
    Series("dpi", "float", "index 0-1", "denuclearization progress index", read="o.dprk.dpi"),
    Series("gap", "float", "position units", "|x_ROK,E - x_US,E| on engagement pace",
           read="abs(o.government.position[E] - o.state.position[E])"),
    Series("x_rok_e", "float", _POSITION, f"the ROK's effective {_ENGAGEMENT}",
           read="o.government.position[E]"),
    Series("x_us_e", "float", _POSITION, f"the US {_ENGAGEMENT}", read="o.state.position[E]"),
    Series("x_mou_e", "float", _POSITION, f"the MOU's {_ENGAGEMENT}", read="o.mou.position[E]"),
    Series("x_mofa_e", "float", _POSITION, f"MOFA's {_ENGAGEMENT}", read="o.mofa.position[E]"),
    Series("win_set", "float", "0-1", "the US win-set (its tolerance for ROK moves)",
           read="o.state.win_set"),
    Series("dprk_mode", "label", "", "the DPRK's strategy", labels=("engage", "wedge", "coerce"),
           read="int(o.dprk.mode)"),
    Series("track_open", "bool", "", "the US-DPRK negotiating track is open",
           read="o.dprk.track_open"),
    Series("wg_queue", "int", COUNT, "items waiting in the WG's queue", read="len(o.wg.queue)"),
    Series("in_flight", "int", COUNT, "routed items not yet finished",
           read="len(o.pipeline.in_flight)"),
    _count("surprises", "surprise", "surprises so far"),
    _count("disputes", "dispute", "public disputes so far"),
    _count("implemented", "implemented", "proposals implemented so far"),
    _count("denunciations", "denunciation", "DPRK denunciations so far"),
    _count("challenges", "mou_challenge", "MOU public calls to readjust the WG so far"),
)  # fmt: skip
"""The weekly series' columns, in order (docs/model.md, observation). Its stored table
has a ``date`` after ``week`` (added when the rows become a frame)."""

SERIES_COLUMNS = tuple(c.name for c in SERIES)
"""Names of the weekly series' columns, in order: the fields of a recorded row."""


def _row_function(series: tuple[Series, ...]) -> Callable[[Observed, int], tuple[Any, ...]]:
    """One function giving the row of ``series``, compiled from the columns' expressions.

    A row is taken every week of every run, so a row is one call, as a hand-written
    tuple would be, rather than a call per column.
    """
    source = f"lambda o, week: ({', '.join(c.read for c in series)},)"
    row: Callable[[Observed, int], tuple[Any, ...]] = eval(  # our declarations, not input
        compile(source, "<sim.core.outputs.SERIES>", "eval"),
        {"E": Dimension.ENGAGEMENT, "nan": math.nan},
    )
    return row


observe = _row_function(SERIES)
"""``observe(observed, week)``: the row of :data:`SERIES` for the state the model is in now."""


class _Observing(Protocol):
    observation: tuple[Any, ...]


def _report(index: int, column: Column, model: _Observing) -> Any:
    """One value of the model's current observation as stored (a DataCollector reporter)."""
    return column.stored(model.observation[index])


def series_reporters() -> dict[str, Callable[[_Observing], Any]]:
    """Mesa ``model_reporters`` of the weekly series, one per column of :data:`SERIES`.

    Each gives its column of ``model.observation`` as the stored tables hold it (labels
    for codes, flags as booleans).
    """
    return {c.name: partial(_report, i, c) for i, c in enumerate(SERIES)}


# --- the event log ---------------------------------------------------------------------

EVENT_FIELDS = (
    Column("week", "int", WEEK, "the step the event happened in"),
    Column("kind", "text", "", "what happened (docs/events.md lists the kinds)"),
    Column(
        "actor", "text", "",
        "who did it: `MOU`, `Blue House`, `NGO`, `DPRK` (for created items: the origin), "
        "`State`, `UN 1718`, `WG`, `DG talks`, `ruling party`, `world` (shocks), "
        "or a channel's name for contacts",
    ),
    Column("proposal_id", "int", "", "the proposal's id within the run (null: not about one)", 0),
    Column("proposal_type", "text", "", "HUM, EXCH, INFRA, ECON, MIL or TOUR", ""),
    Column(
        "route", "text", "",
        "the proposal's route then: wg, bilateral, dg_talks, unilateral or shelved "
        "(null: not routed yet)",
        "",
    ),
    Column("detail", "string", "", "free text: a label, a shock's date and name, a reason", ""),
)  # fmt: skip
"""Fields of an event row as the log records it (``sim.core.log.EventLog``), in order.
Its stored table has a ``date`` after ``week``."""

EVENT_COLUMNS = tuple(c.name for c in EVENT_FIELDS)
"""Names of an event row's fields, in order."""


@dataclass(frozen=True)
class EventKind:
    """One kind of event in the log.

    Attributes:
        name: The value of the row's ``kind``.
        actor: Who logs it (the row's ``actor``).
        phase: The phase(s) of the week it is logged in (docs/model.md, process
            overview); in parentheses, phases where it is logged less often.
        meaning: What happened; what ``detail`` holds.
    """

    name: str
    actor: str
    phase: str
    meaning: str


_K = EventKind
_NO_WG = "logged only while a WG exists"

EVENT_KINDS: tuple[EventKind, ...] = (
    _K("shock", "world", "1", "a scheduled shock fires; `detail` = its date and name"),
    _K("track_opened", "DPRK", "1", "a shock opens the US-DPRK negotiating track"),
    _K("track_closed", "DPRK", "1 (7)",
       "the US-DPRK track closes (a shock, or a reopened track lapses in phase 7)"),
    _K("summit_deal", "DPRK", "1",
       "a summit produced a deal (sequencing gap below `dprk.deal_tolerance`)"),
    _K("window_opened", "world", "1 / 7",
       f"a review window opens for the WG (leadership change, or a provocation); {_NO_WG}"),
    _K("us_consent_changed", "State", "1",
       "US consent to ending the WG changes (a `us_consent` shock); `detail` = the shock and "
       f"the new probability; {_NO_WG}"),
    _K("provocation", "DPRK", "1 / 7",
       "a major provocation (scheduled shock, or frustration above its threshold in "
       "endogenous mode)"),
    _K("wg_created", "WG", "1 / 9",
       "the WG is agreed (scheduled) or proposed by MOFA after US surprises and agreed by "
       "the US (endogenous); `detail` says which"),
    _K("created", "origin", "2 (1)", "a proposal enters the pipeline; `detail` = its label"),
    _K("mou_challenge", "MOU", "3",
       "the MOU publicly calls to readjust the WG (a challenge while a WG exists and the "
       "MOU's clout is at least `rok.public_challenge_clout`); `detail` says who prevailed"),
    _K("mou_challenge_mofa", "MOU", "3",
       "the MOU publicly challenges MOFA's line on engagement (the same, with no WG: never "
       "set up, or ended); `detail` says who prevailed"),
    _K("mou_objection", "MOU", "3",
       "the MOU objects to MOFA's line inside the government (a challenge below that clout: "
       "not public, no cost to the WG); `detail` says who prevailed"),
    _K("routed", "Blue House", "4 (1, 5, 9)",
       "the proposal is sent along `route` (also after a veto, when a new WG takes over "
       "waiting items or pending exemption requests, and when the WG ends; `detail` says "
       "which)"),
    _K("student_choice", "Blue House, State or MOU", "2 / 3 / 4 / 5",
       "in the page's role-play, the student took a decision of the ministry played: a Blue "
       "House routing decision (logged just before its `routed`, `shelved` or `modified` "
       "row), a State review (before its `approved`, `vetoed` or `deferred` row; answers "
       "approve, cosponsor, veto, defer), or an MOU decision (`propose` or `hold` a drafted "
       "item, before its `created` row if put forward; `challenge` or `quiet` at a "
       "bargaining round); `detail` = \"<stage>: chose <answer>; the model would choose "
       "<answer>\""),
    _K("shelved", "Blue House", "4 / 5",
       "the Blue House shelves it (or, after a US veto, gives it up); `detail` = \"ruled "
       "out by UN sanctions until they are lifted\" for a barred item"),
    _K("wg_meeting", "WG", "5", "a WG meeting; `detail` = items on the table"),
    _K("dg_meeting", "DG talks", "5", "a meeting of the director-general-level successor"),
    _K("contact", "channel name", "5",
       "an ad hoc contact; `detail` = \"not passed on to State\" when an NSC channel did not "
       "pass it on, or what was said on another channel did not reach State (its `reach`)"),
    _K("disclosed", "channel name", "5",
       "a unilateral item was disclosed to the US at a contact"),
    _K("nsc_cleared", "channel name", "5",
       "the NSC raised no objection but State was not told; the item goes ahead uninformed"),
    _K("deferred", "State", "5",
       "the US review did not decide; the item waits for the next meeting or contact"),
    _K("approved", "State", "5", "the US approves"),
    _K("vetoed", "State", "5", "the US vetoes"),
    _K("modified", "Blue House", "5",
       "a vetoed item is modified (less load and value) and resubmitted"),
    _K("un_submitted", "UN 1718", "5",
       "an exemption request is filed; `detail` = \"co-sponsored\" when the US co-sponsors"),
    _K("un_approved", "UN 1718", "6",
       "the 1718 Committee grants the exemption; `detail` = \"co-sponsored\" when the US "
       "co-sponsored the request"),
    _K("un_rejected", "UN 1718", "6",
       "the 1718 Committee refuses the exemption (always for a barred item)"),
    _K("dprk_accepted", "DPRK", "7", "the DPRK accepts an offer (at once if it co-signed it)"),
    _K("dprk_rejected", "DPRK", "7", "the DPRK rejects an offer"),
    _K("dprk_ignored", "DPRK", "7",
       "the DPRK ignores a small offer in wedge mode, which ends it as stalled"),
    _K("denunciation", "DPRK", "7",
       "the DPRK denounces the WG, answering an occasion; `detail` names the largest "
       "occasion since the last one: \"at its launch\", \"over a WG veto or delay\", "
       "\"after\" a breakdown of talks, \"with\" a provocation"),
    _K("implemented", "Blue House / MOU", "8", "the item is carried out"),
    _K("surprise", "State", "4 / 8",
       "an alliance-sensitive item went ahead without the US being told, and it noticed: "
       "when going alone was announced (logged right after the item's `routed` row; "
       "`detail` ends \"(announced)\") or when it was implemented (right after "
       "`implemented`; \"(implemented)\"). A surprise always follows the act it is about"),
    _K("dispute", "MOU", "5 / 8",
       "a WG veto or an overdue WG item became a public dispute over \"interference\""),
    _K("stalled", "Blue House", "8", "no resolution after `proposals.stall_weeks`"),
    _K("criticism", "ruling party", "9",
       "ruling-party criticism of the WG (domestic pressure at least "
       "`legitimacy.criticism_pressure`)"),
    _K("wg_reformed", "WG", "9", "the WG is reformed at a review window"),
    _K("termination_refused", "State", "9",
       "at a window the WG could end but the US withheld consent"),
    _K("wg_terminated", "WG", "9",
       "the WG ends; `detail` says whether at a window or between windows"),
    _K("dg_talks_started", "DG talks", "9",
       "director-general-level consultations replace the WG"),
)  # fmt: skip
"""Every kind of event the model logs, in the order of the weekly schedule."""

EVENT_KIND: Mapping[str, EventKind] = {k.name: k for k in EVENT_KINDS}
"""The declared event kinds by name."""
