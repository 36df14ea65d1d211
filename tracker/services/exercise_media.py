"""Adding and removing a clinic's pictures and videos of its exercises.

Every file is checked by what it contains (``tracker.media``) before anything is stored;
pictures are stored re-encoded, without their metadata. The files go to the storage of
Django's ``STORAGES["default"]`` (a folder, or an object store), the row to the database:
if the row cannot be written the files just stored are deleted again, and a removed row's
files are deleted once its removal is committed.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tracker.media import MediaRefused, check_image, check_video
from tracker.media.video import looks_like_video
from tracker.models import Exercise, ExerciseMedia, MediaKind, User
from tracker.services.audit import audit_record
from tracker.services.prescribing import plan_revision_bump_for_exercises

logger = logging.getLogger(__name__)

POSTER_LONGEST_SIDE = 1280


@dataclass(frozen=True)
class MediaUpload:
    file: IO[bytes]
    alt_text: str
    upload_id: uuid.UUID
    poster: IO[bytes] | None = None


def exercise_media_add(
    *, exercise: Exercise, actor: User, upload: MediaUpload, request: HttpRequest | None = None
) -> ExerciseMedia:
    """Check, store and list one picture or video of a clinic exercise.

    The same form sent twice (its ``upload_id``) adds the file once and answers with it.
    Refusals are ``ValidationError``s naming the field: ``file``, ``poster`` or ``alt_text``.
    """
    if exercise.clinic_id is None or exercise.clinic_id != actor.clinic_id:
        raise ValidationError(_("Pictures and videos go with your clinic's own exercises."))
    already = ExerciseMedia.objects.filter(upload_id=upload.upload_id).first()
    if already is not None:
        return _same_upload(already, exercise)
    alt_text = " ".join(upload.alt_text.split())
    if not alt_text:
        raise ValidationError({"alt_text": _("Say in a few words what it shows.")})
    if exercise.media.count() >= settings.REHABIT_MEDIA_PER_EXERCISE:
        raise ValidationError(
            {
                "file": _("An exercise takes up to %(n)s pictures and videos. Remove one first.")
                % {"n": settings.REHABIT_MEDIA_PER_EXERCISE}
            }
        )
    media = ExerciseMedia(
        clinic_id=exercise.clinic_id,
        exercise=exercise,
        alt_text=alt_text,
        upload_id=upload.upload_id,
        uploaded_by=actor,
    )
    stored: list[str] = []
    try:
        _check_and_store(media, upload, stored)
        with transaction.atomic():
            # The exercise row is the lock that orders uploads to one exercise.
            Exercise.objects.select_for_update().filter(pk=exercise.pk).first()
            last = exercise.media.aggregate(last=Max("order"))["last"]
            media.order = 0 if last is None else last + 1
            media.save()
            _cover_refresh(exercise)
            audit_record(
                action="exercise.media_added",
                actor=actor,
                request=request,
                target=exercise,
                detail={"media": media.pk, "kind": media.kind, "bytes": media.byte_size},
            )
            plan_revision_bump_for_exercises(exercise_ids=[exercise.pk])
    except IntegrityError:
        _delete_files(stored)
        already = ExerciseMedia.objects.filter(upload_id=upload.upload_id).first()
        if already is None:  # a colleague's upload took the same place: theirs stays
            raise ValidationError(
                {"file": _("Someone else added a file just now. Please send it again.")}
            ) from None
        return _same_upload(already, exercise)
    except BaseException:
        _delete_files(stored)
        raise
    return media


@transaction.atomic
def exercise_media_remove(
    *, media: ExerciseMedia, actor: User, request: HttpRequest | None = None
) -> None:
    exercise = media.exercise
    names = [f.name for f in (media.file, media.poster, media.thumbnail) if f.name]
    detail = {"media": media.pk, "kind": media.kind}
    media.delete()
    _cover_refresh(exercise)
    audit_record(
        action="exercise.media_removed",
        actor=actor,
        request=request,
        target=exercise,
        detail=detail,
    )
    plan_revision_bump_for_exercises(exercise_ids=[exercise.pk])
    # Only once nobody can be given the row any more (and never if the removal rolls back).
    transaction.on_commit(lambda: _delete_files(names))


def _same_upload(media: ExerciseMedia, exercise: Exercise) -> ExerciseMedia:
    if media.exercise_id != exercise.pk:
        raise ValidationError(_("This form was already used. Please reload the page."))
    return media


def _check_and_store(media: ExerciseMedia, upload: MediaUpload, stored: list[str]) -> None:
    """Fill in the media's kind, files and figures from what the upload contains."""
    name = uuid.uuid4().hex
    upload.file.seek(0)
    head = upload.file.read(16)
    upload.file.seek(0)
    try:
        if looks_like_video(head):
            video = check_video(
                upload.file,
                max_bytes=settings.REHABIT_MEDIA_VIDEO_MAX_BYTES,
                max_seconds=settings.REHABIT_MEDIA_VIDEO_MAX_SECONDS,
            )
        else:
            video = None
            image = check_image(
                upload.file,
                max_bytes=settings.REHABIT_MEDIA_IMAGE_MAX_BYTES,
                max_pixels=settings.REHABIT_MEDIA_IMAGE_MAX_PIXELS,
            )
    except MediaRefused as refused:
        raise ValidationError({"file": refused.message}) from None
    if video is None:
        if upload.poster is not None:
            raise ValidationError({"poster": _("Only a video takes a poster picture.")})
        media.kind = MediaKind.IMAGE
        media.content_type = image.content_type
        media.byte_size = len(image.content)
        media.width, media.height = image.width, image.height
        _store(media.file, f"{name}.webp", ContentFile(image.content), stored)
        _store(media.thumbnail, f"{name}-thumb.webp", ContentFile(image.thumbnail), stored)
        return
    media.kind = MediaKind.VIDEO
    media.content_type = video.content_type
    media.byte_size = video.byte_size
    media.duration_seconds = Decimal(str(video.duration_seconds)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    if upload.poster is not None:
        try:
            poster = check_image(
                upload.poster,
                max_bytes=settings.REHABIT_MEDIA_IMAGE_MAX_BYTES,
                max_pixels=settings.REHABIT_MEDIA_IMAGE_MAX_PIXELS,
                longest_side=POSTER_LONGEST_SIDE,
            )
        except MediaRefused as refused:
            raise ValidationError({"poster": refused.message}) from None
        media.width, media.height = poster.width, poster.height
        _store(media.poster, f"{name}-poster.webp", ContentFile(poster.content), stored)
        _store(media.thumbnail, f"{name}-thumb.webp", ContentFile(poster.thumbnail), stored)
    upload.file.seek(0)
    _store(media.file, f"{name}.{video.extension}", File(upload.file), stored)


def _store(field: object, name: str, content: File, stored: list[str]) -> None:
    field.save(name, content, save=False)  # type: ignore[attr-defined]
    stored.append(field.name)  # type: ignore[attr-defined]


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the row is gone either way; a stray file is only disk space
            logger.warning("Could not delete media file %s", name, exc_info=True)


def _cover_refresh(exercise: Exercise) -> None:
    """The picture Today's card shows: the first, in order, that has a thumbnail."""
    cover = (
        ExerciseMedia.objects.filter(exercise=exercise)
        .exclude(thumbnail="")
        .order_by("order", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    Exercise.objects.filter(pk=exercise.pk).update(cover_id=cover)
    exercise.cover_id = cover
