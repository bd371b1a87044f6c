"""Admin pieces shared by the apps: rows staff read but never add, edit or delete (their writes go through services,
usually from an admin action), and the two halves of such an action: the intermediate page that asks for a reason,
and a service called for each selected row."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from dxports.errors import ApplicationError


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def action_page(model_admin, request, template, context):
    """The intermediate page of an action; its form posts the selected rows again, with ``confirm``."""
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            **context,
            "opts": model_admin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


def apply_each(model_admin, request, queryset, call, *, title, label=str):
    """``call(row)`` for each selected row; one message names the rows done (after ``title``), one error message
    per row refused (an ``ApplicationError``)."""
    done, refused = [], []
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
