"""Interleaved repeats and their summaries.

Every case compares a subject with a floor or peer measured in the same run:
the variants take turns (ABBA order, so neither always runs on a warmer
machine), the first round is a warm-up and is discarded, and each variant is
summarised by its median with min and max.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Summary:
    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, samples: list[float]) -> "Summary":
        if not samples:
            raise ValueError("no samples")
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))


def interleave(variants: dict[str, Callable[[], float]], repeats: int,
               warmup: int = 1) -> dict[str, list[float]]:
    """Call each variant ``warmup + repeats`` times, alternating the order
    every round; return the kept samples per variant."""
    names = list(variants)
    kept: dict[str, list[float]] = {n: [] for n in names}
    for rnd in range(warmup + repeats):
        order = names if rnd % 2 == 0 else list(reversed(names))
        for name in order:
            value = variants[name]()
            if rnd >= warmup:
                kept[name].append(value)
    return kept


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (q in 0..100)."""
    if not sorted_values:
        raise ValueError("no values")
    k = max(0, min(len(sorted_values) - 1, int(round(q / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]
