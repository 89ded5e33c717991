import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections

from approvals import services
from approvals.models import Application, ApplicationEvent, State, SubmittedMaterial
from core.error_codes import CommonErrorCode
from tests.approvals.conftest import docx, pdf, png


def test_two_window_staff_acting_at_once_one_wins(submit, staff, make_staff, city):
    other = make_staff("window_staff", city.centre)
    app = submit().application
    mine = Application.objects.get(pk=app.pk)
    theirs = Application.objects.get(pk=app.pk)  # both opened the case before either acted
    services.accept_application(mine, by=staff.window)
    with pytest.raises(ValidationError) as raised:
        services.refuse_acceptance(theirs, by=other, reason="材料不符", legal_basis="行政许可法第32条")
    assert raised.value.code == CommonErrorCode.CONFLICT
    assert "Someone else" in raised.value.messages[0] or "刚刚" in raised.value.messages[0]
    app.refresh_from_db()
    assert app.state == State.IN_REVIEW
    assert not ApplicationEvent.objects.filter(kind="application.not_accepted").exists()


def test_two_handlers_deciding_the_same_step_one_wins(submit, staff):
    app = services.accept_application(submit().application, by=staff.window)
    step = app.steps.get(order=1)
    services.decide_step(step, by=staff.sjj, approve=True, opinion="同意", legal_basis="法")
    with pytest.raises(ValidationError) as raised:
        services.decide_step(step, by=staff.sjj2, approve=False, opinion="不同意", legal_basis="法")
    assert raised.value.code == CommonErrorCode.CONFLICT
    assert (
        ApplicationEvent.objects.filter(step=step, kind__startswith="step.").exclude(kind="step.started").count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_in_threads_leave_one_decision(city, staff, submit):
    app = services.accept_application(submit().application, by=staff.window)
    step = app.steps.get(order=1)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(user, approve):
        try:
            barrier.wait()
            services.decide_step(step, by=user, approve=approve, opinion="意见", legal_basis="依据")
            outcomes.append("won")
        except ValidationError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # SQLite's lock timeout counts as losing
            outcomes.append(type(exc).__name__)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=decide, args=(u, a)) for u, a in [(staff.sjj, True), (staff.sjj2, False)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("won") == 1
    decided = ApplicationEvent.objects.filter(step=step, kind__in=["step.approved", "step.refused"])
    assert decided.count() == 1


def test_nobody_acts_on_a_step_that_is_not_theirs(submit, staff, make_staff, city):
    app = services.accept_application(submit().application, by=staff.window)
    step = app.steps.get(order=1)  # the market regulator's
    for intruder in (staff.zjj, staff.window, make_staff("supervisor", city.sjj)):
        with pytest.raises(PermissionDenied):
            services.decide_step(step, by=intruder, approve=True, opinion="同意", legal_basis="法")
    with pytest.raises(PermissionDenied):
        services.accept_application(submit().application, by=staff.sjj)  # handlers do not accept at the window
    with pytest.raises(PermissionDenied):
        services.request_supplement(app, by=staff.zjj, materials=["x"])  # no open step of theirs
    with pytest.raises(PermissionDenied):
        services.take_step(step, by=staff.zjj)


def test_a_transition_out_of_order_is_refused_clearly(submit, staff):
    app = submit().application
    with pytest.raises(ValidationError) as raised:
        services.complete_application(app, by=staff.window, document=pdf())
    assert raised.value.code == CommonErrorCode.INVALID_TRANSITION
    with pytest.raises(ValidationError):
        services.rate_application(app, rating=5)
    with pytest.raises(ValidationError):
        services.supplement_application(app, files=[(None, pdf())])


def test_take_a_step_once(submit, staff):
    app = services.accept_application(submit().application, by=staff.window)
    step = app.steps.get(order=1)
    services.take_step(step, by=staff.sjj)
    with pytest.raises(ValidationError):
        services.take_step(step, by=staff.sjj2)


def test_missing_materials_are_named(submit, item):
    materials = list(item.materials.all())
    with pytest.raises(ValidationError) as raised:
        submit(files=[(materials[0], docx())])
    assert "营业执照" in raised.value.message_dict["files"][0]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (
            lambda: __import__("tests.approvals.conftest", fromlist=["x"]).SimpleUploadedFile(
                "a.pdf", b"MZ\x90\x00evil"
            ),
            "不是可接受的文件",
        ),
        (lambda: png("营业执照.pdf"), "不是可接受的文件"),  # a PNG named .pdf
        (lambda: pdf("营业执照.exe"), "不是可接受的文件"),
        (lambda: pdf(size=11 * 1024 * 1024), "过大"),
        (lambda: __import__("tests.approvals.conftest", fromlist=["x"]).SimpleUploadedFile("e.pdf", b""), "空"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(submit, item, upload, code):
    materials = list(item.materials.all())
    with pytest.raises(ValidationError) as raised:
        submit(files=[(materials[0], docx()), (materials[1], upload())])
    assert code in " ".join(raised.value.messages)  # in the applicant's language, Chinese by default
    assert not Application.objects.exists() and not SubmittedMaterial.objects.exists()


def test_accepted_files_are_stored_under_unguessable_names(submit, item, settings):
    materials = list(item.materials.all())
    app = submit(files=[(materials[0], docx()), (materials[1], png("营业执照.png")), (materials[2], pdf())]).application
    stored = list(app.submitted_materials.all())
    assert [s.extension for s in stored] == ["docx", "png", "pdf"]
    for row in stored:
        assert row.original_name not in row.file.name and len(row.file.name.rsplit("/", 1)[-1]) > 30
        # Private: outside MEDIA_ROOT, which the web server serves.
        assert (settings.COMPLAINTS_PRIVATE_ROOT / row.file.name).exists()
        assert not (settings.MEDIA_ROOT / row.file.name).exists()


def test_the_result_document_must_be_a_pdf(submit, staff):
    app = services.accept_application(submit().application, by=staff.window)
    with pytest.raises(ValidationError):
        services.complete_application(app, by=staff.window, document=None)
    with pytest.raises(ValidationError):
        services.complete_application(app, by=staff.window, document=docx())


def test_walk_in_entered_by_window_staff(submit, staff, city):
    app = submit(by=staff.window).application
    assert app.channel == "window"
    with pytest.raises(PermissionDenied):
        submit(by=staff.township_window)


def test_an_item_not_delegated_to_a_centre_cannot_be_applied_for_there(submit, city):
    from directory.models import Department, DepartmentKind

    other = Department.objects.create(
        code="QH-X-BM", name="别处便民服务中心", kind=DepartmentKind.SERVICE_CENTRE, parent=city.township
    )
    with pytest.raises(ValidationError) as raised:
        submit(centre=other)
    assert "service_centre" in raised.value.message_dict
