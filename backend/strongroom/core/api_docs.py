"""The OpenAPI schema and Swagger UI: public only where STRONGROOM_API_DOCS_PUBLIC says so.

In production the schema maps every endpoint, parameter and error code of the API, which is
reconnaissance an anonymous caller has no need for: it answers only a signed-in user there
(``make dev`` and the test suite keep it public; ``npm run gen:api`` reads it from
``manage.py spectacular``, not over HTTP).
"""

from collections.abc import Sequence

from django.conf import settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated


def _docs_permissions() -> Sequence[BasePermission]:
    if settings.STRONGROOM_API_DOCS_PUBLIC:
        return [AllowAny()]
    return [IsAuthenticated()]


class SchemaView(SpectacularAPIView):
    def get_permissions(self) -> Sequence[BasePermission]:
        return _docs_permissions()


class SwaggerView(SpectacularSwaggerView):
    def get_permissions(self) -> Sequence[BasePermission]:
        return _docs_permissions()
