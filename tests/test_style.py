import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from emergence import style  # noqa: E402


def test_panel_grid_wraps_each_group_into_rows():
    fig, groups = style.panel_grid([7, 3, 1], max_cols=4, sharey=True)
    assert [len(g) for g in groups] == [7, 3, 1]
    # 7 -> two rows, 3 -> one, 1 -> one: four rows of four
    rows = {ax.get_subplotspec().rowspan.start for g in groups for ax in g}
    assert rows == {0, 1, 2, 3}
    assert groups[1][0].get_subplotspec().rowspan.start == 2  # each group starts a row
    visible = [ax for ax in fig.axes if ax.axison]
    assert len(visible) == 11 and len(fig.axes) == 16
    plt.close(fig)
    fig, groups = style.panel_grid([2, 2], max_cols=4)
    assert fig.axes[0].get_subplotspec().get_gridspec().ncols == 2  # no wider than needed
    plt.close(fig)


def test_panel_grid_rejects_bad_input():
    with pytest.raises(ValueError, match="group_sizes must be positive integers"):
        style.panel_grid([3, 0])
    with pytest.raises(ValueError, match="max_cols must be an integer >= 1"):
        style.panel_grid([3], max_cols=0)
