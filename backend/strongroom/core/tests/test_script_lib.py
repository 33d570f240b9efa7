"""scripts/lib: the statistics, the API client's envelope and session handling, and the deployment
checks shared by scripts/check_deploy_configs.sh and scripts/check_production_topology.py."""

import asyncio
import json
from types import ModuleType

import httpx
import pytest

from strongroom.core.testing import script_module


@pytest.fixture(scope="module")
def stats() -> ModuleType:
    return script_module("lib.stats")


@pytest.fixture(scope="module")
def api() -> ModuleType:
    return script_module("lib.api")


@pytest.fixture(scope="module")
def deploy_checks() -> ModuleType:
    return script_module("lib.deploy_checks")


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [(0.0, 1.0), (0.1, 1.0), (0.5, 5.0), (0.9, 9.0), (0.95, 10.0), (0.99, 10.0), (1.0, 10.0)],
)
def test_percentile_is_the_nearest_rank(
    stats: ModuleType, fraction: float, expected: float
) -> None:
    values = [7.0, 3.0, 10.0, 1.0, 9.0, 2.0, 8.0, 4.0, 6.0, 5.0]  # 1..10, unsorted
    assert stats.percentile(values, fraction) == expected


def test_percentile_of_nothing_is_none_and_a_fraction_outside_0_1_is_refused(
    stats: ModuleType,
) -> None:
    assert stats.percentile([], 0.5) is None
    with pytest.raises(ValueError, match="not within"):
        stats.percentile([1.0], 95)


def test_latency_summary_in_milliseconds(stats: ModuleType) -> None:
    summary = stats.latency_ms([0.004, 0.001, 0.002, 0.003])
    assert summary == {"p50": 2.0, "p95": 4.0, "p99": 4.0, "max": 4.0, "mean": 2.5}
    assert stats.latency_ms([]) == dict.fromkeys(("p50", "p95", "p99", "max", "mean"))


def test_outcomes_summary_counts_successes_and_failures(stats: ModuleType) -> None:
    one = stats.Outcomes("GET /a", latencies=[0.010, 0.030])
    one.errors["HTTP 503"] += 2
    total = stats.Outcomes("all")
    total.merge(one)
    summary = total.summary(elapsed=2.0)
    assert summary["requests"] == 4
    assert summary["success_rate"] == 0.5
    assert summary["throughput_rps"] == 1.0
    assert summary["latency_ms"]["p50"] == 10.0
    assert summary["error_kinds"] == {"HTTP 503": 2}


def test_error_code_reads_the_envelope_only(api: ModuleType) -> None:
    envelope = httpx.Response(409, json={"error": {"code": "stale_version", "message": "x"}})
    assert api.error_code(envelope) == "stale_version"
    assert api.error_code(httpx.Response(409, json={"code": "not_the_envelope"})) == ""
    assert api.error_code(httpx.Response(502, text="<html>Bad Gateway</html>")) == ""


def test_login_answers_without_a_token_are_api_errors(api: ModuleType) -> None:
    refused = httpx.Response(401, json={"error": {"code": "invalid_credentials"}})
    with pytest.raises(api.ApiError) as caught:
        api.tokens_from(refused, "login as x")
    assert (caught.value.status, caught.value.code) == (401, "invalid_credentials")
    with pytest.raises(api.ApiError, match="without an access token"):
        api.tokens_from(httpx.Response(200, json={"refresh": "r"}), "login as x")


def test_a_signed_action_carries_version_signature_and_fields(api: ModuleType) -> None:
    body = api.signed_body("approver", "pw", version=3, reason="ok")
    assert body == {
        "version": 3,
        "signature": {"username": "approver", "password": "pw"},
        "reason": "ok",
    }


