"""How well extracted tasks match labelled ones, by the rules of the task guidelines. Pure.

A predicted task matches a labelled one when their spans overlap by at least half of the shorter
span; matching is one to one, best overlap first. Owners match when the sets are equal once 同志
and whitespace are removed; deadlines when the dates are equal (or both absent); a labelled target
is found when, whitespace removed, it contains or is contained in a predicted target.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Scores:
    gold: int
    predicted: int
    matched: int
    precision: float
    recall: float
    f1: float
    owner_accuracy: float
    deadline_accuracy: float
    target_recall: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _bare(name: str) -> str:
    return "".join(name.replace("同志", "").split())


def gold_spans(document: str, tasks: Sequence[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """Each labelled task's span, found in order in the document."""
    spans = []
    cursor = 0
    for task in tasks:
        at = document.find(task["text"], cursor)
        if at < 0:
            at = document.find(task["text"])
        if at < 0:
            raise ValueError(f"labelled text not in the document: {task['text'][:30]}")
        spans.append((at, at + len(task["text"])))
        cursor = at + len(task["text"])
    return spans


def match(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    candidates = []
    for g, (g_start, g_end) in enumerate(gold):
        for p, (p_start, p_end) in enumerate(predicted):
            overlap = min(g_end, p_end) - max(g_start, p_start)
            shorter = min(g_end - g_start, p_end - p_start)
            if shorter > 0 and overlap * 2 >= shorter:
                candidates.append((overlap / max(g_end - g_start, p_end - p_start), g, p))
    taken_gold: set[int] = set()
    taken_predicted: set[int] = set()
    pairs = []
    for _, g, p in sorted(candidates, reverse=True):
        if g not in taken_gold and p not in taken_predicted:
            pairs.append((g, p))
            taken_gold.add(g)
            taken_predicted.add(p)
    return pairs


def score(document: str, gold: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]) -> Scores:
    gold_at = gold_spans(document, gold)
    predicted_at = [(int(task["start"]), int(task["end"])) for task in predicted]
    pairs = match(gold_at, predicted_at)
    n = len(pairs)
    precision = n / len(predicted) if predicted else 0.0
    recall = n / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    owners = deadlines = targets = found = 0
    for g, p in pairs:
        expected, got = gold[g], predicted[p]
        owners += {_bare(o) for o in expected.get("owners", [])} == {
            _bare(o) for o in got.get("owners") or []
        }
        deadlines += (expected.get("deadline") or None) == (got.get("deadline") or None)
        guesses = [_bare(t) for t in got.get("targets") or [] if _bare(t)]
        for target in expected.get("targets", []):
            targets += 1
            found += any(_bare(target) in guess or guess in _bare(target) for guess in guesses)
    return Scores(
        gold=len(gold),
        predicted=len(predicted),
        matched=n,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        owner_accuracy=round(owners / n, 4) if n else 0.0,
        deadline_accuracy=round(deadlines / n, 4) if n else 0.0,
        target_recall=round(found / targets, 4) if targets else 1.0,
    )
