"""Sensing: structure of real MNIST digits, the codes contract, each stage alone, bad input."""

from __future__ import annotations

import pickle
import random
import re
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from coman_graph.cli.sample import show_sample
from coman_graph.report.render_sample import render_sample
from coman_graph.sensing import SensingError
from coman_graph.sensing import projection as pj
from coman_graph.sensing.binarize import (
    binarize_connected,
    bridge_components,
    clean,
    draw_bridge,
    drop_fragments,
    upscale,
)
from coman_graph.sensing.chains import rdp, simplify, walk_chains
from coman_graph.sensing.gaps import find_gaps
from coman_graph.sensing.gng import fit_gng
from coman_graph.sensing.junctions import merge_junctions, point_kinds
from coman_graph.sensing.params import DEFAULT_PARAMS, SensingParams
from coman_graph.sensing.pipeline import sense, sense_traced
from coman_graph.sensing.point_graph import make_graph
from coman_graph.sensing.scales import PARAMETER_SCALE, SCALES
from coman_graph.sensing.skeleton import count_holes, pixel_graph, prune_spurs, skeleton_of
from coman_graph.sensing.structural_graph import WILDCARD, StructuralGraph

# Clear examples from the MNIST test split, chosen by looking at their renders:
# (index, label, loops, EndPoints, JunctionPoints).
CLEAR_DIGITS = [
    (3, 0, 1, 0, 0),
    (10, 0, 1, 0, 0),
    (2, 1, 0, 2, 0),
    (5, 1, 0, 2, 0),
    (1, 2, 0, 2, 0),
    (38, 2, 0, 2, 0),
    (30, 3, 0, 2, 0),
    (4, 4, 0, 3, 1),
    (19, 4, 0, 3, 1),
    (15, 5, 0, 2, 0),
    (11, 6, 1, 1, 1),
    (21, 6, 1, 1, 1),
    (0, 7, 0, 2, 0),
    (17, 7, 0, 2, 0),
    (61, 8, 2, 0, 1),
    (110, 8, 2, 0, 1),
    (7, 9, 1, 1, 1),
    (12, 9, 1, 1, 1),
]
SEGMENT_PARAMS = ("position", "position_shift", "orientation", "orientation_shift", "length")
POINT_PARAMS = ("position", "position_shift", "rel_position", "rel_position_shift")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")


@pytest.fixture(scope="module")
def sensed(mnist_test) -> dict[int, StructuralGraph]:
    return {index: sense(mnist_test.images[index]) for index, *_ in CLEAR_DIGITS}


@pytest.mark.parametrize(("index", "label", "loops", "ends", "junctions"), CLEAR_DIGITS)
def test_clear_digits_have_their_structure(
    mnist_test, sensed, index, label, loops, ends, junctions
):
    assert mnist_test.labels[index] == label
    graph = sensed[index]
    assert (graph.loops, graph.count("EndPoint"), graph.count("JunctionPoint")) == (
        loops,
        ends,
        junctions,
    )
    assert graph.closed == (label in (0, 8))


@pytest.mark.parametrize("index", [2, 5])
def test_a_clear_one_is_a_single_segment(sensed, index):
    graph = sensed[index]
    assert graph.count("Segment") == 1
    (segment,) = (u for u in graph.units if u.is_segment)
    assert segment.params["orientation"][3] in ("vertical", "rising")


@pytest.mark.parametrize(("index", "loops", "ends"), [(3, 1, 0), (61, 2, 0), (4, 0, 3), (7, 1, 1)])
def test_skeleton_method_agrees_on_clear_digits(mnist_test, index, loops, ends):
    graph = sense(mnist_test.images[index], method="skeleton")
    assert (graph.loops, graph.count("EndPoint")) == (loops, ends)


def test_same_image_and_seed_give_an_identical_graph(mnist_test):
    image = mnist_test.images[61]
    assert sense(image, seed=3) == sense(image, seed=3)
    assert pickle.loads(pickle.dumps(sense(image))) == sense(image)


def test_sense_runs_in_a_process_pool(mnist_test, sensed):
    images = [mnist_test.images[3], mnist_test.images[4]]
    with ProcessPoolExecutor(2) as pool:
        graphs = list(pool.map(sense, images))
    assert graphs == [sensed[3], sensed[4]]


