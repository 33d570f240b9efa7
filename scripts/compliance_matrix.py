#!/usr/bin/env python3
"""Traceability from 21 CFR Part 11 and EU GMP Annex 11 to the tests that prove each clause.

    backend/.venv/bin/python scripts/compliance_matrix.py            # (re)write docs/COMPLIANCE.md
    backend/.venv/bin/python scripts/compliance_matrix.py --check    # fail if stale or incomplete
    # after a run: check that every clause was proven by tests that ran and passed in it
    backend/.venv/bin/python scripts/compliance_matrix.py --check \\
        --junit-sqlite var/evidence/junit-sqlite.xml \\
        --junit-postgresql var/evidence/junit-postgresql.xml
    # record a green run's pass counts in docs/COMPLIANCE.md (after `make test`)
    backend/.venv/bin/python scripts/compliance_matrix.py \\
        --junit-sqlite var/evidence/junit-sqlite.xml \\
        --junit-postgresql var/evidence/junit-postgresql.xml

The clause list below is the single source: each clause's paraphrased subject, who meets it
(the system, the system and the customer together, or the customer's procedures alone) and a
one-line statement of how. Backend tests name the clauses they prove with a marker:

    @pytest.mark.compliance("11.10(e)", "A11-9")
    def test_events_form_a_hash_chain() -> None: ...

This script collects the backend suite (collection only: no test runs, no database) and
generates docs/COMPLIANCE.md: clause → statement → the test node ids with their docstrings'
first lines (or the test's name as a sentence), and each test's results in the two backend
passes of the run the document was generated from (the JUnit XML that `make test` writes with
pytest --junitxml). Without JUnit files, results already in the document are kept for tests
whose cases did not change and new tests show "not run": the document never claims a pass that
no run produced.

``--check`` exits 1 when the committed document differs from what would be generated (the
clause → test mapping), when a System or Shared clause has no test, when a marker names an
unknown clause or a Procedural / Not-applicable one (claiming what the customer must do), or
when the suite does not collect. Given the JUnit XML of a run it also exits 1 unless every
compliance-marked test case ran and passed in the PostgreSQL pass (a skip there fails, naming
the test), none failed in the SQLite pass (where a skip is allowed: PostgreSQL-only tests), and
so every System or Shared clause is proven by tests that passed in this run. ``--markdown`` and
``--json`` write this run's matrix (for the evidence bundle under var/evidence/). Exit 0 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import inspect
import io
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest  # from the backend's virtual environment: run with backend/.venv/bin/python

REPO = Path(__file__).resolve().parents[1]
BACKEND = REPO / "backend"
DOCUMENT = REPO / "docs" / "COMPLIANCE.md"
MARKER = "compliance"

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
        "are deactivated, never deleted, so a signature always points to one person.",
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
        "to sign; keeping passwords personal is the customer's policy.",
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
        "n/a",
        "No token or card generates or holds credentials.",
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
        "and exports as CSV; its regular review is the customer's procedure.",
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


# --- collecting the markers ----------------------------------------------------------------------

PASSES: tuple[tuple[str, str], ...] = (("sqlite", "SQLite"), ("postgresql", "PostgreSQL"))
DECISIVE_RUN = "postgresql"  # every compliance test must run and pass here


@dataclass
class PassResult:
    """How the cases of one test fared in one backend pass."""

    passed: int = 0
    skipped: int = 0
    failed: int = 0
    not_run: int = 0

    WORDS = ("passed", "skipped", "failed", "not run")

    def counts(self) -> tuple[int, int, int, int]:
        return (self.passed, self.skipped, self.failed, self.not_run)

    def text(self) -> str:
        return ", ".join(f"{n} {w}" for n, w in zip(self.counts(), self.WORDS, strict=True) if n)

    @classmethod
    def parse(cls, text: str) -> PassResult | None:
        values = dict.fromkeys(cls.WORDS, 0)
        for part in text.split(", "):
            number, _, word = part.strip().partition(" ")
            if not number.isdigit() or word not in values:
                return None
            values[word] = int(number)
        return cls(*values.values())


@dataclass
class TestRef:
    nodeid: str  # the test function, without parametrisation
    summary: str
    postgres_pass: bool
    items: list[str] = field(default_factory=list)  # every collected case's node id
    clauses: set[str] = field(default_factory=set)
    results: dict[str, PassResult] = field(default_factory=dict)  # pass → result

    @property
    def cases(self) -> int:
        return len(self.items)

    def result(self, pass_name: str) -> PassResult:
        return self.results.get(pass_name) or PassResult(not_run=self.cases)


ACRONYMS = frozenset({"api", "csv", "http", "id", "ids", "jwt", "pdf", "qr", "sql", "url"})
UNIT_CODE = re.compile(r"[a-z]{3}[0-9]")  # GOA1, MUM1 in test names


def _summary(obj: object, name: str) -> str:
    """The docstring's first line, or else the test's name as a sentence."""
    doc = inspect.getdoc(obj)
    if doc and doc.strip():
        return doc.strip().splitlines()[0].strip()
    words = [
        word.upper() if word in ACRONYMS or UNIT_CODE.fullmatch(word) else word
        for word in name.removeprefix("test_").split("_")
        if word
    ]
    if not words:
        return name
    sentence = " ".join(words)
    return sentence[:1].upper() + sentence[1:] + "."


class _Collector:
    """A pytest plugin object: keeps the collected items and any collection failures."""

    def __init__(self) -> None:
        self.items: list[pytest.Item] = []
        self.failures: list[str] = []

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.failures.append(report.nodeid)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = list(session.items)


def _clause_problems(function_id: str, marker: pytest.Mark) -> tuple[set[str], list[str]]:
    """The clause ids a marker names, and what is wrong with it."""
    if not marker.args or marker.kwargs:
        return set(), [f"{function_id}: @pytest.mark.{MARKER} takes clause ids only, at least one"]
    ids: set[str] = set()
    problems = []
    for clause_id in marker.args:
        clause = CLAUSE_BY_ID.get(clause_id) if isinstance(clause_id, str) else None
        if clause is None:
            problems.append(f"{function_id}: unknown clause {clause_id!r}")
        elif clause.responsibility not in NEEDS_TESTS:
            label = RESPONSIBILITY_LABEL[clause.responsibility]
            problems.append(f"{function_id}: clause {clause_id} is {label}: no test can prove it")
        else:
            ids.add(clause_id)
    return ids, problems


def collect() -> tuple[list[TestRef], list[str]]:
    """Collect the backend suite (no test runs); return the tests carrying the marker, sorted,
    and the problems found. A suite that does not collect is a problem of its own."""
    collector = _Collector()
    output = io.StringIO()
    cwd = Path.cwd()
    os.chdir(BACKEND)  # node ids relative to backend/, as `make test` runs pytest there
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            code = pytest.main(
                ["--collect-only", "-q", "-p", "no:cacheprovider", "--ds=config.settings.test"],
                plugins=[collector],
            )
    finally:
        os.chdir(cwd)
    if code != 0 or collector.failures:
        tail = "\n".join(output.getvalue().splitlines()[-40:])
        return [], [f"the backend suite does not collect (pytest exit {int(code)}):\n{tail}"]

    problems: list[str] = []
    tests: dict[str, TestRef] = {}
    for item in collector.items:
        markers = list(item.iter_markers(MARKER))
        if not markers:
            continue
        name = item.originalname if isinstance(item, pytest.Function) else item.name
        parent = item.parent
        function_id = f"{parent.nodeid}::{name}" if parent is not None else item.nodeid
        ref = tests.get(function_id)
        if ref is None:
            ref = TestRef(
                nodeid=function_id,
                summary=_summary(getattr(item, "obj", None), name),
                postgres_pass=item.get_closest_marker("postgres") is not None,
            )
            tests[function_id] = ref
        ref.items.append(item.nodeid)
        for marker in markers:
            ids, found = _clause_problems(function_id, marker)
            ref.clauses |= ids
            problems += found
    return sorted(tests.values(), key=lambda t: t.nodeid), sorted(set(problems))


# --- results of a run (JUnit XML) ----------------------------------------------------------------

Status = Literal["passed", "skipped", "failed"]


@dataclass(frozen=True)
class Outcome:
    status: Status
    message: str = ""


def junit_key(nodeid: str) -> tuple[str, str]:
    """The (classname, name) pair pytest's JUnit XML gives the test with this node id:
    ``pkg/tests/test_x.py::TestY::test_z[a-b]`` → ``("pkg.tests.test_x.TestY", "test_z[a-b]")``
    (what ``_pytest.junitxml.mangle_test_address`` does; parameters may hold ``::`` or ``/``)."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


