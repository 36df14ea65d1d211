"""The exercise's picture, drawn the same way on every surface that shows one."""

from __future__ import annotations

from django import template

from tracker.models import Exercise
from tracker.selectors.pictures import ExercisePicture, exercise_picture

register = template.Library()


@register.inclusion_tag("tracker/exercise_picture.html", name="exercise_picture")
def exercise_picture_tag(
    exercise: Exercise | None = None, size: str = "large", picture: ExercisePicture | None = None
) -> dict[str, object]:
    """`{% exercise_picture exercise "large" %}`, or with a picture already looked up.

    large: the exercise page, with its text alternative. small: a thumbnail beside the
    exercise's name, which says the same, so it is hidden from screen readers; lazy-loaded.
    """
    if picture is None and exercise is not None:
        picture = exercise_picture(exercise)
    return {"picture": picture, "size": size}
