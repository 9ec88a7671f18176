/* tests/c/test_safetensors.c — the safetensors writer and the checking reader:
** round trips, every kind of damaged file, atomic replacement, and numpy reading
** our files. */
#include "tests/test.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn/nn.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nnscope-st-XXXXXX");
    if (!mkdtemp(tmpdir))
        tmpdir[0] = '\0';
}

/* A path in the temporary directory (one of four rotating buffers). */
static const char *tmp_path(const char *name)
{
    static char paths[4][160];
    static int next;
    char *path = paths[next++ % 4];
    snprintf(path, 160, "%s/%s", tmpdir, name);
    return path;
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char p[400];
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            if (rmdir(p) != 0)
                unlink(p);
        }
    }
    if (d)
        closedir(d);
    rmdir(tmpdir);
}

/* How many entries of the temporary directory start with `prefix`. */
static int count_files(const char *prefix)
{
    int n = 0;
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    *len = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static nn_tensor *tensor2(int rows, int cols, const float *values)
{
    nn_tensor *t = nn_tensor_new2(rows, cols, NULL);
    memcpy(t->data, values, t->size * sizeof(float));
    return t;
}

/* ------------------------------------------------------------- round trip */

static void round_trip_keeps_every_bit(void)
{
    make_tmpdir();
    const float kv[6] = {1.0f, -2.5f, 3.25e-8f, 1e30f, -0.0f, 0.1f};
    nn_tensor *k = tensor2(2, 3, kv);
    int shape[1] = {5};
    nn_tensor *u = nn_tensor_new(NN_U8, 1, shape, NULL);
    for (int i = 0; i < 5; i++)
        nn_tensor_u8(u)[i] = (uint8_t)(250 + i);
    nn_st_item items[2] = {{"dense/kernel", k}, {"pixels", u}};
    nn_st_meta meta[2] = {{"format", "pt"}, {"note", "a \"quoted\" value\n"}};
    nn_error err;
    const char *path = tmp_path("a.safetensors");
    CHECK(nn_safetensors_write(path, items, 2, meta, 2, &err) == NN_OK);

    /* the layout, byte by byte: length, header padded to 8, data */
    size_t len;
    unsigned char *raw = read_file(path, &len);
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = hlen << 8 | raw[i];
    CHECK((8 + hlen) % 8 == 0);
    CHECK(len == 8 + hlen + 24 + 5);
    CHECK(raw[8] == '{' && (raw[8 + hlen - 1] == ' ' || raw[8 + hlen - 1] == '}'));
    /* 1.0f is 00 00 80 3f little-endian */
    CHECK(raw[8 + hlen] == 0x00 && raw[8 + hlen + 2] == 0x80 && raw[8 + hlen + 3] == 0x3f);
    CHECK(raw[len - 1] == 254);
    free(raw);

    nn_safetensors *f = nn_safetensors_open(path, &err);
    if (!CHECK(f != NULL)) {
        nn_tensor_free(k);
        nn_tensor_free(u);
        remove_tmpdir();
        return;
    }
    CHECK(nn_safetensors_count(f) == 2);
    const nn_st_entry *e = nn_safetensors_find(f, "dense/kernel");
    CHECK(e && e->dtype == NN_F32 && e->ndim == 2 && e->shape[0] == 2 && e->shape[1] == 3);
    CHECK(e && e->begin == 0 && e->end == 24);
    nn_tensor *back = e ? nn_safetensors_tensor(f, e, &err) : NULL;
    CHECK(back && memcmp(back->data, kv, sizeof kv) == 0);
    nn_tensor_free(back);
    e = nn_safetensors_find(f, "pixels");
    back = e ? nn_safetensors_tensor(f, e, &err) : NULL;
    CHECK(back && back->dtype == NN_U8 && back->size == 5 && nn_tensor_u8(back)[4] == 254);
    nn_tensor_free(back);
    CHECK(strcmp(nn_safetensors_meta(f, "note"), "a \"quoted\" value\n") == 0);
    CHECK(strcmp(nn_safetensors_meta(f, "format"), "pt") == 0);
    CHECK(nn_safetensors_meta(f, "absent") == NULL);
    nn_safetensors_close(f);
    nn_tensor_free(k);
    nn_tensor_free(u);
    remove_tmpdir();
}

/* ----------------------------------------------------------- damaged files */

/* A file image: the 8-byte header length (hlen, or the header's real length
** when hlen < 0), the header, then `data_len` bytes of data. */
static unsigned char *image(const char *header, long long hlen, size_t data_len, size_t *len)
{
    size_t h = strlen(header);
    *len = 8 + h + data_len;
    unsigned char *buf = calloc(*len, 1);
    uint64_t n = hlen < 0 ? (uint64_t)h : (uint64_t)hlen;
    for (int i = 0; i < 8; i++)
        buf[i] = (unsigned char)(n >> (8 * i));
    memcpy(buf + 8, header, h);
    return buf;
}

static void refused(const char *header, long long hlen, size_t data_len, const char *want)
{
    size_t len;
    unsigned char *buf = image(header, hlen, data_len, &len);
    nn_error err;
    nn_error_clear(&err);
    nn_safetensors *f = nn_safetensors_parse(buf, len, &err);
    if (!CHECK(f == NULL))
        nn_safetensors_close(f);
    CHECK(err.code == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, want);
    free(buf);
}

#define T(name, spec) "\"" name "\": {" spec "}"

static void refuses_damaged_files_with_the_reason(void)
{
    nn_error err;
    /* a good one first, so the cases below differ from it by one thing */
    size_t len;
    unsigned char *ok = image("{" T("a", "\"dtype\": \"F32\", \"shape\": [2], "
                                   "\"data_offsets\": [0, 8]") "}", -1, 8, &len);
    nn_safetensors *f = nn_safetensors_parse(ok, len, &err);
    CHECK(f != NULL);
    nn_safetensors_close(f);

    /* truncated before the header length, and in the data */
    f = nn_safetensors_parse(ok, 5, &err);
    CHECK(f == NULL && err.code == NN_EFORMAT);
    CHECK_CONTAINS(err.msg, "truncated (5 bytes");
    f = nn_safetensors_parse(ok, len - 3, &err);
    CHECK(f == NULL);
    CHECK_CONTAINS(err.msg, "past the end of the data (5 bytes): the file is truncated");
    free(ok);

    refused("{}", 1000, 0, "header length 1000 is larger than the rest of the file (2 bytes)");
    refused("{}", (long long)(UINT64_MAX >> 1), 0, "is larger than the rest of the file");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]"), -1, 8,
            "not valid JSON: invalid JSON at byte");
    refused("[1, 2]", -1, 0, "the header is not a JSON object");
    refused("{" T("a", "\"dtype\": \"F33\", \"shape\": [2], \"data_offsets\": [0, 8]") "}", -1,
            8, "tensor 'a' has an unknown dtype 'F33'");
    refused("{" T("a", "\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [0, 4]") "}", -1,
            4, "dtype F16, which nnscope does not read");
    refused("{" T("a", "\"shape\": [2], \"data_offsets\": [0, 8]") "}", -1, 8, "no dtype");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 16]") "}", -1,
            8, "tensor 'a' has data_offsets [0, 16] past the end of the data (8 bytes)");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 0]") "}", -1,
            8, "end before they begin");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]") "}", -1,
            8, "[0, 8] (8 bytes), but shape (3,) of F32 needs 12 bytes");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]") ", "
            T("b", "\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]") "}", -1, 12,
            "overlaps");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]") ", "
            T("b", "\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]") "}", -1, 12,
            "bytes 4 to 8 of the data belong to no tensor");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]") "}", -1,
            8, "4 bytes of data after the last tensor");
    refused("{" T("a", "\"dtype\": \"U8\", \"shape\": [4294967296, 4294967296, 4294967296], "
                  "\"data_offsets\": [0, 8]") "}", -1, 8, "a shape whose size overflows");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]") "}", -1,
            4, "not a non-negative integer");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 4]") "}",
            -1, 4, "not a non-negative integer");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [1,1,1,1,1,1,1,1,1], "
                  "\"data_offsets\": [0, 4]") "}", -1, 4, "has 9 dimensions");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]") "}", -1, 4,
            "needs data_offsets [begin, end]");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4], "
                  "\"extra\": 1") "}", -1, 4, "unknown field 'extra'");
    refused("{" T("a", "\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]") ", "
            T("a", "\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]") "}", -1, 8,
            "duplicate key \"a\"");
    refused("{\"__metadata__\": {\"k\": 3}}", -1, 0, "__metadata__ value 'k' is a number");
    refused("{\"__metadata__\": [1]}", -1, 0, "__metadata__ is an array");
    refused("{\"a\": 5}", -1, 0, "tensor 'a' is described by a number");
    refused("{}", -1, 4, "4 bytes of data but no tensors");
    refused(" {}", -1, 0, "not a JSON object");
}

