"""The event log: one row per event of a run, and a running count of each kind.

Every proposal transition, meeting, contact, surprise, dispute, denunciation, shock and
change of the working group is an event. A row's fields and every kind are declared in
:mod:`sim.core.outputs` (``EVENT_FIELDS``, ``EVENT_KINDS``; docs/events.md is generated
from them). The rules and the outcome metrics read only the counts, so a run can skip
writing the rows and still be the same run, draw for draw.
"""

from __future__ import annotations

from collections import defaultdict

from sim.core.proposals import ROUTE_NAMES, Proposal

EventRow = tuple[int, str, str, int, str, str, str]
"""An event row: ``sim.core.outputs.EVENT_COLUMNS`` (week, kind, actor, proposal_id,
proposal_type, route, detail)."""


class EventLog:
    """The rows of a run's events and the count of each kind.

    Args:
        record: Whether to keep the rows; the counts are kept either way.

    Attributes:
        week: The week events are dated to; the model sets it as time advances.
        rows: The rows (see :data:`EventRow`), empty when not recorded.
        counts: Events of each kind so far (a kind not yet logged counts 0).
    """

    def __init__(self, record: bool = True) -> None:
        self.record = record
        self.week = 0
        self.rows: list[EventRow] = []
        self.counts: defaultdict[str, int] = defaultdict(int)

    def __call__(self, kind: str, actor: str, p: Proposal | None = None, detail: str = "") -> None:
        """Count one event of ``kind`` by ``actor`` (about ``p``) and, if recorded, add its row."""
        self.counts[kind] += 1
        if not self.record:
            return
        if p is None:
            self.rows.append((self.week, kind, actor, 0, "", "", detail))
        else:
            self.rows.append((self.week, kind, actor, p.id, p.type, ROUTE_NAMES[p.route], detail))

    def nonzero_counts(self) -> dict[str, int]:
        """Events of each kind that occurred at least once: the log's rows, counted by kind."""
        return {kind: n for kind, n in self.counts.items() if n}
