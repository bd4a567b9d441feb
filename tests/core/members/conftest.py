"""Fixtures for the import tests: the sample files (made-up data, copied from the samples)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def sample_copy(tmp_path):
    """A writable copy of a sample file, under its own name, in tmp_path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(SAMPLES / name, target)
        return target

    return copy
