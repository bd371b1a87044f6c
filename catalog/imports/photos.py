"""Photos for many products at once: several files, or one ZIP of them, each matched to one of the seller's products
by the SKU its name starts with, and added in the background exactly as one photo is added on the product page
(``catalog.images.product_image_add``: JPEG or PNG by content, size, the camera photo fit for the photobank, at most
6 photos, never the same one twice, a product that can be edited now).

Names: ``JUTE-001.jpg`` is a photo of the product whose SKU is ``JUTE-001``; ``JUTE-001-2.jpg`` (or ``_2``, or a
space) is another one, added after it. The whole name (without its extension) is tried as a SKU first, so a SKU
that itself ends in ``-2`` still matches; letter case does not matter. Only the seller's own products are matched:
another seller's SKU is "no product of yours". Files hidden by the system that packed the ZIP (``__MACOSX/``,
``.DS_Store``, names starting with a dot) are left out.

Limits, checked when the upload is received, before anything is stored (``PhotoImportRefused``): the number of
photos, the upload's size, and for a ZIP what it declares it unpacks to (each photo at most the photo limit, all of
them together, and an implausible compression ratio: a "zip bomb" is refused unread). Each file's result (the product
it matched, added, or exactly why not) is a ``PhotoImportFile``; the uploaded files are removed as they are read.
A job is claimed once (``queued`` → ``running``), so a message delivered twice adds each photo once; a file already
read is not read again.
"""

import contextlib
import re
import uuid
import zipfile
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.errors import ImportNotAllowed, PhotoImportRefused
from catalog.models import ImportStatus, PhotoFileStatus, PhotoImportFile, PhotoImportJob, Product
from dxports import photos, uploads
from dxports.errors import ApplicationError

ZIP_MAGIC = b"PK\x03\x04"
MAX_ZIP_ENTRIES = 2000
MAX_COMPRESSION_RATIO = 100  # photos hardly compress at all; a bomb compresses hundreds of times
RATIO_CHECKED_FROM = 1024 * 1024
NUMBERED = re.compile(r"^(?P<sku>.+?)[-_ ](?P<number>\d{1,2})$")
EXTENSION = re.compile(r"\.(jpe?g|png)$", re.IGNORECASE)


def max_files():
    return settings.CATALOG_PHOTO_IMPORT_MAX_FILES


def max_bytes():
    return settings.CATALOG_PHOTO_IMPORT_MAX_BYTES


def max_unzipped_bytes():
    return settings.CATALOG_PHOTO_IMPORT_MAX_UNZIPPED_BYTES


# Names ----------------------------------------------------------------------------------------------------------------


def _stem(name):
    return EXTENSION.sub("", name).strip()


def sort_key(name):
    """Files in the order they are added: by SKU, then the unnumbered photo, then by number."""
    stem = _stem(name).casefold()
    numbered = NUMBERED.match(stem)
    if numbered:
        return (numbered["sku"], int(numbered["number"]), stem)
    return (stem, 0, stem)


def _candidates(name):
    """The SKUs a file ``name`` may be of: its whole name, then its name without the number."""
    stem = _stem(name)
    numbered = NUMBERED.match(stem)
    return [stem, numbered["sku"]] if numbered else [stem]


def match_product(*, seller, name):
    """The seller's product whose SKU the file ``name`` starts with (see the module's docstring), or None."""
    for candidate in filter(None, _candidates(name)):
        products = list(Product.objects.filter(seller=seller, sku__iexact=candidate).order_by("pk")[:10])
        if products:
            return next((product for product in products if product.sku == candidate), products[0])
    return None


def _hidden(entry):
    parts = entry.replace("\\", "/").split("/")
    return "__MACOSX" in parts or any(part.startswith(".") for part in parts if part)


# Receiving the upload ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    name: str
    entry: str
    size: int


