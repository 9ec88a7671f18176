#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora into tests/fuzz/corpus/<target>/: small valid files
of each format and edge cases around them. Deterministic (fixed bytes, gzip mtime 0):
run it again after changing it and commit what changes.

    python3 tests/fuzz/make_corpus.py

Each fuzz target's first input byte selects options (see the target's comment); the
seeds below set it explicitly."""
import gzip
import os
import shutil
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def idx(dims, payload=None, type_code=0x08):
    n = 1
    for v in dims:
        n *= v
    if payload is None:
        payload = bytes((i * 37) % 256 for i in range(n))
    return bytes([0, 0, type_code, len(dims)]) + b"".join(struct.pack(">I", v) for v in dims) \
        + payload


def gz(data):
    return gzip.compress(data, mtime=0)


def idx_seeds():
    raw, comp = b"\x00", b"\x01"   # mode byte: as is / gzip-compressed by the target
    labels = idx([5], bytes([0, 1, 2, 3, 9]))
    images = idx([3, 4, 4])
    write("idx", "labels_raw", raw + labels)
    write("idx", "images_raw", raw + images)
    write("idx", "images_4d_raw", raw + idx([2, 2, 3, 3]))
    write("idx", "labels_gz", comp + labels)
    write("idx", "images_gz", comp + images)
    write("idx", "images_pregz", raw + gz(images))
    write("idx", "empty", raw)
    write("idx", "magic_only", raw + b"\x00\x00\x08\x03")
    write("idx", "truncated_header", raw + images[:9])
    write("idx", "truncated_data", raw + images[:-5])
    write("idx", "trailing_byte", raw + images + b"\x00")
    write("idx", "wrong_magic", raw + b"\x1f\x00\x08\x01" + images[4:])
    write("idx", "float_type", raw + idx([2, 2], b"\x00" * 16, 0x0D))
    write("idx", "zero_dim", raw + idx([0, 4], b""))
    write("idx", "five_dims", raw + bytes([0, 0, 8, 5]) + struct.pack(">5I", 1, 1, 1, 1, 1) + b"x")
    write("idx", "huge_dims", raw + bytes([0, 0, 8, 3]) + struct.pack(">3I", 0xFFFFFFFF,
                                                                        0xFFFFFFFF, 28))
    write("idx", "dim_over_int", raw + bytes([0, 0, 8, 1]) + struct.pack(">I", 0x80000000))
    write("idx", "gz_claims_too_much", raw + gz(bytes([0, 0, 8, 1]) + struct.pack(">I", 1 << 30)
                                                 + b"ab"))
    write("idx", "gz_truncated", raw + gz(images)[:-12])


def csv_seeds():
    # option byte: bit 0 header, bits 1-2 delimiter (, ; tab |), bits 3-5 label column + 1,
    # bit 6 label by the name "label"
    def opt(header=1, delim=0, label=-1, by_name=False):
        return bytes([header | delim << 1 | (label + 1) << 3 | (0x40 if by_name else 0)])

    iris = (b"sepal_length,sepal_width,petal_length,petal_width,label\n"
            b"5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n6.3,3.3,6.0,2.5,virginica\n")
    write("csv", "iris_by_name", opt(by_name=True) + iris)
    write("csv", "iris_by_column", opt(label=4) + iris)
    write("csv", "numbers_only", opt() + b"a,b\n1,2\n3,4\n")
    write("csv", "no_header_numeric_label", opt(header=0, label=0) + b"1,0.5,2\n0,1e-3,-4\n")
    write("csv", "semicolon", opt(delim=1) + b"x;y\n1;2\n")
    write("csv", "tabs", opt(delim=2, label=1) + b"x\ty\n1\tcat\n2\tdog\n")
    write("csv", "quoted", opt(label=1) + b'"x","name"\n"1.5","a ""quoted"" label"\n'
                                         b'2,"with, comma"\n')
    write("csv", "crlf_bom_blank", opt() + b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n3,4\r\n")
    write("csv", "nan_inf", opt() + b"a,b\nnan,inf\n-inf,1e400\n")
    write("csv", "ragged", opt() + b"a,b\n1,2\n3\n")
    write("csv", "unterminated_quote", opt() + b'a,b\n"1,2\n')
    write("csv", "not_a_number", opt() + b"a,b\n1,two\n")
    write("csv", "empty_cell", opt() + b"a,b\n1,\n")
    write("csv", "header_only", opt() + b"a,b\n")
    write("csv", "empty", opt())
    write("csv", "label_only", opt(label=0) + b"y\n1\n")
    write("csv", "label_out_of_range", opt(label=6) + b"a,b\n1,2\n")
    write("csv", "multiline_quote", opt(label=1) + b'a,b\n1,"two\nlines"\n')


def cifar_seeds():
    def record(label, seed):
        return bytes([label]) + bytes((seed + i * 7) % 256 for i in range(3072))

    write("cifar", "one_record", record(3, 0))
    write("cifar", "two_records", record(0, 1) + record(9, 2))
    write("cifar", "bad_label", record(10, 3))
    write("cifar", "truncated", record(1, 4)[:-1])
    write("cifar", "empty", b"")


def tensor_table_seeds():
    # the little stack language of fuzz_tensor_table.c: one byte an instruction
    NUM, TABLE, APPEND, SETK, STR, TRUE, TENSOR, DUP, NIL, POP = range(10)

    def num(i):
        return bytes([NUM, i])

    def row(*items):
        out = bytes([TABLE])
        for it in items:
            out += it + bytes([APPEND])
        return out

    one, two, three, nan, inf = num(1), num(11), num(4), num(12), num(7)
    write("tensor_table", "number", one)
    write("tensor_table", "vector", row(one, two, three))
    write("tensor_table", "matrix", row(row(one, two), row(three, one)))
    write("tensor_table", "ragged", row(row(one, two), row(three)))
    write("tensor_table", "nan_inf_ints", row(nan, inf, num(255), num(130), num(6)))
    write("tensor_table", "string_inside", row(one, bytes([STR, 1])))
    write("tensor_table", "empty", bytes([TABLE]))
    write("tensor_table", "empty_inner", row(bytes([TABLE]), bytes([TABLE])))
    write("tensor_table", "hole", bytes([TABLE]) + one + bytes([SETK, 3]) + two + bytes([SETK, 5]))
    write("tensor_table", "tensors", row(bytes([TENSOR, 0x15]), bytes([TENSOR, 0x15])))
    write("tensor_table", "tensor_u8", bytes([TENSOR, 0x96]))
    write("tensor_table", "self_nested", bytes([TABLE, DUP, 0, APPEND, DUP, 0, APPEND]))
    write("tensor_table", "five_deep", row(row(row(row(row(one))))))
    write("tensor_table", "boolean", bytes([TRUE]))


def main():
    for target in ("idx", "csv", "cifar", "tensor_table"):
        shutil.rmtree(os.path.join(ROOT, target), ignore_errors=True)
    idx_seeds()
    csv_seeds()
    cifar_seeds()
    tensor_table_seeds()


if __name__ == "__main__":
    main()
