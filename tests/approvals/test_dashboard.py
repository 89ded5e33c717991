"""The window's and the handler's work dashboard, and the overdue highlight of the work queue."""

import datetime

from django.urls import reverse
from django.utils import timezone

from approvals import dashboard, services
from approvals.models import ApplicationStep, StepKind
from supervision.models import Clock
from tests.approvals.conftest import decide_every_step, pdf


def panel(user, name):
    return next(p for p in dashboard.panels_for(user) if p.name == name)


def card(key, level):
    assert Clock.objects.filter(key=key).update(level=level) == 1


def test_the_window_sees_applications_to_accept_by_acceptance_deadline_with_their_card(
    staff, submit, client, django_assert_max_num_queries
):
    first, second = submit().application, submit().application
    first_step = first.steps.get(kind=StepKind.ACCEPTANCE)
    second_step = second.steps.get(kind=StepKind.ACCEPTANCE)
    # The second is due first, and a clock of the first has already earned a yellow card: it goes on top.
    ApplicationStep.objects.filter(pk=second_step.pk).update(due_at=first_step.due_at - datetime.timedelta(hours=1))
    card(first_step.clock_key, "yellow")
    to_accept = panel(staff.window, "approvals-to-accept")
    with django_assert_max_num_queries(2):
        items, _summaries = to_accept.rows()
    assert [i.url for i in items] == [
        reverse("approvals_admin:detail", args=[first.pk]),
        reverse("approvals_admin:detail", args=[second.pk]),
    ]
    assert items[0].card == "yellow" and items[0].deadline == first_step.due_at
    assert items[1].deadline is not None

    # The township centre's window sees none of the city centre's cases; a handler has no acceptance panel.
    assert panel(staff.township_window, "approvals-to-accept").rows()[0] == []
    assert "approvals-to-accept" not in [p.name for p in dashboard.panels_for(staff.sjj)]

    client.force_login(staff.window)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-work-panel="approvals-to-accept"' in page and first.tracking_number in page
    # The queue shows the acceptance deadline instead of "—", and the card.
    queue = client.get(reverse("approvals_admin:queue") + "?show=window").content.decode()
    assert 'data-card="yellow"' in queue
    assert first_step.due_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m-%d %H:%M") in queue


def test_a_handler_sees_their_steps_overdue_first_in_red_with_the_card(
    staff, submit, client, django_assert_max_num_queries
):
    late = services.accept_application(submit().application, by=staff.window)
    calm = services.accept_application(submit().application, by=staff.window)
    late_step, calm_step = late.steps.get(order=1), calm.steps.get(order=1)
    ApplicationStep.objects.filter(pk=late_step.pk).update(due_at=timezone.now() - datetime.timedelta(hours=2))
    card(late_step.clock_key, "red")
    mine = panel(staff.sjj, "approvals-my-steps")
    with django_assert_max_num_queries(2):
        items, _summaries = mine.rows()
    assert [i.title.split(" · ")[1] for i in items] == [late.tracking_number, calm.tracking_number]
    assert items[0].card == "red" and items[0].is_overdue()

    # A step another handler took is theirs, not mine; another department sees nothing of these.
    services.take_step(calm_step, by=staff.sjj2)
    assert [i.title.split(" · ")[1] for i in panel(staff.sjj, "approvals-my-steps").rows()[0]] == [late.tracking_number]
    assert panel(staff.zjj, "approvals-my-steps").rows()[0] == []
    assert "approvals-my-steps" not in [p.name for p in dashboard.panels_for(staff.window)]

    client.force_login(staff.sjj)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-urgency="3"' in home and "wd-card-red" in home
    queue = client.get(reverse("approvals_admin:queue") + "?show=steps").content.decode()
    assert 'class="ap-overdue"' in queue and 'data-card="red"' in queue


def test_the_queue_page_stays_at_a_constant_number_of_queries(staff, submit, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff.window)
    url = reverse("approvals_admin:queue") + "?show=window"
    submit()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _n in range(3):
        submit()
    with CaptureQueriesContext(connection) as four:
        assert "data-card" not in client.get(url).content.decode()
    assert len(four) == len(one)


def _decided(submit, staff):
    return decide_every_step(services.accept_application(submit().application, by=staff.window), staff)


def test_the_window_sees_decided_applications_to_complete_soonest_promise_first(
    staff, submit, client, django_assert_max_num_queries
):
    from approvals.models import Application

    later, sooner = _decided(submit, staff), _decided(submit, staff)
    assert later.state == sooner.state == "approved"
    Application.objects.filter(pk=sooner.pk).update(due_at=later.due_at - datetime.timedelta(days=1))
    card(later.subject, "yellow")
    to_complete = panel(staff.window, "approvals-to-complete")
    with django_assert_max_num_queries(2):
        items, _summaries = to_complete.rows()
    assert [i.url for i in items] == [
        reverse("approvals_admin:detail", args=[later.pk]),  # its yellow card puts it first
        reverse("approvals_admin:detail", args=[sooner.pk]),
    ]
    assert items[0].card == "yellow" and items[1].deadline is not None
    assert panel(staff.township_window, "approvals-to-complete").rows()[0] == []
    assert "approvals-to-complete" not in [p.name for p in dashboard.panels_for(staff.sjj)]
    services.complete_application(later, by=staff.window, document=pdf())
    assert [i.url for i in panel(staff.window, "approvals-to-complete").rows()[0]] == [
        reverse("approvals_admin:detail", args=[sooner.pk])
    ]
    client.force_login(staff.window)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-work-panel="approvals-to-complete"' in page and "待办结" in page and sooner.tracking_number in page
