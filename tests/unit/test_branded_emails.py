"""Patients' emails carry their clinic's name and logo; the logo travels inside the email."""

import io

import pytest
from django.core import mail
from PIL import Image

from tracker.notify import EmailTransport
from tracker.services.branding import LOGO_CID, clinic_look_update, logo_prepare
from tracker.services.invites import patient_invite
from tracker.services.reminders import reminder_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def branded(clinic, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = io.BytesIO()
    Image.new("RGB", (200, 60), (11, 83, 148)).save(upload, format="PNG")
    upload.seek(0)
    clinic_look_update(clinic=clinic, accent_colour="#0b5394", logo=logo_prepare(upload))
    return clinic


def logo_part(sent):
    """The inline logo of a sent email, and the HTML part it sits beside."""
    parsed = sent.message()
    html = parsed.get_body(preferencelist=("html",))
    related = [p for p in parsed.walk() if p.get_content_type() == "multipart/related"]
    images = [p for p in parsed.walk() if p.get_content_maintype() == "image"]
    return html.get_content(), related, images


def test_the_reminder_shows_the_clinics_logo_from_inside_the_email(branded, pat):
    EmailTransport().send(recipient=pat.user, message=reminder_message(pat))
    html, related, images = logo_part(mail.outbox[-1])
    assert f'src="cid:{LOGO_CID}"' in html and 'alt="Demo Clinic"' in html
    assert "background: #0b5394" in html  # the button in the clinic's accent
    assert len(related) == 1 and len(images) == 1
    image = images[0]
    assert image["Content-ID"] == f"<{LOGO_CID}>"
    assert image.get_content_disposition() == "inline"
    with Image.open(io.BytesIO(image.get_content())) as logo:
        assert logo.format == "PNG"
    assert "http" not in html.split("cid:")[0].rsplit("<img", 1)[-1]  # nothing fetched


def test_the_reminder_of_a_clinic_without_a_logo_names_it(clinic, pat):
    EmailTransport().send(recipient=pat.user, message=reminder_message(pat))
    html, related, images = logo_part(mail.outbox[-1])
    assert "<strong" in html and "Demo Clinic" in html
    assert "cid:" not in html and not related and not images
    assert "background: #1f6f5c" in html


def test_the_reminders_text_and_push_carry_nothing_of_the_clinic(branded, pat):
    message = reminder_message(pat)
    assert "Demo Clinic" not in message.subject
    assert "Demo Clinic" not in message.extra["push_body"]


def test_the_invitation_carries_the_logo_too(branded, alice):
    patient_invite(
        actor=alice,
        therapist=alice,
        full_name="Nora Quinn",
        email="nora@patient.test",
        timezone_name="Europe/Dublin",
    )
    html, related, images = logo_part(mail.outbox[-1])
    assert f'src="cid:{LOGO_CID}"' in html
    assert len(related) == 1 and images[0]["Content-ID"] == f"<{LOGO_CID}>"


def test_a_lost_logo_file_costs_the_email_its_logo_not_the_email(branded, pat, settings):
    from django.core.files.storage import default_storage

    default_storage.delete(branded.logo.name)
    EmailTransport().send(recipient=pat.user, message=reminder_message(pat))
    html, related, images = logo_part(mail.outbox[-1])
    assert "cid:" not in html and "Demo Clinic" in html and not images