def test_graph_obeys_the_contract(sensed):
    for graph in sensed.values():
        keys = [u.key for u in graph.units]
        assert len(set(keys)) == len(keys)
        points = {u.key: u for u in graph.units if not u.is_segment}
        segments = {u.key: u for u in graph.units if u.is_segment}
        assert graph.start_point == "p0"
        if graph.count("EndPoint"):
            assert points["p0"].kind == "EndPoint"
            assert points["p0"].y == min(u.y for u in points.values() if u.kind == "EndPoint")
        assert graph.loops == len(segments) - len(points) + 1
        for unit in graph.units:
            assert -1.0 <= unit.x <= 1.0 and -1.0 <= unit.y <= 1.0
            expected = SEGMENT_PARAMS if unit.is_segment else POINT_PARAMS
            assert set(unit.params) == set(expected)
            if unit.is_segment:
                assert all(end in points for end in unit.ends)
        for link in graph.interconnections:
            assert int(link.source[1:]) < int(link.target[1:])
            shared = set(segments[link.source].ends) & set(segments[link.target].ends)
            assert len(shared) == 1
            assert set(link.params) == {"turn", "length_cmp", "x_cmp", "y_cmp"}
        for params in [u.params for u in graph.units] + [i.params for i in graph.interconnections]:
            for name, codes in params.items():
                assert IDENTIFIER.match(name)
                assert len(codes) == SCALES[PARAMETER_SCALE[name]].depth
                assert codes[-1] == WILDCARD
                assert all(isinstance(code, str) and code for code in codes)


def test_an_eight_has_one_four_way_junction_and_touching_segments_interconnect(sensed):
    graph = sensed[61]
    (junction,) = (u for u in graph.units if u.kind == "JunctionPoint")
    touching = [u.key for u in graph.units if u.is_segment and junction.key in u.ends]
    assert len(touching) == 4
    pairs = {(i.source, i.target) for i in graph.interconnections}
    assert sum((s, t) in pairs for s in touching for t in touching) == 6


def test_scale_energies_and_parameter_scales():
    assert SCALES["position"].energies == (6.0, 4.0, 2.0, 1.0, 0.0)
    assert SCALES["orientation"].energies == (5.0, 4.0, 3.0, 2.0, 0.0)
    assert set(PARAMETER_SCALE.values()) <= set(SCALES)
    for scale in SCALES.values():
        assert list(scale.cells) == sorted(scale.cells, reverse=True)
        assert len(scale.level_names) == len(scale.cells)


@pytest.mark.parametrize(
    ("encode", "low", "high"),
    [
        (lambda v: pj.position_codes(v, -v / 2), -1.2, 1.2),
        (lambda v: pj.rel_position_codes(v / 3, v), -2.5, 2.5),
        (pj.orientation_codes, 0.0, 180.0),
        (pj.turn_codes, -180.0, 180.0),
        (pj.length_codes, 1e-3, 1.0),
        (lambda v: pj.ratio_codes(v, 1.25), 0.1, 10.0),
        (lambda v: pj.offset_codes(v, 0.1), -2.0, 2.0),
    ],
)
def test_scales_are_nested(encode, low, high):
    values = [low + (high - low) * i / 2000 for i in range(2001)]
    codes = [encode(v) for v in values]
    depth = len(codes[0])
    for level in range(depth - 1):
        coarser: dict[str, str] = {}
        for c in codes:
            assert coarser.setdefault(c[level], c[level + 1]) == c[level + 1]
    distinct = [len({c[level] for c in codes}) for level in range(depth)]
    assert distinct == sorted(distinct, reverse=True) and distinct[0] >= 8 and distinct[-1] == 1


def test_projection_reads_the_right_way():
    assert pj.position_codes(-0.9, -0.9)[:4] == ("8:r0c0", "4:r0c0", "top-left", "top")
    assert pj.orientation_codes(0.0)[3] == "horizontal"
    assert pj.orientation_codes(179.0)[3] == "horizontal"
    assert pj.orientation_codes(90.0)[3] == "vertical"
    assert pj.turn_codes(80.0)[3] == "left" and pj.turn_codes(-80.0)[3] == "right"
    assert pj.ratio_codes(1.1, 1.25)[1] == "equal" and pj.ratio_codes(3.0, 1.25)[1] == "greater"
    assert pj.offset_codes(-0.5, 0.1)[1] == "less"


