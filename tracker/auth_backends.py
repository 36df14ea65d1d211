"""Email-and-password sign-in, loading with the user what nearly every request then needs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from tracker.models import User


class ClinicModelBackend(ModelBackend):
    """Django's model backend; the signed-in user arrives with their clinic and, for a
    patient, their profile, in the one query that loads the user anyway. (Not the patient's
    therapist: no patient page shows them, and the join was a third of every request's
    user load.)"""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("clinic", "patient_profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
