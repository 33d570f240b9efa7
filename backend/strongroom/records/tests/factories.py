import datetime as dt

import factory
from django.db.models import F

from strongroom.accounts.models import Unit
from strongroom.accounts.tests.factories import DepartmentFactory, UnitFactory, UserFactory
from strongroom.records.models import Crate, Document, DocumentType, RetentionRule
from strongroom.records.services.crates import crate_code_allocate
from strongroom.storage.models import Location


def shelf_create(*, unit: Unit | None = None, code: str = "S1", capacity: int = 5) -> Location:
    """A shelf with its room R01 and rack K01 (created when missing)."""
    unit = unit or UnitFactory()
    room, _ = Location.objects.get_or_create(
        unit=unit, parent=None, code="R01", defaults={"kind": Location.Kind.ROOM}
    )
    rack, _ = Location.objects.get_or_create(
        unit=unit, parent=room, code="K01", defaults={"kind": Location.Kind.RACK}
    )
    return Location.objects.create(
        unit=unit, parent=rack, kind=Location.Kind.SHELF, code=code, capacity=capacity
    )


class DocumentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentType
        django_get_or_create = ("code",)

    code = "BMR"
    name = "Batch Record"


class CrateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Crate

    unit = factory.SubFactory(UnitFactory)
    department = factory.LazyAttribute(lambda o: DepartmentFactory(unit=o.unit))
    created_by = factory.SubFactory(UserFactory)
    status = Crate.Status.PENDING
    location = None

    @classmethod
    def _create(cls, model_class: type[Crate], *args: object, **kwargs: object) -> Crate:
        year, serial, code = crate_code_allocate(
            unit=kwargs["unit"], department=kwargs["department"]
        )  # type: ignore[arg-type]
        return super()._create(model_class, *args, year=year, serial=serial, code=code, **kwargs)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    crate = factory.SubFactory(CrateFactory)
    unit = factory.SelfAttribute("crate.unit")
    department = factory.SelfAttribute("crate.department")
    number = factory.Sequence(lambda n: f"BMR-{n:05d}")
    title = "Batch record"
    doc_type = factory.SubFactory(DocumentTypeFactory)
    prepared_on = dt.date(2020, 1, 1)
    retention_until = dt.date(2030, 1, 1)

    @classmethod
    def _create(cls, model_class: type[Document], *args: object, **kwargs: object) -> Document:
        """As filing does (crate_retention_refresh), the crate counts the document it now holds;
        the crate's retention dates stay as the test set them."""
        document = super()._create(model_class, *args, **kwargs)
        Crate.objects.filter(pk=document.crate_id).update(document_count=F("document_count") + 1)
        return document


def retention_rule_create(*, code: str, unit: Unit | None) -> RetentionRule:
    """A plain rule (destroy seven years after preparation) of a new document type; ``unit``
    None: a rule for every unit."""
    return RetentionRule.objects.create(
        code=code,
        title=f"Rule {code}",
        doc_type=DocumentTypeFactory(),
        unit=unit,
        trigger="PREPARED",
        period_years=7,
        action="DESTROY",
        citation="21 CFR 211.180(a)",
    )
