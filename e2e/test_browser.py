"""The administrator's pages driven by Debian's chromium through selenium, against a real
`rapport serve` on SQLite. Screenshots of each step go to e2e/screenshots/NN-name.png.

Each step asserts what a person would check (the record shows up in the list, the URL after the
redirect, the page language) and cross-checks the stored record through the API.
"""

from __future__ import annotations

import re
import time
import uuid

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from browserlib import (DESKTOP, DRAG_AND_DROP, PHONE, WAIT, Shots, body_text, fill, find, page_lang, path_of, set_viewport,
                        sign_in, submit_and_wait, switch_language, wait_for)
from rapportlib import ADMIN_EMAIL, ADMIN_PASSWORD

SCOPES = {"none", "own", "department", "department_tree", "all"}


def test_admin_pages(sqlite_server, driver):
    base = sqlite_server.base_url
    api = sqlite_server.api()
    shots = Shots(driver)
    suffix = uuid.uuid4().hex[:6]

    # --- log in ---------------------------------------------------------------------------
    driver.get(base + "/login")
    wait_for(driver, "#email")
    assert driver.find_elements(By.CSS_SELECTOR, "input[name='_csrf']"), "the login form has no _csrf field"
    shots("login")
    fill(driver, "#email", ADMIN_EMAIL)
    fill(driver, "#password", ADMIN_PASSWORD)
    submit_and_wait(driver, driver.find_element(By.ID, "login-submit"))
    assert not path_of(driver).startswith("/login"), \
        f"still on {driver.current_url} after logging in; page says:\n{body_text(driver)[:800]}"
    assert any(c["name"] for c in driver.get_cookies()), "no session cookie after logging in"
    shots("after-login")

    # --- a new user -----------------------------------------------------------------------
    email = f"e2e.user.{suffix}@example.com"
    driver.get(base + "/admin/users/new")
    wait_for(driver, "#user-save")
    fill(driver, "#email", email)
    fill(driver, "#password", "e2e-User-password-1")
    fill(driver, "#first_name", "Ivan")
    fill(driver, "#last_name", f"Petrov{suffix}")
    role_select = Select(driver.find_element(By.ID, "role_id"))
    role_options = [o for o in role_select.options if o.get_attribute("value")]
    assert role_options, "the role select offers no role"
    # A non-default choice: the sales manager when offered, otherwise the last role.
    chosen = next((o for o in role_options if "sales manager" in o.text.lower()), role_options[-1])
    role_value, role_text = chosen.get_attribute("value"), chosen.text
    role_select.select_by_index(role_select.options.index(chosen))
    shots("user-new")
    submit_and_wait(driver, driver.find_element(By.ID, "user-save"))
    assert path_of(driver).startswith("/admin/users") and not path_of(driver).endswith("/new"), \
        f"after saving the user the browser is on {driver.current_url}; page says:\n{body_text(driver)[:800]}"
    driver.get(base + "/admin/users")
    assert email in body_text(driver), f"{email} not listed on /admin/users"
    shots("users")
    user = find(api.list_all("/api/v1/users"), email=email)
    assert user is not None, f"{email} not returned by GET /api/v1/users"
    assert user["first_name"] == "Ivan" and user["last_name"] == f"Petrov{suffix}"
    assert str(user["role_id"]) == role_value, f"user has role {user['role_id']}, chose {role_value} ({role_text})"

    # --- a new role -----------------------------------------------------------------------
    role_name = f"E2E role {suffix}"
    driver.get(base + "/admin/roles/new")
    wait_for(driver, "#role-save")
    fill(driver, "#role-name", role_name)
    selects = {el.get_attribute("name"): el for el in driver.find_elements(By.CSS_SELECTOR, "select[name^='perm_']")}
    assert len(selects) >= 2, f"expected perm_ENTITY_ACTION selects, found {sorted(selects)}"
    wanted = [n for n in ("perm_lead_read", "perm_lead_create") if n in selects] or sorted(selects)[:2]
    expected: dict[tuple[str, str], str] = {}
    for name in wanted:
        select = Select(selects[name])
        values = [o.get_attribute("value") for o in select.options]
        value = "all" if "all" in values else values[-1]
        select.select_by_index(values.index(value))  # by index: works with or without value="…"
        entity, action = name[len("perm_"):].rsplit("_", 1)
        expected[(entity, action)] = value
    shots("role-new")
    submit_and_wait(driver, driver.find_element(By.ID, "role-save"))
    assert not path_of(driver).endswith("/new"), \
        f"after saving the role the browser is on {driver.current_url}; page says:\n{body_text(driver)[:800]}"
    driver.get(base + "/admin/roles")
    assert role_name in body_text(driver), f"{role_name!r} not listed on /admin/roles"
    shots("roles")
    role = find(api.list_all("/api/v1/roles"), name=role_name)
    assert role is not None, f"{role_name!r} not returned by GET /api/v1/roles"
    for (entity, action), value in expected.items():
        if value in SCOPES:
            assert role["permissions"][entity][action] == value, \
                f"{entity}.{action} is {role['permissions'][entity][action]!r}, set {value!r}"

    # --- a new department -----------------------------------------------------------------
    department = f"E2E department {suffix}"
    driver.get(base + "/admin/departments")
    name_css = "form input[name='name']"
    if not [e for e in driver.find_elements(By.CSS_SELECTOR, name_css) if e.is_displayed()]:
        # No visible inline form: follow the page's "new department" link.
        links = driver.find_elements(By.CSS_SELECTOR, "a[href$='/admin/departments/new']")
        assert links, f"/admin/departments has neither a name field nor a link to a new department:\n" \
                      f"{body_text(driver)[:800]}"
        links[0].click()
    try:
        name_input = WebDriverWait(driver, WAIT).until(
            lambda d: next((e for e in d.find_elements(By.CSS_SELECTOR, name_css) if e.is_displayed()), False))
    except TimeoutException:
        raise AssertionError(f"no visible department name field on {driver.current_url}:\n"
                             f"{body_text(driver)[:800]}") from None
    name_input.clear()
    name_input.send_keys(department)
    shots("department-new")
    form = name_input.find_element(By.XPATH, "./ancestor::form")
    submit = form.find_element(By.CSS_SELECTOR, "button[type='submit'], input[type='submit'], button:not([type])")
    submit_and_wait(driver, submit)
    driver.get(base + "/admin/departments")
    assert department in body_text(driver), f"{department!r} not listed on /admin/departments"
    shots("departments")
    assert find(api.list_all("/api/v1/departments"), name=department), \
        f"{department!r} not returned by GET /api/v1/departments"

    # --- the language switch --------------------------------------------------------------
    driver.get(base + "/admin/users")
    if page_lang(driver).startswith("ru"):
        # The company's default is Russian: go to English first, so the switch is seen to work.
        switch_language(driver, "en")
        assert page_lang(driver).startswith("en"), f'<html lang="{page_lang(driver)}"> after switching to English'
    switch_language(driver, "ru")
    if not path_of(driver).startswith("/admin/users"):
        driver.get(base + "/admin/users")
    lang = page_lang(driver)
    assert lang.startswith("ru"), f'<html lang="{lang}"> after switching the language'
    text = body_text(driver)
    assert re.search(r"[А-Яа-яЁё]{3,}", text), f"no Russian text after switching:\n{text[:500]}"
    assert email in text, "the users list lost its rows after switching the language"
    shots("users-russian")

    # --- a phone-sized screen -------------------------------------------------------------
    set_viewport(driver, *PHONE, mobile=True)
    shots.size = PHONE
    driver.get(base + "/admin/users")
    assert email in driver.page_source
    shots("users-phone")
    set_viewport(driver, *DESKTOP)
    shots.size = DESKTOP


