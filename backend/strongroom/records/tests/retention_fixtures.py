"""A small plant for the retention tests: two units with QA and QC, the seeded events, three
document types, a drafter (Document Manager) and an approver, and helpers to file documents and
approve rules."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from strongroom.accounts import roles
from strongroom.accounts.models import Department, Unit, User
from strongroom.accounts.tests.factories import (
    TEST_PASSWORD,
    DepartmentFactory,
    UnitFactory,
    UserFactory,
)
from strongroom.records.models import Crate, Document, DocumentType, RetentionEvent, RetentionRule
from strongroom.records.services.retention import (
    RecomputeResult,
    retention_rule_approve,
    retention_rule_draft,
)
from strongroom.records.tests.factories import CrateFactory, DocumentFactory, shelf_create

TODAY = timezone.localdate


@dataclass
class Site:
    goa: Unit
    mum: Unit
    goa_qa: Department
    goa_qc: Department
    mum_qa: Department
    bmr: DocumentType
    log: DocumentType
    val: DocumentType
    expiry: RetentionEvent
    drafter: User
    approver: User
    counter: list[int]

    def crate(
        self, unit: Unit | None = None, department: Department | None = None, **fields: Any
    ) -> Crate:
        unit = unit or self.goa
        department = department or (self.goa_qa if unit == self.goa else self.mum_qa)
        self.counter[0] += 1
        shelf = shelf_create(unit=unit, code=f"S{self.counter[0]}")
        return CrateFactory(
            unit=unit,
            department=department,
            created_by=self.drafter,
            status=Crate.Status.IN_STORAGE,
            location=shelf,
            **fields,
        )

    def document(self, crate: Crate, doc_type: DocumentType, **fields: Any) -> Document:
        self.counter[0] += 1
        values: dict[str, Any] = {
            "prepared_on": dt.date(2010, 1, 1),
            "retention_until": dt.date(2040, 1, 1),
            "department": crate.department,
            "number": f"D-{self.counter[0]:04d}",
        } | fields
        return DocumentFactory(crate=crate, doc_type=doc_type, **values)

    def rule(self, code: str, doc_type: DocumentType, **fields: Any) -> RetentionRule:
        data: dict[str, Any] = {
            "title": f"Rule {code}",
            "doc_type": doc_type,
            "trigger": "PREPARED",
            "period_years": 7,
            "action": "DESTROY",
            "citation": "21 CFR 211.180(a)",
        } | fields
        return retention_rule_draft(actor=self.drafter, code=code, data=data)

    def approve(self, rule: RetentionRule, **kwargs: Any) -> tuple[RetentionRule, RecomputeResult]:
        rule.refresh_from_db()
        actor = kwargs.get("actor", self.approver)
        return retention_rule_approve(
            http_request=http_request(),
            actor=actor,
            rule=rule,
            version=kwargs.get("version", rule.version),
            password=kwargs.get("password", TEST_PASSWORD),
            username=actor.username,
        )


def http_request() -> HttpRequest:
    request = HttpRequest()
    request.method = "POST"
    request.path = "/test"
    request.META.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_USER_AGENT": "pytest"})
    return request


def site_create() -> Site:
    goa, mum = UnitFactory(code="GOA1"), UnitFactory(code="MUM1")
    return Site(
        goa=goa,
        mum=mum,
        goa_qa=DepartmentFactory(unit=goa, code="QA"),
        goa_qc=DepartmentFactory(unit=goa, code="QC"),
        mum_qa=DepartmentFactory(unit=mum, code="QA"),
        bmr=DocumentType.objects.get_or_create(code="BMR", defaults={"name": "Batch Record"})[0],
        log=DocumentType.objects.get_or_create(
            code="LOG", defaults={"name": "Logbook", "default_retention_years": 7}
        )[0],
        val=DocumentType.objects.get_or_create(code="VAL", defaults={"name": "Validation"})[0],
        expiry=RetentionEvent.objects.get_or_create(
            code="BATCH_EXPIRY", defaults={"name": "Batch expiry"}
        )[0],
        drafter=UserFactory(role_name=roles.DOCUMENT_MANAGER, units=[goa, mum]),
        approver=UserFactory(role_name=roles.APPROVER, units=[goa, mum]),
        counter=[0],
    )
