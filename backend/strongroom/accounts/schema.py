"""OpenAPI description of the project's JWT authentication (bearer access tokens)."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class StrongroomJWTScheme(SimpleJWTScheme):
    target_class = "strongroom.accounts.tokens.StrongroomJWTAuthentication"
    name = "jwtAuth"
