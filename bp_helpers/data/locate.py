"""Where the full MNIST files live, and whether the ones there are intact.

The four files are looked for in one directory: the `data_dir` a caller
passes, else the environment variable BP_MNIST_DIR, else `mnist/` in the
course's data home (see data_home). Each file must decode to the content
pinned below: the SHA-256 is taken over the IDX bytes inside the gzip, so any
gzip of the right bytes (recompressed with `gzip -9`, say) is accepted, and
so is the IDX file uncompressed under the same name. A file that fails it is
never used, and never deleted: it is renamed to `<name>.corrupt` (or
`.corrupt.1`, ...) and a warning says so. A file that cannot be read (its
permissions, say) is left where it is, with a warning.
"""

import gzip
import hashlib
import os
import re
import stat
import time
import uuid
import zlib
from pathlib import Path
from typing import NamedTuple

from bp_helpers.notices import warn

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
GZIP_MAGIC = b"\x1f\x8b"
# Decoded content larger than this is not MNIST (the largest file holds 47,040,016 bytes),
# so a file that decompresses without end is rejected early.
MAX_CONTENT = 64 << 20


class Pinned(NamedTuple):
    """What a file must be: sha256 of its decoded (IDX) content, and the size in
    bytes of the published gzip file (a download is stopped a little past it)."""

    sha256: str
    size: int


MNIST_FILES = {
    TRAIN_IMAGES: Pinned(
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 9912422
    ),
    TRAIN_LABELS: Pinned(
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 28881
    ),
    TEST_IMAGES: Pinned(
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 1648877
    ),
    TEST_LABELS: Pinned(
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 4542
    ),
}

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CACHE_NAME = "backprop-hands-on"


def data_home():
    """Where downloaded data and trained weights are kept.

    In a clone of the course that is its git-ignored `data/` folder. When
    bp_helpers is installed on its own (as on Colab, with pip from git),
    PROJECT_ROOT is site-packages' parent, so the data goes to the user's
    cache instead (see cache_home).
    """
    if (PROJECT_ROOT / "notebooks").is_dir() and (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "data"
    return cache_home()


def cache_home():
    """The user's own cache folder for the course: $XDG_CACHE_HOME/backprop-hands-on,
    else ~/.cache/backprop-hands-on. Installs without a clone keep their data
    there, and a clone whose folder is read-only keeps its trained weights there.
    """
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache).expanduser() / CACHE_NAME


def mnist_dir(data_dir=None):
    """The directory to look in: `data_dir`, else $BP_MNIST_DIR, else <data home>/mnist."""
    if data_dir is None:
        data_dir = os.environ.get("BP_MNIST_DIR") or data_home() / "mnist"
    return Path(data_dir).expanduser()


def content_sha256(path):
    """The SHA-256 of a file's content: of the bytes inside if it is gzip, else of its bytes.

    Raises OSError if the file cannot be read, ValueError if its gzip data
    is damaged or decodes to more than MAX_CONTENT bytes. Decoding all of
    MNIST takes about half a second, so the result is remembered for the
    session until the file changes (another inode, size or modification time).
    """
    with open(path, "rb") as raw:
        stat = os.fstat(raw.fileno())
        key = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
        if _checked.get(os.fspath(path), (None,))[0] != key:
            _checked[os.fspath(path)] = (key, _decoded_sha256(raw))
    return _checked[os.fspath(path)][1]


_checked = {}  # path -> (what the file was when checked, its content SHA-256)


def _decoded_sha256(raw):
    """content_sha256 of the open binary file raw."""
    digest = hashlib.sha256()
    compressed = raw.read(2) == GZIP_MAGIC
    raw.seek(0)
    file = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw
    size = 0
    try:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
            if size > MAX_CONTENT:
                raise ValueError(f"it holds more than {MAX_CONTENT} bytes, far more than MNIST")
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise ValueError(f"its gzip data is damaged or cut short ({err})") from None
    return digest.hexdigest()


