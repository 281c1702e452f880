from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self):
        from cases import deadlines  # noqa: F401 - registers the clocks of cases and court dates
