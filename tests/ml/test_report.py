"""The quantization report: what it measures, its table, its plots, its command."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from zkpot.cli import main
from zkpot.errors import InvalidInput
from zkpot.ml.datasets import iris_split
from zkpot.ml.fixedpoint import FixedPoint
from zkpot.ml.model import twins
from zkpot.ml.report import compare, load, quantize_report
from zkpot.ml.train import Schedule, train


@pytest.fixture(scope="module")
def report():
    return quantize_report(schedule=Schedule(epochs=20), fmt=FixedPoint(frac_bits=12))


def test_the_report_measures_every_layer(report) -> None:
    assert report.sizes == [4, 8, 3] and [row.layer for row in report.layers] == [0, 1, 2]
    assert report.n_test == 30 and report.dataset == "iris"
    # the input's error is the quantization of the data alone: at most half a step
    assert 0 < report.layers[0].max_error <= 2.0**-13
    assert report.layers[0].mean_error <= report.layers[0].max_error
    for row in report.layers:
        assert row.headroom_bits == 23 - row.peak.bit_length()
        assert 0 < row.peak < 2**23
    assert report.headroom_bits == min(row.headroom_bits for row in report.layers)
    # a prediction that differs between the twins is the only way the counts can differ
    assert abs(report.float_correct - report.fixed_correct) <= report.flipped
    assert len(report.float_history.loss) == len(report.fixed_history.test_accuracy) == 20


def test_the_errors_are_measured_not_assumed() -> None:
    """compare() reads what the models compute: break one weight and the error shows."""
    _, test_set = iris_split()
    float_net, fixed_net = twins([4, 8, 3])
    before = compare(float_net, fixed_net, test_set)
    fixed_net.layers[1].weight[0, 0] += 1 << 16  # one weight off by 1.0
    after = compare(float_net, fixed_net, test_set)
    assert before.layers[2].max_error < 1e-3 < after.layers[2].max_error
    assert after.layers[1].max_error == before.layers[1].max_error


def test_peaks_cover_training_and_the_test_pass() -> None:
    train_set, test_set = iris_split()
    _, fixed_net = twins([4, 8, 3])
    train(fixed_net, train_set, Schedule(epochs=2))
    trained = dict(fixed_net.arithmetic.peaks)
    report = compare(twins([4, 8, 3])[0], fixed_net, test_set)
    for site in [(2, "output error"), (1, "error"), (1, "weight gradient"), (2, "bias update")]:
        assert site in trained
    # each layer's peak is the largest of its sites, over training and the test pass
    for row in report.layers:
        layer_peaks = {
            what: v for (n, what), v in fixed_net.arithmetic.peaks.items() if n == row.layer
        }
        assert row.peak == max(layer_peaks.values()) == layer_peaks[row.peak_site]
        assert row.peak >= max(v for (n, _), v in trained.items() if n == row.layer)


def test_table_and_summary(report) -> None:
    table = report.table().splitlines()
    assert len(table) == 4 and all(len(line) <= 80 for line in table)
    assert re.match(r"\s+1  4→8 ", table[2])
    summary = report.summary().splitlines()
    assert summary[0] == "4-8-3 MLP on iris: f = 12 fractional bits, bound |v| < 2^23"
    assert summary[-2] == f"float accuracy: {100 * report.float_correct / 30:.2f}%"
    assert summary[-1] == f"fixed accuracy: {100 * report.fixed_correct / 30:.2f}%"


def test_plots_are_png_files(report, tmp_path) -> None:
    written = report.plot(tmp_path / "plots")
    assert [path.name for path in written] == ["quantization-error.png", "training-curves.png"]
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


def test_plots_without_matplotlib_say_how_to_get_it(report, tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ModuleNotFoundError, match=r"zkpot\[plots\]"):
        report.plot(tmp_path)


def test_compare_refuses_mismatched_models() -> None:
    _, test_set = iris_split()
    float_net, fixed_net = twins([4, 8, 3])
    with pytest.raises(InvalidInput, match="fixed-point"):
        compare(float_net, float_net, test_set)
    with pytest.raises(InvalidInput, match="sizes"):
        compare(twins([4, 5, 3])[0], fixed_net, test_set)
    with pytest.raises(InvalidInput, match="unknown data set 'mnist'"):
        load("mnist")


def test_load_blobs_is_standardized() -> None:
    train_set, _ = load("blobs", seed=2)
    assert train_set.n_features == 4 and train_set.n_classes == 3
    np.testing.assert_allclose(train_set.x.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(train_set.x.std(axis=0), 1, atol=1e-12)


# -- the command line ---------------------------------------------------------------


def test_quantize_report_with_no_arguments_ends_with_the_two_accuracies(capsys) -> None:
    assert main(["quantize-report"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert "fixed epoch  100/100" in "\n".join(out)
    assert re.fullmatch(r"float accuracy: \d+\.\d\d%", out[-2])
    assert re.fullmatch(r"fixed accuracy: \d+\.\d\d%", out[-1])
    expected = quantize_report()
    assert out[-2:] == expected.summary().splitlines()[-2:]


def test_quantize_report_options_and_plots(capsys, tmp_path) -> None:
    args = ["quantize-report", "--dataset", "blobs", "--hidden", "6,5", "--epochs", "3"]
    assert main([*args, "--frac-bits", "10", "--plots", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "4-6-5-3 MLP on blobs: f = 10 fractional bits" in out
    assert f"wrote {tmp_path / 'training-curves.png'}" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--frac-bits", "30"], "need 0 ≤ f < B − 1"),
        (["--frac-bits", "8", "--bound-bits", "11", "--epochs", "2"], r"outside ±2\^10"),
        (["--log2-batch", "8"], "do not fill a batch of 256"),
        (["--hidden", "x"], "argument --hidden: expected widths separated by commas"),
        (["--hidden", ""], "argument --hidden: give at least one hidden layer width"),
        (["--hidden", "8,0"], "argument --hidden: every width must be ≥ 1"),
        (["--seed", "-1"], "argument --seed: expected a number ≥ 0, got -1"),
        (["--epochs", "two"], "argument --epochs: expected a whole number, got 'two'"),
        (["--frac-bits", "20", "--bound-bits", "22"], r"iris training inputs .* outside ±2\^21"),
    ],
)
def test_quantize_report_errors_exit_2_with_a_message(capsys, args, message) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["quantize-report", *args])
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert err.startswith("usage: zkpot quantize-report")
    assert re.search(f"zkpot quantize-report: error: .*{message}", err), err
    if "--log2-batch" not in args and "11" not in args:  # these two are found while training
        assert "epoch" not in out  # the rest before any training


def test_quantize_report_refuses_a_plots_file_before_training(capsys, tmp_path) -> None:
    existing = tmp_path / "plots.png"
    existing.write_bytes(b"")
    for plots in (existing, existing / "inside"):
        with pytest.raises(SystemExit) as exit_:
            main(["quantize-report", "--plots", str(plots)])
        assert exit_.value.code == 2
        out, err = capsys.readouterr()
        assert f"argument --plots: {existing} exists and is not a directory" in err and not out
