"""The Redis Celery broker: kombu's, except that a worker survives the broker restarting.

With Celery 5.7.0 and kombu 5.7.0, a worker that loses its Redis connection while it holds an
unacknowledged message (with ``acks_late`` and a task running, nearly always) stops with
"Unrecoverable error: AttributeError: 'NoneType' object has no attribute 'hostname'" instead of
reconnecting. The consumer first *collects* the broken connection — kombu closes its channel, the
close fails on the dead socket, and the transport forgets its connection settings — and then
*closes* it: the channel's close runs again and, to give back the unacknowledged message, asks the
transport where Redis is, which it no longer knows. The AttributeError is not a connection error,
so nothing catches it and the worker exits. ``scripts/chaos`` found it: after a Redis restart no
notification was made until the worker was restarted.

Here that question is answered with the connection error it really is, which the consumer ignores
while it closes the broken connection, and then it reconnects. The message it held stays in
Redis's unacknowledged set and is delivered again after the visibility timeout (and the task
outbox, strongroom.core.task_queue, sends its task again if not); tasks are idempotent.
"""

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:
            raise RedisConnectionError(
                "the broker connection was collected after a connection error; reconnecting"
            )
        # kombu-stubs leave the private method out.
        params: dict[str, Any] = super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]
        return params


class Transport(kombu_redis.Transport):
    Channel = Channel
