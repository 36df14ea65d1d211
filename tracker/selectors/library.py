"""Finding exercises in the library a therapist can prescribe from."""

from __future__ import annotations

from django.db.models import Q

from tracker.access import exercises_visible_to
from tracker.models import Exercise, User

SEARCH_LIMIT = 40


def exercise_search(
    user: User, *, q: str = "", category: str = "", body_region: str = ""
) -> list[Exercise]:
    """Active exercises of the shared library and the user's clinic, by name and filters."""
    exercises = exercises_visible_to(user).filter(is_active=True)
    if q := q.strip():
        exercises = exercises.filter(Q(name__icontains=q) | Q(summary__icontains=q))
    if category:
        exercises = exercises.filter(category=category)
    if body_region:
        exercises = exercises.filter(body_region=body_region)
    return list(exercises.order_by("name", "clinic_id")[:SEARCH_LIMIT])
