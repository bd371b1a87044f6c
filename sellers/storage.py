"""Private storage of KYC documents: a folder outside MEDIA_ROOT with no URL at all (``url()`` raises), so a file
can only reach a browser through the permission-checked view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    # Read at each use, so that tests (and deployments) can point SELLERS_PRIVATE_ROOT elsewhere.
    @property
    def base_location(self):
        return str(settings.SELLERS_PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("KYC documents have no public URL; link to the document view instead.")


_storage = PrivateStorage()


def private_storage():
    return _storage
