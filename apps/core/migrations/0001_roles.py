from django.db import migrations, models

ROLE_PERMISSIONS = {
    "Viewer": ["view_portal"],
    "Operator": ["view_portal", "operate"],
    "Admin": ["view_portal", "operate", "administer"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the groups need them now.
    from django.contrib.auth.management import create_permissions

    core = apps.get_app_config("core")
    core.models_module = True
    create_permissions(core, apps=apps, verbosity=0)
    core.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(Permission.objects.filter(content_type__app_label="core", codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.CreateModel(
            name="Portal",
            fields=[("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"))],
            options={
                "managed": False,
                "default_permissions": (),
                "permissions": [
                    ("view_portal", "See PostHog resources and history"),
                    ("operate", "Make everyday changes in PostHog"),
                    ("administer", "Manage connections, secret keys, tokens and deletions"),
                ],
            },
        ),
        migrations.RunPython(create_roles, remove_roles),
    ]
