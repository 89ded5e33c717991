"""Mounted under admin/forum/ by wagtail_hooks (register_admin_urls), which adds the admin-access check."""

from django.urls import path

from forum import admin_views

app_name = "forum_moderation"
urlpatterns = [
    path("", admin_views.queue, name="queue"),
    path("posts/<int:pk>/<str:action>/", admin_views.post_action, name="post_action"),
    path("topics/<int:pk>/<str:action>/", admin_views.topic_action, name="topic_action"),
]
