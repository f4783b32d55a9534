"""The weekly phases of the model, one module per phase (docs/model.md, process overview)."""
