"""One-pass concept formation, orchestrated: runs the cypher/train/* operators in order.

For each class, the training samples are absorbed one at a time in a fixed order.
The learning itself — matching, the reduction operators R_uc, R_w, R_sp, energy —
is Cypher; this module only decides which query runs next and records progress.
Each absorption step is one transaction that first locks the class's neuron and then
reads the training state, so an interrupted training resumes cleanly (samples already
ABSORBED by the run's concepts are skipped) and two trainings of the same class running
at once absorb each sample once. A finished run's concepts replace the class's previous
ones in one transaction, so a class is never seen half-trained.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from coman_graph.datasets.protocols import absorption_order
from coman_graph.datasets.selection import SampleSpec
from coman_graph.encoding import DISTANCE_WEIGHT, KIND_PARAMETER
from coman_graph.errors import ComanError, InputError
from coman_graph.graphstore.connection import GraphStore, Transaction
from coman_graph.sensing import SENSING_VERSION

OPERATORS = ["R_uc", "R_w", "R_sp"]
#: Rank bonus of a pair that already corresponds: re-absorbing a sample reproduces its
#: correspondence (kernel/unit-pairs).
TIE_BONUS = 1000.0
#: The matching kernel's constants in training.
TRAINING_KERNEL = {"distance_weight": DISTANCE_WEIGHT, "tie_bonus": TIE_BONUS}
#: Bumped when the operators change meaning, so old runs are not resumed by new code.
ALGORITHM_VERSION = 5
#: Status of the concepts a class is classified with (set by train/activate-class).
ACTIVE = "active"
#: The concept forms (TrainingConfig.concept_form, cypher/kernel/part-table).
LEVELS, SPREAD = "levels", "spread"
CONCEPT_FORMS = (LEVELS, SPREAD)


@dataclass(frozen=True)
class TrainingConfig:
    """Options of concept formation.

    compartment_loss: an example that would leave the best compartment with less than
    (1 - compartment_loss) of the energy it was founded with opens a new compartment
    (another concept of the same neuron) instead. Measured against the founding energy,
    not the current one, so a concept cannot erode step by step into a shallow,
    over-general landscape that matches anything.

    concept_form: how a concept part's parameter scores a sample's cell
    (cypher/kernel/part-table). ``levels``: by the finest level at which all its examples
    agree (R_uc's level); ``spread``: by the cover of the cells its examples filled, a level
    worth the bits of specificity that cover leaves.

    The defaults were chosen together on held-out training images (docs/experiments.md,
    2026-12-06): spread concepts at loss 0.35 with a neuron averaging its 3 best compartments
    absorb 3.1 examples per compartment at P10 k=5 (levels at 0.2: 1.4) for the same mean
    accuracy over the four validation arms (77.56% against 77.66%).
    """

    compartment_loss: float = 0.35
    concept_form: str = "spread"

    def __post_init__(self) -> None:
        if self.concept_form not in CONCEPT_FORMS:
            raise InputError(
                f"concept form {self.concept_form!r}: expected one of {', '.join(CONCEPT_FORMS)}"
            )


@dataclass
class Compartment:
    concept_id: str
    compartment: int
    energy: float
    examples_seen: int
    founding_energy: float


@dataclass
class ClassTraining:
    """Outcome of training one class: its compartments and each step's energies."""

    digit: int
    training: str
    compartments: list[Compartment] = field(default_factory=list)
    steps: int = 0
    skipped: int = 0
    seconds: float = 0.0


def new_model_version() -> str:
    """A token no earlier write used: the ``model_version`` train/lock-neuron and
    train/activate-class store on a neuron, and train/record-absorption on a concept."""
    return uuid.uuid4().hex


def parameter_energies(store: GraphStore) -> dict[str, list[float]]:
    """Parameter -> level energies, as stored in the (:Scale) nodes."""
    return {row["parameter"]: row["energies"] for row in store.run("train/parameter-energies")}


def training_id(digit: int, sample_ids: list[str], config: TrainingConfig) -> str:
    """A stable id for training ``digit`` on these samples, in this order, with this config.

    The sensing version takes part: samples sensed again form new concepts.
    """
    versions = [ALGORITHM_VERSION, SENSING_VERSION]
    key = json.dumps([*versions, digit, sample_ids, config.compartment_loss, config.concept_form])
    return f"t{digit}-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def _compartments(state: list[dict]) -> list[Compartment]:
    return [
        Compartment(
            r["concept_id"], r["compartment"], r["energy"], r["examples_seen"], r["founding_energy"]
        )
        for r in state
    ]


def _open_compartment(
    tx: Transaction,
    sample_id: str,
    digit: int,
    training: str,
    number: int,
    energies: dict[str, list[float]],
    config: TrainingConfig,
) -> str:
    """The sample founds compartment ``number`` of the run: a new concept at the finest levels."""
    concept_id = f"{training}-c{number}"
    tx.run(
        "train/create-concept",
        **{"class": digit},
        concept_id=concept_id,
        compartment=number,
        training=training,
        sample_id=sample_id,
    )
    compile_concept(tx, concept_id, config)
    energy = tx.run("train/energy", id=concept_id, energies=energies)[0]["energy"]
    tx.run(
        "train/record-absorption",
        concept_id=concept_id,
        sample_id=sample_id,
        step=1,
        energy_before=0.0,
        energy_after=energy,
        operators=["create"],
        model_version=new_model_version(),
    )
    return concept_id


def compile_concept(
    tx: Transaction | GraphStore, concept_id: str, config: TrainingConfig = TrainingConfig()
) -> None:
    """A concept's score tables and parameter energies, in the config's concept form."""
    tx.run(
        "train/compile-matcher",
        concept_id=concept_id,
        form=config.concept_form,
        kind_parameter=KIND_PARAMETER,
    )


def _reduce(
    tx: Transaction,
    choice: dict,
    sample_id: str,
    energies: dict[str, list[float]],
    config: TrainingConfig,
) -> None:
    """The reduction operators, in order, on the chosen compartment and its correspondence."""
    keys = {"concept_id": choice["concept_id"], "sample_id": sample_id, "step": choice["step"]}
    tx.run("train/reduce-parametric", kind_parameter=KIND_PARAMETER, **keys)
    tx.run("train/reduce-structural", **keys)
    tx.run("train/reduce-structural-parametric", kind_parameter=KIND_PARAMETER, **keys)
    compile_concept(tx, choice["concept_id"], config)
    energy = tx.run("train/energy", id=choice["concept_id"], energies=energies)[0]["energy"]
    tx.run(
        "train/record-absorption",
        energy_before=choice["energy_before"],
        energy_after=energy,
        operators=OPERATORS,
        model_version=new_model_version(),
        **keys,
    )


def _step(
    tx: Transaction,
    sample_id: str,
    digit: int,
    training: str,
    known: frozenset[str],
    energies: dict[str, list[float]],
    config: TrainingConfig,
) -> tuple[frozenset[str], bool]:
    """One absorption step in ``tx``: (the run's concept ids after it, absorbed now?).

    Locks the neuron first, so the training state the step reads is current; a sample some
    concurrent run of the same training has absorbed meanwhile is skipped. Which compartment
    absorbs the sample, or whether it opens a new one, is train/choose-compartment's choice.
    """
    tx.run("train/lock-neuron", **{"class": digit}, model_version=new_model_version())
    choice = tx.run(
        "train/choose-compartment",
        **{"class": digit},
        training=training,
        sample_id=sample_id,
        compartment_loss=config.compartment_loss,
        **TRAINING_KERNEL,
    )[0]
    concepts = frozenset(choice["concepts"])
    if not known <= concepts:
        raise ComanError(
            f"class {digit}: another training replaced this one's concepts while it ran; "
            "train the class again"
        )
    if choice["absorbed"]:
        return concepts, False
    if choice["concept_id"] is None:
        founded = _open_compartment(
            tx, sample_id, digit, training, choice["next_compartment"], energies, config
        )
        return concepts | {founded}, True
    _reduce(tx, choice, sample_id, energies, config)
    return concepts, True


def train_class(
    store: GraphStore,
    digit: int,
    sample_ids: list[str],
    config: TrainingConfig = TrainingConfig(),
    on_step: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
) -> ClassTraining:
    """Absorb ``sample_ids`` (in this order) into the class's detector neuron.

    Ids with no stored sample (images that could not be sensed) are skipped.
    Resumes a run with the same id; when done, its concepts replace the class's
    previous ones in one transaction. Once ``stop`` is set, no further step is taken
    and the run's concepts are not activated (:class:`TrainingStopped`).
    """
    began = time.perf_counter()
    stored = {row["sample_id"] for row in store.run("ingest/existing-samples", ids=sample_ids)}
    sample_ids = [sid for sid in sample_ids if sid in stored]
    training = training_id(digit, sample_ids, config)
    energies = parameter_energies(store)
    result = ClassTraining(digit, training)
    known: frozenset[str] = frozenset()
    for sample_id in sample_ids:
        _check(stop, digit)
        known, absorbed = store.transaction(
            lambda tx, sid=sample_id, seen=known: _step(
                tx, sid, digit, training, seen, energies, config
            ),
            label=f"absorption of {sample_id} into class {digit}",
        )
        if absorbed:
            result.steps += 1
        else:
            result.skipped += 1
        if on_step:
            on_step()
    result.compartments = _compartments(
        store.run("train/training-state", **{"class": digit}, training=training)
    )
    _check(stop, digit)
    store.run(
        "train/activate-class",
        **{"class": digit},
        training=training,
        model_version=new_model_version(),
    )
    result.seconds = time.perf_counter() - began
    return result


def train_classes(
    store: GraphStore,
    specs: list[SampleSpec],
    classes: tuple[int, ...] | list[int],
    seed: int,
    config: TrainingConfig = TrainingConfig(),
    on_step: Callable[[], None] | None = None,
    workers: int = 1,
) -> dict[int, ClassTraining]:
    """Train each of ``classes`` on its samples among ``specs``, in its seeded absorption order.

    Parameters
    ----------
    store
        The graph holding the (ingested) samples.
    specs
        The training samples of every class (their labels pick each class's own).
    classes
        The digits to train.
    seed
        Seeds each class's absorption order (``datasets.protocols.absorption_order``).
    config
        Options of concept formation.
    on_step
        Called after each sample handled (absorbed, or skipped as already absorbed); from
        several threads when ``workers`` > 1.
    workers
        Classes trained at once, each in sessions of its own (a class's concepts depend on
        its own samples only, so the outcome is the same for any number).

    Returns
    -------
    Each class's :class:`ClassTraining`, in the order of ``classes``.
    """

    stop = threading.Event()

    def one(digit: int) -> ClassTraining:
        order = absorption_order(specs, digit, seed)
        return train_class(store, digit, order, config, on_step, stop)

    pool = ThreadPoolExecutor(max_workers=max(1, workers))
    futures = [pool.submit(one, digit) for digit in classes]
    try:
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            if future.exception() is not None:
                raise future.exception()
        return {digit: future.result() for digit, future in zip(classes, futures, strict=True)}
    except BaseException:
        stop.set()  # an error or Ctrl-C in any class: the others take no further step
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class TrainingStopped(Exception):
    """A class's training stopped between steps: the run was interrupted or another class failed."""


def _check(stop: threading.Event | None, digit: int) -> None:
    if stop is not None and stop.is_set():
        raise TrainingStopped(f"training of class {digit} stopped")