def read_junit(path: Path) -> dict[tuple[str, str], Outcome]:
    """Every test case in a pytest JUnit XML file and its outcome. A case with a failure or an
    error (a setup or teardown error included) failed; one with only a skip (xfail too) was
    skipped; the rest passed."""
    root = ET.parse(path).getroot()  # noqa: S314 - our own test run's output
    outcomes: dict[tuple[str, str], Outcome] = {}
    for case in root.iter("testcase"):
        key = (case.get("classname", ""), case.get("name", ""))
        failed = [child for child in case if child.tag in ("failure", "error")]
        skipped = [child for child in case if child.tag == "skipped"]
        if failed:
            outcome = Outcome("failed", failed[0].get("message", ""))
        elif skipped:
            outcome = Outcome("skipped", skipped[0].get("message", ""))
        else:
            outcome = Outcome("passed")
        previous = outcomes.get(key)
        if previous is None or previous.status != "failed":
            outcomes[key] = outcome
    return outcomes


def apply_run(tests: list[TestRef], runs: dict[str, dict[tuple[str, str], Outcome]]) -> None:
    """Set each test's results from the runs' outcomes (a case absent from a run: not run)."""
    for test in tests:
        test.results = {}
        for pass_name, outcomes in runs.items():
            result = PassResult()
            for nodeid in test.items:
                outcome = outcomes.get(junit_key(nodeid))
                if outcome is None:
                    result.not_run += 1
                elif outcome.status == "passed":
                    result.passed += 1
                elif outcome.status == "skipped":
                    result.skipped += 1
                else:
                    result.failed += 1
            test.results[pass_name] = result


