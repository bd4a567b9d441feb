"""Everything Qt: the main window, tabs, dialogs, table models and the task runner."""
