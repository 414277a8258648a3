"""The course assignments: every grader fails the untouched starter and passes the
reference solution assembled from zkpot's own code; the command line grades."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import time

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
    report = A.grade(assignment, path, import_rule=False)
    assert report.ok, report.summary()
    assert report.total >= 5, "a grader should check more than a handful of things"


def test_assignment_10_reuses_proofs_that_this_code_accepts(monkeypatch) -> None:
    """Its grader reuses two stored contributions rather than proving them at each grading
    (most of its time): after a change to the circuit or the task its rules would refuse
    them, and the grader would prove anew. Then write them again."""
    import importlib.util

    assignment = A.find(10)
    spec = importlib.util.spec_from_file_location("grader_10", assignment.grader)
    grader = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "grader_10", grader)  # for its dataclass
    spec.loader.exec_module(grader)
    fed = grader.federation()
    ctx = grader.RoundContext(fed.genesis, fed.keys, 1, fed.genesis.model_hash, fed.genesis.hash)
    made = grader.stored(ctx)
    assert made is not None, f"stale {grader.MADE.name}: run python {assignment.grader}"
    assert [c.participant for c in made] == [m.public_key for m in fed.members[:2]]


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
    reference = tmp_path / "mine.py"
    reference.write_text(INVERSES)
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
    mine.write_text("from zkpot.plonk.prover import round_4 as zkpots\n\n"
                    "def round_4(s):\n    return zkpots(s)\n\n"
                    "def round_1(s):\n    raise NotImplementedError\n\n"
                    "def round_2(s):\n    raise NotImplementedError\n")  # fmt: skip
    report = A.grade(A.find(7), mine, import_rule=False)
    assert report.ok and len(report.skipped) == 2, report.summary()
    assert "skipped test_round_1" in report.summary()


# A correct solution of assignment 1, written as a student would.
INVERSES = """
def inverse(a, p):
    a %= p
    if a == 0:
        raise ZeroDivisionError(f"0 has no inverse mod {p}")
    r0, r1, s0, s1 = p, a, 0, 1
    while r1:
        q = r0 // r1
        r0, r1, s0, s1 = r1, r0 - q * r1, s1, s0 - q * s1
    return s0 % p


def batch_inverse(values, p):
    prefix, product = [], 1
    for v in values:
        if v % p == 0:
            raise ZeroDivisionError(f"{v} has no inverse mod {p}")
        prefix.append(product)
        product = product * v % p
    if not values:
        return []
    step, out = inverse(product, p), [0] * len(values)
    for i in reversed(range(len(values))):
        out[i], step = prefix[i] * step % p, step * values[i] % p
    return out
"""

USES_OF_THE_REFERENCE = {
    "from": "from zkpot.field.prime import inverse_mod as inverse",
    "a re-export": "from zkpot.field import batch_inverse as mine",
    "attributes": "import zkpot.field.prime\n\ndef inverse(a, p):\n"
                  "    return zkpot.field.prime.inverse_mod(a, p)",
    "a module alias": "from zkpot.field import prime as P\ninverse = P.inverse_mod",
    "a star": "from zkpot.field.prime import *",
    "getattr": "from zkpot.field import prime\ninverse = getattr(prime, 'inverse_mod')",
    "a computed getattr": "from zkpot.field import prime\nf = getattr(prime, 'inverse_' + 'mod')",
    "vars": "import zkpot.field.prime as m\nf = vars(m)['inverse_mod']",
    "importlib": "import importlib\nm = importlib.import_module('zkpot.field.prime')",
    "__import__": "m = __import__('zkpot.field.prime')",
    "sys.modules": "import sys\nimport zkpot.field\nm = sys.modules['zkpot.field.prime']",
}  # fmt: skip


@pytest.mark.parametrize("source", USES_OF_THE_REFERENCE.values(), ids=USES_OF_THE_REFERENCE)
def test_the_import_rule_finds_each_way_to_the_reference(source) -> None:
    uses = A.forbidden_uses(source, A.find(1).reference)
    assert uses, f"not caught: {source}"


def test_the_import_rule_leaves_the_rest_of_zkpot_open() -> None:
    reference = A.find(1).reference
    fine = "from zkpot.field.prime import PrimeField\nimport zkpot.field\nx = zkpot.field.prime\n"
    assert A.forbidden_uses(fine + INVERSES, reference) == []
    for assignment in ALL:  # the starters' own imports, and their docstrings' hints
        assert A.forbidden_uses(assignment.starter.read_text(), assignment.reference) == []


def test_a_file_that_imports_the_reference_scores_zero(tmp_path) -> None:
    """The very file the project's tests grade as the reference, handed in by a student."""
    assignment = A.find(1)
    path = A.write_reference(assignment, tmp_path / "mine.py")
    report = A.grade(assignment, path)
    full = sum(assignment.points(check) for check in assignment.checks)
    assert report.points == 0 and report.out_of == full and not report.passed
    summary = report.summary()
    assert "zkpot.field.prime.inverse_mod, zkpot's own inverse()" in summary, summary
    assert "the import rule" in summary and "batch_inverse()" in summary
    checked = zkpot("assignments", "check", "1", str(path))
    assert checked.returncode == 1 and "import rule" in checked.stdout


def test_a_function_that_is_zkpots_own_fails_when_called(tmp_path) -> None:
    """Past the import rule, ``required`` still refuses a function that zkpot defines."""
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        INVERSES + "\nimport zkpot.field as f\nbatch_inverse = f.batch.batch_inverse\n"
    )
    assert A.forbidden_uses(sneaky.read_text(), A.find(1).reference)  # the rule sees it …
    report = A.grade(A.find(1), sneaky, import_rule=False)  # … and so does the grader
    assert any("zkpot's own" in message for _, message in report.failed), report.summary()