def run_problems(
    tests: list[TestRef], runs: dict[str, dict[tuple[str, str], Outcome]]
) -> list[str]:
    """What keeps this run from proving the matrix: a compliance case that did not pass in the
    PostgreSQL pass (skipped, failed or absent), one that failed in the SQLite pass, and every
    System or Shared clause without a test that passed."""
    label = dict(PASSES)
    problems: list[str] = []
    for test in tests:
        for nodeid in test.items:
            for pass_name, outcomes in runs.items():
                outcome = outcomes.get(junit_key(nodeid))
                where = f"in the {label[pass_name]} pass"
                if outcome is not None and outcome.status == "failed":
                    problems.append(f"{nodeid} failed {where}")
                elif pass_name != DECISIVE_RUN:
                    continue  # skipped or deselected outside the PostgreSQL pass: allowed
                elif outcome is None:
                    problems.append(f"{nodeid} did not run {where}")
                elif outcome.status == "skipped":
                    why = f" ({outcome.message})" if outcome.message else ""
                    problems.append(
                        f"{nodeid} was skipped {where}{why}: a compliance test must run there"
                    )
    if DECISIVE_RUN in runs:
        for clause in CLAUSES:
            if clause.responsibility not in NEEDS_TESTS:
                continue
            proving = [t for t in tests if clause.id in t.clauses]
            if proving and not any(t.result(DECISIVE_RUN).passed for t in proving):
                problems.append(
                    f"clause {clause.id} is not proven in this run: none of its "
                    f"{len(proving)} tests passed in the {label[DECISIVE_RUN]} pass"
                )
    return problems


