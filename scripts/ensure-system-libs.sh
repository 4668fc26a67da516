#!/usr/bin/env bash
# System libraries of the documents area (idempotent): WeasyPrint's Pango,
# serif/sans fonts for the PDFs and poppler-utils (pdftoppm/pdftotext, used
# by the tests to look at rendered PDFs).
source "$(dirname "$0")/common.sh"
missing=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core \
           fonts-liberation poppler-utils; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" \
        || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing system libraries for documents: ${missing[*]}"
    apt_install "${missing[@]}"
fi
