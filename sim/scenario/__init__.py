"""Scenarios: the parameter schema, YAML files and their variants, field paths and overrides.

The schema's sections are importable from here: ``from sim.scenario import Scenario``.

Modules, each importing only those listed before it:

- the schema by model part: ``base`` (``Section``, ``param``, the vocabularies),
  ``calendar``, ``actors``, ``proposals``, ``allies`` (ROK, US), ``institutions``
  (information, channels, working group, UN, legitimacy), ``dprk``, ``shocks``; and
  ``schema``, the top-level ``Scenario`` with every section re-exported;
- ``fields``: field paths and introspection (bounds, units, lookup, effect tags), the one
  place that reads pydantic's field metadata;
- ``messages``: validation errors as one line per problem;
- ``paths``: reading and overriding values by path; ``loader``: YAML files, ``extends``,
  calibrated values, variants, the file's JSON Schema; ``reference``: the parameter
  reference (``wgsim parameters``).
"""

from sim.scenario.schema import (
    DIMENSIONS,
    PROPOSAL_TYPES,
    ActorEffect,
    Actors,
    BorderEffect,
    Calendar,
    Channel,
    DomesticPressureEffect,
    DprkActor,
    DprkParams,
    Effect,
    Information,
    LeadershipWindowEffect,
    Legitimacy,
    NewProposal,
    Proposals,
    ProposalsEffect,
    ProposalType,
    ProposalTypes,
    ProvocationEffect,
    Rok,
    RokActorParams,
    Scenario,
    Section,
    Shock,
    Successor,
    SummitEffect,
    TrackEffect,
    Un,
    Us,
    UsActor,
    UsConsentEffect,
    WinSetEffect,
    WorkingGroupParams,
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
