"""The sellers domain's refusals; each is an ``ApplicationError`` with a message a person can act on."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from dxports.errors import ApplicationError

if TYPE_CHECKING:
    from sellers.models import Seller
    from sellers.requirements import RequirementState


class IllegalTransition(ApplicationError):
    def __init__(self, *, seller: "Seller", to: str) -> None:
        from sellers.models import SellerStatus

        super().__init__(
            _("A seller cannot move from “%(from)s” to “%(to)s”.")
            % {"from": SellerStatus(seller.status).label, "to": SellerStatus(to).label},
            extra={"from": seller.status, "to": str(to)},
        )


class NotEditable(ApplicationError):
    def __init__(self, *, seller: "Seller") -> None:
        from sellers.models import SellerStatus

        super().__init__(
            _("Your business is “%(status)s”: the profile and documents cannot be changed now.")
            % {"status": SellerStatus(seller.status).label}
        )


class SubmissionIncomplete(ApplicationError):
    """``states``: every requirement that stops the submission (all at once, not the first)."""

    def __init__(self, *, seller: "Seller", states: Sequence["RequirementState"]) -> None:
        self.states = states
        super().__init__(
            _("%(name)s cannot be submitted yet: %(items)s.")
            % {"name": seller.legal_name, "items": ", ".join(str(s.requirement.label) for s in states)},
            extra={"due": [s.key for s in states]},
        )


class DocumentRefused(ApplicationError):
    pass


class ReasonsRequired(ApplicationError):
    pass


class TeamError(ApplicationError):
    pass
