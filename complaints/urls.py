from django.urls import path

from complaints import views
from core import converters  # noqa: F401 - registers <text:...>

app_name = "complaints"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("follow/", views.follow, name="follow"),
    path("mine/<text:reference>/", views.mine, name="mine"),
    path("cases/", views.cases, name="cases"),
    path("cases/<text:reference>/", views.case, name="case"),
]
