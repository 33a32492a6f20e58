#!/usr/bin/env python3
"""Train the weights of :mod:`moderation.model` and report cross-validated quality.

Usage (from the repository root)::

    .venv/bin/python tools/train_moderation.py              # report and write the weights
    .venv/bin/python tools/train_moderation.py --dry-run    # report only
    .venv/bin/python tools/train_moderation.py --grid       # compare a few settings (slow)

What it does, stdlib only and deterministic (fixed seed, no clock in the output):

1. Reads every labelled JSON-lines file ({"id", "text", "labels"}) it finds: the shared dev
   set, ``var/eval/*.jsonl`` and ``tests/unit/*.jsonl`` (``--data`` replaces the list).
   Messages whose normalised tokens are identical are merged (labels unioned).
2. One-vs-rest logistic regression per label over :func:`moderation.model.featurize`,
   plain SGD with exact L2 (scaled-weight trick), a decaying step and a fixed seed; the
   canonical examples (``spec_examples.jsonl``) are seen ``SPEC_REPEAT`` times an epoch.
3. The trusted rule families: those precise enough on the generated corpora
   (``TRUST_PRECISION``) that their candidates stand whatever the model says.
4. Stratified k-fold cross-validation. Per-label probability thresholds are chosen on the
   out-of-fold scores so that at most ``--budget`` (7%) of the benign messages get any
   label from the model and the trusted rules together, maximising recall (crisis recall
   counts ``--crisis-weight`` times, relapse risk ``--relapse-weight`` times). The benign
   messages of the corpora are hard negatives; the budget on them is about 1.7 times the
   rate measured on ordinary held-out sets. The headline
   numbers are *cross-fitted*: each fold is scored with thresholds chosen on the other
   folds, so the threshold search is not graded on its own data. Also reported: the rules
   alone (:func:`moderation.rules.assess`, as they are in this checkout) and the union
   of model and rules, on all rows and on the rows of ``tune.jsonl`` and
   ``moderation_fresh.jsonl`` alone, and a cross-source test per such file: train on
   everything else, test on it. (The rules are hand-tuned on these same files, so their
   figures here are training-set figures, not estimates.)
5. Trains on all rows. When ``tools/moderation_calibration`` holds sets (``--calibrate``),
   the final thresholds are chosen there instead, by the same greedy search, with
   ``--calibration-budget`` (4%) of their benign messages flagged at most: those sets
   are written like the chat Hearth reads, where the corpora's benign messages are hard
   negatives by design. Two-fold cross-fitted figures on them are printed.
6. Writes ``moderation/data/model.json``: labels, thresholds,
   trusted families, bias, and the weights of features whose largest absolute weight is at least
   ``--prune``, rounded to 4 decimals, plus the feature settings, data sizes, training
   parameters and cross-validated figures.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from moderation.labels import Evidence, Label
from moderation.model import (
    CONCEPT_CLASSES,
    FEATURE_VERSION,
    LABELS,
    family,
    featurize,
    logits,
    normal_tokens,
    parse_weights,
)
from moderation.rules import candidates

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "moderation" / "data" / "model.json"
L = len(LABELS)
_CLASS_NAMES = frozenset(CONCEPT_CLASSES)
CRISIS = LABELS.index(Label.crisis)
# Sources reported on their own (the rules were first written against dev and holdout).
UNSEEN = ("tune", "moderation_fresh")
# A rule family is trusted (its candidates stand whatever the model says) when, on the
# generated corpora (written without sight of the rules), it fired at least this often
# and was right this often. Crisis asks less: a missed crisis can cost a life, and a
# false one costs a facilitator a look.
# The canonical examples tests/unit/test_moderation.py specifies are seen this many
# times per epoch: they are the product's stated behaviour, a few among thousands.
SPEC_REPEAT = 4
SPEC_SOURCE = "spec_examples"
TRUST_MIN_HITS = 10
TRUST_PRECISION = {Label.crisis: 0.94}
TRUST_PRECISION_DEFAULT = 0.95
# On the calibration sets, crisis recall is reached first (the target is 0.95, and a little
# margin), then relapse recall, and only then is the budget shared by weighted recall: a
# greedy share alone swung crisis between 0.94 and 0.97, and relapse's threshold between
# 0.66 and 0.75, from one retrain to the next. The calibration sets are harder than the
# dev set (relapse recall there runs 0.1 below the held-out sets'), hence relapse's 0.80.
RECALL_FLOOR = tuple(
    {Label.crisis: 0.955, Label.relapse_risk: 0.80}.get(label, 0.0) for label in LABELS
)


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    y: tuple[int, ...]  # 0/1 per label, in LABELS order
    source: str


@dataclass(frozen=True)
class Params:
    l2: float = 1e-4
    epochs: int = 15
    lr: float = 0.3
    pos_weight: str = "sqrt"  # "sqrt": positives weigh sqrt(negatives/positives); "none": 1
    min_df: int = 1
    # Features whose every weight is below this are dropped: at 0.05 half of them, for the
    # same labels on the held-out sets, and assess reads half the memory (in the server,
    # the weights' cache misses were most of the model's time).
    prune: float = 0.05
    seed: int = 0


@dataclass
class Fitted:
    weights: dict[str, list[float]]
    bias: list[float]

    def logits(self, feats: Iterable[str]) -> list[float]:
        z = list(self.bias)
        for f in feats:
            row = self.weights.get(f)
            if row is not None:
                for i in range(L):
                    z[i] += row[i]
        return z


# --- data --------------------------------------------------------------------------------


CALIBRATION = ROOT / "tools" / "moderation_calibration"


def default_sources() -> list[Path]:
    found: list[Path] = []
    for folder in (ROOT / "eval", ROOT.parent / "shared" / "eval"):
        found += sorted(folder.glob("*.jsonl"))
    corpus = ROOT / "tools" / "moderation_corpus"
    for folder in (corpus, ROOT / "var" / "eval", ROOT / "tests" / "unit"):
        found += sorted(folder.glob("*.jsonl"))
    return found


def read_rows(paths: Sequence[Path]) -> tuple[list[Row], dict[str, int]]:
    """Labelled rows from ``paths``, merged by normalised text; and raw counts per file."""
    names = {label.value: i for i, label in enumerate(LABELS)}
    merged: dict[str, Row] = {}
    sizes: dict[str, int] = {}
    for path in paths:
        count = 0
        with path.open(encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                doc = json.loads(line)
                if not {"id", "text", "labels"} <= doc.keys():
                    continue
                y = [0] * L
                for name in doc["labels"]:
                    if name in names:
                        y[names[name]] = 1
                count += 1
                key = " ".join(normal_tokens(doc["text"]))
                source = path.stem
                old = merged.get(key)
                if old is not None:
                    y = [a | b for a, b in zip(old.y, y, strict=True)]
                    source = old.source
                merged[key] = Row(str(doc["id"]), doc["text"], tuple(y), source)
        sizes[str(path.relative_to(ROOT.parent) if ROOT.parent in path.parents else path)] = count
    return list(merged.values()), sizes


def read_features(rows: Sequence[Row]) -> tuple[list[list[Evidence]], list[list[str]]]:
    """What the rules propose for each row, and the row's features given those rules."""
    fired = [candidates(r.text)[1] for r in rows]
    feats = [
        featurize(r.text, rules=[e.rule for e in ev]) for r, ev in zip(rows, fired, strict=True)
    ]
    return fired, feats


