from django.apps import AppConfig


class FileSystemConfig(AppConfig):
    name = "apps.file_system"
    label = "file_system"
    verbose_name = "File system"
