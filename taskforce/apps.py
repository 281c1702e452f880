from django.apps import AppConfig


class TaskforceConfig(AppConfig):
    name = "taskforce"
    verbose_name = "Task force"

    def ready(self):
        from taskforce import schema_hooks, signals  # noqa: F401
