"""The content calendar (内容日历): marketing nodes, holidays, plans and reminders."""
