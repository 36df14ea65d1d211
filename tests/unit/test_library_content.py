import ast
import re
import shutil

import pytest
from django.template.loader import render_to_string

from patient.views.phone import CATEGORY_EXPLANATION
from tracker.content import (
    CONTENT_DIR,
    ContentError,
    explanations_by_slug,
    library_messages,
    load_explanations,
    load_library,
)
from tracker.management.commands.makemessages import messages_module_source


@pytest.fixture
def content(tmp_path):
    """A copy of the shipped files to break one at a time."""
    for name in ("exercises.yaml", "templates.yaml", "explanations.yaml"):
        shutil.copy(CONTENT_DIR / name, tmp_path / name)
    return tmp_path


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_it_names_the_file_entry_and_field_of_a_bad_number(content):
    edit(content / "exercises.yaml", "default_reps: 10\n", "default_reps: ten\n")
    with pytest.raises(ContentError) as error:
        load_library(content)
    assert str(error.value) == (
        "exercises.yaml, entry 1 (sciatic-nerve-glide): default_reps: "
        "expected a whole number from 1 to 1000, got 'ten'"
    )


def test_it_refuses_an_exercise_with_both_reps_and_a_hold(content):
    edit(
        content / "exercises.yaml",
        "default_reps: 10\n",
        "default_reps: 10\n  default_hold_seconds: 30\n",
    )
    with pytest.raises(ContentError, match=r"entry 1 \(sciatic-nerve-glide\).*exactly one"):
        load_library(content)


def test_it_refuses_a_misspelt_field(content):
    edit(content / "exercises.yaml", "  cues:\n", "  queues:\n")
    with pytest.raises(ContentError, match=r"exercises.yaml, entry 1 .*missing cues"):
        load_library(content)


def test_it_refuses_an_unknown_category_and_a_repeated_slug(content):
    edit(content / "exercises.yaml", "category: neural_glide", "category: yoga")
    with pytest.raises(ContentError, match="category: 'yoga' is not one of"):
        load_library(content)
    shutil.copy(CONTENT_DIR / "exercises.yaml", content / "exercises.yaml")
    edit(content / "exercises.yaml", "slug: femoral-nerve-glide", "slug: sciatic-nerve-glide")
    with pytest.raises(ContentError, match=r"entry 2 \(sciatic-nerve-glide\): slug: used by"):
        load_library(content)


def test_it_refuses_a_template_item_that_names_no_exercise(content):
    edit(content / "templates.yaml", "exercise: femoral-nerve-glide", "exercise: femoral-glide")
    with pytest.raises(ContentError) as error:
        load_library(content)
    assert str(error.value).startswith(
        "templates.yaml, entry 1 (nerve-sensitive-knee), item 2: exercise: 'femoral-glide'"
    )


def test_it_reports_broken_yaml_with_the_file_name(content):
    (content / "templates.yaml").write_text("- slug: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match="templates.yaml: not valid YAML"):
        load_library(content)


def test_every_explanation_has_its_text(content, tmp_path):
    empty = tmp_path / "no-templates"
    empty.mkdir()
    with pytest.raises(ContentError, match="no text in tracker/content/explanations/"):
        load_explanations(content, empty)


def test_each_shipped_explanation_renders_its_paragraphs():
    explanations = load_explanations()
    assert len(explanations) >= 5
    for explanation in explanations:
        body = render_to_string(explanation.template_name)
        assert len(re.findall(r"<p>\S.*?</p>", body, re.S)) >= 2, explanation.slug
        assert "{%" not in body and "\n  " not in body, explanation.slug


def test_every_exercise_category_points_to_a_shipped_explanation():
    assert set(CATEGORY_EXPLANATION.values()) <= set(explanations_by_slug())


def test_makemessages_collects_every_library_text():
    tree = ast.parse(messages_module_source())
    collected = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "gettext_noop"
    ]
    texts = [text for _, text in library_messages(load_library(), load_explanations())]
    assert collected == texts
    assert "Sciatic nerve glide (seated)" in texts and "The pain traffic light" in texts


def test_it_refuses_a_sided_that_is_not_true_or_false(content):
    edit(content / "exercises.yaml", "sided: true\n", "sided: yes please\n")
    with pytest.raises(ContentError, match=r"entry 1 \(sciatic-nerve-glide\): sided: expected"):
        load_library(content)


def test_two_legged_exercises_have_no_side_and_one_sided_ones_each_side():
    by_slug = {e.slug: e for e in load_library().exercises}
    for slug in ("glute-bridge", "calf-raise", "full-stride-walking", "sit-to-stand"):
        assert not by_slug[slug].sided and by_slug[slug].default_side == "none", slug
    for slug in ("clamshell", "step-up", "single-leg-balance", "sciatic-nerve-glide"):
        assert by_slug[slug].sided and by_slug[slug].default_side == "both", slug


def test_every_exercise_that_says_change_legs_or_sides_is_sided():
    # The steps are the truth: "change legs", "change sides", "change feet", "other side".
    said = re.compile(r"change (legs|sides|feet)|other (side|leg)|one leg", re.IGNORECASE)
    for e in load_library().exercises:
        if any(said.search(step) for step in e.steps):
            assert e.sided, e.slug


def test_it_refuses_an_exercise_without_a_description_of_its_drawing(content):
    text = (content / "exercises.yaml").read_text(encoding="utf-8")
    first = text.index("  illustration_alt:")
    end = text.index("  steps:", first)
    (content / "exercises.yaml").write_text(text[:first] + text[end:], encoding="utf-8")
    with pytest.raises(
        ContentError, match=r"entry 1 \(sciatic-nerve-glide\): missing illustration_alt"
    ):
        load_library(content)


def test_makemessages_collects_the_drawings_descriptions():
    texts = dict(library_messages(load_library(), load_explanations()))
    where = "exercises.yaml, glute-bridge, illustration_alt"
    assert texts[where].startswith("Two drawings of a person lying on their back")
