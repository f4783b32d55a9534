"""The observer of the week: :mod:`~sim.core.phases.record` keeps the weekly series.

The other stages of the week are methods of the agents and institutions that act in
them (docs/architecture.md, "The model's shape"); the recorder only reads them.
"""
