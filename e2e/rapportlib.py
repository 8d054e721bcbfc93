"""Helpers to run a real `rapport serve` and talk to it, shared by the pytest suites
(conftest.py) and run_schemathesis.py.

Environment (set by scripts/test):
  RAPPORT_BIN                  the binary (default: ../.build/debug/rapport)
  RAPPORT_TEST_PG_PORT         port of the throwaway PostgreSQL cluster on 127.0.0.1 (user rapport, trust)
  RAPPORT_TEST_PG_DATA         its data directory
  RAPPORT_TEST_PG_SOCKET_DIR   its unix socket directory
  RAPPORT_TEST_PG_CTL          command prefix "runuser -u postgres -- .../pg_ctl -D DATA"
  RAPPORT_TEST_PG_START        full command that starts the cluster (waits until it is up)
  RAPPORT_TEST_PG_STOP         full command that stops it (fast mode, waits)
  RAPPORT_TEST_PG_BIN          PostgreSQL's bin directory (psql)
Every wait here is bounded.
"""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import requests

E2E_DIR = Path(__file__).resolve().parent
REPO = E2E_DIR.parent
RAPPORT_BIN = os.environ.get("RAPPORT_BIN") or str(REPO / ".build" / "debug" / "rapport")

ADMIN_EMAIL = "admin@e2e.example"
ADMIN_PASSWORD = "e2e-Admin-password-1"
HTTP_TIMEOUT = 10  # seconds, for each request made by the tests


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rapport_env(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RAPPORT_DATABASE_URL=database_url,
        RAPPORT_BCRYPT_COST="4",
        RAPPORT_LOG_FORMAT="text",
        RAPPORT_LOG_LEVEL=os.environ.get("RAPPORT_E2E_LOG_LEVEL", "info"),
    )
    env.update(extra)
    return env


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class RapportServer:
    """One `rapport serve` process on 127.0.0.1:<free port>.

    `prefix` runs the binary through another command (e.g. setpriv to drop to `nobody`).
    """

    def __init__(self, database_url: str, workdir: Path, *, binary: str = RAPPORT_BIN,
                 prefix: list[str] | None = None, env: dict[str, str] | None = None,
                 name: str = "server"):
        self.database_url = database_url
        self.workdir = Path(workdir)
        self.binary = binary
        self.prefix = prefix or []
        self.env = env if env is not None else rapport_env(database_url)
        self.name = name
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / f"{name}.log"
        self.token: str | None = None

    # --- process ---------------------------------------------------------------------------
    def start(self, *, migrate: bool = True, wait: bool = True, timeout: float = 30) -> "RapportServer":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        args = [*self.prefix, self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        if migrate:
            args.append("--migrate")
        log = open(self.log_path, "ab")
        log.write(f"\n--- {' '.join(args)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(args, env=self.env, cwd=self.workdir, stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=log)
        log.close()
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        """Waits until GET /health answers 200; fails early when the process exits."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(
                    f"rapport serve exited with {self.proc.returncode} before it was ready\n{tail(self.log_path)}")
            try:
                r = requests.get(self.url("/health"), timeout=2)
                if r.status_code == 200:
                    return
                last = f"{r.status_code} {r.text[:200]}"
            except requests.RequestException as exc:
                last = type(exc).__name__
            time.sleep(0.2)
        raise AssertionError(f"/health not 200 within {timeout:.0f} s (last: {last})\n{tail(self.log_path)}")

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 20) -> int | None:
        """SIGTERM and wait; SIGKILL and fail if it does not stop in time."""
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                return proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
                raise AssertionError(f"rapport serve did not stop within {timeout:.0f} s of SIGTERM\n"
                                     f"{tail(self.log_path)}")
        return proc.returncode

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    # --- CLI -------------------------------------------------------------------------------
    def cli(self, *args: str, timeout: float = 60, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
        """Runs `rapport ARGS` against the same database (`input` on its standard input)."""
        cp = subprocess.run([*self.prefix, self.binary, *args], env=self.env, cwd=self.workdir,
                            stdin=subprocess.DEVNULL if input is None else None, input=input,
                            capture_output=True, text=True, timeout=timeout)
        if check and cp.returncode != 0:
            raise AssertionError(f"rapport {' '.join(args)} exited {cp.returncode}\n"
                                 f"stdout: {cp.stdout}\nstderr: {cp.stderr}")
        return cp

    def create_admin(self, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> str:
        """Creates an administrator and an API token for it; returns (and keeps) the token."""
        self.cli("user", "create", "--email", email, "--password", password,
                 "--first-name", "Ada", "--last-name", "Admin", "--role", "administrator")
        return self.create_token(email)

    def create_token(self, email: str, name: str = "e2e") -> str:
        out = self.cli("token", "create", "--email", email, "--name", name).stdout.strip()
        token = out.splitlines()[-1].strip() if out else ""
        assert token.startswith("rpt_"), f"token create printed {out!r}"
        self.token = token
        return token

    # --- HTTP ------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def api(self, token: str | None = None) -> "Api":
        return Api(self.base_url, token or self.token)


class Api:
    """A thin requests wrapper: api.get("/api/v1/users") etc., always with a timeout."""

    def __init__(self, base_url: str, token: str | None):
        self.base_url = base_url
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kw) -> requests.Response:
        kw.setdefault("timeout", HTTP_TIMEOUT)
        return self.session.request(method, self.base_url + path, **kw)

    def get(self, path: str, **kw) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, json=None, **kw) -> requests.Response:
        return self.request("POST", path, json=json, **kw)

    def patch(self, path: str, json=None, **kw) -> requests.Response:
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path: str, **kw) -> requests.Response:
        return self.request("DELETE", path, **kw)

    def list_all(self, path: str, limit: int = 500) -> list[dict]:
        """Follows next_cursor through a list endpoint (at most 50 pages)."""
        items: list[dict] = []
        cursor = None
        for _ in range(50):
            params = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            r = self.get(path, params=params)
            assert r.status_code == 200, f"GET {path} -> {r.status_code} {r.text[:300]}"
            body = r.json()
            items.extend(body.get("data", []))
            cursor = body.get("next_cursor")
            if not cursor:
                break
        return items


def is_problem_json(response: requests.Response) -> bool:
    return response.headers.get("Content-Type", "").split(";")[0].strip() == "application/problem+json"


# --- the throwaway PostgreSQL cluster ---------------------------------------------------------

def pg_available() -> bool:
    return bool(os.environ.get("RAPPORT_TEST_PG_PORT"))


def pg_port() -> int:
    return int(os.environ["RAPPORT_TEST_PG_PORT"])


def psql(sql: str, database: str = "postgres", timeout: float = 30) -> str:
    pg_bin = os.environ.get("RAPPORT_TEST_PG_BIN")
    psql_bin = str(Path(pg_bin) / "psql") if pg_bin else "psql"
    cp = subprocess.run([psql_bin, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                         "-p", str(pg_port()), "-U", "rapport", "-d", database, "-c", sql],
                        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    if cp.returncode != 0:
        raise AssertionError(f"psql {sql!r} failed: {cp.stderr}")
    return cp.stdout


def pg_create_database(prefix: str = "e2e") -> str:
    """Creates a fresh database; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    psql(f'CREATE DATABASE "{name}"')
    return f"postgres://rapport@127.0.0.1:{pg_port()}/{name}"


def pg_drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[-1]
    try:
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception:  # the cluster may be down after a failed fault test; it is thrown away anyway
        pass


def _run_pg_command(var: str, timeout: float = 90) -> subprocess.CompletedProcess:
    command = os.environ[var]
    return subprocess.run(shlex.split(command), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=timeout)


def pg_is_running() -> bool:
    cp = subprocess.run([*shlex.split(os.environ["RAPPORT_TEST_PG_CTL"]), "status"],
                        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    return cp.returncode == 0


def pg_stop() -> None:
    cp = _run_pg_command("RAPPORT_TEST_PG_STOP")
    if cp.returncode != 0:
        raise AssertionError(f"stopping PostgreSQL failed: {cp.stdout}{cp.stderr}")


def pg_start() -> None:
    """Starts the cluster with the very command scripts/test used, unless it is running."""
    if pg_is_running():
        return
    cp = _run_pg_command("RAPPORT_TEST_PG_START")
    if cp.returncode != 0:
        raise AssertionError(f"starting PostgreSQL failed: {cp.stdout}{cp.stderr}")
