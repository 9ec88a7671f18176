/* tests/c/test_save.c — saving and loading models: round trips, resuming training
** exactly, Keras-shaped configs, and refusing files that do not fit. */
#include "tests/test.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "nn/nn.h"

/* ------------------------------------------------------------------ helpers */

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nnscope-save-XXXXXX");
    if (!mkdtemp(tmpdir))
        tmpdir[0] = '\0';
}

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
        char p[400];
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        if (e->d_name[0] != '.')
            unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(tmpdir);
}

static nn_layer *dense(int units, const char *act, int input_dim)
{
    nn_dense_options o = nn_dense_defaults(units);
    nn_activation_parse(act, &o.activation, NULL);
    nn_layer *l = nn_dense_new(&o, NULL);
    if (input_dim > 0)
        l->input_hint = (nn_shape){1, {input_dim}};
    return l;
}

static void compile(nn_model *m, const char *loss, nn_optimizer *o)
{
    nn_compile_options c;
    memset(&c, 0, sizeof c);
    nn_loss_parse(loss, &c.loss, NULL);
    c.optimizer = o;
    c.n_metrics = 1;
    nn_metric_parse("accuracy", &c.metrics[0], NULL);
    nn_model_compile(m, &c, NULL);
}

/* 4 -> 6 (tanh) -> 3 (softmax), categorical cross-entropy, metrics accuracy. */
static nn_model *mlp(uint64_t seed, nn_optimizer *o)
{
    nn_model *m = nn_model_new(seed, NULL);
    nn_model_add(m, dense(6, "tanh", 4), NULL);
    nn_model_add(m, dense(3, "softmax", 0), NULL);
    compile(m, "categorical_crossentropy", o);
    return m;
}

/* n samples of 4 features; one-hot labels from a simple rule, so loss falls. */
static void make_data(int n, nn_tensor **x, nn_tensor **y)
{
    nn_rng rng;
    nn_rng_seed(&rng, 77);
    *x = nn_tensor_new2(n, 4, NULL);
    *y = nn_tensor_new2(n, 3, NULL);
    for (int i = 0; i < n; i++) {
        float s = 0.0f;
        for (int j = 0; j < 4; j++) {
            float v = nn_rng_normal(&rng);
            nn_tensor_f32(*x)[i * 4 + j] = v;
            s += v * (float)(j + 1);
        }
        int c = s < -1.0f ? 0 : s < 1.0f ? 1 : 2;
        nn_tensor_f32(*y)[i * 3 + c] = 1.0f;
    }
}

static int same_tensor(const nn_tensor *a, const nn_tensor *b)
{
    return a && b && nn_tensor_same_shape(a, b) &&
           memcmp(a->data, b->data, a->size * sizeof(float)) == 0;
}

static int same_weights(nn_model *a, nn_model *b)
{
    int na, nb;
    nn_param *const *pa = nn_model_params(a, &na);
    nn_param *const *pb = nn_model_params(b, &nb);
    if (na != nb)
        return 0;
    for (int i = 0; i < na; i++)
        if (!same_tensor(pa[i]->value, pb[i]->value))
            return 0;
    return 1;
}

static nn_optimizer *sgd_momentum(void)
{
    nn_optimizer *o = nn_optim_new(NN_OPT_SGD, NULL);
    o->learning_rate = 0.05f;
    o->momentum = 0.9f;
    return o;
}

/* ------------------------------------------------------------ round trips */

static void save_load_gives_the_same_model(void)
{
    make_tmpdir();
    nn_error err;
    nn_tensor *x, *y;
    make_data(24, &x, &y);
    nn_model *a = mlp(3, nn_optim_by_name("adam", NULL));
    a->optimizer->learning_rate = 0.01f;
    double r[NN_MAX_METRICS + 1];
    for (int i = 0; i < 3; i++)
        nn_model_train_on_batch(a, x, y, r, &err);
    const char *path = tmp_path("m.safetensors");
    CHECK(nn_model_save(a, path, "my_model", &err) == NN_OK);
    char name[48] = "";
    nn_model *b = nn_model_load(path, 99, name, sizeof name, &err);
    if (!CHECK(b != NULL)) {
        printf("    %s\n", err.msg);
        goto done;
    }
    CHECK(strcmp(name, "my_model") == 0);
    CHECK(b->n_nodes == 2 && strcmp(b->nodes[1].layer->name, "dense_1") == 0);
    CHECK(same_weights(a, b));
    nn_tensor *pa = nn_model_predict(a, x, 8, NULL, NULL, &err);
    nn_tensor *pb = nn_model_predict(b, x, 8, NULL, NULL, &err);
    CHECK(same_tensor(pa, pb));
    nn_tensor_free(pa);
    nn_tensor_free(pb);
    /* compile settings and the optimizer's state */
    CHECK(b->compiled && b->loss.kind == NN_LOSS_CCE && b->fused);
    CHECK(b->n_metrics == 1 && strcmp(b->metrics[0].name, "accuracy") == 0);
    CHECK(b->metrics[0].kind == NN_METRIC_CATEGORICAL_ACCURACY);
    CHECK(b->optimizer->kind == NN_OPT_ADAM && b->optimizer->learning_rate == 0.01f);
    CHECK(b->optimizer->iterations == 3);
    CHECK(b->optimizer->slots && b->optimizer->n_params == 4);
    for (int i = 0; i < 4 * NN_OPT_SLOTS; i++) {
        nn_tensor *sa = a->optimizer->slots[i], *sb = b->optimizer->slots[i];
        CHECK((!sa && !sb) || same_tensor(sa, sb));
    }
    CHECK(b->rng.state == a->rng.state && b->rng.inc == a->rng.inc);
    /* one more step on each: still identical */
    nn_model_train_on_batch(a, x, y, r, &err);
    nn_model_train_on_batch(b, x, y, r, &err);
    CHECK(same_weights(a, b));
    nn_model_free(b);
done:
    nn_model_free(a);
    nn_tensor_free(x);
    nn_tensor_free(y);
    remove_tmpdir();
}

