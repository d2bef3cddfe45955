"""Browser tests of rightsdesk's pages (run by tests/browser/run.sh).

Sets up records through the JSON API, then drives Debian's chromium through selenium: a partner
signs in and sees its licenses in force with their credit line and none of another outlet's; the
check form answers "allowed" or the reasons; staff see a license ending in 7 days and a failed
notice with its retry button (retry runs a pass); the seed article pasted shows its permission
statement highlighted; a form posted without its CSRF token is refused with 403; axe-core finds
no serious or critical issue on any page. A screenshot of each page goes to --shots.
"""

import argparse
import datetime
import json
import sys
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

ADMIN = ("admin@browser.test", "browser-test-password")
PARTNER_PASSWORD = "a long enough passphrase"
CREDIT = "Originally published on Worthy News; reproduced with permission."
OTHER_CREDIT = "Courtesy of Worthy News, for the Herald only."


def api(base, method, path, token=None, body=None, expect=(200, 201)):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as res:
            status, text = res.status, res.read().decode()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read().decode()
    if status not in expect:
        raise AssertionError(f"{method} {path}: {status} {text}")
    return json.loads(text) if text else None


def setup(base, article_text):
    token = api(base, "POST", "/v1/auth/login", body={"email": ADMIN[0], "password": ADMIN[1]})["access_token"]
    outlet = lambda name, email: api(base, "POST", "/v1/outlets", token, {
        "name": name, "country": "US", "contact_emails": [email]})["id"]
    worthy = outlet("Worthy News", "syndication@worthynews.com")
    gazette = outlet("Gazette", "rights@gazette.example")
    herald = outlet("Herald", "rights@herald.example")
    article = api(base, "POST", "/v1/articles/ingest", token, {
        "text": article_text, "source_outlet_id": worthy})["article"]["id"]
    today = datetime.date.today()
    license = lambda partner, until, credit, media: api(base, "POST", "/v1/licenses", token, {
        "grantor_outlet_id": worthy, "licensee_outlet_id": partner, "scope": "feed",
        "actions": ["republish"], "media": media, "territories": ["US", "CA"],
        "valid_from": "2025-01-01", "valid_until": str(until), "credit_line": credit,
        "max_reprints": 5})["id"]
    license(gazette, today + datetime.timedelta(days=7), CREDIT, ["web"])
    license(herald, today + datetime.timedelta(days=200), OTHER_CREDIT, ["web", "print"])
    for email, outlet_id in (("editor@gazette.example", gazette), ("editor@herald.example", herald)):
        api(base, "POST", "/v1/users", token, {"email": email, "password": PARTNER_PASSWORD,
                                               "role": "partner", "outlet_id": outlet_id})
    # One covered and one uncovered reprint of the Gazette's.
    for medium in ("web", "print"):
        api(base, "POST", "/v1/reprints", token, {
            "article_id": article, "outlet_id": gazette, "reprinted_on": str(today),
            "medium": medium, "territory": "US", "credit_line_used": CREDIT})
    # The mail server is down: the 7-day notices fail and wait for a retry.
    api(base, "POST", "/v1/notices/run", token, {})
    return article



def left_behind(old):
    """A wait condition: `old` belongs to a page the browser has left. Like selenium's
    `staleness_of`, but chromedriver sometimes answers a node of the page being left with
    "unhandled inspector error: Node with given id does not belong to the document" instead of
    a stale element: that too means the page is gone."""
    def predicate(_driver):
        try:
            old.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as err:
            if "does not belong to the document" in str(err):
                return True
            raise
    return predicate

