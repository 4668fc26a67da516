"""Compatibility layer: ckanext-validation 2.2.0 on CKAN 2.11.

ckanext-validation 2.2.0 (the latest release on PyPI) does not work on CKAN
2.11. Each breakage is fixed here by one named, idempotent and reversible
patch; nothing else of the extension is changed. :func:`apply` applies them
all; ``ckanext/sektoral/plugin.py`` calls it when it is imported (see
"Activation"). ``tests/compat`` proves each one: the original code path
fails with the patch reverted and works with it.

1. ``tables_exist`` -- startup crash
   ``ckanext.validation.model.tables_exist()`` calls
   ``Validation.__table__.exists()`` and ``create_tables()`` calls
   ``Validation.__table__.create()``; both need "bound metadata", which
   CKAN >= 2.10 (SQLAlchemy 1.4, no ``metadata.bind``) no longer has.
   ``ValidationPlugin.update_config`` raises ``UnboundExecutionError``, so
   every command that loads the plugin (``ckan db init``, ``ckan run``,
   ``ckan jobs worker``, pytest) dies, and ``ckan validation init-db`` cannot
   create the table. Both functions -- and the copies imported by name into
   ``ckanext.validation.plugin`` and ``ckanext.validation.common`` -- are
   replaced with versions using an inspector / ``create(bind=...)`` on
   CKAN's engine.
   Upstream: issue ckan/ckanext-validation#118 (also #61); ``create_tables``
   fixed on master by PR #119 (merged, not released); ``tables_exist`` by
   the open PR #120.

2. ``get_underlying_file`` -- every web-form resource upload is a 500
   ``ckanext.validation.utils.process_schema_fields`` (run by
   ``before_resource_create``/``before_resource_update``) reads an uploaded
   Table Schema with ``ckan.lib.uploader._get_underlying_file``, removed in
   CKAN 2.10. The resource form of the ``resource_schema`` preset always
   posts a ``schema_upload`` file field (empty when no file is chosen), so
   it is ``AttributeError`` -> HTTP 500 for every resource created or edited
   through the web form. ``ckanext.validation.utils`` -- and only it -- gets
   a view of ``ckan.lib.uploader`` with the function back (CKAN 2.9's
   implementation); CKAN core is not touched.
   Upstream: open PR ckan/ckanext-validation#120.

3. ``unicode_validator`` -- the shipped example schema is rejected
   ``ckanext/validation/examples/ckan_default_schema.json`` (the dataset
   schema the README tells you to start from) declares ``version`` with
   ``"ignore_missing unicode package_version_validator"``. ckanext-scheming
   resolves ``unicode`` to the builtin ``str``, which CKAN >= 2.10 refuses
   as a validator (``TypeError: str cannot be used as validator because it
   is not a user-defined function``): every dataset create/update with a
   version fails. Registering a ``unicode`` validator through
   ``IValidators`` cannot help -- scheming short-circuits that name before
   it looks at the validator registry -- so the token ``unicode`` is
   rewritten to CKAN's ``unicode_safe`` (the replacement named in CKAN's
   2.10 migration notes) while scheming loads a schema or presets file
   *shipped by ckanext-validation*. Schemas of other packages, ours included,
   are loaded exactly as written.
   Upstream: ckan/ckanext-validation#91 (closed, file unchanged),
   ckan/ckanext-scheming#298 (open).

4. ``async_hooks`` -- asynchronous validation of new resources never runs
   (not in the original brief: found by the end-to-end test.) Upstream
   starts validating a resource created with ``resource_create`` from the
   *dataset* hook ``after_update``, renamed ``after_dataset_update`` in
   CKAN 2.10, and ignores resource dicts in ``after_resource_create``; on
   2.11 ``run_on_create_async`` therefore never enqueues anything. The patch
   validates the new resource in ``after_resource_create``, which CKAN calls
   after the uploaded file is stored and committed, and maps
   ``after_dataset_create`` (CKAN 2.9: ``after_create``) to upstream's
   dataset branch so that datasets created with resources are validated as
   before. ``after_dataset_update`` is deliberately not mapped: upstream's
   handler re-validates every resource on each ``package_update``
   (ckan/ckanext-validation#49), and resource updates already work on 2.11
   through ``after_resource_update``.
   Upstream: open PR ckan/ckanext-validation#120 ("silently-skipped async
   validation").

Activation
   ``ckan.plugins.core.load()`` imports and instantiates every plugin named
   in ``ckan.plugins`` and only then calls ``plugins_update()`` once, which
   runs all ``IConfigurer.update_config`` hooks in ``ckan.plugins`` order,
   then all ``IConfigurable.configure`` hooks. Fix 1 must be in place before
   ``ValidationPlugin.update_config``, and when ``validation`` is listed
   before ``sektoral`` none of sektoral's hooks runs that early -- hence the
   call at import time of ``ckanext.sektoral.plugin``. That covers every
   entry point that loads the environment (``ckan db init``/``upgrade``,
   ``ckan run``, ``ckan jobs worker`` and its forked work horses, CKAN's
   pytest plugin), whatever the plugin order.

When to remove
   When a ckanext-validation release fixes these (watch PR #120 and the
   example schema): bump the pin, delete this module, its call in
   ``plugin.py`` and ``tests/compat/test_validation_compat.py``. Until then
   :func:`apply` patches nothing but :data:`PATCHED_VERSION` (it logs a
   warning for any other version), so an upgrade never runs these patches
   against code they were not written for -- and ``tests/compat`` fails.
"""
from __future__ import annotations

