from django.urls import path

from citizens import views

app_name = "citizens"
urlpatterns = [path("", views.mine, name="mine")]
