"""The course assignments: every grader fails the untouched starter and passes the
reference solution assembled from zkpot's own code; the command line grades."""

from __future__ import annotations

import subprocess
import sys

import pytest

from zkpot import assignments as A

ALL = A.discover()
each = pytest.mark.parametrize("assignment", ALL, ids=[a.name for a in ALL])


@each
def test_the_grader_fails_the_untouched_starter(assignment) -> None:
    """Every check runs code the student writes: none passes on the starter."""
    report = A.grade(assignment, assignment.starter)
    assert report.failed and not report.passed, f"checks that pass the starter: {report.passed}"
    for _, message in report.failed:
        assert "not written yet" in message, message  # and they say why


@each
def test_the_grader_passes_the_reference_from_zkpot(assignment, tmp_path) -> None:
    path = A.write_reference(assignment, tmp_path / "reference.py")
    report = A.grade(assignment, path)
    assert report.ok, report.summary()
    assert report.total >= 5, "a grader should check more than a handful of things"


@each
def test_the_starter_names_exactly_the_reference_functions(assignment) -> None:
    starter = A.load_solution(assignment.starter)
    written = {name for name, value in vars(starter).items()
               if callable(value) and getattr(value, "__module__", None) == starter.__name__
               and not name.startswith("_")}  # fmt: skip
    assert written == set(assignment.reference), (written, assignment.reference)
    assert (assignment.directory.parent.parent / "docs" / assignment.layer).is_file()


def test_a_wrong_solution_fails_with_messages_that_teach(tmp_path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "def inverse(a, p):\n    return 1\n\n"
        "def batch_inverse(values, p):\n    return [pow(v, -1, p) for v in values]\n"
    )
    report = A.grade(A.find(1), wrong)
    assert not report.ok and report.passed  # batch_inverse's values are right …
    messages = "\n".join(message for _, message in report.failed)
    assert "inverse(3, 7) returned 1; expected 5" in messages
    assert "made 50 inversions for 50 values" in messages  # … but not by the trick
    assert "score:" in report.summary() and "FAILED" in report.summary()


def test_a_file_that_does_not_import(tmp_path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def inverse(a, p)\n")
    report = A.grade(A.find(1), broken)
    assert not report.ok and "SyntaxError" in report.summary()


def zkpot(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zkpot", *args], capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def test_the_command_line(tmp_path) -> None:
    listed = zkpot("assignments", "list")
    assert listed.returncode == 0
    for assignment in ALL:
        assert assignment.title in listed.stdout
    reference = A.write_reference(A.find(1), tmp_path / "mine.py")
    passed = zkpot("assignments", "check", "1", str(reference))
    assert passed.returncode == 0 and "all checks pass" in passed.stdout, passed.stdout
    failed = zkpot("assignments", "check", "1", str(A.find(1).starter))
    assert failed.returncode == 1 and "score: 0/" in failed.stdout
    missing = zkpot("assignments", "check", "99", str(reference))
    assert missing.returncode == 2 and "there is no assignment 99" in missing.stderr
    nofile = zkpot("assignments", "check", "1", str(tmp_path / "nothing.py"))
    assert nofile.returncode == 2 and "no file" in nofile.stderr


def test_the_docs_page_lists_every_assignment_with_its_layer() -> None:
    page = (A.assignments_directory().parent / "docs" / "assignments.md").read_text()
    for assignment in ALL:
        row = next((line for line in page.splitlines()
                    if f"`assignments/{assignment.name}`" in line), None)  # fmt: skip
        assert row is not None, f"docs/assignments.md does not list {assignment.name}"
        assert f"]({assignment.layer})" in row and assignment.title in row, row


def test_ten_assignments_from_the_field_to_a_zkpot_round() -> None:
    assert [a.number for a in ALL] == list(range(1, 11))
    layers = [a.layer for a in ALL]
    assert layers[0] == "field.md" and layers[-1] == "chain.md"


def test_a_report_names_skipped_parts(tmp_path) -> None:
    """Assignment 7 lets the student choose a round: the others are skipped, not failed."""
    mine = tmp_path / "round4.py"
    mine.write_text("from zkpot.plonk.prover import round_4  # noqa: F401\n\n"
                    "def round_1(s):\n    raise NotImplementedError\n\n"
                    "def round_2(s):\n    raise NotImplementedError\n")  # fmt: skip
    report = A.grade(A.find(7), mine)
    assert report.ok and len(report.skipped) == 2, report.summary()
    assert "skipped test_round_1" in report.summary()
