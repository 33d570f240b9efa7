"""path_id: the record id of a unit-scoped ViewSet's URL, anything else not found."""

import pytest
from django.http import Http404

from strongroom.accounts.scoped_views import path_id
from strongroom.core.filters import MAX_ID


def test_path_id_takes_a_positive_bigint() -> None:
    assert path_id("1") == 1
    assert path_id(str(MAX_ID)) == MAX_ID


@pytest.mark.parametrize("value", ["0", "-1", "x", "", None, "1.5", str(MAX_ID + 1)])
def test_path_id_refuses_anything_else_as_not_found(value: object) -> None:
    with pytest.raises(Http404):
        path_id(value)
