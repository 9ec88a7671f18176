/* nn/save.h — saving and loading models, as safetensors files.
**
** A model file holds every weight under a Keras-like name ("dense/kernel",
** "dense_1/bias", ...) and, in the header's __metadata__:
**   nnscope_config   the architecture, shaped like Keras's to_json():
**                    {"class_name": "Sequential", "config": {"name": ..., "layers": [
**                     {"class_name": "InputLayer", "config": {"batch_input_shape": ...}},
**                     {"class_name": "Dense", "config": {"name": "dense", "units": 32, ...}}]}}
**                    (a functional model: "Functional", with each layer's inbound_nodes
**                    and the input_layers / output_layers, as Keras 2 writes them);
**   nnscope_compile  the loss, the metrics and the optimizer with its hyperparameters;
**   nnscope_state    the optimizer's step count and the model's random generator,
** and the optimizer's state as extra tensors "optimizer/<layer>/<weight>/<slot>",
** so that training resumes exactly where it stopped (same shuffles, same updates).
**
** Loading rebuilds the layers from the config through the registry (nn/registry.h):
** it reads values, never runs code. A config that does not fit the weights
** (a missing or extra tensor, a wrong shape) is refused with the layer's name and
** both shapes.
*/
#ifndef NN_SAVE_H
#define NN_SAVE_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "model.h"

/* --------------------------------------------------------------- configs */

/* The model's architecture as JSON text, {"class_name": ..., "config": {...}}.
** `name` is the model's name (NULL: "sequential" or "model"). Returns a new
** string the caller frees, or NULL with err set (NN_EARG when a layer's config
** hook writes invalid JSON). */
char *nn_model_to_json(const nn_model *m, const char *name, nn_error *err);

/* A new model with the architecture of `config` (the whole {"class_name",
** "config"} object, or Keras's inner config alone) and fresh weights drawn from
** a generator seeded with `seed`. When `name` is not NULL, the model's name is
** copied there (at most name_len bytes with the NUL). NULL with err set (NN_EARG
** naming the bad entry) when the config is not one nnscope can build. */
nn_model *nn_model_from_config(const nn_json *config, uint64_t seed, char *name,
                               size_t name_len, nn_error *err);

/* The same from JSON text. */
nn_model *nn_model_from_json(const char *json, size_t len, uint64_t seed, char *name,
                             size_t name_len, nn_error *err);

/* The compile settings as JSON ({"optimizer": ..., "loss": ..., "metrics": [...]}):
** a new string the caller frees; NULL with err set when the model is not compiled
** or uses a loss or optimizer written in Lua, which cannot be saved. */
char *nn_model_compile_json(const nn_model *m, nn_error *err);

/* ---------------------------------------------------------------- files */

/* Save the whole model to `path` (atomically: see nn/safetensors.h). The model
** is built first when its input shape is known. A model compiled with a Lua
** loss or optimizer is saved without its compile settings. */
nn_status nn_model_save(nn_model *m, const char *path, const char *name, nn_error *err);

/* A new model from a file written by nn_model_save: architecture, weights, and
** when it was saved compiled, the compile settings and the optimizer's state.
** `seed` seeds the generator only when the file has no generator state. `name`
** as in nn_model_from_config. NULL with err set: NN_EIO, NN_EFORMAT (a damaged
** file, or one with weights only), NN_EARG / NN_ESHAPE (a config that does not
** fit the weights, naming the layer and both shapes). */
nn_model *nn_model_load(const char *path, uint64_t seed, char *name, size_t name_len,
                        nn_error *err);

/* Save the weights only (built first when the input shape is known). */
nn_status nn_model_save_weights(nn_model *m, const char *path, nn_error *err);

/* Load weights into a model of the same architecture: by name when every
** weight's name is in the file, else by position (the file's tensors in their
** stored order, as Keras 3 matches by structure). Tensors named "optimizer/..."
** are ignored. The model is built first; nothing is changed unless every weight
** fits: NN_ESHAPE names the layer, the weight and both shapes. */
nn_status nn_model_load_weights(nn_model *m, const char *path, nn_error *err);

#endif
