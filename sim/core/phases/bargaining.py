"""Phase 3 of the week: ROK internal bargaining, KTAB-lite (docs/model.md §7, ROK bargaining).

Every few weeks the MOU may challenge on engagement pace; the challenge either moves the
Blue House toward the MOU or toward MOFA. It goes public only when the MOU has the clout
to take a fight with MOFA outside the government (Allison's bureaucratic politics: the
new minister of 2020 [S003]); a public challenge while the WG exists is a call to readjust
it and costs the WG legitimacy; without a WG it is a public challenge of MOFA's line.
Otherwise the MOU objects inside the government. Without a challenge every actor drifts
toward the ROK's effective position.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from sim.core.agents import E, Mofa, Mou, RokActor
from sim.core.channels import WorkingGroup
from sim.core.government import RokGovernment, effective_e
from sim.core.ledgers import WeekTally
from sim.core.log import EventLog
from sim.scenario import Rok


def challenge_probability(mou: Mou, mofa: Mofa) -> float:
    """pi_MOU: the MOU's chance to prevail, c s / (c s + c_MOFA s_MOFA) on dimension E."""
    num = mou.weight_e
    den = num + mofa.weight_e
    return num / den if den > 0.0 else 0.5


class RoundResult(NamedTuple):
    """What one bargaining round did."""

    challenged: bool
    mou_prevailed: bool
    pressure: float


def _move(actor: RokActor, target: float, step: float) -> None:
    x = actor.position[E]
    if abs(target - x) <= step:
        actor.position[E] = target
    else:
        actor.position[E] = x + step if target > x else x - step


def bargaining_round(
    blue_house: RokActor,
    mofa: Mofa,
    mou: Mou,
    *,
    step: float,
    threshold: float,
    backlog_weight: float,
    rnd: random.Random,
) -> RoundResult:
    """One round on engagement pace (docs/model.md §7, ROK bargaining).

    The MOU challenges when ``s|x_MOU - x_ROK| pi_MOU + beta_b backlog > kappa_c``. With
    probability pi_MOU the Blue House moves ``step`` toward the MOU and MOFA concedes
    ``step/2``; otherwise the Blue House moves toward MOFA and the MOU concedes ``step/2``.
    Without a challenge each actor drifts toward x_ROK at rate ``step*(1 - s)``.
    """
    actors = (blue_house, mofa, mou)
    x_rok = effective_e(actors)
    pi_mou = challenge_probability(mou, mofa)
    pressure = mou.pressure(x_rok, pi_mou, backlog_weight)
    if pressure > threshold:
        mou_wins = rnd.random() < pi_mou
        winner, loser = (mou, mofa) if mou_wins else (mofa, mou)
        _move(blue_house, winner.position[E], step)
        _move(loser, winner.position[E], step / 2.0)
        return RoundResult(True, mou_wins, pressure)
    for a in actors:
        _move(a, x_rok, step * (1.0 - a.salience[E]))
    return RoundResult(False, False, pressure)


class Bargaining:
    """A bargaining round every ``bargaining_interval_weeks`` weeks.

    Args:
        government: The ROK government (its three organisations and their blend).
        wg: The working group (a challenge counts against it while it exists).
        tally: This week's sums.
        log: The event log.
        rnd: The model's generator.
        params: The scenario's ``rok`` section.
    """

    def __init__(
        self,
        government: RokGovernment,
        wg: WorkingGroup,
        tally: WeekTally,
        log: EventLog,
        rnd: random.Random,
        params: Rok,
    ) -> None:
        self.government = government
        self.wg = wg
        self.tally = tally
        self.log = log
        self.rnd = rnd
        self.params = params

    def run(self, week: int) -> None:
        """A round if one is due this week; a challenge is logged and counted."""
        r = self.params
        if week % r.bargaining_interval_weeks:
            return
        g = self.government
        res = bargaining_round(
            g.blue_house,
            g.mofa,
            g.mou,
            step=r.bargaining_step,
            threshold=r.challenge_threshold,
            backlog_weight=r.backlog_weight,
            rnd=self.rnd,
        )
        if res.challenged:
            winner = "MOU" if res.mou_prevailed else "MOFA"
            if g.mou.clout < r.public_challenge_clout:
                self.log(
                    "mou_objection",
                    "MOU",
                    detail=f"objects inside the government; {winner} prevails",
                )
            elif self.wg.active:
                self.log(
                    "mou_challenge", "MOU", detail=f"calls to readjust the WG; {winner} prevails"
                )
                self.tally.challenges += 1
            else:
                self.log(
                    "mou_challenge_mofa",
                    "MOU",
                    detail=f"publicly challenges MOFA's line on engagement; {winner} prevails",
                )
        g.refresh_e()
