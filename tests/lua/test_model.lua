-- tests/lua/test_model.lua — models from Lua: building, compiling, training, weights,
-- the step-by-step calls and the functional API. Numbers are worked out by hand here.

test("Sequential MLP has Keras's parameter count", function()
  local model = nn.Sequential{
    nn.Dense{128, activation = "relu", input_dim = 784},
    nn.Dense{10, activation = "softmax"},
  }
  -- 784*128 + 128 + 128*10 + 10
  assert(model:count_params() == 101770, model:count_params())
  assert(#model.layers == 2)
  assert(model.layers[1].name == "dense" and model.layers[2].name == "dense_1")
  local shape = model.layers[2].output_shape
  assert(#shape == 1 and shape[1] == 10)
end)

test("add() builds the same model as the list form", function()
  local m = nn.Sequential()
  m:add(nn.layers.Dense{units = 4, input_shape = {3}})
  m:add(nn.Dense{2})
  assert(m:count_params() == 3 * 4 + 4 + 4 * 2 + 2)
end)

test("unknown options get a suggestion", function()
  expect_error(function() nn.Dense{32, activaton = "relu"} end, "did you mean 'activation'")
  expect_error(function() nn.Dense{} end, "units must be a positive integer")
  expect_error(function() nn.Dense{8, activation = "rleu"} end, "unknown activation 'rleu'")
end)

test("compile refuses unknown names and lists the known ones", function()
  local m = nn.Sequential{nn.Dense{2, input_dim = 3}}
  expect_error(function() m:compile{optimizer = "adamw", loss = "mse"} end, "known: sgd")
  expect_error(function() m:compile{optimizer = "sgd", loss = "crossentropy"} end,
               "unknown loss 'crossentropy'")
  expect_error(function() m:compile{optimizer = "sgd", loss = "mse", metrics = {"acc2"}} end,
               "unknown metric")
end)

test("fit before compile is a clear error", function()
  local m = nn.Sequential{nn.Dense{2, input_dim = 3}}
  expect_error(function() m:fit(nn.zeros{4, 3}, nn.zeros{4, 2}, {verbose = 0}) end,
               "must be compiled")
end)

test("a shape mismatch names the layer and both shapes", function()
  local m = nn.Sequential{nn.Dense{2, input_dim = 3}}
  m:compile{optimizer = "sgd", loss = "mse"}
  local err = expect_error(function() m:predict(nn.zeros{4, 5}) end, "'dense'")
  assert(err:find("(None, 3)", 1, true) and err:find("(4, 5)", 1, true), err)
end)

-- One linear unit, w = 0.5, b = 0; x = 2, y = 3; MSE.
-- forward: 0.5 * 2 + 0 = 1;  loss: (1 - 3)^2 = 4
-- dL/dw = 2 (1 - 3) * 2 = -8;  dL/db = 2 (1 - 3) = -4
-- SGD(0.1): w = 0.5 + 0.8 = 1.3;  b = 0 + 0.4 = 0.4
test("one SGD step by hand, stage by stage", function()
  local m = nn.Sequential{nn.Dense{1, input_dim = 1}}
  m:compile{optimizer = nn.optimizers.SGD{learning_rate = 0.1}, loss = "mse"}
  m:set_weights{nn.tensor{{0.5}}, nn.tensor{0}}
  local out = m:forward(nn.tensor{{2}})
  near(out[1][1], 1)
  near(m:backward(nn.tensor{{3}}), 4)
  local g = m:get_gradients()
  near(g[1][1][1], -8)
  near(g[2][1], -4)
  m:apply_gradients()
  local w = m:get_weights()
  near(w[1][1][1], 1.3)
  near(w[2][1], 0.4)
  expect_error(function() m:apply_gradients() end, "needs a backward pass first")
end)

test("train_on_batch returns the loss then each metric", function()
  local m = nn.Sequential{nn.Dense{1, input_dim = 1}}
  m:compile{optimizer = nn.optimizers.SGD{learning_rate = 0.1}, loss = "mse", metrics = {"mae"}}
  m:set_weights{nn.tensor{{0.5}}, nn.tensor{0}}
  local loss, mae = m:train_on_batch(nn.tensor{{2}}, nn.tensor{{3}})
  near(loss, 4)
  near(mae, 2)
  near(m:get_weights()[1][1][1], 1.3)
end)

test("set_weights checks shapes before changing anything", function()
  local m = nn.Sequential{nn.Dense{2, input_dim = 3}}
  local before = m:get_weights()
  expect_error(function() m:set_weights{nn.zeros{3, 2}, nn.zeros{5}} end, "has shape (2,)")
  expect_error(function() m:set_weights{nn.zeros{3, 2}} end, "has 2 weights")
  local after = m:get_weights()
  near(after[1][1][1], before[1][1][1], 0)
end)

-- Two well separated blobs in 2-D; labels 0/1.
local function blobs(n)
  local x, y = {}, {}
  for i = 1, n do
    local c = i % 2
    local cx = c == 1 and 2 or -2
    x[i] = {cx + math.sin(i * 1.7), cx + math.cos(i * 2.3)}
    y[i] = c
  end
  return nn.tensor(x), nn.tensor(y)
end

test("fit learns a separable problem and returns a Keras History", function()
  local x, y = blobs(200)
  local m = nn.Sequential{
    nn.Dense{8, activation = "tanh", input_dim = 2},
    nn.Dense{2, activation = "softmax"},
  }
  m:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}
  local h = m:fit(x, y, {epochs = 15, batch_size = 16, validation_split = 0.25, verbose = 0})
  assert(#h.history.loss == 15 and #h.history.val_accuracy == 15)
  assert(h.history.loss[15] < h.history.loss[1])
  local loss, acc = m:evaluate(x, y, {verbose = 0})
  assert(acc >= 0.95, acc)
  local p = m:predict(x)
  assert(p:shape()[1] == 200 and p:shape()[2] == 2)
end)

test("a callback sees every epoch and can stop training", function()
  local x, y = blobs(64)
  local m = nn.Sequential{nn.Dense{2, activation = "softmax", input_dim = 2}}
  m:compile{optimizer = "sgd", loss = "sparse_categorical_crossentropy"}
  local seen = {}
  local cb = {on_epoch_end = function(self, epoch, logs)
    seen[#seen + 1] = logs.loss
    if epoch == 2 then m.stop_training = true end
  end}
  local h = m:fit(x, y, {epochs = 10, verbose = 0, callbacks = {cb}})
  assert(#seen == 3 and #h.history.loss == 3, #seen)
  local bad = {on_epoch_end = function() error("boom") end}
  expect_error(function() m:fit(x, y, {epochs = 2, verbose = 0, callbacks = {bad}}) end, "boom")
  m:predict(x)   -- the model is still usable
end)

test("functional API: a branch and a merge-free chain train", function()
  local inp = nn.Input{shape = {2}}
  local h = nn.Dense{8, activation = "tanh"}(inp)
  local out = nn.Dense{2, activation = "softmax"}(h)
  local m = nn.Model{inputs = inp, outputs = out}
  assert(#m.layers == 2)
  m:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}
  local x, y = blobs(200)
  m:fit(x, y, {epochs = 15, batch_size = 16, verbose = 0})
  local _, acc = m:evaluate(x, y, {verbose = 0})
  assert(acc > 0.9, acc)
  expect_error(function() nn.Model{inputs = nn.Input{shape = {3}}, outputs = out} end,
               "which is not in inputs")
end)

test("optimizer hyperparameters can change at any time", function()
  local m = nn.Sequential{nn.Dense{1, input_dim = 1}}
  m:compile{optimizer = nn.optimizers.SGD{learning_rate = 0.1}, loss = "mse"}
  m.optimizer.learning_rate = 0.5
  m:set_weights{nn.tensor{{0.5}}, nn.tensor{0}}
  m:train_on_batch(nn.tensor{{2}}, nn.tensor{{3}})
  near(m:get_weights()[1][1][1], 0.5 + 0.5 * 8)
  near(m.optimizer.learning_rate, 0.5)
end)

test("optimizers without arguments, or with the learning rate alone, as in Keras", function()
  local o = nn.optimizers.RMSprop()
  near(o.learning_rate, 0.001, 1e-9)
  near(o.rho, 0.9, 1e-7)
  near(nn.optimizers.SGD().learning_rate, 0.01, 1e-9)
  near(nn.optimizers.SGD(0.5).learning_rate, 0.5)
  near(nn.optimizers.Adam{0.25}.learning_rate, 0.25)
  -- one step of plain SGD at learning rate 0.5 on w = 0.5, x = 2, y = 3:
  -- dL/dw = 2 (w x - y) x = 2 (1 - 3) 2 = -8, so w = 0.5 + 0.5 * 8
  local m = nn.Sequential{nn.Dense{1, input_dim = 1, use_bias = false}}
  m:compile{optimizer = nn.optimizers.SGD(0.5), loss = "mse"}
  m:set_weights{nn.tensor{{0.5}}}
  m:train_on_batch(nn.tensor{{2}}, nn.tensor{{3}})
  near(m:get_weights()[1][1][1], 0.5 + 0.5 * 8)
end)
