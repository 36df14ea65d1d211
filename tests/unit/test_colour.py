"""WCAG 2.x contrast, and the clinic accent rule built on it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tracker.colour import (
    MIN_CONTRAST,
    accent_contrast,
    accent_is_readable,
    contrast_ratio,
    normalise_hex,
    relative_luminance,
)
from tracker.models import Clinic


def test_it_gives_white_and_black_their_luminance():
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#000000") == pytest.approx(0.0)


def test_it_weighs_green_most_as_the_eye_does():
    assert relative_luminance("#00ff00") == pytest.approx(0.7152)
    assert relative_luminance("#ff0000") == pytest.approx(0.2126)
    assert relative_luminance("#0000ff") == pytest.approx(0.0722)


def test_it_makes_black_on_white_21_to_1_in_either_order():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#1f6f5c", "#1f6f5c") == pytest.approx(1.0)


def test_it_puts_the_aa_line_between_767676_and_777777_on_white():
    # The well-known pair: #767676 is the lightest grey that passes on white.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_it_does_not_round_a_ratio_just_short_of_the_line_up():
    # 4.478:1 would read as 4.5 at one decimal; it still fails.
    assert 4.47 < contrast_ratio("#777777", "#ffffff") < MIN_CONTRAST
    assert not accent_is_readable("#777777")
    assert accent_contrast("#777777") < contrast_ratio("#777777", "#ffffff")


def test_it_checks_the_accent_as_link_text_on_the_page_too():
    # Passes with white text (4.54:1) but not as a link on the light grey page.
    assert contrast_ratio("#767676", "#ffffff") >= MIN_CONTRAST
    assert not accent_is_readable("#767676")


def test_it_accepts_the_apps_own_green_and_dark_colours():
    assert accent_is_readable("#1f6f5c")
    assert accent_is_readable("#003366")
    assert not accent_is_readable("#ffcc00")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("#1F6F5C", "#1f6f5c"),
        ("1f6f5c", "#1f6f5c"),
        (" #abc ", "#aabbcc"),
        ("#12345", None),
        ("red", None),
        ("#1f6f5cz", None),
        ("", None),
    ],
)
def test_it_normalises_hex_colours(typed, stored):
    assert normalise_hex(typed) == stored


@pytest.mark.django_db
def test_the_clinic_refuses_an_accent_white_text_cannot_be_read_on():
    clinic = Clinic(name="Sunny", accent_colour="#ffcc00")
    with pytest.raises(ValidationError) as refused:
        clinic.full_clean()
    message = refused.value.message_dict["accent_colour"][0]
    assert "#ffcc00" in message and "needs to be at least 4.5:1" in message
    assert "1.41:1" in message  # its own ratio, so the admin sees how far off it is


@pytest.mark.django_db
def test_the_clinic_accepts_a_readable_accent_and_none():
    Clinic(name="Deep", accent_colour="#0b5394").full_clean()
    Clinic(name="Plain", accent_colour="").full_clean()


@pytest.mark.django_db
def test_the_database_refuses_an_accent_that_is_not_six_lowercase_hex_digits():
    clinic = Clinic.objects.create(name="Checked")
    for bad in ("#GGGGGG", "1f6f5c", "#1F6F5C", "#abc"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Clinic.objects.filter(pk=clinic.pk).update(accent_colour=bad)