def test_client_cards(sqlite_server, driver):
    """A company with a refused INN, then fixed; a person added from the company's card."""
    base = sqlite_server.base_url
    api = sqlite_server.api()
    shots = Shots(driver)
    shots.n = 20  # after the administrator's pages
    suffix = uuid.uuid4().hex[:6]

    sign_in(driver, base)

    # --- a company: a wrong INN is refused next to the field, the typed values stay ----------
    name = f"Кухни Люкс {suffix}"
    driver.get(base + "/clients/companies/new")
    fill(driver, "#short_name", name)
    fill(driver, "#inn", "7707083894")
    submit_and_wait(driver, driver.find_element(By.ID, "company-save"))
    inn = wait_for(driver, "#inn")
    assert inn.get_attribute("aria-invalid") == "true", "the INN field is not marked invalid"
    error = driver.find_element(By.ID, inn.get_attribute("aria-describedby").split()[-1]).text
    assert "10" in error, f"the INN error does not name the failing check digit: {error!r}"
    assert driver.find_element(By.ID, "short_name").get_attribute("value") == name, "the typed name was lost"
    shots("company-inn-refused")
    fill(driver, "#inn", "7707083893")
    submit_and_wait(driver, driver.find_element(By.ID, "company-save"))
    match = re.fullmatch(r"/clients/companies/(\d+)", path_of(driver))
    assert match, f"not on the company's card after saving: {driver.current_url}\n{body_text(driver)[:800]}"
    company_id = int(match.group(1))
    stored = api.get(f"/api/v1/companies/{company_id}").json()
    assert stored["short_name"] == name and stored["inn"] == "7707083893"
    assert name in body_text(driver)
    shots("company-card")

    # --- a person added from the card: the company is chosen already ------------------------
    driver.get(base + f"/clients/contacts/new?company_id={company_id}")
    fill(driver, "#first_name", "Анна")
    fill(driver, "#last_name", f"Морозова{suffix}")
    driver.find_element(By.NAME, "phones").send_keys("8 (916) 123-45-67")
    submit_and_wait(driver, driver.find_element(By.ID, "contact-save"))
    match = re.fullmatch(r"/clients/contacts/(\d+)", path_of(driver))
    assert match, f"not on the contact's card after saving: {driver.current_url}\n{body_text(driver)[:800]}"
    contact = api.get(f"/api/v1/contacts/{match.group(1)}").json()
    assert [link["company_id"] for link in contact["companies"]] == [company_id]
    assert contact["channels"][0]["normalized"] == "+79161234567"
    assert name in body_text(driver), "the contact's card does not show its company"
    shots("contact-card")

    # --- a second person, the company chosen by typing into the picker -----------------------
    driver.get(base + "/clients/contacts/new")
    fill(driver, "#first_name", "Олег")
    fill(driver, "#last_name", f"Орлов{suffix}")
    picker = driver.find_element(By.ID, "company_id-search")
    picker.send_keys(name[:8])
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#company_id-options option"))
    offered = driver.find_element(By.CSS_SELECTOR, "#company_id-options option").get_attribute("value")
    assert offered.endswith(f"#{company_id}"), offered
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'));",
                          picker, offered)
    assert driver.find_element(By.ID, "company_id").get_attribute("value") == str(company_id)
    submit_and_wait(driver, driver.find_element(By.ID, "contact-save"))
    match = re.fullmatch(r"/clients/contacts/(\d+)", path_of(driver))
    assert match, f"not on the contact's card: {driver.current_url}\n{body_text(driver)[:600]}"
    second = api.get(f"/api/v1/contacts/{match.group(1)}").json()
    assert [link["company_id"] for link in second["companies"]] == [company_id], second

    driver.get(base + f"/clients/companies/{company_id}")
    assert f"Морозова{suffix}" in body_text(driver), "the company's card does not list its person"
    shots("company-with-person")

    # --- the same client entered twice: compare and merge, taking the duplicate's region -------
    dup = api.post("/api/v1/companies?allow_duplicates=true",
                   json={"short_name": f"ООО «{name}»", "region": "Тверь", "kpp": ""}).json()
    driver.get(base + f"/clients/companies/{company_id}/merge?with={dup['id']}")
    wait_for(driver, "#merge-submit")
    shots("merge-compare")
    radio = driver.find_element(By.CSS_SELECTOR, "input[name='take_region'][value='duplicate']")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", radio)
    radio.click()
    submit_and_wait(driver, driver.find_element(By.ID, "merge-submit"))
    assert path_of(driver) == f"/clients/companies/{company_id}", driver.current_url
    merged = api.get(f"/api/v1/companies/{company_id}").json()
    assert merged["region"] == "Тверь" and merged["inn"] == "7707083893", merged
    assert api.get(f"/api/v1/companies/{dup['id']}").status_code == 404
    shots("merged")


