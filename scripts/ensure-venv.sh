#!/usr/bin/env bash
# Create .venv (if missing) and install the pinned stack and the project.
# Re-installs only when requirements.txt, constraints.txt or setup.py change.
source "$(dirname "$0")/common.sh"

stamp_of() {
    cat "$ROOT/requirements.txt" "$ROOT/constraints.txt" "$ROOT/setup.py" \
        | sha256sum | cut -c1-16
}

# pip, with the "location is ignored" noise of local index mirrors filtered.
quiet_pip() {
    "$PY" -m pip -q "$@" 2> >(grep -v "is ignored: it is neither" >&2)
}

if [ ! -x "$PY" ]; then
    log "creating virtualenv $VENV ($PYTHON_BIN)"
    "$PYTHON_BIN" -m venv "$VENV"
fi
STAMP="$VENV/.sektoral-installed-$(stamp_of)"
if [ ! -f "$STAMP" ]; then
    log "installing pinned packages into $VENV"
    quiet_pip install --upgrade "pip<25" "setuptools<76" wheel
    quiet_pip install -r "$ROOT/requirements.txt" -c "$ROOT/constraints.txt"
    quiet_pip install --no-deps --no-build-isolation -e "$ROOT"
    rm -f "$VENV"/.sektoral-installed-*
    touch "$STAMP"
else
    # The editable install is cheap to verify; redo it if it was removed.
    "$PY" -c "import ckanext.sektoral.plugin" 2>/dev/null \
        || quiet_pip install --no-deps --no-build-isolation -e "$ROOT"
fi
