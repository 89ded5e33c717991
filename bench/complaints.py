"""Benchmark complaint intake and receipt look-ups: what a reporter waits for, and what a guesser costs us.

    .venv/bin/python bench/complaints.py [--complaints 2000] [--runs 30]

Fills a throw-away database (SQLite in a temporary directory unless BENCH_DATABASE_URL names an empty database)
with complaints, then measures: intake through the web form (text only, and with a 1 MP photo that is re-encoded),
a receipt look-up (one indexed row and one scrypt), a wrong receipt, and the public case list by GraphQL.
"""

import argparse
import io
import json
import logging
import os
import statistics
import sys
import time
import types

from throwaway import throwaway_django


def _ms(samples):
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return f"median {statistics.median(samples) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with throwaway_django("bench-complaints-") as workdir:
        os.environ["COMPLAINTS_PRIVATE_ROOT"] = workdir
        from django.conf import settings

        settings.COMPLAINTS_PRIVATE_ROOT = workdir
        settings.COMPLAINTS_SUBMISSIONS_PER_HOUR = 10**9
        settings.COMPLAINTS_ATTEMPTS_PER_HOUR = 10**9
        settings.COMPLAINTS_LOOKUPS_PER_HOUR = 10**9
        settings.COMPLAINTS_WRONG_RECEIPTS_PER_CASE = 10**9
        settings.ALLOWED_HOSTS = ["*"]
        logging.disable(logging.WARNING)  # every wrong receipt logs a 403
        try:
            import sms.notices  # noqa: F401
        except ImportError:  # before the lead's notice queue lands; anonymous complaints send nothing anyway
            sys.modules["sms.notices"] = types.SimpleNamespace(queue_notice=lambda *a, **k: None)
        from django.test import Client
        from PIL import Image

        from complaints import receipts, services
        from complaints.models import Complaint
        from directory.models import Department, DepartmentKind

        city = Department.objects.create(code="QH", name="清河市", kind=DepartmentKind.CITY)
        dept = Department.objects.create(code="QH-ZJJ", name="市住建局", kind=DepartmentKind.BUREAU, parent=city)
        data = {
            "category": "demanding",
            "concerned_department": dept,
            "concerned_person": "",
            "related_reference": "",
            "description": "窗口工作人员暗示要请吃饭才给加快办理施工许可。" * 3,
            "is_anonymous": True,
            "name": "",
            "phone": "",
        }
        start = time.perf_counter()
        kept = []
        for i in range(args.complaints):
            submission = services.submit_complaint({**data, "concerned_person": f"科员{i % 300}"}, source=str(i))
            if i % max(1, args.complaints // args.runs) == 0:
                kept.append((submission.complaint.reference, submission.receipt))
        elapsed = time.perf_counter() - start
        print(f"{args.complaints} complaints filed through the service: {args.complaints / elapsed:.0f} per second")

        client = Client()
        form = {
            "category": "delay",
            "concerned_department": dept.pk,
            "concerned_person": "某科长",
            "description": "审批拖了三个月没有任何答复。" * 3,
            "is_anonymous": "1",
        }
        text_only, with_photo = [], []
        photo = io.BytesIO()
        Image.effect_noise((1200, 900), 60).convert("RGB").save(photo, format="JPEG", quality=90)
        for _i in range(args.runs):
            t = time.perf_counter()
            assert client.post("/complaints/new/", form).status_code == 200
            text_only.append(time.perf_counter() - t)
            upload = io.BytesIO(photo.getvalue())
            upload.name = "photo.jpg"
            t = time.perf_counter()
            assert client.post("/complaints/new/", {**form, "attachments": upload}).status_code == 200
            with_photo.append(time.perf_counter() - t)
        print(f"web intake, text only: {_ms(text_only)}")
        print(f"web intake, one {len(photo.getvalue()) // 1024} KB 1.1 MP photo re-encoded: {_ms(with_photo)}")

        good, wrong, scrypt_only = [], [], []
        for reference, receipt in kept[: args.runs]:
            t = time.perf_counter()
            assert client.post("/complaints/follow/", {"reference": reference, "receipt": receipt}).status_code == 200
            good.append(time.perf_counter() - t)
            t = time.perf_counter()
            assert client.post("/complaints/follow/", {"reference": reference, "receipt": "1" * 18}).status_code == 403
            wrong.append(time.perf_counter() - t)
            complaint = Complaint.objects.get(reference=reference)
            t = time.perf_counter()
            receipts.matches(complaint, receipt)
            scrypt_only.append(time.perf_counter() - t)
        print(f"receipt look-up page (right receipt): {_ms(good)}")
        print(f"receipt look-up page (wrong receipt): {_ms(wrong)}")
        print(f"scrypt alone: {_ms(scrypt_only)}")

        investigator = _investigator()
        for complaint in Complaint.objects.order_by("pk")[:40]:
            services.acknowledge(complaint, investigator)
            services.accept(complaint, investigator)
            services.publish_update(complaint, investigator, "opened", "已立案调查。", public_title="关于某干部的举报")
        query = "{ publicCases(pageSize: 20) { items { reference title categoryName statusName department updates { kindName body } clarification { officialName } } } }"  # noqa: E501
        listing = []
        for _i in range(args.runs):
            t = time.perf_counter()
            answer = client.get("/graphql/", {"query": query})
            listing.append(time.perf_counter() - t)
        assert len(json.loads(answer.content)["data"]["publicCases"]["items"]) == 20
        print(f"GraphQL publicCases, 20 cases with updates: {_ms(listing)}")


def _investigator():
    from django.contrib.auth import get_user_model

    from directory.roles import role_group, sync_roles

    sync_roles()
    user = get_user_model().objects.create_user("bench-investigator")
    user.groups.add(role_group("investigator"))
    return get_user_model().objects.get(pk=user.pk)


if __name__ == "__main__":
    main()
