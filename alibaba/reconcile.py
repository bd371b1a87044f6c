"""What every reconciliation with the gateway shares (DESIGN.md §6): the report of its findings, and the walk over
the sellers in which a seller whose rows the gateway cannot give (it fails, the token cannot be refreshed) is
reported under ``errors`` and the others go on. Each domain compares its own rows (``catalog.reconcile``,
``brand.reconcile``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any, ClassVar, Protocol, TypeVar

from alibaba.errors import GatewayError


class Report:
    """The base of a reconciliation's report, a dataclass of counts (``sellers``, ``checked``…) and of a list per
    kind of finding, ``errors`` among them; ``settings`` name its fields that say how it ran (``dry_run``) rather
    than what it found."""

    settings: ClassVar[tuple[str, ...]] = ()

    def as_dict(self) -> dict[str, Any]:
        """``counts`` (a number, or the length of a list), the settings, and the details of each finding."""
        details = asdict(self)  # type: ignore[call-overload]  # a subclass is a dataclass
        settings = {name: details.pop(name) for name in self.settings}
        counts = {key: len(value) if isinstance(value, list) else value for key, value in details.items()}
        return {"counts": counts, **settings, **details}


class Walked(Protocol):
    sellers: int
    errors: list[dict[str, Any]]


S = TypeVar("S")


def reconcile_sellers(
    sellers: Iterable[S], reconcile_one: Callable[[S], object], *, report: Walked, logger: logging.Logger, what: str
) -> None:
    """``reconcile_one(seller)`` for each of ``sellers``, counted in ``report.sellers``; a ``GatewayError`` stops
    that seller only: logged (``what`` of seller … stopped) and kept in ``report.errors``."""
    for seller in sellers:
        report.sellers += 1
        try:
            reconcile_one(seller)
        except GatewayError as error:
            pk = getattr(seller, "pk", None)
            logger.warning("%s of seller %s stopped: %s", what, pk, error)
            report.errors.append({"seller": pk, "code": error.code, "message": error.message[:500]})