class Pages:
    def __init__(self, args):
        self.base = args.base
        self.backend = args.backend
        self.shots = args.shots
        with open(args.axe, encoding="utf-8") as f:
            self.axe = f.read()
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        # axe is injected by the test; the pages' own policy allows only their own script.
        self.driver.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
        self.checked = []

    def open(self, path):
        self.driver.get(self.base + path)

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def axe_check(self, name):
        result = self.driver.execute_async_script(
            self.axe + "\nconst done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations))"
            ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));")
        bad = [v for v in result if v.get("impact") in ("serious", "critical")]
        for v in bad:
            print(f"  axe {name}: {v['impact']} {v['id']}: {v['help']}", file=sys.stderr)
            for node in v.get("nodes", [])[:3]:
                print(f"    {node.get('target')}: {node.get('failureSummary', '')[:200]}", file=sys.stderr)
        assert not bad, f"axe found {len(bad)} serious or critical issues on {name}"
        self.checked.append(name)

    def shot(self, name):
        height = self.driver.execute_script("return document.body.scrollHeight")
        width = self.driver.get_window_size()["width"]
        self.driver.set_window_size(width, min(max(height + 40, 600), 4000))
        self.driver.save_screenshot(f"{self.shots}/{name}-{self.backend}.png")
        self.driver.set_window_size(width, 1000)

    def submit(self, action):
        """Does what submits a form, then waits for the page it leads to (a click does not
        always wait for the navigation it starts, and a loaded machine shows it)."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        action()
        WebDriverWait(self.driver, 20).until(left_behind(old))
        WebDriverWait(self.driver, 20).until(
            lambda d: d.execute_script("return document.readyState") == "complete")

    def sign_in(self, email, password):
        self.open("/login")
        self.driver.find_element(By.ID, "email").send_keys(email)
        field = self.driver.find_element(By.ID, "password")
        field.send_keys(password)
        self.submit(lambda: field.send_keys(Keys.ENTER))

    def sign_out(self):
        button = self.driver.find_element(By.XPATH, "//button[text()='Sign out']")
        self.submit(button.click)
        assert self.driver.current_url.endswith("/login"), self.driver.current_url

    def login_page(self):
        self.open("/login")
        assert "Sign in to rightsdesk" in self.text()
        self.axe_check("login")
        self.shot("login")
        # Keyboard only: Tab reaches the email field first after the skip link.
        self.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        self.sign_in(ADMIN[0], "wrong password")
        assert "The email or the password is wrong." in self.text()

    def portal(self):
        self.sign_in("editor@gazette.example", PARTNER_PASSWORD)
        assert self.driver.current_url.endswith("/portal"), self.driver.current_url
        body = self.text()
        assert "Licenses in force" in body
        assert CREDIT in body, body
        assert OTHER_CREDIT not in body, "the Herald's license shows on the Gazette's portal"
        assert "1 of 5 reprints used" in body, body
        assert "Within 7 days" in body and "in 7 days" in body, body
        self.axe_check("portal")
        self.shot("portal")
        # One column on a phone.
        self.driver.set_window_size(390, 1000)
        self.open("/portal")
        self.driver.save_screenshot(f"{self.shots}/portal-phone-{self.backend}.png")
        self.axe_check("portal (phone)")
        self.driver.set_window_size(1280, 1000)

    def check(self, article):
        self.open("/portal/check")
        Select(self.driver.find_element(By.ID, "article_id")).select_by_value(str(article))
        territory = self.driver.find_element(By.ID, "territory")
        territory.clear()
        territory.send_keys("US")
        check = self.driver.find_element(By.XPATH, "//button[text()='Check']")
        self.submit(check.click)
        verdict = self.driver.find_element(By.ID, "verdict").text
        assert verdict.startswith("Allowed"), verdict
        assert CREDIT in self.text()
        self.axe_check("check (allowed)")
        self.shot("check")
        Select(self.driver.find_element(By.ID, "medium")).select_by_value("print")
        territory = self.driver.find_element(By.ID, "territory")
        territory.clear()
        territory.send_keys("FR")
        check = self.driver.find_element(By.XPATH, "//button[text()='Check']")
        self.submit(check.click)
        assert self.driver.find_element(By.ID, "verdict").text.startswith("Not allowed")
        reasons = self.driver.find_element(By.ID, "reasons").text
        assert "does not grant that medium" in reasons and "does not cover that territory" in reasons, reasons
        self.axe_check("check (refused)")
        self.shot("check-refused")
        self.sign_out()

    def desk(self):
        self.sign_in(*ADMIN)
        assert self.driver.current_url.endswith("/desk"), self.driver.current_url
        body = self.text()
        seven = body[body.index("Within 7 days"):body.index("Within 30 days")]
        assert "Gazette" in seven, seven
        assert "Retry notice" in body, body
        self.axe_check("desk")
        self.shot("desk")
        button = self.driver.find_element(By.XPATH, "//button[starts-with(text(), 'Retry notice')]")
        notice = button.text.split()[-1]
        self.submit(button.click)
        message = self.driver.find_element(By.CSS_SELECTOR, "p.notice").text
        assert f"Notice {notice} was tried again" in message, message
        # The same form without its CSRF token: refused.
        button = self.driver.find_element(By.XPATH, "//button[starts-with(text(), 'Retry notice')]")
        self.driver.execute_script(
            "arguments[0].form.querySelector('input[name=csrf]').remove()", button)
        self.submit(button.click)
        assert "did not come from a rightsdesk page" in self.text(), self.text()
        status = self.driver.execute_script(
            "return performance.getEntriesByType('navigation')[0].responseStatus")
        assert status in (403, None), status
        self.open("/desk")

    def ingest(self, article_text):
        self.open("/desk/ingest")
        self.axe_check("ingest (form)")
        area = self.driver.find_element(By.ID, "text")
        self.driver.execute_script("arguments[0].value = arguments[1]", area, article_text)
        look = self.driver.find_element(By.XPATH, "//button[@value='look']")
        self.submit(look.click)
        marks = self.driver.find_elements(By.CSS_SELECTOR, "mark.permission")
        highlighted = " ".join(m.text for m in marks)
        assert "reproduced with permission" in highlighted, highlighted
        assert "%" in self.driver.find_element(By.ID, "field-permission_statement").text
        self.axe_check("ingest (extraction)")
        self.shot("ingest")

    def csrf_refused_over_http(self):
        cookie = self.driver.get_cookie("rightsdesk_session")
        req = urllib.request.Request(self.base + "/logout", data=b"x=1", method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        req.add_header("Cookie", f"rightsdesk_session={cookie['value']}")
        try:
            urllib.request.urlopen(req)
            raise AssertionError("a post without the CSRF token was accepted")
        except urllib.error.HTTPError as err:
            assert err.code == 403, err.code


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--backend", required=True)
    parser.add_argument("--only", default="all")
    parser.add_argument("--axe", required=True)
    parser.add_argument("--shots", required=True)
    parser.add_argument("--article", required=True)
    args = parser.parse_args()
    with open(args.article, encoding="utf-8") as f:
        article_text = f.read()
    article = setup(args.base, article_text)
    pages = Pages(args)
    only = set(args.only.split(","))
    try:
        pages.login_page()
        pages.portal()
        if only != {"all"}:
            return
        pages.check(article)
        pages.desk()
        pages.ingest(article_text)
        pages.csrf_refused_over_http()
    finally:
        pages.driver.quit()
        print(f"  axe clean on: {', '.join(pages.checked)}")


if __name__ == "__main__":
    main()
