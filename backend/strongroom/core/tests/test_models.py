"""FastLoadMixin builds a row's instance exactly as ``Model.__init__`` would, and steps aside
whenever something could tell the difference."""

from typing import Any

import pytest
from django.db import models
from django.db.models.signals import post_init

from strongroom.records.models import Document
from strongroom.records.tests.factories import DocumentFactory
from strongroom.requests.models import Request
from strongroom.requests.tests.factories import RequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles_synced")]


def _django(cls: type[models.Model], row: tuple[Any, ...], names: list[str]) -> Any:
    return models.Model.from_db.__func__(cls, "default", names, row)  # type: ignore[attr-defined]


@pytest.mark.parametrize("model", [Request, Document])
def test_an_instance_from_a_row_is_what_model_init_builds(model: type[models.Model]) -> None:
    RequestFactory.create_batch(3)
    DocumentFactory.create_batch(3)
    names = [field.attname for field in model._meta.concrete_fields]
    rows = list(model.objects.values_list(*names))
    assert len(rows) >= 3
    for row in rows:
        fast = model.from_db("default", names, row)
        slow = _django(model, row, names)
        assert type(fast) is type(slow)
        fast_state, slow_state = fast.__dict__.pop("_state"), slow.__dict__.pop("_state")
        assert fast.__dict__ == slow.__dict__
        assert list(fast.__dict__) == list(slow.__dict__)
        assert (fast_state.adding, fast_state.db) == (slow_state.adding, slow_state.db)
        assert (fast_state.adding, fast_state.db) == (False, "default")
        fast._state = fast_state
        assert fast.get_deferred_fields() == set()


def test_an_instance_read_from_a_list_behaves_as_any(settings: Any) -> None:
    request = RequestFactory()
    loaded = Request.objects.get(pk=request.pk)
    assert loaded == request
    assert loaded.crate.pk == request.crate_id  # the relation loads from its column
    loaded.purpose = "Changed"
    loaded.save(update_fields=["purpose"])  # an UPDATE: the instance is not "adding"
    assert Request.objects.get(pk=request.pk).purpose == "Changed"
    deferred = Request.objects.only("id").get(pk=request.pk)  # deferred columns: Django's way
    assert "purpose" in deferred.get_deferred_fields()
    assert deferred.purpose == "Changed"


def test_a_post_init_receiver_still_sees_every_instance() -> None:
    RequestFactory.create_batch(2)
    seen: list[Any] = []

    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        seen.append(instance)

    post_init.connect(receiver, sender=Request)
    try:
        loaded = list(Request.objects.all())
    finally:
        post_init.disconnect(receiver, sender=Request)
    assert seen == loaded
    assert len(seen) == 2
