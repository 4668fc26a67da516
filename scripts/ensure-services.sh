#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1; start (or install
# and start) them when they do not. Then create the project's role and the
# databases named on the command line, idempotently.
#
#   scripts/ensure-services.sh ckan_test [more databases...]
source "$(dirname "$0")/common.sh"

pg_up() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM"
    else
        (exec 3<>"/dev/tcp/$PGHOST_ADDR/$PGPORT_NUM") 2>/dev/null
    fi
}

wait_for() {  # wait_for <what> <command...>
    local what="$1"; shift
    for _ in $(seq 1 60); do "$@" && return 0; sleep 0.5; done
    die "$what did not come up on $PGHOST_ADDR"
}

pg_bindir() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

start_postgres() {
    if [ -z "$(pg_bindir)" ]; then
        log "PostgreSQL server not installed: installing Debian's postgresql"
        apt_install postgresql
    fi
    if command -v pg_lsclusters >/dev/null 2>&1 && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
        local ver name
        read -r ver name _ < <(pg_lsclusters -h | head -n 1)
        log "starting PostgreSQL cluster $ver/$name"
        as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || true
    fi
    if ! pg_up; then
        # No packaged cluster (or it would not start): run a private one.
        local bindir data owner
        bindir="$(pg_bindir)"
        data="${SEKTORAL_PGDATA:-$ROOT/.pgdata}"
        owner="$(id -un)"
        if [ "$(id -u)" = 0 ]; then
            owner=postgres
            id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
        fi
        if [ ! -f "$data/PG_VERSION" ]; then
            log "initialising a private PostgreSQL cluster in $data"
            mkdir -p "$data"; chown "$owner" "$data"
            run_as "$owner" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
        fi
        log "starting private PostgreSQL on $PGHOST_ADDR:$PGPORT_NUM"
        mkdir -p /tmp/sektoral-pgsock; chown "$owner" /tmp/sektoral-pgsock
        run_as "$owner" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
            -o "-h $PGHOST_ADDR -p $PGPORT_NUM -k /tmp/sektoral-pgsock" start >/dev/null
    fi
    wait_for PostgreSQL pg_up
}

run_as() {  # run_as <user> <command...>
    local user="$1"; shift
    if [ "$(id -un)" = "$user" ]; then "$@"; else su -s /bin/sh "$user" -c "$(printf '%q ' "$@")"; fi
}

psql_super() {  # run SQL as a PostgreSQL superuser
    if psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d postgres -tAq -c 'select 1' >/dev/null 2>&1; then
        psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    else
        run_as postgres psql -p "$PGPORT_NUM" -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
    fi
}

redis_up() {
    (
        exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT_NUM" || exit 1
        printf 'PING\r\n' >&3
        read -r -t 2 reply <&3 && [[ "$reply" == +PONG* ]]
    ) 2>/dev/null
}

start_redis() {
    command -v redis-server >/dev/null 2>&1 || { log "installing redis-server"; apt_install redis-server; }
    log "starting Redis on 127.0.0.1:$REDIS_PORT_NUM"
    mkdir -p /tmp/sektoral-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT_NUM" \
        --save "" --appendonly no --dir /tmp/sektoral-redis \
        --logfile /tmp/sektoral-redis/redis.log
    for _ in $(seq 1 40); do redis_up && return 0; sleep 0.25; done
    die "Redis did not come up on 127.0.0.1:$REDIS_PORT_NUM"
}

pg_up || start_postgres
command -v psql >/dev/null 2>&1 || apt_install postgresql-client
redis_up || start_redis

# Role and databases (idempotent).
if [ "$(psql_super -c "select 1 from pg_roles where rolname='$DB_USER'")" != 1 ]; then
    log "creating PostgreSQL role $DB_USER"
    psql_super -c "create role \"$DB_USER\" login password '$DB_PASS'"
fi
for db in "$@"; do
    if [ "$(psql_super -c "select 1 from pg_database where datname='$db'")" != 1 ]; then
        log "creating database $db"
        psql_super -c "create database \"$db\" owner \"$DB_USER\" encoding 'UTF8' template template0"
    fi
done
