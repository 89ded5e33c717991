"""The sub-routes of a forum board page (ForumBoardPage names this module as its URLconf): the topic list, a topic,
reporting a post.

A URLconf of its own, named by dotted path as settings name ROOT_URLCONF, so that forum/models.py never imports the
views that render its pages (the views import the models).
"""

from django.urls import path

from forum import views


def _on_page(view):
    """Wagtail binds a route to the page it serves (the page comes first); our views take the request first."""

    def route(page, request, *args, **kwargs):
        return view(request, page, *args, **kwargs)

    route.__name__ = route.__qualname__ = view.__name__
    return route


urlpatterns = [
    path("", _on_page(views.board), name="board"),
    path("topics/<int:pk>/", _on_page(views.topic), name="topic"),
    path("posts/<int:pk>/report/", _on_page(views.report), name="report"),
]