def test_binarize_lowers_the_threshold_until_connected():
    image = np.zeros((84, 84), np.uint8)
    image[10:70, 20:26] = 255
    image[10:70, 50:56] = 255
    image[38:42, 26:50] = 60  # a faint bridge
    figure = binarize_connected(image, DEFAULT_PARAMS)
    assert figure.threshold <= 60 and figure.bridges == ()
    assert figure.mask[40, 35]


def test_binarize_drops_a_stray_mark_and_bridges_a_fragment():
    image = np.zeros((84, 84), np.uint8)
    image[10:70, 20:26] = 255
    image[10:70, 40:46] = 255  # a second stroke, apart at every threshold
    image[5:8, 70:73] = 255  # a stray mark, 9 px
    figure = binarize_connected(image, SensingParams(speck_px_ref=1.0))
    assert figure.threshold == DEFAULT_PARAMS.threshold_start
    assert not figure.mask[5:8, 70:73].any()
    (((x0, y0), (x1, y1)),) = figure.bridges
    assert {x0, x1} == {25, 40} and y0 == y1
    assert figure.mask[y0, 26:40].all()
    assert drop_fragments(figure.mask, 0.1)[1] == 1


def test_bridges_form_a_tree_nearest_first():
    mask = np.zeros((60, 60), bool)
    mask[5:55, 5:9] = True  # the largest part
    mask[5:30, 20:23] = True  # 11 px away
    mask[5:30, 40:43] = True  # 17 px further
    joined, bridges = bridge_components(mask)
    assert [start[0] for start, _ in bridges] == [20, 40]
    assert drop_fragments(joined, 0.0)[1] == 1 and count_holes(joined) == 0


def test_clean_removes_specks():
    mask = np.zeros((40, 40), bool)
    mask[5:35, 10:14] = True
    mask[30, 30] = True
    cleaned = clean(mask, max_speck_px=6, closing_size=3)
    assert not cleaned[30, 30] and cleaned[20, 12]


def test_prune_spurs_removes_a_short_branch_only():
    skeleton = np.zeros((30, 60), bool)
    skeleton[15, 5:55] = True
    skeleton[12:15, 30] = True  # a 3 px spur
    pruned = prune_spurs(skeleton, fraction=0.08, min_length=4.0)
    assert not pruned[12:15, 30].any()
    assert pruned[15, 5:55].all()
    assert (pixel_graph(pruned).degree >= 3).sum() == 0


def test_pixel_graph_and_holes_of_a_ring():
    ring = np.zeros((20, 20), bool)
    ring[5, 5:15] = ring[14, 5:15] = ring[5:15, 5] = ring[5:15, 14] = True
    graph = pixel_graph(ring)
    assert set(graph.degree.tolist()) == {2}
    assert count_holes(ring) == 1


def test_gng_is_seeded_and_bounded():
    t = np.linspace(0, 2 * np.pi, 120, endpoint=False)
    circle = np.column_stack((40 + 20 * np.cos(t), 40 + 20 * np.sin(t)))
    params = SensingParams(gng_max_units=12)
    units, edges = fit_gng(circle, 5, params)
    again, _ = fit_gng(circle, 5, params)
    assert np.array_equal(units, again)
    assert 3 <= len(units) <= 12 and len(edges) >= len(units) - 1
    radius = np.hypot(units[:, 0] - 40, units[:, 1] - 40)
    assert np.all(np.abs(radius - 20) < 3)


def test_rdp_keeps_ends_and_corners():
    line = np.column_stack((np.arange(10.0), np.zeros(10)))
    assert rdp(line, 0.5) == [0, 9]
    corner = np.vstack((line, np.column_stack((np.full(9, 9.0), np.arange(1.0, 10.0)))))
    assert rdp(corner, 0.5) == [0, 9, 18]


def test_simplify_keeps_a_loop_a_loop():
    t = np.linspace(0, 2 * np.pi, 30, endpoint=False)
    xy = np.column_stack((10 * np.cos(t), 10 * np.sin(t)))
    ring = make_graph(xy, [(i, (i + 1) % 30) for i in range(30)])
    simple = simplify(ring, epsilon=3.0)
    assert simple.loops == 1 and 3 <= simple.size < 30
    assert len(walk_chains(simple)) == 1


def test_merge_junctions_joins_the_waist_of_an_eight():
    xy = np.array([[0, 0], [0, 2], [-5, -5], [5, -5], [-5, 7], [5, 7]], float)
    graph = make_graph(xy, [(0, 1), (0, 2), (0, 3), (1, 4), (1, 5)])
    merged = merge_junctions(graph, max_length=3.0)
    assert merged.size == 5 and sorted(merged.degree().tolist()) == [1, 1, 1, 1, 4]
    assert merge_junctions(graph, max_length=1.0).size == 6


