"""Encryption at rest for sensitive identifiers (NID, bank account number, gateway tokens).

Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``, keyed by ``FIELD_ENCRYPTION_KEY``. The setting may hold
several comma-separated secrets: the first encrypts, every one decrypts, so a key can be rotated by putting the new
one first and re-saving the rows. Each secret is stretched to a Fernet key with SHA-256, so any long random string
works. Ciphertexts are random (a value cannot be searched or made unique), which is the point.
"""

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(secrets):
    keys = [Fernet(base64.urlsafe_b64encode(hashlib.sha256(s.strip().encode()).digest())) for s in secrets.split(",")]
    return MultiFernet(keys)


def encrypt(value):
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token):
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted field cannot be read with FIELD_ENCRYPTION_KEY: was the key changed without keeping the "
            "old one after it (comma-separated)?"
        ) from exc


class EncryptedCharField(models.TextField):
    """A text value stored encrypted; "" stays "" (nothing to hide), so blank checks work in queries.

    ``max_length`` limits the clear text (forms, validation); the column holds the longer ciphertext.
    """

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field | None:
        kwargs = {"widget": forms.TextInput, **kwargs}
        return super().formfield(form_class=form_class, choices_form_class=choices_form_class, **kwargs)


def mask(value, *, visible=4):
    """``"••••••1234"``: enough to recognise a number, not enough to use it."""
    value = str(value or "")
    if not value:
        return ""
    shown = value[-visible:] if len(value) > visible + 2 else ""
    return "•" * max(len(value) - len(shown), 4) + shown
