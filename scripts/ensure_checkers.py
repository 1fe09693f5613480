"""Install the standards' own checkers from npm into .venv/node (never a download of our own).

* the Nu Html Checker (npm ``vnu-jar``; runs on the machine's Java), over every page kind;
* axe-core (npm ``axe-core``), injected into pages by the browser tests.

Idempotent and quick when both are there. Used by ``make test`` (CI starts on a fresh machine)
and, if they are missing, by the tests that need them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = Path(os.environ.get("MASTHEAD_CHECKERS_DIR", ROOT / ".venv" / "node"))
# Pinned so that a checker's new rule lands through a change here, not a red CI overnight.
PACKAGES = {"vnu-jar": "26.9.27", "axe-core": "4.14.1"}
VNU_JAR = PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = PREFIX / "node_modules" / "axe-core" / "axe.min.js"


def installed() -> bool:
    return VNU_JAR.is_file() and AXE_JS.is_file() and _versions_match()


def _versions_match() -> bool:
    import json

    for name, version in PACKAGES.items():
        manifest = PREFIX / "node_modules" / name / "package.json"
        try:
            if json.loads(manifest.read_text())["version"] != version:
                return False
        except (OSError, ValueError, KeyError):
            return False
    return True


def main() -> int:
    if installed():
        return 0
    npm, java = shutil.which("npm"), shutil.which("java")
    if npm is None or java is None:
        print(
            "The HTML checker needs npm and Java (apt-get install -y npm default-jre-headless).",
            file=sys.stderr,
        )
        return 1
    PREFIX.mkdir(parents=True, exist_ok=True)
    print("Installing the checkers (vnu-jar, axe-core) from npm…", flush=True)
    specs = [f"{name}@{version}" for name, version in PACKAGES.items()]
    subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(PREFIX), *specs],
        check=True,
    )
    return 0 if installed() else 1


if __name__ == "__main__":
    sys.exit(main())
