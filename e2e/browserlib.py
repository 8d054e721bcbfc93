"""What the browser tests share: the chromium driver's settings, numbered screenshots, and the
steps a person takes on a page (fill a field, press a button and wait for the next page, switch
the language, drag a card)."""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path
from urllib.parse import urlparse

from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from rapportlib import ADMIN_EMAIL, ADMIN_PASSWORD, E2E_DIR

CHROMIUM = os.environ.get("RAPPORT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("RAPPORT_CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = E2E_DIR / "screenshots"
DESKTOP = (1440, 900)
PHONE = (390, 844)
WAIT = 15  # seconds for any page change


def set_viewport(driver, width: int, height: int, mobile: bool = False) -> None:
    # --window-size includes the (invisible) browser chrome even when headless; the device
    # metrics override makes the page's viewport, and so the screenshot, exactly this size.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


def png_size(path: Path) -> tuple[int, int]:
    with open(path, "rb") as f:
        header = f.read(24)
    return struct.unpack(">II", header[16:24])


class Shots:
    """Numbered screenshots: shots("login") -> screenshots/01-login.png."""

    def __init__(self, driver):
        self.driver = driver
        self.n = 0
        self.size = DESKTOP

    def __call__(self, name: str) -> Path:
        self.n += 1
        path = SCREENSHOTS / f"{self.n:02d}-{name}.png"
        assert self.driver.save_screenshot(str(path)), f"could not save {path}"
        assert png_size(path) == self.size, f"{path.name} is {png_size(path)}, expected {self.size}"
        return path


def path_of(driver) -> str:
    return urlparse(driver.current_url).path


def body_text(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def wait_for(driver, css: str):
    try:
        return WebDriverWait(driver, WAIT).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))
    except TimeoutException:
        raise AssertionError(f"{css!r} not on {driver.current_url} within {WAIT} s; page says:\n"
                             f"{body_text(driver)[:1500]}") from None


def submit_and_wait(driver, button) -> None:
    """Clicks a submit button and waits until the browser has left the page it was on."""
    old_html = driver.find_element(By.TAG_NAME, "html")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()

    def left(_driver) -> bool:
        # While the browser swaps documents, asking about the old one can fail in other ways
        # than "stale element" (e.g. a lost execution context): that also means it is gone.
        try:
            old_html.is_enabled()
            return False
        except WebDriverException:
            return True

    WebDriverWait(driver, WAIT).until(left)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")


def fill(driver, css: str, value: str) -> None:
    el = wait_for(driver, css)
    el.clear()
    el.send_keys(value)


def sign_in(driver, base: str) -> None:
    """Signs in as the test administrator through the login page."""
    driver.get(base + "/login")
    fill(driver, "#email", ADMIN_EMAIL)
    fill(driver, "#password", ADMIN_PASSWORD)
    submit_and_wait(driver, driver.find_element(By.ID, "login-submit"))


def page_lang(driver) -> str:
    return (driver.find_element(By.TAG_NAME, "html").get_attribute("lang") or "").lower()


LANGUAGE_WORDS = {"ru": r"\bru\b|рус", "en": r"\ben\b|engl"}


def switch_language(driver, target: str) -> None:
    """Clicks the .lang-switch button that leads to `target`; a single button is a toggle."""
    buttons = driver.find_elements(By.CSS_SELECTOR, ".lang-switch")
    assert buttons, f"no .lang-switch button on {driver.current_url}"

    def words(button) -> str:
        parts = [button.text, button.get_attribute("value"), button.get_attribute("data-locale"),
                 button.get_attribute("title"), button.get_attribute("aria-label")]
        # Several one-button forms (EN | RU): the form's hidden field tells where each leads.
        for hidden in button.find_elements(By.XPATH, "./ancestor::form//input[@type='hidden']"):
            if hidden.get_attribute("name") != "_csrf":
                parts.append(hidden.get_attribute("value"))
        return " ".join(p for p in parts if p)

    button = next((b for b in buttons if re.search(LANGUAGE_WORDS[target], words(b), re.IGNORECASE)), None)
    if button is None:
        assert len(buttons) == 1, f"none of the .lang-switch buttons leads to {target!r}: " \
                                  f"{[words(b) for b in buttons]}"
        button = buttons[0]
    submit_and_wait(driver, button)


def find(items: list[dict], **match) -> dict | None:
    return next((i for i in items if all(i.get(k) == v for k, v in match.items())), None)


DRAG_AND_DROP = """
const [source, target] = arguments;
const data = new DataTransfer();
source.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: data}));
target.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: data}));
target.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: data}));
"""


def board_card(driver, lead_id: int):
    return wait_for(driver, f"[data-card='{lead_id}']")


def column_of(driver, lead_id: int) -> str:
    card = board_card(driver, lead_id)
    return card.find_element(By.XPATH, "ancestor::section[@data-stage]").find_element(By.CSS_SELECTOR, ".board-column-title").text
