from django.urls import path

from quizzes import views

app_name = "quizzes"
urlpatterns = [path("<str:code>", views.sms_explanation, name="sms_explanation")]
