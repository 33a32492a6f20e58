"""The learned moderation model: packaged weights load, predictions, evidence, training."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from moderation import model
from moderation.labels import Evidence, Label

ROOT = Path(__file__).resolve().parent.parent.parent
HOLDOUT = Path(__file__).with_name("moderation_holdout.jsonl")


def _trainer() -> ModuleType:
    path = ROOT / "tools" / "train_moderation.py"
    spec = importlib.util.spec_from_file_location("train_moderation", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("train_moderation", module)  # dataclasses look the module up
    spec.loader.exec_module(module)
    return module


def test_weights_load() -> None:
    assert model.available()
    assert model.version().startswith(f"{model.FEATURE_VERSION}.")
    cuts = model.thresholds()
    assert set(cuts) == set(Label)
    assert all(0.0 < p < 1.0 for p in cuts.values())


def test_obvious_cases() -> None:
    crisis = model.predict("i am going to kill myself tonight, i have the pills ready")
    assert crisis[Label.crisis] > model.thresholds()[Label.crisis]
    calm = model.predict("see everyone at group on thursday, i'll bring coffee")
    assert not any(p > model.thresholds()[label] for label, p in calm.items())
    assert model.decide("see everyone at group on thursday, i'll bring coffee", []) == []


def test_labels_respect_thresholds() -> None:
    texts = [json.loads(line)["text"] for line in HOLDOUT.read_text("utf-8").splitlines() if line]
    cuts = model.thresholds()
    for text in texts[:80]:
        probs = model.predict(text)
        # Exactly the labels above threshold (skip scores within rounding of the cut).
        given = {e.label for e in model.decide(text, [])}
        for label, p in probs.items():
            if abs(p - cuts[label]) > 1e-6:
                assert (label in given) == (p > cuts[label]), (label, p)


def test_evidence_is_an_ngram_of_the_input() -> None:
    text = "I'm gonna end it tonight. I have the pills counted out"
    found = model.decide(text, [])
    assert any(e.label is Label.crisis for e in found)
    tokens = model.normal_tokens(text)
    ngrams = set(tokens) | {f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)}
    for e in found:
        assert e.rule == f"{e.label.value}.model"
        assert e.phrase in ngrams
        assert e.phrase not in repr(e)


def test_rules_that_fired_are_features_and_their_evidence_is_kept() -> None:
    """The rules' candidates reach the model as features; when the model keeps a
    label, the rule's own evidence is what the facilitator reads."""
    assert model.rule_features(["crisis.strong.means", "crisis.cues"]) == [
        "_R:crisis",
        "_R:crisis.strong",
        "_R:crisis.cues",
    ]
    text = "i'm going to kill myself tonight, the pills are counted out"
    feats = model.featurize(text, rules=["crisis.strong.means"])
    assert "_R:crisis.strong" in feats
    rule = Evidence(Label.crisis, "crisis.strong.means", "pills")
    assert model.decide(text, [rule]) == [rule]
    # A rule's guess in a calm, past-tense story is outvoted.
    story = "my old dealer used to sell out of his garage, glad that life is over"
    guess = Evidence(Label.substance_acquisition, "substance_acquisition.cues", "sell")
    assert model.decide(story, [guess]) == []


def test_featurize_is_pure_and_normalises() -> None:
    assert model.featurize("I'M GONNA") == model.featurize("im gonna")
    assert "kill myself" in model.featurize("gonna k1ll myself")
    assert "_phone" in model.featurize("call 617-555-0148")
    assert "crisisline" in model.featurize("text 988 anytime")
    assert model.featurize("") == []


def test_words_under_a_negation_are_other_words() -> None:
    feats = model.featurize("I'm not going to drink this weekend")
    assert {"~going", "~drink", "~to ~drink", "not ~going"} <= set(feats)
    assert "drink" not in feats and "to drink" not in feats
    # Beyond the negation's reach, words are themselves again.
    assert "weekend" in model.featurize("not one of us, and i will drink all weekend")
    assert model.decide("I'm not going to drink this weekend", []) == []


def test_other_feature_version_is_refused() -> None:
    raw = (ROOT / "moderation/data/model.json").read_text("utf-8")
    doc = json.loads(raw)
    doc["feature_version"] = model.FEATURE_VERSION + 1
    with pytest.raises(model.ModelUnavailable):
        model.parse_weights(json.dumps(doc))


def test_training_is_deterministic() -> None:
    train = _trainer()
    rows, _ = train.read_rows([HOLDOUT])
    rows = rows[:60]
    docs = [model.featurize(r.text) for r in rows]
    params = train.Params(epochs=3)
    first = train.fit(docs, [r.y for r in rows], params)
    second = train.fit(docs, [r.y for r in rows], params)
    assert first.weights == second.weights and first.bias == second.bias
    assert first.weights  # it learned something
