"""``?search=`` over crates and documents.

PostgreSQL: full text search with the ``simple`` configuration (codes and numbers are not
English words, so no stemming), every word typed matching as a prefix (``autoclave qual``,
``000123``, a whole code ``GOA1-QA-2026-000123-7`` — the parser splits codes at their hyphens).
Crates matching directly and crates of matching documents are a UNION of two index scans rather
than an OR, which PostgreSQL could not serve from the indexes. Substring matching inside a
word (``0123``) would need pg_trgm, which the stock image does not enable; the scanner lookup
covers exact codes. Other databases (SQLite in ``make dev``): case-insensitive substring
matching over the same columns.

Prefixes are indexed, not searched for. A GIN index answers ``qa:*`` by reading every entry
that starts with ``qa`` — at 10M documents ``lot:*`` alone is every document, 70 ms before the
rarest word narrows anything. So the indexes hold each word's prefixes as lexemes of their own
(``lot`` → ``l``, ``lo``, ``lot``; SQL function ``strongroom_search_prefixes``, migration
``0011_search_prefixes``) and the query asks for exact lexemes: GIN's fast scan then walks the
rarest word's entries and skips through the common ones, so the cost follows the matches, not
the archive. Prefixes are kept up to ``PREFIX_LENGTH`` characters; a longer word typed is looked
up by its first ``PREFIX_LENGTH`` and then checked as a prefix of the whole word.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.db import connection
from django.db.models import BooleanField, CharField, F, Func, Q, QuerySet, Subquery, Value

from strongroom.records.models import Crate, Document

MAX_TERM_LENGTH = 200
MAX_WORDS = 8
CONFIG = "simple"
SEPARATORS = "-/_."
PREFIX_LENGTH = 32
PREFIX_FUNCTION = "strongroom_search_prefixes"


def _spaced(field: str) -> Func:
    """The column with separators turned into spaces: PostgreSQL's parser reads ``-2024`` in
    ``BMR-2024-0042`` as a signed number, so ``2024`` would not match it."""
    return Func(
        F(field),
        Value(SEPARATORS),
        Value(" " * len(SEPARATORS)),
        function="TRANSLATE",
        output_field=CharField(),
    )


def crate_search_vector() -> SearchVector:
    return SearchVector(_spaced("code"), _spaced("description"), config=CONFIG)


def document_search_vector() -> SearchVector:
    return SearchVector(_spaced("number"), _spaced("title"), config=CONFIG)


def _prefixes(vector: SearchVector) -> Func:
    return Func(vector, function=PREFIX_FUNCTION, output_field=SearchVectorField())


@dataclass(frozen=True)
class _Query:
    """What the GIN index is asked (exact prefix lexemes) and, for words longer than the
    prefixes kept, the prefix match that decides."""

    lexemes: SearchQuery
    long_words: SearchQuery | None


def _query(term: str) -> _Query | None:
    words = re.findall(r"[^\W_]+", term.lower())[:MAX_WORDS]
    if not words:
        return None
    long_words = [w for w in words if len(w) > PREFIX_LENGTH]
    return _Query(
        lexemes=SearchQuery(
            " & ".join(w[:PREFIX_LENGTH] for w in words), search_type="raw", config=CONFIG
        ),
        long_words=SearchQuery(
            " & ".join(f"{w}:*" for w in long_words), search_type="raw", config=CONFIG
        )
        if long_words
        else None,
    )


def _clean(term: str | None) -> str:
    return (term or "").strip()[:MAX_TERM_LENGTH]


def _matching(model: type[Any], vector: SearchVector, query: _Query) -> QuerySet[Any]:
    matches = model.objects.annotate(prefixes=_prefixes(vector)).filter(prefixes=query.lexemes)
    if query.long_words is not None:
        matches = matches.annotate(search=vector).filter(search=query.long_words)
    return matches.order_by()


class _AmongMatches(Func):
    """``pk = ANY(ARRAY(subquery))``: the matches are collected first and their rows fetched
    by primary key. Given ``pk IN (subquery)`` and the newest-first page, PostgreSQL would
    rather walk the primary key backwards until the page is full, which reads most of the table
    when the matches are old (a lot's documents lie together): 76 ms p50 for "lot N" at 1M."""

    arg_joiner = " = ANY(ARRAY("
    template = "%(expressions)s))"
    output_field = BooleanField()

    def __init__(self, matching: QuerySet[Any]) -> None:
        super().__init__(F("pk"), Subquery(matching))


def _fts_documents(query: _Query) -> QuerySet[Document]:
    return _matching(Document, document_search_vector(), query)


def _fts_crates(query: _Query) -> QuerySet[Crate]:
    return _matching(Crate, crate_search_vector(), query)


def crate_search(crates: QuerySet[Crate], term: str | None) -> QuerySet[Crate]:
    """Crates whose code or description, or one of whose documents' number or title, matches."""
    term = _clean(term)
    if not term:
        return crates
    query = _query(term) if connection.vendor == "postgresql" else None
    if query is not None:
        # A UNION of two GIN scans, not an OR: each branch uses its index.
        matching = _fts_crates(query).values("pk").union(_fts_documents(query).values("crate_id"))
        return crates.filter(_AmongMatches(matching))
    if connection.vendor == "postgresql":
        return crates.none()  # nothing searchable was typed (only punctuation)
    documents = Document.objects.filter(Q(number__icontains=term) | Q(title__icontains=term))
    return crates.filter(
        Q(code__icontains=term)
        | Q(description__icontains=term)
        | Q(pk__in=documents.values("crate_id"))
    )


def document_search(documents: QuerySet[Document], term: str | None) -> QuerySet[Document]:
    """Documents whose number or title, or whose crate's code, matches."""
    term = _clean(term)
    if not term:
        return documents
    query = _query(term) if connection.vendor == "postgresql" else None
    if query is not None:
        matching = (
            _fts_documents(query)
            .values("pk")
            .union(
                Document.objects.filter(crate_id__in=_fts_crates(query).values("pk"))
                .order_by()
                .values("pk")
            )
        )
        return documents.filter(_AmongMatches(matching))
    if connection.vendor == "postgresql":
        return documents.none()
    return documents.filter(
        Q(number__icontains=term) | Q(title__icontains=term) | Q(crate__code__icontains=term)
    )
