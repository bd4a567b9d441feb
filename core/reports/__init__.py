"""Reports (数据报表): the figures of the dashboard and the boss pack, the workbook, the picture."""
