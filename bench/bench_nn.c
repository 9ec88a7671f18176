/* bench/bench_nn.c — the nnscope side of `make bench`, through the C API of
** libnn.a alone (no Lua): the same workloads as scripts/bench_torch.py.
**
**   MLP 784-128(relu)-10(softmax), Adam, batch 32, 1 epoch of Fashion-MNIST
**   course CNN Conv32-Pool-Conv64-Pool-Flatten-Dense64-Dense10, Adam, batch 128
**   predict on the 10000 test images at batch 1000, both models
**   one MLP training step (forward, loss, backward, Adam) at batch 1 and 32
**   cblas_sgemm GFLOP/s at 2048^3 and at the models' own shapes
**   peak memory (ru_maxrss) of a process that trains the MLP on all the data
**   (layers) where one training step's time goes, stage by stage
**
** Each result is one JSON object per line on stdout, with the same "work" names
** as the PyTorch script, so scripts/bench.sh can pair them. Loading and
** converting the data are not timed; fit's shuffle, batch gather and training
** are. Rows whose layers are not in this build print {"work": ..., "na": "..."}.
**
** Usage: bench_nn [--quick] [--only mlp,cnn,step,sgemm,mem,layers] [--epochs N] [--seed S]
**                 [--config LABEL]
** (--epochs: more training epochs, to profile the training loop with perf;
** --seed: another seed than 42, to see how much accuracy varies with it)
*/
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include "nn/nn.h"

#if __has_include("nn/conv2d.h") && __has_include("nn/pool2d.h") && __has_include("nn/flatten.h")
#define BENCH_HAVE_CNN 1
#include "nn/conv2d.h"
#include "nn/flatten.h"
#include "nn/pool2d.h"
#else
#define BENCH_HAVE_CNN 0
#endif

static uint64_t seed = 42;
#define DATA_DIR "/usr/share/datasets/fashion-mnist"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, const nn_error *err)
{
    fprintf(stderr, "bench_nn: %s: %s\n", what, err ? err->msg : "failed");
    exit(1);
}

/* The label of this run's configuration in the results ("default", or what
** scripts/bench.sh passes with --config, e.g. for OPENBLAS_NUM_THREADS=1). */
static const char *config = "default";

/* Start one JSON result line: {"impl": ..., "config": ..., "work": "<prefix><suffix>", */
static void record(const char *impl, const char *prefix, const char *suffix)
{
    printf("{\"impl\": \"%s\", \"config\": \"%s\", \"work\": \"%s%s\", ", impl, config, prefix,
           suffix);
}

/* ------------------------------------------------------------------ data */

/* An IDX file (gzip-compressed) as a uint8 tensor of its own shape. */
static nn_tensor *read_idx(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    gzFile f = gzopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_nn: cannot open %s\n", path);
        exit(1);
    }
    unsigned char head[4 + 4 * NN_MAX_DIMS];
    if (gzread(f, head, 4) != 4 || head[2] != 0x08 || head[3] < 1 || head[3] > NN_MAX_DIMS) {
        fprintf(stderr, "bench_nn: %s is not an IDX file of bytes\n", path);
        exit(1);
    }
    int ndim = head[3], shape[NN_MAX_DIMS];
    if (gzread(f, head + 4, 4 * ndim) != 4 * ndim) {
        fprintf(stderr, "bench_nn: %s: truncated header\n", path);
        exit(1);
    }
    for (int i = 0; i < ndim; i++) {
        const unsigned char *p = head + 4 + 4 * i;
        shape[i] = (int)((unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]);
    }
    nn_error err;
    nn_tensor *t = nn_tensor_new(NN_U8, ndim, shape, &err);
    if (!t)
        die(name, &err);
    if (gzread(f, t->data, (unsigned)t->size) != (int)t->size) {
        fprintf(stderr, "bench_nn: %s: truncated data\n", path);
        exit(1);
    }
    gzclose(f);
    return t;
}

typedef struct dataset {
    nn_tensor *x, *y;       /* x: (N, 784) float32 in [0, 1]; y: (N, 10) one-hot float32 */
    uint8_t *labels;        /* the class indices, for accuracy */
    int n;
} dataset;

