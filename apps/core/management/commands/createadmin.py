import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create a portal Admin (a superuser in the Admin role). Prints a generated password unless one is given."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-env",
            metavar="VAR",
            help="read the password from this environment variable instead of generating one",
        )
        parser.add_argument(
            "--if-none",
            action="store_true",
            help="do nothing when any user exists already (for first-run scripts)",
        )

    def handle(self, *args, username, email, password_env, if_none, **options):
        User = get_user_model()
        if if_none and User.objects.exists():
            return
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} exists already.")
        if password_env:
            password = os.environ.get(password_env, "")
            if not password:
                raise CommandError(f"The environment variable {password_env} is empty.")
        else:
            password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=username, email=email, password=password)
        user.groups.add(Group.objects.get(name="Admin"))
        self.stdout.write(self.style.SUCCESS(f"Admin {username!r} created."))
        if not password_env:
            self.stdout.write(f"Password (shown once, change it after signing in): {password}")
