"""Kummer's series M(b, z) = 1F1(1; b + 1; z), the tail sum of Palm's (Erlang A) model.

With b = N mu / theta and z = lambda / theta, the stationary probabilities of the queue
beyond N are pi_N t_k, t_k = z^k / ((b+1)...(b+k)), so their sum is M(b, z). The sum is
taken term by term in floating point with rescaling, which is exact to rounding for any size
(no factorials, no overflow), vectorized over elements.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["KummerSums", "kummer_series"]

FloatArray = NDArray[np.float64]

# Terms below this share of the running sum no longer change a float64 sum.
_SERIES_RTOL = 2.0**-60
# Rescale a series when a term passes this, so that no term can overflow.
_RESCALE_AT = 1e200


@dataclass(frozen=True)
class KummerSums:
    """Kummer's series M(b, z) = sum_k t_k, t_k = z^k / ((b+1)...(b+k)), in log form.

    log_m: log M; log_m1: log (M - 1), the sum from k = 1; mean_h: sum_k t_k H_k / M with
    H_k = sum_{i=1..k} 1 / (b + i).
    """

    log_m: FloatArray
    log_m1: FloatArray
    mean_h: FloatArray


def kummer_series(b: FloatArray, z: FloatArray) -> KummerSums:
    """Sum Kummer's series term by term for all elements at once (b >= 0, z >= 0, 1-D).

    The terms grow while b + k < z and then fall faster than geometrically, so the sum stops
    per element once it is past the peak and the term is below 2^-60 of the sum. Terms are
    rescaled by 1e-200 whenever one passes 1e200, the scale being kept as a logarithm.
    """
    size = b.shape[0]
    log_m = np.zeros(size)
    log_m1 = np.full(size, -np.inf)
    mean_h = np.zeros(size)
    idx = np.flatnonzero(z > 0)
    bb, zz = b[idx], z[idx]
    term = np.ones(idx.size)
    total = np.ones(idx.size)
    total1 = np.zeros(idx.size)
    total_h = np.zeros(idx.size)
    harmonic = np.zeros(idx.size)
    log_scale = np.zeros(idx.size)
    denom = np.empty(idx.size)
    scratch = np.empty(idx.size)
    # A term grows at most by z / (b + 1) per step: check for rescaling often enough that no
    # term can pass 1e200 * 1e100 between two checks.
    growth = float(np.max(zz / (bb + 1.0))) if idx.size else 1.0
    rescale_every = max(1, int(100 / max(np.log10(growth), 1e-3)))
    k = 0
    while idx.size:
        k += 1
        np.add(bb, k, out=denom)
        np.divide(zz, denom, out=scratch)
        term *= scratch
        np.reciprocal(denom, out=scratch)
        harmonic += scratch
        total += term
        total1 += term
        np.multiply(term, harmonic, out=scratch)
        total_h += scratch
        if k % rescale_every == 0:
            big = term > _RESCALE_AT
            if big.any():
                for arr in (term, total, total1, total_h):
                    arr[big] /= _RESCALE_AT
                log_scale[big] += np.log(_RESCALE_AT)
        if k % 8:
            continue
        done = (denom >= zz) & (term <= _SERIES_RTOL * total1)
        if done.any():
            out = idx[done]
            log_m[out] = np.log(total[done]) + log_scale[done]
            log_m1[out] = np.log(total1[done]) + log_scale[done]
            mean_h[out] = total_h[done] / total[done]
            keep = ~done
            idx, bb, zz = idx[keep], bb[keep], zz[keep]
            term, total, total1 = term[keep], total[keep], total1[keep]
            total_h, harmonic, log_scale = total_h[keep], harmonic[keep], log_scale[keep]
            denom, scratch = denom[keep], scratch[keep]
    return KummerSums(log_m=log_m, log_m1=log_m1, mean_h=mean_h)