def test_point_kinds():
    xy = np.array([[0, 0], [10, 0], [20, 0], [20, 10], [30, 0]], float)
    graph = make_graph(xy, [(0, 1), (1, 2), (2, 3), (2, 4)])
    kinds = point_kinds(graph, 160.0)
    assert kinds == ["EndPoint", "Point", "JunctionPoint", "EndPoint", "EndPoint"]
    bent = make_graph(xy[:4], [(0, 1), (1, 2), (2, 3)])
    assert point_kinds(bent, 160.0)[2] == "CornerPoint"


def test_gng_falls_back_to_the_skeleton_when_it_misses_a_loop(mnist_test):
    trace = sense_traced(mnist_test.images[3], params=SensingParams(gng_max_units=2))
    assert trace.method == "skeleton" and trace.graph.loops == 1


def _open_ring(gap_grey: int) -> tuple[np.ndarray, np.ndarray]:
    """An 84 px ring 5 px wide, cut open at the top by 6 px filled with ``gap_grey``."""
    rows, cols = np.mgrid[:84, :84]
    radius = np.hypot(rows - 42, cols - 42)
    grey = np.where((radius >= 18) & (radius <= 23), 255, 0).astype(np.uint8)
    grey[10:28, 39:45] = np.where(grey[10:28, 39:45] > 0, gap_grey, 0)
    return grey, grey >= 110


@pytest.mark.parametrize(("gap_grey", "closed"), [(60, True), (0, False)])
def test_a_faintly_inked_gap_is_closed_a_blank_one_is_not(gap_grey, closed):
    grey, mask = _open_ring(gap_grey)
    skeleton = skeleton_of(mask)
    pixels = pixel_graph(skeleton)
    gaps = find_gaps(pixels, grey, mask.sum() / pixels.size, DEFAULT_PARAMS)
    assert len(gaps) == (1 if closed else 0)
    if closed:  # two ends facing each other: one bridge between them, not two
        (x0, y0), (x1, y1) = gaps[0]
        assert abs(x0 - x1) >= 5 and abs(y0 - y1) <= 2
        bridged = mask.copy()
        draw_bridge(bridged, *gaps[0])
        assert count_holes(skeleton_of(bridged)) == 1


def test_a_stroke_end_pointing_away_is_left_open():
    grey = np.zeros((84, 84), np.uint8)
    grey[40:44, 10:70] = 255  # a bar
    grey[20:40, 40:44] = 255  # a stem on it: its end points away from the bar
    mask = grey >= 110
    pixels = pixel_graph(skeleton_of(mask))
    assert find_gaps(pixels, grey, mask.sum() / pixels.size, DEFAULT_PARAMS) == []


def _bars(*columns: int) -> np.ndarray:
    """A 28x28 image of white vertical bars 3 px wide starting at ``columns``."""
    image = np.zeros((28, 28), np.uint8)
    for column in columns:
        image[4:24, column : column + 3] = 255
    return image


def _dot() -> np.ndarray:
    image = np.zeros((28, 28), np.uint8)
    image[13:16, 13:16] = 255
    return image


BAD_INPUT = [
    ([[0] * 28] * 28, "numpy array"),
    (np.zeros((27, 28), np.uint8), "28x28"),
    (np.zeros((28, 28, 3), np.uint8), "28x28"),
    (np.zeros((28, 28), np.float64), "uint8"),
    (np.zeros((28, 28), np.uint8), "empty"),
    (np.full((28, 28), 255, np.uint8), "full"),
    (_dot(), "dot"),
    (np.full((28, 28), 10, np.uint8), "no figure"),
]


def test_a_single_bar_is_sensed():
    graph = sense(_bars(12))
    assert graph.count("Segment") == 1 and graph.count("EndPoint") == 2


def test_two_bars_apart_are_bridged_into_one_graph():
    trace = sense_traced(_bars(6, 19))
    assert len(trace.bridges) == 1 and trace.graph.loops == 0
    assert trace.graph.count("EndPoint") == 2 and trace.graph.count("Segment") >= 3


@pytest.mark.parametrize(("image", "message"), BAD_INPUT)
def test_bad_input_raises_a_one_line_sensing_error(image, message):
    with pytest.raises(SensingError, match=message) as raised:
        sense(image)
    assert isinstance(raised.value, ValueError)
    assert "\n" not in str(raised.value)


