"""The divisions of Bangladesh and their districts, as data (64 districts in 8 divisions)."""

from django.utils.translation import gettext_lazy as _

DIVISIONS = {
    "barishal": (_("Barishal"), ["Barguna", "Barishal", "Bhola", "Jhalokathi", "Patuakhali", "Pirojpur"]),
    "chattogram": (
        _("Chattogram"),
        [
            "Bandarban",
            "Brahmanbaria",
            "Chandpur",
            "Chattogram",
            "Cox's Bazar",
            "Cumilla",
            "Feni",
            "Khagrachhari",
            "Lakshmipur",
            "Noakhali",
            "Rangamati",
        ],
    ),
    "dhaka": (
        _("Dhaka"),
        [
            "Dhaka",
            "Faridpur",
            "Gazipur",
            "Gopalganj",
            "Kishoreganj",
            "Madaripur",
            "Manikganj",
            "Munshiganj",
            "Narayanganj",
            "Narsingdi",
            "Rajbari",
            "Shariatpur",
            "Tangail",
        ],
    ),
    "khulna": (
        _("Khulna"),
        [
            "Bagerhat",
            "Chuadanga",
            "Jashore",
            "Jhenaidah",
            "Khulna",
            "Kushtia",
            "Magura",
            "Meherpur",
            "Narail",
            "Satkhira",
        ],
    ),
    "mymensingh": (_("Mymensingh"), ["Jamalpur", "Mymensingh", "Netrokona", "Sherpur"]),
    "rajshahi": (
        _("Rajshahi"),
        ["Bogura", "Chapainawabganj", "Joypurhat", "Naogaon", "Natore", "Pabna", "Rajshahi", "Sirajganj"],
    ),
    "rangpur": (
        _("Rangpur"),
        ["Dinajpur", "Gaibandha", "Kurigram", "Lalmonirhat", "Nilphamari", "Panchagarh", "Rangpur", "Thakurgaon"],
    ),
    "sylhet": (_("Sylhet"), ["Habiganj", "Moulvibazar", "Sunamganj", "Sylhet"]),
}


def district_code(name):
    return name.lower().replace("'", "").replace(" ", "-")


DISTRICTS = {district_code(name): (name, division) for division, (_label, names) in DIVISIONS.items() for name in names}
DIVISION_CHOICES = [(code, label) for code, (label, _names) in DIVISIONS.items()]
DISTRICT_CHOICES = [
    (label, [(district_code(name), name) for name in names]) for _code, (label, names) in DIVISIONS.items()
]


def division_of(district):
    """The division code of a district code, or None."""
    entry = DISTRICTS.get(district)
    return entry[1] if entry else None


def district_name(district):
    entry = DISTRICTS.get(district)
    return entry[0] if entry else district
