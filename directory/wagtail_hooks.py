from django.urls import include, path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from directory.viewsets import DirectoryViewSetGroup

register_snippet(DirectoryViewSetGroup)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [path("cadres/import/", include("directory.admin_urls", namespace="directory_import"))]
