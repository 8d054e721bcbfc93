# Shared by bench/run and bench/clients (sourced): stopping the server under test and running
# wrk into a results table. Expects OUT, RESULTS_TSV, WARMUP, DURATION, THREADS, CONNECTIONS.

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    if kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        local i
        for i in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# Runs wrk: run_wrk DB NAME LUA URL. Warm-up first (discarded), then the measured run.
run_wrk() {
    local db=$1 name=$2 lua=$3 url=$4 out
    out=$OUT/$db-$name.txt
    log "$name: warm-up ${WARMUP}s, then ${DURATION}s ($THREADS threads, $CONNECTIONS connections)"
    BENCH_SALT="1$RANDOM" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 10s -s "$lua" "$url" \
        >"$OUT/$db-$name-warmup.txt" 2>&1
    BENCH_SALT="2$RANDOM" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s "$lua" "$url" \
        >"$out" 2>&1
    local line
    line=$(grep '^BENCH_RESULT' "$out" | tail -n 1)
    [ -n "$line" ] || { cat "$out" >&2; echo "wrk printed no result for $name" >&2; return 1; }
    # BENCH_RESULT key=value ... -> a TSV row.
    python3 - "$db" "$name" "$line" >>"$RESULTS_TSV" <<'PY'
import sys
db, name, line = sys.argv[1], sys.argv[2], sys.argv[3]
kv = dict(item.split("=", 1) for item in line.split()[1:])
errors = sum(int(kv[k]) for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
print("\t".join([db, name, kv["rps"], kv["p50_us"], kv["p95_us"], kv["p99_us"], kv["non2xx"], str(errors)]))
PY
    log "  $(tail -n 1 "$RESULTS_TSV" | awk -F'\t' '{printf "%s req/s, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, non-2xx %s, socket errors %s", $3, $4/1000, $5/1000, $6/1000, $7, $8}')"
}