def test_unknown_method_is_refused(mnist_test):
    with pytest.raises(ValueError, match="method"):
        sense(mnist_test.images[0], method="magic")


def test_render_and_show_sample_write_pngs(mnist_test, tmp_path):
    trace = sense_traced(mnist_test.images[61])
    path = render_sample(mnist_test.images[61], trace, tmp_path / "a.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    app = typer.Typer()
    app.command()(show_sample)
    png = tmp_path / "b.png"
    result = CliRunner().invoke(app, ["--index", "61", "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert "loops 2" in result.output and png.stat().st_size > 1000


def _connected(graph: StructuralGraph) -> bool:
    """Whether the graph's points and segments form one component."""
    parent = {u.key: u.key for u in graph.units if not u.is_segment}

    def root(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    for unit in graph.units:
        if unit.is_segment:
            a, b = (root(end) for end in unit.ends)
            parent[a] = b
    return len({root(key) for key in parent}) == 1


def test_every_random_train_digit_gives_one_connected_graph(mnist_train):
    rng = random.Random(0)
    for index in rng.sample(range(len(mnist_train)), 300):
        graph = sense(mnist_train.images[index])
        assert graph.count("Segment") >= 1 and _connected(graph), index
        points = sum(1 for u in graph.units if not u.is_segment)
        assert graph.loops == graph.count("Segment") - points + 1


# Train images that every threshold leaves disconnected (refused by the first pipeline):
# (index, label, what joins them, loops).
ONCE_DISCONNECTED = [
    (14929, 1, "bridge", 0),  # a 1 beside a dash: the dash is bridged to it
    (1023, 7, "bridge", 0),  # a 7 and the tick left of it, bridged into one stroke
    (933, 7, "bridge", 0),  # the only 7 of P10 at k = 1, seed 0: class 7 went untrained
    (28945, 0, "dropped", 1),  # a 0 and a stray dot: the dot is dropped
    (58534, 6, "dropped", 1),
    (26471, 8, "lowered", 1),  # a faint, broken 8: joined at a lower threshold
]


@pytest.mark.parametrize(("index", "label", "joined", "loops"), ONCE_DISCONNECTED)
def test_once_disconnected_digits_give_a_connected_typed_graph(
    mnist_train, index, label, joined, loops
):
    assert mnist_train.labels[index] == label
    grey = upscale(mnist_train.images[index], DEFAULT_PARAMS.work_size)
    apart = clean(grey >= DEFAULT_PARAMS.threshold_start, DEFAULT_PARAMS.speck_px, 3)
    assert drop_fragments(apart, 0.0)[1] >= 2
    trace = sense_traced(mnist_train.images[index])
    graph = trace.graph
    assert _connected(graph) and graph.loops == loops
    assert graph.count("EndPoint") + graph.count("JunctionPoint") + graph.count("CornerPoint")
    assert (len(trace.bridges) > 0) == (joined == "bridge")
    assert (graph.threshold < DEFAULT_PARAMS.threshold_start) == (joined == "lowered")


# Train digits whose loop the pen left open by a faint gap, which gap closing closes:
# (index, label, loops, EndPoints).
GAP_CLOSED = [
    (42349, 0, 1, 0),
    (53535, 0, 1, 0),
    (9244, 6, 1, 1),
    (26254, 9, 1, 1),
    (23398, 8, 2, 0),
]
NO_GAP_CLOSING = SensingParams(gap_max_widths=0.0, gap_blank_widths=0.0)


@pytest.mark.parametrize(("index", "label", "loops", "ends"), GAP_CLOSED)
def test_a_loop_left_open_by_the_pen_is_closed(mnist_train, index, label, loops, ends):
    assert mnist_train.labels[index] == label
    trace = sense_traced(mnist_train.images[index])
    assert len(trace.gaps) == 1
    assert (trace.graph.loops, trace.graph.count("EndPoint")) == (loops, ends)
    opened = sense(mnist_train.images[index], params=NO_GAP_CLOSING)
    assert opened.loops == loops - 1


def test_render_draws_bridges_and_gaps(mnist_train, tmp_path):
    for index in (14929, 42349):
        trace = sense_traced(mnist_train.images[index])
        path = render_sample(mnist_train.images[index], trace, tmp_path / f"{index}.png")
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
