"""The admin of the project's own rows: users, and the program figures page."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxports import figures, inputs
from dxports.models import ProgramFigures, User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["public_id", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class FiguresForm(forms.Form):
    """The range and filters of the program figures; each registered filter is a choice (empty: all)."""

    MAX_DAYS = 2 * 366

    date_from = inputs.DateField(label=_("From"))
    date_to = inputs.DateField(label=_("To"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for each in figures.filters():
            self.fields[each.key] = forms.ChoiceField(
                label=each.label, required=False, choices=[("", _("All")), *each.choices()]
            )

    @staticmethod
    def defaults(today: date) -> dict[str, str]:
        """The last twelve weeks, this one included."""
        monday = today - timedelta(days=today.weekday())
        return {"date_from": (monday - timedelta(weeks=11)).isoformat(), "date_to": today.isoformat()}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range is before its start."))
        elif start and end and (end - start).days > self.MAX_DAYS:
            self.add_error("date_from", _("Choose a range of two years at most."))
        return cleaned

    def scope(self) -> figures.Scope:
        chosen = {each.key: self.cleaned_data[each.key] for each in figures.filters() if self.cleaned_data[each.key]}
        return figures.Scope(self.cleaned_data["date_from"], self.cleaned_data["date_to"], chosen)


@admin.register(ProgramFigures)
class ProgramFiguresAdmin(admin.ModelAdmin):
    """The program figures page (``dxports.figures``) in the place of the model's list, with its CSV and XLSX
    exports (``?export=csv|xlsx`` with the same range and filters). Read by holders of
    ``dxports.view_programfigures`` (the Program managers role)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        # The page only: the model has no rows, so none of the admin's row pages exists.
        info = self.opts.app_label, self.opts.model_name
        return [path("", self.admin_site.admin_view(self.changelist_view), name="{}_{}_changelist".format(*info))]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = request.GET if "date_from" in request.GET else FiguresForm.defaults(timezone.localdate())
        form = FiguresForm(data)
        if not form.is_valid():
            return self._page(request, form, sections=[], status=400)
        scope = form.scope()
        sections = figures.figures(scope)
        export = request.GET.get("export", "")
        if export in ("csv", "xlsx"):
            name = f"program-figures-{scope.date_from.isoformat()}-{scope.date_to.isoformat()}.{export}"
            if export == "csv":
                response = HttpResponse(figures.as_csv(scope, sections), content_type="text/csv; charset=utf-8")
            else:
                response = HttpResponse(figures.as_xlsx(scope, sections), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return self._page(request, form, sections=sections, status=200)

    def _page(
        self, request: HttpRequest, form: FiguresForm, *, sections: list[figures.Section], status: int
    ) -> HttpResponse:
        query = request.GET.copy() if form.is_bound and "date_from" in request.GET else QueryDict(mutable=True)
        if "date_from" not in query:
            query.update(form.data)
        query.pop("export", None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Program figures"),
            "form": form,
            "sections": sections,
            "query": query.urlencode(),
        }
        return TemplateResponse(request, "admin/dxports/programfigures/figures.html", context, status=status)
