from proplens.scoring._measures import f1, precision_recall_f1


def test_hand_worked_ratios_and_their_f1() -> None:
    # 3 of 4 predictions right, 3 of 6 gold found: P 0.75, R 0.5, F1 2*0.375/1.25 = 0.6
    assert precision_recall_f1(3, 4, 3, 6) == (0.75, 0.5, 0.6)
    # SI sums partial overlaps: 1.5 of 2 predicted spans, 0.5 of 1 gold span
    assert precision_recall_f1(1.5, 2, 0.5, 1) == (0.75, 0.5, 0.6)
    assert f1(0.0, 0.0) == 0.0 and f1(1.0, 1.0) == 1.0


def test_an_empty_side_scores_zero_and_both_empty_score_one() -> None:
    assert precision_recall_f1(0, 0, 0, 5) == (0.0, 0.0, 0.0)  # nothing predicted
    assert precision_recall_f1(0, 5, 0, 0) == (0.0, 0.0, 0.0)  # nothing to find
    assert precision_recall_f1(0, 0, 0, 0) == (1.0, 1.0, 1.0)
