"""Make sure Debian's chromium is installed for the browser tests (never a browser download)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = os.environ.get("MASTHEAD_CHROMIUM", "/usr/bin/chromium")


def main() -> int:
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return 0
    can_install = shutil.which("apt-get") is not None and os.geteuid() == 0
    if not can_install:
        print(
            f"Chromium is missing ({CHROMIUM}) and this user cannot apt-get it. "
            "Install Debian's chromium (apt-get install -y chromium) and run again.",
            file=sys.stderr,
        )
        return 1
    print("Installing Debian's chromium for the browser tests…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium"],
        check=True,
        env=env,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
