import json

from rich.console import Console

from proplens.scoring import formatting


def render(table: object) -> str:
    console = Console(width=200, record=True)
    console.print(table)
    return console.export_text()


def test_summary_formats_ratios_and_counts() -> None:
    text = render(
        formatting.summary_table("SI", {"precision": 0.5, "gold_spans": 1.0}, ("precision", "gold_spans"))
    )
    assert "0.5000" in text
    assert " 1 " in text  # a count of 1 is a count, not a ratio


def test_technique_table_orders_by_support() -> None:
    scores = {}
    for name, support in (("Doubt", 1.0), ("Loaded_Language", 5.0)):
        scores.update(
            {
                f"precision/{name}": 1.0,
                f"recall/{name}": 1.0,
                f"f1/{name}": 1.0,
                f"support/{name}": support,
            }
        )
    text = render(formatting.technique_table(scores))
    assert text.index("Loaded_Language") < text.index("Doubt")


def test_confusion_table_uses_abbreviations_with_a_legend() -> None:
    text = render(formatting.confusion_table({"Doubt": {"Loaded_Language": 2}}))
    flat = " ".join(text.split())
    assert "DOUBT" in text and "LOAD" in text and "LOAD = Loaded_Language" in flat


def test_scores_json_wraps_context() -> None:
    assert json.loads(formatting.scores_json({"f1": 1.0}, task="si")) == {
        "task": "si",
        "scores": {"f1": 1.0},
    }