def forced_labels(
    fired: Sequence[Sequence[Evidence]], trusted: Sequence[str]
) -> list[frozenset[int]]:
    """Per row, the labels its trusted rule families give whatever the model says."""
    return [
        frozenset(LABELS.index(e.label) for e in ev if family(e.rule) in trusted) for ev in fired
    ]


# --- training ----------------------------------------------------------------------------


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def fit(
    docs: Sequence[Sequence[str]],
    ys: Sequence[Sequence[int]],
    params: Params,
    repeats: Sequence[int] | None = None,
) -> Fitted:
    """One-vs-rest logistic regression by SGD with L2; deterministic for a given seed.
    ``repeats[j]``: how many times per epoch document ``j`` is seen (default once)."""
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    vocab = sorted(f for f, c in df.items() if c >= params.min_df)
    index = {f: i for i, f in enumerate(vocab)}
    xs = [sorted(index[f] for f in d if f in index) for d in docs]
    n = len(docs)
    pos = [sum(y[i] for y in ys) for i in range(L)]
    pos_w = [
        math.sqrt((n - p) / p) if params.pos_weight == "sqrt" and 0 < p < n else 1.0 for p in pos
    ]
    v = [[0.0] * len(vocab) for _ in range(L)]
    scale = [1.0] * L
    bias = [0.0] * L
    rng = random.Random(params.seed)
    order = [j for j in range(n) for _ in range(repeats[j] if repeats else 1)]
    t = 0
    for _ in range(params.epochs):
        rng.shuffle(order)
        for j in order:
            lr = params.lr / (1.0 + params.lr * params.l2 * t)
            t += 1
            x = xs[j]
            y = ys[j]
            shrink = 1.0 - lr * params.l2
            for i in range(L):
                vi = v[i]
                s = scale[i]
                z = bias[i] + s * sum(map(vi.__getitem__, x))
                g = _sigmoid(z) - y[i]
                if y[i]:
                    g *= pos_w[i]
                s *= shrink
                step = lr * g / s
                for f in x:
                    vi[f] -= step
                bias[i] -= lr * g
                if s < 1e-3:
                    v[i] = vi = [w * s for w in vi]
                    s = 1.0
                scale[i] = s
    weights: dict[str, list[float]] = {}
    for k, name in enumerate(vocab):
        row = [round(v[i][k] * scale[i], 4) for i in range(L)]
        if max(map(abs, row)) >= params.prune:
            weights[name] = [w + 0.0 for w in row]  # + 0.0 turns -0.0 into 0.0
    return Fitted(weights, [round(b, 4) for b in bias])


