#!/usr/bin/env python3
"""The Docker Compose production stack, run for real (`make test-compose`; started by
scripts/check_compose_stack.sh, which provides the private dockerd and the stand-in base images).

    backend/.venv/bin/python scripts/check_compose_stack.py --repo . --work DIR [--from TAG]

1. The working tree, installed in DIR/strongroom as PRODUCTION_DEPLOYMENT.md installs a release
   (sections 3-6): .env.production* from the examples with generated secrets, a self-signed
   certificate (scripts/make_cert.sh), `docker-compose build`, `docker-compose up -d`. Then,
   through nginx's published port 443, each a named check (PASS/FAIL):
   services healthy; migrate completed before the backends, worker and Beat started and ran
   migrate, collectstatic and initial_setup; the first administrator signs in over HTTPS and
   changes the password, creates a unit, a department and two users (who sign in with their
   one-time passwords and change them); the Document Manager raises a storage request; TLS,
   http -> https, /healthz, /readyz, the SPA and its assets, static files (by nginx itself);
   two wss:// sockets, one on each backend replica, receive the Approver's approval and the
   worker's notification; the worker runs tasks and one Beat sends a periodic task once per
   interval; containers run as non-root (the application's with every capability dropped);
   the backend's and nginx's logs are JSON with shared request ids, and no container's log
   holds a token, password or key; scripts/backup.sh --compose, then the restore of section 8
   (volumes removed, scripts/restore.sh --compose, which verifies the audit chain); down && up
   keeps the data. The stack and its volumes are removed.
2. With --from TAG, the upgrade of section 9: the release TAG (git archive) installed and
   started on new volumes, data put in (users, an approved request, signatures), a backup, then
   the working tree's files, `docker-compose build`, `docker-compose up -d`: the data, the audit
   chain and the sessions (an access and a refresh token from before) survive; then the rollback
   (TAG's files and its kept images, and the backup taken before the upgrade restored into
   empty volumes: the working tree's migrations and its Argon2id password hashes are not
   readable by TAG).

Exit status 1 if any check failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compose_check.checks import Checks, Person, Report
from compose_check.stack import Stack, StackError, say, source_tree
from lib import api

CURRENT = "current"  # STRONGROOM_IMAGE_TAG of the working tree's images


def start(stack: Stack, report: Report, what: str) -> None:
    report.section(f"{what}: build, configure, up (STRONGROOM_IMAGE_TAG={stack.tag})")
    seconds = stack.build()
    say(f"docker-compose build: {seconds:.0f} s")
    began = time.monotonic()
    stack.up()
    stack.wait_ready()
    say(f"docker-compose up -d, then every service healthy: {time.monotonic() - began:.0f} s")


def fresh(stack: Stack, report: Report, work: Path) -> None:
    start(stack, report, "the working tree")
    checks = Checks(stack, report)
    checks.check_services()
    with checks.client() as client:
        report.section("the first administrator, two users and a request, over HTTPS")
        world = checks.first_admin(client)
        checks.populate(client, world)
        checks.check_edge(client)
        checks.check_realtime(world)
        checks.check_celery()
        checks.check_containers()
        checks.check_logs()
        checks.check_backup_restore(world, work / "backups")
        checks.check_restart(world)
    stack.down(volumes=True)


def upgrade(stack: Stack, report: Report, work: Path, tag: str, current: Path) -> None:
    previous = source_tree(stack.repo, tag, work / f"src-{tag}")
    stack.checkout(previous)
    stack.tag = tag
    stack.configure()  # new secrets: the volumes are new
    if stack.compose("config", "-q", check=False).returncode != 0:
        # Compose 1.29 cannot read that release's file: the working tree's, with its images.
        (stack.dir / "docker-compose.production.yml").write_text(
            (current / "docker-compose.production.yml").read_text()
        )
        say(
            f"{tag}'s docker-compose.production.yml does not run on Compose 1.29: the working "
            "tree's is used with its images"
        )
    start(stack, report, f"upgrade, part 1: release {tag} on new volumes")
    checks = Checks(stack, report)
    with checks.client() as client:
        report.section(f"data at {tag}")
        world = checks.first_admin(client, two_factor=False)  # before two-factor sign-in
        checks.populate(client, world)
        checks.approve(world)
        requester = world.requester
        assert requester is not None
        session = Person(requester.username, requester.password)
        checks.login(client, session)  # a session to survive the upgrade
        before = checks.counts()
        checks.check_audit_chain(f"at {tag}")
        report.section("upgrade, part 2: PRODUCTION_DEPLOYMENT.md section 9")
        at_backup = checks.counts()
        code, out = stack.run_script(
            "backup.sh", "--compose", "--dir", str(work / "backups-upgrade")
        )
        checks.check(
            "step 2: a backup before the upgrade",
            code == 0,
            f"exit {code}" + ("" if code == 0 else f": {out[-800:]}"),
        )
        # Step 3: `git checkout <new-release-tag>`, build, up -d (the env files and the
        # certificates stay in the installation directory).
        stack.checkout(current)
        stack.tag = CURRENT
        start(stack, report, "step 3: the working tree's files and images")
        images = {c.image for c in stack.containers() if c.service in ("backend", "nginx")}
        checks.check(
            "the backend and nginx run the new images",
            images == {f"strongroom-backend:{CURRENT}", f"strongroom-nginx:{CURRENT}"},
            str(sorted(images)),
        )
        after = checks.counts()
        checks.check(
            "the data survives the upgrade",
            all(after[k] >= v for k, v in before.items()),
            f"before {before}, after {after}",
        )
    with checks.client() as client:  # nginx was recreated
        r = client.get("/api/v1/auth/me/", headers=api.bearer(session.access))
        checks.check(
            "a session from before the upgrade: its access token still works",
            r.status_code == 200 and r.json().get("username") == session.username,
            f"HTTP {r.status_code}",
        )
        r = client.post(api.REFRESH_PATH, json={"refresh": session.refresh})
        if r.status_code == 200:
            checks.secret("the refreshed access token", r.json().get("access", ""))
            checks.secret("the rotated refresh token", r.json().get("refresh", ""))
        checks.check("  ... and its refresh token", r.status_code == 200, f"HTTP {r.status_code}")
        checks.check_world(world, "after the upgrade")
        # Rolling back: the previous release's files and its images, kept under their tag.
        report.section(f"rollback to {tag} (section 9, Rolling back)")
        stack.checkout(previous)
        if stack.compose("config", "-q", check=False).returncode != 0:
            (stack.dir / "docker-compose.production.yml").write_text(
                (current / "docker-compose.production.yml").read_text()
            )
        stack.tag = tag
        # The working tree has migrations and rewrites password hashes as Argon2id at sign-in,
        # which TAG cannot read: the rollback restores the backup of step 2 (section 9).
        backups = sorted(
            p for p in (work / "backups-upgrade").iterdir() if p.name.startswith("strongroom-")
        )
        began = time.monotonic()
        checks.restore_production(
            backups[-1], f"rollback: {tag}'s restore.sh --compose puts back the step 2 backup"
        )
        say(f"rollback with the kept {tag} images and the backup: {time.monotonic() - began:.0f} s")
        images = {c.image for c in stack.containers() if c.service in ("backend", "nginx")}
        checks.check(
            f"the backend and nginx run the {tag} images again",
            images == {f"strongroom-backend:{tag}", f"strongroom-nginx:{tag}"},
            str(sorted(images)),
        )
        restored = checks.counts()
        checks.check(
            "after the rollback the database is the one backed up before the upgrade",
            restored == at_backup,
            f"at the backup {at_backup}, after the rollback {restored}",
        )
        checks.check_world(world, "after the rollback")
    stack.down(volumes=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", type=Path, required=True, help="the repository")
    parser.add_argument("--work", type=Path, required=True, help="an empty working directory")
    parser.add_argument("--from", dest="from_tag", help="the release to upgrade from")
    args = parser.parse_args(argv)
    repo, work = args.repo.resolve(), args.work.resolve()
    work.mkdir(parents=True)
    report = Report()
    stack = Stack(work / "strongroom", repo=repo, tag=CURRENT)
    error = ""
    try:
        note = stack.fit_open_files_limit(work)
        if note:
            say(note)
        current = source_tree(repo, None, work / "src-current")
        stack.checkout(current)
        stack.configure()
        fresh(stack, report, work)
        if args.from_tag:
            upgrade(stack, report, work, args.from_tag, current)
    except (StackError, api.ApiError, httpx.HTTPError, subprocess.SubprocessError, OSError) as exc:
        error = f"{type(exc).__name__}: {str(exc)[:4000]}"
    report.section("result")
    elapsed = time.monotonic() - report.began
    if error:
        sys.stdout.write(f"FAILED: stopped after {elapsed:.0f} s: {error}\n")
        return 1
    if report.failed:
        sys.stdout.write(
            f"FAILED: {len(report.failed)} of "
            f"{len(report.failed) + len(report.passed)} checks: "
            f"{'; '.join(report.failed)} ({elapsed:.0f} s)\n"
        )
        return 1
    sys.stdout.write(
        f"OK: all {len(report.passed)} compose stack checks passed ({elapsed:.0f} s)\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
