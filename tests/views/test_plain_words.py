"""The patient's pages use words a patient knows: a technical term only with what it means."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PATIENT_PAGES = (
    "patient-today",
    "patient-checkin",
    "patient-progress",
    "patient-settings",
    "patient-offline",
)
JARGON = ("CSV", "ZIP", "server", "VAPID")


def visible_text(html: str) -> str:
    without_code = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", without_code)


@override_settings(VAPID_PUBLIC_KEY="")
@pytest.mark.parametrize("name", PATIENT_PAGES)
def test_it_uses_no_technical_words_on_a_patient_page(as_pat, pat_program, name):
    text = visible_text(as_pat.get(reverse(name)).content.decode())
    assert [word for word in JARGON if re.search(rf"\b{word}\b", text)] == []


def test_it_says_who_each_download_is_for(as_pat):
    text = visible_text(as_pat.get(reverse("patient-settings")).content.decode())
    assert "Download as tables" in text and "opens in Excel, Numbers or Google Sheets" in text
    # The one technical name left is said with what it is for.
    assert text.count("JSON") == 1
    assert "(JSON) that computer programs can read" in text
