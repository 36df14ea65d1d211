"""The picture shown for an exercise, on the phone and in the workspace."""

from __future__ import annotations

from dataclasses import dataclass

from django.templatetags.static import static

from tracker.content import illustrations_by_slug
from tracker.models import Exercise

# The drawings' own size (tools/draw_illustrations.py): two 2:1 panels, start and end.
ILLUSTRATION_WIDTH = 424
ILLUSTRATION_HEIGHT = 212


@dataclass(frozen=True)
class ExercisePicture:
    url: str
    alt: str  # what the picture shows, in words
    width: int
    height: int


def exercise_picture(exercise: Exercise) -> ExercisePicture | None:
    """The built-in library's drawing of the exercise; None for an exercise without one.

    A clinic's own exercise shares no drawing even if its slug matches a built-in one: the
    drawing shows the built-in steps, which the clinic may have changed.
    """
    if exercise.clinic_id is not None:
        return None
    illustration = illustrations_by_slug().get(exercise.slug)
    if illustration is None:
        return None
    return ExercisePicture(
        url=static(illustration.static_path),
        alt=illustration.alt,
        width=ILLUSTRATION_WIDTH,
        height=ILLUSTRATION_HEIGHT,
    )
