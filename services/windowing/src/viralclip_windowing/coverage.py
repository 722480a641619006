"""How much of the speech a set of windows holds."""

from collections.abc import Iterable


def merged(intervals: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The union of intervals as sorted, disjoint intervals."""
    union: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        if union and start <= union[-1][1]:
            union[-1] = (union[-1][0], max(union[-1][1], end))
        else:
            union.append((start, end))
    return union


def covered_share(windows: Iterable[tuple[float, float]], speech: list[tuple[float, float]]) -> float:
    """Share (0–1) of the disjoint, sorted `speech` intervals inside the union of `windows`."""
    total = sum(end - start for start, end in speech)
    if total <= 0:
        return 1.0
    union = merged(windows)
    inside = 0.0
    i = j = 0
    while i < len(union) and j < len(speech):
        low = max(union[i][0], speech[j][0])
        high = min(union[i][1], speech[j][1])
        inside += max(0.0, high - low)
        if union[i][1] < speech[j][1]:
            i += 1
        else:
            j += 1
    return inside / total
