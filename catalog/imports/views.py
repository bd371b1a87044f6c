"""The seller's catalog import and export pages: the template to download, the upload, each job's progress (a page
that refreshes itself, and a JSON status for a small script), the error file, and the catalog's export.

Thin, as the rest of the dashboard: the user's seller comes from the membership (``seller_required``); a job is
looked up within that seller, so another seller's job or file is 404. Files are served only through these views.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from catalog import imports, selectors
from catalog.imports import photos as photo_imports
from catalog.models import PAYMENT_METHODS, ImportStatus, PhotoFileStatus
from dxports import photos
from dxports.dashboard import seller_required
from dxports.errors import ApplicationError

PAGE_SIZE = 25
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Catalog file (XLSX or CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv," + XLSX_TYPE}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented recipe): the cleaned value is a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(each, initial) for each in data]
        return [single(data, initial)]


class PhotoImportForm(forms.Form):
    photos = MultipleFileField(
        label=gettext_lazy("Photos (JPEG or PNG), or one ZIP file of them"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,.zip,application/zip", "multiple": True}),
        allow_empty_file=True,
        error_messages={"required": gettext_lazy("Choose the photos, or one ZIP file of them.")},
    )


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _job_or_404(member, public_id):
    job = selectors.import_job_for_seller(seller=member.seller, public_id=public_id)
    if job is None:
        raise Http404
    return job


def _open(file):
    """A job's stored file, open; 404 when the storage no longer holds it (removed, or lost with a volume)."""
    try:
        return file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc


def _removed(request, job):
    messages.info(
        request,
        _(
            "The files of this import were removed on %(date)s: failed imports are kept %(failed)d days, "
            "others %(days)d."
        )
        % {
            "date": date_format(timezone.localtime(job.files_removed_at), "DATE_FORMAT"),
            "failed": settings.CATALOG_IMPORT_FAILED_KEEP_DAYS,
            "days": settings.CATALOG_IMPORT_KEEP_DAYS,
        },
    )
    return redirect("catalog_imports:detail", public_id=job.public_id)


def _format(request):
    return "csv" if request.GET.get("format") == "csv" else "xlsx"


@seller_required
@require_GET
def import_list(request, member):
    jobs = selectors.import_jobs_for_seller(seller=member.seller)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/imports/list.html",
        {"member": member, "seller": member.seller, "page": page, "can_import": member.seller.is_in_program},
    )


@seller_required
@require_http_methods(["GET", "POST"])
def import_new(request, member):
    seller = member.seller
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_job_create(seller=seller, actor=request.user, uploaded=form.cleaned_data["file"])
        except ApplicationError as error:
            form.add_error("file", error.message)
        else:
            messages.success(request, _("The file is uploaded; the import runs in the background."))
            return redirect("catalog_imports:detail", public_id=job.public_id)
    columns = [(column, imports.column_help(column)) for column in imports.COLUMNS]
    choices = [(key, choices.choices) for key, choices in imports.CHOICES.items()]
    return render(
        request,
        "catalog/imports/new.html",
        {
            "member": member,
            "seller": seller,
            "form": form,
            "columns": columns,
            "choices": choices,
            "payment_methods": PAYMENT_METHODS,
            "separator": imports.SEPARATOR,
            "can_import": seller.is_in_program,
            "max_mb": imports.max_bytes() // 2**20,
            "max_rows": imports.max_rows(),
        },
        status=400 if request.method == "POST" else 200,
    )


PRODUCTS_SHOWN = 200


def _status(job):
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "errors": job.error_count,
        "imported": job.imported_count,
        "message": job.message,
        "finished": job.status in (ImportStatus.DONE, ImportStatus.FAILED),
        "error_file_url": reverse("catalog_imports:errors", args=[job.public_id]) if job.error_file else None,
    }


@seller_required
@require_GET
def import_detail(request, public_id, member):
    job = _job_or_404(member, public_id)
    products = list(selectors.products_of_import(job=job)[: PRODUCTS_SHOWN + 1])
    return render(
        request,
        "catalog/imports/detail.html",
        {
            "member": member,
            "seller": member.seller,
            "job": job,
            "state": _status(job),
            "products": products[:PRODUCTS_SHOWN],
            "more_products": len(products) > PRODUCTS_SHOWN,
        },
    )


