"""Scenarios: the parameter schema, YAML files and their variants, field paths and overrides.

The schema's sections are importable from here: ``from sim.scenario import Scenario``.

Modules, each importing only those listed before it:

- the schema by model part: ``base`` (``Section``, ``param``, the vocabularies),
  ``calendar``, ``actors``, ``proposals``, ``allies`` (ROK, US), ``institutions``
  (information, channels, working group, UN, legitimacy), ``dprk``, ``shocks``; and
  ``schema``, the top-level ``Scenario``;
- ``fields``: field paths and introspection (bounds, units, lookup, effect tags), the one
  place that reads pydantic's field metadata;
- ``yamlfile``: the one bounded, strict YAML reader of every input file;
- ``messages``: validation errors as one line per problem, values quoted in part;
- ``shipped``: the shipped files and where they are;
- ``linked``: the files ``extends:`` and ``calibrated:`` name, never quoted in a message;
- ``loader``: YAML files, ``extends``, calibrated values, variants, the file's JSON
  Schema; ``paths``: reading and overriding values by path (and ``--set``);
  ``reference``: the parameter reference (``wgsim parameters``).
"""

from sim.scenario.actors import Actors, DprkActor, RokActorParams, UsActor
from sim.scenario.allies import Rok, Us
from sim.scenario.base import DIMENSIONS, PROPOSAL_TYPES, Section
from sim.scenario.calendar import Calendar
from sim.scenario.dprk import DprkParams
from sim.scenario.institutions import (
    Channel,
    Information,
    Legitimacy,
    Successor,
    Un,
    WorkingGroupParams,
)
from sim.scenario.proposals import Proposals, ProposalType, ProposalTypes
from sim.scenario.schema import Scenario
from sim.scenario.shocks import (
    ActorEffect,
    BorderEffect,
    DomesticPressureEffect,
    Effect,
    LeadershipWindowEffect,
    NewProposal,
    ProposalsEffect,
    ProvocationEffect,
    Shock,
    SummitEffect,
    TrackEffect,
    UsConsentEffect,
    WinSetEffect,
)

__all__ = [
    "DIMENSIONS",
    "PROPOSAL_TYPES",
    "ActorEffect",
    "Actors",
    "BorderEffect",
    "Calendar",
    "Channel",
    "DomesticPressureEffect",
    "DprkActor",
    "DprkParams",
    "Effect",
    "Information",
    "LeadershipWindowEffect",
    "Legitimacy",
    "NewProposal",
    "ProposalType",
    "ProposalTypes",
    "Proposals",
    "ProposalsEffect",
    "ProvocationEffect",
    "Rok",
    "RokActorParams",
    "Scenario",
    "Section",
    "Shock",
    "Successor",
    "SummitEffect",
    "TrackEffect",
    "Un",
    "Us",
    "UsActor",
    "UsConsentEffect",
    "WinSetEffect",
    "WorkingGroupParams",
]
