from django.urls import path

from study import views

app_name = "study"
urlpatterns = [path("points/", views.my_points, name="my_points")]
