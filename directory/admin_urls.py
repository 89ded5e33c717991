app_name = "directory_import"
urlpatterns: list = []
