"""The downloader, against a real HTTP server on 127.0.0.1 that misbehaves on cue."""

import gzip
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from _data_fakes import fake_mnist, only_localhost

from bp_helpers.data import download, locate
from bp_helpers.data.__main__ import main
from bp_helpers.data.download import DownloadError, download_mnist, size_limit
from bp_helpers.data.locate import PROJECT_ROOT, TRAIN_IMAGES, TRAIN_LABELS

FIRST = TRAIN_IMAGES  # the file the downloader fetches first


@pytest.fixture(autouse=True)
def local_only(monkeypatch):
    """Online, but able to reach nothing beyond 127.0.0.1, and never through a proxy."""
    for name in ("BP_OFFLINE", "BP_MNIST_DIR"):
        monkeypatch.delenv(name, raising=False)
    only_localhost(monkeypatch)


@pytest.fixture
def fake(tmp_path_factory):
    """Small MNIST-like files: (table {name: sha256}, {name: file bytes})."""
    source = tmp_path_factory.mktemp("fake")
    table, _ = fake_mnist(source)
    return table, {name: (source / name).read_bytes() for name in table}


def serve(server, fake, *mirrors):
    """Put the fake files on the server under each mirror; return the mirror URLs."""
    for mirror in mirrors:
        for name, data in fake[1].items():
            server.files[f"/{mirror}/{name}"] = data
    return (f"{server.url}/a/", f"{server.url}/b/")


def fetch(dest, fake, mirrors, **kwargs):
    """download_mnist with the fake table, quietly, and with short timeouts."""
    kwargs = {"timeout": 2.0, "retries": 0, "progress": False, **kwargs}
    return download_mnist(dest, mirrors=mirrors, files=fake[0], **kwargs)


def assert_files(dest, fake):
    """dest holds exactly the fake files, intact, with nothing left over."""
    assert sorted(p.name for p in dest.iterdir()) == sorted(fake[1])
    for name, data in fake[1].items():
        assert (dest / name).read_bytes() == data


