# shellcheck shell=bash
# A throwaway PostgreSQL cluster on 127.0.0.1, for scripts/test and bench/run.
# Source it (after scripts/lib/common.sh), then:
#   pg_cluster_start ROOT_DIR [postgresql.conf line ...]   # starts it, sets the PG_* variables below
#   pg_cluster_stop                                        # stops it (the caller removes ROOT_DIR)
# Sets: PG_BIN, PG_ROOT, PG_DATA, PG_SOCKET_DIR, PG_LOG, PG_PORT,
#       PG_CTL   (command prefix: "runuser -u postgres -- .../pg_ctl -D DATA"),
#       PG_START (full start command), PG_STOP (full stop command),
#       PG_URL   (postgres://rapport@127.0.0.1:PORT/postgres, a superuser).
# The postgres server refuses to run as root, so everything runs as the `postgres` OS user,
# which the Debian package creates.

PG_STARTED=0

# The newest installed server's bin directory, e.g. /usr/lib/postgresql/15/bin.
pg_find_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] || return 1
    printf '%s\n' "$dir"
}

pg_cluster_start() {
    local root=$1; shift
    PG_BIN=$(pg_find_bin) || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; return 1; }
    id postgres >/dev/null 2>&1 || { echo "the postgres OS user does not exist" >&2; return 1; }

    PG_ROOT=$root
    PG_DATA=$root/data
    PG_SOCKET_DIR=$root/socket
    PG_LOG=$root/postgres.log
    mkdir -p "$PG_ROOT" "$PG_SOCKET_DIR"
    chown -R postgres:postgres "$PG_ROOT"
    chmod 0755 "$PG_ROOT"
    runuser -u postgres -- test -w "$PG_ROOT" \
        || { echo "the postgres user cannot reach $PG_ROOT: make its parent directories traversable" >&2; return 1; }

    # C.UTF-8 keeps sorting byte-wise but lets lower()/ILIKE work on Cyrillic.
    runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U rapport \
        -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_ROOT/initdb.log" 2>&1 \
        || { cat "$PG_ROOT/initdb.log" >&2; return 1; }

    PG_PORT=$(free_port)
    # Settings go into postgresql.conf, so the start command needs no quoted -o options and the
    # tests can restart the cluster with exactly the same command.
    {
        echo "# added by scripts/lib/postgres.sh"
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $PG_PORT"
        echo "unix_socket_directories = '$PG_SOCKET_DIR'"
        echo "max_connections = 300"
        local line
        for line in "$@"; do echo "$line"; done
    } >>"$PG_DATA/postgresql.conf"

    PG_CTL="runuser -u postgres -- $PG_BIN/pg_ctl -D $PG_DATA"
    PG_START="$PG_CTL -l $PG_LOG -w -t 60 start"
    PG_STOP="$PG_CTL -w -t 60 stop -m fast"
    PG_URL="postgres://rapport@127.0.0.1:$PG_PORT/postgres"

    $PG_START >/dev/null || { tail -n 30 "$PG_LOG" >&2; return 1; }
    PG_STARTED=1

    local i
    for i in $(seq 1 60); do
        if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U rapport -d postgres; then
            log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$PG_PORT (data $PG_DATA)"
            return 0
        fi
        sleep 0.5
    done
    echo "PostgreSQL did not become ready within 30 s" >&2
    tail -n 30 "$PG_LOG" >&2
    return 1
}

pg_cluster_stop() {
    [ "$PG_STARTED" = 1 ] || return 0
    PG_STARTED=0
    # A test may have left it stopped; `status` exits 3 then.
    if $PG_CTL status >/dev/null 2>&1; then
        $PG_CTL -w -t 30 stop -m fast >/dev/null 2>&1 || $PG_CTL stop -m immediate >/dev/null 2>&1 || true
    fi
}

# Runs psql as the cluster superuser over TCP: pg_psql -c "SQL" or other psql arguments.
pg_psql() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U rapport -d postgres "$@"
}
