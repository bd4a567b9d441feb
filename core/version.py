"""The program's version, read by the CLI, the About dialog and packaging."""

__version__ = "0.1.0"
