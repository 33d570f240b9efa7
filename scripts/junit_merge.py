#!/usr/bin/env python3
"""Append the test suites of JUnit XML files to another one, in place:

    python scripts/junit_merge.py var/evidence/junit-sqlite.xml var/evidence/junit-sqlite-dev.xml

`make test` runs one backend pass in two pytest sessions (a test that must have the machine to
itself first, the rest beside the PostgreSQL pass); the evidence bundle and the compliance matrix
read one file per pass. A missing target is created from the first input; a missing input is an
error (the session that should have written it did not run).
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def junit_merge(target: Path, inputs: list[Path]) -> int:
    """Append every ``testsuite`` of ``inputs`` to ``target``'s ``testsuites`` root; return how
    many test cases were appended."""
    roots = [ET.parse(path).getroot() for path in inputs]  # noqa: S314 - this run's own output
    # S314: this run's own output
    merged = ET.parse(target).getroot() if target.exists() else ET.Element("testsuites")  # noqa: S314
    if merged.tag == "testsuite":  # a bare suite: wrap it
        wrapper = ET.Element("testsuites")
        wrapper.append(merged)
        merged = wrapper
    appended = 0
    for root in roots:
        suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        for suite in suites:
            merged.append(suite)
            appended += len(list(suite.iter("testcase")))
    ET.ElementTree(merged).write(target, encoding="utf-8", xml_declaration=True)
    return appended


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="the JUnit file to append to (created if absent)")
    parser.add_argument("inputs", type=Path, nargs="+", help="JUnit files whose suites to append")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.inputs if not p.exists()]
    if missing:
        sys.stderr.write(f"junit_merge: no such file: {', '.join(missing)}\n")
        return 1
    appended = junit_merge(args.target, args.inputs)
    sys.stdout.write(f"junit_merge: {appended} test cases appended to {args.target}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
