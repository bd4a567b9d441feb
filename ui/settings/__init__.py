"""The settings dialog: language, database, operator name."""
