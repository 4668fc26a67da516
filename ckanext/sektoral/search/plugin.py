"""Plugin ``sektoral_pgsearch``: placeholder, being implemented."""
import ckan.plugins as p


class PgSearchPlugin(p.SingletonPlugin):
    pass
