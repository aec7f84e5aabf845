"""The bug zoo: every specimen is caught, lights up where the lesson says, by what it says."""

import dataclasses
import difflib
import inspect
import json
from pathlib import Path

import numpy as np
import pytest

from bp_helpers import zoo
from bp_helpers.exercises import RESTARTED
from bp_helpers.gradcheck import check_gradients
from bp_helpers.network import backward
from bp_helpers.questions import lesson6
from bp_helpers.zoo import BATCH, BUGS, fingerprint, fingerprint_table, specimen_network

BY_NAME = {bug.name: bug for bug in BUGS}
ids = [bug.name for bug in BUGS]


def test_the_zoo_has_at_least_eight_different_mistakes():
    assert len(BUGS) >= 8
    assert len({bug.name for bug in BUGS}) == len({bug.mistake for bug in BUGS}) == len(BUGS)


@pytest.mark.parametrize(("cost", "reference"), [("quadratic", zoo.reference),
                                               ("cross_entropy", zoo.reference_softmax)])
def test_the_references_pass_and_match_the_network(cost, reference):
    network, X, Y = specimen_network(cost)
    assert check_gradients(network, X, Y, backprop=reference).ok
    (dC_dW, dC_db), (W, b) = reference(network, X, Y), network.backprop(X, Y)
    for got, expected in zip(dC_dW + dC_db, W + b, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


def test_every_weight_matrix_of_the_specimen_network_is_square():
    network, X, _ = specimen_network()
    assert all(w.shape[0] == w.shape[1] for w in network.W)
    assert len(X) == BATCH != network.sizes[1]


@pytest.mark.parametrize("bug", BUGS, ids=ids)
def test_every_bug_is_caught_by_check_gradients_at_its_defaults(bug):
    network, X, Y = specimen_network(bug.cost)
    report = check_gradients(network, X, Y, backprop=bug.backprop)
    assert not report.ok
    assert report.worst > 100 * report.threshold


@pytest.mark.parametrize("bug", BUGS, ids=ids)
def test_each_specimen_corrected_is_the_reference(bug):
    """A few lines differ from the correct form: one mistake, wherever its line recurs."""
    code, corrected = bug.source().splitlines(), bug.corrected().splitlines()
    changed = [line for line in difflib.ndiff(corrected, code) if line[:2] in ("- ", "+ ")]
    assert 1 <= len([line for line in changed if line.startswith("+ ")]) <= 4, changed
    namespace = dict(zoo.STEPS, np=np)
    exec(bug.corrected(), namespace)
    network, X, Y = specimen_network(bug.cost)
    (dC_dW, dC_db), (W, b) = namespace["backprop"](network, X, Y), bug.fixed(network, X, Y)
    for got, expected in zip(dC_dW + dC_db, W + b, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("bug", BUGS, ids=ids)
def test_the_layers_that_light_up_are_the_ones_the_mistake_touches(bug):
    found = fingerprint(bug.check())
    assert found.lit == tuple(sorted(bug.layers))
    for l in range(1, len(found.W) + 1):
        wrong = l in bug.layers
        assert (found.W[l - 1] > found.threshold) == (wrong and bug.W_wrong), l
        assert (found.b[l - 1] > found.threshold) == (wrong and bug.b_wrong), l


@pytest.mark.parametrize("bug", [b for b in BUGS if len(b.layers) == 1],
                         ids=[b.name for b in BUGS if len(b.layers) == 1])
def test_a_bug_in_one_layer_has_the_heat_maps_worst_entries_there(bug):
    report = bug.check()
    (layer,) = bug.layers
    assert report.worst_at[1] == layer - 1
    errors = [np.column_stack([e_W, e_b]) for e_W, e_b in zip(report.error_W, report.error_b,
                                                               strict=True)]
    # every entry above the threshold, and the ten worst entries overall, are in that layer
    for i, e in enumerate(errors):
        if i != layer - 1:
            assert e.max() <= report.threshold
    everything = np.concatenate([e.ravel() for e in errors])
    tenth_worst = np.sort(everything)[-10]
    assert (errors[layer - 1] >= tenth_worst).sum() >= 10 or errors[layer - 1].max() > 0.5


# The fingerprints the lesson states (LOOKS_LIKE, the specimens' introductions, the
# fingerprint section), recomputed.
def nonzero_errors(errors, report, layers):
    """All entries' errors in the given layers (1-based) where the gradient is not ~0."""
    out = []
    for l in layers:
        for e, g in ((report.error_W[l - 1], report.nudged_dW[l - 1]),
                     (report.error_b[l - 1], report.nudged_db[l - 1])):
            out.append(e[np.abs(g) > 1e-9])
    return np.concatenate(out)


def test_a_wrong_sign_is_off_by_exactly_two_everywhere():
    report = BY_NAME["wrong_sign"].check()
    np.testing.assert_allclose(nonzero_errors(None, report, (1, 2, 3)), 2.0, rtol=1e-6)


def test_a_sum_instead_of_an_average_is_off_by_one_minus_one_over_m_everywhere():
    report = BY_NAME["summed_not_averaged"].check()
    np.testing.assert_allclose(nonzero_errors(None, report, (1, 2, 3)), 1 - 1 / BATCH,
                               rtol=1e-6)
    assert 1 - 1 / BATCH == 0.8


def test_a_delta_divided_in_place_spares_the_output_layer_and_is_off_by_0_8_below():
    report = BY_NAME["overwritten_in_place"].check()
    assert fingerprint(report).lit == (1, 2)
    np.testing.assert_allclose(nonzero_errors(None, report, (1, 2)), 0.8, rtol=1e-6)


def test_errors_near_one_where_the_output_error_is_wrong():
    for name in ("no_sigma_prime", "extra_sigma_prime"):
        found = fingerprint(BY_NAME[name].check())
        assert found.lit == (1, 2, 3)
        assert all(0.5 < max(w, b) < 1.5 for w, b in zip(found.W, found.b, strict=True)), name


def test_a_mistake_in_passing_back_spares_the_output_layer():
    for name in ("sigma_prime_of_a", "w_not_transposed"):
        assert fingerprint(BY_NAME[name].check()).lit == (1, 2), name
    transposed = fingerprint(BY_NAME["w_not_transposed"].check())
    assert max(transposed.W + transposed.b) > 1  # "by more than 1 in places"


def test_one_layer_one_kind_of_parameter():
    paired = fingerprint(BY_NAME["paired_with_a_l"].check())
    assert paired.lit == (3,) and max(paired.b) <= paired.threshold
    bias = fingerprint(BY_NAME["bias_not_summed"].check())
    assert bias.lit == (3,) and max(bias.W) <= bias.threshold


def test_a_layer_lights_up_above_the_threshold_as_the_check_fails_above_it():
    """An error of exactly the threshold passes the check, so it must leave its layer dark."""
    report = BY_NAME["paired_with_a_l"].check()  # only layer 3's W is off
    at = dataclasses.replace(report, threshold=report.worst)
    assert at.ok and fingerprint(at).lit == ()
    assert "passed" in str(fingerprint(at)) and "layer 3: ok" in str(fingerprint(at))
    below = dataclasses.replace(report, threshold=report.worst * (1 - 1e-12))
    assert not below.ok and fingerprint(below).lit == (3,)


def test_the_table_shows_every_bug_with_its_computed_fingerprint():
    rows = fingerprint_table().splitlines()
    assert rows[0].split() == ["mistake", "layer", "3", "layer", "2", "layer", "1"]
    assert len(rows) == len(BUGS) + 2
    for bug, row in zip(BUGS, rows[2:], strict=True):
        found = fingerprint(bug.check())
        assert row.startswith(bug.mistake)
        cells = [found.describe(l) for l in (3, 2, 1)]
        assert row.split("  ")[0] == bug.mistake
        assert [c.strip() for c in row[len(bug.mistake):].split("  ") if c.strip()] == cells
    assert "W 2, b 2" in rows[2 + ids.index("wrong_sign")]


def test_the_fingerprint_line_says_passed_or_failed_without_round_off_digits():
    assert str(fingerprint(BUGS[0].check(zoo.reference))) == (
        "gradient check passed (threshold 1e-06). layer 3: ok · layer 2: ok · layer 1: ok")
    assert str(fingerprint(BY_NAME["bias_not_summed"].check())) == (
        "gradient check FAILED (threshold 1e-06). layer 3: b 1.8 · layer 2: ok · layer 1: ok")


# The zoo as diagnosis: the check first, then the code.
@pytest.mark.parametrize("bug", BUGS, ids=ids)
def test_each_right_diagnosis_is_what_the_reading_rules_say_of_its_fingerprint(bug):
    """WHERE, recomputed from the check with the lesson's two questions."""
    found = fingerprint(bug.check())
    L = len(found.W)
    report = bug.check()
    errors = nonzero_errors(None, report, found.lit)
    constant = np.allclose(errors, errors[0], rtol=1e-6)
    expected = set()
    if found.lit == tuple(range(1, L + 1)) and not constant:
        expected.add(0)  # everything lit, varying: it starts in delta(L)
    if found.lit == tuple(range(1, L)):
        expected.add(1)  # the output layer agrees, the hidden layers inherit
    if len(found.lit) == 1 and max(found.b) <= found.threshold:
        expected.add(2)
    if len(found.lit) == 1 and max(found.W) <= found.threshold:
        expected.add(3)
    if found.lit == tuple(range(1, L + 1)) and constant:
        expected.add(4)
    if bug.name == "wrong_sign":  # a factor -1 on delta(L): both readings are right
        expected.add(0)
    assert bug.where == expected
    for index in range(len(lesson6.DIAGNOSES)):
        feedback = lesson6.grade_diagnosis(bug, index)
        assert feedback.passed == (index in expected)
        assert feedback.message.startswith("Right. " if feedback.passed else "Not quite. ")
        assert bug.looks_like in feedback.message
    assert not lesson6.grade_diagnosis(bug, None).attempted


@pytest.mark.parametrize("number", range(1, len(BUGS) + 1))
def test_a_specimen_shows_nothing_of_its_code_until_the_diagnosis_is_committed(number):
    bug = BUGS[number - 1]
    panel = lesson6.specimen(number)

    def shown():
        """The text of every child the learner can see (the heat map is a PNG)."""
        visible = [child for child in panel.widget.children if child.layout.display != "none"]
        return "\n".join(str(value) for child in visible
                         for value in (getattr(child, "value", ""),
                                       *getattr(child, "options", ()))
                         if isinstance(value, str))

    before = shown() + panel.plain_text()
    secrets = [bug.name, bug.mistake, *bug.culprits, bug.why,
               bug.looks_like, "def backprop", "activations"]
    for secret in secrets:
        assert secret not in before, secret
    assert panel.line.layout.display == "none" and panel.line_button.layout.display == "none"
    panel.commit()  # nothing picked: nothing revealed
    assert "Pick where the mistake must be first." in panel.verdict.value
    assert panel.code.value == "" and panel.line.layout.display == "none"
    panel.diagnosis.value = lesson6.DIAGNOSES[min(bug.where)]
    panel.commit()
    assert "Right." in panel.verdict.value and panel.diagnosis.disabled
    assert "def backprop" in panel.code.value and panel.line.layout.display is None
    for index, text in lesson6.code_lines(bug):
        panel.line.value = f"line {index + 1}: {text}"
        panel.check_line()
        right = index in bug.culprit_lines()
        assert panel.line_verdict.value.startswith("✅ Right." if right else "❌ Not quite.")
    assert bug.culprit_lines() and all(i > 0 for i in bug.culprit_lines())


def test_the_panel_says_what_to_do_if_the_kernel_was_restarted():
    panel = lesson6.specimen(1)
    assert any(RESTARTED in str(getattr(child, "value", "")) for child in panel.widget.children)
    with pytest.raises(ValueError, match="numbered 1 to 10, got 11"):
        lesson6.specimen(11)


def test_summing_the_batch_is_the_right_backprop_with_a_larger_step():
    network, X, Y = specimen_network()
    (summed_W, summed_b) = BY_NAME["summed_not_averaged"].backprop(network, X, Y)
    (dC_dW, dC_db) = zoo.reference(network, X, Y)
    for g_summed, g in zip(summed_W + summed_b, dC_dW + dC_db, strict=True):
        np.testing.assert_allclose(g_summed, BATCH * g, rtol=1e-12)
    assert "η made m times larger" in BY_NAME["summed_not_averaged"].why


def test_every_bug_has_its_words():
    for bug in BUGS:
        assert bug.looks_like and bug.why and bug.where <= set(range(len(lesson6.DIAGNOSES)))


@pytest.mark.parametrize("number", range(1, len(BUGS) + 1))
def test_grade_fix_confirms_a_fix_and_rejects_the_bug(number):
    bug = BUGS[number - 1]
    assert lesson6.grade_fix(number, bug.fixed).passed
    feedback = lesson6.grade_fix(number, bug.backprop)
    assert not feedback.passed
    assert feedback.message.startswith(f"Still broken: specimen {number}'s gradient check")


def test_a_specimen_shown_does_not_name_its_mistake():
    for bug in BUGS:
        shown = bug.source()
        assert shown.startswith("def backprop(network, X, Y):") and bug.name not in shown


def test_grade_fix_explains_an_empty_or_broken_fix():
    def stub(network, X, Y):
        raise NotImplementedError

    def crashes(network, X, Y):
        return network.W[0] @ X

    assert "not written yet" in lesson6.grade_fix(1, stub).message
    assert "Nothing to check" in lesson6.grade_fix(1, None).message
    assert "raised ValueError" in lesson6.grade_fix(1, crashes).message


def test_the_stored_lesson_gives_no_specimen_away():
    """Outputs and all: before its cells run, lesson 6 shows no specimen's code or mistake."""
    stored = (Path(__file__).resolve().parent.parent / "notebooks"
              / "06_your_backprop.ipynb").read_text()
    for bug in BUGS:
        lines = bug.source().splitlines()
        culprits = [lines[i].strip() for i in bug.culprit_lines()]
        for secret in (bug.mistake, *culprits, bug.why,
                       bug.looks_like, bug.name):
            assert json.dumps(secret, ensure_ascii=False)[1:-1] not in stored, secret


def test_the_reference_and_lesson_6s_solution_are_one_function_on_the_one_backward_pass():
    assert lesson6.backprop is zoo.reference
    assert "backward(network.W, zs, activations, delta, sigmoid_prime)" in inspect.getsource(
        zoo.reference)
    assert inspect.getsource(backward) in lesson6.SOLUTIONS["backprop"].code
