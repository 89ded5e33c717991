"""Demo complaints for 清河市: realistic reports in every state, public case updates and one clarification.

Run by ``load_demo`` after the directory (it needs the departments and the demo investigator). Each complaint goes
through the real services, so its events, stage clocks and SMS notices exist as in production. Idempotent: a
complaint is matched by its description. Receipts of demo complaints are not kept anywhere (nobody can follow
them); make a new complaint to try the receipt. The complaints and what the investigator does with each live in
demo_data.toml.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from approvals.demo import late_licence_number
from complaints import services
from complaints.models import Complaint
from core.demo_data import load_toml
from directory.demo import demo_step
from directory.models import Department

# A block of the demo phone range the demo cadres do not use (see directory.demo.DEMO_PHONE_PREFIX).
DEMO_REPORTER_PHONE = "+8619900009{:03d}"

DATA_FILE = Path(__file__).with_name("demo_data.toml")
COMPLAINTS = load_toml(DATA_FILE)["complaint"]


def _run(complaint, investigator, step):
    action = step["action"]
    kwargs = {key: value for key, value in step.items() if key != "action"}
    if action == "message":
        return services.investigator_message(complaint, investigator, kwargs["body"])
    if action == "update":
        return services.publish_update(complaint, investigator, kwargs["kind"], kwargs["body"], kwargs.get("title", ""))
    if action == "clarification":
        return services.publish_clarification(complaint, investigator, **kwargs)
    return getattr(services, action)(complaint, investigator, **kwargs)


@demo_step
def load_complaints(run):
    investigator = get_user_model().objects.filter(username="investigator").first()
    if investigator is None:
        return
    codes = [row["department"] for row in COMPLAINTS if "department" in row]
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    created = 0
    late_licence = late_licence_number()
    for number, row in enumerate(COMPLAINTS):
        description, name, steps = row["description"], row.get("reporter", ""), row.get("step", [])
        if Complaint.objects.filter(description=description).exists():
            continue
        data = {
            "category": row["category"],
            "concerned_department": departments.get(row.get("department")),
            "concerned_person": row.get("person", ""),
            "related_reference": late_licence if row.get("about_late_licence") else "",
            "description": description,
            "is_anonymous": not name,
            "name": name,
            "phone": DEMO_REPORTER_PHONE.format(number) if name else "",
        }
        complaint = services.submit_complaint(data, source=f"demo-{number}").complaint
        if steps:
            services.assign(complaint, investigator, [investigator])
        for step in steps:
            _run(complaint, investigator, step)
        created += 1
    run.count(_("complaints"), created, Complaint.objects.count())
