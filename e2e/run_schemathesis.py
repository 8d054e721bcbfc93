#!/usr/bin/env python3
"""Runs schemathesis against a real `rapport serve` (SQLite, filled by `rapport demo`) with a real
API token, so the authenticated routes are exercised and not only their 401s.

Checks: no 5xx, status codes, content types and bodies as documented in /api/v1/openapi.json.
Exit code: schemathesis's (0 = every check passed). Bounded: --max-examples per operation, one
worker, and a hard time limit.

    python e2e/run_schemathesis.py [--schemathesis .venv/bin/schemathesis] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rapportlib import RapportServer, rapport_env, tail  # noqa: E402

CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance"]
DEMO_ADMIN = "admin@kitchen.example"


def version_of(schemathesis: str) -> tuple[int, ...]:
    out = subprocess.run([schemathesis, "--version"], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"(\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def build_command(schemathesis: str, schema_url: str, token: str, args, report_dir: Path) -> list[str]:
    """The command line for the installed version: flags are read off `run --help`."""
    help_text = subprocess.run([schemathesis, "run", "--help"], capture_output=True, text=True, timeout=60).stdout
    supported = set(re.findall(r"--[a-z][a-z0-9-]*", help_text))

    def flag(*names: str) -> str:
        for name in names:
            if name in supported:
                return name
        raise SystemExit(f"schemathesis run supports none of {names}")

    cmd = [schemathesis, "run", schema_url,
           flag("--header"), f"Authorization: Bearer {token}",
           flag("--checks"), ",".join(CHECKS),
           flag("--max-examples", "--hypothesis-max-examples"), str(args.max_examples),
           flag("--workers"), "1"]
    # Revoking the very token the run authenticates with would turn every later request into
    # a 401; token revocation is covered by the Swift HTTP tests instead.
    if version_of(schemathesis) >= (4, 0):
        cmd += ["--exclude-operation-id", "revokeToken"]
    if "--request-timeout" in supported:
        cmd += ["--request-timeout", "20" if version_of(schemathesis) >= (4, 0) else "20000"]  # v3: ms
    if "--wait-for-schema" in supported:
        cmd += ["--wait-for-schema", "30"]
    if "--generation-database" in supported:
        cmd += ["--generation-database", "none"]  # no .hypothesis folder in the work tree
    if "--seed" in supported and args.seed is not None:
        cmd += ["--seed", str(args.seed)]
    if "--report" in supported and "--report-dir" in supported:
        cmd += ["--report", "junit", "--report-dir", str(report_dir)]
    if "--no-color" in supported:
        cmd.append("--no-color")
    return cmd


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schemathesis", default=shutil.which("schemathesis") or "schemathesis")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--max-examples", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=330, help="seconds before schemathesis is stopped")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    # Absolute: schemathesis runs with the work dir as its cwd.
    found = shutil.which(args.schemathesis)
    if found is None:
        print(f"schemathesis not found: {args.schemathesis}", file=sys.stderr)
        return 1
    args.schemathesis = str(Path(found).resolve()) if "/" in args.schemathesis else found

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="rapport-schemathesis-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:{workdir / 'db.sqlite'}"
    server = RapportServer(database_url, workdir, env=rapport_env(database_url), name="schemathesis-server")

    print(f"schemathesis {'.'.join(map(str, version_of(args.schemathesis)))}; database {database_url}", flush=True)
    # Realistic data first: `demo` migrates an empty database and fills it.
    demo = server.cli("demo", timeout=300, check=False)
    if demo.returncode != 0:
        print(f"rapport demo failed ({demo.returncode}):\n{demo.stdout}\n{demo.stderr}", file=sys.stderr)
        return 1
    token = server.create_token(DEMO_ADMIN, name="schemathesis")
    server.start(migrate=True, timeout=30)
    try:
        schema_url = server.url("/api/v1/openapi.json")
        cmd = build_command(args.schemathesis, schema_url, token, args, workdir / "report")
        shown = [("Authorization: Bearer rpt_…" if c.startswith("Authorization:") else c) for c in cmd]
        print("$ " + " ".join(shown), flush=True)
        try:
            # cwd: schemathesis keeps replay and example stores in .schemathesis/ of the working directory.
            rc = subprocess.run(cmd, cwd=workdir, stdin=subprocess.DEVNULL, timeout=args.time_limit).returncode
        except subprocess.TimeoutExpired:
            print(f"schemathesis did not finish within {args.time_limit:.0f} s", file=sys.stderr)
            rc = 124
        # Fuzzing may revoke the token or disable its user; say so, since later operations
        # then saw only 401s.
        me = server.api(token).get("/api/v1/me")
        if me.status_code != 200:
            print(f"note: the token no longer works after the run (GET /api/v1/me -> {me.status_code}); "
                  "operations after that point were tested unauthenticated", flush=True)
        if not server.running:
            print(f"rapport serve died during the run\n{tail(server.log_path)}", file=sys.stderr)
            rc = rc or 1
    finally:
        server.stop()
    if rc != 0:
        print(f"server log tail:\n{tail(server.log_path, 30)}")
    print(f"schemathesis: {'passed' if rc == 0 else f'FAILED (exit {rc})'}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
