"""Storage locations: a tree per unit, ROOM → RACK → SHELF.

Crates stand on shelves; a shelf's ``capacity`` is the number of crates it holds. The full code
(``GOA1/R01/K03/S2``) is stored so that search and labels need no recursive query.
"""

from django.db import models
from django.db.models import Q

from strongroom.accounts.models import Unit


class Location(models.Model):
    class Kind(models.TextChoices):
        ROOM = "ROOM", "Room"
        RACK = "RACK", "Rack"
        SHELF = "SHELF", "Shelf"

    PARENT_KIND = {Kind.ROOM: None, Kind.RACK: Kind.ROOM, Kind.SHELF: Kind.RACK}

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    code = models.CharField(max_length=20, help_text="Unique among its siblings, e.g. R01.")
    full_code = models.CharField(max_length=120, unique=True, editable=False)
    name = models.CharField(max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="Crates a shelf holds; shelves only."
    )
    security_class = models.PositiveSmallIntegerField(
        default=0, help_text="Rooms: higher is more secure. Moving to a lower class needs a reason."
    )
    is_active = models.BooleanField(default=True)
    last_verified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Shelves: when a closed inventory audit last counted it (empty: never).",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["ROOM", "RACK", "SHELF"]), name="location_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="ROOM", parent__isnull=True)
                | Q(~Q(kind="ROOM"), parent__isnull=False),
                name="location_only_rooms_are_roots",
            ),
            models.CheckConstraint(
                condition=Q(kind="SHELF", capacity__isnull=False, capacity__gte=1)
                | Q(~Q(kind="SHELF"), capacity__isnull=True),
                name="location_capacity_on_shelves_only",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9][A-Z0-9-]{0,19}$"), name="location_code_format"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="location_version_positive"),
            models.UniqueConstraint(
                fields=["parent", "code"], name="location_code_unique_among_siblings"
            ),
            models.UniqueConstraint(
                fields=["unit", "code"],
                condition=Q(parent__isnull=True),
                name="location_room_code_unique_in_unit",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "kind", "full_code"], name="location_unit_kind_idx")
        ]

    def __str__(self) -> str:
        return self.full_code

    def save(self, *args: object, **kwargs: object) -> None:
        # A derived column, not workflow: it must match the tree whoever saves the row.
        self.full_code = self.build_full_code()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def build_full_code(self) -> str:
        prefix = self.parent.full_code if self.parent else self.unit.code
        return f"{prefix}/{self.code}"
