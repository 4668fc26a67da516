#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it through
# executable_path; `playwright install` is never used).
source "$(dirname "$0")/common.sh"
if [ ! -x /usr/bin/chromium ]; then
    log "installing Debian's chromium"
    apt_install chromium fonts-dejavu-core
fi
