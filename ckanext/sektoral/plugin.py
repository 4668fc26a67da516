"""Interface wiring of the ``sektoral`` plugin; the logic lives elsewhere."""
from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckanext.validation.interfaces import IPipeValidation

from ckanext.sektoral import config as sektoral_config
from ckanext.sektoral import subscriptions, views
from ckanext.sektoral.compat import validation as validation_compat
from ckanext.sektoral.core import codes
from ckanext.sektoral.datafile import hooks as datafile_hooks
from ckanext.sektoral.logic import existence, hooks
from ckanext.sektoral.views.common import register_error_handlers

# Import time on purpose: ckan.plugins.core.load() imports every enabled
# plugin before it runs any IConfigurer hook, and ckanext-validation 2.2.0
# crashes in its own update_config, which may run before ours. See
# ckanext/sektoral/compat/validation.py.
validation_compat.apply()


#: Each area keeps its actions, auth functions and helpers in its own
#: modules (names listed in their ``__all__``); one name, one module.
AREAS = ("ckanext.sektoral.logic",         # workflow engine
         "ckanext.sektoral.inbox",         # OPD inbox
         "ckanext.sektoral.documents",     # letters, compilation, report, analysis
         "ckanext.sektoral.publication",   # publication, national portal
         "ckanext.sektoral.insight")       # public pages, OPD performance
HELPER_MODULES = ("ckanext.sektoral.helpers",) + tuple(
    f"{area}.helpers" for area in AREAS[1:])


def _collect(module_names: Iterable[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for module_name in module_names:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if name in found:
                raise RuntimeError(f"{name} is defined by two modules")
            found[name] = getattr(module, name)
    return found


def _actions() -> dict[str, Any]:
    found = _collect(f"{area}.action" for area in AREAS)
    # datasets the caller may not read answer as missing, in every action
    # that takes one (logic/existence.py)
    found.update(existence.core_actions(found))
    return found


def _auth_functions() -> dict[str, Any]:
    # the shared permissions (sektoral_permission_*) are auth functions
    # too, so another plugin may chain one
    return _collect(("ckanext.sektoral.logic.permissions",)
                    + tuple(f"{area}.auth" for area in AREAS))


def _helpers() -> dict[str, Any]:
    return _collect(HELPER_MODULES)


@tk.blanket.actions(_actions)
@tk.blanket.auth_functions(_auth_functions)
@tk.blanket.validators
@tk.blanket.helpers(_helpers)
@tk.blanket.cli
@tk.blanket.config_declarations
class SektoralPlugin(DefaultTranslation, p.SingletonPlugin):
    # DefaultTranslation provides i18n_directory/i18n_domain (ckanext-sektoral);
    # `implements(ITranslation, inherit=True)` alone gives empty ones.
    p.implements(p.IConfigurer)
    p.implements(p.IBlueprint)
    p.implements(p.ITranslation, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(IPipeValidation, inherit=True)
    p.implements(p.ISignal)

    # IConfigurer

    def update_config(self, config_):
        sektoral_config.require_secret_key(config_)
        # the plain-Python core reads the portal's code-list override
        # through the configuration getter
        codes.use_configuration(sektoral_config.codes_path)
        tk.add_template_directory(config_, "templates")
        tk.add_resource("assets", "sektoral")

    # IMiddleware

    def make_middleware(self, app, config_):
        if hasattr(app, "register_error_handler"):  # the Flask app
            register_error_handlers(app)
        return app

    # IBlueprint

    def get_blueprint(self):
        return views.blueprints()

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

    # IResourceController

    def before_resource_create(self, context, resource):
        datafile_hooks.check_upload(resource, creating=True)
        hooks.before_resource_create(context, resource)

    def before_resource_update(self, context, current, resource):
        datafile_hooks.check_upload(resource)

    # ISignal: side effects of committed transitions (subscriptions.py)

    def get_signal_subscriptions(self):
        return subscriptions.get_subscriptions()

    # IPipeValidation (ckanext-validation)

    def receive_validation_report(self, validation_report):
        datafile_hooks.after_validation(validation_report)
