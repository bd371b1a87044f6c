"""Private storage: a folder outside MEDIA_ROOT with no URL at all (``url()`` raises), so that a file (a KYC document,
a certificate) can only reach a browser through its domain's permission-checked view.

Each domain keeps its files under its own root, named by a setting that is read at each use, so that tests (and
deployments) can point it elsewhere::

    _storage = PrivateStorage(root_setting="SELLERS_PRIVATE_ROOT")

    def private_storage() -> PrivateStorage:   # the FileField's ``storage``: a callable keeps migrations stable
        return _storage
"""

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    def __init__(self, *, root_setting: str) -> None:
        self.root_setting = root_setting
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:  # read at each use, not cached
        return str(getattr(settings, self.root_setting))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @cached_property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: Any) -> str:
        raise ValueError(f"Files under {self.root_setting} have no public URL; link to their view instead.")
