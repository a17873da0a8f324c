"""Small-table helpers (evaltools.scoring.frames): the same frames and means as the pandas steps they replace."""

import numpy as np
import pandas as pd

from evaltools.scoring.frames import str_column, unit_means, with_columns


def test_with_columns_sets_columns_as_setitem_does():
    frame = pd.DataFrame({"org": pd.Categorical(["a", "b"]), "score": [1.0, 2.0]}, index=[3, 7])
    frame.attrs["source"] = "form.xlsx"
    columns = {"score": np.array([5.0, 6.0]), "grade": ["良", None], "flag": True, "note": None}
    expected = frame.copy()
    for name, value in columns.items():
        expected[name] = value
    got = with_columns(frame, columns)
    pd.testing.assert_frame_equal(got, expected)
    assert list(got.columns) == ["org", "score", "grade", "flag", "note"]
    assert got.attrs == {"source": "form.xlsx"}
    assert frame["score"].tolist() == [1.0, 2.0]  # the input is not changed


def test_unit_means_one_form_per_unit_hand_computed():
    projects = pd.DataFrame({"budget": [100.0, 50.0], "computed_score": [80.0, np.nan], "score": [90.0, 70.0]})
    (c_simple, c_weighted), (a_simple, a_weighted) = unit_means(
        projects, np.array([1, 0]), 3, ["computed_score", "score"]
    )
    # unit 0: its one form's computed score is unknown → unknown (not the mean of nothing); unit 2: no form
    np.testing.assert_array_equal(c_simple, [np.nan, 80.0, np.nan])
    np.testing.assert_array_equal(c_weighted, [np.nan, 80.0, np.nan])
    np.testing.assert_array_equal(a_simple, [70.0, 90.0, np.nan])
    np.testing.assert_array_equal(a_weighted, [70.0, 90.0, np.nan])


def test_unit_means_one_form_per_unit_equals_the_grouped_means():
    rng = np.random.default_rng(5)
    values = np.round(rng.uniform(0, 100, (6, 3)), 2)
    values[rng.random((6, 3)) < 0.3] = np.nan
    projects = pd.DataFrame(values, columns=["budget", "computed_score", "score"])
    one = unit_means(projects, np.array([4, 0, 2, 5, 1, 3]), 7, ["computed_score", "score"])
    # the same forms, each twice over with a zero-budget NaN-score copy: the grouped path; means of one form each
    doubled = pd.concat([projects, projects.assign(budget=0.0)], ignore_index=True)
    grouped = unit_means(doubled, np.array([4, 0, 2, 5, 1, 3] * 2), 7, ["computed_score", "score"])
    for (s1, w1), (s2, w2) in zip(one, grouped):
        np.testing.assert_allclose(s1, s2, rtol=0, atol=1e-12)
        np.testing.assert_allclose(w1, w2, rtol=0, atol=1e-12)


def test_code_sums_hand_computed_one_row_per_code_and_grouped():
    from evaltools.scoring.frames import code_sums

    # one row per code (the audit of forms: each unit one form): each sum is its value, -0.0 summed to 0.0
    one = code_sums({"budget": np.array([-0.0, 12.5, 3.0])}, np.array([2, 0, -1]), 4)
    np.testing.assert_array_equal(one["budget"], [12.5, 0.0, 0.0, 0.0])
    assert not np.signbit(one["budget"][2])  # 0.0 + (-0.0): as the grouped sum gives it
    # several rows of a code: the grouped sum (0.1 + 0.2 + 0.3 in row order; the row of no code left out)
    many = code_sums({"spent": np.array([0.1, 5.0, 0.2, 9.0, 0.3])}, np.array([1, 0, 1, -1, 1]), 3)
    expected = pd.Series([0.1, 0.2, 0.3]).groupby([0, 0, 0]).sum().iloc[0]
    np.testing.assert_array_equal(many["spent"], [5.0, expected, 0.0])
    assert abs(expected - 0.6) < 1e-15


def test_str_column_is_what_setting_the_object_array_makes():
    for values in (
        np.array(["error", None, "info", np.nan, "error"] * 400, dtype=object),
        np.array([], dtype=object),
        np.array([None, None], dtype=object),
        np.array(["x", 1], dtype=object),
    ):
        expected = pd.DataFrame({"n": np.zeros(len(values))})
        expected["s"] = values
        got = pd.DataFrame({"n": np.zeros(len(values))})
        got["s"] = str_column(values)
        pd.testing.assert_frame_equal(got, expected)
    assert str(got["s"].dtype) == "object" and list(got["s"]) == ["x", 1]
    text = str_column(np.array(["error", None, "info"], dtype=object))
    assert str(text.dtype) == "str" and list(pd.Series(text).isna()) == [False, True, False]
