"""The divisions of Bangladesh and their districts, as data (64 districts in 8 divisions).

Codes are made from the English names and never change; the names shown are translated (the district names are
marked with ``N_`` so that makemessages finds them, and translated lazily where they are shown).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

DIVISIONS = {
    "barishal": (
        _("Barishal"),
        [N_("Barguna"), N_("Barishal"), N_("Bhola"), N_("Jhalokathi"), N_("Patuakhali"), N_("Pirojpur")],
    ),
    "chattogram": (
        _("Chattogram"),
        [
            N_("Bandarban"),
            N_("Brahmanbaria"),
            N_("Chandpur"),
            N_("Chattogram"),
            N_("Cox's Bazar"),
            N_("Cumilla"),
            N_("Feni"),
            N_("Khagrachhari"),
            N_("Lakshmipur"),
            N_("Noakhali"),
            N_("Rangamati"),
        ],
    ),
    "dhaka": (
        _("Dhaka"),
        [
            N_("Dhaka"),
            N_("Faridpur"),
            N_("Gazipur"),
            N_("Gopalganj"),
            N_("Kishoreganj"),
            N_("Madaripur"),
            N_("Manikganj"),
            N_("Munshiganj"),
            N_("Narayanganj"),
            N_("Narsingdi"),
            N_("Rajbari"),
            N_("Shariatpur"),
            N_("Tangail"),
        ],
    ),
    "khulna": (
        _("Khulna"),
        [
            N_("Bagerhat"),
            N_("Chuadanga"),
            N_("Jashore"),
            N_("Jhenaidah"),
            N_("Khulna"),
            N_("Kushtia"),
            N_("Magura"),
            N_("Meherpur"),
            N_("Narail"),
            N_("Satkhira"),
        ],
    ),
    "mymensingh": (_("Mymensingh"), [N_("Jamalpur"), N_("Mymensingh"), N_("Netrokona"), N_("Sherpur")]),
    "rajshahi": (
        _("Rajshahi"),
        [
            N_("Bogura"),
            N_("Chapainawabganj"),
            N_("Joypurhat"),
            N_("Naogaon"),
            N_("Natore"),
            N_("Pabna"),
            N_("Rajshahi"),
            N_("Sirajganj"),
        ],
    ),
    "rangpur": (
        _("Rangpur"),
        [
            N_("Dinajpur"),
            N_("Gaibandha"),
            N_("Kurigram"),
            N_("Lalmonirhat"),
            N_("Nilphamari"),
            N_("Panchagarh"),
            N_("Rangpur"),
            N_("Thakurgaon"),
        ],
    ),
    "sylhet": (_("Sylhet"), [N_("Habiganj"), N_("Moulvibazar"), N_("Sunamganj"), N_("Sylhet")]),
}


def district_code(name):
    return name.lower().replace("'", "").replace(" ", "-")


DISTRICTS = {
    district_code(name): (_(name), division) for division, (_label, names) in DIVISIONS.items() for name in names
}
DIVISION_CHOICES = [(code, label) for code, (label, _names) in DIVISIONS.items()]
DISTRICT_CHOICES = [
    (label, [(district_code(name), DISTRICTS[district_code(name)][0]) for name in names])
    for _code, (label, names) in DIVISIONS.items()
]


def division_of(district):
    """The division code of a district code, or None."""
    entry = DISTRICTS.get(district)
    return entry[1] if entry else None


def district_name(district):
    entry = DISTRICTS.get(district)
    return entry[0] if entry else district
