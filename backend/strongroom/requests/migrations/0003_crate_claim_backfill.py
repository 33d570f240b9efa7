"""Every open request holds its crate (records.CrateClaim, records/0005_crate_claim): a claim
for each request open when the claims arrived. Requests claim their crates themselves from
then on (requests/services.py request_crate_claim)."""

from django.db import migrations

OPEN_STATUSES = ("SUBMITTED", "APPROVED", "ISSUED", "SENT_BACK")


def claims_backfill(apps, schema_editor):
    Request = apps.get_model("workflow", "Request")
    CrateClaim = apps.get_model("records", "CrateClaim")
    open_requests = Request.objects.filter(status__in=OPEN_STATUSES).values_list("pk", "crate_id")
    claimed = set(CrateClaim.objects.values_list("crate_id", flat=True))
    batch = []
    for request_id, crate_id in open_requests.iterator(chunk_size=5000):
        if crate_id in claimed:
            continue
        claimed.add(crate_id)
        batch.append(CrateClaim(crate_id=crate_id, holder_kind="REQUEST", holder_id=request_id))
        if len(batch) >= 5000:
            CrateClaim.objects.bulk_create(batch)
            batch = []
    CrateClaim.objects.bulk_create(batch)


def claims_remove(apps, schema_editor):
    apps.get_model("records", "CrateClaim").objects.filter(holder_kind="REQUEST").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_idempotency_key"),
        ("records", "0005_crate_claim"),
    ]

    operations = [migrations.RunPython(claims_backfill, claims_remove)]
