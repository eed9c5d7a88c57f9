"""Paired comparison of two benchmark modes: the median of per-run ratios, and load ranges.

Runs of compared modes are interleaved (A B A B ...), so each run's pair saw the same machine.
A ratio of medians would pair A's quietest run with B's noisiest; the median of the per-pair
ratios does not, so a noisy moment cannot flatter or hurt one side.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """Return the median of numerators[i] / denominators[i] over the runs both sides made."""
    if len(numerators) != len(denominators):
        raise ValueError(
            f"paired runs differ in number: {len(numerators)} against {len(denominators)}"
        )
    if not numerators:
        raise ValueError("no paired runs to compare")
    if any(d <= 0 for d in denominators):
        raise ValueError("a paired run has a non-positive measurement")
    return statistics.median(a / b for a, b in zip(numerators, denominators, strict=True))


def load_range(loads: Sequence[float]) -> str:
    """Return the spread of 1-minute load averages as text ("0.9–2.3", or "1.1" if one value)."""
    if not loads:
        return "not recorded"
    low, high = min(loads), max(loads)
    if f"{low:.1f}" == f"{high:.1f}":
        return f"{low:.1f}"
    return f"{low:.1f}–{high:.1f}"


def verdict(value: float, limit: float) -> str:
    """Return "met" when `value` is within `limit`, else how far over it is, in percent."""
    if value <= limit:
        return "met"
    return f"MISSED by {value / limit - 1:.0%}"
