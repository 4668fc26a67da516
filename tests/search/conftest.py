"""Fixtures of the PostgreSQL search backend tests: the shared ones in
``tests/conftest.py`` (``clean_db``, ``clean_index``) are all they need."""
