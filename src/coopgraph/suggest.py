""""Did you mean": the closest known names to a misspelt one, for error messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, known: Iterable[str], n: int = 3) -> list[str]:
    """Up to n known names close to `word` (difflib's ratio >= 0.6), closest first."""
    names = list(dict.fromkeys(known))
    found = difflib.get_close_matches(word, names, n=n, cutoff=0.6)
    if not found:  # a prefix or a part is often what a person remembers ("mechanism" for mechanism-members)
        lowered = word.lower()
        found = [name for name in names if lowered and (lowered in name.lower() or name.lower() in lowered)][:n]
    return found


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """" (did you mean X?)" (or "X or Y?") for the closest known names, or "" when none is close."""
    found = closest(word, known)
    if not found:
        return ""
    return " (did you mean " + " or ".join(found) + "?)"
