"""内容日历 tab: month, week and list views of content items, and the item editor."""
