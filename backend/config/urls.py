from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404, HttpRequest
from django.urls import URLPattern, URLResolver, include, path, re_path

from strongroom.core import health
from strongroom.core.api_docs import SchemaView, SwaggerView
from strongroom.core.metrics import metrics_view

handler404 = "strongroom.core.errors.not_found_handler"  # the error envelope under /api/

admin.site.site_header = "Strongroom administration"
admin.site.site_title = "Strongroom"


OIDC_CALLBACK_PATH = "/auth/callback"


def spa_index(request: HttpRequest) -> FileResponse:
    """Client-side routes of the SPA get its index.html (nginx does the same in production).

    /auth/callback keeps its opener (Cross-Origin-Opener-Policy unsafe-none): in the window a
    signing form opened to re-authenticate at the identity provider, it hands the provider's
    answer back to that form's window, which a stricter policy would have severed from it.
    """
    index = settings.SPA_DIST_DIR / "index.html"
    if not index.is_file():
        raise Http404("The frontend has not been built (npm run build in frontend/).")
    response = FileResponse(index.open("rb"), content_type="text/html")
    if request.path == OIDC_CALLBACK_PATH:
        response.headers["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


# Django tries these in order, and every app passed over costs its patterns a look (and a copy
# of the list of patterns tried): the busiest come first. No path matches two of them
# (core/tests/test_urls.py), so the order changes nothing else.
api_v1: list[URLPattern | URLResolver] = [
    path("", include("strongroom.requests.urls")),
    path("", include("strongroom.records.urls")),
    path("", include("strongroom.accounts.urls")),
    path("", include("strongroom.compliance.urls")),
    path("", include("strongroom.storage.urls")),
    path("", include("strongroom.disposition.urls")),
    path("", include("strongroom.inventory.urls")),
    path("", include("strongroom.reports.urls")),
    path("", include("strongroom.review.urls")),
    path("", include("strongroom.notifications.urls")),
    path("", include("strongroom.realtime.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="docs"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    re_path(r"^(?!api/|admin/|static/|media/|ws/|metrics$).*$", spa_index, name="spa"),
]
