"""Reading the spreadsheets people import (member lists, activity sheets, and next chat and
campaign exports), shared so that every import accepts and refuses the same files.

- `readers`: what a file is (by its first bytes), the refusals (empty, huge, encrypted, not a
  spreadsheet, zip bomb), then its rows: calamine for workbooks, CSV with its encoding found,
  JSON with its depth bounded;
- `extent` (with `cfb` for legacy .xls containers): each sheet's real size, measured before
  calamine is asked to load it, so a far cell or a lying .xls DIMENSIONS cannot abort the process;
- `limits`: how big a file may be (`ImportLimits`);
- `normalize`: cells as exports write them turned into values (text, phones, dates, tags…),
  each with a one-line reason when it cannot be read.

What the rows mean (which column is which field) is the importing feature's business.
"""
