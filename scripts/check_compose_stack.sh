#!/usr/bin/env bash
# The Docker Compose production stack, built and run for real (`make test-compose`).
#
#   scripts/check_compose_stack.sh [--no-upgrade] [--from TAG] [--keep-logs DIR]
#
# As root, on a Debian machine (it needs no container registry):
#   1. installs what is missing with apt-get: docker.io (dockerd, the docker client),
#      docker-compose (Compose 1.29) and debootstrap;
#   2. starts a private dockerd: its data root under the cache directory (kept between runs:
#      the stand-in images, Strongroom's images and the build cache), its own socket, exec root
#      and pid file in a temporary directory; stopped when the script ends;
#   3. builds the stand-ins of the official base images the compose file and the Dockerfiles
#      name (python:3.11-slim-bookworm, node:20.20-bookworm-slim, nginx:1.28-alpine,
#      postgres:15-bookworm, redis:7.4-bookworm) from Debian's packages: a root file system
#      made with debootstrap, trusting this machine's CA bundle, then the recipes in
#      scripts/compose_check/standins/ (rebuilt only when a recipe or the CA bundle changes);
#   4. runs scripts/check_compose_stack.py: Strongroom's images built with the repository's
#      Dockerfiles (docker-compose build), .env.production* written from the examples with
#      generated secrets, `docker-compose -f docker-compose.production.yml up -d`, the checks
#      through nginx's published HTTPS port, backup and restore, `down` and `up`, and the
#      upgrade from the previous release (a git tag) to the working tree;
#   5. removes every container, network and volume, and stops dockerd (also on failure and
#      Ctrl-C). The images stay in the cache.
#
# Options:
#   --no-upgrade      skip the upgrade check (step 4's last part)
#   --from TAG        the previous release to upgrade from (default: the newest v* tag
#                     reachable from HEAD)
#   --keep-logs DIR   copy dockerd's log and every container's log to DIR
#
# Environment: STRONGROOM_COMPOSE_CACHE (default /var/cache/strongroom-compose),
# DEBIAN_MIRROR (default http://deb.debian.org/debian), STRONGROOM_DOCKER_STORAGE_DRIVER
# (default: dockerd's choice, overlay2 where the kernel has it).
#
# Needs ports 80 and 443 of this machine free (the compose file publishes them). Exit status 0
# when every check passed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${STRONGROOM_COMPOSE_CACHE:-/var/cache/strongroom-compose}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ca_bundle="/etc/ssl/certs/ca-certificates.crt"
standins="$repo_root/scripts/compose_check/standins"
py="$repo_root/backend/.venv/bin/python"
# Bump to rebuild the debootstrap base file systems.
base_recipe=1

