#!/usr/bin/env bash
# Restore a Strongroom backup made by scripts/backup.sh into an EMPTY database.
#
#   scripts/restore.sh [options] BACKUP                # DATABASE_URL and MEDIA_ROOT from the environment
#   scripts/restore.sh --compose [options] BACKUP      # the docker-compose.production.yml deployment
#
# BACKUP is a backup folder (…/strongroom-YYYYMMDD-HHMMSS).
#
# In order: (1) verify the manifest's sha256 of every file, before anything is touched;
# (2) check that the target database has no tables (and the media folder no files), refusing
# otherwise unless --force; (3) pg_restore in one transaction (all or nothing); (4) unpack the
# uploaded files; (5) verify with Django: `manage.py migrate --check` (pending migrations, i.e. a
# backup older than the code, are reported, not fatal: `manage.py migrate` applies them; with none
# pending, `manage.py migrate` grants the application role its privileges, which pg_restore
# --no-privileges left out), and `manage.py verify_audit_chain --no-checkpoint` when the installed
# code has that command: the hash chain and its signed checkpoints, read-only (needs the audit
# signing key, or the public keys of STRONGROOM_AUDIT_TRUSTED_PUBLIC_KEY_FILES, configured as on
# the backed-up system). Run it as the database owner (DATABASE_URL; the compose "migrate"
# service's).
#
# Options:
#   --force             restore into a database that is not empty: DROPS its schema "public"
#                       with everything in it first; unpacks over existing media files
#   --verify-only       only step (1): check the backup's files against its manifest
#   --media-root DIR    where to unpack the uploaded files (default: $MEDIA_ROOT, else
#                       backend/var/media; ignored with --compose: the media_files volume)
#   --no-media          restore the database only
#   --skip-django       skip step (5), e.g. on a host without the Strongroom code
#   --python PATH       Python of the Strongroom code for step (5) (default:
#                       backend/.venv/bin/python, else python3); DJANGO_SETTINGS_MODULE and the
#                       other settings come from the environment, DATABASE_URL names the target
#   --compose           pg_restore inside the compose "postgres" service (into POSTGRES_DB),
#                       media into the media_files volume and step (5) in a one-off "migrate"
#                       container; the rest of the stack should be stopped
#   --compose-file F    compose file (default: docker-compose.production.yml beside scripts/)
#   -h, --help          this text
#
# Exit status: 0 restored and verified; 1 failure; 2 usage; 3 refused (target not empty);
# 4 the backup's checksums do not match (nothing was touched). Secrets are never printed.
# See PRODUCTION_DEPLOYMENT.md, "Backups and restore".

# The single-quoted commands below are expanded by sh inside the containers, on purpose.
# shellcheck disable=SC2016
set -euo pipefail
umask 077

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

force=0
verify_only=0
with_media=1
django=1
compose=0
compose_file="$repo_root/docker-compose.production.yml"
media_root="${MEDIA_ROOT:-$repo_root/backend/var/media}"
python_bin=""
backup=""

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }
die() { echo "restore: error: $*" >&2; exit 1; }
say() { echo "restore: $*"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --force) force=1; shift ;;
        --verify-only) verify_only=1; shift ;;
        --media-root) [ $# -ge 2 ] || { usage >&2; exit 2; }; media_root="$2"; shift 2 ;;
        --no-media) with_media=0; shift ;;
        --skip-django) django=0; shift ;;
        --python) [ $# -ge 2 ] || { usage >&2; exit 2; }; python_bin="$2"; shift 2 ;;
        --compose) compose=1; shift ;;
        --compose-file) [ $# -ge 2 ] || { usage >&2; exit 2; }; compose_file="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "restore: unknown option: $1" >&2; usage >&2; exit 2 ;;
        *) [ -z "$backup" ] || { echo "restore: one backup at a time" >&2; exit 2; }; backup="$1"; shift ;;
    esac
done
[ -n "$backup" ] || { usage >&2; exit 2; }

work=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    local status=$?
    [ -n "$work" ] && [ -d "$work" ] && rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
work="$(mktemp -d "${TMPDIR:-/tmp}/strongroom-restore.XXXXXX")"

# --------------------------------------------------------------------------- 1. checksums
[ -d "$backup" ] || die "no such backup folder: $backup"
backup="$(cd "$backup" && pwd)"
manifest="$backup/manifest.txt"
[ -f "$manifest" ] || die "$backup has no manifest.txt: not a backup made by scripts/backup.sh"
grep -qx 'format=1' "$manifest" || die "unknown manifest format in $manifest"
manifest_value() { sed -n "s/^$1=//p" "$manifest" | head -n 1; }