import dataclasses
import importlib
import logging
import types
from importlib import metadata as importlib_metadata
from typing import IO, Any, Callable, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

#: The only ckanext-validation release these patches were written for.
PATCHED_VERSION = "2.2.0"

#: Names of the patches, in the order :func:`apply` applies them.
TABLES_EXIST = "tables_exist"
GET_UNDERLYING_FILE = "get_underlying_file"
UNICODE_VALIDATOR = "unicode_validator"
ASYNC_HOOKS = "async_hooks"
PATCH_NAMES: tuple[str, ...] = (
    TABLES_EXIST, GET_UNDERLYING_FILE, UNICODE_VALIDATOR, ASYNC_HOOKS)


# ---------------------------------------------------------------------------
# Fix 1: tables_exist / create_tables without bound metadata
# ---------------------------------------------------------------------------

def _validation_table() -> sa.Table:
    from ckanext.validation.model import Validation

    table: sa.Table = Validation.__table__
    return table


def tables_exist() -> bool:
    """Whether ckanext-validation's ``validation`` table exists.

    Replacement for ``ckanext.validation.model.tables_exist``. It uses an
    inspector on CKAN's engine. ``ValidationPlugin.update_config`` calls it
    while the environment is first loaded, before ``model.init_model`` has
    created that engine; a short-lived engine from ``sqlalchemy.url`` is used
    then. The check only decides whether a "run ckan validation init-db"
    hint is logged, so a database that cannot be reached counts as "no
    table" instead of aborting startup (``ckan db init`` must still work).
    """
    from ckan.model import meta

    table_name = _validation_table().name
    if meta.engine is not None:
        return bool(sa.inspect(meta.engine).has_table(table_name))

    import ckan.plugins.toolkit as tk

    url = tk.config.get("sqlalchemy.url")
    if not url:
        return False
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        return bool(sa.inspect(engine).has_table(table_name))
    except sa.exc.SQLAlchemyError as error:
        log.debug("Cannot check for the validation table: %s", error)
        return False
    finally:
        engine.dispose()


def create_tables() -> None:
    """Create ckanext-validation's table if it is missing.

    Replacement for ``ckanext.validation.model.create_tables`` (used by
    ``ckan validation init-db``); ckanext-validation 2.2.0 ships no alembic
    migrations, so this is also how the test suite creates the table.
    """
    from ckan.model import ensure_engine

    _validation_table().create(bind=ensure_engine(), checkfirst=True)
    log.info("Validation database tables created")


# ---------------------------------------------------------------------------
# Fix 2: ckan.lib.uploader._get_underlying_file for ckanext.validation.utils
# ---------------------------------------------------------------------------

def _get_underlying_file(wrapper: Any) -> IO[bytes]:
    """CKAN 2.9's ``ckan.lib.uploader._get_underlying_file``.

    Uploads reach actions as werkzeug ``FileStorage`` objects (CKAN >= 2.10
    knows no other upload type); anything else is treated like the
    ``cgi.FieldStorage`` of old and read from its ``file``.
    """
    from werkzeug.datastructures import FileStorage

    stream: IO[bytes] = (
        wrapper.stream if isinstance(wrapper, FileStorage) else wrapper.file)
    return stream


