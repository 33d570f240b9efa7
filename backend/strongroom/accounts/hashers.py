"""Password hashers: Argon2id for production (config/settings/base.py), a lighter PBKDF2 for
`make dev` only (config/settings/local.py).

Argon2id at OWASP's parameters (Password Storage Cheat Sheet, "Argon2id": a minimum of 19 MiB of
memory, an iteration count of 2 and 1 degree of parallelism; the sheet lists m=47104 t=1,
m=19456 t=2, m=12288 t=3, m=9216 t=4 and m=7168 t=5, all p=1, as equal defences that trade
memory for CPU). We take m=19456 t=2 p=1: the memory is what makes guessing expensive on GPUs
and ASICs, and at 19 MiB a Daphne process with a few signatures in flight stays small; one
lane because a server verifies many passwords side by side, each on one core. Every
signature re-checks a password (21 CFR 11.200(a)), so the hash sets what a signed action costs:
with PBKDF2 at Django's 1,000,000 iterations a signed action took ~430 ms, nearly all of it the
hash; these parameters cost a fraction of that (docs/SECURITY.md has the figures).

The algorithm name stays ``argon2`` (Django's): a hash made with other Argon2 parameters, or by
PBKDF2, still verifies, and Django rewrites it with these at the next successful check of the
password (a sign-in or a signature), because the first hasher of PASSWORD_HASHERS is the one
new hashes are made with and :meth:`must_update` compares the parameters.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

# OWASP Password Storage Cheat Sheet, Argon2id: m=19456 (19 MiB), t=2, p=1
# (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#argon2id).
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1


class StrongroomArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (Argon2id version 19, Django's random salt of 128 bits or more, a
    32-byte hash) at OWASP's parameters instead of Django's (m=102400, t=2, p=8)."""

    memory_cost = ARGON2_MEMORY_KIB
    time_cost = ARGON2_TIME_COST
    parallelism = ARGON2_PARALLELISM


class DevelopmentPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """`make dev` only: the demo seeding signs about a hundred workflow steps, each re-checking
    a password, and at production cost that alone took a minute. A hash made here is upgraded to
    Argon2id at the next sign-in wherever the production list applies."""

    iterations = 50_000
