from django.urls import path

from buyers import views

app_name = "buyers"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("figures/", views.figures, name="figures"),
    path("templates/", views.templates, name="templates"),
    path("templates/<uuid:public_id>/", views.templates, name="template-edit"),
    path("templates/<uuid:public_id>/delete/", views.template_delete, name="template-delete"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/holidays/<str:day>/remove/", views.holiday_remove, name="holiday-remove"),
    path("<uuid:public_id>/", views.thread, name="thread"),
    path("<uuid:public_id>/reply/", views.reply, name="reply"),
    path("<uuid:public_id>/quote/", views.quote, name="quote"),
    path("<uuid:public_id>/mark/", views.mark, name="mark"),
    path("<uuid:public_id>/not-spam/", views.not_spam, name="not-spam"),
    path("<uuid:public_id>/messages/<uuid:message_id>/retry/", views.retry, name="retry"),
    path("<uuid:public_id>/files/<uuid:attachment_id>/", views.attachment, name="attachment"),
]
