from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"

    def ready(self):
        from victims import deadlines  # noqa: F401 - registers the clocks of victims and services