def verified_files(directory, files=MNIST_FILES):
    """Check the files named in `files` ({name: Pinned}) inside `directory`.

    Returns {name: path} for those present whose content has the pinned
    checksum. Missing ones are simply left out. A present one with other
    content is moved aside (see move_aside), reported with a warning and
    left out too; one that cannot be read, or a folder in a file's place, is
    reported and left out, in place. A directory that cannot be entered gets
    one warning for all its files.
    """
    directory = Path(directory)
    try:
        directory.stat()
        os.listdir(directory)
    except FileNotFoundError:
        return {}
    except OSError as err:
        warn(f"{directory} cannot be looked into ({err.strerror or err}), so the MNIST files "
             "in it are not used; make it readable (chmod u+rx) or set BP_MNIST_DIR to another "
             "folder")
        return {}
    found = {}
    for name, pinned in files.items():
        path = directory / name
        try:
            judged = path.stat()
        except FileNotFoundError:
            continue
        except OSError as err:
            judged, problem = None, err
        else:
            problem = None
        if judged is not None and stat.S_ISDIR(judged.st_mode):
            warn(f"{path} is a folder, not the MNIST file, so it is not used; move it away "
                 "so that the file can be downloaded there")
            continue
        try:
            if problem is not None:
                raise problem
            got = content_sha256(path)
        except OSError as err:
            warn(f"{path} cannot be read ({err.strerror or err}), so it is not used; make it "
                 "readable (chmod u+r) or remove it")
            continue
        except ValueError as err:
            got = None
            problem = str(err)
        else:
            problem = f"content SHA-256 {got[:12]}..., expected {pinned.sha256[:12]}..."
        if got == pinned.sha256:
            found[name] = path
        else:
            warn(f"{path} is damaged or not the original ({problem}), so it is not used; "
                 f"{move_aside(path, judged)}")
    return found


def free(directory, name):
    """True if nothing is at directory/name, so a download may put the file there; False
    if something is, or if it cannot be looked at (then something may be)."""
    try:
        os.lstat(Path(directory) / name)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


STALE = 3600.0  # seconds: a temporary file untouched this long was left by a killed kernel


def leftovers(directory, pattern, stale=0.0):
    """Files in directory whose whole name matches the regular expression `pattern`, and
    that have not been modified for `stale` seconds: temporary files of a download or a
    save that never finished. [] if the directory cannot be read."""
    cutoff = time.time() - stale
    found = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if re.fullmatch(pattern, entry.name) and entry.is_file(follow_symlinks=False) \
                        and entry.stat(follow_symlinks=False).st_mtime <= cutoff:
                    found.append(Path(entry.path))
    except OSError:
        return []
    return sorted(found)


def remove_leftovers(directory, pattern):
    """Delete the stale temporary files leftovers() finds (older than STALE, so never one a
    running download or save is still writing); quietly skip any that cannot be."""
    for path in leftovers(directory, pattern, STALE):
        try:
            path.unlink()
        except OSError:
            pass


def partial_pattern(names):
    """The names download.py gives its partial files for `names`: <name>.<12 hex>.partial."""
    return "(" + "|".join(re.escape(name) for name in names) + r")\.[0-9a-f]{12}\.partial"


def move_aside(path, judged=None):
    """Rename a bad file to <name>.corrupt (never over an earlier one); say what happened.

    judged is os.stat(path) taken when the file was found bad. If the file
    at path is no longer that one (another notebook has just put a good
    download there, say), it is left where it is.
    """
    try:
        target = set_aside(path, judged)
    except OSError as err:
        return f"it could not be moved aside ({err}); please remove it by hand"
    if target is None:
        return "another file has taken its place since, and that one is left as it is"
    return f"it was moved aside to {target.name}; delete that once you have looked at it"


def set_aside(path, judged=None, suffix=".corrupt"):
    """Rename the file at path to a free <name><suffix> (or <suffix>.1, ...) and return that.

    Nothing is ever replaced. The file is first claimed under a unique name
    (one atomic rename), so what is set aside is exactly what was at path;
    if that is not the file described by judged (an os.stat result), it is
    put back and None is returned. Raises OSError if the folder refuses.
    """
    path = Path(path)
    claimed = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.aside")
    os.rename(path, claimed)
    if judged is not None and _identity(os.stat(claimed)) != _identity(judged):
        try:
            _rename_without_replacing(claimed, path)
        except FileExistsError:  # a third file arrived meanwhile: keep this one as well
            pass
        else:
            return None
    number = 0
    while True:
        target = path.with_name(path.name + suffix + (f".{number}" if number else ""))
        try:
            _rename_without_replacing(claimed, target)
        except FileExistsError:
            number += 1
            continue
        return target


def _identity(stat):
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _rename_without_replacing(source, target):
    """Rename source to target; FileExistsError if target exists (os.rename would replace it)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            raise FileExistsError(17, "File exists", os.fspath(target)) from None
        os.rename(source, target)
    else:
        os.unlink(source)
