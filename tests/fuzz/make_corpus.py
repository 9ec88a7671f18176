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


def json_seeds():
    write("json", "object", b'{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}}')
    write("json", "nested", b"[[[[{\"k\": [0.125, 1e-7]}]]]]")
    write("json", "surrogates", b'"\\ud83d\\ude00 \xe4\xb8\xad"')
    write("json", "numbers", b"[0, -0, 0.5, 1E+2, 123456789012345678901234567890]")
    write("json", "duplicate_key", b'{"a": 1, "a": 2}')
    write("json", "trailing_comma", b"[1, 2,]")
    write("json", "empty", b"")


def safetensors_file(tensors, meta=None, pad=True):
    """tensors: (name, dtype, shape, raw bytes); the header as nn/safetensors.c writes it."""
    head, offset, data = [], 0, b""
    if meta:
        items = ", ".join('"%s": "%s"' % (k, v.replace('"', '\\"')) for k, v in meta)
        head.append('"__metadata__": {%s}' % items)
    for name, dtype, shape, raw in tensors:
        head.append('"%s": {"dtype": "%s", "shape": [%s], "data_offsets": [%d, %d]}'
                    % (name, dtype, ", ".join(map(str, shape)), offset, offset + len(raw)))
        offset += len(raw)
        data += raw
    text = ("{" + ", ".join(head) + "}").encode()
    while pad and len(text) % 8:
        text += b" "
    return struct.pack("<Q", len(text)) + text + data


def floats(*values):
    return struct.pack("<%df" % len(values), *values)


def safetensors_seeds():
    write("safetensors", "two_tensors", safetensors_file(
        [("dense/kernel", "F32", (2, 3), floats(1, -2.5, 3.25e-8, 1e30, -0.0, 0.1)),
         ("pixels", "U8", (5,), bytes([250, 251, 252, 253, 254]))], [("format", "pt")]))
    write("safetensors", "scalar_and_empty", safetensors_file(
        [("s", "F32", (), floats(1)), ("z", "F32", (0, 3), b"")]))
    write("safetensors", "no_tensors", safetensors_file([], [("k", "v")]))
    write("safetensors", "f16", safetensors_file([("h", "F16", (2,), b"\x00\x3c\x00\x3c")]))
    write("safetensors", "truncated", safetensors_file(
        [("a", "F32", (4,), floats(1, 2, 3, 4))])[:-3])
    write("safetensors", "empty", b"")


def model_config(units, compiled):
    dense = ('{"class_name": "Dense", "config": {"name": "%s", "trainable": true, '
             '"dtype": "float32", "units": %d, "activation": "%s", "use_bias": true, '
             '"kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}}, '
             '"bias_initializer": {"class_name": "Zeros", "config": {}}, '
             '"kernel_regularizer": null, "bias_regularizer": null, '
             '"activity_regularizer": null, "kernel_constraint": null, '
             '"bias_constraint": null}}')
    config = ('{"class_name": "Sequential", "config": {"name": "seed", "layers": ['
              '{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 3], '
              '"dtype": "float32", "sparse": false, "ragged": false, "name": "dense_input"}}, '
              + dense % ("dense", units, "relu") + "]}}")
    meta = [("nnscope_version", "0.1.0"), ("nnscope_config", config)]
    if compiled:
        meta.append(("nnscope_compile", '{"optimizer": {"class_name": "SGD", "config": '
                     '{"name": "SGD", "learning_rate": 0.01, "momentum": 0.9, '
                     '"nesterov": false}}, "loss": "mean_squared_error", "metrics": ["mae"]}'))
        meta.append(("nnscope_state", '{"rng_state": "0123456789abcdef", '
                     '"rng_inc": "0000000000000003", "iterations": 1, '
                     '"nadam_mu_product": 1}'))
    return meta


def model_seeds():
    kernel = floats(*[0.1 * i for i in range(6)])
    bias = floats(0.5, -0.5)
    write("model", "sequential", safetensors_file(
        [("dense/kernel", "F32", (3, 2), kernel), ("dense/bias", "F32", (2,), bias)],
        model_config(2, False)))
    write("model", "compiled_with_state", safetensors_file(
        [("dense/kernel", "F32", (3, 2), kernel), ("dense/bias", "F32", (2,), bias),
         ("optimizer/dense/kernel/momentum", "F32", (3, 2), kernel),
         ("optimizer/dense/bias/momentum", "F32", (2,), bias)], model_config(2, True)))
    write("model", "wrong_shape", safetensors_file(
        [("dense/kernel", "F32", (3, 2), kernel), ("dense/bias", "F32", (2,), bias)],
        model_config(4, False)))
    write("model", "weights_only", safetensors_file(
        [("dense/kernel", "F32", (3, 2), kernel)], [("nnscope_version", "0.1.0")]))


def main():
    for target in ("idx", "csv", "cifar", "tensor_table", "json", "safetensors", "model"):
        shutil.rmtree(os.path.join(ROOT, target), ignore_errors=True)
    idx_seeds()
    csv_seeds()
    cifar_seeds()
    tensor_table_seeds()
    json_seeds()
    safetensors_seeds()
    model_seeds()


if __name__ == "__main__":
    main()
