"""The public draw (`core.draw`) is reproducible from its published inputs: the seed and the
entries' references give the same order whoever runs it, in whatever order the entries are
listed, and the documented command prints that ranking."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from pathlib import Path

from core.draw import draw, new_seed, ticket

ROOT = Path(__file__).resolve().parents[2]
SEED = "3f2a9c0d4b5e6f708192a3b4c5d6e7f8"
REFERENCES = [f"KF-2026-{number:06d}" for number in range(1, 41)]


def test_the_same_seed_and_references_give_the_same_order():
    first = draw(SEED, REFERENCES)
    assert draw(SEED, list(REFERENCES)) == first
    assert sorted(first) == sorted(REFERENCES)  # a ranking of exactly the entries
    assert first != REFERENCES  # not simply the order they were given in


def test_the_order_does_not_depend_on_the_order_of_the_list():
    shuffled = list(REFERENCES)
    random.Random(7).shuffle(shuffled)
    assert draw(SEED, shuffled) == draw(SEED, REFERENCES)
    assert draw(SEED, reversed(REFERENCES)) == draw(SEED, REFERENCES)


def test_removing_an_entry_keeps_the_others_in_the_same_relative_order():
    full = draw(SEED, REFERENCES)
    for removed in (full[0], full[17], full[-1]):
        remaining = [reference for reference in REFERENCES if reference != removed]
        assert draw(SEED, remaining) == [reference for reference in full if reference != removed]


def test_different_seeds_give_different_orders():
    orders = {tuple(draw(seed, REFERENCES)) for seed in (SEED, new_seed(), new_seed())}
    assert len(orders) == 3


def test_a_ticket_is_the_documented_sha256():
    expected = hashlib.sha256(f"{SEED}:KF-2026-000001".encode()).hexdigest()
    assert ticket(SEED, "KF-2026-000001") == expected
    ranking = draw(SEED, REFERENCES)
    tickets = [ticket(SEED, reference) for reference in ranking]
    assert tickets == sorted(tickets)  # smallest ticket first


def test_new_seeds_are_128_bits_of_hexadecimal_and_differ():
    seeds = {new_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(len(seed) == 32 and int(seed, 16) >= 0 for seed in seeds)


def test_the_documented_command_prints_the_same_ranking():
    """`python -m core.draw SEED REF...`, as the module's docstring tells anyone to check."""
    shuffled = list(REFERENCES)
    random.Random(3).shuffle(shuffled)
    printed = subprocess.run(
        [sys.executable, "-m", "core.draw", SEED, *shuffled],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    expected = [f"{rank} {reference}" for rank, reference in enumerate(draw(SEED, REFERENCES), 1)]
    assert printed == expected
