from django.urls import include, path
from rest_framework.routers import SimpleRouter

from strongroom.requests import api

router = SimpleRouter()
router.register("requests", api.RequestViewSet, basename="request")

urlpatterns = [path("", include(router.urls))]