# --- the document --------------------------------------------------------------------------------

PREAMBLE = """\
# Strongroom — regulatory traceability (21 CFR Part 11, EU GMP Annex 11)

<!-- Generated by scripts/compliance_matrix.py. Do not edit by hand: change the clause list in
     that script or the tests' @pytest.mark.compliance markers, then run
     `backend/.venv/bin/python scripts/compliance_matrix.py` (see its --help). -->

For each clause of 21 CFR Part 11 (Subpart B, electronic records; Subpart C, electronic
signatures) and of EU GMP Annex 11, this document says who meets it, how Strongroom does its
part, which automated tests prove that part, and how those tests fared in the run this document
was generated from. Clause subjects are paraphrased; read the regulations for their text.

The document is generated and cannot drift: the clause list and statements live in
`scripts/compliance_matrix.py`; each backend test names the clauses it proves with
`@pytest.mark.compliance("11.10(e)", "A11-9", …)`; `scripts/compliance_matrix.py --check` fails
when this file differs from what the markers give, when a System or Shared clause has no test,
or when a marker names an unknown, Procedural or Not-applicable clause.

A clause counts as proven only by tests that ran and passed: `make test` runs the backend suite
on SQLite and again on PostgreSQL 15 with Redis, writing each pass's JUnit XML under
`var/evidence/`, and then `compliance_matrix.py --check` reads both and fails when a
compliance test failed, or was skipped or did not run in the PostgreSQL pass, or when a clause
has no test that passed there. Each run leaves its own matrix with its commit, date and
versions in its evidence bundle (`var/evidence/`, see README.md).

Responsibility:

- **System** — Strongroom meets the clause itself; the listed tests prove it.
- **Shared** — Strongroom provides the technical control (tested); the customer's procedure,
  named in the statement, completes it.
- **Procedural** — met by the customer's SOPs, training or organisation. Strongroom claims
  nothing here and lists no test.
- **Not applicable** — the clause concerns something Strongroom does not have or do.

Tests are pytest node ids relative to `backend/` (run one with
`cd backend && .venv/bin/python -m pytest -q "<node id>"`). After each test, its cases' results
in the SQLite pass and in the PostgreSQL pass; the summary counts the test cases that passed in
each pass. Tests marked *PostgreSQL pass* run only in the second pass; a few tests of real
concurrency skip themselves on SQLite for the same reason. A test added since the document was
generated from a run shows *not run* until it is regenerated from the next green run
(`compliance_matrix.py --junit-sqlite … --junit-postgresql …`, see its --help).
"""

TEST_LINE = re.compile(r"^- `(?P<nodeid>[^`]+)` — .* — (?P<results>SQLite: .+)$")


def _heading(clause: Clause) -> str:
    return f"### {clause.label} — {clause.subject}"


def _results_text(test: TestRef) -> str:
    return "; ".join(f"{label}: {test.result(name).text()}" for name, label in PASSES)


def _test_line(test: TestRef) -> str:
    notes = []
    if test.cases > 1:
        notes.append(f"{test.cases} cases")
    if test.postgres_pass:
        notes.append("PostgreSQL pass")
    suffix = f" *({', '.join(notes)})*" if notes else ""
    return f"- `{test.nodeid}` — {test.summary}{suffix} — {_results_text(test)}"


def recorded_results(document: str) -> dict[str, dict[str, PassResult]]:
    """The per-test results a generated document holds: node id → pass → result."""
    label_to_pass = {label: name for name, label in PASSES}
    recorded: dict[str, dict[str, PassResult]] = {}
    for line in document.splitlines():
        match = TEST_LINE.match(line)
        if not match:
            continue
        results: dict[str, PassResult] = {}
        for part in match["results"].split("; "):
            label, _, text = part.partition(": ")
            parsed = PassResult.parse(text)
            if label in label_to_pass and parsed is not None:
                results[label_to_pass[label]] = parsed
        if len(results) == len(PASSES):
            recorded[match["nodeid"]] = results
    return recorded


