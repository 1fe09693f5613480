"""Writing the e-paper: receive an upload, render it, publish it atomically, stamp downloads."""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.epaper import rendering
from masthead.epaper.models import Download, Edition, EditionPage, EditionStatus
from masthead.epaper.rendering import PdfRefused

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (pages done, pages in all)
SIZES = ("large", "medium", "thumb")


def storage() -> Storage:
    return storages["epaper"]


def source_path(edition: Edition) -> str:
    return f"{edition.folder}/edition.pdf"


def page_path(edition: Edition, number: int, size: str) -> str:
    return f"{edition.folder}/pages/{number:03d}-{size}.jpg"


def cover_path(edition: Edition) -> str:
    return f"{edition.folder}/cover-blurred.jpg"


class EditionRefused(ValidationError):
    """An upload that cannot become an edition. ``reason`` is a ``rendering.Refusal``."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, code=reason)
        self.reason = reason


def _clean_name(name: str) -> tuple[str, str]:
    cleaned = " ".join(name.split())
    slug = slugify(cleaned)
    if not cleaned or not slug:
        raise ValidationError("Give the edition a name made of letters, e.g. Mumbai or Delhi.")
    if len(cleaned) > 60:
        raise ValidationError("Edition names are at most 60 characters.")
    return cleaned, slug


@contextmanager
def local_copy(upload: IO[bytes] | File) -> Iterator[Path]:  # type: ignore[type-arg]
    """A file on disk for PDFium: the upload's own temporary file if it has one."""
    temporary = getattr(upload, "temporary_file_path", None)
    if callable(temporary):
        yield Path(temporary())
        return
    with tempfile.NamedTemporaryFile(prefix="edition-", suffix=".pdf") as handle:
        if hasattr(upload, "seek"):
            upload.seek(0)
        shutil.copyfileobj(upload, handle)
        handle.flush()
        yield Path(handle.name)


def receive_edition(
    *,
    path: Path,
    filename: str,
    date: dt.date,
    name: str,
    uploaded_by: User | None,
    render_now: bool = False,
    progress: Progress | None = None,
) -> Edition:
    """Check the PDF, store it and record the upload; render in the background (or now).

    A refused file raises EditionRefused saying which problem it has; nothing is stored then.
    The edition already published for this date and name stays until the new one is ready.
    """
    name, slug = _clean_name(name)
    try:
        facts = rendering.inspect_pdf(path, max_bytes=settings.EPAPER_MAX_UPLOAD_MB * 1_048_576)
    except PdfRefused as exc:
        raise EditionRefused(exc.message, exc.reason) from exc
    folder = f"editions/{date:%Y/%m/%d}/{slug}/{secrets.token_hex(8)}"
    stored = storage()
    with path.open("rb") as handle:
        stored.save(f"{folder}/edition.pdf", File(handle))
    try:
        with transaction.atomic():
            edition = Edition.objects.create(
                date=date,
                name=name,
                slug=slug,
                folder=folder,
                source_name=Path(filename).name[:255],
                source_bytes=facts.size_bytes,
                page_count=facts.page_count,
                uploaded_by=uploaded_by,
            )
            if not render_now:
                from masthead.epaper.tasks import render_edition_task

                transaction.on_commit(partial(render_edition_task.enqueue, edition_id=edition.pk))
    except Exception:
        _delete_folder(folder)
        raise
    if render_now:
        render_edition(edition_id=edition.pk, progress=progress)
        edition.refresh_from_db()
    return edition


def render_edition(*, edition_id: int, progress: Progress | None = None) -> None:
    """Render every page, then publish. Idempotent: an edition no longer processing is left
    alone, and a retry starts its pages again. On any failure the upload's files and pages go
    and the row says why; the edition readers had stays published."""
    edition = Edition.objects.filter(pk=edition_id, status=EditionStatus.PROCESSING).first()
    if edition is None:
        return
    stored = storage()
    # A retry after a crash starts clean: local storage would rename, not overwrite, old files.
    EditionPage.objects.filter(edition=edition).delete()
    _delete_folder(f"{edition.folder}/pages")
    stored.delete(cover_path(edition))
    pages: list[EditionPage] = []
    try:
        with tempfile.TemporaryDirectory(prefix="edition-") as scratch:
            local = Path(scratch) / "edition.pdf"
            with stored.open(source_path(edition), "rb") as source, local.open("wb") as out:
                shutil.copyfileobj(source, out)
            total = edition.page_count
            for page in rendering.render_pages(local):
                for size in SIZES:
                    stored.save(
                        page_path(edition, page.number, size),
                        ContentFile(getattr(page, size)),
                    )
                if page.number == 1:
                    stored.save(
                        cover_path(edition), ContentFile(rendering.blurred_cover(page.medium))
                    )
                pages.append(
                    EditionPage(
                        edition=edition,
                        number=page.number,
                        width_pt=page.width_pt,
                        height_pt=page.height_pt,
                        text=page.text,
                    )
                )
                if progress:
                    progress(page.number, total)
    except PdfRefused as exc:
        _fail(edition, exc.message)
        return
    except Exception as exc:
        logger.exception("e-paper edition %s failed to render", edition.pk)
        _fail(edition, f"Rendering failed ({type(exc).__name__}). Try the upload again.")
        return
    if not pages:
        _fail(
            edition, rendering.REFUSAL_MESSAGES[rendering.Refusal.EMPTY].format(detail="no pages")
        )
        return
    _publish(edition, pages)


