"""Mounted under admin/cadres/import/ by wagtail_hooks (register_admin_urls), which adds the admin-access check."""

from django.urls import path

from directory import views

app_name = "directory_import"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
]