# --- thresholds --------------------------------------------------------------------------


def trusted_families(rows: Sequence[Row], fired: Sequence[Sequence[Evidence]]) -> list[str]:
    """The rule families precise enough on the generated corpora to stand unreviewed."""
    hits: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for row, evidence in zip(rows, fired, strict=True):
        if not row.source.startswith("gen_"):
            continue  # the rules were written against the other files
        for name, label in {(family(e.rule), e.label) for e in evidence}:
            hits[name] += 1
            # Relapse named on a crisis message is folded into the crisis, not wrong.
            wanted = row.y[LABELS.index(label)] or (label is Label.relapse_risk and row.y[CRISIS])
            right[name] += bool(wanted)
    return sorted(
        name
        for name, n in hits.items()
        if n >= TRUST_MIN_HITS
        and right[name] / n
        >= TRUST_PRECISION.get(Label(name.split(".")[0]), TRUST_PRECISION_DEFAULT)
    )


def choose_cuts(
    z: Sequence[Sequence[float]],
    rows: Sequence[Row],
    subset: Sequence[int],
    budget: float,
    weight: Sequence[float],
    forced: Sequence[frozenset[int]],
    recall_floor: Sequence[float] = (),
) -> list[float]:
    """Logit thresholds, one per label, from scores ``z`` of the rows in ``subset``.

    ``recall_floor[i]``: the recall label ``i`` gets first, at the fewest false alarms that reach
    it (or as near as the budget allows), before the greedy search shares what is left.

    ``forced[j]``: the labels row ``j`` gets whatever its scores (trusted rules). Their
    false alarms are spent first; then each label may spend more (the union must stay
    within ``budget`` of the benign rows), greedily by weighted recall bought per false
    alarm. Each threshold sits midway (in log-odds) between the highest benign score it
    must exclude and the lowest positive score above that.
    """
    benign = [j for j in subset if not any(rows[j].y)]
    allowed = int(budget * len(benign) + 1e-9)
    spent = frozenset(j for j in benign if forced[j])
    options: list[list[tuple[float, frozenset[int], float]]] = []
    for i in range(L):
        scored = sorted(((z[j][i], j) for j in benign if j not in spent), reverse=True)
        positives = [z[j][i] for j in subset if rows[j].y[i] and i not in forced[j]]
        caught = sum(1 for j in subset if rows[j].y[i] and i in forced[j])
        total = len(positives) + caught
        label_options = []
        for a in range(max(0, min(allowed - len(spent), len(scored))) + 1):
            floor = scored[a][0] if a < len(scored) else -math.inf
            above = [p for p in positives if p > floor]
            if not above:
                cut = floor + 1.0
            elif floor == -math.inf:
                cut = min(above) - 1.0
            else:
                cut = (floor + min(above)) / 2.0
            flagged = frozenset(j for s, j in scored if s > cut)
            recall = (sum(p > cut for p in positives) + caught) / total if total else 1.0
            label_options.append((cut, flagged, recall))
        options.append(label_options)
    # Greedy, not exhaustive (the product of every label's options grows as budget^5):
    # start with no label spending a false alarm, then repeatedly take the step of one
    # label that buys the most weighted recall per false alarm it adds to the union,
    # while the union stays within the budget.
    pick = [0] * L
    flagged: frozenset[int] = spent
    for i, want in enumerate(recall_floor):
        for a in range(len(options[i])):
            if len(flagged | options[i][a][1]) > allowed:
                break
            pick[i] = a
            if options[i][a][2] >= want:
                break
        flagged = flagged | options[i][pick[i]][1]
    while True:
        best_step: tuple[float, int, int] | None = None
        for i in range(L):
            gain_base = options[i][pick[i]][2]
            for a in range(pick[i] + 1, len(options[i])):
                union = flagged | options[i][a][1]
                if len(union) > allowed:
                    break
                cost = max(len(union) - len(flagged), 1)
                gain = weight[i] * (options[i][a][2] - gain_base) / cost
                if gain > 0 and (best_step is None or gain > best_step[0]):
                    best_step = (gain, i, a)
        if best_step is None:
            break
        _, i, a = best_step
        pick[i] = a
        flagged = spent.union(*(options[k][pick[k]][1] for k in range(L)))
    return [options[i][pick[i]][0] for i in range(L)]


