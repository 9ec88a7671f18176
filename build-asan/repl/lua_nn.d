build-asan/repl/lua_nn.o: repl/lua_nn.c repl/lua_nn.h \
 /usr/include/lua5.4/lua.h /usr/include/lua5.4/luaconf.h \
 /usr/include/lua5.4/lauxlib.h /usr/include/lua5.4/lua.h nn/nn.h \
 nn/activation.h nn/error.h nn/csv.h nn/tensor.h nn/rng.h nn/datasets.h \
 nn/dense.h nn/layer.h nn/idx.h nn/json.h nn/loss.h nn/model.h nn/optim.h \
 nn/preprocess.h nn/registry.h nn/safetensors.h nn/save.h nn/step.h \
 nn/synth.h
repl/lua_nn.h:
/usr/include/lua5.4/lua.h:
/usr/include/lua5.4/luaconf.h:
/usr/include/lua5.4/lauxlib.h:
/usr/include/lua5.4/lua.h:
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
