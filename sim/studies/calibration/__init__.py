"""Calibration: documented episodes as targets, ABC-SMC fits and their reports."""
