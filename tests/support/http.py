"""A minimal browser for web servers the tests start in other processes: cookies, CSRF, no redirects followed."""

import http.client
import secrets
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    """Requests to 127.0.0.1:`port` as the site `host`, keeping the cookies the server sets.

    `timeout` bounds every socket operation, so a server that hangs fails the request instead of the test run.
    """

    port: int
    host: str
    timeout: float = 30
    cookies: dict[str, str] = field(default_factory=dict)

    def with_csrf(self) -> "Browser":
        """Carry a CSRF cookie and send it back in the header, as the portal's pages and htmx do."""
        self.cookies["csrftoken"] = secrets.token_hex(16)  # 32 characters: Django compares it to the header as is
        return self

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict[str, str | int]) -> Answer:
        return self.request("POST", path, urllib.parse.urlencode(form).encode())

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        headers = {
            "Host": self.host,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, dict(response.headers), text)
