"""The time-zone list: one name per zone, labelled by city and country, own zone first."""

from __future__ import annotations

import re
import zoneinfo

import pytest
from django.urls import reverse

from patient.forms import PreferencesForm
from tracker.timezones import canonical_zones, timezone_choices, zone_label
from workspace.forms import InviteForm


def offered(choices) -> list[str]:
    return [value for _group, options in choices for value, _label in options]


def test_it_offers_no_alias_and_no_zone_twice():
    values = offered(timezone_choices())
    assert len(values) == len(set(values))
    assert "Asia/Kolkata" in values and "Asia/Calcutta" not in values
    assert not any(value.startswith(("US/", "Etc/", "SystemV/")) for value in values)
    assert "UTC" in values
    assert set(values) <= zoneinfo.available_timezones()
    assert len(values) < 450  # not the ~600 raw names


def test_zones_are_labelled_by_city_and_country():
    assert zone_label("Asia/Kolkata") == "Kolkata (India)"
    assert zone_label("America/Argentina/Buenos_Aires") == "Buenos Aires (Argentina)"
    assert zone_label("Europe/Dublin") == "Dublin (Ireland)"


def test_they_are_grouped_by_region():
    groups = {str(group): options for group, options in timezone_choices()}
    assert ("Europe/Berlin", "Berlin (Germany)") in groups["Europe"]
    assert ("America/New_York", "New York (United States)") in groups["Americas"]


def test_the_own_zone_comes_first_and_only_once():
    choices = timezone_choices(first="Europe/Dublin", first_label="Your time zone")
    assert str(choices[0][0]) == "Your time zone"
    assert choices[0][1] == [("Europe/Dublin", "Dublin (Ireland)")]
    assert offered(choices).count("Europe/Dublin") == 1


def test_a_stored_alias_stays_selectable_and_shows_as_it_is():
    form = PreferencesForm(
        {"reminder_time": "18:00", "timezone": "Asia/Calcutta"}, current_timezone="Asia/Calcutta"
    )
    assert form.is_valid(), form.errors
    assert form.fields["timezone"].choices[0][1] == [("Asia/Calcutta", "Asia/Calcutta")]
    # ...but nobody else is offered it.
    other = PreferencesForm(
        {"reminder_time": "18:00", "timezone": "Asia/Calcutta"}, current_timezone="Europe/London"
    )
    assert not other.is_valid()


@pytest.mark.django_db
def test_the_invite_form_puts_the_therapist_s_zone_first(alice):
    form = InviteForm(therapists=alice.clinic.users.all(), initial={"timezone": "Europe/Dublin"})
    first_group, first_options = form.fields["timezone"].choices[0]
    assert str(first_group) == "Same as yours"
    assert first_options == [("Europe/Dublin", "Dublin (Ireland)")]
    assert "Asia/Calcutta" not in offered(form.fields["timezone"].choices)


@pytest.mark.django_db
def test_the_settings_page_shows_the_own_zone_first_in_groups(as_pat, pat):
    page = as_pat.get(reverse("patient-settings")).content.decode()
    select = page[page.index('id="settings-timezone"') : page.index("</select>")]
    assert '<optgroup label="Your time zone">' in select
    first = re.search(r'<option value="([^"]+)"', select).group(1)
    assert first == pat.user.timezone
    assert f'<option value="{pat.user.timezone}" selected>' in select
    assert select.count(f'value="{pat.user.timezone}"') == 1
    assert "Asia/Calcutta" not in select


def test_every_zone_of_the_list_is_known_to_the_server():
    assert canonical_zones()
    assert set(canonical_zones()) <= zoneinfo.available_timezones()


@pytest.mark.django_db
def test_the_invite_page_offers_the_grouped_list(as_alice, alice):
    page = as_alice.get(reverse("therapist-invite")).content.decode()
    assert '<optgroup label="Same as yours">' in page
    assert '<optgroup label="Europe">' in page
    assert "Asia/Calcutta" not in page
