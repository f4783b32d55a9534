"""Runs: one seeded run and its metrics, batches of runs on processes or Dask, and their files."""
