"""Analysis of submitted data files (plain Python, no CKAN import)."""
