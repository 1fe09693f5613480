"""Make sure the operations tests' tools are installed: Debian's nginx (the deployment test puts
it in front of gunicorn) and the PostgreSQL client (pg_dump/pg_restore for `masthead backup`).

Like ensure_chromium.py: apt-get when missing and we are root (CI's fresh machine); otherwise
say what to install. Never a download from anywhere but Debian's archive.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

NGINX = os.environ.get("MASTHEAD_NGINX", "/usr/sbin/nginx")
# command that must exist -> Debian package that provides it
TOOLS = {"nginx": "nginx", "pg_dump": "postgresql-client", "pg_restore": "postgresql-client"}


def _missing() -> list[str]:
    packages = []
    for command, package in TOOLS.items():
        found = shutil.which(command) or (command == "nginx" and os.path.exists(NGINX))
        if not found and package not in packages:
            packages.append(package)
    return packages


def main() -> int:
    packages = _missing()
    if not packages:
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(
            f"Missing for the operations tests: {', '.join(packages)}. "
            f"Install them (apt-get install -y {' '.join(packages)}) and run again.",
            file=sys.stderr,
        )
        return 1
    print(f"Installing Debian's {', '.join(packages)} for the operations tests…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
        check=True,
        env=env,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
