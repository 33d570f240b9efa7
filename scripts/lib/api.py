"""The Strongroom HTTP API as the scripts speak it: login and refresh (JWT pair), the error
envelope (lib/envelope.py), signed actions and idempotency keys, and a retrying asynchronous
client with one session per user (the chaos run's clients and subscribers)."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pyotp
from lib.envelope import error_envelope

LOGIN_PATH = "/api/v1/auth/login/"
LOGIN_SECOND_FACTOR_PATH = "/api/v1/auth/login/two-factor/"
ENROLMENT_PATH = "/api/v1/auth/two-factor/enrolment/"
ENROLMENT_CONFIRM_PATH = "/api/v1/auth/two-factor/enrolment/confirm/"
REFRESH_PATH = "/api/v1/auth/refresh/"


class ApiError(Exception):
    """An answer that was not the one wanted: its status (None: no answer) and envelope code."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def error_code(response: httpx.Response) -> str:
    """The envelope's machine-readable code ("" when the answer carries none; never the
    message, which may name what the caller sent)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    code = error_envelope(body).get("code")
    return code if isinstance(code, str) else ""


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def signature(username: str, password: str) -> dict[str, str]:
    """A signature's two components (the first signature of a session names the user too:
    21 CFR 11.200(a))."""
    return {"username": username, "password": password}


def signed_body(
    username: str, password: str, *, version: int | None = None, **fields: Any
) -> dict[str, Any]:
    """The body of a signed action: the request's version (optimistic locking) when given, the
    signature, and the action's own fields."""
    body: dict[str, Any] = {} if version is None else {"version": version}
    return {**body, "signature": signature(username, password), **fields}


def idempotency_key(prefix: str = "script") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Tokens:
    access: str
    refresh: str
    body: dict[str, Any]


def tokens_from(response: httpx.Response, what: str) -> Tokens:
    """The JWT pair of a 200 login or refresh answer; ApiError for anything else."""
    if response.status_code != 200:
        code = error_code(response)
        raise ApiError(
            f"{what}: HTTP {response.status_code}{f' ({code})' if code else ''}",
            status=response.status_code,
            code=code,
        )
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ApiError(f"{what}: HTTP 200 without a JSON body", status=200)
    access = body.get("access") or body.get("access_token") or ""
    if not isinstance(access, str) or not access:
        raise ApiError(f"{what}: HTTP 200 without an access token", status=200)
    return Tokens(access=access, refresh=str(body.get("refresh") or ""), body=body)


def login(client: httpx.Client, username: str, password: str) -> Tokens:
    response = client.post(LOGIN_PATH, json={"username": username, "password": password})
    return tokens_from(response, f"login as {username}")


@dataclass
class Authenticator:
    """A TOTP authenticator as a script holds it (an authenticator app's part): the secret, the
    recovery codes of its enrolment, and the last time step it gave a code for (the server takes
    a code once, so the next sign-in waits for the next 30-second step)."""

    secret: str = ""
    recovery_codes: list[str] = field(default_factory=list)
    last_step: int = 0

    def code(self) -> str:
        totp = pyotp.TOTP(self.secret)
        step = totp.timecode(time.time())
        if step <= self.last_step:
            time.sleep(totp.interval - time.time() % totp.interval + 0.5)
            step = totp.timecode(time.time())
        self.last_step = step
        return totp.generate_otp(step)


def login_with_second_factor(
    client: httpx.Client, username: str, password: str, authenticator: Authenticator
) -> Tokens:
    """Sign in when the password step may ask for a second factor (202): a code from
    ``authenticator``, or, when the role requires two-factor and the user has none, an
    enrolment (the secret and recovery codes are kept in ``authenticator``)."""
    response = client.post(LOGIN_PATH, json={"username": username, "password": password})
    if response.status_code == 202:
        step = response.json()
        challenge = step.get("challenge", "")
        if step.get("two_factor") == "enrol":
            started = client.post(ENROLMENT_PATH, json={"challenge": challenge})
            if started.status_code != 200:
                raise ApiError(
                    f"enrol {username}: HTTP {started.status_code}",
                    status=started.status_code,
                    code=error_code(started),
                )
            authenticator.secret, authenticator.last_step = started.json()["secret"], 0
            response = client.post(
                ENROLMENT_CONFIRM_PATH, json={"challenge": challenge, "code": authenticator.code()}
            )
            if response.status_code == 200:
                authenticator.recovery_codes = list(response.json().get("recovery_codes", []))
        else:
            response = client.post(
                LOGIN_SECOND_FACTOR_PATH,
                json={"challenge": challenge, "code": authenticator.code()},
            )
    return tokens_from(response, f"login as {username}")


