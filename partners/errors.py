"""The partners domain's refusals; each is an ``ApplicationError`` with a message a person (or a partner's engineer)
can act on, and the field it is about in ``extra["field"]`` when there is one."""

from django.utils.translation import gettext as _

from dxports.errors import ApplicationError


class PartnerInvalid(ApplicationError):
    """A value a partner, key or endpoint cannot have (an unknown scope, a URL that is not allowed)."""


class UnsafeUrl(PartnerInvalid):
    """A webhook URL that is not https, or that resolves to a loopback, private or otherwise internal address."""


class DeliveryBusy(ApplicationError):
    def __init__(self) -> None:
        super().__init__(_("This delivery is being sent right now; ask again once it finished."))
