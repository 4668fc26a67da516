"""Interface wiring of the ``sektoral`` plugin; the logic lives elsewhere."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.sektoral.compat import validation as validation_compat
from ckanext.sektoral.logic import hooks

# Import time on purpose: ckan.plugins.core.load() imports every enabled
# plugin before it runs any IConfigurer hook, and ckanext-validation 2.2.0
# crashes in its own update_config, which may run before ours. See
# ckanext/sektoral/compat/validation.py.
validation_compat.apply()


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.cli
@tk.blanket.config_declarations
class SektoralPlugin(DefaultTranslation, p.SingletonPlugin):
    # DefaultTranslation provides i18n_directory/i18n_domain (ckanext-sektoral);
    # `implements(ITranslation, inherit=True)` alone gives empty ones.
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer

    def update_config(self, config_):
        tk.add_template_directory(config_, "templates")

    # IPermissionLabels

    def get_dataset_labels(self, dataset_obj):
        return hooks.dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        return hooks.user_labels(user_obj)

    # IPackageController

    def after_dataset_show(self, context, pkg_dict):
        hooks.after_dataset_show(pkg_dict)

    def before_dataset_index(self, pkg_dict):
        return hooks.before_dataset_index(pkg_dict)