def keep_recorded(tests: list[TestRef], document: str) -> None:
    """Without a run: keep the document's results for tests whose cases did not change."""
    recorded = recorded_results(document)
    for test in tests:
        previous = recorded.get(test.nodeid, {})
        if previous and all(sum(r.counts()) == test.cases for r in previous.values()):
            test.results = previous
        else:
            test.results = {}


def _proving(tests: list[TestRef]) -> dict[str, list[TestRef]]:
    by_clause: dict[str, list[TestRef]] = {clause.id: [] for clause in CLAUSES}
    for test in tests:
        for clause_id in test.clauses:
            by_clause[clause_id].append(test)
    return by_clause


def render(tests: list[TestRef]) -> str:
    by_clause = _proving(tests)
    lines = [PREAMBLE, "## Summary", ""]
    pass_columns = " | ".join(f"Passed on {label}" for _, label in PASSES)
    lines.append(f"| Clause | Marker | Subject | Responsibility | Tests | Cases | {pass_columns} |")
    lines.append("|---|---|---|---|---|---|" + "---|" * len(PASSES))
    for clause in CLAUSES:
        proving = by_clause[clause.id]
        if clause.responsibility in NEEDS_TESTS:
            counts = [str(len(proving)), str(sum(t.cases for t in proving))] + [
                str(sum(t.result(name).passed for t in proving)) for name, _ in PASSES
            ]
        else:
            counts = ["—"] * (2 + len(PASSES))
        lines.append(
            f"| {clause.label} | `{clause.id}` | {clause.subject} | "
            f"{RESPONSIBILITY_LABEL[clause.responsibility]} | {' | '.join(counts)} |"
        )
    for regulation in (PART_11, ANNEX_11):
        lines += ["", f"## {regulation}"]
        for clause in CLAUSES:
            if clause.regulation != regulation:
                continue
            label = RESPONSIBILITY_LABEL[clause.responsibility]
            lines += ["", _heading(clause), "", f"**{label}** (`{clause.id}`). {clause.statement}"]
            if clause.responsibility in NEEDS_TESTS:
                lines.append("")
                proving = by_clause[clause.id]
                if proving:
                    lines += [_test_line(test) for test in proving]
                else:
                    lines.append("- **No test proves this clause yet.**")
    return "\n".join(lines) + "\n"


def as_json(tests: list[TestRef], problems: list[str]) -> dict[str, Any]:
    """The matrix of a run, for the evidence bundle."""
    by_clause = _proving(tests)
    clauses = []
    for clause in CLAUSES:
        proving = by_clause[clause.id]
        needs = clause.responsibility in NEEDS_TESTS
        clauses.append(
            {
                "id": clause.id,
                "label": clause.label,
                "regulation": clause.regulation,
                "subject": clause.subject,
                "responsibility": RESPONSIBILITY_LABEL[clause.responsibility],
                "tests": len(proving),
                "cases": sum(t.cases for t in proving),
                "passed": {name: sum(t.result(name).passed for t in proving) for name, _ in PASSES},
                "proven": (
                    bool(proving) and all(t.result(DECISIVE_RUN).passed == t.cases for t in proving)
                    if needs
                    else None
                ),
            }
        )
    return {
        "clauses": clauses,
        "tests": [
            {
                "nodeid": t.nodeid,
                "clauses": sorted(t.clauses),
                "cases": t.cases,
                "results": {
                    name: dict(zip(PassResult.WORDS, t.result(name).counts(), strict=True))
                    for name, _ in PASSES
                },
            }
            for t in tests
        ],
        "problems": problems,
    }


def uncovered(tests: list[TestRef]) -> list[str]:
    covered = {clause_id for test in tests for clause_id in test.clauses}
    return [
        f"clause {clause.id} ({RESPONSIBILITY_LABEL[clause.responsibility]}) has no test"
        for clause in CLAUSES
        if clause.responsibility in NEEDS_TESTS and clause.id not in covered
    ]