def test_custom_fields(sqlite_server, driver):
    """An administrator defines fields on the page; a card fills them; the list filters by one."""
    base = sqlite_server.base_url
    api = sqlite_server.api()
    shots = Shots(driver)
    shots.n = 40
    suffix = uuid.uuid4().hex[:6]

    sign_in(driver, base)

    # --- a money field and a choice field, defined on the page --------------------------------
    driver.get(base + "/admin/custom-fields/new?entity=company")
    fill(driver, "#label", "Бюджет")
    fill(driver, "#code", f"budget_{suffix}")
    Select(driver.find_element(By.ID, "type")).select_by_value("money")
    assert driver.find_element(By.ID, "currency").is_displayed(), "the currency is hidden for a money field"
    assert not driver.find_element(By.ID, "options").is_displayed(), "options shown for a money field"
    for name in ["filterable", "sortable", "show_in_list"]:
        box = driver.find_element(By.NAME, name)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
        box.click()
    shots("custom-field-new")
    submit_and_wait(driver, driver.find_element(By.ID, "custom-field-save"))
    assert path_of(driver) == "/admin/custom-fields", driver.current_url
    driver.get(base + "/admin/custom-fields/new?entity=company")
    fill(driver, "#label", "Стиль")
    fill(driver, "#code", f"style_{suffix}")
    Select(driver.find_element(By.ID, "type")).select_by_value("choice")
    driver.find_element(By.ID, "options").send_keys("Модерн\nКлассика")
    box = driver.find_element(By.NAME, "filterable")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", box)
    box.click()
    submit_and_wait(driver, driver.find_element(By.ID, "custom-field-save"))
    fields = api.get("/api/v1/custom-fields?entity=company").json()["data"]
    style = find(fields, code=f"style_{suffix}")
    assert style and [o["label"] for o in style["options"]] == ["Модерн", "Классика"], fields
    shots("custom-fields-list")

    # --- a card: a bad amount is refused next to its field, then saved ------------------------
    driver.get(base + "/clients/companies/new")
    fill(driver, "#short_name", f"Кухня с бюджетом {suffix}")
    fill(driver, f"#cf_budget_{suffix}", "много")
    Select(driver.find_element(By.ID, f"cf_style_{suffix}")).select_by_visible_text("Классика")
    submit_and_wait(driver, driver.find_element(By.ID, "company-save"))
    budget = wait_for(driver, f"#cf_budget_{suffix}")
    assert budget.get_attribute("aria-invalid") == "true", "the bad amount is not marked"
    assert Select(driver.find_element(By.ID, f"cf_style_{suffix}")).first_selected_option.text == "Классика"
    shots("custom-value-refused")
    fill(driver, f"#cf_budget_{suffix}", "1 250 000,50")
    submit_and_wait(driver, driver.find_element(By.ID, "company-save"))
    match = re.fullmatch(r"/clients/companies/(\d+)", path_of(driver))
    assert match, f"not on the card: {driver.current_url}\n{body_text(driver)[:600]}"
    stored = api.get(f"/api/v1/companies/{match.group(1)}").json()
    assert stored["custom"][f"budget_{suffix}"] == "1250000.50", stored["custom"]
    assert stored["custom"][f"style_{suffix}"] == style["options"][1]["code"]

    # --- the list shows the column and filters by the range -----------------------------------
    driver.get(base + f"/clients/companies?cf.budget_{suffix}.from=1000000")
    text = body_text(driver).replace("\u202f", " ")
    assert f"Кухня с бюджетом {suffix}" in text, text[:1500]
    assert "1 250 000,50" in text or "1,250,000.50" in text, "the amount is not in the list's column"
    shots("custom-column")
    driver.get(base + f"/clients/companies?cf.budget_{suffix}.from=2000000")
    assert f"Кухня с бюджетом {suffix}" not in body_text(driver)


