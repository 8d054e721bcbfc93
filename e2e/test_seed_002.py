"""Seed 002, the kitchen maker's lead process, walked whole in chromium on `rapport demo`, on
SQLite and on PostgreSQL, with a real SMTP server (aiosmtpd) and a real HTTP SMS gateway:

a missed call from the PBX becomes a lead with its call-back task; dragged to "Client is ours"
the stage asks for exactly the name, topic and client type; skipping ahead is refused; closing
the proposal task without an e-mail or a sent proposal keeps the lead and gives a task naming
both; the e-mail written down, the proposal PDF made on the card and e-mailed, seen arriving at
the SMTP server (its text read with pdftotext, its page drawn by pdftoppm); closing the task
then moves the lead to "Measurement scheduled"; a measurer booked, the date confirmed, and the
client's SMS seen at the gateway.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import hashlib
import hmac
import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from browserlib import (DRAG_AND_DROP, SCREENSHOTS, WAIT, Shots, body_text, board_card, column_of, fill, path_of,
                        submit_and_wait, switch_language, wait_for)
from rapportlib import E2E_DIR

DEMO_ADMIN = ("admin@kitchen.example", "demo-password-1")


class SMTPServer:
    """e2e/smtp_server.py in plain mode: what it takes is in DIR/received.jsonl."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.process = subprocess.Popen([sys.executable, str(E2E_DIR / "smtp_server.py"), "--dir", str(directory)],
                                        stdin=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while not (directory / "port").exists():
            assert self.process.poll() is None, "the SMTP server stopped before it listened"
            assert time.monotonic() < deadline, "the SMTP server did not start within 20 s"
            time.sleep(0.05)
        self.port = int((directory / "port").read_text())

    def received(self) -> list[dict]:
        log = self.directory / "received.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def wait_for(self, count: int, within: float = 20) -> list[dict]:
        deadline = time.monotonic() + within
        while len(self.received()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.received()

    def stop(self) -> None:
        self.process.stdin.close()  # it stops when its standard input closes
        self.process.wait(timeout=10)


class SMSGateway:
    """An HTTP SMS gateway: records each request and answers with a message id."""

    def __init__(self):
        self.requests: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                gateway.requests.append({"path": self.path, "form": {k: v[0] for k, v in parse_qs(body).items()}})
                answer = json.dumps({"status": "OK", "sms_id": f"S-{len(gateway.requests)}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, within: float = 20) -> list[dict]:
        deadline = time.monotonic() + within
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.requests

    def stop(self) -> None:
        self.server.shutdown()


@pytest.fixture
def smtp(workdir):
    directory = workdir / "smtp"
    directory.mkdir()
    server = SMTPServer(directory)
    yield server
    server.stop()


@pytest.fixture
def sms_gateway():
    gateway = SMSGateway()
    yield gateway
    gateway.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def missed_call(api, base_url: str, number: str) -> int:
    """The PBX tells of a missed call (signed as a PBX signs it); returns the lead it became."""
    pbx = api.post("/api/v1/integrations", json={"kind": "telephony", "name": "АТС e2e", "source": "phone"})
    assert pbx.status_code == 201, pbx.text
    secret, events = pbx.json()["secret"], pbx.json()["events_url"]
    answers = []
    for n, kind in enumerate(("ringing", "missed")):
        body = json.dumps({"event_id": f"e{n}", "call_id": "c1", "type": kind, "client_number": number,
                           "line_number": "+7 495 100-20-30"}).encode()
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        answer = requests.post(base_url + events, data=body, timeout=30,
                               headers={"Content-Type": "application/json", "X-Rapport-Signature": signature})
        assert answer.status_code == 200, answer.text
        answers.append(answer.json())
    call = answers[-1]["call"]
    assert call["state"] == "missed" and call["link_entity"] == "lead", call
    return call["link_id"]


def close_task(driver, href: str) -> None:
    driver.get(href)
    submit_and_wait(driver, driver.find_element(By.ID, "task-quick-status"))


def task_link(driver, starts_with: str):
    return driver.find_element(By.XPATH, f"//section[@id='record-tasks']//a[starts-with(., '{starts_with}')]")


def test_seed_002_whole_walk(make_server, database_url, driver, smtp, sms_gateway, workdir):
    server = make_server(database_url).start(migrate=True, timeout=30)
    server.cli("demo", timeout=180)
    base = server.base_url
    api = server.api(server.create_token(DEMO_ADMIN[0]))
    shots = Shots(driver)
    shots.n = 200 if database_url.startswith("sqlite") else 260

    # The company's mail and SMS gateway (seed 002: "set up the mail integration first").
    made = api.post("/api/v1/integrations", json={
        "kind": "smtp", "name": "Почта", "password": "",
        "smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none", "username": None,
                 "from_address": "sales@kitchen.example", "from_name": "Кухни Мастер", "verify_certificate": False}})
    assert made.status_code == 201, made.text
    made = api.post("/api/v1/integrations", json={
        "kind": "sms_gateway", "name": "SMS", "sms": {
            "url": sms_gateway.url + "/send", "method": "POST", "content_type": "form",
            "body_template": "phone={{to}}&msg={{text}}&from={{sender}}", "sender": "KuhniMaster",
            "provider_id_field": "sms_id"}})
    assert made.status_code == 201, made.text

    # A missed call: the PBX's event makes the lead, routed, with its call-back task.
    lead_id = missed_call(api, base, "+7 916 555-12-34")
    driver.get(base + "/login")
    fill(driver, "#email", DEMO_ADMIN[0])
    fill(driver, "#password", DEMO_ADMIN[1])
    submit_and_wait(driver, driver.find_element(By.ID, "login-submit"))
    driver.get(base + "/leads")
    assert column_of(driver, lead_id).startswith("Новый")
    shots("board-leads")
    driver.get(base + f"/leads/{lead_id}")
    assert driver.find_element(By.ID, "record-stage").text == "Новый"
    assert "Связаться с клиентом +7 916 555-12-34" in driver.find_element(By.ID, "record-tasks").text
    assert "Перезвоните клиенту" in driver.find_element(By.ID, "stage-hint").text
    shots("lead-new")

    # Dragged to "Client is ours": the dialog asks for exactly what the stage needs.
    driver.get(base + "/leads")
    card = board_card(driver, lead_id)
    target = driver.find_element(By.XPATH, "//section[@data-stage][.//h2[starts-with(normalize-space(.), 'Клиент наш')]]")
    old_html = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script(DRAG_AND_DROP, card, target)
    WebDriverWait(driver, WAIT).until(EC.staleness_of(old_html))
    dialog = wait_for(driver, "#quick-fill")
    asked = [el.get_attribute("name") for el in dialog.find_elements(By.CSS_SELECTOR, "input[type=text]")]
    assert asked == ["last_name", "first_name", "topic", "client_type"], asked
    shots("quick-fill")
    fill(driver, "#fill-last_name", "Котова")
    fill(driver, "#fill-first_name", "Ирина")
    fill(driver, "#fill-topic", "угловые кухни")
    fill(driver, "#fill-client_type", "конечный покупатель")
    submit_and_wait(driver, driver.find_element(By.ID, "quick-fill-submit"))
    assert column_of(driver, lead_id).startswith("Клиент наш")

    # Skipping "Catalogue and proposal sent" in the strict pipeline is refused.
    card = board_card(driver, lead_id)
    Select(card.find_element(By.TAG_NAME, "select")).select_by_visible_text("Замер назначен")
    submit_and_wait(driver, card.find_element(By.CSS_SELECTOR, ".board-card-move button"))
    assert "нельзя пропускать" in wait_for(driver, "#quick-fill").text
    submit_and_wait(driver, driver.find_element(By.ID, "quick-fill-cancel"))

    # The next stage: its task comes with a script and a checklist.
    card = board_card(driver, lead_id)
    Select(card.find_element(By.TAG_NAME, "select")).select_by_visible_text("Каталог и КП отправлены")
    submit_and_wait(driver, card.find_element(By.CSS_SELECTOR, ".board-card-move button"))
    assert column_of(driver, lead_id).startswith("Каталог и КП отправлены")
    driver.get(base + f"/leads/{lead_id}")
    submit_and_wait(driver, task_link(driver, "Отправить каталог и КП"))
    assert "Здравствуйте, Ирина!" in body_text(driver)
    shots("proposal-task")

    # Closed with no e-mail and no proposal sent: the lead stays, a task names both.
    submit_and_wait(driver, driver.find_element(By.ID, "task-quick-status"))
    driver.get(base + f"/leads/{lead_id}")
    assert driver.find_element(By.ID, "record-stage").text == "Каталог и КП отправлены"
    refusal = task_link(driver, "Для «Замер назначен» не хватает")
    assert "E-mail" in refusal.text and "Коммерческое предложение (PDF)" in refusal.text, refusal.text
    refusal_href = refusal.get_attribute("href")
    shots("refused-advance")

    # The e-mail written down; the proposal made on the Documents card and sent by e-mail.
    fill(driver, "#f-emails", "irina.kotova@example.ru")
    submit_and_wait(driver, driver.find_element(By.ID, "record-save"))
    driver.get(base + f"/leads/{lead_id}")
    Select(driver.find_element(By.ID, "document-template")).select_by_visible_text("Коммерческое предложение (PDF) (ru)")
    submit_and_wait(driver, driver.find_element(By.ID, "document-make"))
    driver.get(base + f"/leads/{lead_id}")
    documents = driver.find_element(By.ID, "record-documents")
    assert "Коммерческое предложение" in documents.text, documents.text
    submit_and_wait(driver, documents.find_element(By.CSS_SELECTOR, "a[id^='document-send-']"))
    assert path_of(driver) == "/messages/new"
    assert driver.find_element(By.ID, "compose-to").get_attribute("value") == "irina.kotova@example.ru"
    assert "Ирина" in driver.find_element(By.ID, "compose-text").get_attribute("value")
    attached = driver.find_elements(By.CSS_SELECTOR, "input[id^='compose-file-']:checked")
    assert len(attached) == 1
    shots("proposal-compose")
    submit_and_wait(driver, driver.find_element(By.ID, "compose-send"))

    # The SMTP server takes it, with the PDF: its text and its first page are the proposal.
    received = smtp.wait_for(1)
    assert len(received) == 1, received
    assert received[0]["to"] == ["irina.kotova@example.ru"]
    message = email.message_from_string(received[0]["data"], policy=email.policy.default)
    pdfs = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1, [part.get_content_type() for part in message.walk()]
    pdf = workdir / "proposal.pdf"
    pdf.write_bytes(pdfs[0].get_content())
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Коммерческое предложение №" in text and "Здравствуйте, Ирина!" in text, text[:800]
    assert "угловые кухни" in text and "Кухни Мастер" in text, text[:800]
    page = SCREENSHOTS / f"{shots.n + 1:02d}-proposal-pdf-page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(page)], check=True)
    assert Path(str(page) + ".png").stat().st_size > 5000
    shots.n += 1

    # The delivery is on the card; closing the task now moves the lead on by itself.
    driver.get(base + f"/leads/{lead_id}")
    WebDriverWait(driver, WAIT).until(
        lambda d: "badge-message-sent" in d.find_element(By.ID, "record-messages").get_attribute("innerHTML"))
    close_task(driver, refusal_href)
    driver.get(base + f"/leads/{lead_id}")
    assert driver.find_element(By.ID, "record-stage").text == "Замер назначен"
    assert "Созвониться с клиентом по КП" in driver.find_element(By.ID, "record-tasks").text
    shots("measurement-scheduled")

    # A measurer booked a week ahead: the date is agreed with the client first.
    submit_and_wait(driver, driver.find_element(By.ID, "visit-book"))
    week_ahead = datetime.date.today() + datetime.timedelta(days=7)
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, "visit-from"), week_ahead.isoformat())
    submit_and_wait(driver, driver.find_element(By.ID, "visit-find"))
    fill(driver, "#visit-address", "Москва, ул. Лесная, 5, кв. 12")
    shots("visit-slots")
    slot = driver.find_element(By.CSS_SELECTOR, "#visit-slots .slot-button")
    measurer = slot.find_element(By.XPATH, "ancestor::div[contains(@class,'slot-row')]//span[@class='slot-technician']").text
    submit_and_wait(driver, slot)
    visits = driver.find_element(By.ID, "record-visits")
    assert "Лесная" in visits.text and measurer in visits.text, visits.text
    assert sms_gateway.requests == []  # not before the client agrees the date

    # Confirmed: the measurer's task, and the client's SMS at the gateway.
    submit_and_wait(driver, visits.find_element(By.CSS_SELECTOR, "button[id^='visit-confirm-']"))
    sent = sms_gateway.wait_for(1)
    assert len(sent) == 1, sent
    sms = sent[0]["form"]
    assert sms["phone"] == "+79165551234" and sms["from"] == "KuhniMaster", sms
    assert measurer.split()[0] in sms["msg"], sms
    driver.get(base + f"/leads/{lead_id}")
    WebDriverWait(driver, WAIT).until(
        lambda d: d.find_element(By.ID, "record-messages").text.count("+79165551234") >= 1)
    shots("visit-confirmed-sms")

    # Someone else moves the card back: the open board shows it where it is now by itself.
    stages = {st["name"]: st["id"] for st in api.get("/api/v1/pipelines?entity=lead").json()["data"][0]["stages"]}
    driver.get(base + "/leads")
    assert column_of(driver, lead_id).startswith("Замер назначен")
    old_html = driver.find_element(By.TAG_NAME, "html")
    moved = api.post(f"/api/v1/leads/{lead_id}/move", json={"stage_id": stages["Клиент наш"]})
    assert moved.status_code == 200, moved.text
    WebDriverWait(driver, WAIT).until(EC.staleness_of(old_html))
    assert column_of(driver, lead_id).startswith("Клиент наш")

    # The list view finds the lead by its client's name and says where it stands.
    submit_and_wait(driver, driver.find_element(By.LINK_TEXT, "Список"))
    fill(driver, "#list-q", "Котова")
    submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, ".filter-bar button[type=submit]"))
    table = wait_for(driver, "#record-table").text
    assert "Котова Ирина" in table and "Клиент наш" in table, table
    shots("lead-list")

    # The stage's settings: a condition that does not read is refused with where it fails, and
    # the gate can be tried on a real lead.
    driver.get(base + "/admin/pipelines")
    submit_and_wait(driver, driver.find_element(By.LINK_TEXT, "Обращения"))
    submit_and_wait(driver, driver.find_element(By.LINK_TEXT, "Клиент наш"))
    condition = wait_for(driver, "#stage-condition")
    condition.clear()
    condition.send_keys("has(email) and")
    submit_and_wait(driver, driver.find_element(By.ID, "stage-save"))
    assert "at character 15" in driver.find_element(By.ID, "condition-error").text
    shots("stage-settings-refused")
    fresh = api.post("/api/v1/leads", json={"phones": ["+7 903 111-22-33"]}).json()
    fill(driver, "#preview-record", str(fresh["id"]))
    submit_and_wait(driver, driver.find_element(By.ID, "preview-run"))
    result = driver.find_element(By.ID, "preview-result").text
    assert "Тема обращения" in result and "Тип клиента" in result, result
    shots("stage-gate-preview")

    # The same board and card in English.
    switch_language(driver, "en")
    driver.get(base + f"/leads/{lead_id}")
    assert "Documents" in body_text(driver) and "Messages" in body_text(driver)
    shots("lead-card-en")
    driver.get(base + "/leads")
    assert "Only mine" in body_text(driver)
    shots("board-leads-en")
