"""ASGI entry point, served by Daphne: HTTP goes to Django, WebSockets to Channels."""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

# Django must be set up before anything imports models (the consumers do).
django.setup(set_prefix=False)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from strongroom.core.http_handler import PooledHTTPHandler  # noqa: E402
from strongroom.realtime.routing import websocket_urlpatterns  # noqa: E402

# HTTP: Django's synchronous chain, in one hop to a fixed pool of threads (http_handler.py).
django_http_app = PooledHTTPHandler(threads=settings.STRONGROOM_HTTP_THREADS)

# A Daphne process holds thousands of sockets, each a few hundred long-lived objects. With the
# default gen-0 threshold (700 allocations) the cyclic GC keeps walking that heap, and the CPU
# per accepted socket grew from 5.8 to 7.7 ms between 1,000 and 5,000 held sockets; with the
# settings below it stayed at about 6 ms (scripts/bench_ws.py, 2026-11-23). Objects that live as
# long as the process (Django, the URL conf, the app registry) are frozen out of collection.
if settings.STRONGROOM_WS_GC_TUNING:
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)

application = ProtocolTypeRouter(
    {
        "http": django_http_app,
        "websocket": OriginValidator(
            URLRouter(websocket_urlpatterns), settings.STRONGROOM_WS_ALLOWED_ORIGINS
        ),
    }
)
