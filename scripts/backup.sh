#!/usr/bin/env bash
# Back up Strongroom: the PostgreSQL database (pg_dump, custom format) and the uploaded files
# (a tar of MEDIA_ROOT), with a manifest, into a new timestamped folder; then rotate old backups.
#
#   scripts/backup.sh [options]                 # DATABASE_URL and MEDIA_ROOT from the environment
#   scripts/backup.sh --compose [options]       # the docker-compose.production.yml deployment
#
# Options:
#   --dir DIR           backup directory (default: $BACKUP_DIR, else ./backups)
#   --keep N            rotation: keep the newest backup of each of the N most recent days that
#                       have backups, delete the rest (default: $BACKUP_KEEP, else 7; 0 = never
#                       delete anything)
#   --media-root DIR    uploaded files (default: $MEDIA_ROOT, else backend/var/media; ignored
#                       with --compose, which archives the media_files volume)
#   --no-media          database only
#   --compose           pg_dump inside the compose "postgres" service and tar the media volume
#                       through the "worker" service, instead of DATABASE_URL / MEDIA_ROOT
#   --compose-file F    compose file (default: docker-compose.production.yml beside scripts/)
#   -h, --help          this text
#
# Each backup is a folder DIR/strongroom-YYYYMMDD-HHMMSS (UTC) holding db.dump, media.tar.gz and
# manifest.txt (time, versions, the sha256 and size of each file). It is written under a hidden
# temporary name and renamed only when complete, so a failed run leaves nothing that looks like
# a backup. Exit status: 0 on success, non-zero on any failure (usage errors: 2).
#
# The database password is never printed and never put on a command line: in the local mode it
# goes to pg_dump through a temporary password file (mode 600) that is removed on exit.
# Restore with scripts/restore.sh. See PRODUCTION_DEPLOYMENT.md, "Backups and restore".

# The single-quoted commands below are expanded by sh inside the postgres container, on purpose.
# shellcheck disable=SC2016
set -euo pipefail
umask 077

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

backup_dir="${BACKUP_DIR:-./backups}"
keep="${BACKUP_KEEP:-7}"
media_root="${MEDIA_ROOT:-$repo_root/backend/var/media}"
with_media=1
compose=0
compose_file="$repo_root/docker-compose.production.yml"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }
die() { echo "backup: error: $*" >&2; exit 1; }
say() { echo "backup: $*"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --dir) [ $# -ge 2 ] || { usage >&2; exit 2; }; backup_dir="$2"; shift 2 ;;
        --keep) [ $# -ge 2 ] || { usage >&2; exit 2; }; keep="$2"; shift 2 ;;
        --media-root) [ $# -ge 2 ] || { usage >&2; exit 2; }; media_root="$2"; shift 2 ;;
        --no-media) with_media=0; shift ;;
        --compose) compose=1; shift ;;
        --compose-file) [ $# -ge 2 ] || { usage >&2; exit 2; }; compose_file="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "backup: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$keep" in
    ''|*[!0-9]*) echo "backup: --keep takes a whole number of days, not '$keep'" >&2; exit 2 ;;
esac

work=""
staging=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local status=$?
    [ -n "$staging" ] && [ -d "$staging" ] && rm -rf "$staging"
    [ -n "$work" ] && [ -d "$work" ] && rm -rf "$work"
    if [ "$status" -ne 0 ]; then echo "backup: FAILED (exit $status); no backup was kept" >&2; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
work="$(mktemp -d "${TMPDIR:-/tmp}/strongroom-backup.XXXXXX")"

# --------------------------------------------------------------------------- database access
# Local mode: the connection comes from DATABASE_URL, split into libpq's PG* variables and a
# password file, so that no password appears in the process list or in any message.
# shellcheck source=scripts/lib/pg_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/pg_env.sh"

# --------------------------------------------------------------------------- compose helpers
dc() { "${DOCKER:-docker}" compose -f "$compose_file" "$@"; }
# Runs in the postgres container, where POSTGRES_USER and POSTGRES_DB are set from .env.production.
pg_in_container() { dc exec -T postgres sh -c "$1"; }

# --------------------------------------------------------------------------- preflight
stamp="$(date -u +%Y%m%d-%H%M%S)"
name="strongroom-$stamp"
mkdir -p "$backup_dir" || die "cannot create the backup directory $backup_dir"
backup_dir="$(cd "$backup_dir" && pwd)"
[ -w "$backup_dir" ] || die "the backup directory $backup_dir is not writable"
[ ! -e "$backup_dir/$name" ] || die "$backup_dir/$name already exists (two backups in one second?)"
staging="$backup_dir/.incomplete-$name"
mkdir "$staging"

started=$(date +%s)
if [ "$compose" = 1 ]; then
    command -v "${DOCKER:-docker}" >/dev/null || die "docker is not installed (or run without --compose)"
    [ -f "$compose_file" ] || die "compose file not found: $compose_file"
    say "database: compose service postgres ($compose_file)"
    pg_dump_version="$(pg_in_container 'pg_dump --version')" || die "the postgres service is not running"
    server_version="$(pg_in_container 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -XAtc "SHOW server_version"')" \
        || die "cannot connect to the database in the postgres service"
    database_label="$(pg_in_container 'printf %s "$POSTGRES_DB"') (compose service postgres)"
