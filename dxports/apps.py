from django.apps import AppConfig


class DxportsConfig(AppConfig):
    name = "dxports"
    verbose_name = "dxports"
