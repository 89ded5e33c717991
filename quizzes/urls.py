from django.urls import path

from core import converters  # noqa: F401 - registers <text:...>
from quizzes import views

app_name = "quizzes"
urlpatterns = [path("<text:code>", views.sms_explanation, name="sms_explanation")]
