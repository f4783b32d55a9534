"""Adapters for the tools researchers already use.

- :mod:`~sim.studies.adapters.flat`: one run as a function from field-path overrides and a
  seed to a flat dict of outcomes (what experiment frameworks call a model);
- :mod:`~sim.studies.adapters.salib`: the SALib problem dict of some field paths, with
  bounds from the parameter table (:func:`sim.scenario.reference.parameter_table`);
- :mod:`~sim.studies.adapters.ema`: an EMA Workbench model of a scenario (the optional
  ``ema`` extra).

docs/adapters.md shows each in a short example.
"""
