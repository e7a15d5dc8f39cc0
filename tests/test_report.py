"""Metrics, confusion renders, concept renders (from rows, no server) and pixel baselines."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from coman_graph.baselines import nearest_neighbour, rbf_svm
from coman_graph.datasets.selection import pick_per_class
from coman_graph.encoding import SCALE_OF, UNIVERSES
from coman_graph.report.confusion import render_confusion, render_confusion_pair
from coman_graph.report.metrics import classification_metrics
from coman_graph.report.render_concept import (
    concept_summary,
    concepts_from_rows,
    position_cell,
    render_concepts,
    seen_codes,
)

# --- metrics ----------------------------------------------------------------------------------


def test_metrics_hand_computed():
    # true:  a a a b b c
    # pred:  a a b b c c
    # a: tp 2, predicted 2, support 3 -> P 1,   R 2/3, F1 0.8
    # b: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2
    # c: tp 1, predicted 2, support 1 -> P 1/2, R 1,   F1 2/3
    m = classification_metrics(list("aaabbc"), list("aabbcc"), ["a", "b", "c"])
    assert m.accuracy == pytest.approx(4 / 6)
    assert m.macro_precision == pytest.approx((1 + 0.5 + 0.5) / 3)
    assert m.macro_recall == pytest.approx((2 / 3 + 0.5 + 1) / 3)
    assert m.macro_f1 == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    assert [r.support for r in m.per_class] == [3, 2, 1]
    assert m.per_class[0].f1 == pytest.approx(0.8)
    assert m.confusion.tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert m.columns == ("a", "b", "c") and m.undecided == 0
    assert m.confusion.dtype.kind == "i"


def test_metrics_none_column_and_never_predicted_class():
    # class 2 is never predicted: precision 0 (not NaN); two abstentions (None, 7).
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = [0, None, 1, 0, 7, 1]
    m = classification_metrics(y_true, y_pred, [0, 1, 2])
    assert m.columns == (0, 1, 2, "none")
    assert m.confusion.tolist() == [[1, 0, 0, 1], [1, 1, 0, 0], [0, 1, 0, 1]]
    assert m.undecided == 2
    assert m.accuracy == pytest.approx(2 / 6)
    row2 = m.per_class[2]
    assert (row2.precision, row2.recall, row2.f1) == (0.0, 0.0, 0.0)
    # class 0: tp 1, predicted 2 -> P 0.5; support 2 -> R 0.5
    assert m.per_class[0].precision == pytest.approx(0.5)
    assert m.macro_recall == pytest.approx((0.5 + 0.5 + 0.0) / 3)
    data = json.loads(json.dumps(m.to_dict()))
    assert data["columns"] == [0, 1, 2, "none"]
    assert data["confusion"][2] == [0, 1, 0, 1]
    assert data["per_class"][1]["class"] == 1


def test_metrics_refuse_bad_input():
    with pytest.raises(ValueError, match="outside classes"):
        classification_metrics([3], [3], [0, 1])
    with pytest.raises(ValueError, match="predictions"):
        classification_metrics([0, 1], [0], [0, 1])


# --- confusion PNGs ---------------------------------------------------------------------------


def _png_is_drawn(path, min_side=200):
    image = np.asarray(Image.open(path).convert("RGB"))
    assert image.shape[0] >= min_side and image.shape[1] >= min_side
    # Not blank: many distinct colours (cell shades, text, colour bar).
    assert len(np.unique(image.reshape(-1, 3), axis=0)) > 50
    return image


def test_render_confusion(tmp_path):
    rng = np.random.default_rng(0)
    matrix = rng.integers(0, 20, size=(10, 11))
    matrix[np.arange(10), np.arange(10)] += 200
    path = render_confusion(matrix, list(range(10)), tmp_path / "c.png", "test")
    image = _png_is_drawn(path)
    # The darkest blue of the colour map appears (diagonal cells are ~90% of their row).
    assert (image[..., 2].astype(int) - image[..., 0] > 100).any()
    with pytest.raises(ValueError):
        render_confusion(matrix, list(range(9)), tmp_path / "bad.png")


def test_render_confusion_pair(tmp_path):
    left = np.array([[8, 2], [5, 5]])
    right = np.array([[9, 1], [1, 9]])
    path = render_confusion_pair(
        left, right, [1, 7], tmp_path / "pair.png", "rule", "fill", "fill_coverage"
    )
    image = _png_is_drawn(path)
    assert image.shape[1] > 1.5 * image.shape[0]  # two panels side by side


# --- concept render (rows as audit/concept-units returns them) --------------------------------


def _unit(key, kind, x, y, codes, levels, bounded_by=(), start=False, links=()):
    params = list(codes)
    unit = {"key": key, "kind": kind, "x": x, "y": y, "params": params, "levels": levels}
    unit.update(codes)
    return {
        "concept_id": "t7-c0",
        "compartment": 0,
        "energy": 42.0,
        "examples_seen": 3,
        "stable_since": 2,
        "key": key,
        "kind": kind,
        "x": x,
        "y": y,
        "start": start,
        "unit": unit,
        "bounded_by": list(bounded_by),
        "interconnects": [{"target": t, "link": {"params": []}} for t in links],
    }


def _seven_rows():
    end = ["EndPoint", "point", "*"]
    corner = ["CornerPoint", "point", "*"]
    seg = ["Segment", "Segment", "*"]
    return [
        _unit(
            "p0",
            "EndPoint",
            -0.6,
            -0.8,
            {"kind_code": end, "position": ["8:r0c1", "4:r0c0", "top-left", "top", "*"]},
            [0, 0],
            start=True,
        ),
        _unit(
            "p1",
            "CornerPoint",
            0.6,
            -0.8,
            {"kind_code": corner, "position": ["8:r0c6", "4:r0c3", "top-right", "top", "*"]},
            [1, 2],
        ),
        _unit(
            "p2",
            "EndPoint",
            -0.1,
            0.9,
            {"kind_code": end, "position": ["8:r7c3", "4:r3c1", "bottom-left", "bottom", "*"]},
            [0, 3],
        ),
        _unit(
            "s0",
            "Segment",
            0.0,
            -0.8,
            {"kind_code": seg, "orientation": ["32:4", "16:2", "8:1", "horizontal", "*"]},
            [0, 0],
            bounded_by=("p0", "p1"),
            links=("s1",),
        ),
        _unit(
            "s1",
            "Segment",
            0.25,
            0.05,
            {"kind_code": seg, "orientation": ["32:17", "16:8", "8:4", "vertical", "*"]},
            [0, 4],
            bounded_by=("p1",),
        ),
        {
            **_unit("x", "EndPoint", 0, 0, {}, []),
            "concept_id": "t7-c1",
            "compartment": 1,
            "key": None,
            "unit": None,
            "energy": 0.0,
            "examples_seen": 0,
            "stable_since": 0,
        },
    ]


def test_position_cells():
    assert position_cell("8:r0c0") == (-1.0, -1.0, -0.75, -0.75)
    assert position_cell("4:r3c1") == (-0.5, 0.5, 0.0, 1.0)
    assert position_cell("top-right") == (0.0, -1.0, 1.0, 0.0)
    assert position_cell("bottom") == (-1.0, 0.0, 1.0, 1.0)
    assert position_cell("*") is None


def test_seen_slots_name_the_cells_each_parameter_filled():
    params = ["kind_code", "position"]
    kinds, cells = len(UNIVERSES[SCALE_OF["kind_code"]]), UNIVERSES[SCALE_OF["position"]]
    codes = {cell[0]: i for i, cell in enumerate(cells)}
    seen = [kinds + codes["8:r0c6"], 0, kinds + codes["8:r1c6"]]
    found = seen_codes(params, seen)
    assert found["kind_code"] == (UNIVERSES[SCALE_OF["kind_code"]][0][0],)
    assert set(found["position"]) == {"8:r0c6", "8:r1c6"}


def test_render_concepts_from_rows(tmp_path):
    trajectory = [
        {
            "concept_id": "t7-c0",
            "compartment": 0,
            "step": s,
            "energy_before": b,
            "energy_after": a,
            "operators": ["R_uc"],
            "sample_id": f"s{s}",
        }
        for s, b, a in ((2, 60.0, 42.0), (1, 0.0, 60.0), (3, 42.0, 42.0))
    ]
    rows = _seven_rows()
    kinds = len(UNIVERSES[SCALE_OF["kind_code"]])
    position = {cell[0]: i for i, cell in enumerate(UNIVERSES[SCALE_OF["position"]])}
    rows[1]["unit"]["seen"] = [kinds + position["8:r0c6"], kinds + position["8:r1c7"]]
    concepts = concepts_from_rows(rows, trajectory)
    assert concepts[0].unit("p1").seen["position"] == ("8:r0c6", "8:r1c7")
    assert [c.compartment for c in concepts] == [0, 1]
    seven, empty = concepts
    assert [step for step, *_ in seven.trajectory] == [1, 2, 3]
    assert seven.unit("p1").effective_kind == "point"
    assert seven.unit("p1").code("position") == "top-right"
    assert seven.kind_counts() == {"EndPoint": 2, "point": 1, "Segment": 2}
    assert seven.links == 1 and empty.units == []
    lines = concept_summary(7, concepts)
    assert lines[0] == "class 7: 2 active compartment(s)"
    assert "energy 42.0" in lines[1] and "2 EndPoint, 1 point, 2 Segment" in lines[1]
    path = render_concepts(7, concepts, tmp_path / "seven.png", links=True)
    _png_is_drawn(path)


# --- baselines on real MNIST ------------------------------------------------------------------


@pytest.fixture(scope="module")
def few_shot(mnist_train, mnist_test):
    idx = pick_per_class(mnist_train, tuple(range(10)), 50, 0)
    test = slice(0, 500)
    return (
        mnist_train.images[idx],
        mnist_train.labels[idx],
        mnist_test.images[test],
        mnist_test.labels[test],
    )


def test_nearest_neighbour_beats_chance_by_far(few_shot):
    train_x, train_y, test_x, test_y = few_shot
    predicted = nearest_neighbour(train_x, train_y, test_x)
    assert predicted.shape == test_y.shape
    assert (predicted == test_y).mean() > 0.6
    # A training image is its own nearest neighbour.
    assert (nearest_neighbour(train_x, train_y, train_x[:40]) == train_y[:40]).all()


def test_nearest_neighbour_matches_brute_force(few_shot):
    train_x, train_y, test_x, _ = few_shot
    a = train_x.reshape(len(train_x), -1).astype(float) / 255
    b = test_x[:60].reshape(60, -1).astype(float) / 255
    brute = train_y[((b[:, None, :] - a[None, :, :]) ** 2).sum(-1).argmin(1)]
    assert (nearest_neighbour(train_x, train_y, test_x[:60]) == brute).all()


def test_rbf_svm(few_shot):
    train_x, train_y, test_x, test_y = few_shot
    predicted = rbf_svm(train_x, train_y, test_x)
    assert predicted.shape == test_y.shape
    assert (predicted == test_y).mean() > 0.6
    with pytest.raises(ValueError):
        rbf_svm(train_x, train_y[:-1], test_x)