def test_files_on_a_card(sqlite_server, driver, tmp_path):
    """A file attached on the company's card is listed, downloadable, then removed."""
    base = sqlite_server.base_url
    api = sqlite_server.api()
    shots = Shots(driver)
    shots.n = 50
    company = api.post("/api/v1/companies", json={"short_name": f"Кухни с файлами {uuid.uuid4().hex[:6]}"}).json()
    document = tmp_path / "Замер кухни.txt"
    document.write_text("ширина 3200 мм\n", encoding="utf-8")

    sign_in(driver, base)
    driver.get(base + f"/clients/companies/{company['id']}")
    upload = wait_for(driver, "#file-input")
    upload.send_keys(str(document))
    submit_and_wait(driver, driver.find_element(By.ID, "file-upload"))
    assert path_of(driver) == f"/clients/companies/{company['id']}", driver.current_url
    files = api.get(f"/api/v1/companies/{company['id']}/attachments").json()["data"]
    assert [f["file_name"] for f in files] == ["Замер кухни.txt"], files
    assert "Замер кухни.txt" in body_text(driver)
    driver.execute_script("document.getElementById('files').scrollIntoView({block: 'center'})")
    shots("company-files")
    download = api.get(files[0]["url"])
    assert download.status_code == 200 and download.content.decode("utf-8") == "ширина 3200 мм\n"
    remove = driver.find_element(By.CSS_SELECTOR, "#files form[data-confirm] button")
    driver.execute_script("arguments[0].closest('form').removeAttribute('data-confirm');", remove)
    submit_and_wait(driver, remove)
    assert api.get(f"/api/v1/companies/{company['id']}/attachments").json()["data"] == []


def test_import_from_a_file(sqlite_server, driver, tmp_path):
    """A CSV is uploaded, its columns mapped, the first rows previewed, then imported with a report."""
    base = sqlite_server.base_url
    api = sqlite_server.api()
    shots = Shots(driver)
    shots.n = 60
    suffix = uuid.uuid4().hex[:6]
    table = tmp_path / "клиенты.csv"
    table.write_text(
        "Наименование;ИНН;Телефон;Город;Заметка\n"
        f"Кухни Север {suffix};7707083893;+7 495 100-00-01;Москва;ok\n"
        f"Кухни Юг {suffix};7707083894;;Тверь;неверный ИНН\n"
        f"Кухни Восток {suffix};;8 (495) 100-00-02;;ok\n", encoding="utf-8")

    # the third row is a client already in the base (the same phone)
    api.post("/api/v1/companies", json={"short_name": f"Восток-Мебель {suffix}",
                                        "channels": [{"kind": "phone", "value": "+7 495 100-00-02"}]})

    sign_in(driver, base)
    driver.get(base + "/clients/companies")
    driver.find_element(By.ID, "import-company").click()
    wait_for(driver, "#import-file").send_keys(str(table))
    submit_and_wait(driver, driver.find_element(By.ID, "import-upload"))
    match = re.fullmatch(r"/clients/import/(\d+)", path_of(driver))
    assert match, f"not on the import's page: {driver.current_url}\n{body_text(driver)[:600]}"
    import_id = match.group(1)
    assert Select(driver.find_element(By.ID, "col_0")).first_selected_option.get_attribute("value") == "short_name"
    assert Select(driver.find_element(By.ID, "col_4")).first_selected_option.get_attribute("value") == ""
    preview = driver.find_element(By.ID, "preview").text
    assert "inn" in preview.lower() or "ИНН" in preview, preview
    shots("import-mapping")
    start = driver.find_element(By.ID, "import-start")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", start)
    submit_and_wait(driver, start)
    state = {}
    for _ in range(50):
        state = api.get(f"/api/v1/imports/{import_id}").json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert state["state"] == "done" and (state["created"], state["skipped"], state["rejected"]) == (1, 1, 1), state
    driver.get(base + f"/clients/import/{import_id}")
    assert driver.find_element(By.ID, "import-report").is_displayed()
    shots("import-done")
    report = api.get(state["report_url"]).text
    assert "7707083894" in report and "rejected" in report and "skipped" in report, report


