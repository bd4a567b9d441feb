"""The 行为 (activity) screens: kind names, and the dialogs that record activity."""