def _zip_entries(raw):
    """The photos a ZIP declares, checked against the limits before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PhotoImportRefused(_("This ZIP file is damaged: it cannot be opened. Pack the photos again.")) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise PhotoImportRefused(
                _("The ZIP holds %(count)d files; at most %(limit)d photos can be added at once.")
                % {"count": len(infos), "limit": max_files()}
            )
        entries = []
        total = 0
        for info in infos:
            if info.is_dir() or _hidden(info.filename):
                continue
            name = uploads.display_name(info.filename, default="?")
            if info.file_size > photos.max_upload_bytes():
                raise PhotoImportRefused(photos.too_large_message(name, info.file_size))
            if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_COMPRESSION_RATIO * max(
                info.compress_size, 1
            ):
                raise PhotoImportRefused(
                    _("This ZIP file is compressed implausibly well (a “zip bomb”): it is not read.")
                )
            total += info.file_size
            entries.append(_Entry(name=name, entry=info.filename, size=info.file_size))
    if total > max_unzipped_bytes():
        raise PhotoImportRefused(
            _("This ZIP file unpacks to %(size)d MB; at most %(limit)d MB of photos can be added at once.")
            % {"size": total // 2**20, "limit": max_unzipped_bytes() // 2**20}
        )
    raw.seek(0)
    return entries


def photo_import_create(*, seller, actor, uploaded):
    """Checks the uploaded files (a list of Django ``File``: photos, or one ZIP of photos) against the limits, stores
    them under generated names and queues the job (after commit). ``PhotoImportRefused`` says what is wrong with the
    upload as a whole; ``ImportNotAllowed`` for a seller not in the program."""
    from catalog import services
    from catalog.tasks import catalog_photo_import_run

    if not seller.is_in_program:
        raise ImportNotAllowed(
            _("Your business can add photos once it is approved; it is “%(status)s”.")
            % {"status": seller.get_status_display()}
        )
    files = [each for each in uploaded if each is not None]
    if not files:
        raise PhotoImportRefused(_("Choose the photos, or one ZIP file of them."))
    heads = []
    for each in files:
        each.seek(0)
        heads.append(each.read(4))
        each.seek(0)
    is_zip = [head.startswith(ZIP_MAGIC) for head in heads]
    size = sum(each.size or 0 for each in files)
    if any(is_zip) and len(files) > 1:
        raise PhotoImportRefused(_("Upload one ZIP file, or photos without a ZIP, not both at once."))
    if size > max_bytes():
        raise PhotoImportRefused(
            _("The upload is %(size).1f MB; at most %(limit)d MB can be added at once. Upload fewer photos at a time.")
            % {"size": size / 2**20, "limit": max_bytes() // 2**20}
        )
    if is_zip[0]:
        entries = _zip_entries(files[0])
    else:
        entries = [_Entry(name=photos.name_of(each), entry="", size=each.size or 0) for each in files]
        for entry in entries:
            if entry.size > photos.max_upload_bytes():
                raise PhotoImportRefused(photos.too_large_message(entry.name, entry.size))
    if not entries:
        raise PhotoImportRefused(_("The ZIP file holds no photos."))
    if len(entries) > max_files():
        raise PhotoImportRefused(
            _("There are %(count)d photos; at most %(limit)d can be added at once. Upload them in several parts.")
            % {"count": len(entries), "limit": max_files()}
        )
    services.storage_check(seller=seller, adding=size, error=PhotoImportRefused)
    order = sorted(range(len(entries)), key=lambda index: sort_key(entries[index].name))
    with transaction.atomic():
        job = PhotoImportJob(
            seller=seller,
            created_by=actor,
            original_name=photos.name_of(files[0])[:255],
            total_files=len(entries),
        )
        folder = f"{seller.public_id}/{uuid.uuid4().hex}"
        if is_zip[0]:
            job.archive.save(f"{folder}/photos.zip", files[0], save=False)
        job.save()
        rows = []
        for position, index in enumerate(order):
            row = PhotoImportFile(
                job=job,
                position=position,
                name=entries[index].name,
                entry=entries[index].entry,
                size=entries[index].size,
            )
            if not is_zip[0]:
                row.file.save(f"{folder}/{position}", files[index], save=False)
            rows.append(row)
        PhotoImportFile.objects.bulk_create(rows)
        transaction.on_commit(lambda: catalog_photo_import_run.delay(job.pk))
    return job


# The job ------------------------------------------------------------------------------------------------------------


def _claim(job_id):
    now = timezone.now()
    if PhotoImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now
    ):
        return PhotoImportJob.objects.select_related("seller", "created_by").get(pk=job_id)
    stale = now - timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))
    if PhotoImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING, started_at__lt=stale).update(
        started_at=now
    ):
        return PhotoImportJob.objects.select_related("seller", "created_by").get(pk=job_id)
    return None


def _read(row, archive):
    """The file's content (at most the photo limit and one byte: the refusal says how large it is)."""
    limit = photos.max_upload_bytes() + 1
    if archive is not None:
        with archive.open(row.entry) as entry:
            return entry.read(limit)
    with row.file.open("rb") as stored:
        return stored.read(limit)


