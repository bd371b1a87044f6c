"""Demo data for `make run`: idempotent, so it runs on every start."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_PASSWORD = "dxports-demo-2026"
STAFF_EMAIL = "admin@dxports.test"


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            email=STAFF_EMAIL, defaults={"is_staff": True, "is_superuser": True, "first_name": "Program admin"}
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save(update_fields=["password"])
        self.stdout.write(f"Demo logins (password for each: {DEMO_PASSWORD}):")
        self.stdout.write(f"  program admin  {STAFF_EMAIL}  http://127.0.0.1:8000/admin/")
