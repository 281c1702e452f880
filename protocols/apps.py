from django.apps import AppConfig


class ProtocolsConfig(AppConfig):
    name = "protocols"

    def ready(self):
        from protocols import deadlines  # noqa: F401 - registers the governance clocks
