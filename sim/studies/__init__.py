"""Studies built from batches: comparisons, experiments and calibration."""