static dataset load_split(const char *dir, const char *images, const char *labels, int limit)
{
    nn_error err;
    nn_tensor *img = read_idx(dir, images), *lab = read_idx(dir, labels);
    dataset d;
    d.n = img->shape[0] < limit ? img->shape[0] : limit;
    d.x = nn_tensor_new2(d.n, 784, &err);
    d.y = nn_tensor_new2(d.n, 10, &err);
    d.labels = malloc((size_t)d.n);
    if (!d.x || !d.y || !d.labels)
        die("loading the data", &err);
    float *x = nn_tensor_f32(d.x), *y = nn_tensor_f32(d.y);
    for (size_t i = 0; i < (size_t)d.n * 784; i++)
        x[i] = nn_tensor_u8(img)[i] / 255.0f;
    for (int i = 0; i < d.n; i++) {
        d.labels[i] = nn_tensor_u8(lab)[i];
        y[i * 10 + d.labels[i]] = 1.0f;
    }
    nn_tensor_free(img);
    nn_tensor_free(lab);
    return d;
}

static void dataset_free(dataset *d)
{
    nn_tensor_free(d->x);
    nn_tensor_free(d->y);
    free(d->labels);
}

/* --------------------------------------------------------------- models */

static nn_layer *dense(int units, nn_activation_kind act)
{
    nn_error err;
    nn_dense_options o = nn_dense_defaults(units);
    o.activation.kind = act;
    nn_layer *l = nn_dense_new(&o, &err);
    if (!l)
        die("Dense", &err);
    return l;
}

static void add(nn_model *m, nn_layer *l)
{
    nn_error err;
    if (nn_model_add(m, l, &err) != NN_OK)
        die("add", &err);
}

/* Adam (Keras defaults: lr 1e-3, epsilon 1e-7), categorical cross-entropy on
** one-hot targets, accuracy: model.compile of the course. */
static void compile(nn_model *m)
{
    nn_error err;
    nn_compile_options c;
    memset(&c, 0, sizeof c);
    if (nn_loss_parse("categorical_crossentropy", &c.loss, &err) != NN_OK ||
        !(c.optimizer = nn_optim_by_name("adam", &err)) ||
        nn_metric_parse("accuracy", &c.metrics[0], &err) != NN_OK)
        die("compile options", &err);
    c.n_metrics = 1;
    if (nn_model_compile(m, &c, &err) != NN_OK)
        die("compile", &err);
}

static nn_model *new_model(void)
{
    nn_error err;
    nn_model *m = nn_model_new(seed, &err);
    if (!m)
        die("model", &err);
    return m;
}

static nn_model *build_mlp(void)
{
    nn_error err;
    nn_model *m = new_model();
    nn_shape in = {1, {784}};
    if (nn_model_set_input(m, 0, &in, &err) != NN_OK)
        die("input", &err);
    add(m, dense(128, NN_ACT_RELU));
    add(m, dense(10, NN_ACT_SOFTMAX));
    compile(m);
    return m;
}

/* Matrix FLOPs of one training sample (forward, dW, dx except for the first
** layer) and of one predicted sample; the MLP's: 784x128 + 128x10. */
static double mlp_train_flops(void)
{
    return 2.0 * (3.0 * (784 * 128 + 128 * 10) - 784 * 128);
}

static double mlp_predict_flops(void)
{
    return 2.0 * (784 * 128 + 128 * 10);
}

/* The CNN per sample: conv1 26x26 outputs x 32 filters x 3x3x1, conv2 11x11 x 64
** x 3x3x32, dense 1600x64, 64x10. Training = forward + dW + dx (no dx for conv1). */
static double cnn_forward_flops(void)
{
    return 2.0 * (26.0 * 26 * 32 * 9 + 11.0 * 11 * 64 * 288 + 1600.0 * 64 + 64 * 10);
}

static double cnn_train_flops(void)
{
    return 3.0 * cnn_forward_flops() - 2.0 * 26 * 26 * 32 * 9;
}

#if BENCH_HAVE_CNN
static nn_model *build_cnn(void)
{
    nn_error err;
    nn_model *m = new_model();
    nn_shape in = {3, {28, 28, 1}};
    if (nn_model_set_input(m, 0, &in, &err) != NN_OK)
        die("input", &err);
    nn_conv2d_options c1 = nn_conv2d_defaults(32, 3, 3);
    c1.activation.kind = NN_ACT_RELU;
    nn_conv2d_options c2 = nn_conv2d_defaults(64, 3, 3);
    c2.activation.kind = NN_ACT_RELU;
    nn_pool2d_options p = nn_pool2d_defaults(2, 2);
    nn_layer *layers[] = {
        nn_conv2d_new(&c1, &err), nn_max_pooling2d_new(&p, &err),
        nn_conv2d_new(&c2, &err), nn_max_pooling2d_new(&p, &err),
        nn_flatten_new(&err), dense(64, NN_ACT_RELU), dense(10, NN_ACT_SOFTMAX),
    };
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        if (!layers[i])
            die("CNN layer", &err);
        add(m, layers[i]);
    }
    compile(m);
    return m;
}
#endif

