import factory
from django.utils import timezone

from strongroom.records.tests.factories import CrateFactory
from strongroom.requests.models import Request, RequestStatus, RequestType
from strongroom.requests.services import request_number_allocate


class RequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Request

    number = factory.LazyFunction(request_number_allocate)
    type = RequestType.STORAGE
    status = RequestStatus.SUBMITTED
    crate = factory.SubFactory(CrateFactory)
    unit = factory.SelfAttribute("crate.unit")
    requester = factory.SelfAttribute("crate.created_by")
    purpose = "Archive records"
    submitted_at = factory.LazyFunction(timezone.now)
