"""The company profiles' part of the program figures (``dxports.figures``): the program's sellers holding each
certification today, and the people they employ by district and sector. Registered in ``BrandConfig.ready``.

Queries: three, whatever the number of sellers (``selectors.certified_supplier_counts``,
``selectors.employees_by_district_and_sector`` and the sectors' names). Both count the sellers in the program now;
the place and sector filters narrow the jobs (the certifications are counted program-wide).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from brand import selectors
from brand.models import CertificationType
from dxports import figures
from dxports.figures import Cell, Link, Scope, Section, Table
from sellers import selectors as sellers_selectors

TOP_PLACES = 20


def register() -> None:
    figures.register_section(key="company_profiles", order=25, build=company_profiles_section)


def company_profiles_section(scope: Scope) -> Section:
    certified = selectors.certified_supplier_counts()
    certifications: list[list[Cell | Link]] = [
        [str(CertificationType(kind).label) if kind in CertificationType.values else kind, sellers]
        for kind, sellers in sorted(certified.items(), key=lambda item: (-item[1], item[0]))
    ]
    districts = sellers_selectors.district_names()
    sectors = dict(sellers_selectors.sector_choices())
    found = []
    for row in selectors.employees_by_district_and_sector():
        row_is = {
            "district": row.district,
            "sector": row.sector,
            "division": sellers_selectors.division_of(row.district),
        }
        if any(scope.get(key) and scope.get(key) != value for key, value in row_is.items()):
            continue
        place = districts.get(row.district, _("No district"))
        sector = sectors.get(row.sector, _("No sector"))
        found.append((f"{place} — {sector}", row.employees, row.sellers))
    found.sort(key=lambda item: (-item[1], item[0]))
    job_rows: list[list[Cell | Link]] = [list(item) for item in found[:TOP_PLACES]]
    return Section(
        key="company_profiles",
        title=_("Company profiles"),
        note=_("The program's sellers now; certifications valid today, not refused by staff."),
        tables=[
            Table(_("Sellers holding each certification"), [_("Certification"), _("Sellers")], certifications, "bars"),
            Table(
                _("People employed, by district and sector"),
                [_("District — sector"), _("People"), _("Sellers")],
                job_rows,
                "bars",
                note=_("A seller in two sectors counts in both of them."),
            ),
        ],
    )
