"""A .env.production*.example documents its variables: each VAR=value line has a comment line
directly above it, none is defined twice, every variable of the contract is there, and secrets
hold change-me placeholders, not values.

    PYTHONPATH=scripts python -m deploy_checks.env_example FILE REQUIRED_VARIABLE...

Prints its problems (FAIL lines) or one ok line; exit status 1 if there is a problem."""

from __future__ import annotations

import re
import sys
from pathlib import Path

# Secrets must visibly be something to replace.
PLACEHOLDER_ONLY = (
    "DJANGO_SECRET_KEY",
    "STRONGROOM_JWT_SIGNING_KEY",
    "POSTGRES_PASSWORD",
    "STRONGROOM_DB_APP_PASSWORD",
    "DATABASE_URL",
    "REDIS_PASSWORD",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
)


def env_example_problems(text: str, required: list[str]) -> tuple[dict[str, str], list[str]]:
    """(the variables defined, the problems) of an example file's text."""
    lines = text.splitlines()
    defined: dict[str, str] = {}
    problems = []
    for i, line in enumerate(lines):
        m = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if not m:
            if line.strip() and not line.startswith("#"):
                problems.append(f"line {i + 1} is neither a comment nor VAR=value: {line!r}")
            continue
        name = m.group(1)
        if name in defined:
            problems.append(f"{name} is defined twice")
        defined[name] = m.group(2)
        if i == 0 or not lines[i - 1].startswith("#"):
            problems.append(f"{name} has no comment line directly above it")
    problems += [f"{name} is not documented" for name in required if name not in defined]
    if (
        "DJANGO_SETTINGS_MODULE" in required
        and defined.get("DJANGO_SETTINGS_MODULE") != "config.settings.production"
    ):
        problems.append("DJANGO_SETTINGS_MODULE must be config.settings.production")
    for name in PLACEHOLDER_ONLY:
        if name in defined and "change-me" not in defined[name]:
            problems.append(f"{name} must hold a change-me placeholder, not a value")
    return defined, problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path, required = Path(args[0]), args[1:]
    defined, problems = env_example_problems(path.read_text(), required)
    for problem in problems:
        sys.stdout.write(f"    FAIL  {problem}\n")
    if not problems:
        sys.stdout.write(
            f"    ok    {len(defined)} variables, each with a comment; all {len(required)} "
            "contract variables present\n"
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
