"""What every grader shares: the student's module, loaded from the file that
``zkpot assignments check N FILE`` names (through ``ZKPOT_SOLUTION``)."""

from __future__ import annotations

import os

import pytest

from zkpot.assignments import SOLUTION_VARIABLE, load_solution


@pytest.fixture(scope="session")
def solution():
    path = os.environ.get(SOLUTION_VARIABLE)
    if not path:
        pytest.exit(
            f"run a grader with `zkpot assignments check N FILE` ({SOLUTION_VARIABLE} is not set)"
        )
    return load_solution(path)