/* ------------------------------------------------------------- workloads */

/* The REPL always passes a callback (progress bar, window, Ctrl-C); so does this. */
static int count_batches(void *ud, const nn_fit_event *ev, nn_error *err)
{
    (void)err;
    if (ev->kind == NN_EVENT_BATCH_END)
        ++*(long *)ud;
    return 0;
}

static double test_accuracy(const nn_tensor *prob, const dataset *test)
{
    int k = (int)nn_tensor_row_size(prob), hits = 0;
    for (int i = 0; i < test->n; i++) {
        const float *r = nn_tensor_f32(prob) + (size_t)i * k;
        int best = 0;
        for (int j = 1; j < k; j++)
            if (r[j] > r[best])
                best = j;
        hits += best == test->labels[i];
    }
    return (double)hits / test->n;
}

/* x reshaped to the model's input (N, 784) or (N, 28, 28, 1): a view. */
static nn_tensor *as_input(const nn_tensor *x, int image)
{
    nn_error err;
    int flat[2] = {x->shape[0], 784}, img[4] = {x->shape[0], 28, 28, 1};
    nn_tensor *v = nn_tensor_reshape(x, image ? 4 : 2, image ? img : flat, &err);
    if (!v)
        die("reshape", &err);
    return v;
}

/* One epoch of fit, then predict on the test set: two result lines. */
static int epochs = 1;

