"""scripts/compliance_matrix.py reads a run's JUnit XML (scripts/compliance_runs.py): a clause
is proven only by compliance tests that ran and passed in the PostgreSQL pass, and a skip there
fails the check by name."""

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from _pytest.junitxml import mangle_test_address

from strongroom.core.testing import script_module

cm = script_module("compliance_matrix")
# The module compliance_matrix imports (scripts/ is on the path now), so one copy of its classes.
cr = importlib.import_module("compliance_runs")
bundle = script_module("evidence_bundle")

PLAIN = "strongroom/x/tests/test_a.py::test_plain"
CASES = [
    "strongroom/x/tests/test_a.py::TestGroup::test_in_class[Unit Admin]",
    "strongroom/x/tests/test_a.py::TestGroup::test_in_class[a/b::c-d[e]]",
]
PG_ONLY = "strongroom/x/tests/test_b.py::test_needs_postgresql"


def _tests() -> list[Any]:
    plain = cr.TestRef(nodeid=PLAIN, summary="Plain.", postgres_pass=False)
    plain.items = [PLAIN]
    plain.clauses = {"11.10(e)"}
    grouped = cr.TestRef(
        nodeid="strongroom/x/tests/test_a.py::TestGroup::test_in_class",
        summary="In class.",
        postgres_pass=False,
    )
    grouped.items = list(CASES)
    grouped.clauses = {"11.10(g)"}
    pg_only = cr.TestRef(nodeid=PG_ONLY, summary="PostgreSQL only.", postgres_pass=True)
    pg_only.items = [PG_ONLY]
    pg_only.clauses = {"11.10(e)"}
    return [plain, grouped, pg_only]


def _junit(path: Path, outcomes: dict[str, str]) -> Path:
    """A JUnit file as pytest writes it: ``outcomes`` maps node id → passed/skipped/failed/error."""
    cases = []
    for nodeid, outcome in outcomes.items():
        names = mangle_test_address(nodeid)
        classname, name = ".".join(names[:-1]), names[-1]
        child = {
            "passed": "",
            "skipped": '<skipped type="pytest.skip" message="needs PostgreSQL">x</skipped>',
            "failed": '<failure message="assert 1 == 2">x</failure>',
            "error": '<error message="error at teardown">x</error>',
        }[outcome]
        name = name.replace("&", "&amp;").replace('"', "&quot;")
        cases.append(
            f'<testcase classname="{classname}" name="{name}" time="0.1">{child}</testcase>'
        )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">'
        + "".join(cases)
        + "</testsuite></testsuites>",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("nodeid", [PLAIN, *CASES, "strongroom/t/test_z.py::A::B::test_c[x-1]"])
def test_node_ids_map_to_the_junit_names_pytest_writes(nodeid: str) -> None:
    names = mangle_test_address(nodeid)
    assert cr.junit_key(nodeid) == (".".join(names[:-1]), names[-1])


def test_a_green_run_proves_its_clauses_and_a_postgresql_only_test_may_skip_on_sqlite(
    tmp_path: Path,
) -> None:
    everything = [PLAIN, *CASES, PG_ONLY]
    runs = {
        "sqlite": cr.read_junit(
            _junit(tmp_path / "s.xml", {**dict.fromkeys(everything, "passed"), PG_ONLY: "skipped"})
        ),
        "postgresql": cr.read_junit(
            _junit(tmp_path / "p.xml", dict.fromkeys(everything, "passed"))
        ),
    }
    tests = _tests()
    cr.apply_run(tests, runs)

    problems = cr.run_problems(tests, runs)

    assert [p for p in problems if "strongroom/x" in p] == []
    assert tests[1].results["postgresql"] == cr.PassResult(passed=2)
    assert tests[2].results["sqlite"] == cr.PassResult(skipped=1)
    assert "clause 11.10(e) is not proven" not in " ".join(problems)


