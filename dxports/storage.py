"""Private storage: a folder outside MEDIA_ROOT with no URL at all (``url()`` raises), so that a file (a KYC document,
a certificate) can only reach a browser through its domain's permission-checked view, which answers with
``private_file_response``.

Each domain keeps its files under its own root, named by a setting that is read at each use, so that tests (and
deployments) can point it elsewhere::

    _storage = PrivateStorage(root_setting="SELLERS_PRIVATE_ROOT")

    def private_storage() -> PrivateStorage:   # the FileField's ``storage``: a callable keeps migrations stable
        return _storage
"""

import logging
import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.functional import cached_property

logger = logging.getLogger("dxports.storage")


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


def private_file_response(
    row: Any, *, content_type: str, filename: str, as_attachment: bool = False, what: str = "file"
) -> FileResponse:
    """The private file of ``row`` (its ``file``) as the answer of a permission-checked view (the caller checked who
    asks): never kept by a cache, never sniffed as another type, never run (a sandbox with nothing allowed). 404 when
    the row outlived its file (a restore without the private folder, a disk fault), logged as ``what`` and the row's
    ``public_id``."""
    try:
        handle = row.file.open("rb")
    except OSError:
        logger.exception("%s %s: the file %s cannot be opened", what, row.public_id, row.file.name)
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, filename=filename, as_attachment=as_attachment)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
