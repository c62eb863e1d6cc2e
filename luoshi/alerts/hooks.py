"""What the warning colours tell the layers above them, after the recomputation has committed.

- `colours_changed`: items whose computed colour moved from one colour to another (green, yellow,
  red; an item rated for the first time, or no longer rated, is not a change of colour). The
  webhooks app tells the systems a region subscribed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from luoshi.core.hooks import Hook


@dataclass(frozen=True)
class ColourChange:
    item_id: int
    region_id: int
    old: str
    new: str
    reason: str


@dataclass(frozen=True)
class ColoursChanged:
    changes: tuple[ColourChange, ...]
    at: datetime


colours_changed: Hook[ColoursChanged] = Hook("alerts.colours_changed")
