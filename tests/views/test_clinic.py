import pytest
from django.urls import reverse

from tests.conftest import login
from tracker.services.operations import heartbeat_record

pytestmark = pytest.mark.django_db
URL = reverse("therapist-clinic")


def test_it_shows_a_clinic_admin_the_heartbeat_and_the_administration(as_alice):
    heartbeat_record(name="scheduler")
    page = as_alice.get(URL).content.decode()
    assert "Background jobs" in page and "Running" in page
    for name in ("therapist-import", "therapist-audit", "therapist-security"):
        assert f'href="{reverse(name)}"' in page


def test_it_says_so_when_the_background_jobs_are_stale(as_alice):
    assert "Not seen recently" in as_alice.get(URL).content.decode()


def test_it_shows_a_therapist_who_is_not_an_admin_only_their_two_factor(client, bob):
    page = login(client, bob).get(URL).content.decode()
    assert "Background jobs" not in page
    assert f'href="{reverse("therapist-two-factor")}"' in page
    assert f'href="{reverse("therapist-audit")}"' not in page


def test_it_groups_the_administration_under_one_clinic_menu(as_alice):
    page = as_alice.get(reverse("therapist-caseload")).content.decode()
    nav = page[page.index('<nav class="topnav"') : page.index("</nav>")]
    menu = nav[nav.index('<details class="menu nav-menu">') :]
    for name in ("therapist-import", "therapist-audit", "therapist-two-factor"):
        assert f'href="{reverse(name)}"' in menu
    for name in ("therapist-caseload", "therapist-flags", "therapist-library"):
        assert f'href="{reverse(name)}"' not in menu
