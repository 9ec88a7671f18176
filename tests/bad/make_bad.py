#!/usr/bin/env python3
"""Writes the bad-input corpus tests/bad/ (tests/c/test_bad_inputs.c reads it). Fixed
bytes and gzip mtime 0, so the files only change when this script does:

    python3 tests/bad/make_bad.py

Regression inputs found by the fuzzers are added by hand under their own names
(fuzz-*) and are not touched here."""
import gzip
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def idx(dims, payload=None, type_code=0x08):
    n = 1
    for v in dims:
        n *= v
    if payload is None:
        payload = bytes(i % 251 for i in range(n))
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", v) for v in dims) \
        + payload


def header(dims):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", v) for v in dims)


def gz(data):
    return gzip.compress(data, mtime=0)


def idx_files():
    images = idx([3, 4, 4])
    write("idx_empty.idx", b"")
    write("idx_truncated_header.idx", images[:10])
    write("idx_truncated_data.idx", images[:-7])
    write("idx_trailing_bytes.idx", images + b"\x00\x00")
    write("idx_wrong_magic.idx", b"PK\x03\x04" + images[4:])
    write("idx_float32.idx", idx([2, 2], struct.pack(">4f", 1, 2, 3, 4), 0x0D))
    write("idx_five_dims.idx", bytes([0, 0, 8, 5]) + struct.pack(">5I", 1, 1, 1, 1, 1) + b"x")
    write("idx_zero_dim.idx", header([0, 28, 28]))
    # four dimensions of 2^31 - 1: their product (2^124) overflows a 64-bit size_t
    write("idx_dims_overflow.idx", header([0x7FFFFFFF] * 4))
    # 2^31 labels: fits 4 GiB but not a tensor dimension (an int)
    write("idx_dim_over_int.idx", header([0x80000000]))
    # a header claiming 3.7 GB of images in a 16-byte file
    write("idx_claims_gigabytes.idx", header([4700000, 28, 28]))
    # the same claim in a tiny gzip file: refused before anything is read
    write("idx_claims_gigabytes.idx.gz", gz(header([4700000, 28, 28]) + b"\x00" * 64))
    whole = gz(images)
    write("idx_truncated.idx.gz", whole[:len(whole) - 20])
    # flip bytes inside the deflate stream
    bad = bytearray(whole)
    for i in range(12, 20):
        bad[i] ^= 0xFF
    write("idx_corrupt.idx.gz", bytes(bad))
    write("idx_trailing.idx.gz", gz(images + b"\x01\x02\x03"))
    # a data set directory whose training images and labels disagree (3 images, 5 labels)
    write("idx_mismatch/train-images-idx3-ubyte", idx([3, 4, 4]))
    write("idx_mismatch/train-labels-idx1-ubyte", idx([5], bytes([0, 1, 2, 3, 4])))
    write("idx_mismatch/t10k-images-idx3-ubyte", idx([2, 4, 4]))
    write("idx_mismatch/t10k-labels-idx1-ubyte", idx([2], bytes([5, 6])))
    # one with no label files at all
    write("idx_no_labels/train-images-idx3-ubyte.gz", gz(idx([3, 4, 4])))


def csv_files():
    write("csv_empty.csv", b"")
    write("csv_header_only.csv", b"a,b,label\n")
    write("csv_ragged.csv", b"a,b\n1,2\n3,4\n5\n")
    write("csv_unterminated_quote.csv", b'a,b\n1,2\n"3,4\n')
    write("csv_not_a_number.csv", b"a,b\n1,2\n3,four\n")
    write("csv_empty_cell.csv", b"a,b\n1,2\n,4\n")
    write("csv_text_after_quote.csv", b'a,b\n"1"x,2\n')
    write("csv_label_only.csv", b"label\ncat\ndog\n")
    # NaN and Inf are numbers to strtod and so to the reader; training on them must stop
    write("csv_nan_inf.csv", b"a,b,label\n1,2,0\nnan,4,1\n5,inf,0\n-inf,8,1\n")


def cifar_files():
    def record(label):
        return bytes([label]) + bytes(i % 256 for i in range(3072))

    write("cifar_empty.bin", b"")
    write("cifar_truncated.bin", record(1) + record(2)[:-1])
    write("cifar_bad_label.bin", record(3) + record(10))
    # a directory with the test batch but no training batches
    write("cifar_no_train/test_batch.bin", record(4))


def label_files():
    # labels as IDX for to_categorical: 0 1 2 3 with num_classes 3 (3 is out of range)
    write("labels_out_of_range.idx", idx([4], bytes([0, 1, 2, 3])))


def main():
    idx_files()
    csv_files()
    cifar_files()
    label_files()


if __name__ == "__main__":
    main()