/* Every optimizer, with the options that give it more state. */
static nn_optimizer *optimizer_for(int which)
{
    static const char *const names[] = {"adam", "sgd", "rmsprop", "adagrad", "adadelta",
                                        "nadam", "adamax", "adam"};
    nn_optimizer *o = which == 1 ? sgd_momentum() : nn_optim_by_name(names[which], NULL);
    if (which == 2) {
        o->momentum = 0.5f;
        o->centered = 1;
    }
    if (which == 7)
        o->amsgrad = 1;
    if (which == 4)
        o->learning_rate = 1.0f;
    return o;
}

/* Train 2 epochs, save, load, train 2 more: the same losses as 4 epochs in one
** go (shuffling included: the generator's state is in the file), with every
** optimizer. */
static void resume_after_load_continues_the_same_curve(void)
{
    make_tmpdir();
    nn_error err;
    nn_tensor *x, *y;
    make_data(40, &x, &y);
    nn_fit_options o = nn_fit_defaults();
    o.batch_size = 8;
    o.validation_split = 0.2;
    for (int which = 0; which < 8; which++) {
        nn_optimizer *oa = optimizer_for(which), *ob = optimizer_for(which);
        nn_model *a = mlp(5, oa), *b = mlp(5, ob);
        o.epochs = 4;
        CHECK(nn_model_fit(a, x, y, &o, &err) == NN_OK);
        o.epochs = 2;
        CHECK(nn_model_fit(b, x, y, &o, &err) == NN_OK);
        const char *path = tmp_path("resume.safetensors");
        CHECK(nn_model_save(b, path, NULL, &err) == NN_OK);
        nn_model_free(b);
        nn_model *c = nn_model_load(path, 12345, NULL, 0, &err);
        if (!CHECK(c != NULL)) {
            printf("    %s\n", err.msg);
            nn_model_free(a);
            continue;
        }
        CHECK(nn_model_fit(c, x, y, &o, &err) == NN_OK);
        CHECK(c->optimizer->kind == a->optimizer->kind);
        CHECK(c->history.n_epochs == 2 && a->history.n_epochs == 4);
        const char *keys[] = {"loss", "accuracy", "val_loss", "val_accuracy"};
        for (int k = 0; k < 4; k++) {
            int ka = nn_history_key(&a->history, keys[k], 0);
            int kc = nn_history_key(&c->history, keys[k], 0);
            CHECK(ka >= 0 && kc >= 0);
            for (int e = 0; e < 2 && ka >= 0 && kc >= 0; e++)
                CHECK_NEAR(c->history.values[kc][e], a->history.values[ka][e + 2], 1e-6);
        }
        /* the losses did change between epochs: the comparison means something */
        CHECK(a->history.values[0][3] != a->history.values[0][2]);
        CHECK(same_weights(a, c));
        nn_model_free(a);
        nn_model_free(c);
    }
    nn_tensor_free(x);
    nn_tensor_free(y);
    remove_tmpdir();
}

static nn_model *functional(void)
{
    nn_model *m = nn_model_new(8, NULL);
    nn_shape s = {1, {4}};
    nn_model_set_input(m, 0, &s, NULL);
    int in = -1;
    int h = nn_model_add_node(m, dense(5, "relu", 0), 1, &in, NULL);
    int out = nn_model_add_node(m, dense(3, "softmax", 0), 1, &h, NULL);
    nn_model_set_outputs(m, 1, &out, NULL);
    nn_model_build(m, NULL);
    return m;
}

