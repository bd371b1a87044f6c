from django.apps import AppConfig


class AlibabaConfig(AppConfig):
    name = "alibaba"

    def ready(self) -> None:
        from alibaba import figures

        figures.register()