class FakeApi:
    """A tiny API: login hands out numbered tokens, refresh renews them, /thing accepts only the
    latest access token."""

    def __init__(self, refresh_works: bool = True) -> None:
        self.refresh_works = refresh_works
        self.issued = 0
        self.valid = ""
        self.calls: list[str] = []

    def _pair(self) -> httpx.Response:
        self.issued += 1
        self.valid = f"access-{self.issued}"
        return httpx.Response(200, json={"access": self.valid, "refresh": f"refresh-{self.issued}"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.url.path)
        if request.url.path == "/api/v1/auth/login/":
            return self._pair()
        if request.url.path == "/api/v1/auth/refresh/":
            if self.refresh_works and json.loads(request.content)["refresh"] == (
                f"refresh-{self.issued}"
            ):
                return self._pair()
            return httpx.Response(401, json={"error": {"code": "token_not_valid"}})
        if request.headers.get("Authorization") != f"Bearer {self.valid}":
            return httpx.Response(401, json={"error": {"code": "not_authenticated"}})
        return httpx.Response(200, json={"ok": True})


def _client(api: ModuleType, fake: FakeApi, sessions: object) -> object:
    return api.RetryingClient(
        "http://fake", sessions, seed="test", transport=httpx.MockTransport(fake)
    )


def test_a_stale_token_is_refreshed_once_for_every_caller(api: ModuleType) -> None:
    fake = FakeApi()
    sessions = api.Sessions("pw")

    async def scenario() -> list[int]:
        client = _client(api, fake, sessions)
        try:
            first = await client.request("GET", "/thing", user="u1")
            fake.valid = "rotated-by-the-server"  # every token in hand is now stale
            answers = await asyncio.gather(
                *(client.request("GET", "/thing", user="u1") for _ in range(3))
            )
            return [first.status_code, *(a.status_code for a in answers)]
        finally:
            await client.close()

    assert asyncio.run(scenario()) == [200, 200, 200, 200]
    assert fake.calls.count("/api/v1/auth/login/") == 1
    assert fake.calls.count("/api/v1/auth/refresh/") == 1
    assert (sessions.logins, sessions.refreshes) == (1, 1)


def test_a_refused_refresh_falls_back_to_logging_in_again(api: ModuleType) -> None:
    fake = FakeApi(refresh_works=False)
    sessions = api.Sessions("pw")

    async def scenario() -> int:
        client = _client(api, fake, sessions)
        try:
            await client.request("GET", "/thing", user="u1")
            fake.valid = "rotated-by-the-server"
            answer = await client.request("GET", "/thing", user="u1")
            return int(answer.status_code)
        finally:
            await client.close()

    assert asyncio.run(scenario()) == 200
    assert fake.calls.count("/api/v1/auth/refresh/") == 1
    assert fake.calls.count("/api/v1/auth/login/") == 2


def test_security_headers_must_each_be_there_once(deploy_checks: ModuleType) -> None:
    good = {
        "strict-transport-security": ["max-age=31536000; includeSubDomains"],
        "x-content-type-options": ["nosniff"],
        "x-frame-options": ["DENY"],
        "referrer-policy": ["strict-origin-when-cross-origin"],
        "content-security-policy": ["default-src 'self'"],
    }
    assert deploy_checks.security_header_problems(lambda name: good.get(name, [])) == []
    twice = {**good, "x-frame-options": ["DENY", "SAMEORIGIN"]}
    (problem,) = deploy_checks.security_header_problems(lambda name: twice.get(name, []))
    assert problem.startswith("x-frame-options")


def test_a_429_must_be_the_throttled_envelope(deploy_checks: ModuleType) -> None:
    rid = "0123456789abcdef0123456789abcdef"
    body = json.dumps({"error": {"code": "throttled", "request_id": rid}})
    assert deploy_checks.throttled_problems("application/json", body, request_id=rid) == []
    assert deploy_checks.throttled_problems("text/html", "<h1>429</h1>") == [
        "Content-Type text/html",
        "code None",
        "request_id '' (header None)",
    ]


def test_a_jwt_signature_alone_counts_as_a_leak(deploy_checks: ModuleType) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnopqrstuvwxyz0123"
    assert deploy_checks.leaked({"a token": token}, "... abcdefghijklmnopqrstuvwxyz0123 ...") == [
        "a token"
    ]
    assert deploy_checks.leaked({"a token": token}, "nothing here") == []
