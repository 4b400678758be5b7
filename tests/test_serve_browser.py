"""``gk serve`` end to end in a real headless Chromium, driven by Selenium with the keyboard:
open the app with the printed address, change a checklist item's status and note, add a
to-do, mark one done, save — and the YAML file differs in exactly those lines."""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_serve_support import make_repository, running

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                                reason="no chromium and chromedriver installed "
                                       "(apt-get install chromium chromium-driver)")

SHEET = "worksheets/meerbusch/prozessmanagement-2020.yaml"
SHOTS = os.environ.get("GK_SCREENSHOTS")  # a folder to keep screenshots in, when set


@pytest.fixture
def browser() -> Iterator[Any]:
    os.environ.setdefault("SE_AVOID_STATS", "true")  # Selenium Manager: no requests out
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=de-DE"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = make_repository(tmp_path)
    with running(root) as server:
        yield root, server.app.gate.url()


def shot(driver: Any, name: str) -> None:
    if SHOTS:
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1280, min(height + 50, 6000))
        driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))
        driver.set_window_size(1280, 900)


def focus_and_type(driver: Any, element: Any, text: str) -> None:
    """Reach a field with the keyboard's focus and type into it."""
    from selenium.webdriver.common.keys import Keys

    driver.execute_script("arguments[0].focus()", element)
    assert driver.switch_to.active_element == element
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)


def choose(driver: Any, element_id: str, label: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, element_id)).select_by_visible_text(label)