def test_a_task_with_a_checklist_and_a_comment(sqlite_server, driver):
    """A task is created from a company's context with a checklist and a reminder, a line is
    ticked, a comment with markup is shown as text, and the lists show it."""
    base = sqlite_server.base_url
    api = sqlite_server.api()
    shots = Shots(driver)
    shots.n = 70
    suffix = uuid.uuid4().hex[:6]
    company = api.post("/api/v1/companies", json={"short_name": f"Кухни с задачей {suffix}"}).json()
    sign_in(driver, base)

    # --- the form refuses a deadline it cannot read, keeping what was typed -------------------
    driver.get(base + f"/tasks/new?link_entity=company&link_id={company['id']}")
    fill(driver, "#title", f"Перезвонить {suffix}")
    fill(driver, "#checklist", "Позвонить\nОтправить КП\nЗаписать на замер")
    driver.execute_script("document.getElementById('deadline').value = '2099-01-15T12:00';"
                          "document.getElementById('reminder').value = '2000-01-15T11:00';")
    Select(driver.find_element(By.ID, "priority")).select_by_value("high")
    shots("task-new")
    submit_and_wait(driver, driver.find_element(By.ID, "task-save"))
    reminder = driver.find_element(By.ID, "reminder")
    assert reminder.get_attribute("aria-invalid") == "true", "a reminder in the past is not marked"
    assert driver.find_element(By.ID, "checklist").get_attribute("value").startswith("Позвонить")
    driver.execute_script("document.getElementById('reminder').value = '2099-01-15T11:00';")
    submit_and_wait(driver, driver.find_element(By.ID, "task-save"))
    match = re.fullmatch(r"/tasks/(\d+)", path_of(driver))
    assert match, f"not on the task: {driver.current_url}\n{body_text(driver)[:600]}"
    task = api.get(f"/api/v1/tasks/{match.group(1)}").json()
    assert task["link"] == {"entity": "company", "id": company["id"]} and task["priority"] == "high"
    assert [item["text"] for item in task["checklist"]] == ["Позвонить", "Отправить КП", "Записать на замер"]
    assert len(task["reminders"]) == 1 and task["deadline"].startswith("2099-01-15")

    # --- a line ticked, a comment with markup shown as text ------------------------------------
    submit_and_wait(driver, driver.find_element(By.ID, "checklist-0"))
    assert driver.find_element(By.ID, "checklist-0").get_attribute("aria-checked") == "true"
    fill(driver, "#comment-body", "<script>window.hacked = 1</script> @admin готово")
    submit_and_wait(driver, driver.find_element(By.ID, "comment-add"))
    assert driver.execute_script("return window.hacked") is None
    assert "<script>window.hacked = 1</script> @admin готово" in body_text(driver)
    driver.execute_script("window.scrollTo(0, 0)")
    shots("task-card")

    # --- the company's card lists it, and its history says so ----------------------------------
    driver.get(base + f"/clients/companies/{company['id']}")
    card = driver.find_element(By.ID, "record-tasks")
    assert f"Перезвонить {suffix}" in card.text, card.text
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)
    shots("company-tasks")

    # --- the list shows it with its checklist progress; done leaves "open" views ----------------
    driver.get(base + "/tasks")
    row = driver.find_element(By.XPATH, f"//tr[.//a[contains(., 'Перезвонить {suffix}')]]")
    assert "1/3" in row.text, row.text
    shots("task-list")
    driver.get(base + f"/tasks/{match.group(1)}")
    submit_and_wait(driver, driver.find_element(By.ID, "task-quick-status"))
    assert api.get(f"/api/v1/tasks/{match.group(1)}").json()["status"] == "done"
    driver.get(base + "/tasks")
    assert f"Перезвонить {suffix}" not in body_text(driver)

    # --- the desktop shows the day's work: an overdue task with its client ----------------------
    late = api.post("/api/v1/tasks", json={"title": f"Просроченная {suffix}", "deadline": "2020-01-01T09:00:00Z",
                                           "link_entity": "company", "link_id": company["id"]})
    assert late.status_code == 201, late.text
    driver.get(base + "/")
    today = driver.find_element(By.ID, "today").text
    assert f"Просроченная {suffix}" in today and f"Кухни с задачей {suffix}" in today, today
    assert int(driver.find_element(By.CSS_SELECTOR, "#work-stats .stat-card-alert .stat-value").text) >= 1
    shots("desktop")
    api.patch(f"/api/v1/tasks/{late.json()['id']}", json={"status": "done"})

    # --- a reminder fires in the page: the bell counts it, the notification opens the task -----
    import datetime
    soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)).isoformat()
    reminded = api.post("/api/v1/tasks", json={"title": f"Замер {suffix}", "reminders": [soon],
                                               "link_entity": "company", "link_id": company["id"]}).json()
    # the open page is told live (server-sent events): no reload
    driver.get(base + "/tasks")
    deadline = time.time() + 20
    while time.time() < deadline and not driver.find_elements(By.ID, "bell-count"):
        time.sleep(0.5)
    assert driver.find_element(By.ID, "bell-count").text == "1", "the reminder did not reach the open page"
    toast = driver.find_elements(By.ID, "notification-toast")
    assert toast and f"Замер {suffix}" in toast[0].text, "no toast for the reminder"
    shots("reminder-live")
    driver.find_element(By.ID, "bell").click()
    items = driver.find_element(By.ID, "notification-list").text
    assert f"Замер {suffix}" in items, items
    shots("notifications")
    submit_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "#notification-list button"))
    assert path_of(driver) == f"/tasks/{reminded['id']}", driver.current_url
    assert not driver.find_elements(By.ID, "bell-count"), "the opened notification is still unread"


def test_the_work_calendar(sqlite_server, driver, tmp_path):
    """The administrator keeps the working week and the production calendar; a mistake names its line."""
    base = sqlite_server.base_url
    shots = Shots(driver)
    shots.n = 80
    sign_in(driver, base)
    driver.get(base + "/admin/calendar")
    fill(driver, "#week_5", "10:00-14:00")
    fill(driver, "#days", "# New Year\n2026-01-01..2026-01-08 holiday\n2026-01-05 short")
    submit_and_wait(driver, driver.find_element(By.ID, "calendar-save"))
    error = driver.find_element(By.ID, "days-error").text
    assert "line 3" in error and "line 2" in error, error
    assert driver.find_element(By.ID, "week_5").get_attribute("value") == "10:00-14:00", "the typed week was lost"
    shots("calendar-refused")
    fill(driver, "#days", "# New Year\n2026-01-01..2026-01-08 holiday\n2026-03-07 short 60")
    submit_and_wait(driver, driver.find_element(By.ID, "calendar-save"))
    stored = sqlite_server.api().get("/api/v1/work-calendar").json()
    assert stored["week"][5] == "10:00-14:00" and stored["days_count"] == 9, stored
    shots("calendar")

    # the production calendar loaded from a file: a bad one shows its mistakes and saves nothing
    bad = tmp_path / "bad-calendar.txt"
    bad.write_text("2027-01-01..2027-01-08 holiday\n2027-02-30 holiday\n", encoding="utf-8")
    driver.find_element(By.ID, "calendar-file").send_keys(str(bad))
    submit_and_wait(driver, driver.find_element(By.ID, "calendar-file-load"))
    assert "line 2" in driver.find_element(By.ID, "days-error").text
    assert "2027-02-30" in driver.find_element(By.ID, "days").get_attribute("value")
    assert sqlite_server.api().get("/api/v1/work-calendar").json()["days_count"] == 9
    good = tmp_path / "calendar-2027.txt"
    good.write_bytes("\ufeff# Russia, 2027\r\n2027-01-01..2027-01-08 holiday\r\n2027-02-22 short 60\r\n".encode("utf-8"))
    driver.get(base + "/admin/calendar")
    driver.find_element(By.ID, "calendar-file").send_keys(str(good))
    submit_and_wait(driver, driver.find_element(By.ID, "calendar-file-load"))
    stored = sqlite_server.api().get("/api/v1/work-calendar").json()
    assert stored["days_count"] == 9 and stored["week"][5] == "10:00-14:00", stored
    assert "2027-02-22" in driver.find_element(By.ID, "days").get_attribute("value")


