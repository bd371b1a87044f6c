from django.urls import path

from catalog.imports import views

app_name = "catalog_imports"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("new/", views.import_new, name="new"),
    path("template/", views.import_template, name="template"),
    path("export/", views.catalog_export, name="export"),
    path("photos/", views.photo_import_new, name="photos-new"),
    path("photos/<uuid:public_id>/", views.photo_import_detail, name="photos-detail"),
    path("<uuid:public_id>/", views.import_detail, name="detail"),
    path("<uuid:public_id>/status/", views.import_status, name="status"),
    path("<uuid:public_id>/errors/", views.import_errors, name="errors"),
    path("<uuid:public_id>/file/", views.import_file, name="file"),
]