@seller_required
@require_GET
def import_status(request, public_id, member):
    job = _job_or_404(member, public_id)
    return _private(JsonResponse(_status(job)))


@seller_required
@require_GET
def import_errors(request, public_id, member):
    job = _job_or_404(member, public_id)
    if job.files_removed_at is not None:
        return _removed(request, job)
    if not job.error_file:
        raise Http404
    name = f"{job.original_name.rsplit('.', 1)[0]}-errors.csv"
    return _private(FileResponse(_open(job.error_file), as_attachment=True, filename=name, content_type=CSV_TYPE))


@seller_required
@require_GET
def import_file(request, public_id, member):
    job = _job_or_404(member, public_id)
    if job.files_removed_at is not None:
        return _removed(request, job)
    content_type = XLSX_TYPE if job.file_format == "xlsx" else CSV_TYPE
    return _private(
        FileResponse(_open(job.file), as_attachment=True, filename=job.original_name, content_type=content_type)
    )


@seller_required
@require_GET
def import_template(request, member):
    if _format(request) == "csv":
        response = StreamingHttpResponse(imports.csv_lines([imports.header_row()]), content_type=CSV_TYPE)
        response["Content-Disposition"] = 'attachment; filename="dxports-catalog-template.csv"'
        return _private(response)
    return _private(
        FileResponse(
            imports.xlsx_file([imports.header_row()], with_help=True),
            as_attachment=True,
            filename="dxports-catalog-template.xlsx",
            content_type=XLSX_TYPE,
        )
    )


@seller_required
@require_GET
def catalog_export(request, member):
    seller = member.seller
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if _format(request) == "csv":
        response = StreamingHttpResponse(imports.csv_lines(imports.export_rows(seller=seller)), content_type=CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="catalog-{stamp}.csv"'
        return _private(response)
    return _private(
        FileResponse(
            imports.xlsx_file(imports.export_rows(seller=seller)),
            as_attachment=True,
            filename=f"catalog-{stamp}.xlsx",
            content_type=XLSX_TYPE,
        )
    )


# Photos for many products -----------------------------------------------------------------------------------------


def _photo_job_or_404(member, public_id):
    job = selectors.photo_import_job_for_seller(seller=member.seller, public_id=public_id)
    if job is None:
        raise Http404
    return job


@seller_required
@require_http_methods(["GET", "POST"])
def photo_import_new(request, member):
    seller = member.seller
    form = PhotoImportForm(request.POST, request.FILES) if request.method == "POST" else PhotoImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = photo_imports.photo_import_create(
                seller=seller, actor=request.user, uploaded=form.cleaned_data["photos"]
            )
        except ApplicationError as error:
            form.add_error("photos", error.message)
        else:
            messages.success(request, _("The photos are uploaded; they are added to your products in the background."))
            return redirect("catalog_imports:photos-detail", public_id=job.public_id)
    jobs = selectors.photo_import_jobs_for_seller(seller=seller)[:10]
    return render(
        request,
        "catalog/imports/photos_new.html",
        {
            "member": member,
            "seller": seller,
            "form": form,
            "jobs": jobs,
            "can_import": seller.is_in_program,
            "max_files": photo_imports.max_files(),
            "max_mb": photo_imports.max_bytes() // 2**20,
            "photo_max_mb": photos.max_upload_bytes() // 2**20,
        },
        status=400 if request.method == "POST" else 200,
    )


@seller_required
@require_GET
def photo_import_detail(request, public_id, member):
    job = _photo_job_or_404(member, public_id)
    files = list(job.files.select_related("product").order_by("position"))
    return render(
        request,
        "catalog/imports/photos_detail.html",
        {
            "member": member,
            "seller": member.seller,
            "job": job,
            "files": files,
            "finished": job.status in (ImportStatus.DONE, ImportStatus.FAILED),
            "statuses": PhotoFileStatus,
        },
    )
