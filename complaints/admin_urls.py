from django.urls import path

from complaints import admin_views

app_name = "complaints_admin"
urlpatterns = [
    path("", admin_views.complaint_list, name="list"),
    path("<int:pk>/", admin_views.complaint_detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_pk>/", admin_views.attachment, name="attachment"),
    path("reveals/", admin_views.reveal_log, name="reveals"),
    path("statistics/", admin_views.statistics, name="statistics"),
]
