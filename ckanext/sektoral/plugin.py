"""Interface wiring of the ``sektoral`` plugin; the logic lives elsewhere."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.cli
@tk.blanket.config_declarations
class SektoralPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation, inherit=True)

    # IConfigurer

    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")
