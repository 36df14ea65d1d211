"""Email-and-password sign-in, loading with the user what nearly every request then needs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from tracker.models import User
from tracker.selectors.rows import one_where


class ClinicModelBackend(ModelBackend):
    """Django's model backend; the signed-in user arrives with their clinic and, for a
    patient, their profile, in the one query that loads the user anyway. (Not the patient's
    therapist: no patient page shows them, and the join was a third of every request's
    user load.)"""

    def get_user(self, user_id: Any) -> User | None:
        # Read with SQL built once per process: the ORM took ten times longer to build this
        # query than the database took to answer it, on every signed-in request.
        user = one_where(User, with_related=("clinic", "patient_profile"), pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
