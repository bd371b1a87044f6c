from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("", views.partner_list, name="list"),
    path("<uuid:public_id>/access/", views.access, name="access"),
    path("<uuid:public_id>/", views.activity, name="activity"),
]
