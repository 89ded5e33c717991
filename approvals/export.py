"""The catalogue as JSON in the field names of the EU Core Public Service Vocabulary (CPSV-AP 3)."""

from django.http import HttpRequest
from django.urls import reverse

from approvals.models import ApprovalItem, HandlingMode

CONTEXT = "https://semiceu.github.io/CPSV-AP/releases/3.2.0/context/cpsv-ap.jsonld"


def catalogue(request: HttpRequest | None = None) -> dict:
    items = (
        ApprovalItem.objects.filter(is_published=True)
        .select_related("department")
        .prefetch_related("materials", "steps__departments", "township_centres")
        .order_by("code")
    )
    return {
        "@context": CONTEXT,
        "@type": "PublicServiceDataset",
        "title": "清河市网上审批事项目录",
        "publisher": "清河市人民政府",
        "PublicService": [_service(item, request) for item in items],
    }


def _url(request, path):
    return request.build_absolute_uri(path) if request is not None else path


def _service(item, request):
    channels = []
    if item.handling_mode in (HandlingMode.ONLINE, HandlingMode.BOTH):
        channels.append({"@type": "Channel", "type": "Website"})
    if item.handling_mode in (HandlingMode.WINDOW, HandlingMode.BOTH):
        centres = (["市政务服务中心"] if item.at_city_centre else []) + [c.name for c in item.township_centres.all()]
        channels.extend({"@type": "Channel", "type": "Assistant", "ownedBy": name} for name in centres)
    return {
        "@type": "PublicService",
        "identifier": item.code,
        "name": item.name,
        "description": item.summary,
        "keyword": [item.get_theme_display()],
        "thematicArea": item.theme,
        "hasCompetentAuthority": {
            "@type": "PublicOrganisation",
            "identifier": item.department.code,
            "prefLabel": item.department.name,
        },
        "hasLegalResource": [{"@type": "LegalResource", "description": item.legal_basis}],
        "holdsRequirement": [
            {"@type": "CriterionRequirement", "name": line, "identifier": f"{item.code}-C{n}"}
            for n, line in enumerate(item.condition_lines(), start=1)
        ],
        "hasInput": [
            {
                "@type": "Evidence",
                "identifier": f"{item.code}-E{material.pk}",
                "name": material.name,
                "description": f"{material.get_form_display()} × {material.copies}",
                "required": material.required,
                "relatedDocumentation": _url(request, material.blank_form.url) if material.blank_form else None,
            }
            for material in item.materials.all()
        ],
        "hasCost": [
            {
                "@type": "Cost",
                "value": f"{item.fee:.2f}",
                "currency": "CNY",
                "description": item.fee_basis or "免费",
                "isDefinedBy": item.fee_basis,
            }
        ],
        "processingTime": f"P{item.promised_days}D",
        "statutoryProcessingTime": f"P{item.statutory_days}D",
        "processingTimeUnit": "working days",
        "hasChannel": channels,
        "hasStep": [
            {
                "order": step.order,
                "name": step.name,
                "processingTime": f"P{step.working_days}D",
                "hasParticipation": [
                    {"@type": "Participation", "role": step.role, "hasParticipant": d.name}
                    for d in step.departments.all()
                ],
            }
            for step in item.steps.all()
        ],
        "landingPage": _url(request, reverse("approvals:item", args=[item.code])),
    }