def _publish(edition: Edition, pages: list[EditionPage]) -> None:
    replaced: list[str] = []
    with transaction.atomic():
        # Lock this date and name's rows: two uploads finishing at once publish one at a time.
        rivals = list(
            Edition.objects.select_for_update()
            .filter(date=edition.date, slug=edition.slug)
            .exclude(pk=edition.pk)
            .order_by("pk")
        )
        current = Edition.objects.select_for_update().filter(pk=edition.pk).first()
        if current is None or current.status != EditionStatus.PROCESSING:
            # Deleted (or settled) while it rendered: what it wrote goes too.
            transaction.on_commit(partial(_delete_folder, edition.folder))
            return
        newer = [r for r in rivals if r.status == EditionStatus.READY and r.pk > edition.pk]
        if newer:
            # A later upload was published first: it wins; this one is dropped.
            Edition.objects.filter(pk=edition.pk).update(
                status=EditionStatus.FAILED, error="Replaced by a later upload."
            )
            transaction.on_commit(partial(_delete_folder, edition.folder))
            return
        for rival in rivals:
            if rival.status == EditionStatus.READY:
                replaced.append(rival.folder)
                rival.delete()
        EditionPage.objects.bulk_create(pages)
        Edition.objects.filter(pk=edition.pk).update(
            status=EditionStatus.READY,
            page_count=len(pages),
            published_at=timezone.now(),
            error="",
        )
        for folder in replaced:
            transaction.on_commit(partial(_delete_folder, folder))


def _fail(edition: Edition, message: str) -> None:
    with transaction.atomic():
        EditionPage.objects.filter(edition=edition).delete()
        Edition.objects.filter(pk=edition.pk).update(status=EditionStatus.FAILED, error=message)
    _delete_folder(edition.folder)


def _delete_folder(folder: str) -> None:
    stored = storage()
    try:
        directories, files = stored.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        stored.delete(f"{folder}/{name}")
    for name in directories:
        _delete_folder(f"{folder}/{name}")
    location = getattr(stored, "location", None)
    if location:  # a local folder: remove the now-empty directories too
        with_root = Path(location) / folder
        shutil.rmtree(with_root, ignore_errors=True)


def delete_edition(*, edition: Edition) -> None:
    """Remove an edition and, once that has committed, its files."""
    folder = edition.folder
    with transaction.atomic():
        edition.delete()
        transaction.on_commit(partial(_delete_folder, folder))


@dataclass(frozen=True, slots=True)
class StampedFile:
    content: bytes
    filename: str
    reference: str


def stamped_download(
    *, edition: Edition, user: User, page_number: int | None = None
) -> StampedFile:
    """The edition (or one page) as a PDF carrying the reader's identity; the download is
    recorded under the reference printed in its footer."""
    if page_number is not None and not 1 <= page_number <= edition.page_count:
        raise ValidationError(f"This edition has pages 1 to {edition.page_count}.")
    reference = "D" + secrets.token_hex(5).upper()
    Download.objects.create(
        user=user,
        edition_date=edition.date,
        edition_slug=edition.slug,
        page_number=page_number,
        reference=reference,
    )
    with storage().open(source_path(edition), "rb") as source:
        content = source.read()
    licensee = rendering.Licensee(
        name=user.get_full_name() or user.get_username(),
        email=user.email,
        reference=reference,
        at=timezone.localtime(),
        publisher=settings.PUBLISHER_NAME,
    )
    stamped = rendering.stamped_pdf(
        content, licensee=licensee, page_numbers=[page_number] if page_number else None
    )
    base = f"{slugify(settings.PUBLISHER_SHORT_NAME)}-{edition.slug}-{edition.date.isoformat()}"
    filename = f"{base}-page-{page_number}.pdf" if page_number else f"{base}.pdf"
    return StampedFile(content=stamped, filename=filename, reference=reference)
