"""PostgreSQL search over indexed prefixes means what matching every word as a prefix meant."""

import re
from typing import Any

import pytest
from django.db import connection

from strongroom.records.models import Crate, Document
from strongroom.records.search import PREFIX_LENGTH, crate_search, document_search
from strongroom.records.tests.factories import CrateFactory, DocumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

LONG = "hydroxypropylmethylcellulosephthalateacetate"  # 44 characters
TERMS = [
    "qa",
    "QA-2021",
    "QA-2021-035000-05",
    "035000",
    "0350",
    "lot 35",
    "lot 35000",
    "lot 3500 5",
    "2021 qa lot",
    "autoclave qual",
    "qual autoclave",
    "SOP",
    "s",
    "5",
    LONG,
    LONG[:PREFIX_LENGTH],
    LONG[: PREFIX_LENGTH + 3],
    LONG[:PREFIX_LENGTH] + "xyz",  # shares the indexed prefix, then differs
    "missing",
    "GOA1-QA",
]


@pytest.fixture
def archive(on_postgresql: bool, units: Any, roles_synced: None) -> None:
    if not on_postgresql:
        pytest.skip("full text search is PostgreSQL's")
    goa = units[0]
    for serial, (department, title) in enumerate(
        [
            ("QA", "SOP QA 2021 lot 35000-5"),
            ("QA", "SOP QA 2021 lot 3500-5"),
            ("QC", "Autoclave qualification QC 2021 lot 350-1"),
            ("PROD", f"Coating {LONG} lot 12"),
            ("PROD", f"Coating {LONG[:PREFIX_LENGTH]} lot 13"),
            ("QA", "Qualified supplier list"),
        ]
    ):
        crate = CrateFactory(unit=goa, description=title.split(" lot ")[0])
        DocumentFactory(
            crate=crate, number=f"{department}-2021-{35000 + serial:06d}-05", title=title
        )


def _prefix_matched(model: type[Any], columns: tuple[str, str], term: str) -> set[int]:
    """What ``word:* & word:*`` over the plain vector selects: the meaning search keeps."""
    words = re.findall(r"[^\W_]+", term.lower())
    first, second = columns
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {model._meta.db_table} WHERE to_tsvector('simple', "  # noqa: S608
            f"coalesce(translate({first}, '-/_.', '    '), '') || ' ' || "
            f"coalesce(translate({second}, '-/_.', '    '), '')) @@ to_tsquery('simple', %s)",
            [" & ".join(f"{w}:*" for w in words)],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("term", TERMS)
def test_what_is_found_is_what_every_word_as_a_prefix_finds(archive: None, term: str) -> None:
    """Documents: those matching, and those in a matching crate. Crates: those matching, and
    those holding a matching document."""
    documents = _prefix_matched(Document, ("number", "title"), term)
    crates = _prefix_matched(Crate, ("code", "description"), term)

    expected = documents | set(
        Document.objects.filter(crate_id__in=crates).values_list("pk", flat=True)
    )
    found = set(document_search(Document.objects.all(), term).values_list("pk", flat=True))
    assert found == expected

    expected = crates | set(
        Document.objects.filter(pk__in=documents).values_list("crate_id", flat=True)
    )
    found = set(crate_search(Crate.objects.all(), term).values_list("pk", flat=True))
    assert found == expected


def test_the_terms_tell_the_archive_apart(archive: None) -> None:
    """The equivalence above is not vacuous: the terms select different, non-empty sets."""

    def numbers(term: str) -> set[str]:
        return set(document_search(Document.objects.all(), term).values_list("number", flat=True))

    assert numbers("lot 3500 5") == {"QA-2021-035000-05", "QA-2021-035001-05"}
    assert numbers("qual autoclave") == {"QC-2021-035002-05"}
    assert numbers(LONG) == {"PROD-2021-035003-05"}
    assert numbers(LONG[:PREFIX_LENGTH]) == {"PROD-2021-035003-05", "PROD-2021-035004-05"}
    assert numbers(LONG[:PREFIX_LENGTH] + "xyz") == set()
    assert numbers("missing") == set()


def test_prefixes_are_kept_up_to_the_declared_length(on_postgresql: bool) -> None:
    if not on_postgresql:
        pytest.skip("PostgreSQL's function")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_length(tsvector_to_array(strongroom_search_prefixes("
            "to_tsvector('simple', %s))), 1)",
            [f"{LONG} lot"],
        )
        assert cursor.fetchone()[0] == PREFIX_LENGTH + 3  # l, lo, lot
