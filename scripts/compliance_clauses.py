"""The clauses of 21 CFR Part 11 and EU GMP Annex 11 that scripts/compliance_matrix.py traces to
tests: each clause's id (what ``@pytest.mark.compliance(...)`` names), a paraphrased subject, who
is responsible for it and how Strongroom meets its share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Responsibility = Literal["system", "shared", "procedural", "n/a"]
RESPONSIBILITY_LABEL: dict[str, str] = {
    "system": "System",
    "shared": "Shared",
    "procedural": "Procedural",
    "n/a": "Not applicable",
}
NEEDS_TESTS = frozenset({"system", "shared"})
PART_11 = "21 CFR Part 11"
ANNEX_11 = "EU GMP Annex 11"


@dataclass(frozen=True)
class Clause:
    id: str  # what markers name: "11.10(e)", "A11-9"
    regulation: str
    subject: str  # paraphrased, never the regulation's text
    responsibility: Responsibility
    statement: str

    @property
    def label(self) -> str:
        if self.regulation == ANNEX_11:
            return "Annex 11 §" + self.id.removeprefix("A11-")
        return "§" + self.id


def _p11(id: str, subject: str, responsibility: Responsibility, statement: str) -> Clause:
    return Clause(id, PART_11, subject, responsibility, statement)


def _a11(id: str, subject: str, responsibility: Responsibility, statement: str) -> Clause:
    return Clause(id, ANNEX_11, subject, responsibility, statement)


CLAUSES: tuple[Clause, ...] = (
    # --- 21 CFR Part 11, Subpart B: electronic records ------------------------------------------
    _p11(
        "11.10(a)",
        "System validation; invalid or altered records can be told apart",
        "shared",
        "Validating Strongroom for its intended use is the customer's (see Annex 11 §4); the "
        "system's part is that alteration is detectable: audit events form a SHA-256 hash chain "
        "anchored by Ed25519-signed checkpoints of its head (deleted, emptied or rewritten "
        "history shows; docs/AUDIT_TRAIL.md), which `verify_audit_chain` checks on demand and "
        "daily, and a signature shows as invalid once the record it signed has changed.",
    ),
    _p11(
        "11.10(b)",
        "Accurate and complete copies, human-readable and electronic, for inspection",
        "system",
        "The audit trail and every report export as CSV (formula cells neutralised, the export "
        "itself audited); a completed destruction has a PDF certificate listing the crate, every "
        "document, every signature and the record digest; attachments download byte for byte.",
    ),
    _p11(
        "11.10(c)",
        "Records protected so they can be retrieved accurately throughout retention",
        "system",
        "Audit events and signatures are append-only in the database (triggers refuse UPDATE, "
        "DELETE and TRUNCATE, for the superuser too; the application's database role has no "
        "UPDATE, DELETE, TRUNCATE or owner rights on them) and read-only in the admin; users "
        "and locations are deactivated, never deleted; a crate is destroyed only by the signed, "
        "witnessed workflow after its retention date and never under legal hold; a backup "
        "restores to the same data.",
    ),
    _p11(
        "11.10(d)",
        "System access limited to authorised individuals",
        "system",
        "Every API call and socket needs a short-lived token from a password login; an unknown "
        "user and a wrong password get the same answer; used refresh tokens are refused; logout, "
        "deactivation and password change or reset revoke sessions at once, open sockets "
        "included; a pending password change blocks everything else.",
    ),
    _p11(
        "11.10(e)",
        "Secure, computer-generated, time-stamped audit trail that keeps earlier values",
        "system",
        "Every create, change, signature, login, failed login, logout and permission change "
        "writes one AuditEvent (UTC time, actor, action, object, `{field: [old, new]}`, reason) "
        "into a SHA-256 hash chain; the database refuses to change, delete or truncate events, "
        "and the role the application logs in as cannot disable the triggers; "
        "`verify_audit_chain` names the first broken event; the trail is filtered on screen and "
        "exported as CSV.",
    ),
    _p11(
        "11.10(f)",
        "Operational checks enforce the permitted sequence of steps",
        "system",
        "Each request transition is one service that locks the row and checks the allowed "
        "state, the version (stale: 409) and the preconditions (one open request per crate, "
        "enforced by the database; retention reached; no legal hold; shelf capacity); a step out "
        "of order is refused and changes nothing, and database constraints hold the same rules.",
    ),
    _p11(
        "11.10(g)",
        "Authority checks on who may use the system, sign, alter records or operate",
        "system",
        "Permissions of six roles (a matrix that `initial_setup` re-applies) are checked on every "
        "endpoint and pinned by role-by-endpoint tests; unit scope makes other units' records "
        "not found; separation of duties stops self-approval and self-witnessing; a Unit Admin "
        "cannot grant a role or unit beyond their own.",
    ),
    _p11(
        "11.10(h)",
        "Device checks on the validity of the source of input (where appropriate)",
        "system",
        "Where applicable: the crate barcode/QR scanner is Strongroom's only input device; crate "
        "codes carry a check digit that catches every single-digit error and adjacent "
        "transposition, and a code failing it is refused, never matched to another crate.",
    ),
    _p11(
        "11.10(i)",
        "Education, training and experience of developers, maintainers and users",
        "procedural",
        "The customer's training procedure and records; PRODUCT.md §1 describes each role and "
        "PRODUCTION_DEPLOYMENT.md the administrator's tasks.",
    ),
    _p11(
        "11.10(j)",
        "Written policy holding people accountable for what they sign electronically",
        "procedural",
        "The customer's written policy and its acknowledgement by every signer.",
    ),
    _p11(
        "11.10(k)",
        "Control of system documentation (distribution, access, revision, change)",
        "procedural",
        "The customer's document control; the supplier's documentation is versioned with the "
        "source code.",
    ),
    _p11(
        "11.30",
        "Additional controls for open systems",
        "procedural",
        "Strongroom is built for a closed system (one organisation's server and user "
        "administration); if a customer exposes it beyond its controlled network, TLS at the "
        "shipped nginx is the baseline and any further control is the customer's assessment.",
    ),
    _p11(
        "11.50",
        "Signature manifestation: printed name, date and time, meaning",
        "system",
        "Each Signature stores the printed name, the meaning (SUBMITTED, APPROVED, …) and the UTC "
        "time, shown together on screen ('Name — Meaning — time UTC'), in the request's timeline "
        "and on the destruction certificate.",
    ),
    _p11(
        "11.70",
        "Signatures linked to their records so they cannot be cut, copied or moved",
        "system",
        "Each Signature signs exactly one record (database constraint) and holds the SHA-256 "
        "digest of that record's canonical content; signatures cannot be changed or deleted, and "
        "one whose record changed after signing shows as invalid.",
    ),
    _p11(
        "11.100(a)",
        "Each electronic signature unique to one person, never reused or reassigned",
        "system",
        "Usernames are unique regardless of case, cannot be renamed and are never reused: users "
        "are deactivated, never deleted, so a signature always points to one person. Users of "
        "the identity provider are bound to its issuer and subject, never to a username claim: "
        "a renamed or recreated provider account cannot take over a Strongroom account.",
    ),
    _p11(
        "11.100(b)",
        "Identity verified before a signature is assigned",
        "procedural",
        "The customer verifies a person's identity before an administrator creates the account.",
    ),
    _p11(
        "11.100(c)",
        "Certification to the agency that e-signatures bind like handwritten ones",
        "procedural",
        "The customer's letter of certification.",
    ),
    _p11(
        "11.200(a)",
        "Non-biometric signatures: two components, re-entered when signing, owner-only use",
        "shared",
        "The first signature of a continuous session takes the user ID and the password, later "
        "ones the password (the session breaks after an idle time or a new sign-in); a token "
        "alone never signs; a destruction witness enters both and must have an account allowed "
        "to sign; users of the identity provider sign by logging in there again for that one "
        "action (prompt=login, max_age=0, a nonce bound to it; a stale auth_time is refused), "
        "or with a signing password where the provider cannot; keeping passwords personal is "
        "the customer's policy.",
    ),
    _p11(
        "11.200(b)",
        "Biometric signatures",
        "n/a",
        "Strongroom uses no biometrics.",
    ),
    _p11(
        "11.300(a)",
        "Unique combination of identification code and password",
        "system",
        "No two users share a username (unique regardless of case, never reused), so each "
        "ID-and-password combination belongs to one person.",
    ),
    _p11(
        "11.300(b)",
        "Passwords periodically checked and revised (ageing)",
        "system",
        "Passwords expire after 90 days by default (with a reminder in the last week); a new one "
        "must differ from the last five and pass length, common-password and all-numeric checks; "
        "an administrator's one-time password must be changed at first login.",
    ),
    _p11(
        "11.300(c)",
        "Loss management: lost or compromised credentials deauthorised and replaced",
        "shared",
        "An administrator deactivates a user or resets a password (one-time, never written to the "
        "audit trail), which revokes that user's sessions at once, and a revoked session's open "
        "sockets close; reporting a loss promptly is the customer's procedure.",
    ),
    _p11(
        "11.300(d)",
        "Transaction safeguards: unauthorised use prevented, detected and reported",
        "shared",
        "Five wrong passwords (at login or when signing) from one address lock the account for 15 "
        "minutes or until an administrator unlocks it, and every failure is audited; reviewing "
        "these events and escalating them urgently is the customer's procedure.",
    ),
    _p11(
        "11.300(e)",
        "Periodic testing of tokens or cards that carry credentials",
        "shared",
        "No card holds credentials. Authenticator apps (TOTP, for local accounts) are tested at "
        "every sign-in: a code works once, wrong codes are refused, audited and lock the "
        "account, and a lost device is reset by a System Administrator (which ends the user's "
        "sessions); keeping devices personal is the customer's policy.",
    ),
    # --- EU GMP Annex 11 --------------------------------------------------------------------------
    _a11(
        "A11-1",
        "Risk management across the system's life cycle",
        "procedural",
        "The customer's risk assessment; this document and PRODUCT.md describe the controls it "
        "can rely on.",
    ),
    _a11(
        "A11-2",
        "Personnel: roles, responsibilities, qualification",
        "procedural",
        "The customer's organisation and training.",
    ),
    _a11(
        "A11-3",
        "Suppliers and service providers",
        "procedural",
        "Supplier assessment and agreements are the customer's; source, tests and this matrix "
        "are open for audit.",
    ),
    _a11(
        "A11-4",
        "Validation",
        "procedural",
        "Validation for intended use is the customer's; the automated suites and this matrix are "
        "supplier evidence it can leverage.",
    ),
    _a11(
        "A11-5",
        "Data: built-in checks for correct and secure entry and processing",
        "system",
        "Input is checked before anything is saved, and again by database constraints: uploads "
        "by size, extension allow-list and content sniffing (stored under their SHA-256), "
        "documents and CSV imports per row and field; a request that fails creates nothing.",
    ),
    _a11(
        "A11-6",
        "Accuracy checks on critical data entered by hand",
        "system",
        "Crate codes carry a check digit; return dates must lie in the future, retention dates "
        "after preparation; listed documents must belong to the crate; a reason is required for "
        "holds, rejections, send-backs and for lowering a room's security class.",
    ),
    _a11(
        "A11-7.1",
        "Data storage: protected from damage, accessible, readable and accurate",
        "system",
        "Audit events and signatures are append-only and hash-chained; the chain is verified "
        "daily with an alert to System Administrators; records leave only through the signed "
        "destruction after their retention date.",
    ),
    _a11(
        "A11-7.2",
        "Regular backups whose integrity and restorability are checked",
        "shared",
        "`scripts/backup.sh` writes the database and media with SHA-256 checksums and rotation; "
        "`scripts/restore.sh` refuses a damaged backup and restores the same data with the audit "
        "chain intact; the schedule, off-site copies and periodic restore drills are the "
        "customer's.",
    ),
    _a11(
        "A11-8",
        "Printouts: clear copies that show whether data changed since entry",
        "system",
        "Reports and the audit trail export as CSV; a destruction prints as a PDF certificate "
        "with every signature and the record digest, marked DRAFT until the request completes; "
        "a signature whose record changed after signing shows as invalid.",
    ),
    _a11(
        "A11-9",
        "Audit trail of GMP-relevant changes and deletions, with reasons, reviewable",
        "shared",
        "Every change is recorded with old and new values, actor, UTC time and the reason where "
        "the action requires one, in a chain nobody can edit; the trail is filtered on screen "
        "and exports as CSV. Its regular review is done in Strongroom, to the customer's "
        "procedure: per unit and month, rules flag exceptions (changes outside working hours, "
        "edits of signed records, configuration and permission changes, failed-login bursts, "
        "refused self-approvals, actions of accounts deactivated since, administrators signing "
        "in from new addresses); each flag is acknowledged or raised as a finding with a "
        "comment and the month is signed REVIEWED; a coverage report shows overdue months.",
    ),
    _a11(
        "A11-10",
        "Change and configuration management",
        "procedural",
        "The customer's change control; configuration changes made in the application or the "
        "Django admin (units, departments, locations, roles, the task schedule and its bulk "
        "actions) are audited with old and new values (§9); production refuses to start with "
        "password ageing, lockout or session lengths outside the validated bounds.",
    ),
    _a11(
        "A11-11",
        "Periodic evaluation of the validated state",
        "procedural",
        "The customer's periodic review; `scripts/compliance_matrix.py --check` keeps this "
        "traceability current.",
    ),
    _a11(
        "A11-12.1",
        "Physical and logical controls restrict access to authorised persons",
        "shared",
        "Logically: password login, sessions revoked at logout or deactivation, role "
        "permissions and unit scope on every endpoint and socket; physical security of the "
        "server and the store rooms is the customer's.",
    ),
    _a11(
        "A11-12.2",
        "Extent of security controls proportionate to criticality",
        "procedural",
        "The customer decides role assignments and network exposure by criticality.",
    ),
    _a11(
        "A11-12.3",
        "Granting, changing and withdrawing access rights is recorded",
        "system",
        "Creating a user writes an audit event (never holding the one-time password); a change "
        "of role writes one with the old and new role, the administrator and the reason.",
    ),
    _a11(
        "A11-12.4",
        "Identity of whoever enters, changes, confirms or deletes data, with date and time",
        "system",
        "Every audit event records the actor (and a username snapshot) and the UTC time; "
        "signatures add the printed name and meaning; uploads record their uploader.",
    ),
    _a11(
        "A11-13",
        "Incidents reported and assessed",
        "shared",
        "The daily audit-chain verification notifies every System Administrator when the chain is "
        "broken, and only then; recording, assessing and correcting incidents is the customer's "
        "procedure.",
    ),
    _a11(
        "A11-14",
        "Electronic signatures: binding, permanently linked, dated",
        "shared",
        "Signatures are permanently linked to their record (digest, one record each, append-only) "
        "and carry UTC date and time; that they bind like handwritten signatures within the "
        "company is the customer's policy (§11.10(j)).",
    ),
    _a11(
        "A11-15",
        "Batch release by a Qualified Person",
        "n/a",
        "Strongroom certifies no batches; it keeps the paper records that support release.",
    ),
    _a11(
        "A11-16",
        "Business continuity",
        "procedural",
        "The customer's continuity plan; the tested backup and restore (§7.2) and "
        "PRODUCTION_DEPLOYMENT.md support it.",
    ),
    _a11(
        "A11-17",
        "Archived data stays accessible, readable and intact",
        "shared",
        "A restore into an empty database checks that every migration of the running code is "
        "applied and that the audit chain is intact, so archived backups stay readable after "
        "upgrades; archive scheduling and retention are the customer's.",
    ),
)
CLAUSE_BY_ID: dict[str, Clause] = {clause.id: clause for clause in CLAUSES}
