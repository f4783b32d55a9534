"""Scenarios: the parameter schema, YAML files and their variants, field paths and overrides."""