# --- evaluation --------------------------------------------------------------------------


def folds_of(rows: Sequence[Row], k: int, seed: int) -> list[int]:
    """A fold number per row, stratified by the row's first label (or none)."""
    strata: dict[int, list[int]] = {}
    for j, row in enumerate(rows):
        first = next((i for i in range(L) if row.y[i]), L)
        strata.setdefault(first, []).append(j)
    rng = random.Random(seed)
    fold = [0] * len(rows)
    offset = 0
    for key in sorted(strata):
        members = strata[key]
        rng.shuffle(members)
        for n, j in enumerate(members):
            fold[j] = (offset + n) % k
        offset += len(members)
    return fold


def out_of_fold(
    rows: Sequence[Row], feats: Sequence[list[str]], subset: Sequence[int], k: int, params: Params
) -> tuple[dict[int, list[float]], dict[int, int]]:
    """Out-of-fold logits for the rows in ``subset``, and each row's fold."""
    sub = [rows[j] for j in subset]
    fold_of = dict(zip(subset, folds_of(sub, k, params.seed), strict=True))
    z: dict[int, list[float]] = {}
    for f in range(k):
        train = [j for j in subset if fold_of[j] != f]
        model = fit(
            [feats[j] for j in train], [rows[j].y for j in train], params, _repeats(rows, train)
        )
        for j in subset:
            if fold_of[j] == f:
                z[j] = model.logits(feats[j])
    return z, fold_of


