"""Process-level faults: what `rapport serve` does when its database is missing, goes away,
is read-only, or when the process itself is killed in the middle of writes.

(Pending migrations are not tested here: that needs a second migration to exist.)
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

import rapportlib
from rapportlib import RAPPORT_BIN, RapportServer, free_port, is_problem_json, rapport_env, tail

NOBODY = 65534


def poll(fn, timeout: float, interval: float = 0.25):
    """Calls fn() until it returns a truthy value or `timeout` seconds pass; returns the last value."""
    deadline = time.monotonic() + timeout
    value = fn()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = fn()
    return value


def health_status(server: RapportServer) -> int | None:
    try:
        return requests.get(server.url("/health"), timeout=5).status_code
    except requests.RequestException:
        return None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- PostgreSQL unreachable at start --------------------------------------------------------

def test_unreachable_postgres_at_start(workdir):
    url = "postgres://rapport@127.0.0.1:1/nowhere"  # nothing listens on port 1
    try:
        cp = subprocess.run([RAPPORT_BIN, "serve", "--host", "127.0.0.1", "--port", str(free_port())],
                            env=rapport_env(url), cwd=workdir, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"rapport serve still running 20 s after start with an unreachable PostgreSQL; "
                    f"stderr so far: {exc.stderr!r}")
    assert cp.returncode != 0, f"exit code 0; stderr: {cp.stderr}"
    assert "PostgreSQL" in cp.stderr, f"stderr does not mention PostgreSQL: {cp.stderr}"


# --- PostgreSQL goes away while serving ------------------------------------------------------

def test_postgres_down_during_work(pg_server):
    server = pg_server
    api = server.api()
    assert health_status(server) == 200
    r = api.get("/api/v1/users")
    assert r.status_code == 200, r.text

    try:
        rapportlib.pg_stop()
        status = poll(lambda: health_status(server) == 503, timeout=15)
        assert status, f"/health answers {health_status(server)} 15 s after PostgreSQL stopped, expected 503"
        r = api.get("/api/v1/users", timeout=20)
        assert r.status_code == 503, f"GET /api/v1/users with PostgreSQL down: {r.status_code} {r.text[:300]}"
        assert is_problem_json(r), f"content type {r.headers.get('Content-Type')!r}, expected application/problem+json"
        assert r.json().get("status") == 503, r.text
        assert server.running, "rapport serve exited when PostgreSQL went away"
    finally:
        rapportlib.pg_start()

    back = poll(lambda: health_status(server) == 200, timeout=30)
    assert back, f"/health answers {health_status(server)} 30 s after PostgreSQL came back\n{tail(server.log_path)}"
    r = api.get("/api/v1/users")
    assert r.status_code == 200, f"GET /api/v1/users after PostgreSQL came back: {r.status_code} {r.text[:300]}"
    r = api.post("/api/v1/departments", json={"name": "After the outage"})
    assert r.status_code == 201, f"POST /api/v1/departments after PostgreSQL came back: {r.status_code} {r.text[:300]}"
    assert server.running


# --- a read-only SQLite database -------------------------------------------------------------

def copy_binary_for_nobody(dest: Path) -> str:
    """A copy of the binary (and its resource bundles) that `nobody` can read and run."""
    bin_dir = Path(RAPPORT_BIN).resolve().parent
    dest.mkdir(mode=0o755)
    target = dest / "rapport"
    shutil.copy2(Path(RAPPORT_BIN).resolve(), target)
    target.chmod(0o755)
    # SwiftPM resource bundles sit beside the binary; Bundle.module looks there first.
    for bundle in bin_dir.glob("*.resources"):
        shutil.copytree(bundle, dest / bundle.name, symlinks=True)
    for root, dirs, files in os.walk(dest):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in files:
            p = os.path.join(root, f)
            os.chmod(p, os.stat(p).st_mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return str(target)


def test_read_only_sqlite(workdir, make_server):
    data = workdir / "data"
    data.mkdir()
    db = data / "db.sqlite"
    url = f"sqlite:{db}"

    # Prepare a migrated database with an administrator and a token, as root, then stop.
    setup = make_server(url, name="setup").start(migrate=True)
    token = setup.create_admin()
    assert setup.stop() is not None

    files_before = sorted(p.name for p in data.iterdir())
    for p in data.iterdir():
        os.chown(p, 0, 0)
        p.chmod(0o444)
    os.chown(data, 0, 0)
    data.chmod(0o555)
    digest = sha256(db)

    binary = copy_binary_for_nobody(workdir / "bin")
    env = rapport_env(url, HOME=str(workdir))
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
    server = make_server(url, name="nobody", binary=binary, prefix=prefix, env=env)
    server.start(migrate=False, wait=False)
    try:
        # Either it refuses to start (and says why), or it serves and refuses writes.
        answered = poll(lambda: not server.running or health_status(server) is not None, timeout=30)
        assert answered, f"rapport serve neither exited nor answered within 30 s\n{tail(server.log_path)}"
        if not server.running:
            rc = server.proc.returncode
            log = server.log_text()
            assert rc != 0, f"rapport serve exited 0 on a read-only database\n{log[-2000:]}"
            assert any(w in log.lower() for w in ("database", "sqlite")), \
                f"the refusal does not mention the database:\n{log[-2000:]}"
        else:
            r = requests.post(server.url("/api/v1/departments"), json={"name": "Read-only"},
                              headers={"Authorization": f"Bearer {token}"}, timeout=20)
            assert r.status_code == 503, f"POST on a read-only database: {r.status_code} {r.text[:300]}"
            assert is_problem_json(r), f"content type {r.headers.get('Content-Type')!r}"
            server.stop()
    finally:
        if server.running:
            server.kill()
    assert sha256(db) == digest, "the read-only database file changed"
    assert sorted(p.name for p in data.iterdir()) == files_before


# --- kill -9 in the middle of writes --------------------------------------------------------

TOTAL_WRITES = 200
KILL_AFTER = 100
WRITERS = 8


def write_until_killed(server: RapportServer, token: str):
    """POSTs up to TOTAL_WRITES departments from WRITERS threads; SIGKILLs the server once
    KILL_AFTER of them are acknowledged. Returns (acknowledged ids, unexpected answers)."""
    lock = threading.Lock()
    acked: list[int] = []
    unexpected: list[str] = []
    next_n = iter(range(TOTAL_WRITES))
    killed = threading.Event()
    pid = server.proc.pid

    def worker():
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        while not killed.is_set():
            with lock:
                n = next(next_n, None)
            if n is None:
                return
            try:
                r = session.post(server.url("/api/v1/departments"), json={"name": f"Crash test {n}"}, timeout=15)
            except requests.RequestException as exc:
                with lock:  # under the lock: the kill and killed.set() happen together
                    if killed.is_set():
                        return
                    unexpected.append(f"#{n}: {type(exc).__name__} before the kill")
                continue
            with lock:
                if r.status_code == 201:
                    acked.append(int(r.json()["id"]))
                    if len(acked) >= KILL_AFTER and not killed.is_set():
                        os.kill(pid, signal.SIGKILL)
                        killed.set()
                else:
                    unexpected.append(f"#{n}: {r.status_code} {r.text[:200]}")

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "writer threads still running after 60 s"
    return acked, unexpected, killed.is_set()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_kill_during_writes(backend, request, make_server):
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url")
    server = make_server(url, name="first").start(migrate=True)
    token = server.create_admin()

    acked, unexpected, killed = write_until_killed(server, token)
    assert killed, f"only {len(acked)} writes acknowledged, never reached {KILL_AFTER}: {unexpected[:5]}"
    server.kill()
    assert not unexpected, f"unexpected answers before the kill: {unexpected[:10]}"
    assert len(acked) >= KILL_AFTER and len(set(acked)) == len(acked)

    again = make_server(url, name="restart").start(migrate=False, timeout=30)
    api = again.api(token)
    missing = []
    for dept_id in acked:
        r = api.get(f"/api/v1/departments/{dept_id}")
        if r.status_code != 200:
            missing.append((dept_id, r.status_code))
    assert not missing, f"{len(missing)} of {len(acked)} acknowledged departments lost: {missing[:10]}"
    again.stop()

    if backend == "sqlite":
        db = url[len("sqlite:"):]
        cp = subprocess.run(["sqlite3", db, "PRAGMA integrity_check;"], capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
        assert cp.returncode == 0 and cp.stdout.strip() == "ok", f"integrity_check: {cp.stdout}{cp.stderr}"


def test_a_100_mb_upload_is_refused_and_changes_nothing(sqlite_server):
    """A 100 MB file sent as an import or an attachment: 413 before it is kept, the server unharmed."""
    api = sqlite_server.api()
    company = api.post("/api/v1/companies", json={"short_name": "Кухни с большим файлом"}).json()
    body = b"name;phone\n" + b"x" * (100 << 20)
    for path in ("/api/v1/imports?entity=company&name=big.csv", f"/api/v1/companies/{company['id']}/attachments?name=big.bin"):
        r = api.post(path, data=body, headers={"Content-Type": "text/csv"}, timeout=60)
        assert r.status_code == 413, f"{path}: {r.status_code} {r.text[:200]}"
        assert is_problem_json(r)
    assert api.get("/api/v1/imports").json()["data"] == []
    assert api.get(f"/api/v1/companies/{company['id']}/attachments").json()["data"] == []
    assert health_status(sqlite_server) == 200
