/* tests/fuzz/fuzz_model.c — libFuzzer target for loading models (nn/save.h).
**
** The input is a model file (a safetensors file whose metadata holds the config, the
** compile settings and the training state).
**
** Checked on every input: a success is a model whose weights all came from the file
** (as many float32 tensors named "layer/weight" as the model has weights), that saves
** again and loads back with the same config; a failure is NN_EFORMAT, NN_EARG,
** NN_ESHAPE, NN_ESTATE or NN_ENOMEM with a message. Loading never runs code, so a
** hostile config can only be refused.
*/
#include "tests/fuzz/fuzz.h"

#include "nn/save.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_path("input.safetensors");
    fuzz_write(path, data, size, 0);
    nn_error err = {NN_OK, ""};
    nn_model *m = nn_model_load(path, 1, NULL, 0, &err);
    if (!m) {
        fuzz_check_error(err.code, &err,
                         fuzz_class(NN_EFORMAT) | fuzz_class(NN_EARG) | fuzz_class(NN_ESHAPE) |
                         fuzz_class(NN_ESTATE) | fuzz_class(NN_ENOMEM));
        return 0;
    }
    char *config = nn_model_to_json(m, "fuzz", &err);
    if (!config)
        fuzz_fail("a loaded model has no config", err.msg);
    const char *again_path = fuzz_path("again.safetensors");
    if (nn_model_save(m, again_path, "fuzz", &err) != NN_OK)
        fuzz_fail("a loaded model does not save", err.msg);
    nn_model *b = nn_model_load(again_path, 1, NULL, 0, &err);
    if (!b)
        fuzz_fail("a saved model does not load", err.msg);
    char *config_b = nn_model_to_json(b, "fuzz", &err);
    if (!config_b || strcmp(config, config_b) != 0)
        fuzz_fail("the config changed on the way through a file", config);
    free(config);
    free(config_b);
    nn_model_free(b);
    nn_model_free(m);
    return 0;
}
