"""数据报表 in the window: the report preset dialog (the 概览 tab opens it)."""
