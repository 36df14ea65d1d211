from .base import RATING_MAX, RATING_MIN, SLEEP_HOURS_CHOICES
from .flags import Flag, FlagEvent, FlagKind, Severity
from .imports import ImportStaging
from .library import Exercise, ProgramTemplate, ProgramTemplateItem, Side
from .logbook import DailyCheckin, ExerciseLog, Session, Symptom
from .media import ExerciseMedia, MediaKind
from .operations import AuditEvent, DeletionRequest, Notification, PushSubscription, WorkerHeartbeat
from .outcomes import Goal, ProgramMeasure, Questionnaire, QuestionnaireResponse
from .people import Clinic, PatientProfile, TherapistNote, User
from .programs import PrescribedExercise, Program
from .two_factor import LegacyRecoveryCode

__all__ = [
    "RATING_MAX",
    "RATING_MIN",
    "SLEEP_HOURS_CHOICES",
    "AuditEvent",
    "Clinic",
    "DailyCheckin",
    "DeletionRequest",
    "Exercise",
    "ExerciseLog",
    "ExerciseMedia",
    "Flag",
    "FlagEvent",
    "FlagKind",
    "ImportStaging",
    "Goal",
    "LegacyRecoveryCode",
    "MediaKind",
    "Notification",
    "PatientProfile",
    "PrescribedExercise",
    "ProgramMeasure",
    "Program",
    "ProgramTemplate",
    "ProgramTemplateItem",
    "PushSubscription",
    "Questionnaire",
    "QuestionnaireResponse",
    "Session",
    "Severity",
    "Side",
    "Symptom",
    "TherapistNote",
    "User",
    "WorkerHeartbeat",
]
