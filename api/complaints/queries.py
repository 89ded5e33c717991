import graphene
from django.core.paginator import Paginator

from api.complaints.dataloaders import UpdatesByCaseLoader
from api.complaints.types import CategoryOption, PublicCase, PublicCaseListing
from api.core.pagination import clamp_page_size, page_of
from complaints import selectors
from complaints.models import Category, Level


class ComplaintsQuery(graphene.ObjectType):
    complaint_categories = graphene.List(graphene.NonNull(CategoryOption), required=True)
    complaint_levels = graphene.List(
        graphene.NonNull(CategoryOption), required=True, description="The levels (职级) of a person reported."
    )
    public_cases = graphene.Field(
        PublicCaseListing, page=graphene.Int(default_value=1), page_size=graphene.Int(), required=True
    )
    public_case = graphene.Field(PublicCase, reference=graphene.String(required=True))

    @staticmethod
    def resolve_complaint_categories(root, info):
        return [CategoryOption(code=code, name=str(name)) for code, name in Category.choices]

    @staticmethod
    def resolve_complaint_levels(root, info):
        return [CategoryOption(code=code, name=str(name)) for code, name in Level.choices]

    @staticmethod
    def resolve_public_cases(root, info, page=1, page_size=None):
        items, page_info = page_of(Paginator(selectors.public_cases(), clamp_page_size(page_size)), page)
        UpdatesByCaseLoader(info.context).expect(case.pk for case in items)
        return PublicCaseListing(items=items, page_info=page_info)

    @staticmethod
    def resolve_public_case(root, info, reference):
        return selectors.public_case(reference)