/* A zero dimension is valid safetensors but no nn_tensor; a scalar reads as (1,). */
static void odd_but_valid_shapes(void)
{
    size_t len;
    unsigned char *buf = image("{" T("s", "\"dtype\": \"F32\", \"shape\": [], "
                                     "\"data_offsets\": [0, 4]") ", "
                               T("z", "\"dtype\": \"F32\", \"shape\": [0, 3], "
                                 "\"data_offsets\": [4, 4]") "}", -1, 4, &len);
    float one = 1.0f;
    memcpy(buf + len - 4, &one, 4);
    nn_error err;
    nn_safetensors *f = nn_safetensors_parse(buf, len, &err);
    free(buf);
    if (!CHECK(f != NULL))
        return;
    nn_tensor *s = nn_safetensors_tensor(f, nn_safetensors_find(f, "s"), &err);
    CHECK(s && s->ndim == 1 && s->shape[0] == 1 && nn_tensor_f32(s)[0] == 1.0f);
    nn_tensor_free(s);
    CHECK(nn_safetensors_tensor(f, nn_safetensors_find(f, "z"), &err) == NULL);
    CHECK(err.code == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "shape (0, 3)");
    nn_safetensors_close(f);
}

/* ---------------------------------------------------------- atomic writes */

static void failed_write_leaves_the_old_file(void)
{
    make_tmpdir();
    const float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
    nn_tensor *ta = tensor2(2, 2, a), *tb = tensor2(2, 2, b);
    nn_st_item ia = {"w", ta}, ib = {"w", tb};
    nn_error err;
    const char *path = tmp_path("m.safetensors");
    CHECK(nn_safetensors_write(path, &ia, 1, NULL, 0, &err) == NN_OK);
    size_t len_before, len_after;
    unsigned char *before = read_file(path, &len_before);

    /* the disk fills up in the middle of the data */
    nn_safetensors_test_fail_after((long long)len_before - 8);
    nn_status st = nn_safetensors_write(path, &ib, 1, NULL, 0, &err);
    nn_safetensors_test_fail_after(-1);
    CHECK(st == NN_EIO);
    CHECK_CONTAINS(err.msg, "cannot write");
    CHECK_CONTAINS(err.msg, "No space left on device");
    unsigned char *after = read_file(path, &len_after);
    CHECK(after && len_after == len_before && memcmp(before, after, len_before) == 0);
    CHECK(count_files("m.safetensors.tmp-") == 0);
    free(after);

    /* the target is a directory: the rename fails, nothing is left behind */
    const char *dir = tmp_path("adir");
    mkdir(dir, 0755);
    CHECK(nn_safetensors_write(dir, &ib, 1, NULL, 0, &err) == NN_EIO);
    CHECK_CONTAINS(err.msg, "cannot replace");
    CHECK(count_files("adir.tmp-") == 0);
    struct stat sb;
    CHECK(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode));

    /* a directory that does not exist */
    CHECK(nn_safetensors_write(tmp_path("nope/m.safetensors"), &ib, 1, NULL, 0, &err) ==
          NN_EIO);
    CHECK_CONTAINS(err.msg, "cannot create a temporary file");

    /* a read-only directory (root writes anyway, so only checked for others) */
    if (geteuid() != 0) {
        chmod(tmpdir, 0555);
        CHECK(nn_safetensors_write(path, &ib, 1, NULL, 0, &err) == NN_EIO);
        chmod(tmpdir, 0755);
        after = read_file(path, &len_after);
        CHECK(after && len_after == len_before && memcmp(before, after, len_before) == 0);
        free(after);
    }

    /* and a successful write replaces the file */
    if (!CHECK(nn_safetensors_write(path, &ib, 1, NULL, 0, &err) == NN_OK))
        printf("    %s\n", err.msg);
    nn_safetensors *f = nn_safetensors_open(path, &err);
    nn_tensor *back = f ? nn_safetensors_tensor(f, nn_safetensors_find(f, "w"), &err) : NULL;
    CHECK(back && nn_tensor_f32(back)[3] == 8.0f);
    nn_tensor_free(back);
    nn_safetensors_close(f);
    CHECK(count_files("m.safetensors") == 1);
    struct stat st_mode;
    mode_t mask = umask(0);
    umask(mask);
    CHECK(stat(path, &st_mode) == 0 && (st_mode.st_mode & 0777) == (0666 & ~mask));
    free(before);
    nn_tensor_free(ta);
    nn_tensor_free(tb);
    remove_tmpdir();
}

