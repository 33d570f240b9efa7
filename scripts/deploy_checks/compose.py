"""docker-compose.production.yml: the stack's own rules (services, one Beat, health checks, no
source bind mounts, limits, which container receives which secrets, ...).

    PYTHONPATH=scripts python -m deploy_checks.compose docker-compose.production.yml

Run by scripts/check_deploy_configs.sh in check-jsonschema's virtualenv, whose ruamel.yaml reads
the file. Prints ok/FAIL per rule; exit status 1 if any fails."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from typing import Any

ROLES_SCRIPT = "./deploy/postgres/initdb/10-strongroom-roles.sh"


# Each container gets only the secrets it needs: what postgres, redis and nginx receive (their
# env_files, read from the committed *.example beside each, and their environment) is checked
# against what each of them uses; the application's secrets never reach them.
def received(compose_file: Path, services: dict[str, Any], name: str) -> dict[str, str]:
    svc = services.get(name, {})
    files = svc.get("env_file") or []
    keys: dict[str, str] = {}
    for entry in [files] if isinstance(files, str) else files:
        f = entry if isinstance(entry, str) else str(entry.get("path", ""))
        example = compose_file.parent / f"{f}.example"
        for line in example.read_text().splitlines() if example.is_file() else [f"?{f}"]:
            m = re.match(r"^([A-Z][A-Z0-9_]*)=", line)
            if m:
                keys[m.group(1)] = f
            elif line.startswith("?"):
                keys[line] = f
    env = svc.get("environment") or {}
    for k in env.keys() if isinstance(env, dict) else [e.split("=")[0] for e in env]:
        keys[k] = "environment"
    return keys


def compose_rules(compose_file: Path) -> tuple[list[str], list[str]]:
    """(rules that hold, rules that do not) of the Compose file."""
    yaml: Any = importlib.import_module("ruamel.yaml")
    doc: dict[str, Any] = yaml.YAML(typ="safe").load(compose_file.read_text())
    services: dict[str, Any] = doc.get("services", {})
    problems: list[str] = []
    checked: list[str] = []

    def rule(ok: object, text: str) -> None:
        (checked if ok else problems).append(text)

    expected = {"postgres", "redis", "migrate", "backend", "worker", "beat", "nginx"}
    rule(
        set(services) == expected,
        f"services are exactly {sorted(expected)} (found {sorted(services)})",
    )
    app = ["migrate", "backend", "worker", "beat"]

    for name, svc in services.items():
        # ports: only nginx is reachable from outside
        if name == "nginx":
            ports = [str(p) for p in svc.get("ports", [])]
            rule(ports == ["80:80", "443:443"], "nginx publishes 80 and 443")
        else:
            rule(not svc.get("ports"), f"{name} publishes no ports")
        # restart policy
        want = "no" if name == "migrate" else "unless-stopped"
        rule(str(svc.get("restart")) == want, f"{name} restart: {want}")
        # resource limits
        limits = (svc.get("deploy") or {}).get("resources", {}).get("limits", {})
        rule("cpus" in limits and "memory" in limits, f"{name} has cpu and memory limits")
        # no source bind mounts; secrets only via env_file
        for vol in svc.get("volumes", []):
            source = vol.split(":")[0] if isinstance(vol, str) else str(vol.get("source", ""))
            if source.startswith((".", "/", "~")):
                rule(
                    (name == "nginx" and source in ("./nginx/certs", "./nginx/acme"))
                    or (name == "postgres" and source == ROLES_SCRIPT and str(vol).endswith(":ro")),
                    f"{name} bind mount {source} is only certificates, the ACME webroot or the "
                    "database roles script (read-only)",
                )
        env = svc.get("environment") or {}
        keys = env.keys() if isinstance(env, dict) else [e.split("=")[0] for e in env]
        secret = [k for k in keys if re.search(r"SECRET|PASSWORD|TOKEN|KEY|_URL", k)]
        rule(not secret, f"{name} sets no secrets inline (found {secret})")
        # third-party images pinned to a tag
        if "build" not in svc:
            image = svc.get("image", "")
            tag = image.rsplit(":", 1)[1] if ":" in image else ""
            rule(tag not in ("", "latest"), f"{name} image {image!r} is pinned to a tag")

    for name in app:
        rule(
            ".env.production" in (services.get(name, {}).get("env_file") or []),
            f"{name} reads env_file .env.production",
        )

    allowed = {
        "postgres": {
            "POSTGRES_DB",
            "POSTGRES_USER",
            "POSTGRES_PASSWORD",
            "STRONGROOM_DB_APP_ROLE",
            "STRONGROOM_DB_APP_PASSWORD",
            "DATABASE_URL",
        },
        "redis": {"REDIS_PASSWORD"},
        "nginx": set(),
    }
    app_secrets = {
        "DJANGO_SECRET_KEY",
        "STRONGROOM_JWT_SIGNING_KEY",
        "STRONGROOM_AUDIT_SIGNING_KEY",
        "STRONGROOM_ADMIN_PASSWORD",
        "EMAIL_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "CACHE_URL",
    }
    for name, ok_keys in allowed.items():
        given = received(compose_file, services, name)
        extra = sorted(k for k in given if k not in ok_keys)
        leaked = sorted(k for k in given if k in app_secrets)
        rule(
            not extra and not leaked,
            f"{name} receives only {sorted(ok_keys) or 'no variables'}"
            + (f" — also {', '.join(f'{k} ({given[k]})' for k in extra)}" if extra else ""),
        )
        rule(
            ".env.production" not in (services.get(name, {}).get("env_file") or []),
            f"{name} does not read .env.production (DJANGO_SECRET_KEY and the other app secrets)",
        )
    # The database owner's credentials reach postgres and migrate only, after .env.production (the
    # later file wins: migrate's DATABASE_URL is the owner's); the serving processes never see them.
    for name in ["postgres", "migrate"]:
        files = services.get(name, {}).get("env_file") or []
        rule(files[-1:] == [".env.production.owner"], f"{name} reads .env.production.owner last")
    for name in ["backend", "worker", "beat"]:
        files = services.get(name, {}).get("env_file") or []
        rule(".env.production.owner" not in files, f"{name} does not read .env.production.owner")
    # A read-only bind mount, not `configs:` (which Compose 1.29 ignores without swarm).
    rule(
        any(
            str(v).startswith(f"{ROLES_SCRIPT}:/docker-entrypoint-initdb.d/")
            and str(v).endswith(":ro")
            for v in services["postgres"].get("volumes", [])
        ),
        f"postgres runs the roles script {ROLES_SCRIPT} from /docker-entrypoint-initdb.d "
        "(read-only bind mount)",
    )
    # What Compose 1.29 (Debian's docker-compose) rejects or ignores: the file runs on both.
    rule("name" not in doc, "no top-level name: (Compose 1.29 rejects it)")
    rule("configs" not in doc, "no configs: (Compose 1.29 ignores them without swarm)")
    rule(
        not any(
            isinstance(dep, dict) and "restart" in dep
            for svc in services.values()
            for dep in (svc.get("depends_on") or {}).values()
            if isinstance(svc.get("depends_on"), dict)
        ),
        "no restart: under depends_on (Compose 1.29 rejects it)",
    )
    for name in app:
        svc = services.get(name, {})
        rule(svc.get("build", {}).get("context") == "./backend", f"{name} builds from ./backend")
        rule(
            svc.get("command") == [name if name != "backend" else "web"],
            f"{name} runs its entrypoint command",
        )
    for name in ["backend", "worker", "beat"]:
        dep = (services.get(name, {}).get("depends_on") or {}).get("migrate", {})
        rule(
            dep.get("condition") == "service_completed_successfully",
            f"{name} waits for migrate to complete",
        )
    dep = services.get("migrate", {}).get("depends_on") or {}
    rule(
        all(dep.get(s, {}).get("condition") == "service_healthy" for s in ("postgres", "redis")),
        "migrate waits for healthy postgres and redis",
    )

    for name in ["postgres", "redis", "backend", "nginx"]:
        rule(
            "test" in (services.get(name, {}).get("healthcheck") or {}),
            f"{name} has a health check",
        )
    rule(
        "pg_isready" in str(services["postgres"]["healthcheck"]["test"]),
        "postgres health check is pg_isready",
    )
    redis_health = str(services["redis"]["healthcheck"]["test"])
    rule(
        "ping" in redis_health and "REDISCLI_AUTH" in redis_health,
        "redis health check is an authenticated redis-cli ping",
    )
    rule(
        "/readyz" in str(services["backend"]["healthcheck"]["test"]),
        "backend health check uses /readyz",
    )

    backend_replicas = (services["backend"].get("deploy") or {}).get("replicas", 1)
    rule(backend_replicas >= 2, f"backend runs {backend_replicas} replicas (>= 2)")
    beat_replicas = (services["beat"].get("deploy") or {}).get("replicas", 1)
    rule(beat_replicas == 1 and "scale" not in services["beat"], "beat runs exactly one replica")
    ndep = services["nginx"].get("depends_on") or {}
    rule(
        ndep.get("backend", {}).get("condition") == "service_healthy",
        "nginx waits for a healthy backend",
    )

    redis_cmd = " ".join(str(c) for c in services["redis"].get("command", []))
    rule("--appendonly yes" in redis_cmd, "redis has AOF on")
    rule(
        "requirepass $${REDIS_PASSWORD}" in redis_cmd and "REDIS_PASSWORD:?" in redis_cmd,
        "redis requires a password (requirepass from REDIS_PASSWORD, which must be set)",
    )
    rule(
        ".env.production.redis" in (services["redis"].get("env_file") or []),
        "redis reads its password from .env.production.redis",
    )
    rule("--maxmemory-policy noeviction" in redis_cmd, "redis maxmemory-policy is noeviction")

    named = set((doc.get("volumes") or {}).keys())
    rule(
        {"postgres_data", "redis_data", "static_files", "media_files"} <= named,
        "named volumes declared",
    )
    nvols = [str(v) for v in services["nginx"].get("volumes", [])]
    rule(
        any(v.startswith("static_files:") and v.endswith(":ro") for v in nvols),
        "nginx mounts static read-only",
    )
    rule(
        any(v.startswith("media_files:") and v.endswith(":ro") for v in nvols),
        "nginx mounts media read-only",
    )
    return checked, problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    checked, problems = compose_rules(Path(args[0]))
    for text in checked:
        sys.stdout.write(f"    ok    {text}\n")
    for text in problems:
        sys.stdout.write(f"    FAIL  {text}\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
