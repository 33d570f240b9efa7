"""The database invariants a chaos run checks: each query returns the offending rows."""

from __future__ import annotations

EVENT_MAX = "SELECT coalesce(max(id), 0) FROM realtime_event"

# The meaning of the signature that put a request in its status.
STATUS_MEANINGS: dict[str, frozenset[str]] = {
    "SUBMITTED": frozenset({"SUBMITTED", "RESUBMITTED"}),
    "APPROVED": frozenset({"APPROVED"}),
    "ISSUED": frozenset({"ISSUED"}),
    "SENT_BACK": frozenset({"SENT_BACK"}),
    "REJECTED": frozenset({"REJECTED"}),
    "CANCELLED": frozenset({"CANCELLED"}),
    "COMPLETED": frozenset({"ALLOCATED", "RECEIVED", "TRANSFERRED", "DESTROYED"}),
}

# (label, query returning the offending rows): each must return nothing.
INVARIANTS: tuple[tuple[str, str], ...] = (
    (
        "more than one open request per crate",
        "SELECT crate_id, count(*) FROM workflow_request "
        "WHERE status IN ('SUBMITTED', 'APPROVED', 'ISSUED', 'SENT_BACK') "
        "GROUP BY crate_id HAVING count(*) > 1",
    ),
    (
        "crate ISSUED without exactly one issued withdrawal (or the reverse)",
        "SELECT c.id, c.code, c.status, count(r.id) FROM records_crate c "
        "LEFT JOIN workflow_request r ON r.crate_id = c.id AND r.status = 'ISSUED' "
        "GROUP BY c.id HAVING (c.status = 'ISSUED') <> (count(r.id) = 1)",
    ),
    (
        "issued request of another type than WITHDRAWAL",
        "SELECT id, number, type FROM workflow_request WHERE status = 'ISSUED' "
        "AND type <> 'WITHDRAWAL'",
    ),
    (
        "crate IN_STORAGE not on an active shelf of its unit, or elsewhere with a location",
        "SELECT c.id, c.code, c.status, c.location_id FROM records_crate c "
        "LEFT JOIN storage_location l ON l.id = c.location_id "
        "WHERE (c.status = 'IN_STORAGE' AND (l.id IS NULL OR l.kind <> 'SHELF' "
        "OR NOT l.is_active OR l.unit_id <> c.unit_id)) "
        "OR (c.status <> 'IN_STORAGE' AND c.location_id IS NOT NULL)",
    ),
    (
        "shelf over capacity",
        "SELECT l.id, l.full_code, l.capacity, count(c.id) FROM storage_location l "
        "JOIN records_crate c ON c.location_id = l.id AND c.status = 'IN_STORAGE' "
        "GROUP BY l.id HAVING count(c.id) > l.capacity",
    ),
    (
        "crate stored or moved on without exactly one completed storage request",
        "SELECT c.id, c.code, c.status FROM records_crate c WHERE (c.status <> 'PENDING') <> "
        "((SELECT count(*) FROM workflow_request r WHERE r.crate_id = c.id "
        "AND r.type = 'STORAGE' AND r.status = 'COMPLETED') = 1)",
    ),
    (
        "pending crate with a request other than storage",
        "SELECT c.id, c.code FROM records_crate c WHERE c.status = 'PENDING' AND EXISTS "
        "(SELECT 1 FROM workflow_request r WHERE r.crate_id = c.id AND r.type <> 'STORAGE')",
    ),
    (
        "crate DESTROYED without a completed destruction (or the reverse)",
        "SELECT c.id, c.code, c.status FROM records_crate c WHERE (c.status = 'DESTROYED') <> "
        "EXISTS (SELECT 1 FROM workflow_request r WHERE r.crate_id = c.id "
        "AND r.type = 'DESTRUCTION' AND r.status = 'COMPLETED')",
    ),
    (
        "open request whose crate is not in the state it needs",
        "SELECT r.id, r.number, r.type, r.status, c.status FROM workflow_request r "
        "JOIN records_crate c ON c.id = r.crate_id "
        "WHERE r.status IN ('SUBMITTED', 'APPROVED', 'SENT_BACK') AND c.status <> "
        "CASE WHEN r.type = 'STORAGE' THEN 'PENDING' ELSE 'IN_STORAGE' END",
    ),
    (
        "request timestamps missing or out of order for its status",
        "SELECT id, number, type, status FROM workflow_request WHERE "
        "(status = 'COMPLETED') <> (completed_at IS NOT NULL) "
        "OR (status IN ('APPROVED', 'ISSUED', 'COMPLETED', 'REJECTED') AND decided_at IS NULL) "
        "OR decided_at < submitted_at OR completed_at < decided_at "
        "OR (status = 'ISSUED' AND (issued_at IS NULL OR returned_at IS NOT NULL)) "
        "OR (type = 'WITHDRAWAL' AND status = 'COMPLETED' "
        "AND (issued_at IS NULL OR returned_at IS NULL OR returned_at < issued_at)) "
        "OR (status IN ('SUBMITTED', 'APPROVED', 'SENT_BACK', 'REJECTED', 'CANCELLED') "
        "AND (issued_at IS NOT NULL OR completed_at IS NOT NULL)) "
        "OR issued_at < submitted_at OR updated_at < created_at "
        "OR (type IN ('STORAGE', 'TRANSFER') AND status = 'COMPLETED' "
        "AND target_location_id IS NULL) "
        "OR (type = 'DESTRUCTION' AND status = 'COMPLETED' AND witness_id IS NULL)",
    ),
    (
        "send-backs open other than exactly one while SENT_BACK",
        "SELECT r.id, r.number, r.status, count(s.id) FROM workflow_request r "
        "LEFT JOIN workflow_sendback s ON s.request_id = r.id AND s.resolved_at IS NULL "
        "GROUP BY r.id HAVING (r.status = 'SENT_BACK' AND count(s.id) <> 1) "
        "OR (r.status NOT IN ('SENT_BACK', 'CANCELLED') AND count(s.id) <> 0) "
        "OR count(s.id) > 1",
    ),
    (
        "request version differs from its signatures (+ edits)",
        "SELECT r.id, r.number, r.version, "
        "(SELECT count(*) FROM compliance_signature s WHERE s.request_id = r.id "
        "AND s.meaning <> 'WITNESSED') AS signed, "
        "(SELECT count(*) FROM compliance_auditevent a WHERE a.object_type = 'request' "
        "AND a.object_id = r.id::text AND a.action = 'request.update') AS edits "
        "FROM workflow_request r WHERE r.version <> "
        "(SELECT count(*) FROM compliance_signature s WHERE s.request_id = r.id "
        "AND s.meaning <> 'WITNESSED') + "
        "(SELECT count(*) FROM compliance_auditevent a WHERE a.object_type = 'request' "
        "AND a.object_id = r.id::text AND a.action = 'request.update')",
    ),
    (
        "latest signature does not mean the request's status",
        "SELECT r.id, r.number, r.status, s.meaning FROM workflow_request r "  # noqa: S608 (constants)
        "JOIN LATERAL (SELECT meaning FROM compliance_signature s WHERE s.request_id = r.id "
        "AND s.meaning <> 'WITNESSED' ORDER BY s.id DESC LIMIT 1) s ON true WHERE NOT ("
        + " OR ".join(
            f"(r.status = '{status}' AND s.meaning IN ({', '.join(repr(m) for m in sorted(ms))}))"
            for status, ms in STATUS_MEANINGS.items()
        )
        + ")",
    ),
    (
        "latest outbox event of a request differs from the request",
        "SELECT r.id, r.number, r.status, r.version, e.version, e.data->>'status' "
        "FROM workflow_request r LEFT JOIN LATERAL (SELECT version, data FROM realtime_event e "
        "WHERE e.topic = 'request' AND e.object_id = r.id::text ORDER BY e.id DESC LIMIT 1) e "
        "ON true WHERE e.version IS DISTINCT FROM r.version "
        "OR e.data->>'status' IS DISTINCT FROM r.status",
    ),
    (
        "latest outbox event of a crate differs from the crate",
        "SELECT c.id, c.code, c.status, c.version, e.version, e.data->>'status' "
        "FROM records_crate c LEFT JOIN LATERAL (SELECT version, data FROM realtime_event e "
        "WHERE e.topic = 'crate' AND e.object_id = c.id::text ORDER BY e.id DESC LIMIT 1) e "
        "ON true WHERE e.version IS DISTINCT FROM c.version "
        "OR e.data->>'status' IS DISTINCT FROM c.status "
        "OR (e.data->>'location_id')::bigint IS DISTINCT FROM c.location_id",
    ),
)