static void functional_models_round_trip(void)
{
    make_tmpdir();
    nn_error err;
    nn_model *a = functional();
    compile(a, "categorical_crossentropy", nn_optim_by_name("sgd", NULL));
    const char *path = tmp_path("f.safetensors");
    CHECK(nn_model_save(a, path, "func", &err) == NN_OK);
    char name[48];
    nn_model *b = nn_model_load(path, 1, name, sizeof name, &err);
    if (!CHECK(b != NULL)) {
        printf("    %s\n", err.msg);
    } else {
        CHECK(!b->sequential && b->n_inputs == 1 && b->n_outputs == 1 && b->outputs[0] == 1);
        CHECK(b->nodes[1].n_in == 1 && b->nodes[1].in[0] == 0 && b->nodes[0].in[0] == -1);
        CHECK(same_weights(a, b));
        char *ja = nn_model_to_json(a, "func", &err), *jb = nn_model_to_json(b, name, &err);
        CHECK(ja && jb && strcmp(ja, jb) == 0);
        CHECK_CONTAINS(ja, "\"class_name\": \"Functional\"");
        CHECK_CONTAINS(ja, "\"inbound_nodes\": [[[\"input_1\", 0, 0, {}]]]");
        CHECK_CONTAINS(ja, "\"input_layers\": [[\"input_1\", 0, 0]], "
                           "\"output_layers\": [[\"dense_1\", 0, 0]]");
        free(ja);
        free(jb);
        nn_model_free(b);
    }
    nn_model_free(a);
    remove_tmpdir();
}

/* Every layer type the registry knows, in a Sequential and a functional model:
** saved and loaded, the configs are equal, the predictions identical, and the
** next training step (dropout masks, batch statistics, Adam) too. */
static void check_round_trip(nn_model *a, const nn_tensor *x, const nn_tensor *y)
{
    nn_error err;
    double r[NN_MAX_METRICS + 1], rb[NN_MAX_METRICS + 1];
    compile(a, "categorical_crossentropy", nn_optim_by_name("adam", NULL));
    for (int i = 0; i < 2; i++)
        CHECK(nn_model_train_on_batch(a, x, y, r, &err) == NN_OK);
    const char *path = tmp_path("all.safetensors");
    CHECK(nn_model_save(a, path, NULL, &err) == NN_OK);
    nn_model *b = nn_model_load(path, 1, NULL, 0, &err);
    if (!CHECK(b != NULL)) {
        printf("    %s\n", err.msg);
        return;
    }
    char *ja = nn_model_to_json(a, NULL, &err), *jb = nn_model_to_json(b, NULL, &err);
    CHECK(ja && jb && strcmp(ja, jb) == 0);
    free(ja);
    free(jb);
    CHECK(same_weights(a, b));
    nn_tensor *pa = nn_model_predict(a, x, 4, NULL, NULL, &err);
    nn_tensor *pb = nn_model_predict(b, x, 4, NULL, NULL, &err);
    CHECK(same_tensor(pa, pb));
    nn_tensor_free(pa);
    nn_tensor_free(pb);
    CHECK(nn_model_train_on_batch(a, x, y, r, &err) == NN_OK);
    CHECK(nn_model_train_on_batch(b, x, y, rb, &err) == NN_OK);
    CHECK(r[0] == rb[0]);
    CHECK(same_weights(a, b));
    nn_model_free(b);
}

