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


def code_key(code: str, *, case_sensitive: bool = False) -> str:
    """What makes two codes the same code: ``ab-12`` and ``AB-12`` are one code unless the
    partner's codes are case-sensitive (``settings.PARTNER_CODES_CASE_SENSITIVE``)."""
    code = code.strip()
    return code if case_sensitive else code.casefold()


@dataclass(frozen=True, slots=True)
class ReadFile:
    codes: list[CodeLine]
    problems: list[tuple[int, str]]  # (line, what is wrong): every refused line, in order


def read_code_file(raw: bytes, *, case_sensitive: bool = False) -> list[CodeLine]:
    """The codes in the file, with their line numbers. CodeFileError if any line is wrong."""
    read = read_codes(raw, case_sensitive=case_sensitive)
    if read.problems:
        raise CodeFileError([problem for _, problem in read.problems])
    return read.codes


def read_codes(raw: bytes, *, case_sensitive: bool = False) -> ReadFile:
    """The good lines and every refused line with why, so one report can name them all."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodeFileError(
            ["The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."]
        ) from exc
    problems: list[tuple[int, str]] = []
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
            problem = f"Line {number}: more than one column. Put one code per line."
            problems.append((number, problem))
            continue
        code = cells[0]
        if not CODE_PATTERN.match(code):
            problems.append(
                (
                    number,
                    f"Line {number}: not a code. Codes are 3–128 letters, digits, dots, hyphens "
                    "or underscores, starting with a letter or digit.",
                )
            )
            continue
        key = code_key(code, case_sensitive=case_sensitive)
        if key in first_line_of:
            problem = f"Line {number}: repeats the code on line {first_line_of[key]}."
            problems.append((number, problem))
            continue
        first_line_of[key] = number
        found.append(CodeLine(line=number, code=code))
    if not found and not problems:
        raise CodeFileError(
            ["The file holds no codes. Put one code per line; a first line “code” is skipped."]
        )
    return ReadFile(codes=found, problems=problems)
