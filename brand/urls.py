from django.urls import path

from brand import views

app_name = "brand"

urlpatterns = [
    path("", views.profile_page, name="profile"),
    path("edit/", views.profile_edit, name="edit"),
    path("send/", views.profile_send, name="send"),
    path("preview/", views.profile_preview, name="preview"),
    path("photos/", views.photo_upload, name="photo-upload"),
    path("logo/", views.logo_upload, name="logo-upload"),
    path("photos/<uuid:public_id>/", views.photo_file, name="photo"),
    path("photos/<uuid:public_id>/thumbnail/", views.photo_thumbnail, name="photo-thumbnail"),
    path("photos/<uuid:public_id>/remove/", views.photo_remove, name="photo-remove"),
    path("photos/<uuid:public_id>/move/", views.photo_move, name="photo-move"),
    path("certificates/new/", views.certificate_new, name="certificate-new"),
    path("certificates/<uuid:public_id>/", views.certificate_file, name="certificate"),
    path("certificates/<uuid:public_id>/remove/", views.certificate_remove, name="certificate-remove"),
]
