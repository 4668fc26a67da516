"""Plugin ``sektoral_pgsearch``: PostgreSQL search index instead of Solr.

Loading the plugin rebinds CKAN's Solr entry points (see :mod:`.patch`);
unloading it restores them. The index table comes only from this plugin's
alembic migration (``ckan db upgrade -p sektoral_pgsearch``); nothing is
created when the plugin loads.

Hooks used:

* ``IConfigurer.update_config`` -- runs inside
  ``ckan.config.environment.update_config`` *before* CKAN calls
  ``check_solr_schema_version()``, so the Solr check is never attempted;
* ``IConfigurable.configure`` -- the documented start-up hook (idempotent,
  for code paths that configure plugins without ``update_config``);
* unloading has no usable hook (``ckan.plugins.core.unload`` drops the
  plugin from the registry before notifying ``IPluginObserver``s, so a
  plugin never hears of its own unload): the installed replacements check
  on each call that the plugin is still loaded and otherwise restore the
  originals; the ``check_solr_schema_version()`` call that ends every
  (un)load triggers it at once (see :mod:`.patch`).
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig

from . import patch


@tk.blanket.config_declarations("config_declaration.yaml")
class PgSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer, inherit=True)
    p.implements(p.IConfigurable, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        patch.install()

    # IConfigurable

    def configure(self, config: CKANConfig) -> None:
        patch.install()
