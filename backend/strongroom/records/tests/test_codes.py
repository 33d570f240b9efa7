import pytest

from strongroom.records.codes import (
    InvalidCrateCodeError,
    check_digit,
    format_code,
    normalise,
)


def test_format_code_pads_the_serial_and_appends_the_check_digit() -> None:
    code = format_code(unit_code="GOA1", department_code="QA", year=2026, serial=123)
    assert code.startswith("GOA1-QA-2026-000123-")
    assert code[-1] == check_digit("GOA1-QA-2026-000123")


def test_normalise_accepts_lower_case_spaces_and_missing_separators() -> None:
    code = format_code(unit_code="GOA1", department_code="QA", year=2026, serial=42)
    assert normalise(f"  {code.lower()} ") == code
    compact = code.replace("-", "")
    assert normalise(compact, known_prefixes=[("MUM1", "QC"), ("GOA1", "QA")]) == code


@pytest.mark.compliance("11.10(h)", "A11-6")
def test_normalise_rejects_a_wrong_check_digit() -> None:
    code = format_code(unit_code="GOA1", department_code="QA", year=2026, serial=42)
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(InvalidCrateCodeError, match="check digit"):
        normalise(wrong)


@pytest.mark.parametrize("text", ["", "GOA1", "GOA1-QA-26-1-1", "REQ-2026-000001", "GOA1QA2026"])
def test_normalise_rejects_what_is_not_a_code(text: str) -> None:
    with pytest.raises(InvalidCrateCodeError):
        normalise(text, known_prefixes=[("GOA1", "QA")])


@pytest.mark.compliance("11.10(h)", "A11-6")
def test_every_single_digit_typo_in_the_serial_is_caught() -> None:
    for serial in (1, 123, 99999, 500_321):
        code = format_code(unit_code="GOA1", department_code="QA", year=2026, serial=serial)
        body, check = code.rsplit("-", 1)
        serial_text = body.rsplit("-", 1)[1]
        for position, digit in enumerate(serial_text):
            for replacement in "0123456789":
                if replacement == digit:
                    continue
                typo = serial_text[:position] + replacement + serial_text[position + 1 :]
                assert check_digit(body.replace(serial_text, typo)) != check


@pytest.mark.compliance("11.10(h)", "A11-6")
def test_every_adjacent_transposition_in_the_serial_is_caught() -> None:
    code = format_code(unit_code="GOA1", department_code="QA", year=2026, serial=123456)
    body, check = code.rsplit("-", 1)
    prefix, serial_text = body.rsplit("-", 1)
    for i in range(len(serial_text) - 1):
        swapped = serial_text[:i] + serial_text[i + 1] + serial_text[i] + serial_text[i + 2 :]
        if swapped != serial_text:
            assert check_digit(f"{prefix}-{swapped}") != check
