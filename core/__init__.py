"""The rules of the trade, in pure Python: never imports Qt (ARCHITECTURE.md)."""
