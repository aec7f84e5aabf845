"""Download the full MNIST files, checking every file against its pinned content.

Each file is fetched from the first mirror that delivers it intact, with a
socket timeout, a bounded number of retries, a deadline for the whole
download (name look-ups included) and a cap on its size (the published size
plus a margin, so an endless answer cannot fill the disk). It is written to a partial file of its
own (`<name>.<random>.partial`, so two notebooks downloading at once never
write into the same file), checked on disk, and renamed into place only once
complete and verified. So an interrupted or failed download never leaves a
partial file under the real name and never replaces a good one; partial files
of a kernel killed mid-download are removed by the next download once they are
an hour old (locate.STALE), and `python -m bp_helpers.data verify` lists them. Files
already present and valid are skipped. With BP_OFFLINE set to 1/true/yes
nothing is downloaded and no socket is opened.
"""

import errno
import os
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.client import HTTPException
from pathlib import Path
from urllib.error import HTTPError

from bp_helpers import __version__
from bp_helpers.data.locate import (
    MNIST_FILES,
    content_sha256,
    free,
    mnist_dir,
    partial_pattern,
    remove_leftovers,
    verified_files,
)

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",  # the one torchvision uses
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
DEADLINE = 900.0  # seconds for a whole download_mnist call: 11.6 MB at 13 kB/s
_CHUNK = 1 << 16
DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))  # no space, over quota


class DownloadError(OSError):
    """A file could not be downloaded intact, or downloading is switched off."""


class _TooLarge(Exception):
    """The server sends more bytes than the file can have."""


class _PastDeadline(Exception):
    """The deadline for the whole download has passed."""


class _LocalError(Exception):
    """Writing or reading the partial file failed: a full disk, say. Another attempt, or
    another mirror, would fail the same way."""


def is_offline():
    """True if the environment variable BP_OFFLINE says not to use the network."""
    value = os.environ.get("BP_OFFLINE", "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise ValueError(f"BP_OFFLINE should be 1, true, yes (offline) or 0, false, no; got {value!r}")


def size_limit(size):
    """The most bytes accepted for a file published with `size` bytes: 10% + 64 kB more,
    room for a mirror that compresses the same content a little differently."""
    return size + size // 10 + (64 << 10)


def download_mnist(
    dest_dir=None, mirrors=MIRRORS, files=MNIST_FILES, timeout=30.0, retries=2, progress=True,
    deadline=DEADLINE,
):
    """Make sure every file in `files` ({name: locate.Pinned}) is in dest_dir, intact.

    dest_dir defaults to the directory load_mnist looks in (see
    locate.mnist_dir). Each missing file is fetched from `mirrors` (URL
    prefixes) in turn, each tried 1 + `retries` times; `timeout` is in
    seconds, per connection attempt or read, and `deadline` in seconds for
    the whole call. A file is never read past size_limit(its pinned size).
    `progress` is True for a text bar on stderr, False for silence, or a
    function progress(name, done, total) called with byte counts after every
    block (total is None when the server does not say; then a last call
    passes total = done). Returns the directory. Raises DownloadError naming
    every failed attempt.
    """
    _check_mirrors(mirrors)
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout}")
    if not deadline > 0:
        raise ValueError(f"deadline must be a positive number of seconds, got {deadline}")
    if not isinstance(retries, int) or retries < 0:
        raise ValueError(f"retries must be a whole number 0 or more, got {retries!r}")
    stop_at = time.monotonic() + deadline
    directory = mnist_dir(dest_dir)
    found = verified_files(directory, files)  # checked once: each file is read only once
    missing = [name for name in files if name not in found]
    if missing and is_offline():
        raise DownloadError(
            f"BP_OFFLINE is set, so {', '.join(missing)} will not be downloaded into {directory}; "
            "unset BP_OFFLINE, or copy the files there by hand (see data/README.md)"
        )
    if missing and not mirrors:
        raise ValueError(f"{', '.join(missing)} cannot be downloaded: mirrors names no URL "
                         f"prefix, such as {MIRRORS[0]!r}")
    in_the_way = [str(directory / name) for name in missing if not free(directory, name)]
    if in_the_way:
        raise DownloadError(
            f"{', '.join(in_the_way)} cannot be used (see the warning above, or it is a folder) "
            "and a download would replace it: make it readable, or move it away, then try again"
        )
    if progress is True:
        progress = _TextBar(sys.stderr)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        problem = err.strerror or err
        raise DownloadError(f"cannot create the folder {directory}: {problem}") from None
    remove_leftovers(directory, partial_pattern(files))  # of downloads killed long ago
    for name in missing:
        _fetch(name, files[name], directory, mirrors, timeout, retries, progress,
               (stop_at, deadline))
    return directory


