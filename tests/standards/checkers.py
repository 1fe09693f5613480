"""The standards' own checkers, as the tests run them: the Nu Html Checker (vnu-jar on Java)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import ensure_checkers  # noqa: E402


@dataclass(frozen=True)
class Problem:
    page: str
    line: int
    message: str
    extract: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}  [{self.extract.strip()[:120]}]"


def ensure() -> None:
    """Install the checkers if this machine has not yet (make test does it first)."""
    if not ensure_checkers.installed():
        script = str(ROOT / "scripts" / "ensure_checkers.py")
        subprocess.run([sys.executable, script], check=True)  # noqa: S603 (our own script)


def axe_js() -> Path:
    ensure()
    return ensure_checkers.AXE_JS


def html_errors(pages: dict[str, str]) -> list[Problem]:
    """Every error the Nu Html Checker finds in these pages (name -> HTML), in one Java run."""
    ensure()
    java = shutil.which("java")
    assert java, "the Nu Html Checker needs Java (apt-get install -y default-jre-headless)"
    with tempfile.TemporaryDirectory() as scratch:
        names: dict[str, str] = {}
        for index, (name, html) in enumerate(pages.items()):
            path = Path(scratch) / f"page{index}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
        files = [str(Path(scratch) / f"page{i}.html") for i in range(len(pages))]
        vnu = [java, "-jar", str(ensure_checkers.VNU_JAR), "--format", "json"]
        # Pages we rendered ourselves, in our own scratch folder: no untrusted input (S603).
        result = subprocess.run(  # noqa: S603
            [*vnu, "--exit-zero-always", *files],
            capture_output=True,
            text=True,
            check=True,
        )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        Problem(
            page=names.get(m.get("url", "").rsplit("/", 1)[-1], m.get("url", "?")),
            line=int(m.get("lastLine", 0)),
            message=m.get("message", ""),
            extract=m.get("extract", ""),
        )
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
