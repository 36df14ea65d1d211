"""A clinic's own pictures and videos of its exercises."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimeStamped
from .library import Exercise
from .people import Clinic, User


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Picture")
    VIDEO = "video", _("Video")


def media_path(instance: ExerciseMedia, filename: str) -> str:
    """Files are named by the service (a random name, never the uploader's file name, which
    can say who or where), in one folder per clinic."""
    return f"exercise-media/clinic-{instance.clinic_id}/{filename}"


class ExerciseMedia(TimeStamped):
    """One picture or video of a clinic exercise, checked and re-encoded on upload.

    Pictures are stored as WebP without metadata, with a small square ``thumbnail`` for
    Today's card; a video is stored as sent (MP4/H.264 or WebM), with the ``poster`` (and
    its thumbnail) the uploader gave, if any. Served only through the authorized views.
    """

    Kind = MediaKind

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="exercise_media")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(_("kind"), max_length=8, choices=MediaKind.choices)
    file = models.FileField(_("file"), upload_to=media_path, max_length=200)
    content_type = models.CharField(max_length=40)
    byte_size = models.PositiveIntegerField()
    poster = models.FileField(_("poster"), upload_to=media_path, max_length=200, blank=True)
    thumbnail = models.FileField(_("thumbnail"), upload_to=media_path, max_length=200, blank=True)
    # Of the picture (or of a video's poster): lets the page keep its layout while loading.
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    alt_text = models.CharField(_("what it shows"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    # Made by the upload form when it is drawn: the same form sent twice adds one file.
    upload_id = models.UUIDField(unique=True)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["exercise", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "order"], name="exercise_media_order"),
            models.CheckConstraint(
                condition=models.Q(kind__in=MediaKind.values), name="exercise_media_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(alt_text=""), name="exercise_media_alt_text_required"
            ),
            # A video has a length; a picture has none, and always a thumbnail.
            models.CheckConstraint(
                condition=(
                    models.Q(kind=MediaKind.IMAGE, duration_seconds__isnull=True)
                    & ~models.Q(thumbnail="")
                )
                # Spelled out: a CHECK passes when it comes out NULL, as "NULL > 0" does.
                | models.Q(
                    kind=MediaKind.VIDEO, duration_seconds__isnull=False, duration_seconds__gt=0
                ),
                name="exercise_media_duration_by_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(byte_size__gte=1), name="exercise_media_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.exercise_id}: {self.alt_text}"

    @property
    def is_video(self) -> bool:
        return self.kind == MediaKind.VIDEO
