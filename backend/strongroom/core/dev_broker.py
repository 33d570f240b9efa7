"""The file-system Celery broker of `make dev` (config/settings/local.py): kombu's, except that a
message file appears in the broker folder only once it is complete.

kombu's file-system transport creates the message file and writes the message into it afterwards.
A worker that lists the folder in between takes the empty file, cannot decode it and stops
("Unrecoverable error: JSONDecodeError"), which stops `make dev`. It happened within a minute of
requests once the worker polled the folder every 50 ms. Here the message is written under a name
the transport never reads (``….msg.part``) and then renamed into place, which is atomic within a
folder.
"""

import os
import uuid
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    # The signature of kombu's file-system Channel._put, which its stubs mark as overriding the
    # virtual Channel's incompatibly.
    def _put(self, queue: str, payload: dict[str, Any], **kwargs: Any) -> None:  # type: ignore[override]
        # kombu's name: the readers take the files in this (time) order, one queue by its suffix.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        data = str_to_bytes(dumps(payload))
        try:
            with open(f"{path}.part", "wb") as f:
                f.write(data)
            os.replace(f"{path}.part", path)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {path!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
