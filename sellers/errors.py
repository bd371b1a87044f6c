"""The sellers domain's refusals; each is an ``ApplicationError`` with a message a person can act on."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
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


class ProfileInvalid(ApplicationError):
    """Values of the profile that break its rules (``sellers.validators.clean_profile``): ``errors`` is
    ``[{"field", "code", "message"}]``, every problem at once."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__(
            " ".join(f"{item['label']}: {item['message']}" for item in errors),
            extra={"errors": [{key: item[key] for key in ("field", "code", "message")} for item in errors]},
        )

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> "ProfileInvalid":
        """From ``ValidationError({field: [errors]})``."""
        from django.utils.text import capfirst

        from sellers.models import Seller

        errors = []
        for name, field_errors in error.error_dict.items():
            label = capfirst(str(Seller._meta.get_field(name).verbose_name))  # type: ignore[union-attr]
            for item in field_errors:
                message = item.message % item.params if item.params else item.message
                errors.append(
                    {"field": name, "label": str(label), "code": item.code or "invalid", "message": str(message)}
                )
        return cls(errors)

    def messages_by_field(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for item in self.errors:
            result.setdefault(item["field"], []).append(item["message"])
        return result


class ClaimInvalid(ApplicationError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This link is no longer valid: it was used, replaced by a newer one, or it expired. Ask the "
                "organisation that registered your business to send a new one, or reset your password."
            )
        )