def _add(job, row, archive):
    """Adds one file's photo; returns (status, product, message)."""
    from catalog import images

    product = match_product(seller=job.seller, name=row.name)
    if product is None:
        return (
            PhotoFileStatus.REFUSED,
            None,
            _(
                "No product of yours has the SKU %(skus)s. Name each photo after its product's SKU, for example "
                "“JUTE-001.jpg”, and “JUTE-001-2.jpg” for its second photo."
            )
            % {"skus": _(" or ").join(f"“{candidate}”" for candidate in _candidates(row.name))},
        )
    try:
        data = _read(row, archive)
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError):
        # RuntimeError: an encrypted entry; NotImplementedError: a compression method zipfile does not know.
        return PhotoFileStatus.REFUSED, product, _("This file cannot be read from the ZIP (damaged or encrypted).")
    try:
        images.product_image_add(product=product, actor=job.created_by, uploaded=ContentFile(data, name=row.name))
    except ApplicationError as error:
        return PhotoFileStatus.REFUSED, product, str(error.message)
    return PhotoFileStatus.ADDED, product, ""


def photo_import_run(*, job_id):
    """Adds a queued job's photos, one file at a time, recording each file's result as it goes (the page shows the
    progress). Safe to run twice (see the module's docstring)."""
    job = _claim(job_id)
    if job is None:
        return None
    with contextlib.ExitStack() as stack:
        archive = None
        if job.archive:
            try:
                archive = stack.enter_context(zipfile.ZipFile(stack.enter_context(job.archive.open("rb"))))
            except (zipfile.BadZipFile, OSError) as exc:
                PhotoImportJob.objects.filter(pk=job.pk).update(
                    status=ImportStatus.FAILED,
                    finished_at=timezone.now(),
                    message=_("The ZIP file cannot be read (%(error)s).") % {"error": exc},
                )
                return PhotoImportJob.objects.get(pk=job.pk)
        for row in job.files.filter(status=PhotoFileStatus.WAITING).order_by("position"):
            status, product, message = _add(job, row, archive)
            _record(job, row, status=status, product=product, message=message)
    _remove_uploads(job)
    PhotoImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, finished_at=timezone.now())
    return PhotoImportJob.objects.get(pk=job.pk)


def _record(job, row, *, status, product, message):
    with transaction.atomic():
        if not PhotoImportFile.objects.filter(pk=row.pk, status=PhotoFileStatus.WAITING).update(
            status=status, product=product, message=message
        ):
            return
        counter = "added_count" if status == PhotoFileStatus.ADDED else "failed_count"
        PhotoImportJob.objects.filter(pk=job.pk).update(
            processed_files=F("processed_files") + 1, **{counter: F(counter) + 1}
        )
    if row.file:
        row.file.storage.delete(row.file.name)


def _remove_uploads(job):
    if job.archive:
        job.archive.storage.delete(job.archive.name)
    for row in job.files.exclude(file=""):
        row.file.storage.delete(row.file.name)
    PhotoImportJob.objects.filter(pk=job.pk).update(archive="")
    PhotoImportFile.objects.filter(job=job).update(file="")
