"""Loading questionnaire definitions: versioned, idempotent, refused by name when bad."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from tests.outcomes import KOOS_WORDING
from tracker.models import Questionnaire
from tracker.services.outcomes import current_questionnaire

pytestmark = pytest.mark.django_db


def load(path: Path | str) -> str:
    out = StringIO()
    call_command("load_questionnaire", str(path), stdout=out)
    return out.getvalue()


def test_seeding_stores_the_built_ins_once():
    call_command("seed_library", stdout=StringIO())
    call_command("seed_library", stdout=StringIO())
    assert sorted(Questionnaire.objects.values_list("slug", "version", "needs_wording")) == [
        ("groc", 1, False),
        ("koos-12", 1, True),
        ("psfs", 1, False),
    ]


def test_the_clinics_wording_makes_a_new_version_that_patients_answer(tmp_path):
    call_command("seed_library", stdout=StringIO())
    assert "Loaded koos-12 as version 2." in load(KOOS_WORDING)
    assert "already holds this definition" in load(KOOS_WORDING)
    # Seeding again does not bury the version with the wording under the bare scoring.
    call_command("seed_library", stdout=StringIO())
    current = current_questionnaire("koos-12")
    assert (current.version, current.needs_wording) == (2, False)
    assert Questionnaire.objects.filter(slug="koos-12").count() == 2


def test_a_changed_definition_is_a_new_version(tmp_path):
    call_command("seed_library", stdout=StringIO())
    changed = tmp_path / "groc.yaml"
    text = (Path(__file__).parents[2] / "tracker/content/questionnaires/groc.yaml").read_text()
    changed.write_text(text.replace("title: Overall change", "title: Change overall"))
    assert "Loaded groc as version 2." in load(changed)
    assert current_questionnaire("groc").title == "Change overall"


def test_a_bad_file_stops_the_load_with_its_name_item_and_field(tmp_path):
    bad = tmp_path / "mine.yaml"
    bad.write_text(
        "slug: mine\ntitle: Mine\nkind: items\nitems:\n"
        "  - {key: q1, text: How, options: [{value: 0, label: a}, {value: 0, label: b}]}\n"
        "subscales: [{key: s, label: S, method: sum, items: [q1]}]\nprimary: s\n"
    )
    with pytest.raises(CommandError, match=r"mine.yaml, item 1 \(q1\), option 2: value: 0 is used"):
        load(bad)
    assert not Questionnaire.objects.exists()
    with pytest.raises(CommandError, match="nothing.yaml: cannot be read"):
        load(tmp_path / "nothing.yaml")


def test_wording_for_a_questionnaire_not_loaded_is_refused():
    with pytest.raises(CommandError, match="wording_for: no questionnaire 'koos-12' is loaded"):
        load(KOOS_WORDING)


def test_the_database_holds_one_row_per_slug_and_version():
    call_command("seed_library", stdout=StringIO())
    psfs = Questionnaire.objects.get(slug="psfs")
    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.create(
            slug="psfs", version=1, title="x", definition={}, fingerprint="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Questionnaire.objects.create(
            slug="other", version=0, title="x", definition=psfs.definition, fingerprint="y"
        )
