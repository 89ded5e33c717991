"""The baseline for bench/api.py: plain Django JSON views returning the same data as the GraphQL queries."""

from django.http import JsonResponse
from django.urls import include, path

from cms.models import ContentPage, SectionPage, WarningPhrase
from cms.models.pages import CARD_FIELDS, LATEST_PER_SECTION, HomePage, attach_latest, with_covers


def _card(page, request):
    specific_class = page.specific_class
    return {
        "id": page.pk,
        "title": page.title,
        "url": page.get_url(request),
        "date": page.date.isoformat(),
        "typeLabel": str(specific_class._meta.verbose_name) if specific_class else "",
        "cover": {"url": page.cover.file.url} if page.cover else None,
    }


def home(request):
    home = HomePage.objects.live().first()
    phrase = WarningPhrase.objects.of_the_day()
    featured = with_covers(ContentPage.objects.live().public().filter(featured_on__home=home)).only(*CARD_FIELDS)
    sections = attach_latest(
        list(SectionPage.objects.child_of(home).live().public().order_by("path")), LATEST_PER_SECTION
    )
    data = {
        "title": home.title,
        "phrase": {"text": phrase.text} if phrase else None,
        "featured": [_card(page, request) for page in featured.order_by("featured_on__sort_order")],
        "sections": [
            {"id": s.pk, "title": s.title, "kind": s.kind, "latest": [_card(p, request) for p in s.latest]}
            for s in sections
        ],
    }
    return JsonResponse({"data": {"home": data}})


def article(request, pk):
    page = ContentPage.objects.live().public().get(pk=pk).specific
    body = [
        {"blockType": block.block_type, "value": block.block.get_api_representation(block.value)} for block in page.body
    ]
    data = {"id": page.pk, "title": page.title, "summary": page.summary, "date": page.date.isoformat(), "body": body}
    return JsonResponse({"data": {"page": data}}, json_dumps_params={"default": str})


urlpatterns = [
    path("plain/home/", home),
    path("plain/page/<int:pk>/", article),
    path("", include("config.urls")),
]
