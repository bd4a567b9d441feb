"""The overview page's figures: how big the database is and how lively the members are."""
