"""Give the role groups exactly the permissions of o2c/roles.py (migrations run it too)."""

from typing import Any

from django.core.management.base import BaseCommand

from o2c.roles import roles_sync


class Command(BaseCommand):
    help = "Create the role groups and set their permissions from o2c/roles.py."

    def handle(self, *args: Any, **options: Any) -> None:
        for role, count in roles_sync().items():
            self.stdout.write(f"{role:<10} {count} permissions")