@dataclass
class Score:
    recall: list[float]
    precision: list[float]
    positives: list[int]
    false_alarm: float
    benign: int

    def line(self, name: str) -> str:
        cells = " ".join(f"{r:6.2f}" for r in self.recall)
        return f"  {name:28} {cells}  {self.false_alarm:6.3f}"


def score(preds: dict[int, set[int]], rows: Sequence[Row], subset: Iterable[int]) -> Score:
    tp, fp, pos = [0] * L, [0] * L, [0] * L
    benign = alarms = 0
    for j in subset:
        got, y = preds[j], rows[j].y
        for i in range(L):
            pos[i] += y[i]
            tp[i] += y[i] and i in got
            fp[i] += (not y[i]) and i in got
        if not any(y):
            benign += 1
            alarms += bool(got)
    return Score(
        recall=[tp[i] / pos[i] if pos[i] else math.nan for i in range(L)],
        precision=[tp[i] / (tp[i] + fp[i]) if tp[i] + fp[i] else math.nan for i in range(L)],
        positives=pos,
        false_alarm=alarms / benign if benign else math.nan,
        benign=benign,
    )


def header() -> str:
    names = " ".join(f"{label.value[:6]:>6}" for label in LABELS)
    return f"  {'recall by label':28} {names}  {'benFA':>6}"


def predicted(
    z: dict[int, list[float]], cuts: Sequence[float], forced: Sequence[frozenset[int]]
) -> dict[int, set[int]]:
    """What the model with the trusted rules gives each row."""
    return {j: {i for i in range(L) if zj[i] > cuts[i]} | forced[j] for j, zj in z.items()}