static void every_layer_type_round_trips(void)
{
    make_tmpdir();
    nn_error err;
    nn_rng rng;
    nn_rng_seed(&rng, 4);
    int xs[4] = {6, 8, 8, 2};
    nn_tensor *x = nn_tensor_new(NN_F32, 4, xs, NULL), *y = nn_tensor_new2(6, 3, NULL);
    for (size_t i = 0; i < x->size; i++)
        nn_tensor_f32(x)[i] = nn_rng_normal(&rng);
    for (int i = 0; i < 6; i++)
        nn_tensor_f32(y)[i * 3 + i % 3] = 1.0f;

    nn_model *s = nn_model_new(21, NULL);
    nn_shape in = {3, {8, 8, 2}};
    nn_model_set_input(s, 0, &in, NULL);
    nn_conv2d_options co = nn_conv2d_defaults(4, 3, 3);
    co.padding = NN_PADDING_SAME;
    nn_activation_parse("relu", &co.activation, NULL);
    co.kernel_regularizer.l2 = 0.01f;
    nn_model_add(s, nn_conv2d_new(&co, NULL), NULL);
    nn_batchnorm_options bo = nn_batchnorm_defaults();
    bo.momentum = 0.9f;
    nn_model_add(s, nn_batchnorm_new(&bo, NULL), NULL);
    nn_pool2d_options po = nn_pool2d_defaults(2, 2);
    nn_model_add(s, nn_max_pooling2d_new(&po, NULL), NULL);
    po.strides[0] = po.strides[1] = 1;
    po.padding = NN_PADDING_SAME;
    nn_model_add(s, nn_average_pooling2d_new(&po, NULL), NULL);
    nn_dropout_options dro = nn_dropout_defaults(0.25f);
    nn_model_add(s, nn_dropout_new(&dro, NULL), NULL);
    nn_reshape_options ro = {2, {16, 4}};
    nn_model_add(s, nn_reshape_new(&ro, NULL), NULL);
    nn_model_add(s, nn_flatten_new(NULL), NULL);
    nn_model_add(s, dense(6, "linear", 0), NULL);
    nn_model_add(s, nn_leaky_relu_new(0.2f, NULL), NULL);
    nn_model_add(s, nn_elu_new(0.5f, NULL), NULL);
    nn_model_add(s, nn_relu_new(NULL), NULL);
    nn_activation tanh_act;
    nn_activation_parse("tanh", &tanh_act, NULL);
    nn_model_add(s, nn_activation_layer_new(tanh_act, NULL), NULL);
    nn_model_add(s, dense(3, "linear", 0), NULL);
    nn_model_add(s, nn_softmax_layer_new(NULL), NULL);
    CHECK(s->n_nodes == 14);
    if (!CHECK(nn_model_build(s, &err) == NN_OK))
        printf("    %s\n", err.msg);
    check_round_trip(s, x, y);
    nn_model_free(s);

    /* functional: two global poolings of one convolution, added, concatenated */
    nn_model *f = nn_model_new(22, NULL);
    nn_model_set_input(f, 0, &in, NULL);
    int src = -1;
    nn_conv2d_options c2 = nn_conv2d_defaults(3, 2, 2);
    c2.strides[0] = c2.strides[1] = 2;
    int conv = nn_model_add_node(f, nn_conv2d_new(&c2, NULL), 1, &src, NULL);
    nn_global_pool2d_options go = {0};
    int gap = nn_model_add_node(f, nn_global_average_pooling2d_new(&go, NULL), 1, &conv, NULL);
    int gmp = nn_model_add_node(f, nn_global_max_pooling2d_new(&go, NULL), 1, &conv, NULL);
    int pair[2] = {gap, gmp};
    int add = nn_model_add_node(f, nn_add_new(NULL), 2, pair, NULL);
    int pair2[2] = {add, gap};
    nn_concatenate_options cc = {-1};
    int cat = nn_model_add_node(f, nn_concatenate_new(&cc, NULL), 2, pair2, NULL);
    int out = nn_model_add_node(f, dense(3, "softmax", 0), 1, &cat, NULL);
    CHECK(out == 5);
    nn_model_set_outputs(f, 1, &out, NULL);
    CHECK(nn_model_build(f, &err) == NN_OK);
    check_round_trip(f, x, y);
    nn_model_free(f);
    nn_tensor_free(x);
    nn_tensor_free(y);
    remove_tmpdir();
}

/* A model whose input shape is not known yet has a config but no weights. */
static void unbuilt_models_save_their_config(void)
{
    make_tmpdir();
    nn_error err;
    nn_model *a = nn_model_new(1, NULL);
    nn_model_add(a, dense(3, "relu", 0), NULL);
    const char *path = tmp_path("u.safetensors");
    CHECK(nn_model_save(a, path, NULL, &err) == NN_OK);
    nn_model *b = nn_model_load(path, 1, NULL, 0, &err);
    CHECK(b && b->n_nodes == 1 && !b->nodes[0].layer->built && b->n_params == 0);
    CHECK(b && !b->compiled);
    nn_model_free(a);
    nn_model_free(b);
    remove_tmpdir();
}

/* ------------------------------------------------------------------ configs */

static void config_is_shaped_like_keras(void)
{
    nn_error err;
    nn_model *m = mlp(1, nn_optim_by_name("sgd", NULL));
    char *text = nn_model_to_json(m, "seq", &err);
    nn_json *v = text ? nn_json_parse(text, strlen(text), NULL, &err) : NULL;
    if (!CHECK(v != NULL)) {
        free(text);
        nn_model_free(m);
        return;
    }
    CHECK(strcmp(nn_json_str(nn_json_get(v, "class_name")), "Sequential") == 0);
    const nn_json *cfg = nn_json_get(v, "config");
    CHECK(strcmp(nn_json_str(nn_json_get(cfg, "name")), "seq") == 0);
    const nn_json *layers = nn_json_get(cfg, "layers");
    CHECK(layers && layers->n == 3);
    const nn_json *in = &layers->items[0];
    CHECK(strcmp(nn_json_str(nn_json_get(in, "class_name")), "InputLayer") == 0);
    const nn_json *bis = nn_json_get(nn_json_get(in, "config"), "batch_input_shape");
    CHECK(bis && bis->n == 2 && bis->items[0].type == NN_JSON_NULL && bis->items[1].number == 4);
    const nn_json *d = nn_json_get(&layers->items[1], "config");
    CHECK(strcmp(nn_json_str(nn_json_get(&layers->items[1], "class_name")), "Dense") == 0);
    CHECK(strcmp(nn_json_str(nn_json_get(d, "name")), "dense") == 0);
    CHECK(nn_json_get(d, "units")->number == 6);
    CHECK(strcmp(nn_json_str(nn_json_get(d, "activation")), "tanh") == 0);
    CHECK(nn_json_get(d, "use_bias")->type == NN_JSON_TRUE);
    CHECK(nn_json_get(d, "trainable")->type == NN_JSON_TRUE);
    CHECK(strcmp(nn_json_str(nn_json_get(nn_json_get(d, "kernel_initializer"), "class_name")),
                 "GlorotUniform") == 0);
    CHECK(nn_json_get(d, "kernel_regularizer")->type == NN_JSON_NULL);
    CHECK(strcmp(nn_json_str(nn_json_get(nn_json_get(&layers->items[2], "config"),
                                         "activation")), "softmax") == 0);
    nn_json_free(v);
    free(text);
    /* the compile settings */
    text = nn_model_compile_json(m, &err);
    v = text ? nn_json_parse(text, strlen(text), NULL, &err) : NULL;
    CHECK(v != NULL);
    CHECK(strcmp(nn_json_str(nn_json_get(v, "loss")), "categorical_crossentropy") == 0);
    const nn_json *opt = nn_json_get(v, "optimizer");
    CHECK(strcmp(nn_json_str(nn_json_get(opt, "class_name")), "SGD") == 0);
    CHECK(nn_json_get(nn_json_get(opt, "config"), "learning_rate")->number == 0.01);
    CHECK(strcmp(nn_json_str(&nn_json_get(v, "metrics")->items[0]), "accuracy") == 0);
    nn_json_free(v);
    free(text);
    nn_model_free(m);
}

