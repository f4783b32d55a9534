"""wgsim."""
