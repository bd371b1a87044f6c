"""Private storage of KYC documents (``dxports.storage``): under SELLERS_PRIVATE_ROOT, with no URL at all."""

from dxports.storage import PrivateStorage

_storage = PrivateStorage(root_setting="SELLERS_PRIVATE_ROOT")


def private_storage() -> PrivateStorage:
    return _storage
