"""The company profile's refusals: each an ``ApplicationError`` with a message a seller (or staff) can act on; the
dashboard shows it as a form error or a message, the partner API in its error format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from dxports.errors import ApplicationError

if TYPE_CHECKING:
    from brand.models import CompanyProfile
    from brand.rules import Problem


class ProfileInvalid(ApplicationError):
    """A value the profile cannot hold; ``extra["field"]`` names the field (``markets[1].country``)."""


class PhotoRefused(ApplicationError):
    """A factory photo or logo that is not taken (not a whole JPEG or PNG, too big, too many, a repeat)."""


class CertificateRefused(ApplicationError):
    """A certificate that is not taken (its file, its dates, a repeat); ``extra["field"]`` names the field."""


class IllegalTransition(ApplicationError):
    def __init__(self, *, profile: CompanyProfile, to: Any) -> None:
        from brand.models import ProfileStatus

        super().__init__(
            _("The company profile is “%(status)s”: it cannot become “%(to)s” now.")
            % {"status": profile.get_status_display(), "to": ProfileStatus(to).label},
            extra={"status": profile.status, "to": str(to)},
        )


class ProfileIncomplete(ApplicationError):
    """The profile breaks rules Alibaba.com would refuse it for: ``problems`` holds every one at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            _("The company profile is not complete: %(problems)s")
            % {"problems": " ".join(problem.message for problem in self.problems)},
            extra={"problems": [problem.as_dict() for problem in self.problems]},
        )


class SellerNotActive(ApplicationError):
    def __init__(self, message: StrOrPromise | None = None) -> None:
        super().__init__(
            message
            or _(
                "Your business is not active on Alibaba.com yet (or not any more): the company profile can be "
                "prepared, and is sent once the business is active."
            )
        )


class NothingToSend(ApplicationError):
    def __init__(self) -> None:
        super().__init__(_("The company profile is on its way to Alibaba.com already, or Alibaba.com has it."))