def test_the_calendar_feed(sqlite_server, driver):
    """A person makes a private calendar address; it serves their tasks as valid iCalendar."""
    import datetime

    import icalendar
    import requests as http

    base = sqlite_server.base_url
    api = sqlite_server.api()
    shots = Shots(driver)
    shots.n = 90
    suffix = uuid.uuid4().hex[:6]
    task = api.post("/api/v1/tasks", json={"title": f"Замер; кухня, {suffix}", "deadline": "2099-03-01T09:00:00Z",
                                          "reminders": ["2099-03-01T08:00:00Z"], "description": "Две\nстроки"}).json()
    visit = api.post("/api/v1/interactions", json={
        "kind": "visit", "subject": f"Замер у клиента {suffix}", "start_at": "2099-03-02T10:00:00Z", "duration_minutes": 180,
        "channel": "ул. Ленина, 5, кв. 12", "status": "planned", "reminders": ["2099-03-02T09:00:00Z"]}).json()
    sign_in(driver, base)
    driver.get(base + "/account")
    submit_and_wait(driver, driver.find_element(By.ID, "feed-create"))
    url = driver.find_element(By.ID, "new-feed-url").text
    assert url.startswith(base + "/calendar/") and url.endswith(".ics"), url
    shots("calendar-feed")

    # the feed parses with Python's icalendar and holds the task, its alarm and its link
    answer = http.get(url, timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(answer.content)
    events = [e for e in calendar.walk("VEVENT") if str(e.get("uid")) == f"task-{task['id']}@rapport"]
    assert len(events) == 1, answer.text[:500]
    event = events[0]
    assert str(event.get("summary")) == f"Замер; кухня, {suffix}" and str(event.get("description")) == "Две\nстроки"
    assert event.decoded("dtend").isoformat().startswith("2099-03-01T09:00:00")
    assert len(event.walk("VALARM")) == 1 and str(event.get("url")).endswith(f"/tasks/{task['id']}")
    # the planned visit: its three hours, its address, its reminder
    visits = [e for e in calendar.walk("VEVENT") if str(e.get("uid")) == f"interaction-{visit['id']}@rapport"]
    assert len(visits) == 1, answer.text[:800]
    assert str(visits[0].get("location")) == "ул. Ленина, 5, кв. 12"
    assert visits[0].decoded("dtend") - visits[0].decoded("dtstart") == datetime.timedelta(hours=3)
    assert len(visits[0].walk("VALARM")) == 1

    # notification settings: mentions turned off on the same page
    checkbox = driver.find_element(By.ID, "notify-mention")
    if checkbox.is_selected():
        checkbox.click()
    submit_and_wait(driver, driver.find_element(By.ID, "notifications-save"))
    assert api.get("/api/v1/notification-settings").json()["enabled"] == ["task_reminder", "interaction_reminder"]
    api.request("PUT", "/api/v1/notification-settings", json={"enabled": ["task_reminder", "interaction_reminder", "mention"]})
    driver.get(base + "/account")

    # a new address ends the old one; an unknown one is simply not found
    submit_and_wait(driver, driver.find_element(By.ID, "feed-create"))
    assert http.get(url, timeout=10).status_code == 404
    assert http.get(base + "/calendar/nothing-here.ics", timeout=10).status_code == 404


def test_interactions_from_a_card_to_the_queue(sqlite_server, driver):
    """A call is logged from a company's card with a name heard on the phone; the name becomes
    a contact; a follow-up meeting is planned and waits in the queue until it is marked held;
    a quick note lands on the card's timeline."""
    base = sqlite_server.base_url
    api = sqlite_server.api()
    shots = Shots(driver)
    shots.n = 100
    suffix = uuid.uuid4().hex[:6]
    company = api.post("/api/v1/companies", json={"short_name": f"Кухни со звонком {suffix}"}).json()
    sign_in(driver, base)

    # --- log a call from the card; a bad duration is named and what was typed stays -----------
    driver.get(base + f"/clients/companies/{company['id']}")
    submit_and_wait(driver, driver.find_element(By.ID, "record-log-call"))
    fill(driver, "#subject", f"Кухня в новостройку {suffix}")
    fill(driver, "#duration_minutes", "-3")
    fill(driver, "#channel", "+7 916 555-77-11")
    fill(driver, "#participant_names", f"Петров{suffix} Иван Сергеевич")
    Select(driver.find_element(By.ID, "direction")).select_by_value("incoming")
    Select(driver.find_element(By.ID, "type")).select_by_value("sale")
    fill(driver, "#result", "Договорились о замере")
    submit_and_wait(driver, driver.find_element(By.ID, "interaction-save"))
    assert driver.find_element(By.ID, "duration_minutes").get_attribute("aria-invalid") == "true"
    assert driver.find_element(By.ID, "participant_names").get_attribute("value").startswith(f"Петров{suffix} Иван")
    fill(driver, "#duration_minutes", "7")
    submit_and_wait(driver, driver.find_element(By.ID, "interaction-save"))
    match = re.fullmatch(r"/interactions/(\d+)", path_of(driver))
    assert match, f"not on the interaction: {driver.current_url}\n{body_text(driver)[:600]}"
    call = api.get(f"/api/v1/interactions/{match.group(1)}").json()
    assert call["kind"] == "call" and call["link"] == {"entity": "company", "id": company["id"]}
    assert call["duration_minutes"] == 7 and call["direction"] == "incoming" and call["type"] == "sale"
    assert call["participants"] == [{"kind": "text", "id": None, "name": f"Петров{suffix} Иван Сергеевич"}]

    # --- the heard name becomes a contact of the company, with the phone ------------------------
    submit_and_wait(driver, driver.find_element(By.ID, "participant-0-contact"))
    call = api.get(f"/api/v1/interactions/{call['id']}").json()
    person = call["participants"][0]
    assert person["kind"] == "contact", call["participants"]
    contact = api.get(f"/api/v1/contacts/{person['id']}").json()
    assert contact["last_name"] == f"Петров{suffix}" and contact["middle_name"] == "Сергеевич"
    assert [c["normalized"] for c in contact["channels"]] == ["+79165557711"]
    assert [link["company_id"] for link in contact["companies"]] == [company["id"]]
    shots("interaction-card")

    # --- a follow-up meeting, planned: in the queue, then held ----------------------------------
    submit_and_wait(driver, driver.find_element(By.ID, "interaction-follow-up"))
    Select(driver.find_element(By.ID, "kind")).select_by_value("meeting")
    fill(driver, "#subject", f"Показ проекта {suffix}")
    driver.execute_script("document.getElementById('start_at').value = '2099-03-02T11:00';")
    submit_and_wait(driver, driver.find_element(By.ID, "interaction-save"))
    meeting_id = re.fullmatch(r"/interactions/(\d+)", path_of(driver)).group(1)
    meeting = api.get(f"/api/v1/interactions/{meeting_id}").json()
    assert meeting["status"] == "planned" and meeting["thread_id"] == call["id"] and meeting["parent_id"] == call["id"]
    assert len(meeting["chain"]) == 2 and driver.find_element(By.ID, "chain")
    driver.get(base + "/interactions")
    assert f"Показ проекта {suffix}" in driver.find_element(By.ID, "interaction-table").text
    shots("interaction-queue")
    driver.get(base + f"/interactions/{meeting_id}")
    submit_and_wait(driver, driver.find_element(By.ID, "interaction-held"))
    assert api.get(f"/api/v1/interactions/{meeting_id}").json()["status"] == "held"
    driver.get(base + "/interactions")
    assert f"Показ проекта {suffix}" not in body_text(driver)

    # --- a quick note on the card, markup kept as text ------------------------------------------
    driver.get(base + f"/clients/companies/{company['id']}")
    fill(driver, "#quick-note", f"<b>Перезвонить</b> после 18:00 {suffix}")
    submit_and_wait(driver, driver.find_element(By.ID, "quick-note-add"))
    timeline = driver.find_element(By.ID, "record-interactions").text
    assert f"<b>Перезвонить</b> после 18:00 {suffix}" in timeline and f"Кухня в новостройку {suffix}" in timeline, timeline
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", driver.find_element(By.ID, "interactions"))
    shots("company-interactions")

    # --- the desktop: the planned call today is in "today", its client opens in the panel -------
    import datetime
    soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)).isoformat()
    api.patch(f"/api/v1/companies/{company['id']}", json={"channels": [{"kind": "phone", "value": "+7 495 111-22-33"}]},
              headers={"If-Match": str(api.get(f"/api/v1/companies/{company['id']}").json()["version"])})
    api.post("/api/v1/interactions", json={"kind": "call", "subject": f"Перезвонить по проекту {suffix}", "start_at": soon,
                                           "status": "planned", "link_entity": "company", "link_id": company["id"]})
    driver.get(base + "/")
    assert f"Перезвонить по проекту {suffix}" in driver.find_element(By.ID, "today").text
    submit_and_wait(driver, driver.find_element(By.LINK_TEXT, f"Кухни со звонком {suffix}"))
    assert f"Кухни со звонком {suffix}" in driver.find_element(By.ID, "client-panel").text
    assert driver.find_element(By.CSS_SELECTOR, "#client-panel a.call-button").get_attribute("href") == "tel:+74951112233"
    assert f"Петров{suffix} Иван Сергеевич" in driver.find_element(By.ID, "client-panel-people").text
    shots("desktop-client")
    # its history filtered to notes; a quick note typed here stays on the desktop
    submit_and_wait(driver, driver.find_element(By.XPATH, "//nav[@id='client-panel-kinds']/a[contains(@href, 'kind=note')]"))
    listed = driver.find_element(By.ID, "record-interactions").text
    assert f"после 18:00 {suffix}" in listed and f"Кухня в новостройку {suffix}" not in listed, listed
    fill(driver, "#quick-note", f"Просит скидку {suffix}")
    submit_and_wait(driver, driver.find_element(By.ID, "quick-note-add"))
    assert path_of(driver) == "/" and f"Просит скидку {suffix}" in driver.find_element(By.ID, "record-interactions").text


