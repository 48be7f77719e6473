"""Shared helpers for the benchmarks: figures printed as `name: value unit (target)`."""

import statistics
import time


def report(name: str, value, unit: str = "", target: str = "") -> None:
    """Print one figure on its own line, with its target beside it."""
    if isinstance(value, float):
        shown = f"{value:.1f}" if abs(value) >= 1000 else f"{value:.4g}"
    else:
        shown = str(value)
    line = f"{name}: {shown}{' ' + unit if unit else ''}"
    if target:
        line += f"  (target: {target})"
    print(line, flush=True)


def median_ms(func, repeat: int) -> float:
    """Run func repeatedly and return the median time of one run in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values, share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]
