"""IDX files: a round trip, and a clear error for every way a file can be malformed."""

import gzip

import numpy as np
import pytest

from bp_helpers.data.idx import read_images, read_images_and_labels, read_labels, write_idx


def header(magic, *sizes):
    """An IDX header: the magic number and the sizes, 4 big-endian bytes each."""
    return b"".join(n.to_bytes(4, "big") for n in (magic, *sizes))


@pytest.fixture
def images():
    return np.random.default_rng(0).integers(0, 256, (5, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize("suffix", [".gz", ""])
def test_round_trip(tmp_path, images, suffix):
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    write_idx(tmp_path / f"images{suffix}", images)
    write_idx(tmp_path / f"labels{suffix}", labels)
    got_images, got_labels = read_images_and_labels(
        tmp_path / f"images{suffix}", tmp_path / f"labels{suffix}"
    )
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_images.dtype == got_labels.dtype == np.uint8
    assert not got_images.flags.writeable


def test_write_idx_writes_the_standard_header_and_same_bytes_every_time(tmp_path, images):
    raw = write_idx(tmp_path / "images", images).read_bytes()
    assert raw[:16] == header(2051, 5, 28, 28)
    assert len(raw) == 16 + images.size
    first = write_idx(tmp_path / "a.gz", images).read_bytes()
    assert write_idx(tmp_path / "b.gz", images).read_bytes() == first
    assert gzip.decompress(first) == raw


def test_write_idx_wants_bytes(tmp_path):
    with pytest.raises(TypeError, match="expected uint8, got float64"):
        write_idx(tmp_path / "x", np.zeros(3))
    with pytest.raises(ValueError, match="at least one dimension"):
        write_idx(tmp_path / "x", np.uint8(3))


def test_labels_read_as_images_names_both_magic_numbers(tmp_path):
    path = write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", np.zeros(3, dtype=np.uint8))
    with pytest.raises(ValueError) as error:
        read_images(path)
    assert str(error.value) == (
        "t10k-labels-idx1-ubyte.gz: expected magic number 2051 (images), "
        "got 2049, the magic number of labels"
    )


def test_images_read_as_labels(tmp_path, images):
    path = write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", images)
    with pytest.raises(ValueError, match=r"expected magic number 2049 \(labels\), got 2051"):
        read_labels(path)


def test_unknown_magic_number(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(header(0x0D03, 1, 28, 28) + bytes(4 * 784))  # 0x0D: floats
    with pytest.raises(ValueError, match=r"expected magic number 2051 \(images\), got 3331$"):
        read_images(path)


def test_wrong_image_size(tmp_path):
    path = write_idx(tmp_path / "x.gz", np.zeros((2, 27, 28), dtype=np.uint8))
    with pytest.raises(ValueError, match="expected images of 28x28 pixels, got 27x28"):
        read_images(path)


@pytest.mark.parametrize("change", [-1, +1], ids=["cut short", "extra byte"])
@pytest.mark.parametrize("suffix", [".gz", ""])
def test_payload_length_must_match_the_header(tmp_path, images, change, suffix):
    raw = write_idx(tmp_path / "images", images).read_bytes()
    raw = raw[:change] if change < 0 else raw + b"\0"
    path = tmp_path / f"x{suffix}"
    path.write_bytes(gzip.compress(raw) if suffix else raw)
    got = images.size + change
    with pytest.raises(ValueError, match=f"promises 5x28x28 = 3920 bytes of images, got {got}"):
        read_images(path)


def test_cut_short_gzip_stream(tmp_path, images):
    data = write_idx(tmp_path / "images.gz", images).read_bytes()
    (tmp_path / "x.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"x\.gz: the gzip data is damaged or cut short"):
        read_images(tmp_path / "x.gz")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "expected a 4-byte magic number, got a file of 0 bytes"),
        (header(2051, 5), "expected a 16-byte header, got 8 bytes"),
    ],
)
def test_header_cut_short(tmp_path, data, message):
    (tmp_path / "x").write_bytes(data)
    with pytest.raises(ValueError, match=message):
        read_images(tmp_path / "x")


def test_labels_must_be_digits(tmp_path):
    path = write_idx(tmp_path / "labels", np.array([0, 9, 12], dtype=np.uint8))
    with pytest.raises(ValueError, match="expected labels 0 to 9, got 12 at index 2"):
        read_labels(path)


def test_image_and_label_counts_must_agree(tmp_path, images):
    write_idx(tmp_path / "images.gz", images)
    write_idx(tmp_path / "labels.gz", np.zeros(4, dtype=np.uint8))
    message = r"images\.gz holds 5 images but labels\.gz holds 4 labels"
    with pytest.raises(ValueError, match=message):
        read_images_and_labels(tmp_path / "images.gz", tmp_path / "labels.gz")


def test_sizes_whose_product_overflows_int64_get_a_clear_error(tmp_path):
    path = tmp_path / "images"
    path.write_bytes(header(2051, 2**22, 2**21, 2**21))  # 2**64 pixels: 0 in int64
    with pytest.raises(ValueError, match=r"the header promises 4194304x2097152x2097152 = "
                                         r"18446744073709551616 bytes of images, got 0 bytes"):
        read_images(path)


def test_written_files_are_the_same_bytes_whenever_they_are_written(tmp_path):
    # gzip stores a time stamp; write_idx pins it, so a fake file's checksum is fixed.
    path = write_idx(tmp_path / "labels.gz", np.arange(10, dtype=np.uint8))
    assert path.read_bytes()[4:8] == bytes(4)
