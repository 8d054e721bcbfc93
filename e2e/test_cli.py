"""The `rapport` command line: backup and restore, user and token administration, shutdown."""
import re

import pytest
import requests

import rapportlib

DEMO_ADMIN = "admin@kitchen.example"


def user_lines(server) -> list[str]:
    return server.cli("user", "list").stdout.strip().splitlines()[1:]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_backup_and_restore_keep_every_record(kind, make_server, workdir, sqlite_url, request):
    # setup: a demo company
    source_url = sqlite_url if kind == "sqlite" else request.getfixturevalue("pg_url")
    source = make_server(source_url, name="source")
    source.cli("demo")
    before = user_lines(source)
    assert len(before) >= 10
    backup = workdir / "backup.bin"

    # MUT: back up, then restore into another, empty database
    source.cli("backup", str(backup))
    assert backup.stat().st_size > 0
    again = source.cli("backup", str(backup), check=False)
    assert again.returncode != 0 and "already exists" in again.stderr

    if kind == "sqlite":
        target_url = f"sqlite:{workdir / 'restored' / 'db.sqlite'}"
    else:
        target_url = rapportlib.pg_create_database("restore")
    try:
        target = make_server(target_url, name="target")
        if kind == "postgres":
            refused = target.cli("restore", str(backup), check=False)
            assert refused.returncode != 0 and "--force" in refused.stderr
            target.cli("restore", str(backup), "--force")
        else:
            target.cli("restore", str(backup))
            # a database that exists is only replaced on purpose
            refused = target.cli("restore", str(backup), check=False)
            assert refused.returncode != 0 and "--force" in refused.stderr

        # validation: the same people, and the restored database serves
        assert user_lines(target) == before
        token = target.create_token(DEMO_ADMIN)
        target.start(migrate=False)
        r = target.api(token).get("/api/v1/departments", params={"limit": 100})
        assert r.status_code == 200 and len(r.json()["data"]) >= 5
    finally:
        if kind == "postgres":
            target.stop()
            rapportlib.pg_drop_database(target_url)


def test_restore_refuses_a_file_that_is_not_a_rapport_database(make_server, workdir, sqlite_url):
    junk = workdir / "junk.sqlite"
    junk.write_bytes(b"this is not a database")
    server = make_server(sqlite_url)
    result = server.cli("restore", str(junk), check=False)
    assert result.returncode != 0
    assert result.stderr.startswith("rapport:")


def test_user_and_token_commands(make_server, sqlite_url):
    server = make_server(sqlite_url)
    server.cli("demo")
    token = server.create_token(DEMO_ADMIN, name="cli-test")
    server.start()
    api = server.api(token)
    assert api.get("/api/v1/me").json()["email"] == DEMO_ADMIN

    # set-password: the new one signs in on the web, the old one no longer
    server.cli("user", "set-password", "--email", "marketing@kitchen.example", "--password", "brand-new-pass-1")
    session = requests.Session()
    page = session.get(server.url("/login"), timeout=10)
    csrf = session.cookies.get("rapport_csrf")
    assert page.status_code == 200 and csrf
    ok = session.post(server.url("/login"), data={"email": "marketing@kitchen.example", "password": "brand-new-pass-1",
                                                  "_csrf": csrf}, allow_redirects=False, timeout=10)
    assert ok.status_code == 302 and "rapport_session" in ok.cookies

    # disable: listed as inactive
    server.cli("user", "disable", "--email", "marketing@kitchen.example")
    line = next(l for l in user_lines(server) if "marketing@kitchen.example" in l)
    assert "\tno\t" in line

    # token list shows the prefix, never the secret; revoke ends the token
    listed = server.cli("token", "list").stdout
    assert "cli-test" in listed and token not in listed
    token_id = next(l.split("\t")[0] for l in listed.splitlines() if "cli-test" in l)
    server.cli("token", "revoke", token_id)
    assert api.get("/api/v1/me").status_code == 401

    # bad input: a clear one-line message and a non-zero exit
    for args in (["user", "disable", "--email", "nobody@kitchen.example"],
                 ["user", "create", "--email", "x@kitchen.example", "--password", "short", "--first-name", "X",
                  "--last-name", "Y"],
                 ["user", "create", "--email", "y@kitchen.example", "--password", "long-enough-1", "--first-name", "Y",
                  "--last-name", "Z", "--role", "dragon"],
                 ["token", "revoke", "99999"]):
        result = server.cli(*args, check=False)
        assert result.returncode != 0, args
        assert result.stderr.startswith("rapport:"), result.stderr


def test_sigterm_stops_the_server_cleanly(make_server, sqlite_url):
    server = make_server(sqlite_url).start()
    assert requests.get(server.url("/health"), timeout=5).status_code == 200
    assert server.stop(timeout=15) == 0


