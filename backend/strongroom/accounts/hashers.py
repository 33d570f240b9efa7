"""A lighter PBKDF2 for `make dev` only (see config/settings/local.py).

The demo seeding signs about a hundred workflow steps, each re-checking a password: at Django's
production cost (1,000,000 iterations, ~0.45 s here) that alone took a minute. Production keeps
Django's default hasher; a hash made here is upgraded by Django at the next sign-in wherever the
default applies.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class DevelopmentPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 50_000
