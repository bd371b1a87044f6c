from django.urls import path

from sellers import views

app_name = "sellers"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("profile/<slug:step>/", views.step, name="step"),
    path("documents/", views.documents, name="documents"),
    path("documents/<uuid:public_id>/", views.document, name="document"),
    path("submit/", views.submit, name="submit"),
    path("history/", views.history, name="history"),
    path("team/", views.team, name="team"),
    path("team/<uuid:public_id>/remove/", views.member_remove, name="member-remove"),
    path("team/invitations/<uuid:public_id>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("claim/<str:token>/", views.claim, name="claim"),
]
