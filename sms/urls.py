"""Public URLs of the SMS app, included at the site root (before Wagtail's catch-all)."""

from django.urls import path

from sms import views

app_name = "sms"
urlpatterns = [
    path("s/<str:code>", views.short_link, name="short_link"),
]