static void bench_model(const char *name, nn_model *m, const dataset *train, const dataset *test,
                        int batch, int image, double train_flops, double predict_flops)
{
    nn_error err;
    nn_tensor *x = as_input(train->x, image), *xt = as_input(test->x, image);
    nn_fit_options fo = nn_fit_defaults();
    fo.epochs = epochs;
    fo.batch_size = batch;
    long batches = 0;
    fo.callback = count_batches;
    fo.ud = &batches;
    double t0 = now();
    if (nn_model_fit(m, x, train->y, &fo, &err) != NN_OK)
        die("fit", &err);
    double t_fit = now() - t0;
    int k = nn_history_key(&m->history, "loss", 0);
    double loss = k >= 0 ? m->history.values[k][m->history.n_epochs - 1] : NAN;

    t0 = now();
    nn_tensor *prob = nn_model_predict(m, xt, 1000, NULL, NULL, &err);
    double t_pred = now() - t0;
    if (!prob)
        die("predict", &err);
    double acc = test_accuracy(prob, test);
    record("nnscope", name, "_epoch");
    printf("\"seconds\": %.6f, \"samples_per_s\": %.1f, \"samples\": %d, \"batch\": %d, "
           "\"batches\": %ld, \"loss\": %.6f, \"test_acc\": %.6f, \"gflops\": %.3f, "
           "\"seed\": %llu}\n",
           t_fit, (double)train->n * epochs / t_fit, train->n * epochs, batch, batches,
           loss, acc, train_flops * train->n * epochs / t_fit * 1e-9, (unsigned long long)seed);
    record("nnscope", name, "_predict");
    printf("\"seconds\": %.6f, \"samples_per_s\": %.1f, \"samples\": %d, \"batch\": 1000, "
           "\"gflops\": %.3f}\n",
           t_pred, test->n / t_pred, test->n, predict_flops * test->n / t_pred * 1e-9);
    fflush(stdout);
    nn_tensor_free(prob);
    nn_tensor_free(x);
    nn_tensor_free(xt);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median latency of train_on_batch on the first B rows, after a warm-up. */
static void bench_steps(const dataset *train, int reps)
{
    nn_model *m = build_mlp();
    nn_error err;
    double *times = malloc((size_t)reps * sizeof *times), r[NN_MAX_METRICS + 1];
    int sizes[2] = {1, 32};
    for (int s = 0; s < 2; s++) {
        int B = sizes[s];
        nn_tensor xb, yb;
        nn_tensor_borrow_rows(&xb, train->x, 0, B);
        nn_tensor_borrow_rows(&yb, train->y, 0, B);
        for (int i = 0; i < reps + 20; i++) {
            double t0 = now();
            if (nn_model_train_on_batch(m, &xb, &yb, r, &err) != NN_OK)
                die("train_on_batch", &err);
            if (i >= 20)
                times[i - 20] = now() - t0;
        }
        qsort(times, (size_t)reps, sizeof *times, cmp_double);
        double med = times[reps / 2];
        record("nnscope", "mlp_step_b", B == 1 ? "1" : "32");
        printf("\"seconds\": %.9f, \"us\": %.3f, \"batch\": %d, \"reps\": %d, "
               "\"gflops\": %.3f}\n", med, med * 1e6, B, reps,
               mlp_train_flops() * B / med * 1e-9);
        fflush(stdout);
    }
    free(times);
    nn_model_free(m);
}

/* Where one training step's time goes: each layer's forward and backward, the
** loss, and the optimizer update, timed stage by stage (the stepping API) over
** `reps` steps on the first B rows; prints the median of each stage. */
static void bench_layers(const char *name, nn_model *m, const dataset *train, int B, int image,
                         int reps)
{
    nn_error err;
    nn_tensor *x = as_input(train->x, image), xb, yb;
    nn_tensor_borrow_rows(&xb, x, 0, B);
    nn_tensor_borrow_rows(&yb, train->y, 0, B);
    int n = m->n_nodes, stages = 2 * n + 3;
    double *t = calloc((size_t)stages * reps, sizeof *t);
    if (!t)
        die("layers", NULL);
    for (int r = -5; r < reps; r++) {     /* five steps first to allocate the buffers */
        double *row = t + (size_t)(r < 0 ? 0 : r) * stages, t0 = now(), t1;
        nn_status st = nn_model_begin_forward(m, &xb, &err);
        row[0] = (t1 = now()) - t0;
        for (int i = 0; i < n && st == NN_OK; i++) {
            st = nn_model_forward_node(m, i, 1, &err);
            row[1 + i] = (t0 = now()) - t1;
            t1 = t0;
        }
        if (st == NN_OK)
            st = nn_model_begin_backward(m, &yb, NULL, &err);
        row[1 + n] = (t0 = now()) - t1;
        for (int i = n - 1; i >= 0 && st == NN_OK; i--) {
            st = nn_model_backward_node(m, i, &err);
            row[2 + n + i] = (t1 = now()) - t0;
            t0 = t1;
        }
        if (st == NN_OK)
            st = nn_model_apply_gradients(m, &err);
        row[2 + 2 * n] = now() - t0;
        if (st != NN_OK)
            die("step by stage", &err);
    }
    double *col = malloc((size_t)reps * sizeof *col);
    for (int k = 0; k < stages; k++) {
        for (int r = 0; r < reps; r++)
            col[r] = t[(size_t)r * stages + k];
        qsort(col, (size_t)reps, sizeof *col, cmp_double);
        char stage[96];
        if (k == 0)
            snprintf(stage, sizeof stage, "keep input");
        else if (k <= n)
            snprintf(stage, sizeof stage, "forward %s", m->nodes[k - 1].layer->name);
        else if (k == n + 1)
            snprintf(stage, sizeof stage, "loss");
        else if (k < stages - 1)
            snprintf(stage, sizeof stage, "backward %s", m->nodes[k - n - 2].layer->name);
        else
            snprintf(stage, sizeof stage, "optimizer (%s)", nn_optim_name(m->optimizer));
        record("nnscope", name, "_stage");
        printf("\"batch\": %d, \"index\": %d, \"stage\": \"%s\", \"us\": %.3f}\n", B, k,
               stage, col[reps / 2] * 1e6);
    }
    fflush(stdout);
    free(col);
    free(t);
    nn_tensor_free(x);
}

/* GFLOP/s of C(MxN) = op(A) op(B), op(A) MxK, repeated for at least 0.3 s. */
static void bench_sgemm(const char *label, int M, int N, int K, int ta, int tb)
{
    size_t na = (size_t)M * K, nb = (size_t)K * N, nc = (size_t)M * N;
    float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b), *c = calloc(nc, sizeof *c);
    if (!a || !b || !c) {
        fprintf(stderr, "bench_nn: out of memory for sgemm\n");
        exit(1);
    }
    for (size_t i = 0; i < na; i++)
        a[i] = (float)(i % 7) * 0.1f;
    for (size_t i = 0; i < nb; i++)
        b[i] = (float)(i % 5) * 0.1f;
    CBLAS_TRANSPOSE opa = ta ? CblasTrans : CblasNoTrans, opb = tb ? CblasTrans : CblasNoTrans;
    int lda = ta ? M : K, ldb = tb ? K : N;
    cblas_sgemm(CblasRowMajor, opa, opb, M, N, K, 1.0f, a, lda, b, ldb, 0.0f, c, N);
    long reps = 0;
    double t0 = now(), t;
    do {
        cblas_sgemm(CblasRowMajor, opa, opb, M, N, K, 1.0f, a, lda, b, ldb, 0.0f, c, N);
        reps++;
        t = now() - t0;
    } while (t < 0.3);
    record("openblas", "sgemm_", label);
    printf("\"m\": %d, \"n\": %d, \"k\": %d, \"seconds\": %.9f, \"gflops\": %.3f, "
           "\"threads\": %d, \"openblas\": \"%s\"}\n", M, N, K, t / reps,
           2.0 * M * N * K * reps / t * 1e-9, openblas_get_num_threads(), openblas_get_config());
    fflush(stdout);
    free(a);
    free(b);
    free(c);
}

