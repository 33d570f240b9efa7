#!/bin/sh
# The official nginx image's entrypoint: for nginx itself, run /docker-entrypoint.d/*.sh first.
set -e
if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    for f in /docker-entrypoint.d/*.sh; do
        [ -x "$f" ] || continue
        echo "$0: running $f"
        "$f"
    done
    echo "$0: ready for start up"
fi
exec "$@"
