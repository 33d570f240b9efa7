"""Helpers for the real-time tests: units, users, tokens and socket clients."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from strongroom.accounts import roles
from strongroom.accounts.models import Unit, User
from strongroom.accounts.tests.factories import DepartmentFactory, UnitFactory, UserFactory
from strongroom.accounts.tokens import session_tokens_issue
from strongroom.records.models import Crate
from strongroom.records.tests.factories import CrateFactory

ORIGIN = (b"origin", b"http://localhost")
WS_PATH = "/ws/v1/events/"


def access_token(user: User, lifetime: timedelta | None = None) -> tuple[str, str]:
    """A fresh session for ``user``: (access token, session id)."""
    refresh = session_tokens_issue(user)
    access = refresh.access_token
    if lifetime is not None:
        access.set_exp(lifetime=lifetime)
    return str(access), str(refresh["sid"])


def make_user(*units: Unit, role: str = roles.VIEWER, **kwargs: Any) -> User:
    return UserFactory(role_name=role, units=list(units), **kwargs)


def make_crate(unit: Unit, **kwargs: Any) -> Crate:
    creator = User.objects.filter(is_active=True).first() or make_user(unit)
    return CrateFactory(
        unit=unit, department=DepartmentFactory(unit=unit), created_by=creator, **kwargs
    )


async def adb(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run an ORM-using function from async test code (and let its on_commit hooks run)."""
    return await database_sync_to_async(function)(*args, **kwargs)


class Client:
    """A WebsocketCommunicator on the project's ASGI application, with the protocol's steps."""

    def __init__(self, origin: tuple[bytes, bytes] = ORIGIN) -> None:
        from config.asgi import application

        self.communicator = WebsocketCommunicator(application, WS_PATH, headers=[origin])

    async def connect(self) -> bool:
        connected, _ = await self.communicator.connect(timeout=3)
        return connected

    async def send(self, message: dict[str, Any]) -> None:
        await self.communicator.send_to(text_data=json.dumps(message))

    async def auth(
        self, token: str, last_event_id: int | None = None, recent_event_ids: Any = None
    ) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "auth", "token": token}
        if last_event_id is not None:
            message["last_event_id"] = last_event_id
        if recent_event_ids is not None:
            message["recent_event_ids"] = recent_event_ids
        await self.send(message)
        return await self.receive()

    async def receive(self, timeout: float = 3) -> dict[str, Any]:
        output = await self.communicator.receive_output(timeout)
        if output["type"] == "websocket.close":
            return {"type": "closed", "code": output.get("code")}
        return json.loads(output["text"])

    async def closed_with(self, timeout: float = 3) -> int | None:
        while True:
            message = await self.receive(timeout)
            if message["type"] == "closed":
                return message["code"]

    async def events(self, count: int, timeout: float = 3) -> list[dict[str, Any]]:
        return [await self.receive(timeout) for _ in range(count)]

    async def nothing(self, timeout: float = 0.4) -> bool:
        return await self.communicator.receive_nothing(timeout=timeout)

    async def disconnect(self) -> None:
        await self.communicator.disconnect()


@pytest.fixture
async def clients() -> AsyncIterator[Callable[..., Client]]:
    """Make clients; every one is disconnected at the end of the test."""
    made: list[Client] = []

    def make(**kwargs: Any) -> Client:
        client = Client(**kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        # Already closed by the server, or timed out and cancelled by the communicator.
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(client.disconnect(), 3)


@pytest.fixture
def units(roles_synced: None) -> dict[str, Unit]:
    return {code: UnitFactory(code=code) for code in ("GOA1", "MUM1")}
