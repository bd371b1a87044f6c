"""The import job: upload, background run in batches, the bulk write through the services, redrive."""

import codecs
import contextlib
import csv
import io
import logging
import sqlite3
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import services
from catalog.errors import FileRejected, ImportNotAllowed
from catalog.imports.columns import BY_KEY, ERRORS_COLUMN, ERRORS_HEADER
from catalog.imports.export import safe_cell
from catalog.imports.files import (
    max_bytes,
    max_rows,
    open_table,
    read_header,
    readable,
    row_values,
    sniff_format,
    width_problem,
)
from catalog.imports.rows import Catalog, Row, attribute_key, check_row, current_values, parse_row
from catalog.models import (
    OFFLINE_EDIT_STATES,
    ImportJob,
    ImportStatus,
    PhotoImportJob,
    Product,
    ProductStatus,
)

logger = logging.getLogger("dxports.catalog.imports")


BATCH_SIZE = 500


# Applying a batch -----------------------------------------------------------------------------------------------------


def _jsonable(name, value):
    if name == "category":
        return value.category_id if value is not None else None
    return value


def _tiers_json(tiers):
    return [[quantity, str(price)] for quantity, price in tiers]


def _attributes_json(attributes):
    return [[attribute.attribute_id, value_id, value_name] for attribute, value_id, value_name in attributes]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0

    def add(self, other):
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors += other.errors


def _changes(row, product, catalog):
    """``{field: [before, after]}`` of what the row changes in ``product``."""
    changes = {}
    for name, value in row.fields.items():
        before = getattr(product, name)
        if name == "category":
            if (before.pk if before else None) != (value.pk if value else None):
                changes[name] = [_jsonable(name, before), _jsonable(name, value)]
        elif before != value:
            changes[name] = [before, value]
    current = current_values(product)
    if row.tiers is not None and current["tiers"] != row.tiers:
        changes["price_tiers"] = [_tiers_json(current["tiers"]), _tiers_json(row.tiers)]
    attributes = row.attributes
    if attributes is None and "category" in changes:
        attributes = []  # a new category drops the old one's attributes, as in the dashboard
    if attributes is not None and Counter(map(attribute_key, current["attributes"])) != Counter(
        map(attribute_key, attributes)
    ):
        changes["attributes"] = [_attributes_json(current["attributes"]), _attributes_json(attributes)]
    return changes, attributes


def apply_batch(*, job, rows, catalog, actor):
    """Checks and writes one batch of parsed rows in one transaction: new products with ``bulk_create``, changed
    ones with ``bulk_update``, their price tiers and attributes replaced, one audit row per created or changed
    product. Returns the counts and the rows refused."""
    counts = Counts()
    refused = []
    reason = _("Imported from %(name)s") % {"name": job.original_name}
    with transaction.atomic():
        existing = {
            product.sku: product
            for product in Product.objects.select_for_update(of=("self",))
            .filter(seller_id=job.seller_id, sku__in=[row.sku for row in rows])
            .select_related("category")
            .order_by("pk")  # one locking order for every writer
        }
        prefetch_related_objects(list(existing.values()), "price_tiers", "attribute_values__attribute")
        created, updated = [], []  # (row, attributes), (row, product, changes, attributes)
        for row in rows:
            row.errors = list(row.parse_errors)
            product = existing.get(row.sku)
            invalid = check_row(row, product, catalog)
            changes: dict[str, list[Any]] = {}
            attributes = None
            if product is not None and not row.errors:
                changes, attributes = _changes(row, product, catalog)
                if not changes:
                    # Equal to the product: nothing is written, so nothing invalid can be, whatever the product
                    # holds already (a draft edited in the dashboard may hold a value the rules refuse).
                    counts.unchanged += 1
                    continue
            row.errors += invalid
            if row.errors:
                refused.append(row)
            elif product is None:
                created.append((row, row.attributes or []))
            elif product.status not in OFFLINE_EDIT_STATES:
                row.error(
                    "sku",
                    _(
                        "The product %(sku)s is “%(status)s”: an import does not change products that are on "
                        "Alibaba.com, on their way there or blocked. Edit it in the dashboard."
                    )
                    % {"sku": row.sku, "status": ProductStatus(product.status).label},
                )
                refused.append(row)
            else:
                updated.append((row, product, changes, attributes))
        counts.errors = len(refused)

        services.products_bulk_save(
            seller=job.seller,
            actor=actor,
            reason=reason,
            import_job=job,
            creates=[
                services.BulkCreate(fields=row.fields, tiers=row.tiers or [], attributes=attributes)
                for row, attributes in created
            ],
            edits=[
                services.BulkEdit(
                    product=product,
                    fields=row.fields,
                    changes=changes,
                    tiers=row.tiers if "price_tiers" in changes else None,
                    attributes=attributes if "attributes" in changes else None,
                )
                for row, product, changes, attributes in updated
            ],
        )
        counts.created = len(created)
        counts.updated = len(updated)
    return counts, refused


