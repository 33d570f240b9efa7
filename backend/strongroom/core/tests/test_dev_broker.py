"""The file-system broker of `make dev` (strongroom.core.dev_broker): a reader polling the folder
while a message is being put never takes it half-written."""

from collections.abc import Iterator
from pathlib import Path
from queue import Empty
from typing import Any

import pytest
from kombu import Connection

from strongroom.core.dev_broker import Channel


@pytest.fixture
def folder_channels(tmp_path: Path) -> Iterator[tuple[Channel, Channel]]:
    options = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
        "control_folder": str(tmp_path / "control"),
    }
    connections = [
        Connection(
            "filesystem://",
            transport="strongroom.core.dev_broker:Transport",
            transport_options=options,
        )
        for _ in range(2)
    ]
    channels = []
    for connection in connections:
        channel = connection.default_channel
        assert isinstance(channel, Channel)
        channels.append(channel)
    yield channels[0], channels[1]
    for c in connections:
        c.release()


def test_a_message_being_put_is_not_visible_until_complete(
    folder_channels: tuple[Channel, Channel],
) -> None:
    writer, reader = folder_channels
    seen: list[Any] = []

    class PollsWhileSerialised:
        """Serialised inside the put: the reader polls the folder at that moment."""

        def __json__(self) -> str:
            try:
                seen.append(reader._get("default"))
            except Empty:
                seen.append("empty")
            return "value"

    writer._put("default", {"body": PollsWhileSerialised(), "n": 1})
    assert seen == ["empty"]
    assert reader._get("default") == {"body": "value", "n": 1}
    with pytest.raises(Empty):
        reader._get("default")
