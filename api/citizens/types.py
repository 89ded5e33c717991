"""我的 in the API: a citizen's applications and named complaints, for the session's proved phone (core.citizens)."""

import graphene

from core.workdays import is_provisional


class MyApplication(graphene.ObjectType):
    tracking_number = graphene.String(required=True)
    item_name = graphene.String(required=True)
    service_centre = graphene.String(required=True)
    state = graphene.String(required=True)
    status = graphene.String(required=True)
    submitted_at = graphene.DateTime(required=True)
    due_at = graphene.DateTime(description="The promised completion; null once the case has ended.")
    due_provisional = graphene.Boolean(required=True, description="dueAt is provisional (暂定).")
    paused = graphene.Boolean(required=True)
    finished = graphene.Boolean(required=True)

    @staticmethod
    def resolve_due_provisional(row, info):
        return is_provisional(row.due_at)


class MyComplaint(graphene.ObjectType):
    reference = graphene.String(required=True)
    category = graphene.String(required=True)
    status = graphene.String(required=True)
    received_at = graphene.DateTime(required=True)
    due_at = graphene.DateTime(description="The current stage's deadline; null once the complaint has ended.")
    due_provisional = graphene.Boolean(required=True, description="dueAt is provisional (暂定).")
    final = graphene.Boolean(required=True)
    is_public = graphene.Boolean(required=True)

    @staticmethod
    def resolve_due_provisional(row, info):
        return is_provisional(row.due_at)


class MyCases(graphene.ObjectType):
    phone = graphene.String(required=True, description="The number logged in with, masked (139****0001).")
    applications = graphene.List(graphene.NonNull(MyApplication), required=True)
    complaints = graphene.List(
        graphene.NonNull(MyComplaint), required=True, description="Named complaints only: never anonymous ones."
    )
