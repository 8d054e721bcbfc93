# shellcheck shell=bash
# Helpers shared by scripts/test and bench/run. Source it; it defines functions only.

# Prints a step header that stands out in a long CI log.
step() {
    printf '\n==== %s ==== [%s]\n' "$*" "$(date -u +%H:%M:%S)"
}

log() { printf '  %s\n' "$*"; }

# True when the Debian package is installed.
have_deb() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Installs the Debian packages that are missing; runs `apt-get update` once, only if needed.
APT_UPDATED=${APT_UPDATED:-0}
apt_ensure() {
    local missing=() pkg
    for pkg in "$@"; do
        have_deb "$pkg" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        log "Debian packages present: $*"
        return 0
    fi
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if [ "$APT_UPDATED" != 1 ]; then
        apt-get update -q </dev/null
        APT_UPDATED=1
    fi
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to $2 seconds (default 30) until GET $1 answers 200. Uses python3 so no curl is needed.
wait_http_ok() {
    local url=$1 timeout=${2:-30}
    python3 - "$url" "$timeout" <<'PY'
import sys, time, urllib.request
url, timeout = sys.argv[1], float(sys.argv[2])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except Exception:
        pass
    time.sleep(0.05)
print(f"{url} did not answer 200 within {timeout:.0f} s", file=sys.stderr)
sys.exit(1)
PY
}
