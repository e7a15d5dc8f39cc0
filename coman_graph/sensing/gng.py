"""Growing Neural Gas (Fritzke 1995) fitted to the skeleton pixels, compiled with numba.

The signal order (one shuffle per epoch) and the two starting units are drawn
from ``numpy.random.default_rng(seed)`` outside the compiled loop, so the fit
is a pure function of the pixels and the seed.
"""

from __future__ import annotations

import numba
import numpy as np

from coman_graph.sensing.params import SensingParams


@numba.njit(cache=True)
def _gng(
    signals: np.ndarray,
    order: np.ndarray,
    first: int,
    second: int,
    max_units: int,
    insert_every: int,
    eps_winner: float,
    eps_neighbour: float,
    alpha: float,
    decay: float,
    max_age: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    weights = np.zeros((max_units, 2))
    error = np.zeros(max_units)
    alive = np.zeros(max_units, dtype=np.bool_)
    age = np.full((max_units, max_units), -1, dtype=np.int64)
    weights[0] = signals[first]
    weights[1] = signals[second]
    alive[0] = alive[1] = True
    age[0, 1] = age[1, 0] = 0
    step = 0
    for epoch in range(order.shape[0]):
        for t in range(order.shape[1]):
            x0, x1 = signals[order[epoch, t], 0], signals[order[epoch, t], 1]
            s1, s2, d1, d2 = -1, -1, np.inf, np.inf
            for i in range(max_units):
                if alive[i]:
                    d = (weights[i, 0] - x0) ** 2 + (weights[i, 1] - x1) ** 2
                    if d < d1:
                        s2, d2, s1, d1 = s1, d1, i, d
                    elif d < d2:
                        s2, d2 = i, d
            error[s1] += d1
            weights[s1, 0] += eps_winner * (x0 - weights[s1, 0])
            weights[s1, 1] += eps_winner * (x1 - weights[s1, 1])
            for i in range(max_units):
                if age[s1, i] >= 0:
                    age[s1, i] += 1
                    age[i, s1] += 1
                    weights[i, 0] += eps_neighbour * (x0 - weights[i, 0])
                    weights[i, 1] += eps_neighbour * (x1 - weights[i, 1])
            age[s1, s2] = age[s2, s1] = 0
            for i in range(max_units):
                if age[s1, i] > max_age:
                    age[s1, i] = age[i, s1] = -1
                    if np.all(age[i] < 0):
                        alive[i] = False
            step += 1
            if step % insert_every == 0 and alive.sum() < max_units:
                q, f = -1, -1
                for i in range(max_units):
                    if alive[i] and (q < 0 or error[i] > error[q]):
                        q = i
                for i in range(max_units):
                    if age[q, i] >= 0 and (f < 0 or error[i] > error[f]):
                        f = i
                if f >= 0:
                    r = np.flatnonzero(~alive)[0]
                    weights[r] = (weights[q] + weights[f]) / 2
                    age[r] = -1
                    age[:, r] = -1
                    age[q, f] = age[f, q] = -1
                    age[q, r] = age[r, q] = age[f, r] = age[r, f] = 0
                    error[q] *= alpha
                    error[f] *= alpha
                    error[r] = error[q]
                    alive[r] = True
            for i in range(max_units):
                error[i] *= decay
    return weights, alive, age


def fit_gng(signals: np.ndarray, seed: int, params: SensingParams) -> tuple[np.ndarray, np.ndarray]:
    """Fit a Growing Neural Gas to 2-D points.

    Parameters
    ----------
    signals
        The points (n x 2), here the skeleton pixels; n >= 2.
    seed
        Seed of the shuffles and of the two starting units.
    params
        ``gng_*`` rates, ages, sizes and the number of epochs.

    Returns
    -------
    tuple
        Unit positions (k x 2) and edges (m x 2, i < j) of the units that still
        have an edge at the end (units left without edges are dropped).
    """
    rng = np.random.default_rng(seed)
    n = len(signals)
    order = rng.permuted(np.tile(np.arange(n), (params.gng_epochs, 1)), axis=1)
    first, second = rng.choice(n, size=2, replace=False)
    weights, alive, age = _gng(
        np.ascontiguousarray(signals, dtype=np.float64),
        order,
        int(first),
        int(second),
        params.gng_max_units,
        params.gng_insert_every,
        params.gng_eps_winner,
        params.gng_eps_neighbour,
        params.gng_alpha,
        params.gng_decay,
        params.gng_max_age,
    )
    linked = alive & (age >= 0).any(axis=1)
    units = np.flatnonzero(linked)
    renumber = np.full(len(alive), -1, dtype=np.int64)
    renumber[units] = np.arange(len(units))
    i, j = np.nonzero(np.triu(age >= 0, k=1))
    edges = np.column_stack((renumber[i], renumber[j]))
    return weights[units], edges[(edges >= 0).all(axis=1)]
