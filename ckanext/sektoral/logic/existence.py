"""For a caller who may not read a dataset, every action answers as if the
dataset did not exist.

CKAN answers a private dataset that the caller may not read with a 403
naming its id ("User  not authorized to read package <uuid>"), and a
dataset that does not exist with a 404: the difference tells an outsider
that an unpublished item exists, and the message gives its id. Here each
action that takes a dataset (or one of its resources, views or
activities) is wrapped: a reference to a dataset, resource or view that
does not exist or that the caller may not ``package_show`` answers 404
"Dataset not found" (resp. resource, view) before the action runs; an
activity of such a dataset is looked up as an id that exists nowhere, so
the action's answer is exactly its answer for a missing activity (the
caller's own reference is put back into the message).

:data:`REFERENCES` is the one table of which action takes what; the leak
matrix (``tests/security``) fails on any registered action that is neither
in it nor classified there as taking no dataset.
"""
from __future__ import annotations

import copy
import functools
import uuid
from collections.abc import Callable
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict

from ckanext.sektoral.logic import guards
from ckanext.sektoral.core import stages

#: A path into the action's input (``"id"`` or ``("match", "id")``) and
#: the kind of object it names.
Ref = tuple[Any, str]

_DATASET_ID: list[Ref] = [("id", "dataset")]

#: Actions taking a dataset, a resource, a resource view or an activity.
REFERENCES: dict[str, list[Ref]] = {
    # CKAN core: datasets
    "package_show": _DATASET_ID,
    "package_update": _DATASET_ID,
    "package_patch": _DATASET_ID,
    "package_delete": _DATASET_ID,
    "dataset_purge": _DATASET_ID,
    "package_revise": [(("match", "id"), "dataset"),
                       (("match", "name"), "dataset")],
    "package_owner_org_update": _DATASET_ID,
    "package_resource_reorder": _DATASET_ID,
    "package_create_default_resource_views": [(("package", "id"), "dataset")],
    "package_relationships_list": [("id", "dataset"), ("id2", "dataset")],
    "package_relationship_create": [("subject", "dataset"),
                                    ("object", "dataset")],
    "package_relationship_update": [("subject", "dataset"),
                                    ("object", "dataset")],
    "package_relationship_delete": [("subject", "dataset"),
                                    ("object", "dataset")],
    "package_collaborator_list": _DATASET_ID,
    "package_collaborator_create": _DATASET_ID,
    "package_collaborator_delete": _DATASET_ID,
    "dataset_follower_count": _DATASET_ID,
    "dataset_follower_list": _DATASET_ID,
    "am_following_dataset": _DATASET_ID,
    "follow_dataset": _DATASET_ID,
    "unfollow_dataset": _DATASET_ID,
    "member_create": [("object", "member_package")],
    "member_delete": [("object", "member_package")],
    # resources and their views
    "resource_create": [("package_id", "dataset")],
    "resource_show": [("id", "resource")],
    "resource_update": [("id", "resource")],
    "resource_patch": [("id", "resource")],
    "resource_delete": [("id", "resource")],
    "resource_view_list": [("id", "resource")],
    "resource_view_reorder": [("id", "resource")],
    "resource_view_create": [("resource_id", "resource")],
    "resource_create_default_resource_views": [(("resource", "id"),
                                                "resource")],
    "resource_view_show": [("id", "view")],
    "resource_view_update": [("id", "view")],
    "resource_view_delete": [("id", "view")],
    # ckanext-validation
    "resource_validation_show": [("resource_id", "resource")],
    "resource_validation_run": [("resource_id", "resource")],
    "resource_validation_delete": [("resource_id", "resource")],
    # ckanext/activity
    "package_activity_list": _DATASET_ID,
    "activity_show": [("id", "activity")],
    "activity_data_show": [("id", "activity")],
    "activity_diff": [("id", "activity")],
    # the extension's own actions taking one dataset
    **{"sektoral_" + name: _DATASET_ID for name in (
        *stages.TRANSITION_ORDER, *stages.after_publication(), "history",
        "completeness", "analysis_run", "analysis_show", "chart_data",
        "push", "push_status", "submission_diff")},
}


