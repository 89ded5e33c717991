from django.urls import path

from study import views

app_name = "study"
urlpatterns = [
    path("points/", views.my_points, name="my_points"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("ranking/", views.ranking, name="ranking"),
]
