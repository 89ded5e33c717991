import graphene
from django.core.paginator import Paginator

from api.approvals.dataloaders import expect_items
from api.approvals.types import ApprovalItemListing, ApprovalItemType, CatalogueDepartment, ThemeEnum
from api.core.pagination import clamp_page_size, page_of
from api.core.types import enum_value
from approvals import selectors


class ApprovalsQuery(graphene.ObjectType):
    approval_items = graphene.Field(
        ApprovalItemListing,
        required=True,
        search=graphene.String(),
        department_id=graphene.ID(),
        theme=ThemeEnum(),
        page=graphene.Int(default_value=1),
        page_size=graphene.Int(),
    )
    approval_item = graphene.Field(ApprovalItemType, code=graphene.String(required=True))
    approval_departments = graphene.List(
        graphene.NonNull(CatalogueDepartment),
        required=True,
        description="Departments with published items, for approvalItems(departmentId:).",
    )

    @staticmethod
    def resolve_approval_items(root, info, search=None, department_id=None, theme=None, page=1, page_size=None):
        items = selectors.catalogue(search, department_id, enum_value(theme))
        found, page_info = page_of(Paginator(items, clamp_page_size(page_size)), page)
        expect_items(info.context, found)
        return ApprovalItemListing(items=found, page_info=page_info)

    @staticmethod
    def resolve_approval_departments(root, info):
        return selectors.catalogue_departments()

    @staticmethod
    def resolve_approval_item(root, info, code):
        return selectors.published_item(code)
