"""Comparisons of a scenario file's variants under common random numbers."""
