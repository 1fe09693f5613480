"""Writing the e-paper: receive an upload, render it, publish it atomically, stamp downloads."""

from __future__ import annotations

import datetime as dt
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
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from masthead.epaper import rendering
from masthead.epaper.models import Download, Edition, EditionPage, EditionStatus
from masthead.epaper.rendering import PdfRefused

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (pages done, pages in all)
SIZES = ("large", "medium", "thumb")
# An edition that stopped its worker this many times (out of memory, say) fails instead of
# taking down the next worker too.
MAX_RENDER_ATTEMPTS = 3


def render_lease() -> dt.timedelta:
    """How long a render may go without finishing a page before it counts as abandoned."""
    return dt.timedelta(minutes=settings.EPAPER_RENDER_LEASE_MINUTES)


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
                render_lease_at=timezone.now(),
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


class _Superseded(Exception):
    """A newer attempt took this edition's render over: this one leaves everything to it."""


def render_edition(*, edition_id: int, attempt: int = 0, progress: Progress | None = None) -> None:
    """Render every page, then publish. Idempotent: an edition no longer processing is left
    alone, and a retry starts its pages again. On any failure the upload's files and pages go
    and the row says why; the edition readers had stays published.

    ``attempt`` is the edition's ``render_attempt`` when this render was asked for: the render
    claims the edition by moving it on by one (a conditional UPDATE), so of two tasks for the
    same attempt only one renders, and a render that was given up on and handed to a new
    attempt stops at its next page without touching the new attempt's files.
    """
    mine = attempt + 1
    claimed = Edition.objects.filter(
        pk=edition_id, status=EditionStatus.PROCESSING, render_attempt=attempt
    ).update(render_attempt=mine, render_lease_at=timezone.now())
    edition = Edition.objects.filter(pk=edition_id).first() if claimed else None
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
                # The heartbeat: this render is alive, and still the one that counts.
                alive = Edition.objects.filter(pk=edition.pk, render_attempt=mine).update(
                    render_lease_at=timezone.now()
                )
                if not alive:
                    raise _Superseded
                if progress:
                    progress(page.number, total)
    except _Superseded:
        logger.warning("e-paper edition %s: render attempt %s was superseded", edition.pk, mine)
        return
    except PdfRefused as exc:
        _fail(edition, exc.message, attempt=mine)
        return
    except Exception as exc:
        logger.exception("e-paper edition %s failed to render", edition.pk)
        _fail(
            edition, f"Rendering failed ({type(exc).__name__}). Try the upload again.", attempt=mine
        )
        return
    if not pages:
        _fail(
            edition,
            rendering.REFUSAL_MESSAGES[rendering.Refusal.EMPTY].format(detail="no pages"),
            attempt=mine,
        )
        return
    _publish(edition, pages, attempt=mine)


def recover_stale_renders(*, now: dt.datetime | None = None) -> int:
    """The worker's sweep: render again every edition left processing without a sign of life
    for longer than the lease (its worker was killed mid-render). Returns how many were handed
    on. Safe with several workers: each stale row is claimed with a conditional UPDATE on what
    was read, so one sweep wins it, and the render's own claim stops a second render."""
    from masthead.epaper.tasks import render_edition_task

    now = now or timezone.now()
    cutoff = now - render_lease()
    stale = list(
        Edition.objects.filter(status=EditionStatus.PROCESSING)
        .filter(
            Q(render_lease_at__lt=cutoff) | Q(render_lease_at__isnull=True, created_at__lt=cutoff)
        )
        .order_by("pk")
        .values_list("pk", "render_attempt", "render_lease_at")
    )
    recovered = 0
    for pk, attempt, lease_at in stale:
        # Stamping the lease also keeps the next sweeps off it while the task waits its turn.
        claimed = Edition.objects.filter(
            pk=pk, status=EditionStatus.PROCESSING, render_attempt=attempt, render_lease_at=lease_at
        ).update(render_lease_at=now)
        if not claimed:
            continue  # another worker's sweep took it, or the render showed a sign of life
        if attempt >= MAX_RENDER_ATTEMPTS:
            logger.error("e-paper edition %s: gave up after %s renders", pk, attempt)
            _fail(
                Edition.objects.get(pk=pk),
                f"Rendering stopped {attempt} times before finishing (the worker was stopped "
                "or ran out of memory). Try the upload again, or a smaller file.",
                attempt=attempt,
            )
            continue
        logger.warning("e-paper edition %s: render abandoned; rendering it again", pk)
        transaction.on_commit(partial(render_edition_task.enqueue, edition_id=pk, attempt=attempt))
        recovered += 1
    return recovered


def _publish(edition: Edition, pages: list[EditionPage], *, attempt: int) -> None:
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
        if current is not None and current.render_attempt != attempt:
            return  # a newer attempt owns this edition and its folder now
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


def _fail(edition: Edition, message: str, *, attempt: int) -> None:
    with transaction.atomic():
        failed = Edition.objects.filter(pk=edition.pk, render_attempt=attempt).update(
            status=EditionStatus.FAILED, error=message
        )
        if failed:
            EditionPage.objects.filter(edition=edition).delete()
        # A newer attempt owns the folder: leave it. A deleted row's files go.
        superseded = not failed and Edition.objects.filter(pk=edition.pk).exists()
    if not superseded:
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
    # Only a local folder leaves empty directories behind. Object stores (S3) have none, and
    # their ``location`` is a key prefix, not a path here: never test for that attribute.
    if isinstance(stored, FileSystemStorage):
        shutil.rmtree(stored.path(folder), ignore_errors=True)


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