else
    command -v pg_dump >/dev/null || die "pg_dump is not installed (PostgreSQL client binaries)"
    command -v psql >/dev/null || die "psql is not installed (PostgreSQL client binaries)"
    pg_env_from_database_url
    database_label="$PGDATABASE on ${PGHOST:-local socket}${PGPORT:+:$PGPORT}"
    say "database: $database_label"
    pg_dump_version="$(pg_dump --version)"
    server_version="$(psql -XAtc 'SHOW server_version')" \
        || die "cannot connect to the database named by DATABASE_URL"
    if [ "$with_media" = 1 ] && [ ! -d "$media_root" ]; then
        die "MEDIA_ROOT $media_root is not a directory (set MEDIA_ROOT, or pass --no-media)"
    fi
fi
last_migration_sql="SELECT app || '.' || name FROM django_migrations ORDER BY applied DESC, id DESC LIMIT 1"

# --------------------------------------------------------------------------- 1. database
# pg_dump reads one consistent snapshot, so the site may stay in use while it runs.
say "dumping the database (pg_dump --format=custom)"
if [ "$compose" = 1 ]; then
    pg_in_container 'pg_dump -U "$POSTGRES_USER" -d "$POSTGRES_DB" --format=custom' >"$staging/db.dump" \
        || die "pg_dump failed"
    last_migration="$(pg_in_container "psql -U \"\$POSTGRES_USER\" -d \"\$POSTGRES_DB\" -XAtc \"$last_migration_sql\"" 2>/dev/null || true)"
else
    pg_dump --format=custom --file="$staging/db.dump" || die "pg_dump failed"
    last_migration="$(psql -XAtc "$last_migration_sql" 2>/dev/null || true)"
fi
[ -s "$staging/db.dump" ] || die "pg_dump produced an empty file"

# --------------------------------------------------------------------------- 2. media
# After the database: the archive may then hold a file the dump does not reference yet, never
# a reference without its file.
if [ "$with_media" = 1 ]; then
    if [ "$compose" = 1 ]; then
        say "archiving the uploaded files (media_files volume)"
        dc run --rm --no-deps -T --entrypoint tar worker -czf - -C /app/media . >"$staging/media.tar.gz" \
            || die "tar of the media volume failed"
        media_label="volume media_files"
    else
        say "archiving the uploaded files ($media_root)"
        tar -czf "$staging/media.tar.gz" -C "$media_root" . || die "tar of $media_root failed"
        media_label="$media_root"
    fi
    gzip -t "$staging/media.tar.gz" || die "the media archive is damaged"
else
    say "media: skipped (--no-media)"
    media_label="not included (--no-media)"
fi

# --------------------------------------------------------------------------- 3. manifest
strongroom_version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo_root/backend/pyproject.toml" 2>/dev/null | head -n 1)"
git_commit="$(git -C "$repo_root" rev-parse --short=12 HEAD 2>/dev/null || true)"
{
    echo "# Strongroom backup manifest; verify with scripts/restore.sh --verify-only $name"
    echo "format=1"
    echo "name=$name"
    echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "created_on=$(hostname 2>/dev/null || echo unknown)"
    echo "mode=$([ "$compose" = 1 ] && echo compose || echo local)"
    echo "database=$database_label"
    echo "postgresql_server_version=$server_version"
    echo "pg_dump_version=$pg_dump_version"
    echo "last_migration=${last_migration:-unknown}"
    echo "strongroom_version=${strongroom_version:-unknown}${git_commit:+ (git $git_commit)}"
    echo "strongroom_image_tag=${STRONGROOM_IMAGE_TAG:-}"
    echo "media=$media_label"
    for file in db.dump media.tar.gz; do
        [ -f "$staging/$file" ] || continue
        sum="$(sha256sum "$staging/$file")"
        echo "file.$file.sha256=${sum%% *}"
        echo "file.$file.bytes=$(stat -c %s "$staging/$file")"
    done
} >"$staging/manifest.txt"

sync "$staging" 2>/dev/null || sync
mv "$staging" "$backup_dir/$name"
staging=""
size="$(du -sh "$backup_dir/$name" | cut -f1)"
say "done: $backup_dir/$name ($size, $(( $(date +%s) - started )) s)"

# --------------------------------------------------------------------------- 4. rotation
# Keep the newest backup of each of the $keep most recent days that have backups (UTC days of
# the folder names). Only complete backups (folders with a manifest) are ever deleted; other
# files in the directory are left alone.
if [ "$keep" -gt 0 ]; then
    days_seen=0
    last_day=""
    while IFS= read -r folder; do
        [ -f "$backup_dir/$folder/manifest.txt" ] || continue
        day="${folder#strongroom-}"
        day="${day%%-*}"
        if [ "$day" != "$last_day" ]; then
            last_day="$day"
            days_seen=$((days_seen + 1))
            [ "$days_seen" -le "$keep" ] && continue   # the newest of this day: keep
        fi
        say "rotation: removing $folder"
        rm -rf "${backup_dir:?}/$folder"
    done < <(find "$backup_dir" -mindepth 1 -maxdepth 1 -type d \
                 -regextype posix-extended -regex '.*/strongroom-[0-9]{8}-[0-9]{6}' \
                 -printf '%f\n' | sort -r)
fi
stale="$(find "$backup_dir" -mindepth 1 -maxdepth 1 -name '.incomplete-*' -printf '%f ' 2>/dev/null || true)"
[ -z "$stale" ] || echo "backup: warning: unfinished backups from interrupted runs in $backup_dir: $stale" >&2
exit 0