# --- main --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    paths = [Path(p).resolve() for p in args.data] if args.data else default_sources()
    rows, sizes = read_rows(paths)
    params = Params(
        l2=args.l2,
        epochs=args.epochs,
        lr=args.lr,
        pos_weight=args.pos_weight,
        min_df=args.min_df,
        prune=args.prune,
        seed=args.seed,
    )
    fired, feats = read_features(rows)
    rules = {j: {LABELS.index(e.label) for e in ev} for j, ev in enumerate(fired)}
    weight = recall_weights(args)
    trusted = trusted_families(rows, fired)
    forced = forced_labels(fired, trusted)
    nothing = [frozenset[int]()] * len(rows)
    everything = list(range(len(rows)))
    counts = [sum(r.y[i] for r in rows) for i in range(L)]
    print(f"data: {sum(sizes.values())} lines from {len(sizes)} files, {len(rows)} distinct")
    for name, n in sizes.items():
        print(f"  {name}: {n}")
    named = zip(LABELS, counts, strict=True)
    print("  positives: " + ", ".join(f"{lab.value} {c}" for lab, c in named))
    print(f"  benign: {sum(not any(r.y) for r in rows)}")
    print(f"params: {params}")

    print(f"trusted rule families ({len(trusted)}): {', '.join(trusted)}")
    if args.grid:
        return grid(rows, feats, everything, args, params, forced, rules)

    # Stratified k-fold over everything.
    z, fold_of = out_of_fold(rows, feats, everything, args.folds, params)
    crossfit: dict[int, set[int]] = {}
    alone: dict[int, set[int]] = {}
    for f in range(args.folds):
        others = [j for j in everything if fold_of[j] != f]
        zd = _dense(z, len(rows))
        cuts = choose_cuts(zd, rows, others, args.budget, weight, forced)
        crossfit.update(predicted({j: z[j] for j in everything if fold_of[j] == f}, cuts, forced))
        cuts = choose_cuts(zd, rows, others, args.budget, weight, nothing)
        alone.update(predicted({j: z[j] for j in everything if fold_of[j] == f}, cuts, nothing))
    zd = _dense(z, len(rows))
    cuts_all = choose_cuts(zd, rows, everything, args.budget, weight, forced)
    insample = predicted(z, cuts_all, forced)
    union = {j: crossfit[j] | rules[j] for j in everything}
    print(f"\n{args.folds}-fold stratified CV, all rows (thresholds cross-fitted)")
    print(header())
    cv_model = score(crossfit, rows, everything)
    cv_union = score(union, rows, everything)
    print(cv_model.line("model + trusted rules"))
    print(score(insample, rows, everything).line("same, in-sample thresholds"))
    print(score(alone, rows, everything).line("model alone"))
    print(score(rules, rows, everything).line("rules (fit to dev+holdout!)"))
    print(cv_union.line("model | rules"))
    print("  model precision by label      " + " ".join(f"{p:6.2f}" for p in cv_model.precision))
    for source in () if args.skip_sources else UNSEEN:
        part = [j for j in everything if rows[j].source == source]
        if not part:
            continue
        print(f"\nsame CV, only the {len(part)} rows of {source}.jsonl")
        print(header())
        print(score(crossfit, rows, part).line("model"))
        print(score(rules, rows, part).line("rules"))
        print(score(union, rows, part).line("model | rules"))
        # Cross-source: learn from the other files, test on this one.
        rest = [j for j in everything if rows[j].source != source]
        zr, _ = out_of_fold(rows, feats, rest, args.folds, params)
        zd = _dense(zr, len(rows))
        cuts_rest = choose_cuts(zd, rows, rest, args.budget, weight, forced)
        model = fit(
            [feats[j] for j in rest], [rows[j].y for j in rest], params, _repeats(rows, rest)
        )
        pt = predicted({j: model.logits(feats[j]) for j in part}, cuts_rest, forced)
        print(f"cross-source: train on the {len(rest)} other rows, test on {source}.jsonl")
        print(score(pt, rows, part).line("model"))
        print(score(rules, rows, part).line("rules"))
        print(score({j: pt[j] | rules[j] for j in part}, rows, part).line("model | rules"))

    # Final model on everything; thresholds from the calibration sets when there are any,
    # else from the all-rows CV.
    final = fit(feats, [r.y for r in rows], params, _repeats(rows, range(len(rows))))
    calibration = [Path(p).resolve() for p in args.calibrate] if args.calibrate else []
    if calibration:
        cuts_all = calibrate(final, calibration, trusted, args.calibration_budget, weight)
    probs = {lab.value: round(_sigmoid(c), 4) for lab, c in zip(LABELS, cuts_all, strict=True)}
    # Rounding must not move a threshold across a score: keep the rounded probability.
    print("\nthresholds (probability): " + ", ".join(f"{k} {v}" for k, v in probs.items()))
    doc = {
        "format": "hearth-moderation-linear",
        "version": "",
        "feature_version": FEATURE_VERSION,
        "features": {
            "normalise": "NFKC, casefold, zero-width and apostrophes removed, light leetspeak, "
            "digits as shape, 988/911 as words, chat spellings expanded",
            "word_classes": sorted(
                {
                    f
                    for fs in feats
                    for f in fs
                    if f[0] == "_" and " " not in f and "&" not in f and f in _CLASS_NAMES
                }
            ),
            "ngrams": [1, 2],
            "binary": True,
            "flags": sorted(
                {
                    f
                    for fs in feats
                    for f in fs
                    if f[0] == "_" and " " not in f and "&" not in f and f not in _CLASS_NAMES
                }
            ),
            "class_bigrams": True,
            "flag_x_class_pairs": True,
        },
        "labels": [lab.value for lab in LABELS],
        "thresholds": probs,
        "trusted_families": trusted,
        "bias": {lab.value: b for lab, b in zip(LABELS, final.bias, strict=True)},
        "training": {
            "files": sizes,
            "rows": len(rows),
            "positives": {lab.value: c for lab, c in zip(LABELS, counts, strict=True)},
            "benign": sum(not any(r.y) for r in rows),
            "params": asdict(params),
            "budget": args.budget,
            "calibration": [p.name for p in calibration],
            "calibration_budget": args.calibration_budget if calibration else None,
            "crisis_weight": args.crisis_weight,
            "relapse_weight": args.relapse_weight,
            "folds": args.folds,
        },
        "cv": {
            "model_recall": _named(cv_model.recall),
            "model_benign_false_alarm": round(cv_model.false_alarm, 4),
            "union_recall": _named(cv_union.recall),
            "union_benign_false_alarm": round(cv_union.false_alarm, 4),
        },
        "weights": dict(sorted(final.weights.items())),
    }
    text = dump(doc)
    doc["version"] = f"{FEATURE_VERSION}.{hashlib.sha256(text.encode()).hexdigest()[:12]}"
    text = dump(doc)
    # The packaged reader must reproduce the trainer's decisions.
    loaded = parse_weights(text)
    for fs in feats:
        pairs = zip(final.logits(fs), logits(loaded, fs), strict=True)
        assert all(abs(a - b) < 1e-9 for a, b in pairs), "model.json does not read back"
    print(
        f"model: {len(final.weights)} features, {len(text.encode()) / 1024:.0f} KiB, "
        f"version {doc['version']}"
    )
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


