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
from pathlib import Path
from typing import Any

import pytest  # from the backend's virtual environment: run with backend/.venv/bin/python

REPO = Path(__file__).resolve().parents[1]
BACKEND = REPO / "backend"
DOCUMENT = REPO / "docs" / "COMPLIANCE.md"
MARKER = "compliance"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compliance_clauses import (  # noqa: E402
    ANNEX_11,
    CLAUSE_BY_ID,
    CLAUSES,
    NEEDS_TESTS,
    PART_11,
    RESPONSIBILITY_LABEL,
    Clause,
)
from compliance_runs import (  # noqa: E402
    DECISIVE_RUN,
    PASSES,
    Outcome,
    PassResult,
    TestRef,
    apply_run,
    read_junit,
    run_problems,
)

# --- collecting the markers ----------------------------------------------------------------------

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