class _UploaderView(types.ModuleType):
    """``ckan.lib.uploader`` as ``ckanext.validation.utils`` sees it.

    Every attribute is looked up on the real module at access time (so
    ``mock.patch("ckan.lib.uploader.…")`` keeps working); only
    ``_get_underlying_file``, which CKAN 2.11 removed, is added.
    """

    def __init__(self, wrapped: types.ModuleType) -> None:
        super().__init__(wrapped.__name__, wrapped.__doc__)
        self.__wrapped__ = wrapped
        self._get_underlying_file = _get_underlying_file

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__wrapped__, name)


# ---------------------------------------------------------------------------
# Fix 3: "unicode" validator in the schemas shipped by ckanext-validation
# ---------------------------------------------------------------------------

#: Files whose module path starts with this are rewritten (fix 3).
_VALIDATION_PACKAGE = "ckanext.validation"


def _is_validation_file(url: str) -> bool:
    module = url.split(":", 1)[0]
    return (module == _VALIDATION_PACKAGE
            or module.startswith(_VALIDATION_PACKAGE + "."))


def replace_unicode_validator(schema: Any) -> Any:
    """Replace the ``unicode`` token in every ``*validators`` string.

    Walks a loaded scheming schema or presets file (in place) and turns
    ``"ignore_missing unicode x"`` into ``"ignore_missing unicode_safe x"``.
    Only the exact token ``unicode`` changes. Returns ``schema``.
    """
    if isinstance(schema, dict):
        for key, value in schema.items():
            if isinstance(value, str) and key.endswith("validators"):
                tokens = value.split()
                if "unicode" in tokens:
                    schema[key] = " ".join(
                        "unicode_safe" if token == "unicode" else token
                        for token in tokens)
            else:
                replace_unicode_validator(value)
    elif isinstance(schema, list):
        for item in schema:
            replace_unicode_validator(item)
    return schema


def _wrap_load_schema(
        load_schema: Callable[[str], Any]) -> Callable[[str], Any]:
    """Wrap ``ckanext.scheming.plugins._load_schema`` for fix 3."""

    def _load_schema(url: str) -> Any:
        schema = load_schema(url)
        if schema is not None and _is_validation_file(url):
            replace_unicode_validator(schema)
        return schema

    _load_schema.__wrapped__ = load_schema  # type: ignore[attr-defined]
    _load_schema.__doc__ = load_schema.__doc__
    return _load_schema


# ---------------------------------------------------------------------------
# Fix 4: async validation of new resources under CKAN >= 2.10 hook names
# ---------------------------------------------------------------------------

def _after_dataset_create(plugin: Any, context: Any,
                          pkg_dict: dict[str, Any]) -> Any:
    """``IPackageController.after_dataset_create`` (2.9: ``after_create``).

    Upstream's ``after_resource_create`` handles dataset dicts: every
    resource of a new dataset is validated.
    """
    return plugin.after_resource_create(context, pkg_dict)


def _wrap_after_resource_create(
        original: Callable[..., Any]) -> Callable[..., Any]:
    """Validate the resource ``resource_create`` has just created.

    CKAN calls ``IResourceController.after_resource_create`` with the new
    resource once its file is stored and committed. Upstream ignores resource
    dicts there and relied on the dataset hook, which CKAN 2.10 renamed.
    """

    def after_resource_create(plugin: Any, context: Any,
                              data_dict: dict[str, Any]) -> Any:
        if plugin._data_dict_is_dataset(data_dict):
            return original(plugin, context, data_dict)
        # set by upstream's before_resource_create for the dataset hook
        context.pop("_resource_create_call", None)
        from ckanext.validation import settings

        if settings.get_create_mode_from_config() == "async":
            plugin._handle_validation_for_resource(context, data_dict)
        return None

    after_resource_create.__wrapped__ = original  # type: ignore[attr-defined]
    return after_resource_create


# ---------------------------------------------------------------------------
# Patch machinery
# ---------------------------------------------------------------------------

_MISSING = object()


