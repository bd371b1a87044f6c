"""Files for the import tests: rows as CSV or XLSX bytes, a valid row, and running a job to its end."""

import codecs
import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog import imports
from catalog.models import ImportJob


def good_row(sku, category, **overrides):
    """A complete, valid row (nothing blocking but images) for ``category`` (a ``LeafFactory`` leaf)."""
    row = {
        "sku": sku,
        "title": "Eco-friendly Hessian Jute Shopping Bag with Cotton Handles",
        "title_bn": "পরিবেশবান্ধব পাটের শপিং ব্যাগ",
        "description": "Sturdy shopping bag of natural hessian jute, 38 x 42 x 15 cm, with cotton web handles. " * 3,
        "category_id": str(category.category_id),
        "keywords": "jute bag|tote bag|eco bag",
        "hs_code": "630510",
        "min_order_quantity": "500",
        "unit": "piece",
        "supply_quantity": "50000",
        "supply_period": "month",
        "lead_times": "1000:20|10000:45",
        "port": "chattogram",
        "payment_terms": "T/T|L/C",
        "packaging": "100 bags per export carton",
        "certifications": "Fair Trade",
        "sample_policy": "paid",
        "price_tiers": "500:2.50|5000:1.90",
        "attributes": "Place of Origin=Bangladesh|Material=Hessian Jute|Brand Name=Rupsha|Certification=ISO 9001",
    }
    row.update(overrides)
    return row


def table(rows, keys=imports.COLUMN_KEYS):
    """``rows`` (dicts by column key) as lists under the template's headers for ``keys``."""
    return [[imports.BY_KEY[key].header for key in keys], *[[row.get(key, "") for key in keys] for row in rows]]


def csv_bytes(lines, *, bom=False, encoding="utf-8", delimiter=","):
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter).writerows(lines)
    data = text.getvalue().encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def xlsx_bytes(lines, *, sheet="Products"):
    workbook = openpyxl.Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    for line in lines:
        worksheet.append(line)
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def upload(content, name="catalog.csv"):
    return SimpleUploadedFile(name, content)


def run_import(*, seller, user, content, name="catalog.csv", batch_size=imports.BATCH_SIZE):
    """Uploads ``content`` and runs its job to the end in this process; returns the job, re-read."""
    job = imports.import_job_create(seller=seller, actor=user, uploaded=upload(content, name))
    imports.import_run(job_id=job.pk, batch_size=batch_size)
    return ImportJob.objects.get(pk=job.pk)


def error_rows(job):
    """The error file's rows as dicts by column key (the ``errors`` column included)."""
    with job.error_file.open("rb") as raw:
        text = raw.read().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    keys = [header.split(" / ")[0] for header in lines[0]]
    return [dict(zip(keys, line, strict=True)) for line in lines[1:]]
