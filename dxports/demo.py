"""Demo data of the project itself: the program admin's login."""

from io import TextIOBase

from django.contrib.auth import get_user_model

DEMO_PASSWORD = "dxports-demo-2026"
STAFF_EMAIL = "admin@dxports.test"


def seed(out: TextIOBase) -> None:
    """Idempotent; writes the logins it provides to ``out``."""
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        email=STAFF_EMAIL, defaults={"is_staff": True, "is_superuser": True, "first_name": "Program admin"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    out.write(f"  program admin (superuser)  {STAFF_EMAIL}  http://127.0.0.1:8000/admin/")
