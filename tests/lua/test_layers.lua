-- tests/lua/test_layers.lua — the toolbox layers from Lua: shapes, Keras's argument
-- spellings, errors naming the layer and shapes, and nn.gradcheck.

test("the course CNN has Keras's shapes and parameter count", function()
  local m = nn.Sequential{
    nn.Conv2D{32, {3, 3}, activation = "relu", input_shape = {28, 28, 1}},
    nn.MaxPooling2D{{2, 2}},
    nn.Conv2D{64, {3, 3}, activation = "relu"},
    nn.MaxPooling2D{{2, 2}},
    nn.Flatten{},
    nn.Dense{64, activation = "relu"},
    nn.Dense{10, activation = "softmax"},
  }
  -- 3*3*1*32 + 32 = 320; 3*3*32*64 + 64 = 18496; 1600*64 + 64 = 102464; 64*10 + 10 = 650
  assert(m:count_params() == 320 + 18496 + 102464 + 650, m:count_params())
  local s = m.layers[4].output_shape
  assert(s[1] == 5 and s[2] == 5 and s[3] == 64)
  local p = m:predict(nn.zeros{2, 28, 28, 1})
  assert(p:shape()[1] == 2 and p:shape()[2] == 10)
end)

test("Keras's spellings: kernel_size as a number, strides, padding, pool_size", function()
  local m = nn.Sequential{
    nn.Conv2D{filters = 4, kernel_size = 3, strides = 2, padding = "same", input_shape = {7, 7, 2}},
    nn.AveragePooling2D{pool_size = 2, padding = "same"},
    nn.GlobalAveragePooling2D{},
  }
  -- same padding, stride 2 on 7: ceil(7 / 2) = 4; pooling 2 with same on 4: 2
  assert(m.layers[1].output_shape[1] == 4 and m.layers[2].output_shape[1] == 2)
  assert(m.layers[3].output_shape[1] == 4)
end)

test("a kernel larger than its input names the layer and both shapes", function()
  local err = expect_error(function()
    nn.Sequential{nn.Conv2D{2, {5, 5}, input_shape = {3, 3, 1}}}
  end, "conv2d")
  assert(err:find("5x5", 1, true) and err:find("3x3", 1, true), err)
  expect_error(function() nn.Conv2D{2} end, "kernel_size is required")
  expect_error(function() nn.Conv2D{2, 3, paddng = "same"} end, "did you mean 'padding'")
  expect_error(function() nn.Conv2D{2, 3, padding = "full"} end, "full")
end)

test("Dropout, Activation and friends accept Keras's forms", function()
  local m = nn.Sequential{
    nn.Dense{8, input_dim = 4},
    nn.Activation{"tanh"},
    nn.LeakyReLU{alpha = 0.1},
    nn.Dropout{0.5},
    nn.BatchNormalization{},
    nn.Dense{2},
    nn.Activation("softmax"),
  }
  expect_error(function() nn.Dropout{1.5} end, "rate must be in [0, 1)")
  expect_error(function() nn.Activation{"relux"} end, "unknown activation 'relux'")
  -- Dropout is the identity in inference: two predictions agree
  local x = nn.randn{3, 4}
  local a, b = m:predict(x), m:predict(x)
  near((a - b):abs():max(), 0, 0)
end)

test("nn.gradcheck passes for a built-in layer", function()
  local r = nn.gradcheck(nn.Conv2D{3, {2, 2}, strides = 2, padding = "same"}, nn.randn{2, 5, 5, 2})
  assert(r.ok and r.worst < 1e-3, r.worst)
  assert(r.kernel ~= nil and r.bias ~= nil and r.input ~= nil)
end)

-- y = x * w (one weight per feature); dL/dw = sum over the batch of grad * x
local function scale_layer(wrong)
  local Scale = nn.Layer:extend(wrong and "BadScale" or "Scale")
  function Scale:build(shape)
    self.w = self:add_weight{shape = {shape[1]}, initializer = "random_normal", name = "w"}
  end
  function Scale:call(x) return x * self.w.value end
  function Scale:backward(x, grad)
    self.w.grad = (grad * x):sum(1)
    if wrong then return grad end      -- forgets to multiply by w
    return grad * self.w.value
  end
  return Scale()
end

test("a Lua layer passes gradcheck; a wrong backward fails it", function()
  local x = nn.randn{4, 3}
  local good = nn.gradcheck(scale_layer(false), x)
  assert(good.ok, good.worst)
  local bad = nn.gradcheck(scale_layer(true), x)
  assert(not bad.ok and bad.input > 0.01, bad.input)
end)

test("functional API: a branch and a merge train", function()
  local inp = nn.Input{shape = {4}}
  local a = nn.Dense{8, activation = "relu"}(inp)
  local b = nn.Dense{8, activation = "tanh"}(inp)
  local merged = nn.Concatenate{}({a, b})
  local summed = nn.Add{}({nn.Dense{4}(merged), nn.Dense{4}(inp)})
  local out = nn.Dense{2, activation = "softmax"}(summed)
  local m = nn.Model{inputs = inp, outputs = out}
  m:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}
  local xs, ys = {}, {}
  for i = 1, 200 do
    local c = i % 2
    xs[i] = {c * 2 - 1 + math.sin(i), c * 2 - 1 + math.cos(i), math.sin(3 * i), c}
    ys[i] = c
  end
  local x, y = nn.tensor(xs), nn.tensor(ys)
  local h = m:fit(x, y, {epochs = 10, batch_size = 16, verbose = 0})
  assert(h.history.loss[10] < h.history.loss[1])
  local _, acc = m:evaluate(x, y, {verbose = 0})
  assert(acc > 0.9, acc)
end)

test("pooling layers take no arguments at all: pool_size 2, strides = pool_size", function()
  local m = nn.Sequential{
    nn.Conv2D{1, 1, input_shape = {6, 6, 1}},
    nn.MaxPooling2D(),
    nn.AveragePooling2D(),
  }
  assert(m.layers[2].output_shape[1] == 3 and m.layers[3].output_shape[1] == 1)
end)
