#!/usr/bin/env python3
"""This repository's nginx configuration, made runnable on loopback without containers.

    python3 scripts/lib/nginx_render.py --prefix DIR --http-port N --https-port N \\
        --upstream PORT [--upstream PORT ...] [--static DIR] [--media DIR]

Copies nginx/nginx.conf, conf.d/ and snippets/ into ``DIR/conf`` with the system's mime.types
and a fresh self-signed certificate for ``localhost`` (scripts/make_cert.sh), then rewrites what
only exists in the image: paths (/etc/nginx, logs, pid, web roots, temp files) into ``DIR``,
``listen 80/443`` onto the loopback ports, the upstream ``backend:8000`` into one ``server`` line
per upstream port, and ``user nginx`` (root runs it as root). nginx older than 1.25.1 spells
``http2 on;`` on the listen line. Prints the nginx command line to run it with.

Used by scripts/check_deploy_configs.sh (``nginx -t`` and the smoke test) and by
scripts/lib/topology.py (the loopback deployment of the benchmarks, the topology check and the
chaos script), so both test the same rewrite. Standard library only: it runs under the system's
python3 as well as the backend's virtualenv.
"""

# ruff: noqa: S603, S607 (it runs nginx and the repository's make_cert.sh)
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def nginx_version() -> tuple[int, ...]:
    out = subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=False).stderr
    match = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in match.groups()) if match else (0, 0, 0)


def render(
    prefix: Path,
    *,
    http_port: int,
    https_port: int,
    upstreams: list[int],
    static_dir: Path | None = None,
    media_dir: Path | None = None,
) -> list[str]:
    """Write the configuration under ``prefix``; return the nginx command (without -t/-g)."""
    conf = prefix / "conf"
    static_dir = static_dir or prefix / "static"
    media_dir = media_dir or prefix / "media"
    for path in (prefix / "logs", prefix / "temp", prefix / "html", prefix / "acme", conf,
                 static_dir, media_dir):  # fmt: skip
        path.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "nginx" / "conf.d", conf / "conf.d", dirs_exist_ok=True)
    shutil.copytree(REPO / "nginx" / "snippets", conf / "snippets", dirs_exist_ok=True)
    shutil.copy(REPO / "nginx" / "nginx.conf", conf / "nginx.conf")
    if Path("/etc/nginx/mime.types").exists():
        shutil.copy("/etc/nginx/mime.types", conf / "mime.types")
    else:
        (conf / "mime.types").write_text("types { application/json json; }\n")
    subprocess.run(
        [str(REPO / "scripts" / "make_cert.sh"), "localhost", str(conf / "certs")],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip

    old_http2 = nginx_version() < (1, 25, 1)
    user_line = "user root root;" if os.geteuid() == 0 else ""
    servers = "".join(
        f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;\n" for port in upstreams
    )
    temp_paths = "".join(f"    {kind}_temp_path {prefix}/temp/{kind};\n" for kind in TEMP_KINDS)
    for path in [conf / "nginx.conf", *(conf / "conf.d").glob("*.conf"),
                 *(conf / "snippets").glob("*.conf")]:  # fmt: skip
        text = path.read_text()
        text = re.sub(r"(?m)^user nginx;", user_line, text)
        text = text.replace("/etc/nginx/", f"{conf}/")
        text = text.replace("/var/log/nginx/", f"{prefix}/logs/")
        text = re.sub(r"(?m)^pid /run/nginx.pid;", f"pid {prefix}/nginx.pid;", text)
        text = text.replace("/usr/share/nginx/html", f"{prefix}/html")
        text = text.replace("/srv/strongroom/static/", f"{static_dir}/")
        text = text.replace("/srv/strongroom/media/", f"{media_dir}/")
        text = text.replace("/var/www/acme", f"{prefix}/acme")
        text = re.sub(r"(?m)^(\s*listen\s+)80\b", rf"\g<1>127.0.0.1:{http_port}", text)
        text = re.sub(r"(?m)^(\s*listen\s+)443\b", rf"\g<1>127.0.0.1:{https_port}", text)
        text = re.sub(r"(?m)^\s*server\s+[A-Za-z][A-Za-z0-9_.-]*:[0-9]+[^;]*;\n", servers, text)
        if old_http2:
            text = re.sub(r"(?m)^\s*http2 on;\n", "", text)
            text = re.sub(r"(?m)^(\s*listen\s+[^;]*\bssl\b[^;]*);", r"\1 http2;", text)
        if path.name == "nginx.conf":
            text = text.replace("http {", "http {\n" + temp_paths, 1)
        path.write_text(text)
    return ["nginx", "-p", f"{prefix}/", "-c", str(conf / "nginx.conf"),
            "-e", f"{prefix}/logs/error.log"]  # fmt: skip


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--prefix", required=True, type=Path)
    p.add_argument("--http-port", required=True, type=int)
    p.add_argument("--https-port", required=True, type=int)
    p.add_argument("--upstream", required=True, type=int, action="append")
    p.add_argument("--static", type=Path)
    p.add_argument("--media", type=Path)
    a = p.parse_args()
    cmd = render(a.prefix, http_port=a.http_port, https_port=a.https_port, upstreams=a.upstream,
                 static_dir=a.static, media_dir=a.media)  # fmt: skip
    sys.stdout.write(" ".join(cmd) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
