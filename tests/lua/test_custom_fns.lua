-- tests/lua/test_custom_fns.lua — losses, optimizers and activations written in Lua
-- train like the built-in ones.

local x = nn.tensor{{1, 2}, {3, 4}}
local y = nn.tensor{{1}, {2}}

-- mean over the batch (and the outputs) of (p - y)^2; its gradient 2 (p - y) / size
local function my_mse()
  return nn.losses.custom{
    name = "my_mse",
    fn = function(y_true, y_pred) return ((y_pred - y_true) ^ 2):mean() end,
    grad = function(y_true, y_pred) return (y_pred - y_true) * (2 / y_pred:size()) end,
  }
end

local function linear_model(loss, optimizer)
  local m = nn.Sequential{nn.Dense{1, input_dim = 2}}
  m:compile{loss = loss, optimizer = optimizer}
  m:set_weights{nn.tensor{{0.5}, {-0.5}}, nn.tensor{0}}
  return m
end

local function same_weights(a, b, tol)
  local wa, wb = a:get_weights(), b:get_weights()
  assert(#wa == #wb)
  for i = 1, #wa do
    local ta, tb = wa[i]:reshape{-1}, wb[i]:reshape{-1}
    assert(ta:size() == tb:size())
    for j = 1, ta:size() do near(ta[j], tb[j], tol) end
  end
end

test("a custom MSE takes the first step computed by hand", function()
  local m = linear_model(my_mse(), nn.optimizers.SGD{learning_rate = 0.01})
  -- pred = x W = [-0.5, -0.5]; err = pred - y = [-1.5, -2.5]; loss = (2.25 + 6.25) / 2
  -- dL/dpred = 2 err / 2 = [-1.5, -2.5]; dW = x^T dL/dpred = [-9, -13]; db = -4
  near(m:train_on_batch(x, y), 4.25)
  local w = m:get_weights()
  near(w[1][1][1], 0.5 + 0.09); near(w[1][2][1], -0.5 + 0.13); near(w[2][1], 0.04)
end)

test("a custom MSE trains to the same weights as the built-in mse", function()
  local a = linear_model(my_mse(), nn.optimizers.SGD{learning_rate = 0.01})
  local b = linear_model("mse", nn.optimizers.SGD{learning_rate = 0.01})
  for _ = 1, 5 do near(a:train_on_batch(x, y), b:train_on_batch(x, y), 1e-4) end
  same_weights(a, b, 1e-5)
  local xs = nn.tensor{{1, 0}, {0, 1}, {1, 1}, {2, -1}}
  local ys = nn.tensor{{1}, {-1}, {0}, {3}}
  local ha = a:fit(xs, ys, {epochs = 3, batch_size = 2, shuffle = false, verbose = 0})
  local hb = b:fit(xs, ys, {epochs = 3, batch_size = 2, shuffle = false, verbose = 0})
  same_weights(a, b, 1e-5)
  near(ha.history.loss[3], hb.history.loss[3], 1e-4)
  near(a:evaluate(xs, ys, {verbose = 0}), b:evaluate(xs, ys, {verbose = 0}), 1e-4)
end)

test("a plain table {fn, grad} is a custom loss too", function()
  local l = my_mse()
  local m = linear_model({fn = l.fn, grad = l.grad}, nn.optimizers.SGD{learning_rate = 0.01})
  near(m:train_on_batch(x, y), 4.25)
  expect_error(function() m:compile{loss = {fn = l.fn}, optimizer = "sgd"} end,
               "grad = function(y_true, y_pred)")
  expect_error(function() nn.losses.custom{fn = l.fn} end, "grad = function(y_true, y_pred)")
end)

test("a custom loss's errors are clear and leave the model usable", function()
  local fail = true
  local m = linear_model(nn.losses.custom{
    name = "flaky",
    fn = function(y_true, y_pred)
      if fail then error("no loss today") end
      return ((y_pred - y_true) ^ 2):mean()
    end,
    grad = function(y_true, y_pred) return (y_pred - y_true) * (2 / y_pred:size()) end,
  }, nn.optimizers.SGD{learning_rate = 0.01})
  expect_error(function() m:train_on_batch(x, y) end, "loss 'flaky': fn failed")
  expect_error(function() m:train_on_batch(x, y) end, "no loss today")
  fail = false
  near(m:train_on_batch(x, y), 4.25)

  local bad = linear_model(nn.losses.custom{
    name = "wrong_grad",
    fn = function(y_true, y_pred) return ((y_pred - y_true) ^ 2):mean() end,
    grad = function() return nn.zeros{1, 3} end,
  }, nn.optimizers.SGD{learning_rate = 0.01})
  expect_error(function() bad:train_on_batch(x, y) end, "returned shape (1, 3), expected (2, 1)")
  expect_error(function() bad:train_on_batch(x, y) end, "wrong_grad")
  local w = bad:get_weights()
  near(w[1][1][1], 0.5); near(w[2][1], 0)         -- no update happened
  bad:compile{loss = "mse", optimizer = nn.optimizers.SGD{learning_rate = 0.01}}
  near(bad:train_on_batch(x, y), 4.25)
  near(bad:get_weights()[2][1], 0.04)
end)

local function two_layer(optimizer)
  local m = nn.Sequential{nn.Dense{3, activation = "tanh", input_dim = 2}, nn.Dense{1}}
  m:set_weights{nn.tensor{{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}}, nn.tensor{0.01, 0.02, 0.03},
                nn.tensor{{0.7}, {-0.8}, {0.9}}, nn.tensor{0.1}}
  m:compile{loss = "mse", optimizer = optimizer}
  return m
end

test("a custom SGD equals the built-in SGD after 3 steps", function()
  local steps = {}
  local a = two_layer(nn.optimizers.custom{
    name = "my_sgd", learning_rate = 0.05,
    update = function(w, g, state, t, lr)
      steps[#steps + 1] = t
      return w - g * lr
    end,
  })
  local b = two_layer(nn.optimizers.SGD{learning_rate = 0.05})
  for _ = 1, 3 do a:train_on_batch(x, y); b:train_on_batch(x, y) end
  same_weights(a, b, 1e-6)
  assert(#steps == 12, #steps)                    -- 4 weights, 3 steps
  assert(steps[1] == 1 and steps[5] == 2 and steps[12] == 3)
  assert(a.optimizer.name == "my_sgd")
  near(a.optimizer.learning_rate, 0.05)
  a.optimizer.learning_rate = 0                   -- read at every step
  local before = a:get_weights()[4][1]
  a:train_on_batch(x, y)
  near(a:get_weights()[4][1], before, 0)
end)

test("a custom optimizer keeps per-weight state: momentum like SGD's", function()
  local function momentum_sgd()
    return nn.optimizers.custom{
      name = "my_momentum", learning_rate = 0.05,
      update = function(w, g, state, t, lr)
        state.v = (state.v or nn.zeros(w:shape())) * 0.9 - g * lr
        return w + state.v
      end,
    }
  end
  local a = two_layer(momentum_sgd())
  local b = two_layer(nn.optimizers.SGD{learning_rate = 0.05, momentum = 0.9})
  for _ = 1, 3 do a:train_on_batch(x, y); b:train_on_batch(x, y) end
  same_weights(a, b, 1e-6)
  -- recompiling starts with fresh state: one step is then plain SGD
  local c = two_layer(momentum_sgd())
  local d = two_layer(nn.optimizers.SGD{learning_rate = 0.05})
  c:train_on_batch(x, y); d:train_on_batch(x, y)
  same_weights(c, d, 1e-6)
end)

test("a custom optimizer's errors are clear and leave the model usable", function()
  local m = two_layer(nn.optimizers.custom{name = "broken", update = function() error("nope") end})
  expect_error(function() m:train_on_batch(x, y) end, "optimizer 'broken' (weight 'kernel'): update failed")
  local s = two_layer(nn.optimizers.custom{name = "shapeless", update = function() return nn.zeros{7} end})
  expect_error(function() s:train_on_batch(x, y) end, "returned shape (7,), expected (2, 3)")
  expect_error(function() nn.optimizers.custom{name = "x"} end, "update = function(w, g, state, t, lr)")
  m:compile{loss = "mse", optimizer = nn.optimizers.SGD{learning_rate = 0.05}}
  m:train_on_batch(x, y)
  local b = two_layer(nn.optimizers.SGD{learning_rate = 0.05})
  b:train_on_batch(x, y)
  same_weights(m, b, 1e-6)
end)

-- softplus(z) = log(1 + e^z); its derivative the sigmoid 1 / (1 + e^-z)
local function lua_softplus(opts)
  opts = opts or {}
  opts.fn = function(z) return (z:exp() + 1):log() end
  opts.derivative = function(z, a) return z:sigmoid() end
  return nn.Activation(opts)
end

test("a custom activation passes gradcheck and equals the built-in softplus", function()
  local r = nn.gradcheck(lua_softplus(), nn.tensor{{-1.5, -0.2, 0.3}, {0.8, 1.7, -2.4}})
  assert(r.ok and r.worst < 1e-2, r.worst)
  local xs = nn.tensor{{-2, -0.5, 0, 0.5, 3}}
  local mine = nn.Sequential{lua_softplus{input_shape = {5}}}:predict(xs)
  local builtin = nn.Sequential{nn.Activation{"softplus", input_shape = {5}}}:predict(xs)
  for j = 1, 5 do
    local v = xs[1][j]
    near(mine[1][j], math.log(1 + math.exp(v)))
    near(mine[1][j], builtin[1][j])
  end
end)

test("a custom activation trains like the built-in one", function()
  local function model(act)
    local m = nn.Sequential{nn.Dense{3, input_dim = 2}, act, nn.Dense{1}}
    m:set_weights{nn.tensor{{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}}, nn.tensor{0.01, 0.02, 0.03},
                  nn.tensor{{0.7}, {-0.8}, {0.9}}, nn.tensor{0.1}}
    m:compile{loss = "mse", optimizer = nn.optimizers.SGD{learning_rate = 0.05}}
    return m
  end
  local a, b = model(lua_softplus()), model(nn.Activation{"softplus"})
  for _ = 1, 3 do near(a:train_on_batch(x, y), b:train_on_batch(x, y), 1e-5) end
  same_weights(a, b, 1e-5)
end)

test("a custom activation's errors are clear", function()
  expect_error(function() nn.Activation{fn = function(z) return z end} end, "derivative")
  expect_error(function() nn.Activation{fn = 3, derivative = 4} end, "fn = function(z)")
  local bad = nn.Activation{fn = function(z) return z:reshape{-1} end,
                            derivative = function(z) return z end, input_shape = {2}}
  local m = nn.Sequential{bad}
  expect_error(function() m:predict(nn.zeros{3, 2}) end, "returned shape (6,), expected (3, 2)")
  local boom = nn.Activation{fn = function(z) return z end,
                             derivative = function() error("no slope") end, input_shape = {2}}
  local n = nn.Sequential{nn.Dense{2, input_dim = 2}, boom}
  n:compile{loss = "mse", optimizer = "sgd"}
  expect_error(function() n:train_on_batch(x, nn.zeros{2, 2}) end, "derivative failed")
  near(n:predict(nn.tensor{{0, 0}})[1][1], 0)
end)
