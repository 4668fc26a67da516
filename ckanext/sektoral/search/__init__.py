"""PostgreSQL search backend (plugin ``sektoral_pgsearch``)."""
