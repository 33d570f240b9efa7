from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from strongroom.storage.api import LocationViewSet

router = SimpleRouter()
router.register("locations", LocationViewSet, basename="location")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