@dataclasses.dataclass
class _Attribute:
    """One attribute replaced by a patch (restorable).

    ``owner`` is a module (``"pkg.mod"``) or a class in one
    (``"pkg.mod:Class"``).
    """

    owner: str
    name: str
    #: Builds the replacement from the current value.
    replacement: Callable[[Any], Any]
    #: The owner's own value before patching (``_MISSING`` if inherited).
    original: Any = None
    patched: Any = None

    def _owner(self) -> Any:
        module, _, qualname = self.owner.partition(":")
        target: Any = importlib.import_module(module)
        for part in filter(None, qualname.split(".")):
            target = getattr(target, part)
        return target

    def apply(self) -> None:
        owner = self._owner()
        if self.patched is not None \
                and vars(owner).get(self.name) is self.patched:
            return
        self.original = vars(owner).get(self.name, _MISSING)
        self.patched = self.replacement(getattr(owner, self.name))
        setattr(owner, self.name, self.patched)

    def revert(self) -> None:
        if self.patched is None:
            return
        owner = self._owner()
        if vars(owner).get(self.name) is self.patched:
            if self.original is _MISSING:
                delattr(owner, self.name)
            else:
                setattr(owner, self.name, self.original)
        self.original = self.patched = None

    @property
    def applied(self) -> bool:
        return (self.patched is not None
                and vars(self._owner()).get(self.name) is self.patched)


def _constant(value: Any) -> Callable[[Any], Any]:
    return lambda _original: value


_PLUGIN_CLASS = "ckanext.validation.plugin:ValidationPlugin"

#: Every attribute each patch replaces. Names imported with
#: ``from .model import tables_exist`` are separate references, hence the
#: entries for ``plugin`` and ``common``.
_PATCHES: dict[str, tuple[_Attribute, ...]] = {
    TABLES_EXIST: (
        _Attribute("ckanext.validation.model", "tables_exist",
                   _constant(tables_exist)),
        _Attribute("ckanext.validation.model", "create_tables",
                   _constant(create_tables)),
        _Attribute("ckanext.validation.plugin", "tables_exist",
                   _constant(tables_exist)),
        _Attribute("ckanext.validation.common", "tables_exist",
                   _constant(tables_exist)),
        _Attribute("ckanext.validation.common", "create_tables",
                   _constant(create_tables)),
    ),
    GET_UNDERLYING_FILE: (
        _Attribute("ckanext.validation.utils", "uploader", _UploaderView),
    ),
    UNICODE_VALIDATOR: (
        _Attribute("ckanext.scheming.plugins", "_load_schema",
                   _wrap_load_schema),
    ),
    ASYNC_HOOKS: (
        _Attribute(_PLUGIN_CLASS, "after_dataset_create",
                   _constant(_after_dataset_create)),
        _Attribute(_PLUGIN_CLASS, "after_resource_create",
                   _wrap_after_resource_create),
    ),
}


def installed_version() -> Optional[str]:
    """Installed ckanext-validation version, ``None`` if not installed."""
    try:
        return importlib_metadata.version("ckanext-validation")
    except importlib_metadata.PackageNotFoundError:
        return None


def _select(names: Optional[Iterable[str]]) -> list[str]:
    selected = list(PATCH_NAMES if names is None else names)
    unknown = sorted(set(selected) - set(PATCH_NAMES))
    if unknown:
        raise ValueError(f"Unknown patch(es): {', '.join(unknown)}")
    return selected


def apply(names: Optional[Iterable[str]] = None) -> list[str]:
    """Apply the patches (all by default); idempotent.

    Returns the names of the patches that are active afterwards: none when
    the installed ckanext-validation is not :data:`PATCHED_VERSION`.
    """
    selected = _select(names)
    version = installed_version()
    if version != PATCHED_VERSION:
        log.warning(
            "ckanext.sektoral.compat.validation targets ckanext-validation "
            "%s but %s is installed: not patching. Check whether the new "
            "release fixes the CKAN 2.11 issues and remove this module.",
            PATCHED_VERSION, version or "no version")
        return []
    for name in selected:
        for attribute in _PATCHES[name]:
            attribute.apply()
    return [name for name in PATCH_NAMES if is_applied(name)]


def revert(names: Optional[Iterable[str]] = None) -> None:
    """Undo the patches (all by default); patches not applied are skipped."""
    for name in reversed(_select(names)):
        for attribute in reversed(_PATCHES[name]):
            attribute.revert()


def is_applied(name: str) -> bool:
    """Whether every attribute of patch ``name`` is currently patched."""
    return all(attribute.applied for attribute in _PATCHES[_select([name])[0]])
