from django.urls import path, register_converter

from catalog import views


class Sha256Converter:
    regex = "[0-9a-f]{64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(Sha256Converter, "sha256")

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_new, name="new"),
    path("<uuid:public_id>/", views.product_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.product_edit, name="edit"),
    path("<uuid:public_id>/sync/", views.product_sync_state, name="sync-state"),
    path("<uuid:public_id>/publish/", views.product_action, {"action": "publish"}, name="publish"),
    path("<uuid:public_id>/delist/", views.product_action, {"action": "delist"}, name="delist"),
    path("<uuid:public_id>/retry/", views.product_action, {"action": "retry"}, name="retry"),
    path("<uuid:public_id>/images/", views.image_upload, name="image-upload"),
    path("<uuid:public_id>/images/<sha256:sha256>/", views.image_file, name="image"),
    path("<uuid:public_id>/images/<sha256:sha256>/thumbnail/", views.image_thumbnail, name="image-thumbnail"),
    path("<uuid:public_id>/images/<sha256:sha256>/remove/", views.image_remove, name="image-remove"),
    path("<uuid:public_id>/images/<sha256:sha256>/move/", views.image_move, name="image-move"),
]