def calibrate(
    model: Fitted,
    paths: Sequence[Path],
    trusted: Sequence[str],
    budget: float,
    weight: Sequence[float],
) -> list[float]:
    """Thresholds for ``model`` chosen on messages written like the ones Hearth will
    read, not on the corpora's hard negatives, whose benign share flagged runs about twice
    the rate of ordinary chat; so the budget here is the product's own (at most 5% of benign
    messages flagged, less a margin). Prints the figures of two-fold cross-fitting on
    these sets, then of the thresholds chosen on all of them."""
    rows, sizes = read_rows(paths)
    fired, feats = read_features(rows)
    z = [model.logits(f) for f in feats]
    forced = forced_labels(fired, trusted)
    every = list(range(len(rows)))
    halves = [every[0::2], every[1::2]]
    crossfit: dict[int, set[int]] = {}
    for part, other in (halves, halves[::-1]):
        cuts = choose_cuts(z, rows, other, budget, weight, forced, RECALL_FLOOR)
        crossfit.update(predicted({j: z[j] for j in part}, cuts, forced))
    cuts = choose_cuts(z, rows, every, budget, weight, forced, RECALL_FLOOR)
    print(f"\ncalibration: {len(rows)} messages from {', '.join(sizes)}, budget {budget:.3f}")
    print(header())
    print(score(crossfit, rows, every).line("final model, 2-fold cross-fit"))
    print(score(predicted(dict(enumerate(z)), cuts, forced), rows, every).line("same, in-sample"))
    return cuts


def recall_weights(args: argparse.Namespace) -> list[float]:
    """How much each label's recall counts when the false-alarm budget is shared."""
    chosen = {Label.crisis: args.crisis_weight, Label.relapse_risk: args.relapse_weight}
    return [chosen.get(label, 1.0) for label in LABELS]


def _repeats(rows: Sequence[Row], subset: Iterable[int]) -> list[int]:
    return [SPEC_REPEAT if rows[j].source == SPEC_SOURCE else 1 for j in subset]


def _named(values: Sequence[float]) -> dict[str, float]:
    return {lab.value: round(v, 4) for lab, v in zip(LABELS, values, strict=True)}


def _dense(z: dict[int, list[float]], n: int) -> list[list[float]]:
    empty = [0.0] * L
    return [z.get(j, empty) for j in range(n)]