def test_a_bad_database_url_is_named(make_server, workdir):
    server = make_server("mysql://nowhere/db")
    result = server.cli("serve", "--port", str(rapportlib.free_port()), check=False, timeout=20)
    assert result.returncode != 0
    assert "RAPPORT_DATABASE_URL" in result.stderr


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_import_and_export_from_the_command_line(kind, make_server, workdir, sqlite_url, request):
    import datetime
    import openpyxl

    url = sqlite_url if kind == "sqlite" else request.getfixturevalue("pg_url")
    server = make_server(url)
    server.cli("demo")
    # setup: a workbook as Excel writes it — shared strings, a real date cell, a number cell
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Люди"
    sheet.append(["ФИО", "Телефон", "Дата рождения", "Должность"])
    for index in range(250):
        sheet.append([f"Импортова Анна{index} Сергеевна", f"+7 901 {index:03d}-00-00",
                      datetime.date(1980, 1, 1) + datetime.timedelta(days=index), "дизайнер"])
    sheet.append(["Импортова Анна0 Сергеевна", "+7 901 000-00-00", None, "дубль"])
    sheet.append(["", "", None, "без имени"])
    source = workdir / "people.xlsx"
    book.save(source)

    # MUT: the import, with a progress bar on stderr (a line per tenth when not a terminal)
    report = workdir / "report.csv"
    result = server.cli("import", str(source), "--entity", "contact", "--as", DEMO_ADMIN, "--report", str(report),
                        timeout=180)
    assert "created 250, updated 0, skipped 1, refused 1" in result.stdout, result.stdout
    assert "importing [" in result.stderr and "100%" in result.stderr
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3 and "дубль" in report.read_text(encoding="utf-8-sig")

    # validation: the exports hold what was imported — XLSX read by openpyxl, vCard 4.0, CSV
    out = workdir / "people-out.xlsx"
    exported = server.cli("export", "contacts", "--as", DEMO_ADMIN, "--format", "xlsx", "--filter", "q=Импортова",
                          "--output", str(out))
    assert "250 contacts written" in exported.stdout
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("id", "last_name", "first_name") and len(rows) == 251
    first = dict(zip(header, next(r for r in rows[1:] if r[2] == "Анна0")))
    assert first["birthday"] == "1980-01-01" and first["phones"] == "+7 901 000-00-00"
    vcf = workdir / "people.vcf"
    server.cli("export", "contacts", "--as", DEMO_ADMIN, "--format", "vcf", "--vcard-version", "4.0",
               "--filter", "q=Импортова Анна1", "--output", str(vcf))
    text = vcf.read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") >= 1 and "VERSION:4.0" in text and "BDAY:1980" in text

    # bad input: each a one-line reason and a non-zero exit, nothing imported
    junk = workdir / "junk.xlsx"
    junk.write_text("Название\nАльфа\n", encoding="utf-8")
    for args, reason in ((["import", str(junk), "--entity", "company", "--as", DEMO_ADMIN], "XLSX"),
                         (["import", str(source), "--entity", "contact", "--as", "nobody@kitchen.example"], "no user"),
                         (["import", str(source), "--entity", "contact", "--as", DEMO_ADMIN, "--map", "0=shoe_size"],
                          "shoe_size"),
                         (["export", "contacts", "--as", DEMO_ADMIN, "--format", "pdf", "--output", "x"], "--format"),
                         (["export", "companies", "--as", DEMO_ADMIN, "--format", "vcf", "--output", "x"], "vCard"),
                         (["export", "contacts", "--as", DEMO_ADMIN, "--filter", "cf.nope=1", "--output", "x"], "nope")):
        result = server.cli(*args, check=False)
        assert result.returncode != 0, args
        assert reason in result.stderr, (args, result.stderr)


def test_demo_calls_feed_a_running_server(make_server, sqlite_url):
    """`rapport demo calls` plays the demo PBX: every event accepted, calls from new numbers
    (missed or answered) become phone leads, and a stopped server is reported with a non-zero exit."""
    server = make_server(sqlite_url)
    server.cli("demo")
    token = server.create_token(DEMO_ADMIN, name="calls")
    server.start()
    api = server.api(token)
    phone_leads = lambda: len(api.get("/api/v1/leads?source=phone&limit=500").json()["data"])
    before = phone_leads()
    result = server.cli("demo", "calls", "--server", server.base_url, "--count", "24", "--rate", "20", "--seed", "5")
    assert result.stdout.startswith("Sent 24 calls (72 events)"), result.stdout
    new_numbers = sum(int(n) for n in re.findall(r"(\d+) (?:missed, new number|answered)", result.stdout))
    assert new_numbers > 0 and phone_leads() == before + new_numbers
    # The same calls again: every event is a repeat, nothing new.
    server.cli("demo", "calls", "--server", server.base_url, "--count", "24", "--rate", "20", "--seed", "5")
    assert phone_leads() == before + new_numbers
    assert server.stop(timeout=15) == 0
    refused = server.cli("demo", "calls", "--server", server.base_url, "--count", "2", check=False)
    assert refused.returncode == 1 and "could not be reached" in refused.stderr, refused.stderr
    bad = server.cli("demo", "calls", "--count", "0", check=False)
    assert bad.returncode != 0 and "--count" in bad.stderr


def test_mail_ingest_takes_a_message_from_a_pipe(make_server, sqlite_url):
    """`rapport mail ingest` as a mail server's pipe runs it: a message becomes a lead (0),
    the same message again is taken once (0), what is not a message is bounced (65)."""
    server = make_server(sqlite_url)
    server.cli("demo")
    message = ("From: =?UTF-8?B?0JjRgNC40L3QsA==?= <irina.pipe@example.ru>\r\nTo: sales@kitchen.example\r\n"
               "Subject: =?UTF-8?B?0JrRg9GF0L3Rjw==?=\r\nMessage-ID: <pipe.1@example.ru>\r\n\r\nХочу кухню.\r\n")
    taken = server.cli("mail", "ingest", input=message)
    assert taken.stdout.startswith("Taken: lead ") and "(a new lead)" in taken.stdout, taken.stdout
    again = server.cli("mail", "ingest", input=message)
    assert again.stdout.startswith("Already taken: lead "), again.stdout
    bad = server.cli("mail", "ingest", input="not a message at all", check=False)
    assert bad.returncode == 65 and bad.stderr.startswith("rapport:"), (bad.returncode, bad.stderr)
    server.start()
    token = server.create_token("admin@kitchen.example", name="mail")
    leads = server.api(token).get("/api/v1/leads?limit=200").json()["data"]
    assert [lead["title"] for lead in leads if "irina.pipe@example.ru" in lead.get("emails", [])] == ["Кухня"]
