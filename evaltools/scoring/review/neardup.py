"""Near-identical texts across groups (issue 21 item 3: text copied from another unit), at scale.

Comparing every pair of 10,000 forms' texts is 50 million comparisons; here identical texts are one text, and
only candidate pairs are compared: texts sharing a band of their MinHash signature over character n-grams
(locality-sensitive hashing — Broder 1997, “On the resemblance and containment of documents”; Leskovec, Rajaraman
& Ullman, *Mining of Massive Datasets* ch. 3: with ``bands`` bands of ``rows`` rows, two texts whose n-gram sets
have Jaccard similarity J share a band with probability 1 − (1 − J^rows)^bands). The candidates are then scored
by ``rapidfuzz.fuzz.ratio`` (the normalised Indel similarity, 0–100) in one ``rapidfuzz.process.cpdist`` call.
Everything is numpy over all texts at once: the n-gram hashes of the concatenated code points, the signature's
minima by ``np.minimum.reduceat``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

#: The constants of the 64-bit finaliser of SplitMix64 (Steele, Lea & Flood 2014), a fast well-mixing hash.
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
#: The base of the polynomial n-gram hash.
_BASE = np.uint64(1_000_003)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser over a uint64 array (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def normalised(texts: Sequence[object]) -> np.ndarray:
    """Each text without white space (None for a missing or non-text value)."""
    text = pd.Series([t if isinstance(t, str) else None for t in texts], dtype=object)
    return text.str.replace(r"\s+", "", regex=True).to_numpy(dtype=object)


def _signatures(texts: np.ndarray, shingle: int, n_hashes: int, seed: int) -> np.ndarray:
    """The MinHash signature (texts × n_hashes, uint32) of each text's character ``shingle``-grams; every text is at
    least ``shingle`` characters long."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    counts = lengths - shingle + 1  # n-grams per text
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])  # where each text's n-grams begin
    at = np.repeat(starts - first, counts) + np.arange(counts.sum())  # each n-gram's first code point
    h = np.zeros(len(at), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(shingle):
            h = h * _BASE + points[at + j]
    h = (_mix(h) >> np.uint64(32)).astype(np.uint32)  # 32 bits: each of the hashes below costs half
    rng = np.random.default_rng(seed)
    salts = rng.integers(0, 2**32, n_hashes, dtype=np.uint32)
    odd = rng.integers(0, 2**31, n_hashes, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    out = np.empty((len(texts), n_hashes), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for i in range(n_hashes):
            out[:, i] = np.minimum.reduceat((h ^ salts[i]) * odd[i], first)
    return out


def _band_pairs(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Pairs (i < j, as i * n + j) of texts whose signatures agree on all ``rows`` of at least one band."""
    n = len(signatures)
    found = []
    for b in range(bands):
        key = signatures[:, b * rows].astype(np.uint64)
        for c in range(b * rows + 1, (b + 1) * rows):
            key = _mix(key ^ signatures[:, c].astype(np.uint64))
        order = np.argsort(key, kind="stable")
        k = key[order]
        gap = 1
        while True:  # members of one bucket are adjacent in ``order``: pair each with the ones ``gap`` after it
            same = np.flatnonzero(k[gap:] == k[:-gap]) if gap < n else np.array([], dtype=np.int64)
            if not len(same):
                break
            a, c = order[same], order[same + gap]
            found.append(np.minimum(a, c) * n + np.maximum(a, c))
            gap += 1
    return np.unique(np.concatenate(found)) if found else np.array([], dtype=np.int64)


def near_duplicates(
    texts: Sequence[object],
    groups: Sequence[object],
    *,
    threshold: float,
    min_length: int,
    shingle: int = 4,
    bands: int = 20,
    rows: int = 3,
    min_jaccard: float = 0.2,
    seed: int = 0,
) -> pd.DataFrame:
    """Pairs of texts of different ``groups`` whose similarity (``fuzz.ratio`` of the texts without white space,
    0–100) is at least ``threshold``: a frame ``left, right`` (positions in ``texts``, both orders) and
    ``similarity``. Texts shorter than ``min_length`` characters (or missing) are never paired. Identical texts are
    compared once; other pairs only when their MinHash signatures share a band (see the module) and agree on at
    least ``min_jaccard`` of their values (the estimated Jaccard similarity of their n-gram sets: texts of
    different words share a band when they share many n-grams, and scoring them is what costs)."""
    text = normalised(texts)
    group = pd.factorize(np.asarray(groups, dtype=object), use_na_sentinel=False)[0]
    kept = np.flatnonzero([isinstance(t, str) and len(t) >= max(min_length, shingle) for t in text])
    ids, uniques = pd.factorize(text[kept])
    pairs = [np.column_stack([np.arange(len(uniques)), np.arange(len(uniques)), np.full(len(uniques), 100.0)])]
    if len(uniques) > 1:
        signatures = _signatures(uniques, shingle, bands * rows, seed)
        cand = _band_pairs(signatures, bands, rows)
        a, b = cand // len(uniques), cand % len(uniques)
        close = (signatures[a] == signatures[b]).mean(axis=1) >= min_jaccard
        a, b = a[close], b[close]
        scores = process.cpdist(uniques[a], uniques[b], scorer=fuzz.ratio, score_cutoff=threshold, workers=-1)
        hit = scores >= threshold
        pairs.append(np.column_stack([a[hit], b[hit], scores[hit]]))
        pairs.append(np.column_stack([b[hit], a[hit], scores[hit]]))
    text_pairs = pd.DataFrame(np.concatenate(pairs), columns=["a", "b", "similarity"]).astype({"a": int, "b": int})
    members = pd.DataFrame({"a": ids, "left": kept})
    out = text_pairs.merge(members, on="a").merge(members.rename(columns={"a": "b", "left": "right"}), on="b")
    out = out[group[out["left"].to_numpy()] != group[out["right"].to_numpy()]]
    return out[["left", "right", "similarity"]].sort_values(["left", "right"]).reset_index(drop=True)
