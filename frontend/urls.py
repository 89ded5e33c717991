from django.urls import path, re_path

from frontend import views

app_name = "frontend"

urlpatterns = [
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("", views.shell, name="shell"),
    re_path(r"^(?P<path>.*)$", views.shell, name="shell_path"),
]
