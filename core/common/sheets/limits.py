"""How big and deep a file to import may be: every reader checks these before it trusts a file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportLimits:
    """What a file may be before it is refused (each refusal is a UserError, nothing written)."""

    max_file_bytes: int = 300 * 1024 * 1024
    max_rows: int = 2_000_000  # data rows over all sheets
    max_uncompressed_bytes: int = 1024 * 1024 * 1024  # all parts of an .xlsx/.ods together
    max_compression_ratio: float = 200.0  # of any large part of an .xlsx/.ods
    header_scan_rows: int = 30  # the header must be among the first rows
    # A sheet's rectangle from its first to its last cell: calamine holds it whole, 32 bytes a
    # cell, so this is about 1.6 GB; a real member list of 2,000,000 rows × 25 columns fits.
    max_sheet_cells: int = 50_000_000
    max_json_depth: int = 64  # WeCom API responses nest 5 deep
