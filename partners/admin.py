"""Program staff manage partners and their keys here, and watch webhook deliveries: every write goes through
``partners.services`` (a new partner gets its service user; a new key is shown once, in the confirmation message)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dxports.admin_tools import ReadOnlyAdmin, ReadOnlyInline, apply_each
from dxports.errors import ApplicationError
from partners import services
from partners.models import (
    ApiKey,
    Partner,
    Scope,
    SellerGrant,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "contact_email", "language", "is_active"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = ["name", "contact_email", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact_email"]
    readonly_fields = ["public_id", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # its service user is the actor of audit rows: deactivate it instead

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            if change:
                saved = services.partner_update(partner=obj, **fields)
            else:
                saved = services.partner_create(
                    name=fields["name"], contact_email=fields["contact_email"], language=fields["language"]
                )
                if not fields["is_active"]:
                    saved = services.partner_update(partner=saved, is_active=False)
        except ApplicationError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return
        obj.pk, obj.public_id = saved.pk, saved.public_id


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["partner", "name", "mode", "scopes", "expires_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "partner", "name", "mode", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["mode", "partner"]
    list_select_related = ["partner"]
    search_fields = ["key_id", "name", "partner__name"]
    actions = ["revoke", "rotate"]

    def get_form(
        self, request: HttpRequest, obj: ApiKey | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = ApiKeyForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["partner", "name", "mode", "key_id", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            issued = services.api_key_create(
                partner=data["partner"],
                scopes=data["scopes"],
                name=data["name"],
                mode=data["mode"],
                expires_at=data["expires_at"],
                created_by=request.user,
            )
        except ApplicationError as error:
            self.message_user(request, error.message, level=messages.ERROR)
            return
        obj.pk = issued.api_key.pk
        self.message_user(
            request,
            _("The new key (shown only now, copy it): %(key)s") % {"key": issued.key},
            level=messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys now"))
    def revoke(self, request, queryset):
        apply_each(self, request, queryset, lambda key: services.api_key_revoke(api_key=key), title=_("Revoked"))

    @admin.action(description=_("Rotate the selected keys (the old ones work 24 more hours)"))
    def rotate(self, request, queryset):
        for api_key in queryset:
            try:
                issued = services.api_key_rotate(api_key=api_key, created_by=request.user)
            except ApplicationError as error:
                self.message_user(request, f"{api_key}: {error.message}", level=messages.ERROR)
                continue
            self.message_user(
                request,
                _("%(old)s → new key (shown only now, copy it): %(key)s") % {"old": api_key, "key": issued.key},
                level=messages.WARNING,
            )


@admin.register(SellerGrant)
class SellerGrantAdmin(ReadOnlyAdmin):
    list_display = ["partner", "seller", "scope", "origin", "created_at"]
    list_filter = ["scope", "origin", "partner"]
    list_select_related = ["partner", "seller"]
    search_fields = ["partner__name", "seller__legal_name"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "partner", "status", "last_success_at", "created_at"]
    list_filter = ["status", "partner"]
    list_select_related = ["partner"]
    search_fields = ["url", "partner__name"]
    fields = (
        "public_id",
        "partner",
        "url",
        "description",
        "event_types",
        "status",
        "disabled_reason",
        "last_success_at",
    )
    readonly_fields = fields
    actions = ["enable", "disable"]

    @admin.action(description=_("Enable (and send what waits)"))
    def enable(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda endpoint: services.webhook_endpoint_update(endpoint=endpoint, enabled=True),
            title=_("Enabled"),
        )

    @admin.action(description=_("Disable"))
    def disable(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda endpoint: services.webhook_endpoint_update(endpoint=endpoint, enabled=False),
            title=_("Disabled"),
        )


class WebhookAttemptInline(ReadOnlyInline):
    model = WebhookAttempt
    fields = ("number", "started_at", "outcome", "status_code", "duration_ms", "error", "response_excerpt")
    readonly_fields = fields
    ordering = ["-started_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at", "delivered_at"]
    list_filter = ["status"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["endpoint__url", "event__type"]
    fields = (
        "public_id",
        "endpoint",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    @admin.action(description=_("Redeliver now"))
    def redeliver(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda delivery: services.webhook_delivery_redeliver(delivery=delivery),
            title=_("Redelivering"),
        )
