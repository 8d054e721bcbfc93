"""Fixtures: real `rapport serve` processes on fresh SQLite or PostgreSQL databases.

    sqlite_server   started, migrated, with an administrator and its token (server.token)
    pg_server       the same on a fresh database of the throwaway PostgreSQL cluster
    make_server     factory: make_server(database_url, name=...) -> RapportServer (not started);
                    every server it made is stopped at teardown
    sqlite_url      a fresh SQLite database URL in a temp dir
    pg_url          a fresh PostgreSQL database URL (skips when no cluster is configured)
    driver          a headless chromium through selenium (a screenshot of the page when the test fails)
    screenshots_dir e2e/screenshots, emptied once per run
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rapportlib  # noqa: E402
from browserlib import CHROMEDRIVER, CHROMIUM, DESKTOP, SCREENSHOTS, set_viewport  # noqa: E402
from rapportlib import RapportServer  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402


def pytest_sessionstart(session):
    if not os.access(rapportlib.RAPPORT_BIN, os.X_OK):
        raise pytest.UsageError(f"rapport binary not found at {rapportlib.RAPPORT_BIN}; "
                                "build it (swift build) or set RAPPORT_BIN")


@pytest.fixture
def workdir():
    # Our own temp dir (not tmp_path): mode 0755 under /tmp, so a server dropped to `nobody`
    # can reach what a test puts there.
    path = Path(tempfile.mkdtemp(prefix="rapport-e2e-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def sqlite_url(workdir):
    return f"sqlite:{workdir / 'db.sqlite'}"


@pytest.fixture
def pg_url():
    if not rapportlib.pg_available():
        pytest.skip("no PostgreSQL test cluster (RAPPORT_TEST_PG_PORT is not set; scripts/test sets it)")
    rapportlib.pg_start()  # a failed earlier test may have left it stopped
    url = rapportlib.pg_create_database()
    yield url
    rapportlib.pg_drop_database(url)


@pytest.fixture
def make_server(workdir, request):
    servers: list[RapportServer] = []

    def make(database_url: str, name: str = "server", **kw) -> RapportServer:
        server = RapportServer(database_url, workdir, name=f"{name}{len(servers)}", **kw)
        servers.append(server)
        return server

    yield make
    errors = []
    for server in servers:
        try:
            server.stop()
        except AssertionError as exc:
            errors.append(str(exc))
    # Show the server logs of a failed test: they usually tell why.
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        for server in servers:
            print(f"\n----- log of {server.name} ({server.database_url}) -----\n{rapportlib.tail(server.log_path, 60)}")
    if errors:
        pytest.fail("\n".join(errors))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keeps each phase's report on the test item, so fixtures can see whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _admin_server(make_server, url: str) -> RapportServer:
    server = make_server(url).start(migrate=True, timeout=30)
    server.create_admin()
    return server


@pytest.fixture
def sqlite_server(make_server, sqlite_url):
    return _admin_server(make_server, sqlite_url)


@pytest.fixture
def pg_server(pg_url, make_server):  # pg_url first: its database is dropped after the server stops
    return _admin_server(make_server, pg_url)


@pytest.fixture(scope="session", autouse=True)
def screenshots_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS


@pytest.fixture
def driver(request):
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        pytest.fail(f"need {CHROMIUM} and {CHROMEDRIVER} (Debian: chromium, chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager try to download
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={DESKTOP[0]},{DESKTOP[1]}", "--lang=en-US", "--no-first-run",
                "--disable-extensions", "--disable-background-networking"):
        options.add_argument(arg)
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    drv.set_page_load_timeout(30)
    set_viewport(drv, *DESKTOP)
    yield drv
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            set_viewport(drv, *DESKTOP)
            drv.save_screenshot(str(SCREENSHOTS / f"failure-{request.node.name}.png"))
            print(f"\nfailure screenshot: e2e/screenshots/failure-{request.node.name}.png; URL {drv.current_url}")
        except Exception as exc:  # the browser itself may be what failed
            print(f"no failure screenshot: {exc}")
    drv.quit()
