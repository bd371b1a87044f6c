from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"

    def ready(self):
        # import_tasks: the catalog import's Celery tasks, in a module of their own (tasks.py is the sync engine's),
        # imported here so that every worker knows them.
        from catalog import import_tasks, sync  # noqa: F401

        sync.register()
