from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies and people"

    def ready(self):
        from agencies import deadlines  # noqa: F401 - registers the ended-membership clock
