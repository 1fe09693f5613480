"""Uploading a pool's codes: all or nothing, every bad line named by its number."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from masthead.ops import testing
from masthead.partners import services
from masthead.partners.codefile import CodeFileError, read_code_file
from masthead.partners.models import PartnerCode

from .conftest import codes, csv_of, make_pool

pytestmark = pytest.mark.django_db


def upload(pool, raw: bytes) -> int:
    return services.upload_codes(pool=pool, raw=raw, uploaded_by=None)


def problems(pool, raw: bytes) -> list[str]:
    with pytest.raises(CodeFileError) as caught:
        upload(pool, raw)
    return caught.value.problems


def test_a_file_of_codes_is_added_with_header_blank_lines_and_spreadsheet_commas_forgiven():
    pool = make_pool(count=0)
    raw = "\ufeffCode\r\nDR-AAAA-0001,\r\n\r\n  DR-AAAA-0002  \r\nDR-AAAA-0003\r\n".encode()
    assert upload(pool, raw) == 3
    assert sorted(PartnerCode.objects.values_list("code", flat=True)) == [
        "DR-AAAA-0001",
        "DR-AAAA-0002",
        "DR-AAAA-0003",
    ]


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"code\n", b"code\n \n"])
def test_a_file_without_codes_is_refused(raw):
    pool = make_pool(count=0)
    assert problems(pool, raw) == [
        "The file holds no codes. Put one code per line; a first line “code” is skipped."
    ]


def test_bad_lines_are_named_and_nothing_is_added():
    pool = make_pool(count=0)
    raw = b"code\nGOOD-0001\nTWO,COLUMNS\nGOOD-0002\nbad code!\nGOOD-0001\nGOOD-0003\n"
    found = problems(pool, raw)
    assert found == [
        "Line 3: more than one column. Put one code per line.",
        "Line 5: not a code. Codes are 3–128 letters, digits, dots, hyphens or underscores, "
        "starting with a letter or digit.",
        "Line 6: repeats the code on line 2.",
    ]
    assert not PartnerCode.objects.exists()
    # The messages never repeat a code (they end up in screenshots and tickets).
    assert not any("GOOD" in line or "bad code" in line for line in found)


def test_codes_already_in_the_pool_are_refused_by_line_and_nothing_is_added():
    pool = make_pool(count=3)
    raw = csv_of(["NEW-0001", codes(3)[1], "NEW-0002", codes(3)[0]])
    assert problems(pool, raw) == [
        "Line 3: this code is already in the pool.",
        "Line 5: this code is already in the pool.",
    ]
    assert PartnerCode.objects.filter(pool=pool).count() == 3


def test_a_file_that_is_not_utf8_is_refused_with_what_to_do():
    pool = make_pool(count=0)
    assert problems(pool, "code\nCAFÉ-0001\n".encode("latin-1")) == [
        "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."
    ]


def test_staff_upload_codes_from_the_pool_page_and_see_problems_by_line(client):
    admin = testing.reader_account("staff@example.com")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    pool = make_pool(count=0)
    url = reverse("admin:partners_partnerpool_upload", args=[pool.pk])
    assert (
        url
        in client.get(reverse("admin:partners_partnerpool_change", args=[pool.pk])).content.decode()
    )

    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("codes.csv", b"code\nOK-0001\nOK-0001\n", content_type="text/csv")
    page = client.post(url, {"file": bad}).content.decode()
    assert "Nothing was added" in page
    assert "Line 3: repeats the code on line 2." in page
    assert not PartnerCode.objects.exists()

    good = SimpleUploadedFile("codes.csv", csv_of(codes(25)), content_type="text/csv")
    response = client.post(url, {"file": good}, follow=True)
    assert "25 code(s) added to A year of The Deccan Review." in response.content.decode()
    assert PartnerCode.objects.filter(pool=pool).count() == 25


_code = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{2,20}", fullmatch=True)


@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(_code, min_size=1, max_size=30, unique_by=str.casefold), header=st.booleans()
)
def test_any_file_of_distinct_codes_reads_back_exactly_with_its_line_numbers(values, header):
    # A first code that reads like a header would be skipped as one; the rule says so.
    assume(values[0].lower() not in {"code", "codes"})
    lines = read_code_file(csv_of(values, header=header))
    assert [line.code for line in lines] == values
    assert [line.line for line in lines] == list(range(1 + header, len(values) + 1 + header))


@settings(max_examples=80, deadline=None)
@given(values=st.lists(_code, min_size=2, max_size=30, unique_by=str.casefold), data=st.data())
def test_any_repeated_code_is_refused_naming_both_lines(values, data):
    assume(values[0].lower() not in {"code", "codes"})
    repeat_of = data.draw(st.integers(min_value=0, max_value=len(values) - 1))
    with_repeat = [*values, values[repeat_of]]
    with pytest.raises(CodeFileError) as caught:
        read_code_file(csv_of(with_repeat, header=False))
    assert caught.value.problems == [
        f"Line {len(with_repeat)}: repeats the code on line {repeat_of + 1}."
    ]


def test_codes_that_differ_only_in_letter_case_or_spaces_are_one_code():
    pool = make_pool(count=0)
    raw = b"code\nDR-AAAA-0001\n dr-aaaa-0001 \nDR-AAAA-0002\n"

    assert problems(pool, raw) == ["Line 3: repeats the code on line 2."]
    assert not PartnerCode.objects.exists()


def test_a_code_already_in_the_pool_in_other_letters_is_refused():
    pool = make_pool(count=0)
    upload(pool, b"DR-AAAA-0001\n")

    assert problems(pool, b"dr-aaaa-0001\nDR-AAAA-0002\n") == [
        "Line 1: this code is already in the pool."
    ]
    assert list(PartnerCode.objects.values_list("code", flat=True)) == ["DR-AAAA-0001"]


def test_a_partner_with_case_sensitive_codes_keeps_them_apart(settings):
    settings.PARTNER_CODES_CASE_SENSITIVE = True
    pool = make_pool(count=0)

    assert upload(pool, b"DR-aaaa-0001\nDR-AAAA-0001\n") == 2
    assert sorted(PartnerCode.objects.values_list("code", flat=True)) == [
        "DR-AAAA-0001",
        "DR-aaaa-0001",
    ]


def test_one_report_names_every_refused_line_in_the_file_and_in_the_pool():
    pool = make_pool(count=0)
    upload(pool, b"OLD-0001\nOLD-0002\n")
    raw = b"code\nNEW-0001\nold-0001\nNEW-0001\nno way\nOLD-0002\n"

    assert problems(pool, raw) == [
        "Line 3: this code is already in the pool.",
        "Line 4: repeats the code on line 2.",
        "Line 5: not a code. Codes are 3–128 letters, digits, dots, hyphens or underscores, "
        "starting with a letter or digit.",
        "Line 6: this code is already in the pool.",
    ]
    assert sorted(PartnerCode.objects.values_list("code", flat=True)) == ["OLD-0001", "OLD-0002"]
