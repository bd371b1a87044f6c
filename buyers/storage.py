"""Private storage of buyers' attachments: a folder outside MEDIA_ROOT with no URL at all (``url()`` raises), so a
file reaches a browser only through the seller's permission-checked view."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class AttachmentStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    # Read at each use, so that tests (and deployments) can point BUYERS_PRIVATE_ROOT elsewhere.
    @property
    def base_location(self):
        return str(settings.BUYERS_PRIVATE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Buyers' attachments have no public URL; link to the attachment view instead.")


_storage = AttachmentStorage()


def attachment_storage():
    return _storage