/* Initializers and regularizers survive: what changes the loss must come back. */
static void config_round_trip_keeps_every_option(void)
{
    nn_error err;
    nn_dense_options o = nn_dense_defaults(5);
    nn_activation_parse("relu", &o.activation, NULL);
    nn_init_parse("he_normal", &o.kernel_initializer, NULL);
    o.bias_initializer = (nn_initializer){NN_INIT_CONSTANT, 0.5f, 0.0f};
    o.kernel_regularizer = (nn_regularizer){0.01f, 0.02f};
    o.bias_regularizer = (nn_regularizer){0.0f, 0.003f};
    o.activity_regularizer = (nn_regularizer){0.1f, 0.0f};
    o.use_bias = 1;
    nn_layer *l = nn_dense_new(&o, NULL);
    l->input_hint = (nn_shape){1, {3}};
    nn_model *a = nn_model_new(1, NULL);
    nn_model_add(a, l, NULL);
    char *text = nn_model_to_json(a, NULL, &err);
    nn_model *b = text ? nn_model_from_json(text, strlen(text), 2, NULL, 0, &err) : NULL;
    if (!CHECK(b != NULL)) {
        printf("    %s\n", err.msg);
    } else {
        char *again = nn_model_to_json(b, NULL, &err);
        CHECK(again && strcmp(text, again) == 0);
        free(again);
        nn_layer *lb = b->nodes[0].layer;
        CHECK(lb->params[0].reg.l1 == 0.01f && lb->params[0].reg.l2 == 0.02f);
        CHECK(lb->params[1].reg.l1 == 0.0f && lb->params[1].reg.l2 == 0.003f);
        CHECK(lb->activity_reg.l1 == 0.1f && lb->activity_reg.l2 == 0.0f);
        CHECK(lb->act.kind == NN_ACT_RELU);
        for (int i = 0; i < 5; i++)     /* the bias initializer made 0.5 everywhere */
            CHECK(nn_tensor_f32(lb->params[1].value)[i] == 0.5f);
        CHECK_CONTAINS(text, "\"kernel_initializer\": {\"class_name\": \"HeNormal\"");
        CHECK_CONTAINS(text, "{\"class_name\": \"Constant\", \"config\": {\"value\": 0.5}}");
        CHECK_CONTAINS(text, "\"kernel_regularizer\": {\"class_name\": \"L1L2\", \"config\": "
                             "{\"l1\": 0.01, \"l2\": 0.02}}");
        CHECK_CONTAINS(text, "\"activity_regularizer\": {\"class_name\": \"L1\"");
        nn_model_free(b);
    }
    free(text);
    nn_model_free(a);
}

/* What Keras 2's model.to_json() writes builds the same model here. */
static void keras_written_configs_build(void)
{
    const char *keras =
        "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", \"layers\": ["
        "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 784], "
        "\"dtype\": \"float32\", \"sparse\": false, \"ragged\": false, \"name\": "
        "\"dense_input\"}}, {\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", "
        "\"trainable\": true, \"dtype\": \"float32\", \"units\": 32, \"activation\": \"relu\", "
        "\"use_bias\": true, \"kernel_initializer\": {\"class_name\": \"GlorotUniform\", "
        "\"config\": {\"seed\": null}}, \"bias_initializer\": {\"class_name\": \"Zeros\", "
        "\"config\": {}}, \"kernel_regularizer\": {\"class_name\": \"L2\", \"config\": "
        "{\"l2\": 0.0010000000474974513}}, \"bias_regularizer\": null, "
        "\"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": "
        "null}}, {\"class_name\": \"Dense\", \"config\": {\"name\": \"dense_1\", \"units\": 10, "
        "\"activation\": \"softmax\"}}]}, \"keras_version\": \"2.13.1\", \"backend\": "
        "\"tensorflow\"}";
    nn_error err;
    char name[48];
    nn_model *m = nn_model_from_json(keras, strlen(keras), 1, name, sizeof name, &err);
    if (!CHECK(m != NULL)) {
        printf("    %s\n", err.msg);
        return;
    }
    CHECK(strcmp(name, "sequential") == 0);
    CHECK(m->built && nn_model_param_count(m) == 784 * 32 + 32 + 32 * 10 + 10);
    CHECK(m->nodes[0].layer->params[0].reg.l2 == 0.001f);
    nn_model_free(m);
    /* older Keras: no InputLayer, the first layer carries batch_input_shape */
    const char *old = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": "
                      "[{\"class_name\": \"Dense\", \"config\": {\"units\": 4, "
                      "\"batch_input_shape\": [null, 3]}}]}}";
    m = nn_model_from_json(old, strlen(old), 1, NULL, 0, &err);
    CHECK(m && m->built && nn_model_param_count(m) == 16);
    nn_model_free(m);
}

