"""The compliance-marked tests of the backend suite and their results in a run, for
scripts/compliance_matrix.py: each test's cases and clauses (:class:`TestRef`), how its cases
fared in each backend pass (:class:`PassResult`), read from the JUnit XML that `make test` writes
with pytest --junitxml, and what keeps a run from proving the matrix (:func:`run_problems`)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from compliance_clauses import CLAUSES, NEEDS_TESTS

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
