#!/usr/bin/env bash
# Build the wheel, install it into a fresh venv (no checkout on the path)
# and check that the plugins load and scheming finds the packaged schemas.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
DIST="$(mktemp -d)"
CHECK_VENV="${SEKTORAL_WHEEL_VENV:-/tmp/sektoral-wheel-venv}"
trap 'rm -rf "$DIST"' EXIT

log "building the wheel"
"$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$DIST" "$ROOT" \
    2> >(grep -v "is ignored: it is neither" >&2)
WHEEL="$(ls "$DIST"/ckanext_sektoral-*.whl)"
log "built $(basename "$WHEEL")"

rm -rf "$CHECK_VENV"
"$PYTHON_BIN" -m venv "$CHECK_VENV"
log "installing the pinned stack and the wheel into $CHECK_VENV"
"$CHECK_VENV/bin/python" -m pip install -q "pip<25" "setuptools<76" wheel \
    2> >(grep -v "is ignored: it is neither" >&2)
"$CHECK_VENV/bin/python" -m pip install -q -r requirements.txt -c constraints.txt \
    2> >(grep -v "is ignored: it is neither" >&2)
"$CHECK_VENV/bin/python" -m pip install -q --no-deps "$WHEEL" \
    2> >(grep -v "is ignored: it is neither" >&2)

# Run from an empty folder with a copy of the test configuration, so that
# nothing resolves through the checkout.
WORK="$(mktemp -d)"
cp test.ini "$WORK/"
(
    cd "$WORK"
    "$CHECK_VENV/bin/python" - <<'PYEOF'
import os, sys
import ckanext.sektoral, ckanext.sektoral.schemas as schemas
here = os.path.dirname(ckanext.sektoral.__file__)
assert "site-packages" in here, f"not the installed wheel: {here}"
assert os.path.isfile(os.path.join(os.path.dirname(schemas.__file__), "data_sektoral.yaml"))

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app
import ckan.plugins as p
import ckan.plugins.toolkit as tk

conf = CKANConfigLoader("test.ini").get_config()
make_app(conf)
for name in ("sektoral", "sektoral_pgsearch", "scheming_datasets",
             "scheming_organizations", "validation", "activity"):
    assert p.plugin_loaded(name), name
ctx = {"ignore_auth": True}
types = tk.get_action("scheming_dataset_schema_list")(ctx, {})
print("dataset types:", types)
assert "data-sektoral" in types
for t in types:
    tk.get_action("scheming_dataset_schema_show")(ctx, {"type": t})
org = tk.get_action("scheming_organization_schema_show")(ctx, {"type": "organization"})
print("organization schema fields:", len(org["fields"]))

# Reference code lists and Table Schema templates ship in the wheel.
from ckanext.sektoral.core import codes, tables
assert len(codes.regencies()) == 10, codes.regencies()
names = tables.template_names()
assert names, "no Table Schema templates in the wheel"
for name in names:
    assert tables.load(name) == tables.generate_named(name), name
print("code lists and", len(names), "Table Schema templates: OK")

# The commands load; the demo's data stay in the checkout's demo/ folder.
import ckanext.sektoral.cli
from ckanext.sektoral import demo
try:
    demo.data()
except demo.DemoDataError as err:
    print("demo data not in the wheel:", err)
else:
    raise AssertionError("demo data found in the installed wheel")
print("wheel check: OK")
PYEOF
)
rc=$?
rm -rf "$WORK"
exit $rc
