"""The catalog domain's refusals; each is an ``ApplicationError`` with a message a person can act on."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from dxports.errors import ApplicationError

if TYPE_CHECKING:
    from catalog.models import Product
    from catalog.rules import Problem
    from sellers.selectors import Seller


class IllegalTransition(ApplicationError):
    def __init__(self, *, product: "Product", to: str) -> None:
        from catalog.models import ProductStatus

        super().__init__(
            _("A product cannot move from “%(from)s” to “%(to)s”.")
            % {"from": ProductStatus(product.status).label, "to": ProductStatus(to).label},
            extra={"from": product.status, "to": str(to)},
        )


class NotEditable(ApplicationError):
    def __init__(self, *, product: "Product") -> None:
        from catalog.models import ProductStatus

        super().__init__(
            _("This product is “%(status)s”: it cannot be changed now.")
            % {"status": ProductStatus(product.status).label},
            extra={"status": product.status},
        )


class SellerNotActive(ApplicationError):
    def __init__(self, *, seller: "Seller") -> None:
        super().__init__(
            _("Only an active business can publish products; %(name)s is not active yet.") % {"name": seller},
            extra={"seller_status": seller.status},
        )


class ListingIncomplete(ApplicationError):
    """``problems``: every blocking problem of the product (all at once, not the first)."""

    def __init__(self, problems: Iterable["Problem"]) -> None:
        self.problems = list(problems)
        super().__init__(
            _("The product cannot be listed yet: %(items)s") % {"items": " ".join(str(p.message) for p in problems)},
            extra={"problems": [problem.as_dict() for problem in self.problems]},
        )


class ProductInvalid(ApplicationError):
    """A value the catalog cannot store at all (a second product with the same SKU, a category that is not a
    leaf, an attribute of another category)."""


class ImageRefused(ApplicationError):
    """An upload that is not a whole JPEG or PNG of at most 3 MB, a seventh image, or one the product has already."""


class NothingToRetry(ApplicationError):
    def __init__(self) -> None:
        super().__init__(_("There is nothing to retry: the product's sync is running, done, or was never started."))


class ImportNotAllowed(ApplicationError):
    """A catalog import asked by a seller that is not in the program."""


class FileRejected(ApplicationError):
    """A problem of a whole import file: nothing of it is imported."""


class PhotoImportRefused(ApplicationError):
    """Photos for many products that cannot be received as a whole: too many, too large, a damaged ZIP or a zip
    bomb. Each file's own problems are its result, not this."""