def _get(data: Any, path: Any) -> Any:
    for key in (path if isinstance(path, tuple) else (path,)):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _set(data: dict[str, Any], path: Any, value: str) -> None:
    keys = path if isinstance(path, tuple) else (path,)
    for key in keys[:-1]:
        data = data[key]
    data[keys[-1]] = value


def _member_package(ref: str, data_dict: DataDict) -> Optional[model.Package]:
    if str(data_dict.get("object_type") or "") != "package":
        return None
    return model.Package.get(ref)


def _activity_package(ref: str) -> Optional[model.Package]:
    try:
        from ckanext.activity.model import Activity
    except ImportError:  # the activity plugin is not installed
        return None
    activity = model.Session.get(Activity, ref)
    if activity is None or "package" not in (activity.activity_type or ""):
        return None
    return model.Package.get(activity.object_id)


#: What a reference of each kind answers when it names nothing the
#: caller may see (CKAN core's own messages, translated by its catalog).
#: Activities are left to the action: an activity id may name a user's
#: or an organization's activity, which the resolver does not look at.
_NOT_FOUND = {
    "dataset": "Dataset not found",
    "member_package": "Dataset not found",
    "resource": "Resource not found",
    "view": "Resource view not found",
}


def _lookup(kind: str, ref: str, data_dict: DataDict
            ) -> tuple[bool, Optional[model.Package]]:
    """``(exists, dataset)`` for one reference."""
    if kind == "dataset":
        pkg = model.Package.get(ref)
        return pkg is not None, pkg
    if kind == "member_package":
        pkg = _member_package(ref, data_dict)
        return pkg is not None, pkg
    if kind == "resource":
        resource = model.Resource.get(ref)
        if resource is None or resource.state == "deleted":
            return False, None
        return True, model.Package.get(resource.package_id)
    if kind == "view":
        view = model.ResourceView.get(ref)
        if view is None:
            return False, None
        resource = model.Resource.get(view.resource_id)
        return True, (model.Package.get(resource.package_id)
                      if resource else None)
    pkg = _activity_package(ref)  # "activity"
    return pkg is not None, pkg


def hidden_refs(context: Context, data_dict: DataDict,
                refs: list[Ref]) -> dict[Any, tuple[str, str]]:
    """The references of ``data_dict`` that name nothing the caller may
    see: ``{path: (ref, kind)}``, for datasets (and their resources and
    views) that do not exist or that the caller may not read, and for
    activities of datasets the caller may not read."""
    found: dict[Any, tuple[str, str]] = {}
    for path, kind in refs:
        ref = _get(data_dict, path)
        if not isinstance(ref, str) or not ref.strip():
            continue
        if kind == "member_package" and str(
                data_dict.get("object_type") or "") != "package":
            continue
        exists, pkg = _lookup(kind, ref, data_dict)
        if not exists:
            if kind in _NOT_FOUND:
                found[path] = (ref, kind)
            continue
        if pkg is not None and pkg.id not in guards.readable_package_ids(
                context, [pkg.id]):
            found[path] = (ref, kind)
    return found


def _restored(value: Any, sentinels: dict[str, str]) -> Any:
    if isinstance(value, str):
        for sentinel, ref in sentinels.items():
            value = value.replace(sentinel, ref)
        return value
    if isinstance(value, dict):
        return {k: _restored(v, sentinels) for k, v in value.items()}
    if isinstance(value, list):
        return [_restored(v, sentinels) for v in value]
    return value


