"""Pieces shared by more than one tab of the ui."""
