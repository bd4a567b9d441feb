"""The settings dialog: language, light or dark look, database, operator name."""
