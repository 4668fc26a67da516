#!/usr/bin/env bash
# `make demo`: the portal with the extension and demo data on one machine.
#
#   scripts/demo.sh         set up (idempotent), then start worker + portal
#   scripts/demo.sh stop    stop them
#
# Environment: SEKTORAL_DB_URL (default postgresql://ckan_default:pass@127.0.0.1/ckan_dev),
# SEKTORAL_REDIS_URL (default redis://127.0.0.1:6379/0), SEKTORAL_PORT (5000),
# SEKTORAL_DEMO_PASSWORD (password of the demo users it creates),
# SEKTORAL_DEMO_DIR (pid files, logs, uploaded files; default .demo/),
# SEKTORAL_DEMO_MAIL=1 (the worker also sends the workflow e-mails).
source "$(dirname "$0")/common.sh"

PORT="${SEKTORAL_PORT:-5000}"
DB_URL="${SEKTORAL_DB_URL:-postgresql://$DB_USER:$DB_PASS@127.0.0.1/ckan_dev}"
REDIS_URL="${SEKTORAL_REDIS_URL:-redis://127.0.0.1:6379/0}"
RUN="${SEKTORAL_DEMO_DIR:-$ROOT/.demo}"
export CKAN_STORAGE_PATH="$RUN/storage"
INI="$ROOT/demo.ini"
export CKAN_SQLALCHEMY_URL="$DB_URL" CKAN_REDIS_URL="$REDIS_URL"
export CKAN_SITE_URL="http://127.0.0.1:$PORT"

stop_pid() {  # stop_pid <name>
    local file="$RUN/$1.pid" pid
    [ -f "$file" ] || return 0
    pid="$(cat "$file")"
    if kill -0 "$pid" 2>/dev/null; then
        log "stopping $1 (pid $pid)"
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

stop_all() { stop_pid server; stop_pid worker; }

if [ "${1:-}" = stop ]; then
    stop_all
    exit 0
fi

mkdir -p "$RUN/storage" "$RUN/cache"

# Local services, role and database (only for a database on this machine).
db_host="$(sed -E 's#^[a-z+]+://([^@/]*@)?([^:/]+).*#\2#' <<<"$DB_URL")"
db_name="$(sed -E 's#^.*/([^/?]+)(\?.*)?$#\1#' <<<"$DB_URL")"
if [[ "$db_host" == 127.0.0.1 || "$db_host" == localhost ]]; then
    bash "$ROOT/scripts/ensure-services.sh" "$db_name"
fi

ckan_() { "$CKAN" -c "$INI" "$@"; }

# A worker of an earlier run would take the demo loader's validation jobs.
stop_all

log "migrating $db_name (CKAN core and every enabled plugin's migrations)"
ckan_ db init >/dev/null
ckan_ db upgrade >/dev/null
ckan_ validation init-db >/dev/null
# OPD, users, Walidata positions and the cycle 2026-S1 with items at every
# stage, moved there through the workflow actions (skipped when the cycle
# exists; `ckan sektoral demo --reset-cycle` loads it again). Prints the
# users and the positions; CKAN's log lines go to $RUN/demo-load.log.
log "loading the demo data (ckan sektoral demo)"
if ! ckan_ sektoral demo 2>"$RUN/demo-load.log"; then
    tail -n 40 "$RUN/demo-load.log" >&2
    die "loading the demo data failed (log: $RUN/demo-load.log)"
fi
ckan_ search-index rebuild >/dev/null 2>&1 || log "search index rebuild reported a problem"

log "starting the RQ worker"
# Queues: default (file validation) and, when SEKTORAL_DEMO_MAIL=1 and
# CKAN's smtp.* options point at a real server, sektoral (e-mails).
QUEUES=(default)
[ "${SEKTORAL_DEMO_MAIL:-0}" = 1 ] && QUEUES+=(sektoral)
nohup "$CKAN" -c "$INI" jobs worker "${QUEUES[@]}" >"$RUN/worker.log" 2>&1 &
echo $! >"$RUN/worker.pid"
log "starting the portal on http://127.0.0.1:$PORT"
nohup "$CKAN" -c "$INI" run -H 127.0.0.1 -p "$PORT" -r >"$RUN/server.log" 2>&1 &
echo $! >"$RUN/server.pid"

for _ in $(seq 1 120); do
    if "$PY" - "$PORT" <<'PYEOF' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/3/action/status_show", timeout=2)
PYEOF
    kill -0 "$(cat "$RUN/server.pid")" 2>/dev/null || { tail -n 30 "$RUN/server.log" >&2; die "the portal did not start"; }
    sleep 0.5
done

cat <<MSG

  Portal:   http://127.0.0.1:$PORT   (Indonesian; English at http://127.0.0.1:$PORT/en/)
  Log in as any demo user above, e.g. admin (sysadmin).
  Logs:     $RUN/server.log, $RUN/worker.log
  Stop:     make demo-stop
MSG
