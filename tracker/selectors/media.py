"""Reading an exercise's pictures and videos, in the order the clinic gave them."""

from __future__ import annotations

from tracker.models import ExerciseMedia


def media_of_exercise(exercise_id: int) -> list[ExerciseMedia]:
    return list(ExerciseMedia.objects.filter(exercise_id=exercise_id).order_by("order", "pk"))