def test_the_calendar_moves_what_is_dragged(sqlite_server, driver):
    """The week shows a planned meeting and a task; dragging the meeting to another day and hour
    moves it (its reminder with it); the month and a department's week show them too."""
    base = sqlite_server.base_url
    api = sqlite_server.api()
    shots = Shots(driver)
    shots.n = 110
    suffix = uuid.uuid4().hex[:6]
    meeting = api.post("/api/v1/interactions", json={
        "kind": "meeting", "subject": f"Показ проекта {suffix}", "start_at": "2099-03-04T07:15:00Z", "duration_minutes": 90,
        "status": "planned", "reminders": ["2099-03-04T06:15:00Z"]}).json()
    task = api.post("/api/v1/tasks", json={"title": f"Подготовить КП {suffix}", "deadline": "2099-03-05T09:00:00Z"}).json()
    sign_in(driver, base)
    driver.get(base + "/calendar?view=week&date=2099-03-04")
    entry = wait_for(driver, f"[data-source='interaction'][data-id='{meeting['id']}']")
    assert f"Подготовить КП {suffix}" in driver.find_element(By.ID, "calendar-grid").text
    local_hour = int(entry.get_attribute("data-time").split(":")[0])
    offset = local_hour - 7  # the viewer's zone against UTC, as the page shows the meeting
    shots("calendar-week")

    target = driver.find_element(By.CSS_SELECTOR, "td[data-drop-date='2099-03-06'][data-drop-hour='14']")
    old_html = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script(DRAG_AND_DROP, entry, target)
    WebDriverWait(driver, WAIT).until(EC.staleness_of(old_html))
    moved = api.get(f"/api/v1/interactions/{meeting['id']}").json()
    assert moved["start_at"].startswith(f"2099-03-06T{14 - offset:02d}:15:00"), moved["start_at"]
    assert moved["reminders"][0].startswith(f"2099-03-06T{13 - offset:02d}:15:00"), moved["reminders"]
    cell = driver.find_element(By.CSS_SELECTOR, "td[data-drop-date='2099-03-06'][data-drop-hour='14']")
    assert f"Показ проекта {suffix}" in cell.text, cell.text

    # a task dragged onto a day of the month keeps its time of day
    driver.get(base + "/calendar?view=month&date=2099-03-01")
    entry = wait_for(driver, f"[data-source='task'][data-id='{task['id']}']")
    old_html = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script(DRAG_AND_DROP, entry, driver.find_element(By.CSS_SELECTOR, ".calendar-day[data-drop-date='2099-03-10']"))
    WebDriverWait(driver, WAIT).until(EC.staleness_of(old_html))
    assert api.get(f"/api/v1/tasks/{task['id']}").json()["deadline"].startswith("2099-03-10T09:00:00")
    shots("calendar-month")