def _apply_with_retry(*, job, rows, catalog, actor):
    try:
        return apply_batch(job=job, rows=rows, catalog=catalog, actor=actor)
    except IntegrityError:
        # A product with one of these SKUs was created meanwhile (in the dashboard): check the batch again.
        return apply_batch(job=job, rows=rows, catalog=catalog, actor=actor)


# The job --------------------------------------------------------------------------------------------------------------


def import_job_create(*, seller, actor, uploaded):
    """Stores the uploaded file under a generated name and queues its import (after commit). Refused for a seller
    that is not in the program, and for a file over the size limit."""
    from catalog.tasks import catalog_import_run

    # Sellers in the program may import drafts; publishing still needs an active seller.
    if not seller.is_in_program:
        raise ImportNotAllowed(
            _("Your business can import products once it is approved; it is “%(status)s”.")
            % {"status": seller.get_status_display()}
        )
    if uploaded.size > max_bytes():
        raise FileRejected(
            _("The file has %(size)s MB; at most %(limit)s MB can be imported at once. Split it into several files.")
            % {"size": round(uploaded.size / 2**20, 1), "limit": max_bytes() // 2**20}
        )
    services.storage_check(seller=seller, adding=uploaded.size, error=FileRejected)
    uploaded.seek(0)
    file_format = sniff_format(uploaded.read(8))
    uploaded.seek(0)
    with transaction.atomic():
        job = ImportJob(
            seller=seller,
            created_by=actor,
            original_name=(uploaded.name or "catalog").rsplit("/", 1)[-1][:255],
            file_format=file_format,
            file_size=uploaded.size,
        )
        job.file.save(f"{seller.public_id}/{uuid.uuid4().hex}.{file_format}", uploaded, save=False)
        job.save()
        transaction.on_commit(lambda: catalog_import_run.delay(job.pk))
    return job


def _claim(job_id):
    """Takes a queued job, or a running one whose worker must have died (older than the task time limit), so that a
    message delivered twice imports once at a time. Returns the job or None."""
    now = timezone.now()
    if ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=now
    ):
        return ImportJob.objects.select_related("seller", "created_by").get(pk=job_id)
    stale = now - timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))
    if ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING, started_at__lt=stale).update(started_at=now):
        return ImportJob.objects.select_related("seller", "created_by").get(pk=job_id)
    return None


def _fail(job, message):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, message=message, finished_at=timezone.now())


def _count_rows(source):
    """The first pass: every whole-file check, and the number of rows (blank ones skipped)."""
    limit = max_rows()
    with open_table(source) as (header, rows):
        read_header(header)
        total = 0
        for number, cells in rows:
            if any(cells):
                total += 1
            if total > limit or number > 2 * limit:
                raise FileRejected(
                    _("The file has more than %(limit)d rows: split it into several files.") % {"limit": limit}
                )
    return total


def import_run(*, job_id, batch_size=BATCH_SIZE):
    """Imports a queued job's file (see the module's docstring). Safe to run twice: a job is claimed once, and rows
    already imported are unchanged when read again."""
    job = _claim(job_id)
    if job is None:
        return None
    with contextlib.ExitStack() as files:
        try:
            if job.file.size > max_bytes():
                raise FileRejected(_("The file is larger than %(limit)d MB.") % {"limit": max_bytes() // 2**20})
            raw = files.enter_context(job.file.open("rb"))
            source = files.enter_context(readable(raw, file_format=job.file_format))
            total = _count_rows(source)
        except FileRejected as error:
            _fail(job, error.message)
            return ImportJob.objects.get(pk=job.pk)
        ImportJob.objects.filter(pk=job.pk).update(total_rows=total, processed_rows=0)
        try:
            counts = _import_rows(job, source, batch_size=batch_size)
        except FileRejected as error:
            _fail(job, error.message)
            return ImportJob.objects.get(pk=job.pk)
        except Exception:
            logger.exception("catalog import %s stopped", job.pk)
            _fail(
                job,
                _(
                    "The import stopped because of an error on our side. Rows before it were imported; upload the "
                    "file again to import the rest (imported rows will be unchanged)."
                ),
            )
            raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        message=_("%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(errors)d with errors.")
        % {
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "errors": counts.errors,
        },
    )
    return ImportJob.objects.get(pk=job.pk)


def _import_rows(job, source, *, batch_size):
    catalog = Catalog()
    actor = job.created_by
    counts = Counts()
    processed = 0
    with (
        # A SKU twice in one file would make the result depend on the order of the rows: later rows are refused.
        contextlib.closing(_SeenSkus()) as seen,
        open_table(source) as (header, rows),
        tempfile.TemporaryFile() as errors_file,
    ):
        table = read_header(header)
        errors_file.write(codecs.BOM_UTF8)
        errors_text = io.TextIOWrapper(errors_file, encoding="utf-8", newline="")
        writer = csv.writer(errors_text)
        error_keys = [key for key in table.keys if key and key != ERRORS_COLUMN]
        writer.writerow([BY_KEY[key].header for key in error_keys] + [ERRORS_HEADER])
        batch: list[Row] = []

        def flush():
            nonlocal processed
            batch_counts, refused = _apply_with_retry(job=job, rows=batch, catalog=catalog, actor=actor)
            counts.add(batch_counts)
            for row in refused:
                _write_error_row(writer, row, error_keys)
            processed += len(batch)
            batch.clear()
            ImportJob.objects.filter(pk=job.pk).update(
                processed_rows=processed,
                created_count=counts.created,
                updated_count=counts.updated,
                unchanged_count=counts.unchanged,
                error_count=counts.errors,
            )

        for number, cells in rows:
            if not any(cells):
                continue
            row = Row(number=number, cells=cells, values=row_values(table, cells))
            parse_row(row, catalog)
            too_wide = width_problem(table, cells, file_format=job.file_format)
            if too_wide:
                row.error("cells", too_wide)
            if row.sku:
                earlier = seen.first_row(row.sku, number)
                if earlier != number:
                    row.error("sku", _("The SKU %(sku)s is also on row %(row)d.") % {"sku": row.sku, "row": earlier})
            row.parse_errors = list(row.errors)
            batch.append(row)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
        errors_text.flush()
        errors_text.detach()
        if counts.errors:
            errors_file.seek(0)
            job.error_file.save(f"{job.seller.public_id}/{uuid.uuid4().hex}.csv", File(errors_file), save=False)
            ImportJob.objects.filter(pk=job.pk).update(
                error_file=job.error_file.name, error_file_size=errors_file.seek(0, io.SEEK_END)
            )
    return counts


class _SeenSkus:
    """The SKUs read so far with their first row, in a temporary SQLite file rather than in memory, so that memory
    does not grow with the file (SQLite keeps a bounded page cache)."""

    def __init__(self):
        self.db = sqlite3.connect("")  # "": a private temporary database on disk, deleted when closed
        self.db.execute("CREATE TABLE seen (sku TEXT PRIMARY KEY, row INTEGER) WITHOUT ROWID")

    def first_row(self, sku, number):
        if self.db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (sku, number)).rowcount:
            return number
        return self.db.execute("SELECT row FROM seen WHERE sku = ?", (sku,)).fetchone()[0]

    def close(self):
        self.db.close()


