"""Reading a CSV of partner codes: one code per line, an optional "code" header, UTF-8.

Every problem is reported with its line number and without the code itself (a code is a secret,
and error messages end up in screenshots and tickets).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$")
HEADERS = {"code", "codes", "activation code", "activation_code"}
MAX_ERRORS_SHOWN = 20


class CodeFileError(Exception):
    """The file could not be used. ``problems`` says what, line by line; nothing was added."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the code file")

    def shown(self) -> list[str]:
        if len(self.problems) <= MAX_ERRORS_SHOWN:
            return self.problems
        more = len(self.problems) - MAX_ERRORS_SHOWN
        return [*self.problems[:MAX_ERRORS_SHOWN], f"…and {more} more problem(s)."]


@dataclass(frozen=True, slots=True)
class CodeLine:
    line: int
    code: str


def read_code_file(raw: bytes) -> list[CodeLine]:
    """The codes in the file, with their line numbers. CodeFileError if any line is wrong."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodeFileError(
            ["The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."]
        ) from exc
    problems: list[str] = []
    found: list[CodeLine] = []
    first_line_of: dict[str, int] = {}
    seen_content = False
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()  # "CODE," from a spreadsheet: a trailing empty column
        if not cells:
            continue  # blank line
        if not seen_content:
            seen_content = True
            if len(cells) == 1 and cells[0].lower() in HEADERS:
                continue
        if len(cells) > 1:
            problems.append(f"Line {number}: more than one column. Put one code per line.")
            continue
        code = cells[0]
        if not CODE_PATTERN.match(code):
            problems.append(
                f"Line {number}: not a code. Codes are 3–128 letters, digits, dots, hyphens or "
                "underscores, starting with a letter or digit."
            )
            continue
        if code in first_line_of:
            problems.append(f"Line {number}: repeats the code on line {first_line_of[code]}.")
            continue
        first_line_of[code] = number
        found.append(CodeLine(line=number, code=code))
    if problems:
        raise CodeFileError(problems)
    if not found:
        raise CodeFileError(
            ["The file holds no codes. Put one code per line; a first line “code” is skipped."]
        )
    return found
