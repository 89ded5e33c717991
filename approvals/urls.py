from django.urls import path

from approvals import views
from core import converters  # noqa: F401 - registers <text:...>

app_name = "approvals"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalogue.json", views.catalogue_json, name="catalogue_json"),
    path("items/<text:code>/", views.item_detail, name="item"),
    path("items/<text:code>/flowchart.svg", views.item_flowchart, name="flowchart"),
    path("items/<text:code>/apply/", views.apply, name="apply"),
    path("performance/", views.performance_page, name="performance"),
    path("performance.json", views.performance_json, name="performance_json"),
    path("performance.csv", views.performance_csv, name="performance_csv"),
    path("track/", views.track, name="track"),
    path("track/<text:number>/", views.track_detail, name="track_detail"),
    path("files/<int:pk>/", views.material_file, name="material_file"),
    path("results/<text:number>/", views.result_file, name="result_file"),
]