def test_web_form_from_a_plain_page(make_server, sqlite_url, driver, tmp_path):
    """An administrator builds a web form; its snippet, pasted into a plain HTML page of the
    company's site, shows the form; a visitor's request becomes a lead on the board with the
    page it came from and the campaign's UTM tags."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    server = make_server(sqlite_url).start(migrate=True, timeout=30)
    server.cli("demo", timeout=120)
    base = server.base_url
    shots = Shots(driver)
    shots.n = 230
    driver.get(base + "/login")
    fill(driver, "#email", "admin@kitchen.example")
    fill(driver, "#password", "demo-password-1")
    submit_and_wait(driver, driver.find_element(By.ID, "login-submit"))

    # The form: name, phone, e-mail and a question.
    driver.get(base + "/admin/forms")
    fill(driver, "#form-name", "Заявка на замер")
    driver.find_element(By.ID, "ask-email").click()
    submit_and_wait(driver, driver.find_element(By.ID, "form-save"))
    snippet = wait_for(driver, "#form-snippet").get_attribute("value")
    assert "<iframe" not in snippet and "/f/" in snippet, snippet
    shots("web-form-settings")

    # A plain page of the company's site with the snippet pasted in.
    site = tmp_path / "site"
    site.mkdir()
    (site / "corner.html").write_text(
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'><title>Угловые кухни</title></head>"
        "<body style='font-family:sans-serif;max-width:720px;margin:40px auto'>"
        "<h1>Угловые кухни на заказ</h1><p>Оставьте заявку — замерщик приедет в удобное время.</p>"
        + snippet + "</body></html>", encoding="utf-8")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = f"http://127.0.0.1:{httpd.server_address[1]}/corner.html?utm_source=yandex&utm_campaign=kitchens"
        driver.get(page)
        frame = wait_for(driver, "iframe")
        shots("site-with-form")
        driver.switch_to.frame(frame)
        wait_for(driver, "#wf-full_name").send_keys("Котова Ирина Павловна")
        driver.find_element(By.ID, "wf-phone").send_keys("+7 916 777-12-34")
        driver.find_element(By.ID, "wf-comments").send_keys("Нужна угловая кухня, 3 метра")
        time.sleep(2.2)  # a person takes longer than the form's quickest
        driver.find_element(By.ID, "web-form-send").click()
        assert "Спасибо" in wait_for(driver, "#web-form-thanks").text
        driver.switch_to.default_content()
        shots("web-form-thanks")
    finally:
        httpd.shutdown()

    # On the board, with where it came from.
    driver.get(base + "/leads")
    wait_for(driver, "[data-board]")
    assert "Котова Ирина" in body_text(driver)
    shots("board-with-form-lead")
    api = server.api(server.create_token("admin@kitchen.example"))
    leads = api.get("/api/v1/leads?q=котова").json()["data"]
    assert len(leads) == 1, leads
    lead = leads[0]
    assert lead["source"] == "site" and lead["utm"]["source"] == "yandex" and lead["utm"]["campaign"] == "kitchens", lead
    assert lead["referrer"].startswith(page.split("?")[0]), lead["referrer"]
