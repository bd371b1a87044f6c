from django.apps import AppConfig


class AlibabaConfig(AppConfig):
    name = "alibaba"