def test_a_skip_failure_or_absence_in_the_postgresql_pass_fails_naming_the_test(
    tmp_path: Path,
) -> None:
    runs = {
        "sqlite": cr.read_junit(_junit(tmp_path / "s.xml", {PLAIN: "failed", PG_ONLY: "skipped"})),
        "postgresql": cr.read_junit(
            _junit(tmp_path / "p.xml", {PLAIN: "passed", CASES[0]: "error", PG_ONLY: "skipped"})
        ),
    }
    tests = _tests()
    cr.apply_run(tests, runs)

    problems = cr.run_problems(tests, runs)

    assert f"{PLAIN} failed in the SQLite pass" in problems
    assert f"{CASES[0]} failed in the PostgreSQL pass" in problems
    assert f"{CASES[1]} did not run in the PostgreSQL pass" in problems
    assert (
        f"{PG_ONLY} was skipped in the PostgreSQL pass (needs PostgreSQL): a compliance test "
        "must run there"
    ) in problems
    # 11.10(g)'s only test passed no case on PostgreSQL: the clause is unproven in this run.
    assert any(p.startswith("clause 11.10(g) is not proven in this run") for p in problems)
    # 11.10(e) still has a test that passed there.
    assert not any(p.startswith("clause 11.10(e) is not proven") for p in problems)


def test_the_document_records_each_test_s_results_and_a_plain_regeneration_keeps_them(
    tmp_path: Path,
) -> None:
    everything = [PLAIN, *CASES, PG_ONLY]
    runs = {
        "sqlite": cr.read_junit(_junit(tmp_path / "s.xml", {PLAIN: "passed", PG_ONLY: "skipped"})),
        "postgresql": cr.read_junit(
            _junit(tmp_path / "p.xml", dict.fromkeys(everything, "passed"))
        ),
    }
    tests = _tests()
    cr.apply_run(tests, runs)
    document = cm.render(tests)
    assert f"- `{PG_ONLY}` — PostgreSQL only. *(PostgreSQL pass)* — SQLite: 1 skipped; " in document
    assert "PostgreSQL: 1 passed\n" in document
    row = next(line for line in document.splitlines() if line.startswith("| §11.10(e) |"))
    assert row.endswith("| System | 2 | 2 | 1 | 2 |")  # tests, cases, passed on each pass

    again = _tests()
    again[1].items.append("strongroom/x/tests/test_a.py::TestGroup::test_in_class[new]")
    cm.keep_recorded(again, document)

    assert again[0].results == tests[0].results
    assert again[2].results == tests[2].results
    assert again[1].results == {}  # a new case: its results are not claimed
    assert "SQLite: 3 not run; PostgreSQL: 3 not run" in cm.render(again)


def test_the_bundle_is_written_for_the_steps_that_ran(tmp_path: Path) -> None:
    (tmp_path / "steps.tsv").write_text(
        "passed\t3\truff\nfailed\t40\tpytest on SQLite\n", encoding="utf-8"
    )
    _junit(tmp_path / "junit-sqlite.xml", {PLAIN: "passed", PG_ONLY: "skipped"})
    (tmp_path / "compliance-matrix.json").write_text(
        json.dumps({"clauses": [{"proven": False}, {"proven": None}], "problems": ["p"]}),
        encoding="utf-8",
    )

    manifest = bundle.write_bundle(tmp_path, 1)

    assert manifest["result"] == "failed"
    assert manifest["failed_step"] == "pytest on SQLite"
    assert manifest["junit"] == {
        "sqlite": {"tests": 2, "passed": 1, "failed": 0, "skipped": 1, "seconds": 0.0}
    }
    assert manifest["git"]["commit"]
    assert manifest["versions"]["django"]
    assert manifest["versions"]["backend_locked"]["django"] == manifest["versions"]["django"]
    sums = (tmp_path / "SHA256SUMS").read_text(encoding="utf-8")
    assert "junit-sqlite.xml" in sums
    assert "manifest.json" in sums
    assert "failed at: pytest on SQLite" in (tmp_path / "SUMMARY.md").read_text(encoding="utf-8")