def test_edit_checklist_and_todos_in_the_browser(browser: Any, app: tuple[Path, str]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    root, url = app
    before = (root / SHEET).read_text(encoding="utf-8")
    browser.get(url)
    assert "token=" not in browser.current_url  # the token became a cookie
    assert browser.find_element(By.TAG_NAME, "h1").text == "Überblick"
    shot(browser, "1-overview")
    browser.find_element(By.LINK_TEXT, "Stadt Meerbusch").click()
    shot(browser, "2-alliance")
    browser.find_element(By.LINK_TEXT, "prozessmanagement-2020").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Arbeitshilfe prozessmanagement-2020"
    # a checklist item: status and note
    choose(browser, "f-items/data-flow/status", "in Arbeit")
    note = browser.find_element(By.ID, "f-items/data-flow/note")
    focus_and_type(browser, note, "Einwilligung liegt dem Sozialdienst vor.")
    # mark a to-do done
    choose(browser, "f-todos/1/status", "erledigt")
    # add a to-do: the button re-renders the form with an empty row, nothing saved yet
    add = browser.find_element(By.CSS_SELECTOR, 'button[value="add:todos"]')
    browser.execute_script("arguments[0].focus()", add)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert (root / SHEET).read_text(encoding="utf-8") == before
    title = browser.find_element(By.ID, "f-todos/3/title")
    focus_and_type(browser, title, "Ausländerbehörde zur Arbeitsrunde einladen")
    focus_and_type(browser, browser.find_element(By.ID, "f-todos/3/owner"), "GfS")
    due = browser.find_element(By.ID, "f-todos/3/due")
    browser.execute_script("arguments[0].value = '2027-01-31'", due)
    # the changes made before the row was added are still in the form
    assert browser.find_element(By.ID, "f-items/data-flow/note").get_attribute("value") == \
        "Einwilligung liegt dem Sozialdienst vor."
    shot(browser, "3-form-filled")
    # save with the keyboard: Enter in a text field submits the form's first button (Save)
    browser.find_element(By.ID, "f-todos/3/owner").send_keys(Keys.ENTER)
    assert "Gespeichert." in browser.find_element(By.CSS_SELECTOR, ".msg").text
    shot(browser, "4-saved")

    after = (root / SHEET).read_text(encoding="utf-8")
    diff = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert diff == [
        "-    status: open",
        '-    note: "Einwilligung des Kreises wird noch nicht genutzt."',
        "+    status: in-progress",
        '+    note: "Einwilligung liegt dem Sozialdienst vor."',
        "-    status: open",
        "+    status: done",
        "+  - id: auslaenderbehoerde-zur-arbeitsrunde",  # made from the title as gk todo add does
        '+    title: "Ausländerbehörde zur Arbeitsrunde einladen"',
        "+    owner: GfS",
        "+    due: 2027-01-31",
        "+    status: open",
    ]
    # every other byte is as it was
    kept_before = [line for line in before.splitlines(keepends=True)]
    kept_after = [line for line in after.splitlines(keepends=True)]
    matcher = difflib.SequenceMatcher(None, kept_before, kept_after, autojunk=False)
    same = sum(size for _a, _b, size in matcher.get_matching_blocks())
    assert same == len(kept_before) - 3
    assert after.encode("utf-8").startswith(before.split("\n", 1)[0].encode("utf-8"))


def test_keyboard_reaches_every_control(browser: Any, app: tuple[Path, str]) -> None:
    """Tab walks through the checklist form and every control it stops at has a label."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _root, url = app
    browser.get(url)
    browser.get(url.split("/?")[0] + "/file/" + SHEET)
    controls = browser.find_elements(By.CSS_SELECTOR, "main input:not([type=hidden]), "
                                                      "main select, main textarea, main button")
    labels = {el.get_attribute("for") for el in browser.find_elements(By.TAG_NAME, "label")}
    for control in controls:
        if control.tag_name != "button":
            assert control.get_attribute("id") in labels
    reached = set()
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _step in range(3 * len(controls) + 40):  # a date input: three stops in Chromium
        active = browser.switch_to.active_element
        reached.add(active.get_attribute("id") or active.get_attribute("value"))
        active.send_keys(Keys.TAB)
    wanted = {c.get_attribute("id") or c.get_attribute("value") for c in controls}
    assert wanted <= reached


def test_page_works_at_200_percent_zoom(browser: Any, app: tuple[Path, str]) -> None:
    """At 200 % zoom on a laptop screen (640 CSS pixels wide) the page does not scroll
    sideways; wide tables scroll inside their own box."""
    from selenium.webdriver.common.by import By

    _root, url = app
    browser.get(url)
    browser.set_window_size(1280, 800)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 640, "height": 400, "deviceScaleFactor": 2,
                             "mobile": False})
    for path in ("/", "/alliance/meerbusch", "/file/" + SHEET,
                 "/file/services/meerbusch/bewerbungswerkstatt.yaml"):
        browser.get(url.split("/?")[0] + path)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 640, (path, width)
        shot(browser, "zoom" + path.replace("/", "_"))
    assert browser.find_element(By.TAG_NAME, "h1").is_displayed()


def test_findings_while_typing(browser: Any, app: tuple[Path, str]) -> None:
    """A wrong value shows gk's own message under its field before anything is saved; after
    saving, the page shows the same words."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    root, url = app
    rel = "services/meerbusch/bewerbungswerkstatt.yaml"
    before = (root / rel).read_bytes()
    browser.get(url)
    browser.get(url.split("/?")[0] + "/file/" + rel)
    field = browser.find_element(By.ID, "f-capacity")
    focus_and_type(browser, field, "zwölf")
    field.send_keys(Keys.TAB)  # leaving the field is a change
    live = WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".finding.live"))
    message = live[0].text
    assert "zwölf" in message
    assert field.get_attribute("aria-invalid") == "true"
    assert live[0].get_attribute("id") in field.get_attribute("aria-describedby")
    assert (root / rel).read_bytes() == before  # nothing saved
    shot(browser, "5-live-finding")
    browser.find_element(By.CSS_SELECTOR, 'button[value="save"]').click()
    assert "Gespeichert." in browser.find_element(By.CSS_SELECTOR, ".msg").text
    saved = [p.text for p in browser.find_elements(By.CSS_SELECTOR, ".field .finding")]
    assert any(message in text for text in saved), (message, saved)


def test_opening_through_the_forwarding_file_lands_on_the_overview(
        browser: Any, app: tuple[Path, str]) -> None:
    """``gk serve`` opens the browser with a private file that forwards to the address (the
    token stays out of the process list); the SameSite=Strict cookie must still work."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from gk.cli.cmd_serve import forwarding_file

    _root, url = app
    forward = forwarding_file(url)
    try:
        assert forward.stat().st_mode & 0o077 == 0  # only the user can read it
        browser.get(forward.as_uri())
        WebDriverWait(browser, 20).until(lambda d: d.current_url.startswith("http://127.0.0.1"))
        WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.TAG_NAME, "h1"))
        assert browser.find_element(By.TAG_NAME, "h1").text == "Überblick"
        assert "token=" not in browser.current_url
    finally:
        forward.unlink()