static void refuses_configs_it_cannot_build(void)
{
    struct { const char *json, *want; } cases[] = {
        {"{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", "
         "\"config\": {\"name\": \"d\", \"unitz\": 3}}]}}", "layer 'd' (Dense): unknown config "
         "entry 'unitz'"},
        {"{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", "
         "\"config\": {\"units\": \"3\"}}]}}", "'units' must be an integer, not a string"},
        {"{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", "
         "\"config\": {\"activation\": \"relu\"}}]}}", "the config has no 'units'"},
        {"{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Conv3D\", "
         "\"config\": {}}]}}", "unknown layer class 'Conv3D' (known: Dense"},
        {"{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", "
         "\"config\": {\"units\": 2, \"name\": \"a\"}}, {\"class_name\": \"Dense\", \"config\": "
         "{\"units\": 2, \"name\": \"a\"}}]}}", "two layers are named 'a'"},
        {"{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", "
         "\"config\": {\"units\": 2}}, {\"class_name\": \"InputLayer\", \"config\": "
         "{\"batch_input_shape\": [null, 3]}}]}}", "InputLayer must come first"},
        {"{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", "
         "\"config\": {\"units\": 2, \"kernel_initializer\": \"glorot_magic\"}}]}}",
         "unknown initializer 'glorot_magic'"},
        {"{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", "
         "\"config\": {\"units\": 2, \"kernel_constraint\": {\"class_name\": \"MaxNorm\"}}}]}}",
         "'kernel_constraint' is not supported"},
        {"{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Dense\", "
         "\"config\": {\"units\": 2, \"dtype\": \"float16\"}}]}}",
         "dtype float16 is not supported"},
        {"{\"class_name\": \"Graph\", \"config\": {\"layers\": []}}",
         "unknown model class 'Graph'"},
        {"{\"class_name\": \"Sequential\"}", "expected {\"class_name\""},
        {"{\"class_name\": \"Functional\", \"config\": {\"layers\": [{\"class_name\": "
         "\"InputLayer\", \"name\": \"in\", \"config\": {\"batch_input_shape\": [null, 3]}, "
         "\"inbound_nodes\": []}, {\"class_name\": \"Dense\", \"name\": \"d\", \"config\": "
         "{\"name\": \"d\", \"units\": 2}, \"inbound_nodes\": [[[\"ghost\", 0, 0, {}]]]}], "
         "\"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"d\", 0, 0]]}}",
         "layer 'd' takes its input from 'ghost', which is not an input nor a layer defined "
         "before it"},
        {"{\"class_name\": \"Functional\", \"config\": {\"layers\": [{\"class_name\": "
         "\"InputLayer\", \"name\": \"in\", \"config\": {\"batch_input_shape\": [null, 3]}, "
         "\"inbound_nodes\": []}, {\"class_name\": \"Dense\", \"name\": \"d\", \"config\": "
         "{\"name\": \"d\", \"units\": 2}, \"inbound_nodes\": [[[\"in\", 1, 0, {}]]]}], "
         "\"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"d\", 0, 0]]}}",
         "shared layers and multi-output layers are not supported"},
        {"{\"class_name\": \"Functional\", \"config\": {\"layers\": [], \"input_layers\": "
         "[[\"in\", 0, 0]], \"output_layers\": [[\"d\", 0, 0]]}}",
         "every entry of input_layers needs an InputLayer"},
        {"[1", "model config: invalid JSON at byte 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        nn_error err;
        nn_error_clear(&err);
        nn_model *m = nn_model_from_json(cases[i].json, strlen(cases[i].json), 1, NULL, 0, &err);
        if (!CHECK(m == NULL))
            nn_model_free(m);
        CHECK_CONTAINS(err.msg, cases[i].want);
    }
}

/* -------------------------------------------------- files that do not fit */

/* Rewrite `src` into `dst` with metadata `key` replaced by `value` (NULL: keep,
** "" : drop) and tensor `drop` left out. */
static void rewrite(const char *src, const char *dst, const char *key, const char *value,
                    const char *drop)
{
    nn_error err;
    nn_safetensors *f = nn_safetensors_open(src, &err);
    if (!f)
        return;
    static const char *const keys[] = {"nnscope_version", "nnscope_config", "nnscope_compile",
                                       "nnscope_state"};
    nn_st_meta meta[4];
    int n_meta = 0;
    for (int k = 0; k < 4; k++) {
        const char *v = nn_safetensors_meta(f, keys[k]);
        if (key && strcmp(key, keys[k]) == 0)
            v = value[0] ? value : NULL;
        if (v)
            meta[n_meta++] = (nn_st_meta){keys[k], v};
    }
    int n = nn_safetensors_count(f), k = 0;
    nn_st_item *items = calloc((size_t)n, sizeof *items);
    for (int i = 0; i < n; i++) {
        const nn_st_entry *e = nn_safetensors_entry(f, i);
        if (drop && strcmp(e->name, drop) == 0)
            continue;
        items[k].name = e->name;
        items[k++].tensor = nn_safetensors_tensor(f, e, &err);
    }
    nn_safetensors_write(dst, items, k, meta, n_meta, &err);
    for (int i = 0; i < k; i++)
        nn_tensor_free((nn_tensor *)items[i].tensor);
    free(items);
    nn_safetensors_close(f);
}

/* A copy of s with the first `from` replaced by `to` (the caller frees). */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    if (!at)
        return strdup(s);
    size_t n = strlen(s) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    snprintf(out, n + 1, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

static void load_refused(const char *path, nn_status code, const char *want)
{
    nn_error err;
    nn_error_clear(&err);
    nn_model *m = nn_model_load(path, 1, NULL, 0, &err);
    if (!CHECK(m == NULL))
        nn_model_free(m);
    CHECK(err.code == code);
    CHECK_CONTAINS(err.msg, want);
}

static void refuses_files_that_do_not_fit_their_config(void)
{
    make_tmpdir();
    nn_error err;
    nn_tensor *x, *y;
    make_data(8, &x, &y);
    nn_model *a = mlp(3, sgd_momentum());
    double r[NN_MAX_METRICS + 1];
    nn_model_train_on_batch(a, x, y, r, &err);
    const char *good = tmp_path("good.safetensors"), *bad = tmp_path("bad.safetensors");
    CHECK(nn_model_save(a, good, NULL, &err) == NN_OK);
    char *config = nn_model_to_json(a, NULL, &err);

    char *c = replace(config, "\"units\": 6", "\"units\": 7");
    rewrite(good, bad, "nnscope_config", c, NULL);
    load_refused(bad, NN_ESHAPE, "layer 'dense' (Dense): weight 'kernel' has shape (4, 7) in "
                                 "the model but (4, 6) in the file (tensor 'dense/kernel')");
    free(c);

    c = replace(config, "]}}", ", {\"class_name\": \"Dense\", \"config\": {\"units\": 2}}]}}");
    rewrite(good, bad, "nnscope_config", c, NULL);
    load_refused(bad, NN_EARG, "it has no tensor 'dense_2/kernel' for layer 'dense_2' (Dense)");
    free(c);

    c = replace(config, "\"use_bias\": true", "\"use_bias\": false");
    rewrite(good, bad, "nnscope_config", c, NULL);
    load_refused(bad, NN_EARG, "tensor 'dense/bias' belongs to no weight of the model");
    free(c);

    rewrite(good, bad, NULL, NULL, "dense_1/bias");
    load_refused(bad, NN_EARG, "no tensor 'dense_1/bias' for layer 'dense_1' (Dense)");
    rewrite(good, bad, NULL, NULL, "optimizer/dense/kernel/momentum");
    load_refused(bad, NN_EARG, "no optimizer state 'optimizer/dense/kernel/momentum' (SGD after "
                               "1 steps)");
    rewrite(good, bad, "nnscope_config", "", NULL);
    load_refused(bad, NN_EFORMAT, "holds weights only");
    rewrite(good, bad, "nnscope_compile", "{\"loss\": ", NULL);
    load_refused(bad, NN_EFORMAT, "nnscope_compile is not valid JSON");
    rewrite(good, bad, "nnscope_compile", "{\"loss\": \"hinge\", \"optimizer\": \"sgd\"}", NULL);
    load_refused(bad, NN_EARG, "unknown loss 'hinge'");
    rewrite(good, bad, "nnscope_state", "{\"rng_state\": \"12\", \"rng_inc\": \"1\"}", NULL);
    load_refused(bad, NN_EFORMAT, "rng_state and rng_inc must be 16 hex digits");

    /* damaged files are refused by the reader, with the path */
    FILE *in = fopen(good, "rb"), *out = fopen(bad, "wb");
    char buf[100];
    size_t n = fread(buf, 1, sizeof buf, in);
    fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    load_refused(bad, NN_EFORMAT, "is larger than the rest of the file");
    load_refused(tmp_path("absent.safetensors"), NN_EIO, "No such file");
    CHECK_CONTAINS(err.msg, "");

    free(config);
    nn_model_free(a);
    nn_tensor_free(x);
    nn_tensor_free(y);
    remove_tmpdir();
}

/* ------------------------------------------------------------- weights only */

static void weights_only_files(void)
{
    make_tmpdir();
    nn_error err;
    nn_tensor *x, *y;
    make_data(8, &x, &y);
    nn_model *a = mlp(3, nn_optim_by_name("sgd", NULL));
    const char *path = tmp_path("w.safetensors");
    CHECK(nn_model_save_weights(a, path, &err) == NN_OK);
    nn_safetensors *f = nn_safetensors_open(path, &err);
    CHECK(f && nn_safetensors_count(f) == 4 && !nn_safetensors_meta(f, "nnscope_config"));
    nn_safetensors_close(f);

    /* same architecture, other initial weights: by name */
    nn_model *b = mlp(4, nn_optim_by_name("sgd", NULL));
    CHECK(!same_weights(a, b));
    CHECK(nn_model_load_weights(b, path, &err) == NN_OK);
    CHECK(same_weights(a, b));
    nn_tensor *pa = nn_model_predict(a, x, 8, NULL, NULL, &err);
    nn_tensor *pb = nn_model_predict(b, x, 8, NULL, NULL, &err);
    CHECK(same_tensor(pa, pb));
    nn_tensor_free(pa);
    nn_tensor_free(pb);

    /* other layer names: by position */
    nn_model *c = nn_model_new(9, NULL);
    nn_layer *l1 = dense(6, "tanh", 4), *l2 = dense(3, "softmax", 0);
    snprintf(l1->name, sizeof l1->name, "hidden");
    snprintf(l2->name, sizeof l2->name, "out");
    nn_model_add(c, l1, NULL);
    nn_model_add(c, l2, NULL);
    CHECK(nn_model_load_weights(c, path, &err) == NN_OK);
    CHECK(same_weights(a, c));

    /* a wrong shape names the layer and both shapes, and changes nothing */
    nn_model *d = nn_model_new(10, NULL);
    nn_model_add(d, dense(5, "tanh", 4), NULL);
    nn_model_add(d, dense(3, "softmax", 0), NULL);
    nn_model *d0 = nn_model_new(10, NULL);
    nn_model_add(d0, dense(5, "tanh", 4), NULL);
    nn_model_add(d0, dense(3, "softmax", 0), NULL);
    CHECK(nn_model_load_weights(d, path, &err) == NN_ESHAPE);
    CHECK_CONTAINS(err.msg, "layer 'dense' (Dense): weight 'kernel' has shape (4, 5) in the "
                            "model but (4, 6) in the file (tensor 'dense/kernel')");
    CHECK(same_weights(d, d0));

    /* a different number of weights, matched by position */
    nn_model *e = nn_model_new(10, NULL);
    nn_layer *only = dense(3, "softmax", 4);
    snprintf(only->name, sizeof only->name, "solo");
    nn_model_add(e, only, NULL);
    CHECK(nn_model_load_weights(e, path, &err) == NN_EARG);
    CHECK_CONTAINS(err.msg, "the file has 4 weight tensors but the model has 2");

    /* a model that cannot be built yet */
    nn_model *g = nn_model_new(1, NULL);
    nn_model_add(g, dense(3, "relu", 0), NULL);
    CHECK(nn_model_load_weights(g, path, &err) == NN_ESTATE);
    CHECK_CONTAINS(err.msg, "not built yet");

    /* and nn_model_load tells a weights-only file apart */
    CHECK(nn_model_load(path, 1, NULL, 0, &err) == NULL);
    CHECK_CONTAINS(err.msg, "holds weights only");

    nn_model_free(a);
    nn_model_free(b);
    nn_model_free(c);
    nn_model_free(d);
    nn_model_free(d0);
    nn_model_free(e);
    nn_model_free(g);
    nn_tensor_free(x);
    nn_tensor_free(y);
    remove_tmpdir();
}

void suite_save(void)
{
    t_run("save: save, load, same model (weights, predictions, optimizer)",
          save_load_gives_the_same_model);
    t_run("save: resume after load continues the same loss curve",
          resume_after_load_continues_the_same_curve);
    t_run("save: functional models round trip", functional_models_round_trip);
    t_run("save: every layer type round trips", every_layer_type_round_trips);
    t_run("save: unbuilt models save their config", unbuilt_models_save_their_config);
    t_run("save: config is shaped like Keras's", config_is_shaped_like_keras);
    t_run("save: config round trip keeps every option", config_round_trip_keeps_every_option);
    t_run("save: configs written by Keras build", keras_written_configs_build);
    t_run("save: configs it cannot build are refused", refuses_configs_it_cannot_build);
    t_run("save: files that do not fit their config are refused",
          refuses_files_that_do_not_fit_their_config);
    t_run("save: weights-only files", weights_only_files);
}