static void open_reports_missing_files(void)
{
    nn_error err;
    CHECK(nn_safetensors_open("/nonexistent/x.safetensors", &err) == NULL);
    CHECK(err.code == NN_EIO);
    CHECK_CONTAINS(err.msg, "cannot open '/nonexistent/x.safetensors': No such file");
    CHECK(nn_safetensors_open("/tmp", &err) == NULL);
    CHECK_CONTAINS(err.msg, "not a regular file");
}

/* ------------------------------------------------------------------ numpy */

/* numpy (not our code) reads the file: it prints each tensor's name, shape and
** values, which must be what we wrote. */
static void numpy_reads_our_files(void)
{
    make_tmpdir();
    const float kv[6] = {0.5f, -1.25f, 3.0e-5f, 7.0f, -8.5f, 1e10f};
    nn_tensor *k = tensor2(3, 2, kv);
    nn_st_item item = {"dense/kernel", k};
    nn_st_meta meta = {"nnscope_version", NN_VERSION};
    nn_error err;
    const char *path = tmp_path("np.safetensors");
    CHECK(nn_safetensors_write(path, &item, 1, &meta, 1, &err) == NN_OK);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c '\n"
             "import json, struct, sys, numpy as np\n"
             "raw = open(sys.argv[1], \"rb\").read()\n"
             "n = struct.unpack(\"<Q\", raw[:8])[0]\n"
             "head = json.loads(raw[8:8 + n])\n"
             "print(head[\"__metadata__\"][\"nnscope_version\"])\n"
             "for name, e in head.items():\n"
             "    if name == \"__metadata__\": continue\n"
             "    b, end = e[\"data_offsets\"]\n"
             "    a = np.frombuffer(raw[8 + n + b:8 + n + end], dtype=\"<f4\")"
             ".reshape(e[\"shape\"])\n"
             "    print(name, a.shape[0], a.shape[1], *[repr(float(v)) for v in a.ravel()])\n"
             "' %s 2>&1", path);
    FILE *p = popen(cmd, "r");
    char line1[256] = "", line2[1024] = "";
    if (p) {
        if (!fgets(line1, sizeof line1, p))
            line1[0] = '\0';
        if (!fgets(line2, sizeof line2, p))
            line2[0] = '\0';
        pclose(p);
    }
    CHECK_CONTAINS(line1, NN_VERSION);
    char name[64];
    int rows = 0, cols = 0, used = 0;
    CHECK(sscanf(line2, "%63s %d %d %n", name, &rows, &cols, &used) == 3);
    CHECK(strcmp(name, "dense/kernel") == 0 && rows == 3 && cols == 2);
    char *at = line2 + used;
    for (int i = 0; i < 6; i++) {
        char *end;
        double v = strtod(at, &end);
        CHECK(end != at && v == (double)kv[i]);
        at = end;
    }
    if (t_failed_checks)
        printf("    python said: %s%s", line1, line2);
    nn_tensor_free(k);
    remove_tmpdir();
}

void suite_safetensors(void)
{
    t_run("safetensors: round trip keeps every bit", round_trip_keeps_every_bit);
    t_run("safetensors: damaged files refused with the reason",
          refuses_damaged_files_with_the_reason);
    t_run("safetensors: scalars and zero-size tensors", odd_but_valid_shapes);
    t_run("safetensors: a failed write leaves the old file intact",
          failed_write_leaves_the_old_file);
    t_run("safetensors: missing files", open_reports_missing_files);
    t_run("safetensors: numpy reads our files", numpy_reads_our_files);
}