upgrade=1
from_tag=""
keep_logs=""
while [ $# -gt 0 ]; do
    case "$1" in
        --no-upgrade) upgrade=0; shift ;;
        --from) [ $# -ge 2 ] || { echo "--from needs a tag" >&2; exit 2; }; from_tag="$2"; shift 2 ;;
        --keep-logs) [ $# -ge 2 ] || { echo "--keep-logs needs a directory" >&2; exit 2; }; keep_logs="$2"; shift 2 ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

began=$(date +%s)
say() { printf '\n==> %s [%ss]\n' "$*" "$(($(date +%s) - began))"; }
die() { echo "FAILED: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (dockerd and debootstrap need it)"
[ -x "$py" ] || die "backend/.venv is missing: run make backend-install (make test-compose does)"
[ -r "$ca_bundle" ] || die "$ca_bundle is missing (the CA bundle the images are to trust)"
if [ "$upgrade" = 1 ] && [ -z "$from_tag" ]; then
    # The newest release tag; a clone made without tags upgrades from the commit that
    # deploy/previous-release names (the previous release's commit).
    from_tag="$(git -C "$repo_root" describe --tags --abbrev=0 --match 'v*' 2>/dev/null)" \
        || from_tag="$(sed -n 's/^commit //p' "$repo_root/deploy/previous-release")"
    git -C "$repo_root" cat-file -e "${from_tag:-none}^{commit}" 2>/dev/null \
        || die "no previous release to upgrade from (git fetch --tags, --from TAG or --no-upgrade)"
fi

# ------------------------------------------------------------------ 1. tools
say "1. tools (apt-get install when missing)"
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
[ -x /usr/bin/docker ] || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    echo "    installing ${missing[*]}"
    apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
        || { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; } \
        || die "apt-get install ${missing[*]} failed"
fi
# The docker client of the docker.io package (/usr/bin/docker) speaks to its dockerd; another
# client earlier on the PATH (a newer one without the buildx plugin) cannot build with
# BuildKit. Compose 1.29 builds through "docker" (COMPOSE_DOCKER_CLI_BUILD=1), and
# scripts/backup.sh and restore.sh call "docker compose": a directory first on the PATH holds
# a "docker" that is /usr/bin/docker, with "docker compose ..." run as "docker-compose ...".
run="$(mktemp -d /tmp/strongroom-compose.XXXXXX)"
mkdir -p "$run/bin"
cat >"$run/bin/docker" <<'SH'
#!/bin/sh
if [ "${1:-}" = compose ]; then
    shift
    exec docker-compose "$@"
fi
exec /usr/bin/docker "$@"
SH
chmod 755 "$run/bin/docker"
export PATH="$run/bin:$PATH"
echo "    $(/usr/bin/docker --version); $(docker-compose --version); debootstrap $(dpkg-query -W -f='${Version}' debootstrap 2>/dev/null || echo '?')"

# ------------------------------------------------------------------ 2. dockerd
say "2. private dockerd (data root $cache/docker)"
mkdir -p "$cache"
exec 9>"$cache/lock"
flock -n 9 || die "another check_compose_stack.sh uses $cache"
export DOCKER_HOST="unix://$run/docker.sock"
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
unset DOCKER_CONTEXT DOCKER_CONFIG
dockerd_pid=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    set +e
    if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
        say "cleanup: containers, networks and volumes removed; dockerd stopped"
        if [ -n "$keep_logs" ]; then
            mkdir -p "$keep_logs"
            for c in $(/usr/bin/docker ps -aq 2>/dev/null); do
                name="$(/usr/bin/docker inspect -f '{{.Name}}' "$c" | tr -d /)"
                /usr/bin/docker logs "$c" >"$keep_logs/$name.log" 2>&1
            done
        fi
        ids="$(/usr/bin/docker ps -aq 2>/dev/null)"
        [ -z "$ids" ] || /usr/bin/docker rm -f -v $ids >/dev/null 2>&1
        /usr/bin/docker network prune -f >/dev/null 2>&1
        /usr/bin/docker volume prune -f >/dev/null 2>&1
        kill "$dockerd_pid" 2>/dev/null
        for _ in $(seq 1 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$dockerd_pid" 2>/dev/null
        wait "$dockerd_pid" 2>/dev/null
    fi
    if [ -n "$keep_logs" ] && [ -f "$run/dockerd.log" ]; then
        mkdir -p "$keep_logs" && cp "$run/dockerd.log" "$keep_logs/"
    fi
    # The debootstrap file systems (their /proc, if a failure left it mounted) and the stage.
    for m in $(awk -v r="$run" '$2 ~ "^"r { print $2 }' /proc/mounts | sort -r); do umount -l "$m"; done
    rm -rf "$run"
    echo "    total $(($(date +%s) - began)) s; cache: $(du -sh "$cache" 2>/dev/null | cut -f1) in $cache"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

dockerd_args=(--data-root "$cache/docker" --host "$DOCKER_HOST" --exec-root "$run/exec"
    --pidfile "$run/dockerd.pid" --log-level warn)
[ -z "${STRONGROOM_DOCKER_STORAGE_DRIVER:-}" ] || dockerd_args+=(--storage-driver "$STRONGROOM_DOCKER_STORAGE_DRIVER")
dockerd "${dockerd_args[@]}" >"$run/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 1 120); do
    /usr/bin/docker version >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || { tail -20 "$run/dockerd.log" >&2; die "dockerd exited"; }
    sleep 0.5
done
/usr/bin/docker version >/dev/null 2>&1 || { tail -20 "$run/dockerd.log" >&2; die "dockerd did not answer in 60 s"; }
echo "    dockerd $(/usr/bin/docker version -f '{{.Server.Version}}') (pid $dockerd_pid), storage driver" \
    "$(/usr/bin/docker info -f '{{.Driver}}'), socket $DOCKER_HOST"
# Left over by an interrupted run: nothing of the stack survives into this one.
ids="$(/usr/bin/docker ps -aq)"
[ -z "$ids" ] || /usr/bin/docker rm -f -v $ids >/dev/null
/usr/bin/docker network prune -f >/dev/null
/usr/bin/docker volume prune -f >/dev/null

# ------------------------------------------------------------------ 3. stand-in base images
say "3. stand-in base images (Debian packages; no registry)"

# base_image SUITE: a minimal Debian SUITE made with debootstrap, trusting the machine's CA
# bundle (a TLS-intercepting proxy's CA included), imported as strongroom-standin-base:SUITE-KEY.
base_image() {
    local suite="$1" key tag root
    key="$(printf '%s\n' "$suite" "$mirror" "$base_recipe" | cat - "$ca_bundle" | sha256sum | cut -c1-12)"
    tag="strongroom-standin-base:$suite-$key"
    if /usr/bin/docker image inspect "$tag" >/dev/null 2>&1; then
        echo "$tag"
        return
    fi
    root="$run/rootfs-$suite"
    echo "    debootstrap --variant=minbase $suite ($mirror)" >&2
    if ! debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$mirror" \
            >"$run/debootstrap-$suite.log" 2>&1; then
        tail -30 "$run/debootstrap-$suite.log" >&2
        return 1
    fi
    {
        echo "deb $mirror $suite main"
        echo "deb $mirror $suite-updates main"
        echo "deb ${mirror%/debian}/debian-security $suite-security main"
    } >"$root/etc/apt/sources.list"
    # As in Debian's official images: no service starts inside an image build.
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    cp "$ca_bundle" "$root/usr/local/share/ca-certificates/strongroom-build-host.crt"
    chroot "$root" update-ca-certificates >/dev/null 2>&1
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/tmp/*
    tar --numeric-owner -C "$root" -c . | /usr/bin/docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
        --change 'ENV REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt' \
        --change 'CMD ["bash"]' - "$tag" >/dev/null
    rm -rf "$root"
    echo "$tag"
}

bookworm="$(base_image bookworm)" || die "debootstrap bookworm failed"
trixie="$(base_image trixie)" || die "debootstrap trixie failed"
echo "    bases: $bookworm, $trixie"

# name=recipe:base. Node.js 20 and an nginx that knows `http2 on;` are in trixie, not bookworm.
for entry in \
    "python:3.11-slim-bookworm=python:$bookworm" \
    "postgres:15-bookworm=postgres:$bookworm" \
    "redis:7.4-bookworm=redis:$bookworm" \
    "node:20.20-bookworm-slim=node:$trixie" \
    "nginx:1.28-alpine=nginx:$trixie"; do
    name="${entry%%=*}"
    rest="${entry#*=}"
    recipe="${rest%%:*}"
    base="${rest#*:}"
    t0=$(date +%s)
    if ! /usr/bin/docker build -q --build-arg "BASE=$base" -t "$name" "$standins/$recipe" \
            >"$run/standin-$recipe.log" 2>&1; then
        tail -40 "$run/standin-$recipe.log" >&2
        die "stand-in $name ($standins/$recipe) failed to build"
    fi
    echo "    $name <- scripts/compose_check/standins/$recipe on $base ($(($(date +%s) - t0)) s)"
done

# ------------------------------------------------------------------ 4. the stack
say "4. the stack (scripts/check_compose_stack.py)"
args=(--repo "$repo_root" --work "$run/stage")
[ "$upgrade" = 1 ] && args+=(--from "$from_tag")
"$py" "$repo_root/scripts/check_compose_stack.py" "${args[@]}"