/* A process of its own (scripts/bench.sh runs `--only mem`): data loaded as the
** Lua API holds it (float32 images), one epoch of the MLP, then the peak RSS. */
static void bench_memory(const dataset *train)
{
    nn_model *m = build_mlp();
    nn_error err;
    nn_fit_options fo = nn_fit_defaults();
    if (nn_model_fit(m, train->x, train->y, &fo, &err) != NN_OK)
        die("fit", &err);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    record("nnscope", "mlp_peak_mem", "");
    printf("\"via\": \"bench_nn\", \"mb\": %.1f, \"samples\": %d}\n", ru.ru_maxrss / 1024.0,
           train->n);
    fflush(stdout);
    nn_model_free(m);
}

#if !BENCH_HAVE_CNN
static void not_available(const char *work, const char *why)
{
    record("nnscope", work, "");
    printf("\"na\": \"%s\"}\n", why);
    fflush(stdout);
}
#endif

/* ------------------------------------------------------------------ main */

static int wants(const char *only, const char *what)
{
    size_t n = strlen(what);
    for (const char *p = only; (p = strstr(p, what)) != NULL; p += n)
        if ((p == only || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *only = "mlp,cnn,step,sgemm";
    int quick = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--epochs") == 0 && i + 1 < argc) {
            epochs = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 1;
        } else {
            fprintf(stderr, "usage: bench_nn [--quick] [--only mlp,cnn,step,sgemm,mem,layers] "
                    "[--epochs N] [--seed S] [--config LABEL]\n");
            return 2;
        }
    }
    const char *dir = getenv("NNSCOPE_FASHION_MNIST");
    if (!dir || !*dir)
        dir = DATA_DIR;
    int need_data = wants(only, "mlp") || wants(only, "cnn") || wants(only, "step") ||
                    wants(only, "mem") || wants(only, "layers");
    dataset train = {0}, test = {0};
    if (need_data) {
        train = load_split(dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                           quick ? 6000 : 60000);
        test = load_split(dir, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 10000);
    }
    if (wants(only, "mlp")) {
        nn_model *m = build_mlp();
        bench_model("mlp", m, &train, &test, 32, 0, mlp_train_flops(), mlp_predict_flops());
        nn_model_free(m);
    }
    if (wants(only, "cnn")) {
#if BENCH_HAVE_CNN
        nn_model *m = build_cnn();
        bench_model("cnn", m, &train, &test, 128, 1, cnn_train_flops(), cnn_forward_flops());
        nn_model_free(m);
#else
        not_available("cnn_epoch", "n/a: Conv2D not built");
        not_available("cnn_predict", "n/a: Conv2D not built");
        (void)cnn_train_flops;
#endif
    }
    if (wants(only, "step"))
        bench_steps(&train, quick ? 200 : 1000);
    if (wants(only, "layers")) {
        nn_model *m = build_mlp();
        bench_layers("mlp", m, &train, 32, 0, quick ? 100 : 500);
        nn_model_free(m);
#if BENCH_HAVE_CNN
        m = build_cnn();
        bench_layers("cnn", m, &train, 128, 1, quick ? 10 : 40);
        nn_model_free(m);
#endif
    }
    if (wants(only, "mem"))
        bench_memory(&train);
    if (wants(only, "sgemm")) {
        bench_sgemm("2048", 2048, 2048, 2048, 0, 0);
        bench_sgemm("mlp_fwd", 32, 128, 784, 0, 0);         /* z1 = x W1 */
        bench_sgemm("mlp_dw", 784, 128, 32, 1, 0);          /* dW1 = x^T dz1 */
        bench_sgemm("cnn_conv2", 15488, 64, 288, 0, 0);     /* im2col rows x (3*3*32, 64) */
        bench_sgemm("cnn_conv1", 86528, 32, 9, 0, 0);       /* im2col rows x (3*3*1, 32) */
    }
    dataset_free(&train);
    dataset_free(&test);
    return 0;
}