def test_downloads_and_verifies_every_file(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    assert fetch(tmp_path / "new" / "dir", fake, mirrors) == tmp_path / "new" / "dir"
    assert_files(tmp_path / "new" / "dir", fake)
    assert server.requests == [f"/a/{name}" for name in fake[0]]


def test_a_404_on_the_first_mirror_falls_back_to_the_second(tmp_path, server, fake):
    mirrors = serve(server, fake, "b")
    fetch(tmp_path, fake, mirrors, retries=2)
    assert_files(tmp_path, fake)
    assert server.requests[:2] == [f"/a/{FIRST}", f"/b/{FIRST}"]  # a 404 is not retried


def test_a_truncated_file_is_retried(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    server.faults[f"/a/{FIRST}"] = ["truncate"]
    fetch(tmp_path, fake, mirrors, retries=1)
    assert_files(tmp_path, fake)
    assert server.requests[:2] == [f"/a/{FIRST}", f"/a/{FIRST}"]


def test_a_file_truncated_everywhere_is_rejected(tmp_path, server, fake):
    mirrors = serve(server, fake, "a", "b")
    for mirror in "ab":
        server.faults[f"/{mirror}/{FIRST}"] = ["truncate"] * 2
    with pytest.raises(DownloadError, match=f"could not download {FIRST}.*cut short: got"):
        fetch(tmp_path, fake, mirrors, retries=1)
    assert list(tmp_path.iterdir()) == []
    assert len(server.requests) == 4


def test_a_wrong_checksum_is_never_put_in_place(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    server.faults[f"/a/{FIRST}"] = ["corrupt"] * 3
    with pytest.raises(DownloadError, match=r"a/train-images-idx3-ubyte\.gz: wrong content SHA"):
        fetch(tmp_path, fake, mirrors, retries=2)
    assert list(tmp_path.iterdir()) == []
    assert server.requests == [f"/a/{FIRST}", f"/b/{FIRST}"]  # same bytes again would not help


def test_a_wrong_checksum_falls_back_to_the_next_mirror(tmp_path, server, fake):
    mirrors = serve(server, fake, "a", "b")
    server.faults[f"/a/{FIRST}"] = ["corrupt"]
    fetch(tmp_path, fake, mirrors)
    assert_files(tmp_path, fake)


@pytest.mark.parametrize("fault", ["hang", "hang_body"])
def test_a_hanging_server_times_out_quickly(tmp_path, server, fake, fault):
    mirrors = serve(server, fake, "a", "b")
    server.faults[f"/a/{FIRST}"] = [fault]
    start = time.monotonic()
    fetch(tmp_path, fake, mirrors, timeout=0.3)
    assert time.monotonic() - start < 2
    assert_files(tmp_path, fake)
    assert server.requests[:2] == [f"/a/{FIRST}", f"/b/{FIRST}"]


def test_the_error_names_every_attempt(tmp_path, server, fake):
    mirrors = serve(server, fake, "b")
    server.faults[f"/b/{FIRST}"] = ["hang"]
    with pytest.raises(DownloadError) as error:
        fetch(tmp_path, fake, mirrors, timeout=0.3)
    assert f"a/{FIRST}: HTTP 404" in str(error.value)
    assert f"b/{FIRST}: no answer within 0.3 s" in str(error.value)


def test_an_interrupted_download_leaves_good_files_and_no_partial(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    (tmp_path / TRAIN_LABELS).write_bytes(fake[1][TRAIN_LABELS])
    (tmp_path / FIRST).write_bytes(b"a damaged earlier download")
    before = os.stat(tmp_path / TRAIN_LABELS)

    def press_ctrl_c(name, done, total):
        raise KeyboardInterrupt

    with pytest.warns(UserWarning, match="moved aside to train-images-idx3-ubyte.gz.corrupt"):
        with pytest.raises(KeyboardInterrupt):
            fetch(tmp_path, fake, mirrors, progress=press_ctrl_c)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{FIRST}.corrupt", TRAIN_LABELS]
    assert (tmp_path / f"{FIRST}.corrupt").read_bytes() == b"a damaged earlier download"
    assert os.stat(tmp_path / TRAIN_LABELS) == before


def test_good_files_are_never_touched_or_fetched(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    (tmp_path / TRAIN_LABELS).write_bytes(fake[1][TRAIN_LABELS])
    before = os.stat(tmp_path / TRAIN_LABELS)
    fetch(tmp_path, fake, mirrors)
    assert f"/a/{TRAIN_LABELS}" not in server.requests
    assert os.stat(tmp_path / TRAIN_LABELS) == before
    server.requests.clear()
    fetch(tmp_path, fake, mirrors)
    assert server.requests == []


@pytest.mark.parametrize("value", ["1", "true", "yes", "TRUE"])
def test_offline_refuses_without_opening_a_socket(tmp_path, server, fake, monkeypatch, value):
    mirrors = serve(server, fake, "a")
    monkeypatch.setenv("BP_OFFLINE", value)

    def no_sockets(*args, **kwargs):
        raise AssertionError("a socket was opened while offline")

    monkeypatch.setattr(socket.socket, "connect", no_sockets)
    monkeypatch.setattr(socket, "create_connection", no_sockets)
    with pytest.raises(DownloadError, match=f"BP_OFFLINE is set, so {FIRST}, .* not be downloaded"):
        fetch(tmp_path, fake, mirrors)
    assert server.requests == []
    assert list(tmp_path.iterdir()) == []


def test_offline_with_every_file_present_is_fine(tmp_path, fake, monkeypatch):
    for name, data in fake[1].items():
        (tmp_path / name).write_bytes(data)
    monkeypatch.setenv("BP_OFFLINE", "1")
    assert fetch(tmp_path, fake, mirrors=()) == tmp_path


def test_an_unclear_offline_setting_is_an_error(tmp_path, fake, monkeypatch):
    monkeypatch.setenv("BP_OFFLINE", "maybe")
    with pytest.raises(ValueError, match=r"BP_OFFLINE should be 1, true, yes .* got 'maybe'"):
        fetch(tmp_path, fake, mirrors=())


def test_the_progress_bar_goes_to_stderr(tmp_path, server, fake, capsys):
    mirrors = serve(server, fake, "a")
    fetch(tmp_path, fake, mirrors, progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("100%") == len(fake[0]) == err.count("\n")
    assert f"\r{FIRST} [{'#' * 30}] 100% 0.2/0.2 MB\n" in err


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"mirrors": "http://x/"}, TypeError, "mirrors must be a list of URL prefixes"),
        ({"timeout": 0}, ValueError, "timeout must be a positive number of seconds, got 0"),
        ({"retries": -1}, ValueError, "retries must be a whole number 0 or more, got -1"),
    ],
)
def test_bad_arguments(tmp_path, fake, kwargs, error, message):
    with pytest.raises(error, match=message):
        fetch(tmp_path, fake, **{"mirrors": (), **kwargs})


def test_cli_download_offline(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BP_OFFLINE", "1")
    assert main(["download", "--dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("error: BP_OFFLINE is set")


def test_cli_verify_reports_missing_and_damaged_files(tmp_path, capsys):
    (tmp_path / FIRST).write_bytes(b"junk")
    assert main(["verify", "--dir", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert f"{FIRST}   missing" in out
    assert "run `python -m bp_helpers.data download`" in out
    assert err.startswith(f"warning: {tmp_path / FIRST} is damaged or not the original")
    assert (tmp_path / f"{FIRST}.corrupt").read_bytes() == b"junk"


def test_cli_runs_as_a_module(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bp_helpers.data", "verify", "--dir", str(tmp_path)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "t10k-labels-idx1-ubyte.gz    missing" in result.stdout


# Faults: two downloads at once, slow and endless servers, things in the way


def test_two_downloads_at_once_both_succeed_and_never_share_a_file(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    both_started = threading.Barrier(2, timeout=10)
    errors = []

    def meet_after_the_first_block(name, done, total):
        if name == FIRST and done <= 1 << 16:  # both are writing when either goes on
            both_started.wait()

    def download():
        try:
            fetch(tmp_path, fake, mirrors, progress=meet_after_the_first_block)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=download) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_files(tmp_path, fake)


def test_the_file_on_disk_is_checked_before_it_gets_its_name(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")

    def spoil_the_partial_file(name, done, total):
        if name == FIRST and done == total:  # every byte arrived intact, then the disk differs
            (partial,) = tmp_path.glob("*.partial")
            with open(partial, "r+b") as file:
                file.write(b"\x00" * 100)

    with pytest.raises(DownloadError, match=f"{FIRST}: .*(damaged|wrong content SHA)"):
        fetch(tmp_path, fake, mirrors, progress=spoil_the_partial_file)
    assert list(tmp_path.iterdir()) == []


def test_a_recompressed_file_from_a_mirror_is_accepted(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    server.files[f"/a/{FIRST}"] = gzip.compress(gzip.decompress(fake[1][FIRST]), 9, mtime=1)
    assert server.files[f"/a/{FIRST}"] != fake[1][FIRST]
    fetch(tmp_path, fake, mirrors)
    assert gzip.decompress((tmp_path / FIRST).read_bytes()) == gzip.decompress(fake[1][FIRST])


def test_a_slow_drip_is_stopped_by_the_deadline(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    server.faults[f"/a/{FIRST}"] = ["drip"]
    with pytest.raises(DownloadError) as error:
        fetch(tmp_path, fake, mirrors, timeout=1.0, deadline=0.5)
    message = str(error.value)
    assert f"could not download {FIRST} within the deadline of 0.5 s for the whole download" in (
        message)
    assert f"a/{FIRST}: got " in message
    assert list(tmp_path.iterdir()) == []
    assert server.requests == [f"/a/{FIRST}"]  # the deadline ends every attempt


def test_an_endless_answer_is_cut_off_just_past_the_files_size(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    server.faults[f"/a/{FIRST}"] = ["endless"]
    received = []
    with pytest.raises(DownloadError) as error:
        fetch(tmp_path, fake, mirrors, progress=lambda name, done, total: received.append(done))
    limit = size_limit(fake[0][FIRST].size)
    assert f"a/{FIRST}: it sent more than {limit} bytes, but {FIRST} has about" in str(error.value)
    assert max(received) <= limit
    assert list(tmp_path.iterdir()) == []


def test_an_announced_size_far_too_large_is_refused_before_reading(tmp_path, server, fake):
    table = {name: locate.Pinned(pinned.sha256, 1000) for name, pinned in fake[0].items()}
    mirrors = serve(server, fake, "a")
    with pytest.raises(DownloadError, match=f"a/{FIRST}: it announces {len(fake[1][FIRST])} bytes"):
        download_mnist(tmp_path, mirrors=mirrors, files=table, retries=0, progress=False)


def test_a_leftover_partial_folder_is_no_obstacle(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    (tmp_path / f"{FIRST}.partial").mkdir()  # say, from an older version
    fetch(tmp_path, fake, mirrors)
    for name, data in fake[1].items():
        assert (tmp_path / name).read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*fake[1], f"{FIRST}.partial"])


def test_a_folder_under_a_files_name_is_a_clear_error(tmp_path, server, fake, capsys):
    mirrors = serve(server, fake, "a")
    (tmp_path / FIRST).mkdir()
    with pytest.raises(DownloadError, match=f"{tmp_path / FIRST} cannot be used .*a folder"), \
            pytest.warns(UserWarning, match=f"{tmp_path / FIRST} is a folder, not the MNIST "
                                            "file, so it is not used; move it away"):
        fetch(tmp_path, fake, mirrors)
    assert server.requests == []
    assert main(["download", "--dir", str(tmp_path)]) == 1
    said = capsys.readouterr().err
    assert said.startswith(f"warning: {tmp_path / FIRST} is a folder, not the MNIST file")
    assert f"error: {tmp_path / FIRST} cannot be used" in said


def test_the_cli_reports_a_folder_it_cannot_write(tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(locate.Path, "mkdir", refuse)
    assert main(["download", "--dir", str(tmp_path / "new")]) == 1
    assert capsys.readouterr().err == (
        f"error: cannot create the folder {tmp_path / 'new'}: Permission denied\n")


def test_each_file_is_checked_once_per_call(tmp_path, fake, monkeypatch):
    for name, data in fake[1].items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / FIRST).write_bytes(b"damaged, in a folder where it cannot be moved aside")
    monkeypatch.setattr(locate, "move_aside", lambda path, judged: "it could not be moved aside")
    monkeypatch.setenv("BP_OFFLINE", "1")
    with pytest.warns(UserWarning, match="is damaged or not the original") as warned:
        with pytest.raises(DownloadError, match="BP_OFFLINE is set"):
            fetch(tmp_path, fake, mirrors=())
    assert len(warned) == 1


def test_downloaded_files_are_as_readable_as_any_new_file(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    fetch(tmp_path, fake, mirrors)
    umask = os.umask(0o022)
    os.umask(umask)
    for name in fake[1]:
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_disk_stops_at_the_first_write_and_says_so(tmp_path, server, fake, monkeypatch):
    mirrors = serve(server, fake, "a", "b")

    def onto_a_full_disk(directory, name):
        path = directory / f"{name}.0123456789ab.partial"
        path.symlink_to("/dev/full")  # every write fails with ENOSPC, as on a full disk
        return path

    monkeypatch.setattr(download, "_partial_file", onto_a_full_disk)
    with pytest.raises(DownloadError) as error:
        fetch(tmp_path, fake, mirrors, retries=2)
    assert str(error.value).startswith(f"could not write {FIRST} into {tmp_path}: No space left "
                                       "on device. The disk is full: free some space")
    assert "internet" not in str(error.value)
    assert server.requests == [f"/a/{FIRST}"]  # no second attempt, no second mirror
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(("mirrors", "error", "message"), [
    (None, TypeError, "mirrors must be a list of URL prefixes such as .*, got None"),
    ("https://example.org/", TypeError, "mirrors must be a list of URL prefixes"),
    (["file:///srv/mnist/"], ValueError, "each mirror must be an http:// or https:// URL prefix "
                                         ".*got 'file:///srv/mnist/'; for files already on "
                                         "this computer, copy them"),
    ([], ValueError, "cannot be downloaded: mirrors names no URL prefix"),
])
def test_mirrors_that_cannot_work_are_named(tmp_path, fake, mirrors, error, message):
    with pytest.raises(error, match=message):
        fetch(tmp_path, fake, mirrors)


def test_partial_files_of_a_killed_download_are_removed_once_stale(tmp_path, server, fake,
                                                                   capsys):
    mirrors = serve(server, fake, "a")
    old = tmp_path / f"{FIRST}.0123456789ab.partial"
    fresh = tmp_path / f"{FIRST}.ba9876543210.partial"  # perhaps another notebook's, running
    mine = tmp_path / f"{FIRST}.notes.partial"  # not a name the downloader makes
    for path in (old, fresh, mine):
        path.write_bytes(b"half a download")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    os.utime(mine, (hours_ago, hours_ago))
    assert main(["verify", "--dir", str(tmp_path)]) == 1
    said = capsys.readouterr().out
    for path in (old, fresh):
        assert f"left over from an interrupted download: {path.name} (15 bytes)" in said
    assert mine.name not in said
    fetch(tmp_path, fake, mirrors)
    assert not old.exists() and fresh.exists() and mine.exists()


def test_a_server_error_is_retried_on_the_same_mirror(tmp_path, server, fake):
    mirrors = serve(server, fake, "a", "b")
    server.faults[f"/a/{FIRST}"] = ["500"]
    fetch(tmp_path, fake, mirrors, retries=1)
    assert_files(tmp_path, fake)
    assert server.requests[:2] == [f"/a/{FIRST}", f"/a/{FIRST}"]


def test_the_size_limit_allows_a_tenth_more_and_64_kb():
    assert size_limit(1_000_000) == 1_000_000 + 100_000 + 65_536


def test_a_body_of_exactly_the_limit_is_read_to_its_end(tmp_path, server, fake):
    mirrors = serve(server, fake, "a")
    limit = size_limit(fake[0][FIRST].size)
    server.files[f"/a/{FIRST}"] = bytes(limit)  # not the file, but not too large either
    with pytest.raises(DownloadError) as error:
        fetch(tmp_path, fake, mirrors)
    assert "sent more than" not in str(error.value) and "announces" not in str(error.value)
    assert "is not gzip" in str(error.value) or "wrong content" in str(error.value)


def test_a_slow_name_server_is_stopped_by_the_deadline(tmp_path, server, fake, monkeypatch):
    mirrors = serve(server, fake, "a")
    resolve = socket.getaddrinfo
    released = threading.Event()

    def slow_name_server(*args, **kwargs):
        released.wait(30)  # until the test ends
        return resolve(*args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_name_server)
    try:
        with pytest.raises(DownloadError, match=r"within the deadline of 0.5 s .*the name "
                                                r"server had not found 127.0.0.1 by then"):
            fetch(tmp_path, fake, mirrors, deadline=0.5)
    finally:
        released.set()
    assert server.requests == [] and os.listdir(tmp_path) == []


def test_cli_verify_lists_what_interrupted_saves_of_weights_left(tmp_path, capsys):
    weights = tmp_path / "weights"
    weights.mkdir()
    (weights / "tiny-embedded.npz").write_bytes(b"kept")
    (weights / "tiny-embedded.npz.0123abcd.tmp").write_bytes(b"half")
    assert main(["verify", "--dir", str(tmp_path), "--weights", str(weights)]) == 1
    out = capsys.readouterr().out
    assert ("left over from an interrupted save of trained weights: "
            f"{weights / 'tiny-embedded.npz.0123abcd.tmp'} (4 bytes)") in out
    assert out.count("left over") == 1  # the weights file itself is not a leftover