def _stale(current: str, document: str) -> str:
    relative = DOCUMENT.relative_to(REPO)
    diff = list(
        difflib.unified_diff(
            current.splitlines(),
            document.splitlines(),
            f"{relative} (committed)",
            f"{relative} (generated)",
            lineterm="",
        )
    )
    shown = "\n".join(diff[:80]) + ("\n…" if len(diff) > 80 else "")
    return (
        f"{relative} is stale: run `backend/.venv/bin/python scripts/compliance_matrix.py`\n{shown}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog=(__doc__ or "").split("\n\n", 1)[-1].split("\nThe clause list")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing to docs/; exit 1 if docs/COMPLIANCE.md is stale or a clause is "
        "unproven (with --junit-*: unproven by this run)",
    )
    for name, label in PASSES:
        parser.add_argument(
            f"--junit-{name}",
            type=Path,
            metavar="XML",
            help=f"JUnit XML of the {label} pass of a run (pytest --junitxml)",
        )
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="write this run's matrix")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write this run's matrix as JSON")
    args = parser.parse_args(argv)
    junit: dict[str, Path] = {
        name: getattr(args, f"junit_{name}")
        for name, _ in PASSES
        if getattr(args, f"junit_{name}") is not None
    }
    if junit and DECISIVE_RUN not in junit:
        parser.error(f"--junit-{DECISIVE_RUN} is required with other --junit-* files")
    if (args.markdown or args.json) and not junit:
        parser.error("--markdown and --json write a run's matrix: give its --junit-* files")

    tests, problems = collect()
    if not tests and problems:
        sys.stderr.write("compliance matrix: " + "\n".join(problems) + "\n")
        return 1
    problems += uncovered(tests)
    current = DOCUMENT.read_text(encoding="utf-8") if DOCUMENT.exists() else ""
    relative = DOCUMENT.relative_to(REPO)

    # The committed document's mapping, with the results it records (what a plain run writes).
    keep_recorded(tests, current)
    mapping_document = render(tests)
    if args.check and current != mapping_document:
        problems.append(_stale(current, mapping_document))

    notes: list[str] = []
    if junit:
        runs: dict[str, dict[tuple[str, str], Outcome]] = {}
        for name, path in junit.items():
            try:
                runs[name] = read_junit(path)
            except (OSError, ET.ParseError) as error:
                problems.append(f"cannot read the JUnit XML {path}: {error}")
        if len(runs) == len(junit):
            apply_run(tests, runs)
            problems += run_problems(tests, runs)
        run_document = render(tests)
        if args.markdown:
            args.markdown.parent.mkdir(parents=True, exist_ok=True)
            args.markdown.write_text(run_document, encoding="utf-8")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(as_json(tests, problems), indent=2) + "\n", "utf-8")
        if args.check and run_document != current and not problems:
            notes.append(
                f"{relative} records the results of another run; to record this one's, run "
                "compliance_matrix.py with these --junit-* files (without --check)"
            )
        document = run_document
    else:
        document = mapping_document

    if not args.check and not problems and current != document:
        DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
        DOCUMENT.write_text(document, encoding="utf-8")
        sys.stdout.write(f"wrote {relative}\n")

    proven = sum(1 for c in CLAUSES if c.responsibility in NEEDS_TESTS)
    if problems:
        sys.stderr.write("".join(f"compliance matrix: {p}\n" for p in problems))
        if not args.check:
            sys.stderr.write(f"compliance matrix: {relative} not written\n")
        return 1
    sys.stdout.write("".join(f"compliance matrix: note: {n}\n" for n in notes))
    how = "proven by tests that passed in this run" if junit else "each named by a marked test"
    sys.stdout.write(
        f"compliance matrix: {len(CLAUSES)} clauses, {proven} needing tests {how} "
        f"({len(tests)} tests); {relative} is current\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
