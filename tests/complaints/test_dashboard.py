"""The investigator's work dashboard: their own open complaints, by stage deadline, with the card."""

import datetime

from django.urls import reverse
from django.utils import timezone

from complaints import dashboard, services
from complaints.models import Stage
from supervision.models import Clock


def test_an_investigator_sees_their_complaints_by_stage_deadline(
    submit, investigator, other_investigator, supervisor, client, django_assert_max_num_queries
):
    calm = submit().complaint
    late = submit().complaint
    theirs = submit().complaint
    for complaint in (calm, late):
        services.assign(complaint, by=investigator, investigators=[investigator])
    services.assign(theirs, by=other_investigator, investigators=[other_investigator])
    stage = Stage.objects.get(complaint=late, ended_at__isnull=True)
    Stage.objects.filter(pk=stage.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    Clock.objects.filter(key=stage.clock_key).update(level="yellow")

    (panel,) = dashboard.panels_for(investigator)
    with django_assert_max_num_queries(2):
        items, _summaries = panel.rows()
    assert [i.url for i in items] == [
        reverse("complaints_admin:detail", args=[late.pk]),
        reverse("complaints_admin:detail", args=[calm.pk]),
    ]
    assert items[0].is_overdue() and items[0].card == "yellow"
    assert items[1].deadline is not None
    # A supervisor reads complaints but handles none: no panel of complaints to handle.
    assert dashboard.panels_for(supervisor) == []

    client.force_login(investigator)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert late.reference in home and theirs.reference not in home
    # The full list marks the overdue complaint in red too.
    listing = client.get(reverse("complaints_admin:list") + "?mine=1").content.decode()
    assert listing.count('class="cp-overdue"') == 1
