"""Admin pieces shared by the apps: rows staff read but never add, edit or delete (their writes go through services,
usually from an admin action), and the two halves of such an action: the intermediate page that asks for a reason,
and a service called for each selected row."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dxports import numbers
from dxports.errors import ApplicationError
from dxports.rules import Problem


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_search_results(self, request: HttpRequest, queryset: Any, search_term: str) -> tuple[Any, bool]:
        # Numbers are stored with ASCII digits (dxports.numbers): a search typed with Bengali digits finds them.
        return super().get_search_results(request, queryset, numbers.to_ascii(search_term))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def action_page(
    model_admin: admin.ModelAdmin, request: HttpRequest, template: str, context: dict[str, Any]
) -> TemplateResponse:
    """The intermediate page of an action; its form posts the selected rows again, with ``confirm``."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            **context,
            "opts": model_admin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


def apply_each(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: Iterable[models.Model],
    call: Callable[[Any], object],
    *,
    title: StrOrPromise,
    label: Callable[[Any], str] = str,
) -> None:
    """``call(row)`` for each selected row; one message names the rows done (after ``title``), one error message
    per row refused (an ``ApplicationError``)."""
    done: list[str] = []
    refused: list[str] = []
    for row in queryset:
        try:
            call(row)
        except ApplicationError as error:
            refused.append(f"{label(row)}: {error.message}")
        else:
            done.append(label(row))
    if done:
        model_admin.message_user(request, _("%(title)s: %(names)s") % {"title": title, "names": ", ".join(done)})
    for message in refused:
        model_admin.message_user(request, message, level=messages.ERROR)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the seller reads it)"), widget=forms.Textarea(attrs={"rows": 3}), required=True
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Note to the seller (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


def reason_action(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: Iterable[models.Model],
    *,
    action: str,
    title: StrOrPromise,
    call: Callable[[Any, str], object],
    allowed: bool,
    form_class: type[forms.Form] = ReasonForm,
    label: Callable[[Any], str] = str,
    describe: Callable[[Any], str] | None = None,
) -> TemplateResponse | None:
    """An admin action that asks for the reason on an intermediate page, then ``call(row, reason)`` for each
    selected row (``apply_each``). ``allowed`` is checked on both halves (``PermissionDenied``), so a forged post
    cannot skip the page's check. ``describe(row)`` is what the page says of a row besides its label."""
    if not allowed:
        raise PermissionDenied
    form = form_class(request.POST if "confirm" in request.POST else None)
    if "confirm" in request.POST and form.is_valid():
        reason = form.cleaned_data["reason"]
        apply_each(model_admin, request, queryset, lambda row: call(row, reason), title=title, label=label)
        return None
    rows = [(row.pk, label(row), describe(row) if describe else "") for row in queryset]
    return action_page(
        model_admin, request, "admin/reason_action.html", {"title": title, "rows": rows, "form": form, "action": action}
    )


class ModeratedAdmin(ReadOnlyAdmin):
    """A read-only admin of rows staff block (with a reason the seller reads) and unblock (back to draft), each
    through the app's service for one row; ``moderate_permission`` is needed on both halves of each action. A
    subclass sets ``moderate_permission``, ``moderated`` (the services' keyword for the row: ``product=``…),
    ``block_service`` and ``unblock_service`` (``staticmethod``), lists ``"block"`` and ``"unblock"`` in its
    ``actions``, and may say how the page names a row (``moderate_label``)."""

    moderate_permission: str
    moderated: str
    block_service: Callable[..., object]
    unblock_service: Callable[..., object]

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self.moderate_permission)

    def moderate_label(self, row: Any) -> str:
        return str(row)

    def _moderate(
        self, request: HttpRequest, queryset: Any, *, title: StrOrPromise, service: Callable[..., object], action: str
    ) -> TemplateResponse | None:
        return reason_action(
            self,
            request,
            queryset.select_related("seller"),
            action=action,
            title=title,
            call=lambda row, reason: service(**{self.moderated: row}, actor=request.user, reason=reason),
            allowed=self.has_moderate_permission(request),
            label=self.moderate_label,
            describe=lambda row: row.get_status_display(),
        )

    @admin.action(description=_("Block (with a reason the seller sees)"), permissions=["moderate"])
    def block(self, request: HttpRequest, queryset: Any) -> TemplateResponse | None:
        return self._moderate(request, queryset, title=_("Block"), service=self.block_service, action="block")

    @admin.action(description=_("Unblock (back to draft)"), permissions=["moderate"])
    def unblock(self, request: HttpRequest, queryset: Any) -> TemplateResponse | None:
        return self._moderate(request, queryset, title=_("Unblock"), service=self.unblock_service, action="unblock")


def problems_in_words(problems: Iterable[Problem], *, score_label: StrOrPromise, score: int) -> str:
    """A rules check as staff read it on a row's page: the score, then each problem (✗ blocking, · advice) with its
    field, message and fix."""
    lines = [f"{score_label}: {score}/100"]
    lines += [
        f"{'✗' if problem.blocking else '·'} {problem.field}: {problem.message} {problem.fix}" for problem in problems
    ]
    return "\n".join(lines)


def sync_attempts_table(attempts: Sequence[Any], *, with_kind: bool = False) -> StrOrPromise:
    """A row's attempts to sync with the gateway (``outbox.attempts_of``), newest first, as a table on its admin page:
    when (local time), the outbox kind (``with_kind``), the version, the outcome, and what the gateway said."""
    if not attempts:
        return _("None yet.")
    cells = "<td>{}</td>" * (6 if with_kind else 5)
    rows = format_html_join(
        "",
        f"<tr>{cells}</tr>",
        (
            (
                timezone.localtime(attempt.started_at).strftime("%Y-%m-%d %H:%M:%S"),
                *((attempt.job.kind,) if with_kind else ()),
                f"v{attempt.version}",
                attempt.get_outcome_display(),
                attempt.error_code,
                (attempt.message or "")[:300],
            )
            for attempt in attempts
        ),
    )
    return format_html("<table><tbody>{}</tbody></table>", rows)
