"""Runs: one seeded run and its metrics, batches of runs on processes or Dask, and their files.

Modules, bottom to top: :mod:`~sim.runs.store` (atomic writes, provenance),
:mod:`~sim.runs.metrics` and :mod:`~sim.runs.runner` (one run), :mod:`~sim.runs.jobs` (jobs,
chunks, seeds), :mod:`~sim.runs.lifeline` (worker processes die with the batch),
:mod:`~sim.runs.lock` (one writer per folder), :mod:`~sim.runs.executors` (running chunks
serially, in processes or on Dask), :mod:`~sim.runs.parts` (part files and their merge)
and :mod:`~sim.runs.engine` (a resumable batch: :func:`~sim.runs.engine.execute`,
:func:`~sim.runs.engine.run_with_manifest`).
"""