def _restore_error(error: Exception, sentinels: dict[str, str]) -> Exception:
    if isinstance(error, tk.ValidationError):
        return tk.ValidationError(_restored(error.error_dict, sentinels))
    message = getattr(error, "message", None)
    if isinstance(message, str):
        return type(error)(_restored(message, sentinels))
    return error


def as_missing(refs: list[Ref]) -> Callable[[Callable[..., Any]],
                                            Callable[..., Any]]:
    """Decorate an action (plain or chained): a reference to a dataset,
    resource or view that does not exist or that the caller may not read
    answers 404 with the same message, before the action runs (CKAN would
    answer 403 with the id, and some core auth functions fail with a 500
    on a missing dataset); an activity of a dataset the caller may not
    read is looked up as an activity that exists nowhere."""
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any) -> Any:
            context, data_dict = args[-2], args[-1]
            if context.get("ignore_auth") or not isinstance(data_dict, dict):
                return fn(*args)
            hidden = hidden_refs(context, data_dict, refs)
            if not hidden:
                return fn(*args)
            for _ref, kind in hidden.values():
                if kind in _NOT_FOUND:
                    raise tk.ObjectNotFound(tk._(_NOT_FOUND[kind]))
            replaced = copy.deepcopy(data_dict)
            sentinels: dict[str, str] = {}
            for path, (ref, _kind) in hidden.items():
                sentinel = "sektoral-missing-" + uuid.uuid4().hex
                _set(replaced, path, sentinel)
                sentinels[sentinel] = ref
            try:
                return fn(*args[:-1], replaced)
            except (tk.ObjectNotFound, tk.NotAuthorized,
                    tk.ValidationError) as error:
                raise _restore_error(error, sentinels) from None
        return wrapper
    return decorate


#: Modules whose actions are read-only (GET) when so marked; a chained
#: action keeps GET only if it carries ``side_effect_free`` itself.
_READ_MODULES = ("ckan.logic.action.get", "ckanext.activity.logic.action",
                 "ckanext.validation.logic.action")


def _core_side_effect_free(name: str) -> bool:
    import importlib

    for module_name in _READ_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        fn = getattr(module, name, None)
        if fn is None:
            continue
        if module_name.endswith(".get") or getattr(fn, "side_effect_free",
                                                   False):
            return True
    return False


def _passthrough(name: str) -> Callable[..., Any]:
    def action(next_action: Any, context: Context, data_dict: DataDict) -> Any:
        return next_action(context, data_dict)
    action.__name__ = name
    if _core_side_effect_free(name):
        action.side_effect_free = True  # type: ignore[attr-defined]
    return action


#: Actions of :data:`REFERENCES` that a plugin provides (chained only when
#: that plugin is enabled: a chained action needs its parent).
PROVIDERS: dict[str, str] = {
    **{name: "activity" for name in (
        "package_activity_list", "activity_show", "activity_data_show",
        "activity_diff")},
    **{name: "validation" for name in (
        "resource_validation_show", "resource_validation_run",
        "resource_validation_delete")},
}


def core_actions(defined: dict[str, Any]) -> dict[str, Any]:
    """Chained actions for every core action of :data:`REFERENCES`:
    ``defined`` holds the extension's own chained versions (wrapped
    instead of replaced) and its own actions (wrapped in place)."""
    from ckan import plugins

    out: dict[str, Any] = {}
    for name, refs in REFERENCES.items():
        provider = PROVIDERS.get(name)
        if provider and not plugins.plugin_loaded(provider):
            continue
        own = defined.get(name)
        if own is None and name.startswith("sektoral_"):
            continue
        if own is not None and not getattr(own, "chained_action", False):
            fn = as_missing(refs)(own)
            for key, value in own.__dict__.items():
                setattr(fn, key, value)
            out[name] = fn
            continue
        base = own if own is not None else _passthrough(name)
        fn = as_missing(refs)(base)
        for key, value in getattr(base, "__dict__", {}).items():
            setattr(fn, key, value)
        out[name] = tk.chained_action(fn)
    return out
