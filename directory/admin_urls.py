from django.urls import path

app_name = "directory_import"
urlpatterns: list = []