say "backup $(manifest_value name), taken $(manifest_value created_at) from $(manifest_value database)"
say "  PostgreSQL $(manifest_value postgresql_server_version), Strongroom $(manifest_value strongroom_version), last migration $(manifest_value last_migration)"
bad=0
listed=0
while IFS= read -r line; do
    file="${line#file.}"
    file="${file%.sha256=*}"
    expected="${line##*=}"
    case "$file" in */*|..*|'') echo "restore: bad file name in the manifest: $file" >&2; bad=1; continue ;; esac
    listed=$((listed + 1))
    if [ ! -f "$backup/$file" ]; then
        echo "restore: MISSING  $file" >&2; bad=1; continue
    fi
    actual="$(sha256sum "$backup/$file")"
    if [ "${actual%% *}" = "$expected" ]; then
        say "  checksum ok  $file"
    else
        echo "restore: CHECKSUM MISMATCH  $file" >&2; bad=1
    fi
done < <(grep -E '^file\.[^=]+\.sha256=[0-9a-f]{64}$' "$manifest")
grep -q '^file\.db\.dump\.sha256=' "$manifest" || { echo "restore: the manifest lists no db.dump" >&2; bad=1; }
if [ "$bad" != 0 ]; then
    echo "restore: the backup does not match its manifest; nothing was restored" >&2
    exit 4
fi
say "all $listed file(s) match the manifest"
[ "$verify_only" = 0 ] || exit 0

has_media_archive=0
[ -f "$backup/media.tar.gz" ] && has_media_archive=1
if [ "$with_media" = 1 ] && [ "$has_media_archive" = 0 ]; then
    say "media: the backup has no media archive (taken with --no-media); restoring the database only"
    with_media=0
fi

# --------------------------------------------------------------------------- database access
# Local mode: DATABASE_URL is split into libpq's PG* variables and a password file, so that no
# password appears in the process list or in any message (the same code as backup.sh).
# shellcheck source=scripts/lib/pg_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/pg_env.sh"

dc() { "${DOCKER:-docker}" compose -f "$compose_file" "$@"; }

# psql_query SQL: one value per line; SQL is sent on standard input, never on a command line.
psql_query() {
    if [ "$compose" = 1 ]; then
        printf '%s\n' "$1" | dc exec -T postgres sh -c 'psql -U "$POSTGRES_USER" -d "$POSTGRES_DB" -XAtq -v ON_ERROR_STOP=1'
    else
        printf '%s\n' "$1" | psql -XAtq -v ON_ERROR_STOP=1
    fi
}

# media_has_files: true when the media destination holds anything.
media_has_files() {
    if [ "$compose" = 1 ]; then
        [ -n "$(dc run --rm --no-deps -T --entrypoint find worker /app/media -mindepth 1 -print -quit)" ]
    else
        [ -d "$media_root" ] && [ -n "$(find "$media_root" -mindepth 1 -print -quit)" ]
    fi
}

manage() {
    if [ "$compose" = 1 ]; then
        dc run --rm --no-deps -T migrate manage "$@"
    else
        (cd "$repo_root/backend" && "$python_bin" manage.py "$@")
    fi
}

# --------------------------------------------------------------------------- 2. preflight
if [ "$compose" = 1 ]; then
    command -v "${DOCKER:-docker}" >/dev/null || die "docker is not installed (or run without --compose)"
    [ -f "$compose_file" ] || die "compose file not found: $compose_file"
    target_label="$(dc exec -T postgres sh -c 'printf %s "$POSTGRES_DB"' 2>/dev/null)" \
        || die "the postgres service is not running (docker compose up -d postgres)"
    target_label="$target_label (compose service postgres)"
else
    command -v pg_restore >/dev/null || die "pg_restore is not installed (PostgreSQL client binaries)"
    command -v psql >/dev/null || die "psql is not installed (PostgreSQL client binaries)"
    pg_env_from_database_url
    target_label="$PGDATABASE on ${PGHOST:-local socket}${PGPORT:+:$PGPORT}"
    if [ "$django" = 1 ]; then
        if [ -z "$python_bin" ]; then
            python_bin="$repo_root/backend/.venv/bin/python"
            [ -x "$python_bin" ] || python_bin="$(command -v python3 || true)"
        fi
        { [ -n "$python_bin" ] && [ -x "$python_bin" ]; } || die "no Python for the Django checks (--python PATH or --skip-django)"
    fi
fi
say "target database: $target_label"

objects_sql="SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%';"
objects="$(psql_query "$objects_sql")" || die "cannot connect to the target database"
refuse=""
if [ "$objects" != 0 ]; then
    refuse="the target database is not empty ($objects tables, views or sequences)"
fi
if [ "$with_media" = 1 ] && media_has_files; then
    refuse="${refuse:+$refuse; }the media folder is not empty ($([ "$compose" = 1 ] && echo 'volume media_files' || echo "$media_root"))"
fi
if [ -n "$refuse" ]; then
    if [ "$force" = 0 ]; then
        echo "restore: refused: $refuse." >&2
        echo "restore: restore into a new, empty database (createdb), or pass --force to DROP everything in schema public first." >&2
        exit 3
    fi
    say "--force: $refuse; replacing it"
fi

# --------------------------------------------------------------------------- 3. database
started=$(date +%s)
restore_options="--no-owner --no-privileges --exit-on-error --single-transaction"
if [ "$force" = 1 ] && [ "$objects" != 0 ]; then
    say "--force: dropping schema public of the target database"
    psql_query "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public; GRANT USAGE ON SCHEMA public TO PUBLIC;" \
        || die "could not empty the target database"
fi
say "restoring the database (pg_restore, one transaction)"
if [ "$compose" = 1 ]; then
    dc exec -T postgres sh -c "pg_restore -U \"\$POSTGRES_USER\" -d \"\$POSTGRES_DB\" $restore_options" \
        <"$backup/db.dump" || die "pg_restore failed; the target database was left as it was before"
else
    # shellcheck disable=SC2086  # the options are one word each
    pg_restore $restore_options --dbname="$PGDATABASE" "$backup/db.dump" \
        || die "pg_restore failed; the target database was left as it was before"
fi
tables="$(psql_query "SELECT count(*) FROM pg_tables WHERE schemaname = 'public';")"
say "database restored: $tables tables"

# --------------------------------------------------------------------------- 4. media
if [ "$with_media" = 1 ]; then
    if [ "$compose" = 1 ]; then
        say "unpacking the uploaded files into the media_files volume"
        dc run --rm --no-deps -T --entrypoint tar worker -xzf - -C /app/media --no-same-owner \
            <"$backup/media.tar.gz" || die "unpacking the media archive failed"
    else
        say "unpacking the uploaded files into $media_root"
        mkdir -p "$media_root"
        tar -xzf "$backup/media.tar.gz" -C "$media_root" --no-same-owner \
            || die "unpacking the media archive failed"
    fi
    say "media restored: $(tar -tzf "$backup/media.tar.gz" | grep -cv '/$' || true) file(s)"
else
    say "media: skipped"
fi

# --------------------------------------------------------------------------- 5. Django checks
if [ "$django" = 1 ]; then
    say "checking migrations (manage.py migrate --check)"
    if manage migrate --check --noinput >"$work/migrate.out" 2>&1; then
        say "  every migration of this code is applied"
        # pg_restore --no-privileges brought back no GRANT: `migrate`, with nothing to apply,
        # grants the application role (STRONGROOM_DB_APP_ROLE) its privileges again.
        say "granting the application role its privileges (manage.py migrate, nothing to apply)"
        manage migrate --noinput -v 0 >"$work/grant.out" 2>&1 \
            || { cat "$work/grant.out" >&2; die "manage.py migrate could not grant the privileges"; }
    elif manage showmigrations --plan >"$work/plan.out" 2>&1 \
        && pending="$(grep -c '^\[ \]' "$work/plan.out")"; then
        say "  WARNING: $pending migration(s) of this code are not applied: the backup is older than"
        say "  the code. Run 'manage.py migrate' (the compose 'migrate' service does it on start);"
        say "  it also grants the application role its privileges, which the restore left out."
    else
        cat "$work/migrate.out" >&2
        die "Django could not check the restored database (see above)"
    fi

    # The command may not exist in older code: "Unknown command" then means "not available".
    say "verifying the audit trail and its checkpoints (manage.py verify_audit_chain)"
    if manage verify_audit_chain --no-checkpoint >"$work/verify.out" 2>&1; then
        sed 's/^/restore:   /' "$work/verify.out"
    elif grep -q "Unknown command: 'verify_audit_chain'" "$work/verify.out"; then
        say "  this code has no verify_audit_chain command: verify the chain in the application"
        say "  (Audit trail -> verify) after the first start"
    else
        sed 's/^/restore:   /' "$work/verify.out" >&2
        die "the audit chain of the restored database does NOT verify"
    fi
else
    say "Django checks skipped (--skip-django)"
fi

say "done in $(( $(date +%s) - started )) s: $(manifest_value name) restored into $target_label"