def _check_mirrors(mirrors):
    """Raise unless mirrors is a list of http:// or https:// URL prefixes."""
    example = 'such as ["https://ossci-datasets.s3.amazonaws.com/mnist/"]'
    if isinstance(mirrors, (str, bytes)) or not isinstance(mirrors, (list, tuple)):
        raise TypeError(f"mirrors must be a list of URL prefixes {example}, got {mirrors!r}")
    for mirror in mirrors:
        if not isinstance(mirror, str) or not mirror.lower().startswith(("http://", "https://")):
            raise ValueError(
                f"each mirror must be an http:// or https:// URL prefix {example}, got "
                f"{mirror!r}; for files already on this computer, copy them into the MNIST "
                "folder instead (see data/README.md)"
            )


def _fetch(name, pinned, directory, mirrors, timeout, retries, progress, deadline):
    """Download one file from the first mirror that gives it intact; raise if none does.

    deadline is (time.monotonic() value to stop at, its length in seconds).
    """
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name
        for _ in range(1 + retries):
            partial = _partial_file(directory, name)
            try:
                _stream(url, partial, pinned.size, timeout, deadline[0], progress, name)
                try:
                    got = content_sha256(partial)  # what is on disk, not what was sent
                except OSError as err:
                    raise _LocalError(err) from None
                if got == pinned.sha256:
                    os.replace(partial, directory / name)
                    return
                failures.append(
                    f"{url}: wrong content SHA-256 {got[:12]}..., expected {pinned.sha256[:12]}..."
                )
                break  # this mirror serves other bytes; asking again will not help
            except _LocalError as err:
                problem = err.args[0]
                full = getattr(problem, "errno", None) in DISK_FULL
                raise DownloadError(
                    f"could not write {name} into {directory}: "
                    f"{getattr(problem, 'strerror', None) or problem}"
                    + (". The disk is full: free some space, then try again" if full else "")
                    + "; meanwhile the lessons run on the embedded 5,000-digit subset"
                ) from None
            except _PastDeadline as err:
                failures.append(f"{url}: {err}")
                raise DownloadError(
                    f"could not download {name} within the deadline of {deadline[1]:g} s for "
                    f"the whole download. Attempts: {'; '.join(failures)}. A slow connection? "
                    "Try again later, or fetch the file by hand (see data/README.md); "
                    "meanwhile the lessons run on the embedded 5,000-digit subset"
                ) from None
            except (_TooLarge, ValueError) as err:
                failures.append(f"{url}: {err}")
                break  # not the file: asking this mirror again will not help
            except HTTPError as err:
                err.close()
                failures.append(f"{url}: HTTP {err.code} {err.reason}")
                if err.code < 500:
                    break  # the mirror does not have it (4xx); a server error (5xx) may pass
            except (OSError, HTTPException) as err:
                failures.append(f"{url}: {_describe(err, timeout)}")
            finally:
                partial.unlink(missing_ok=True)
    raise DownloadError(
        f"could not download {name} intact. Attempts: {'; '.join(failures)}. "
        "Check your internet connection, or fetch the file by hand (see data/README.md); "
        "meanwhile the lessons run on the embedded 5,000-digit subset"
    )


def _partial_file(directory, name):
    """A new, empty file <name>.<random>.partial in directory, for one download attempt.

    Made like any new file (readable by others as the umask allows, unlike a
    tempfile.mkstemp file), so the MNIST folder can be shared.
    """
    path = Path(directory) / f"{name}.{uuid.uuid4().hex[:12]}.partial"
    try:
        open(path, "xb").close()  # "x": never a file another download has made
    except OSError as err:
        raise DownloadError(f"cannot write into {directory}: {err.strerror or err}") from None
    return path