def _write_error_row(writer, row, keys):
    message = "; ".join(f"{column}: {text}" for column, text in row.errors)
    cells = [safe_cell(row.values.get(key, "")) for key in keys]
    writer.writerow([*cells, safe_cell(_("Row %(row)d — %(errors)s") % {"row": row.number, "errors": message})])


def imports_redrive(*, older_than=timedelta(minutes=2)):
    """Re-sends jobs (catalog files and photo imports) whose message was lost (queued for a while) or whose worker
    died (running past the time limit); ``import_run`` and ``photo_import_run`` claim each once."""
    from catalog.tasks import catalog_import_run, catalog_photo_import_run

    now = timezone.now()
    stale = now - timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))
    queued = ImportJob.objects.filter(status=ImportStatus.QUEUED, created_at__lt=now - older_than)
    running = ImportJob.objects.filter(status=ImportStatus.RUNNING, started_at__lt=stale)
    ids = list(queued.values_list("pk", flat=True)) + list(running.values_list("pk", flat=True))
    for job_id in ids:
        catalog_import_run.delay(job_id)
    photo_ids = list(
        PhotoImportJob.objects.filter(
            Q(status=ImportStatus.QUEUED, created_at__lt=now - older_than)
            | Q(status=ImportStatus.RUNNING, started_at__lt=stale)
        ).values_list("pk", flat=True)
    )
    for job_id in photo_ids:
        catalog_photo_import_run.delay(job_id)
    return len(ids) + len(photo_ids)


def imports_cleanup(*, now=None):
    """Beat, daily: remove the stored files of imports that failed more than ``CATALOG_IMPORT_FAILED_KEEP_DAYS`` ago
    and of finished ones older than ``CATALOG_IMPORT_KEEP_DAYS`` (the job, its counts and message stay). Returns how
    many jobs' files were removed. Safe to run twice: a job's files are removed once (``files_removed_at``)."""
    now = now or timezone.now()
    failed_before = now - timedelta(days=settings.CATALOG_IMPORT_FAILED_KEEP_DAYS)
    done_before = now - timedelta(days=settings.CATALOG_IMPORT_KEEP_DAYS)
    due = ImportJob.objects.filter(files_removed_at__isnull=True).filter(
        Q(status=ImportStatus.FAILED, created_at__lt=failed_before)
        | Q(status=ImportStatus.DONE, finished_at__lt=done_before)
    )
    removed = 0
    for job in due.iterator():
        claimed = ImportJob.objects.filter(pk=job.pk, files_removed_at__isnull=True).update(
            files_removed_at=now, file="", error_file="", file_size=0, error_file_size=0
        )
        if not claimed:
            continue
        for stored in (job.file, job.error_file):
            if stored:
                stored.storage.delete(stored.name)
        removed += 1
    if removed:
        logger.info("catalog imports: removed the files of %d old or failed import(s)", removed)
    return removed
