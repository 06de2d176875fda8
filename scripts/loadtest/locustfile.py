"""Load test of the reception and case pages (`make loadtest`, scripts/loadtest/run.sh): demo users sign in
through the login form and browse the session list, a session, the case list, a case search and a case.

The server runs with production settings behind no proxy on the loopback, so every request says it came through
the HTTPS proxy (X-Forwarded-Proto) and the session cookie, which is Secure, is sent by hand.
"""

import os
import random
import re
from urllib.parse import quote

# Locust puts this file's folder on the import path.
from loadtest_pages import (
    ACCOUNTS,
    CASE_DETAIL,
    CASE_LINK,
    CASE_LIST,
    CASE_SEARCH,
    LOGIN,
    PASSWORD,
    SEARCHES,
    SESSION_DETAIL,
    SESSION_LINK,
    SESSION_LIST,
)
from locust import HttpUser, between, task
from locust.exception import StopUser


def think_time() -> tuple[float, float]:
    """Seconds between a user's pages, from LOAD_THINK_TIME: "0.5-1.5" (a range) or "0"."""
    low, _dash, high = os.environ.get("LOAD_THINK_TIME", "0.5-1.5").partition("-")
    return float(low), float(high or low)


class DemoUser(HttpUser):
    # An official clicking through pages, briskly: 0.5 to 1.5 s between pages. LOAD_THINK_TIME=0 measures what
    # the server can take instead (every user asks again as soon as answered).
    wait_time = between(*think_time())

    def on_start(self):
        self.client.headers["X-Forwarded-Proto"] = "https"
        login = self.client.get(LOGIN[1], name="login page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        self.cookies = {"csrftoken": self._cookie(login, "csrftoken")}
        origin = f"https://{self.host.split('://', 1)[1]}"
        with self.client.post(
            LOGIN[1],
            data={"csrfmiddlewaretoken": token, "username": random.choice(ACCOUNTS), "password": PASSWORD},
            headers={"Cookie": self._cookie_header(), "Referer": origin + LOGIN[1], "Origin": origin},
            allow_redirects=False,
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}, not a redirect")
        if response.status_code != 302:
            raise StopUser
        self.cookies["sessionid"] = self._cookie(response, "sessionid")
        self.client.headers["Cookie"] = self._cookie_header()
        self.sessions = self._ids(SESSION_LIST[1], SESSION_LINK, "session list")
        self.cases = self._ids(CASE_LIST[1], CASE_LINK, "case list")

    @staticmethod
    def _cookie(response, name: str) -> str:
        """A cookie from Set-Cookie: requests keeps Secure cookies but will not send them over plain HTTP."""
        for header in response.raw.headers.getlist("Set-Cookie"):
            if header.startswith(f"{name}="):
                return header.split(";", 1)[0].split("=", 1)[1]
        return ""

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items() if value)

    def _ids(self, path: str, link: str, name: str) -> list[str]:
        page = self.client.get(path, name=name)
        return re.findall(link, page.text) or ["0"]

    @task(2)
    def session_list(self):
        self.client.get(SESSION_LIST[1], name="session list")

    @task(2)
    def session_detail(self):
        pk = random.choice(self.sessions)
        self.client.get(SESSION_DETAIL[1].format(pk=pk), name="session detail")

    @task(3)
    def case_list(self):
        self.client.get(CASE_LIST[1], name="case list")

    @task(2)
    def case_search(self):
        query = quote(random.choice(SEARCHES))
        self.client.get(CASE_SEARCH[1].format(query=query), name="case search")

    @task(3)
    def case_detail(self):
        pk = random.choice(self.cases)
        self.client.get(CASE_DETAIL[1].format(pk=pk), name="case detail")
