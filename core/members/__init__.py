"""Members and communities: search keys, import, merge, export (issue: members)."""
