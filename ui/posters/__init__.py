"""The 海报 tab: the poster designer over core.posters (one renderer, templates in the database)."""
