"""Uploading editions: rendering, refusals that say which problem, atomic replacement."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from masthead.epaper import rendering, services
from masthead.epaper.models import Edition, EditionPage, EditionStatus
from masthead.epaper.rendering import Refusal
from masthead.epaper.services import EditionRefused
from masthead.epaper.tests.conftest import (
    DATE,
    HEADLINE,
    edition_pdf,
    encrypted_pdf,
    killed_mid_render,
    lease_ago,
    owner_locked_pdf,
    stored_files,
)

pytestmark = pytest.mark.django_db


def upload(path: Path, *, name: str = "Mumbai", render_now: bool = True) -> Edition:
    return services.receive_edition(
        path=path,
        filename=path.name,
        date=DATE,
        name=name,
        uploaded_by=None,
        render_now=render_now,
    )


def width_of(edition: Edition, number: int, size: str) -> int:
    content = services.storage().open(services.page_path(edition, number, size)).read()
    with Image.open(io.BytesIO(content)) as image:
        return image.width


def test_an_upload_renders_every_page_at_two_sizes_and_a_thumbnail_with_its_text(
    tmp_path: Path,
) -> None:
    edition = upload(edition_pdf(tmp_path, pages=3))

    assert edition.status == EditionStatus.READY
    assert edition.page_count == 3
    pages = list(EditionPage.objects.filter(edition=edition))
    assert [p.number for p in pages] == [1, 2, 3]
    assert HEADLINE in " ".join(pages[0].text.split())
    for number in (1, 2, 3):
        assert width_of(edition, number, "large") == rendering.LARGE_WIDTH
        assert width_of(edition, number, "medium") == rendering.MEDIUM_WIDTH
        assert width_of(edition, number, "thumb") == rendering.THUMB_WIDTH


def test_an_upload_through_the_background_task_publishes_after_commit(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        edition = upload(edition_pdf(tmp_path, pages=2), render_now=False)
    assert edition.status == EditionStatus.PROCESSING
    assert len(callbacks) == 1

    callbacks[0]()  # the worker picks it up (tests run tasks immediately)

    edition.refresh_from_db()
    assert edition.status == EditionStatus.READY
    assert edition.pages.count() == 2


def _png(tmp_path: Path) -> Path:
    path = tmp_path / "front.pdf"  # named .pdf, but a picture
    Image.new("RGB", (10, 10), "white").save(path, "PNG")
    return path


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    return path


def _corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    return path


def _truncated(tmp_path: Path) -> Path:
    whole = edition_pdf(tmp_path, pages=2).read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole[:200])
    return path


@pytest.mark.parametrize(
    ("make", "reason", "words"),
    [
        (_empty, Refusal.EMPTY, "The file is empty"),
        (_png, Refusal.NOT_PDF, "not a PDF (it looks like a PNG image)"),
        (encrypted_pdf, Refusal.ENCRYPTED, "The PDF is encrypted"),
        (_corrupt, Refusal.CORRUPT, "The PDF is corrupt"),
        (_truncated, Refusal.CORRUPT, "The PDF is corrupt"),
    ],
    ids=["empty", "not-pdf", "encrypted", "corrupt", "truncated"],
)
def test_a_bad_file_is_refused_saying_which_problem_and_leaves_nothing_behind(
    tmp_path: Path, epaper_storage: Path, make: Any, reason: str, words: str
) -> None:
    with pytest.raises(EditionRefused) as refused:
        upload(make(tmp_path))

    assert refused.value.reason == reason
    assert words in refused.value.messages[0]
    assert Edition.objects.count() == 0
    assert stored_files(epaper_storage) == []


def test_a_pdf_locked_only_by_an_owner_password_is_refused_saying_so(
    tmp_path: Path, epaper_storage: Path
) -> None:
    with pytest.raises(EditionRefused) as refused:
        upload(owner_locked_pdf(tmp_path))
    with pytest.raises(EditionRefused) as needs_password:
        upload(encrypted_pdf(tmp_path))

    message = refused.value.messages[0]
    assert refused.value.reason == Refusal.ENCRYPTED
    assert "opens without a password, but an owner password restricts it" in message
    assert "Export it again without a password or security settings" in message
    assert "it needs a password to open" in needs_password.value.messages[0]
    assert message != needs_password.value.messages[0]
    assert Edition.objects.count() == 0
    assert stored_files(epaper_storage) == []


def test_uploading_again_replaces_the_edition_and_its_files(
    tmp_path: Path, epaper_storage: Path, django_capture_on_commit_callbacks: Any
) -> None:
    first = upload(edition_pdf(tmp_path, pages=3))
    with django_capture_on_commit_callbacks(execute=True):
        second = upload(edition_pdf(tmp_path, pages=2, headline="Corrected front page"))

    published = Edition.objects.get(status=EditionStatus.READY)
    assert published.pk == second.pk
    assert published.page_count == 2
    assert not Edition.objects.filter(pk=first.pk).exists()
    assert not EditionPage.objects.filter(edition_id=first.pk).exists()
    uploads = {p.relative_to(epaper_storage).parts[5] for p in stored_files(epaper_storage)}
    assert uploads == {Path(second.folder).name}


def test_a_failed_render_keeps_the_published_edition_and_removes_the_new_files(
    tmp_path: Path, epaper_storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = upload(edition_pdf(tmp_path, pages=2))

    def breaks_on_page_two(path: Path) -> Any:
        """PDFium failing mid-edition cannot be provoked with a file that passed the checks:
        this stands in for it after the first page has rendered."""
        pages = original(path)
        yield next(pages)
        raise rendering.PdfRefused(Refusal.CORRUPT, "page 2 cannot be drawn")

    original = rendering.render_pages
    monkeypatch.setattr(rendering, "render_pages", breaks_on_page_two)
    failed = upload(edition_pdf(tmp_path, pages=3, headline="Broken"))

    assert failed.status == EditionStatus.FAILED
    assert "page 2 cannot be drawn" in failed.error
    assert not failed.pages.exists()
    assert Edition.objects.get(status=EditionStatus.READY).pk == published.pk
    assert published.pages.count() == 2
    assert not (epaper_storage / failed.folder).exists()
    assert (epaper_storage / services.page_path(published, 2, "large")).exists()


def test_an_older_upload_finishing_last_does_not_replace_a_newer_one(tmp_path: Path) -> None:
    older = upload(edition_pdf(tmp_path, pages=2), render_now=False)
    newer = upload(edition_pdf(tmp_path, pages=3, headline="Later"), render_now=False)

    services.render_edition(edition_id=newer.pk)
    services.render_edition(edition_id=older.pk)

    assert Edition.objects.get(status=EditionStatus.READY).pk == newer.pk
    older.refresh_from_db()
    assert older.status == EditionStatus.FAILED
    assert older.error == "Replaced by a later upload."


def test_rendering_twice_is_harmless(tmp_path: Path) -> None:
    edition = upload(edition_pdf(tmp_path, pages=2))
    services.render_edition(edition_id=edition.pk)
    assert edition.pages.count() == 2


def test_a_render_retried_after_a_crash_overwrites_its_half_made_pages(
    tmp_path: Path, epaper_storage: Path
) -> None:
    edition = upload(edition_pdf(tmp_path, pages=2), render_now=False)
    # The worker died after writing page 1's large image.
    services.storage().save(services.page_path(edition, 1, "large"), io.BytesIO(b"partial"))

    services.render_edition(edition_id=edition.pk)

    edition.refresh_from_db()
    assert edition.status == EditionStatus.READY
    assert width_of(edition, 1, "large") == rendering.LARGE_WIDTH
    assert len(list((epaper_storage / edition.folder / "pages").iterdir())) == 6


def test_an_edition_whose_render_was_killed_is_rendered_again_and_published(
    tmp_path: Path,
    epaper_storage: Path,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    stuck = killed_mid_render(tmp_path, monkeypatch, pages=3)
    assert Edition.objects.get(pk=stuck.pk).status == EditionStatus.PROCESSING
    lease_ago(stuck, 16)  # the lease is 15 minutes
    fresh = upload(
        edition_pdf(tmp_path, pages=2, headline="Just in"), name="Delhi", render_now=False
    )
    lease_ago(fresh, 14)  # uploaded a while ago, still waiting for (or in) its render

    with django_capture_on_commit_callbacks(execute=True):
        assert services.recover_stale_renders() == 1

    stuck.refresh_from_db()
    assert stuck.status == EditionStatus.READY
    assert [p.number for p in stuck.pages.all()] == [1, 2, 3]
    assert len(list((epaper_storage / stuck.folder / "pages").iterdir())) == 9
    fresh.refresh_from_db()
    assert fresh.status == EditionStatus.PROCESSING
    assert fresh.render_attempt == 0
    assert not (epaper_storage / fresh.folder / "pages").exists()


def test_an_abandoned_edition_is_rendered_once_however_many_sweeps_hand_it_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    stuck = killed_mid_render(tmp_path, monkeypatch, pages=2)
    lease_ago(stuck, 60)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        swept = [services.recover_stale_renders() for _worker in range(3)]
    assert swept == [1, 0, 0]
    # The queue ran late: a later sweep handed the same attempt on again.
    lease_ago(stuck, 16)
    with django_capture_on_commit_callbacks(execute=False) as late:
        assert services.recover_stale_renders() == 1

    for task in [*callbacks, *late]:  # both tasks run
        task()

    stuck.refresh_from_db()
    assert stuck.status == EditionStatus.READY
    assert stuck.render_attempt == 2  # the killed render, then exactly one more
    assert stuck.pages.count() == 2


def test_an_edition_that_kills_its_worker_every_time_fails_after_three_renders(
    tmp_path: Path, epaper_storage: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stuck = killed_mid_render(tmp_path, monkeypatch, pages=2)
    Edition.objects.filter(pk=stuck.pk).update(render_attempt=services.MAX_RENDER_ATTEMPTS)
    lease_ago(stuck, 16)

    assert services.recover_stale_renders() == 0

    stuck.refresh_from_db()
    assert stuck.status == EditionStatus.FAILED
    assert "Rendering stopped 3 times" in stuck.error
    assert not (epaper_storage / stuck.folder).exists()


def test_the_import_command_shows_progress_and_publishes(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "epaper",
        "import",
        str(edition_pdf(tmp_path, pages=3)),
        "--date",
        DATE.isoformat(),
        "--edition",
        "Delhi",
        stdout=out,
    )
    text = out.getvalue()
    assert "rendering [##########--------------------] 1/3 pages" in text
    assert "3/3 pages" in text
    assert "Published Delhi edition, 20 Nov 2026: 3 pages." in text


def test_the_import_command_names_the_problem_with_a_bad_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="The PDF is encrypted"):
        call_command(
            "epaper",
            "import",
            str(encrypted_pdf(tmp_path)),
            "--date",
            DATE.isoformat(),
            "--edition",
            "Delhi",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="not a date"):
        call_command("epaper", "import", str(_png(tmp_path)), "--date", "25/11", "--edition", "D")
