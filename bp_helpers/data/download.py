"""Download the full MNIST files, checking every byte against a pinned SHA-256.

Each file is fetched from the first mirror that delivers it intact, with a
socket timeout and a bounded number of retries. It is written to
`<name>.partial` and renamed into place only once complete and verified, so
an interrupted or failed download never leaves a partial file under the real
name and never replaces a good one. Files already present and valid are
skipped. With BP_OFFLINE set to 1/true/yes nothing is downloaded and no
socket is opened.
"""

import hashlib
import os
import sys
import urllib.request
from http.client import HTTPException
from urllib.error import HTTPError

from bp_helpers import __version__
from bp_helpers.data.locate import MNIST_FILES, mnist_dir, verified_files

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",  # the one torchvision uses
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
_CHUNK = 1 << 16


class DownloadError(OSError):
    """A file could not be downloaded intact, or downloading is switched off."""


def is_offline():
    """True if the environment variable BP_OFFLINE says not to use the network."""
    value = os.environ.get("BP_OFFLINE", "").strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("", "0", "false", "no", "off"):
        return False
    raise ValueError(f"BP_OFFLINE should be 1, true, yes (offline) or 0, false, no; got {value!r}")


def download_mnist(
    dest_dir=None, mirrors=MIRRORS, files=MNIST_FILES, timeout=30.0, retries=2, progress=True
):
    """Make sure every file in `files` ({name: sha256}) is in dest_dir, intact.

    dest_dir defaults to the directory load_mnist looks in (see
    locate.mnist_dir). Each missing file is fetched from `mirrors` (URL
    prefixes) in turn, each tried 1 + `retries` times; `timeout` is in
    seconds, per connection attempt or read. `progress` is True for a text
    bar on stderr, False for silence, or a function progress(name, done,
    total) called with byte counts after every block (total is None when
    the server does not say; then a last call passes total = done).
    Returns the directory. Raises DownloadError naming every failed attempt.
    """
    if isinstance(mirrors, str):
        raise TypeError(f"mirrors must be a list of URL prefixes, got one string {mirrors!r}")
    if not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout}")
    if not isinstance(retries, int) or retries < 0:
        raise ValueError(f"retries must be a whole number 0 or more, got {retries!r}")
    directory = mnist_dir(dest_dir)
    missing = [name for name in files if name not in verified_files(directory, files)]
    if missing and is_offline():
        raise DownloadError(
            f"BP_OFFLINE is set, so {', '.join(missing)} will not be downloaded into {directory}; "
            "unset BP_OFFLINE, or copy the files there by hand (see data/README.md)"
        )
    if progress is True:
        progress = _TextBar(sys.stderr)
    directory.mkdir(parents=True, exist_ok=True)
    for name in missing:
        _fetch(name, files[name], directory, mirrors, timeout, retries, progress)
    return directory


def _fetch(name, sha256, directory, mirrors, timeout, retries, progress):
    """Download one file from the first mirror that gives it intact; raise if none does."""
    partial = directory / (name + ".partial")
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name
        for _ in range(1 + retries):
            try:
                got = _stream(url, partial, timeout, progress, name)
                if got == sha256:
                    os.replace(partial, directory / name)
                    return
                failures.append(f"{url}: wrong SHA-256 {got[:12]}..., expected {sha256[:12]}...")
                break  # this mirror serves other bytes; asking again will not help
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


def _stream(url, partial, timeout, progress, name):
    """Copy url into the file `partial`, reporting progress; return the SHA-256 of the bytes."""
    request = urllib.request.Request(url, headers={"User-Agent": f"bp_helpers/{__version__}"})
    digest = hashlib.sha256()
    with urllib.request.urlopen(request, timeout=timeout) as response, open(partial, "wb") as out:
        total = response.length
        done = 0
        while block := response.read(_CHUNK):
            out.write(block)
            digest.update(block)
            done += len(block)
            if progress:
                progress(name, done, total)
    if total is not None and done != total:
        raise DownloadError(f"cut short: got {done} of {total} bytes")
    if progress and total is None:
        progress(name, done, done)  # the bar's last step, now that the total is known
    return digest.hexdigest()


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
