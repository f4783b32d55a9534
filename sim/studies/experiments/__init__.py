"""Experiments: sweeps and global sensitivity analyses over scenario fields."""
