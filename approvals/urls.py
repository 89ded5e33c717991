from django.urls import path

from approvals import views

app_name = "approvals"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalogue.json", views.catalogue_json, name="catalogue_json"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/flowchart.svg", views.item_flowchart, name="flowchart"),
    path("items/<str:code>/apply/", views.apply, name="apply"),
    path("track/", views.track, name="track"),
    path("track/<str:number>/", views.track_detail, name="track_detail"),
    path("files/<int:pk>/", views.material_file, name="material_file"),
    path("results/<str:number>/", views.result_file, name="result_file"),
]
