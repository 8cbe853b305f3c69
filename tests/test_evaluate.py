"""The quote scorer on hand-made gold and predictions, and against the reference scorer."""

from __future__ import annotations

import importlib.util
import json
import subprocess

import pytest

from news_etl import evaluate
from news_etl.evaluate import half_of, name_key, run_eval, score
from tasks.core.errors import UsageError
from tests.conftest import SHARED
from tests.helpers import CLI

TEXT = ('"We will not back down," Kremlin spokesman Dmitry Peskov told reporters. '
        '"The talks were useful." Putin said the partnership was growing. '
        'Critics called it a "no-limits friendship."')


def span(sub: str, start: int = 0) -> list[int]:
    i = TEXT.index(sub, start)
    return [i, i + len(sub)]


GOLD = [{
    "doc_id": "d1", "text": TEXT,
    "attributions": [
        {"content": [span("We will not back down,"), span("The talks were useful.")],
         "source": [span("Dmitry Peskov")], "quote_type": "direct", "speaker_name": "Dmitry Peskov"},
        {"content": [span("the partnership was growing")], "source": [span("Putin")],
         "quote_type": "indirect", "speaker_name": "Vladimir Putin"},
        {"content": [span("no-limits friendship.")], "source": [], "quote_type": "direct",
         "core": False},
    ],
}]


def test_score_on_hand_made_predictions():
    pred = {"d1": [
        # first half only of the split quote, right speaker mention and name
        {"content": [span("We will not back down,")], "source": [span("Peskov")],
         "speaker": "Dmitry Peskov", "speaker_rule": "subject"},
        # the indirect quote, exactly, with the surname only as name
        {"content": [span("the partnership was growing")], "source": [span("Putin")],
         "speaker": "Putin", "speaker_rule": "pronoun"},
        # a scare quote: set aside with --core-only, a false positive without
        {"content": [span("no-limits friendship")], "source": [], "speaker": None},
    ]}
    res = score(GOLD, pred, {"direct", "mixed", "indirect"}, core_only=True)
    assert (res["gold"], res["predicted"]) == (2, 2)
    assert res["exact"] == (0.5, 0.5, 0.5)
    # 'We will not back down' is 21 of the 41 scored gold characters: >= 0.3, < 0.8
    assert res["overlap@0.3"] == (1.0, 1.0, 1.0)
    assert res["overlap@0.8"] == (0.5, 0.5, 0.5)
    assert res["speaker_mention_accuracy"] == 1.0
    assert res["speaker_name_accuracy"] == 0.5
    # each rule's accuracy on its own pairs: the name the pronoun rule gave was the surname only
    assert res["by_speaker_rule"] == {
        "subject": {"pairs": 1, "mention_accuracy": 1.0, "named": 1, "name_accuracy": 1.0},
        "pronoun": {"pairs": 1, "mention_accuracy": 1.0, "named": 1, "name_accuracy": 0.0}}
    full = score(GOLD, pred, {"direct", "mixed", "indirect"}, core_only=False)
    assert (full["gold"], full["predicted"], full["overlap@0.3"][2]) == (3, 3, 1.0)
    direct = score(GOLD, pred, {"direct"}, core_only=True)
    # the indirect prediction lands on set-aside gold: neither right nor wrong
    assert (direct["gold"], direct["predicted"], direct["exact"][0]) == (1, 1, 0.0)


def test_name_key():
    assert name_key("The Kremlin's") == name_key("kremlin") == "kremlin"
    assert name_key("Xi Jinping") == "xi jinping"


def test_the_halves_split_a_gold_set_by_its_ids_and_eval_scores_one(tmp_path, monkeypatch,
                                                                    capsys):
    ids = [f"outlet_2016-{k:03d}_story" for k in range(200)]
    halves = {i: half_of(i) for i in ids}
    assert {half_of(i) for i in ids} == {"a", "b"}  # both halves, every id in exactly one
    assert all(half_of(i) == h for i, h in halves.items())  # by the id alone: the same each time
    assert 70 <= sum(h == "a" for h in halves.values()) <= 130
    gold = tmp_path / "gold.jsonl"
    docs = [{**GOLD[0], "doc_id": i} for i in ids[:12]]
    gold.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    # no model: every article predicted empty, so the figures count the half's gold alone
    monkeypatch.setattr(evaluate, "predict", lambda docs, *a, **k: {d["doc_id"]: [] for d in docs})
    per_doc = len([a for a in GOLD[0]["attributions"] if a["quote_type"] in ("direct", "mixed")])
    for half in ("a", "b"):
        run_eval(gold, "direct,mixed", False, None, "none", (), as_json=True, half=half)
        got = json.loads(capsys.readouterr().out)
        assert got["gold"] == per_doc * sum(half_of(i) == half for i in ids[:12])
    # a half with no article of the set is said so, not scored as zeros
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({**GOLD[0], "doc_id": ids[0]}) + "\n", encoding="utf-8")
    other = "b" if half_of(ids[0]) == "a" else "a"
    with pytest.raises(UsageError, match=f"falls in half {other}"):
        run_eval(one, "direct,mixed", False, None, "none", (), half=other)


@pytest.mark.skipif(not (SHARED / "eval" / "score_quotes.py").exists(),
                    reason="../shared/eval (the reference scorer and seed gold) is not present")
@pytest.mark.slow
@pytest.mark.parametrize("types", ["direct,mixed", "direct,mixed,indirect"])
def test_eval_command_agrees_with_reference_scorer(tmp_path, types):
    gold = SHARED / "eval" / "seed" / "gold.jsonl"
    pred = tmp_path / "pred.jsonl"
    res = subprocess.run([str(CLI), "eval", "quotes", str(gold), "--types", types, "--core-only",
                          "--json", "--pred-out", str(pred)], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    ours = json.loads(res.stdout)
    by_rule = ours.pop("by_speaker_rule")  # ours alone: the reference scorer has no rules
    assert sum(v["pairs"] for v in by_rule.values()) == round(ours["overlap@0.3"][0]
                                                               * ours["predicted"])
    spec = importlib.util.spec_from_file_location("score_quotes", SHARED / "eval" / "score_quotes.py")
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    theirs = ref.score(str(gold), str(pred), set(types.split(",")), True)
    assert json.loads(json.dumps(theirs)) == ours
    assert ours["gold"] > 0 and ours["predicted"] > 0
