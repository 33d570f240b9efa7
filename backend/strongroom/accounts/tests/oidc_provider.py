"""The test OpenID Connect provider (scripts/oidc/provider.mjs, the certified oidc-provider
package) run on loopback for the tests, and a browser's part of the trip: follow the
authorization URL to the provider's login page, post the form, and stop at the redirect back to
Strongroom with the code."""

import json
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import requests

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = ROOT / "scripts" / "oidc" / "provider.mjs"
REDIRECT_URI = "http://testserver/auth/callback"
CLIENT_ID = "strongroom-tests"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Provider:
    issuer: str
    client_secret: str
    process: subprocess.Popen[str]
    passwords: dict[str, str] = field(default_factory=dict)

    def account(self, username: str, *, groups: list[str], password: str = "", **extra: Any) -> str:
        """Create or replace an account at the provider; its password."""
        password = password or self.passwords.get(username) or secrets.token_urlsafe(12)
        self.passwords[username] = password
        body = {"password": password, "groups": groups, **extra}
        response = requests.put(f"{self.issuer}/_test/accounts/{username}", json=body, timeout=5)
        response.raise_for_status()
        return password

    def browser_sign_in(
        self, authorization_url: str, username: str, password: str = ""
    ) -> dict[str, str]:
        """What a browser does at the provider: open the URL, fill in the login form, follow the
        redirects until the one back to Strongroom; its query (code and state, or error)."""
        browser = requests.Session()
        response = browser.get(authorization_url, allow_redirects=True, timeout=5)
        assert response.status_code == 200, response.text[:500]
        assert "<form" in response.text, response.text[:500]
        action = response.text.split('action="', 1)[1].split('"', 1)[0]
        response = browser.post(
            urljoin(response.url, action),
            data={"username": username, "password": password or self.passwords[username]},
            allow_redirects=False,
            timeout=5,
        )
        for _ in range(10):
            location = response.headers.get("Location", "")
            if response.status_code not in (302, 303) or not location:
                raise AssertionError(
                    f"the provider stopped at {response.status_code}: {response.text[:300]}"
                )
            target = urljoin(response.url, location)
            if target.startswith(REDIRECT_URI):
                return {k: v[0] for k, v in parse_qs(urlparse(target).query).items()}
            response = browser.get(target, allow_redirects=False, timeout=5)
        raise AssertionError("too many redirects at the provider")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def provider_start(secret: str | None = None) -> Provider:
    node = shutil.which("node")
    if node is None or not (SCRIPT.parent / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError(
            "The test OpenID Connect provider needs node and scripts/oidc/node_modules: "
            "run `make install` (npm ci --prefix scripts/oidc)."
        )
    secret = secret or secrets.token_urlsafe(24)
    # The port is chosen here and bound by node a moment later: another process may take it in
    # between (the suites run side by side). The provider then exits with EADDRINUSE: try again.
    errors = ""
    for _attempt in range(3):
        # A file, not a pipe: nothing reads the provider's error output while it runs.
        errors_file = tempfile.TemporaryFile()  # noqa: SIM115 (the provider keeps writing to it)
        process = subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
            [
                node,
                str(SCRIPT),
                "--port",
                str(_free_port()),
                "--client-id",
                CLIENT_ID,
                # One argument: a secret may start with "-", which node would read as an option.
                f"--client-secret={secret}",
                "--redirect-uri",
                REDIRECT_URI,
            ],
            stdout=subprocess.PIPE,
            stderr=errors_file,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if line.startswith("ready "):
            return Provider(issuer=line.split(" ", 1)[1], client_secret=secret, process=process)
        process.kill()
        process.wait(timeout=5)
        errors_file.seek(0)
        errors = errors_file.read().decode(errors="replace")
        if "EADDRINUSE" not in errors:
            break
    raise RuntimeError(f"the test OpenID Connect provider did not start: {line!r} {errors[-2000:]}")


def as_json(response: Any) -> dict[str, Any]:
    return json.loads(response.content)