def dump(doc: dict[str, object]) -> str:
    """JSON with one weight row a line: compact, yet readable in a diff."""
    head = {k: v for k, v in doc.items() if k != "weights"}
    body = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
    weights = doc["weights"]
    assert isinstance(weights, dict)
    lines = [
        json.dumps(f, ensure_ascii=False) + ":" + json.dumps(w, separators=(",", ":"))
        for f, w in weights.items()
    ]
    return body + ',\n "weights": {\n' + ",\n".join(lines) + "\n }\n}\n"


def grid(
    rows: list[Row],
    feats: list[list[str]],
    everything: list[int],
    args: argparse.Namespace,
    base: Params,
    forced: Sequence[frozenset[int]],
    rules: dict[int, set[int]],
) -> int:
    """Compare a few settings by cross-fitted CV (model alone and union with rules)."""
    tune = [j for j in everything if rows[j].source == UNSEEN[0]]
    print(header() + "   (then: tune rows only, union with rules)")
    for l2, epochs, pos_weight, min_df in itertools.product(
        (1e-4, 3e-4, 1e-3, 3e-3), (30,), ("sqrt", "none"), (1, 2)
    ):
        p = replace(base, l2=l2, epochs=epochs, pos_weight=pos_weight, min_df=min_df)
        z, fold_of = out_of_fold(rows, feats, everything, args.folds, p)
        pred: dict[int, set[int]] = {}
        for f in range(args.folds):
            others = [j for j in everything if fold_of[j] != f]
            zd = _dense(z, len(rows))
            cuts = choose_cuts(zd, rows, others, args.budget, recall_weights(args), forced)
            pred.update(predicted({j: z[j] for j in everything if fold_of[j] == f}, cuts, forced))
        name = f"l2={l2:g} ep={epochs} pw={pos_weight} df={min_df}"
        print(score(pred, rows, everything).line(name))
        if tune:
            union = {j: pred[j] | rules[j] for j in tune}
            print(score(union, rows, tune).line("   tune, union"))
        sys.stdout.flush()
    return 0


def main(argv: list[str] | None = None) -> int:
    d = Params()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--data", nargs="*", help="labelled JSON-lines files (default: found ones)")
    ap.add_argument("--out", default=str(OUT), help="where to write the weights")
    ap.add_argument("--dry-run", action="store_true", help="report, write nothing")
    ap.add_argument("--grid", action="store_true", help="compare a few settings, write nothing")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=d.seed)
    ap.add_argument("--l2", type=float, default=d.l2)
    ap.add_argument("--epochs", type=int, default=d.epochs)
    ap.add_argument("--lr", type=float, default=d.lr)
    ap.add_argument("--pos-weight", choices=("sqrt", "none"), default=d.pos_weight)
    ap.add_argument("--min-df", type=int, default=d.min_df)
    ap.add_argument("--prune", type=float, default=d.prune)
    ap.add_argument("--budget", type=float, default=0.07, help="benign false-alarm budget")
    ap.add_argument(
        "--calibrate",
        nargs="*",
        default=[str(p) for p in sorted(CALIBRATION.glob("*.jsonl"))],
        help="labelled sets the final thresholds are chosen on (default: all of"
        " tools/moderation_calibration; none: the corpora's cross-validation chooses)",
    )
    ap.add_argument("--calibration-budget", type=float, default=0.04)
    ap.add_argument("--crisis-weight", type=float, default=8.0)
    # Relapse risk asks a facilitator to reach out, so a miss costs more than a false
    # alarm; without weight the budget went to the labels whose look-alikes are rarer, and
    # it is the label furthest below its target on every held-out set.
    ap.add_argument("--relapse-weight", type=float, default=3.0)
    ap.add_argument(
        "--skip-sources", action="store_true", help="skip the per-source reports (faster)"
    )
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
