"""The seller dashboard's frame: who may enter it, and the navigation every dashboard page shows.

The frame belongs to the project; each app adds its own sections in its ``AppConfig.ready`` and knows nothing of
the others::

    dashboard.register_section(key="products", label=_("Products"), url_name="catalog:list", order=40,
                               prefix="/dashboard/products/")

and sellers, who know which business a user works for, tell the frame how to find it::

    dashboard.register_member_lookup(selectors.membership_for_user, start_url_name="sellers:start")

Once a seller is verified, its overview shows next steps instead of the onboarding checklist; each app registers
its own, with a check of whether the seller has done it (through its selectors, one query at most)::

    dashboard.register_next_step(key="first_product", label=_("List your first product"), url_name="catalog:new",
                                 order=10, is_done=lambda seller: selectors.seller_has_products(seller=seller))

A dashboard view is wrapped in ``seller_required`` and receives the user's membership (with its seller) as
``member``; its template extends ``dashboard/base.html``. A section's ``badge(member)`` returns a count to show
beside its label (or ``None``); it is called on every dashboard page, so it must cost one query at most.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

DASHBOARD_PREFIX = "/dashboard/"

MemberLookup = Callable[..., Any]


@dataclass(frozen=True)
class Section:
    key: str
    label: StrOrPromise
    url_name: str
    order: int
    url_args: tuple = ()
    prefix: str = ""  # the section is current for every path under it; without one, only for its own URL
    badge: Callable[[Any], int | None] | None = None


@dataclass(frozen=True)
class NextStep:
    key: str
    label: StrOrPromise
    url_name: str
    order: int
    is_done: Callable[[Any], bool]  # the seller → whether it has done this step (one query at most)
    help: StrOrPromise = ""
    url_args: tuple = ()


_sections: dict[str, Section] = {}
_next_steps: dict[str, NextStep] = {}
_lookup: dict[str, Any] = {}


def register_section(
    *,
    key: str,
    label: StrOrPromise,
    url_name: str,
    order: int,
    url_args: tuple = (),
    prefix: str = "",
    badge: Callable[[Any], int | None] | None = None,
) -> None:
    """Add (or replace, for the same key) a section of the dashboard's navigation; sections show by ``order``."""
    _sections[key] = Section(key, label, url_name, order, tuple(url_args), prefix, badge)


def register_next_step(
    *,
    key: str,
    label: StrOrPromise,
    url_name: str,
    order: int,
    is_done: Callable[[Any], bool],
    help: StrOrPromise = "",
    url_args: tuple = (),
) -> None:
    """Add (or replace, for the same key) a step a verified seller takes next; steps show by ``order``."""
    _next_steps[key] = NextStep(key, label, url_name, order, is_done, help, tuple(url_args))


def next_steps(seller: Any) -> list[dict[str, Any]]:
    """The registered next steps for ``seller`` in order, each with its URL and whether it is done (one query a
    step at most)."""
    return [
        {
            "key": step.key,
            "label": step.label,
            "help": step.help,
            "url": reverse(step.url_name, args=step.url_args),
            "is_done": bool(step.is_done(seller)),
        }
        for step in sorted(_next_steps.values(), key=lambda step: (step.order, step.key))
    ]


def register_member_lookup(lookup: MemberLookup, *, start_url_name: str) -> None:
    """``lookup(user=user)`` returns the user's membership (with ``.seller``) or ``None``; a user without one is
    sent to ``start_url_name`` to start a business (or accept an invitation)."""
    _lookup.update(lookup=lookup, start_url_name=start_url_name)


def member_for(user: Any) -> Any:
    """The user's membership through the registered lookup, or ``None``."""
    return _lookup["lookup"](user=user)


def is_program_staff(user: Any) -> bool:
    """Program staff (a role of ``dxports.roles``) never act as a seller; a superuser may do everything."""
    return bool(user.is_authenticated and user.is_staff and not user.is_superuser)


def seller_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log-in required, and a business: the view receives the membership (with its seller) as ``member``. Every
    object a dashboard view shows is then looked up within ``member.seller`` (404 otherwise). Program staff are
    sent to the admin: no role acts as a seller."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_program_staff(request.user):
            messages.info(request, _("Program staff work in the admin; the dashboard is the sellers'."))
            return redirect("admin:index")
        member = member_for(request.user)
        if member is None:
            return redirect(_lookup["start_url_name"])
        request.dashboard_member = member  # type: ignore[attr-defined]  # the frame's own mark, read by navigation()
        return view(request, *args, member=member, **kwargs)

    return wrapper


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """The sections for ``request`` in order, each with its URL, whether it is the current one, and its badge."""
    member = getattr(request, "dashboard_member", None)
    items = []
    for section in sorted(_sections.values(), key=lambda section: (section.order, section.key)):
        url = reverse(section.url_name, args=section.url_args)
        current = request.path.startswith(section.prefix) if section.prefix else request.path == url
        badge = section.badge(member) if section.badge is not None and member is not None else None
        items.append({"key": section.key, "label": section.label, "url": url, "current": current, "badge": badge})
    return items


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``dashboard_nav`` on dashboard pages (computed only when a template uses it)."""
    if not request.path.startswith(DASHBOARD_PREFIX):
        return {}
    return {"dashboard_nav": lambda: navigation(request)}
