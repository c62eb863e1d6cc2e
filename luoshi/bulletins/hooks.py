"""What bulletins tell the layers above them, after the change has committed.

- `bulletin_published`: a bulletin was published (印发); the webhooks app tells the systems a
  region subscribed. A draft is never announced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from luoshi.core.hooks import Hook


@dataclass(frozen=True)
class BulletinPublished:
    bulletin_id: int
    at: datetime


bulletin_published: Hook[BulletinPublished] = Hook("bulletins.published")