def test_a_correct_solution_scores_full_marks(tmp_path) -> None:
    mine = tmp_path / "mine.py"
    mine.write_text(INVERSES)
    report = A.grade(A.find(1), mine)
    assert report.ok and report.points == report.out_of > 0, report.summary()


LOOP = "def inverse(a, p):\n    while True:\n        pass\n"


def test_an_endless_loop_times_out(tmp_path) -> None:
    looping = tmp_path / "loop.py"
    looping.write_text(LOOP + "\ndef batch_inverse(values, p):\n    return []\n")
    start = time.monotonic()
    report = A.grade(A.find(1), looping, time_limit=0.5)
    assert time.monotonic() - start < 30
    timed_out = [name for name, message in report.failed if message == "timed out after 0.5 s"]
    assert len(timed_out) == 5 and not report.ok, report.summary()  # the 5 checks of inverse


@pytest.mark.slow
def test_a_loop_that_swallows_the_alarm_is_stopped(tmp_path) -> None:
    stubborn = tmp_path / "stubborn.py"
    stubborn.write_text("import signal\n\ndef inverse(a, p):\n"
                        "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                        "    while True:\n        pass\n")  # fmt: skip
    start = time.monotonic()
    report = A.grade(A.find(1), stubborn, time_limit=0.5)
    assert time.monotonic() - start < 0.5 * (len(A.find(1).checks) + 1) + 20
    assert report.points == 0 and "timed out after 0.5 s" in report.summary()


def test_grading_without_pytest_says_how_to_install_it(tmp_path, monkeypatch, capsys) -> None:
    from zkpot.cli import main

    monkeypatch.setitem(sys.modules, "pytest", None)  # as after `make demo`
    with pytest.raises(A.AssignmentError, match=re.escape("pip install -e '.[test]'")):
        A.grade(A.find(1), A.find(1).starter)
    with pytest.raises(SystemExit) as stopped:
        main(["assignments", "check", "1", str(A.find(1).starter)])
    error = capsys.readouterr().err.strip().splitlines()
    assert stopped.value.code == 2 and "grading needs pytest" in error[-1], error


def test_every_check_has_points_and_every_assignment_says_what_to_submit() -> None:
    for assignment in ALL:
        assert assignment.checks and all(assignment.points(c) >= 1 for c in assignment.checks)
        text = assignment.readme.read_text()
        assert "## What to submit" in text, assignment.name
        section = text.split("## What to submit", 1)[1].split("\n## ", 1)[0]
        for function in assignment.reference:  # the parts, and each check with its points
            assert f"`{function}()`" in section, (assignment.name, function)
        for check in assignment.checks:
            assert f"| `{check}` | {assignment.points(check)} |" in section, (
                assignment.name,
                check,
            )


def test_a_rubric_names_only_the_graders_checks(tmp_path) -> None:
    copy = tmp_path / "01-copy"
    copy.mkdir()
    for name in ("README.md", "starter.py", "grader.py"):
        (copy / name).write_text((A.find(1).directory / name).read_text())
    toml = (A.find(1).directory / "assignment.toml").read_text()
    (copy / "assignment.toml").write_text(toml + "test_nothing = 3\n")  # in its [rubric]
    with pytest.raises(A.AssignmentError, match="test_nothing"):
        A.discover(tmp_path)


def test_grading_a_folder_into_a_table(tmp_path) -> None:
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "ada.py").write_text(INVERSES)
    (folder / "bob.py").write_text(A.find(1).starter.read_text())
    A.write_reference(A.find(1), folder / "cy.py")
    (folder / "dee.py").write_text(
        INVERSES.replace("    a %= p\n", "    a %= p\n    while a:\n        pass\n")
    )
    out = tmp_path / "grades.csv"
    graded = zkpot("assignments", "grade", "1", str(folder), "--csv", str(out), "--time-limit", "1")
    assert graded.returncode == 0, graded.stderr
    rows = {row["name"]: row for row in csv.DictReader(out.open())}
    assert list(rows) == ["ada", "bob", "cy", "dee"]
    full = str(sum(A.find(1).points(c) for c in A.find(1).checks))
    assert rows["ada"]["points"] == rows["ada"]["out_of"] == full and not rows["ada"]["failures"]
    assert rows["bob"]["points"] == "0" and "not written yet" in rows["bob"]["failures"]
    assert rows["cy"]["points"] == "0" and "zkpot's own inverse()" in rows["cy"]["failures"]
    assert "timed out after 1 s" in rows["dee"]["failures"]
    assert int(rows["dee"]["points"]) > 0  # batch_inverse's checks that never call inverse
    assert "ada\t" + full + "/" + full in graded.stdout


@pytest.mark.parametrize("then", ["", "import os\nos._exit(0)\n"], ids=["runs on", "exits"])
def test_a_pass_that_the_student_writes_into_the_results_does_not_count(tmp_path, then) -> None:
    forger = tmp_path / "forger.py"
    forger.write_text(
        "import json, sys\n"
        "results = sys.argv[sys.argv.index('--zkpot-results') + 1]\n"
        "checks = " + repr(A.find(1).checks) + "\n"
        "with open(results, 'a') as out:\n"
        "    for check in checks:\n"
        "        out.write(json.dumps({'check': check, 'outcome': 'passed'}) + '\\n')\n"
        "    out.write(json.dumps({'check': ['x'], 'outcome': 'passed'}) + '\\n')\n\n"
        "def inverse(a, p):\n    raise NotImplementedError\n\n"
        "def batch_inverse(values, p):\n    raise NotImplementedError\n" + then
    )
    report = A.grade(A.find(1), forger)
    assert report.points == 0 and len(report.failed) == len(A.find(1).checks), report.summary()
