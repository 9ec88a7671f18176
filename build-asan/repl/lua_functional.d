build-asan/repl/lua_functional.o: repl/lua_functional.c repl/lua_model.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/luaconf.h nn/nn.h \
 nn/activation.h nn/error.h nn/csv.h nn/tensor.h nn/rng.h nn/datasets.h \
 nn/dense.h nn/layer.h nn/idx.h nn/json.h nn/loss.h nn/model.h nn/optim.h \
 nn/preprocess.h nn/registry.h nn/safetensors.h nn/save.h nn/step.h \
 nn/synth.h /usr/include/lua5.4/lauxlib.h /usr/include/lua5.4/lua.h \
 repl/lua_options.h
repl/lua_model.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
nn/nn.h:
nn/activation.h:
nn/error.h:
nn/csv.h:
nn/tensor.h:
nn/rng.h:
nn/datasets.h:
nn/dense.h:
nn/layer.h:
nn/idx.h:
nn/json.h:
nn/loss.h:
nn/model.h:
nn/optim.h:
nn/preprocess.h:
nn/registry.h:
nn/safetensors.h:
nn/save.h:
nn/step.h:
nn/synth.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/lua.h:
repl/lua_options.h:
