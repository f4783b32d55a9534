"""The model: agents, proposals, channels, shocks and the weekly phases, on Mesa."""
