"""Demo data of the project itself: the program admin's login, and who the active demo seller is (its owner's
e-mail), which the apps' demo modules share without importing each other."""

from io import TextIOBase

from django.contrib.auth import get_user_model

from dxports.mail import site_url

DEMO_PASSWORD = "dxports-demo-2026"
STAFF_EMAIL = "admin@dxports.test"
# The owner of the active demo seller (sellers/demo.py), whose listings and inquiries the demo builds.
ACTIVE_SELLER_EMAIL = "jute@demo.dxports.test"


def seed(out: TextIOBase) -> None:
    """Idempotent; writes the logins it provides to ``out``."""
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        email=STAFF_EMAIL, defaults={"is_staff": True, "is_superuser": True, "first_name": "Program admin"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    out.write(f"  program admin (superuser)  {STAFF_EMAIL}  {site_url('/admin/')}")