def _socket_timeout(timeout, stop_at):
    """The timeout for the next connection: `timeout`, or less when the deadline is nearer."""
    return max(min(timeout, stop_at - time.monotonic()), 0.01)


def _stream(url, partial, size, timeout, stop_at, progress, name):
    """Copy url into the file `partial`, reporting progress.

    Stops with _TooLarge past size_limit(size) bytes, and with _PastDeadline
    once time.monotonic() passes stop_at.
    """
    limit = size_limit(size)
    if time.monotonic() >= stop_at:
        raise _PastDeadline("the deadline passed before it could start")
    request = urllib.request.Request(url, headers={"User-Agent": f"bp_helpers/{__version__}"})
    parts = urllib.parse.urlsplit(url)
    _look_up_by(parts.hostname, parts.port, stop_at)
    timeout = _socket_timeout(timeout, stop_at)
    with urllib.request.urlopen(request, timeout=timeout) as response, \
            _local(open, partial, "wb", 0) as out:  # unbuffered: a full disk fails the write
        total = response.length
        if total is not None and total > limit:
            raise _TooLarge(f"it announces {total} bytes, but {name} has about {size}")
        done = 0
        while block := response.read1(_CHUNK):  # whatever has arrived: a slow server
            done += len(block)  # cannot make one read outlast the deadline
            if done > limit:
                raise _TooLarge(
                    f"it sent more than {limit} bytes, but {name} has about {size}: stopped there"
                )
            _local(out.write, block)
            if progress:
                progress(name, done, total)
            if time.monotonic() > stop_at:
                raise _PastDeadline(f"got {done} of {total or 'an unknown number of'} bytes")
    if total is not None and done != total:
        raise DownloadError(f"cut short: got {done} of {total} bytes")
    if progress and total is None:
        progress(name, done, done)  # the bar's last step, now that the total is known


def _look_up_by(host, port, stop_at):
    """Look up host's address, giving up once time.monotonic() passes stop_at.

    getaddrinfo has no timeout of its own, and urlopen's socket timeout does
    not cover it, so a slow name server could hold a download past its
    deadline. The look-up runs in a thread of its own, which is left to
    finish (or not) by itself; urlopen's own look-up then finds the answer
    the system has just received.
    """
    answered = threading.Event()
    failed = []

    def look_up():
        try:
            socket.getaddrinfo(host, port)
        except OSError as err:
            failed.append(err)
        finally:
            answered.set()

    threading.Thread(target=look_up, daemon=True).start()
    if not answered.wait(max(stop_at - time.monotonic(), 0.0)):
        raise _PastDeadline(f"the name server had not found {host} by then")
    if failed:
        raise failed[0]


def _local(action, *args):
    """action(*args), with an OSError raised as _LocalError: this computer's fault (a full
    disk, say), not the network's."""
    try:
        return action(*args)
    except OSError as err:
        raise _LocalError(err) from None


def _describe(err, timeout):
    """A short reason for a failed attempt."""
    reason = getattr(err, "reason", err)
    if isinstance(reason, TimeoutError):
        return f"no answer within {timeout} s"
    return str(reason) or type(reason).__name__


class _TextBar:
    """A one-line progress bar, redrawn in place (at most once per percent)."""

    def __init__(self, stream, width=30):
        self.stream, self.width = stream, width
        self.shown = None

    def __call__(self, name, done, total):
        finished = done == total
        if total:
            fraction = done / total
            state = (name, int(100 * fraction))
            bar = "#" * int(self.width * fraction)
            size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB"
            text = f"{name} [{bar:.<{self.width}}] {fraction:4.0%} {size}"
        else:
            state = (name, done >> 20)
            text = f"{name} {done / 1e6:.1f} MB"
        if state == self.shown and not finished:
            return
        self.shown = state
        self.stream.write("\r" + text + ("\n" if finished else ""))
        self.stream.flush()
