import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields: Any) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in: a seller's owner or team member, or program staff. Logs in with the e-mail address."""

    username = None  # type: ignore[assignment]  # no username: people log in with the e-mail address
    email = models.EmailField(_("e-mail address"), unique=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the dashboard and of e-mails; empty: the site's default."),
    )
    # The dashboard's notifications newer than this are unread (``dxports.notifications``).
    notifications_read_at = models.DateTimeField(_("notifications read at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    # The stubs expect auth's username-first UserManager; ours creates users by e-mail.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email


class Event(models.Model):
    """Something a seller's partners may hear about (``seller.approved``, ``product.live``, ``inquiry.received``),
    recorded by ``dxports.events.record`` in the transaction of the change. ``seller_id`` is the seller it concerns
    (partners see events of the sellers they may see); ``data`` is the small public description of the change."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=64)
    seller_id = models.BigIntegerField(_("seller"), null=True, blank=True)
    subject_type = models.CharField(_("about a"), max_length=32)
    subject_id = models.UUIDField(_("about id"))
    data = models.JSONField(_("data"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["seller_id", "-created_at"]),
            models.Index(fields=["type", "-created_at"]),
            # The partners' relay looks for recent events not fanned out yet.
            models.Index(fields=["created_at"], name="dxports_event_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.subject_id}"


class OutgoingEmail(models.Model):
    """One e-mail to one address, rendered in the recipient's language when it was queued (``dxports.mail``).
    ``key`` makes a notification unique ("the new-inquiry mail of inquiry 12 to user 5"): queuing it again is a
    no-op, so nothing is sent twice however often beat or a retry runs."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (gave up)")

    key = models.CharField(_("key"), max_length=200, unique=True, null=True, blank=True)
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class ProgramFigures(models.Model):
    """Not a table: the program figures page of the admin (``dxports.figures``) and the permission to read it and
    export them. Registered in the admin like a model so that it has a place on the admin's index."""

    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = _("program figures")
        verbose_name_plural = _("program figures")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
