"""Workspace pages are never kept in a browser's or a proxy's cache.

Therapists work on shared clinic computers: a page of patients' data kept in the cache can be
paged back to by the next person after sign-out. The pages are read from the authorization
matrix, so a new workspace page is checked the moment it joins the matrix.
"""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.security.test_authorization_matrix import (  # noqa: F401 (objects is a fixture)
    MATRIX,
    NOT_FOUND,
    OK,
    objects,
    send,
    url_for,
)

pytestmark = pytest.mark.django_db

# Every page only therapists open (patients get 404), as alice, the clinic admin, sees it.
WORKSPACE_PAGES = sorted(
    name
    for name, case in MATRIX.items()
    if case.method == "GET" and case.expect["alice"] == OK and case.expect["pat"] == NOT_FOUND
)


def test_the_list_holds_the_pages_with_patients_data():
    assert {"therapist-caseload", "therapist-record", "therapist-flags"} <= set(WORKSPACE_PAGES)
    assert {"therapist-export-checkins", "therapist-report", "therapist-invite"} <= set(
        WORKSPACE_PAGES
    )


@pytest.mark.parametrize("name", WORKSPACE_PAGES)
def test_a_workspace_page_is_never_stored(name, objects, client, alice):  # noqa: F811
    response = send(MATRIX[name], login(client, alice), url_for(name, objects), objects)
    assert response.status_code == 200, name
    assert "no-store" in response.get("Cache-Control", ""), f"{name}: {response.headers}"


def test_an_htmx_fragment_of_the_caseload_is_never_stored(client, alice, pat):
    response = login(client, alice).get("/clinic/caseload/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