def refresh(client: httpx.Client, token: str) -> Tokens:
    return tokens_from(client.post(REFRESH_PATH, json={"refresh": token}), "refresh")


async def login_async(client: httpx.AsyncClient, username: str, password: str) -> Tokens:
    response = await client.post(LOGIN_PATH, json={"username": username, "password": password})
    return tokens_from(response, f"login as {username}")


# One call of RetryingClient.request: its start, its end (time.time()) and its status (None: no
# answer).
CallRecorder = Callable[[float, float, int | None], None]
Post = Callable[[str, dict[str, Any]], Awaitable[httpx.Response | None]]


class Sessions:
    """One session per user (access and refresh token), shared by every client and socket that
    acts as that user: logged in on first use, refreshed (or logged in again) when a call finds
    its access token stale, once however many callers found it so at the same time."""

    def __init__(self, password: str) -> None:
        self.password = password
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.logins = 0
        self.refreshes = 0

    def _lock(self, user: str) -> asyncio.Lock:
        return self.locks.setdefault(user, asyncio.Lock())

    async def token(self, user: str, post: Post) -> str:
        if user in self.access:
            return self.access[user]
        async with self._lock(user):
            if user not in self.access:
                await self._login(user, post)
            return self.access[user]

    async def renew(self, user: str, stale: str, post: Post) -> None:
        async with self._lock(user):
            if self.access.get(user) != stale:
                return  # somebody renewed it already
            token = self.refresh.get(user)
            if token:
                response = await post(REFRESH_PATH, {"refresh": token})
                if response is not None and response.status_code == 200:
                    self.refreshes += 1
                    self._keep(user, tokens_from(response, "refresh"))
                    return
            await self._login(user, post)

    async def _login(self, user: str, post: Post) -> None:
        response = await post(LOGIN_PATH, {"username": user, "password": self.password})
        if response is None:
            raise ApiError(f"login as {user} failed: no answer")
        self.logins += 1
        self._keep(user, tokens_from(response, f"login as {user} failed"))

    def _keep(self, user: str, tokens: Tokens) -> None:
        self.access[user] = tokens.access
        self.refresh[user] = tokens.refresh


class RetryingClient:
    """An httpx.AsyncClient that signs in through ``sessions`` and retries what a restarting
    service answers: connection errors, 5xx and 429 with exponential backoff and jitter (a POST
    again, with the same Idempotency-Key), a 401 once the session is renewed."""

    def __init__(
        self,
        base_url: str,
        sessions: Sessions,
        *,
        seed: str,
        headers: dict[str, str] | None = None,
        verify: bool = False,
        on_call: CallRecorder | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.sessions = sessions
        self.client = httpx.AsyncClient(
            base_url=base_url,
            verify=verify,  # our own throw-away self-signed certificate by default
            trust_env=False,
            timeout=httpx.Timeout(30.0, connect=5.0),
            headers=headers or {},
            transport=transport,
        )
        self.rng = random.Random(seed)  # noqa: S311 (jitter, not secrets)
        self.errors: Counter[str] = Counter()
        self.on_call = on_call

    async def close(self) -> None:
        await self.client.aclose()

    async def post_anonymous(self, path: str, body: dict[str, Any]) -> httpx.Response | None:
        return await self.request("POST", path, user=None, body=body)

    async def token(self, user: str) -> str:
        return await self.sessions.token(user, self.post_anonymous)

    async def renew(self, user: str, stale: str) -> None:
        await self.sessions.renew(user, stale, self.post_anonymous)

    async def request(
        self,
        method: str,
        path: str,
        *,
        user: str | None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        deadline: float = 90.0,
        record: bool = True,
    ) -> httpx.Response | None:
        """The answer (< 500, not 401/429), or None when none came before ``deadline``
        seconds."""
        end = time.monotonic() + deadline
        attempt = 0
        while True:
            sent = dict(headers or {})
            token = ""
            if user is not None:
                token = await self.token(user)
                sent.update(bearer(token))
            start = time.time()
            try:
                response = await self.client.request(method, path, json=body, headers=sent)
            except httpx.HTTPError as exc:
                if record and self.on_call:
                    self.on_call(start, time.time(), None)
                kind = type(exc).__name__
            else:
                if record and self.on_call:
                    self.on_call(start, time.time(), response.status_code)
                if response.status_code == 401 and user is not None:
                    self.errors["401"] += 1
                    await self.renew(user, token)
                    kind = ""
                elif response.status_code == 429 or response.status_code >= 500:
                    kind = str(response.status_code)
                else:
                    return response
            if kind:
                self.errors[kind] += 1
            if time.monotonic() > end:
                return None
            delay = min(2.0, 0.2 * 2**attempt) * (0.5 + self.rng.random() / 2)
            attempt += 1
            await asyncio.sleep(delay)
