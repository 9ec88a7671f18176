-- tests/lua/test_formula.lua — stepping a training step from the window's side
-- (viz.step_mode, viz.step, what the . key runs) and the formula panel from Lua.
-- The panel's numbers themselves are checked against the trace by build/test_viz.

local dir = os.getenv("TMPDIR") or "/tmp"
local function tmpfile(name) return dir .. "/nnscope-formula-" .. name end

local function mlp()
  local m = nn.Sequential{
    nn.Dense{4, activation = "relu", input_dim = 3},
    nn.Dense{2, activation = "softmax"},
  }
  m:compile{optimizer = "adam", loss = "categorical_crossentropy"}
  return m
end

local x = nn.tensor{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}, {0, 1, 1}}
local y = nn.tensor{{1, 0}, {0, 1}, {1, 0}, {0, 1}, {1, 0}}

test("the formula panel is there, by name", function()
  viz.close()
  viz.show(mlp())
  assert(viz.panel("formula") == true)
  local path = tmpfile("empty.png")
  viz.snapshot(path, "formula")       -- nothing computed yet: the panel says how to start
  os.remove(path)
  viz.panel("dashboard")
end)

test("viz.step walks one training step stage by stage, then starts the next", function()
  local m = mlp()
  viz.step_mode(m, x, y, {batch_size = 2})
  local want = {"forward", "forward", "loss", "backward", "backward", "update", "forward"}
  local names = {m.layers[1].name, m.layers[2].name}
  local seen = {}
  for i, stage in ipairs(want) do
    local s = viz.step()
    assert(s.stage == stage, i .. ": " .. tostring(s.stage))
    seen[#seen + 1] = s.stage
    if i == 1 then assert(s.name == names[1] and s.layer == 1) end
    if i == 4 then assert(s.name == names[2]) end
    if i == 3 then assert(type(s.loss) == "number" and s.loss > 0) end
    if i == 6 then assert(s.done == true) end
    local path = tmpfile(i .. ".png")
    viz.snapshot(path, "formula")
    os.remove(path)
  end
  -- the second step took the next 2 rows: the trace holds them
  local t = m:trace()
  assert(t[1].input:shape()[1] == 2)
  near(t[1].input[1][2], 0)
  near(t[1].input[1][3], 1)
  viz.step_mode(false)
end)

test("viz.step goes on with a step begun by model:step", function()
  local m = mlp()
  viz.show(m)
  viz.step_mode(false)
  local s = m:step(x, y)
  assert(s.stage == "forward")
  s = viz.step()
  assert(s.stage == "forward" and s.layer == 2)
  s = viz.step()
  assert(s.stage == "loss")
  for _ = 1, 3 do s = viz.step() end
  assert(s.stage == "update" and s.done)
  -- a step is complete and no batch was given to the window
  expect_error(function() viz.step() end, "nothing to step through")
end)

test("the update after fit and after model:step shows in the panel", function()
  local m = mlp()
  viz.show(m)
  m:fit(x, y, {epochs = 2, batch_size = 2, verbose = 0})
  viz.select{layer = 1, unit = 2}
  local path = tmpfile("fit.png")
  viz.snapshot(path, "formula")
  m:forward(x)
  viz.snapshot(path, "formula")
  m:backward(y)
  viz.snapshot(path, "formula")
  m:apply_gradients()
  viz.snapshot(path, "formula")
  os.remove(path)
end)

test("layers without a formula and convolutions render", function()
  local m = nn.Sequential{
    nn.Conv2D{2, kernel_size = {3, 3}, activation = "relu", input_shape = {6, 6, 1}},
    nn.MaxPooling2D{pool_size = {2, 2}},
    nn.Flatten{},
    nn.Dense{2, activation = "softmax"},
  }
  m:compile{optimizer = "sgd", loss = "sparse_categorical_crossentropy"}
  local xi = nn.zeros{3, 6, 6, 1} + 0.5
  local yi = nn.tensor{0, 1, 1}
  viz.step_mode(m, xi, yi)
  local path = tmpfile("cnn.png")
  for layer = 1, 4 do
    viz.select{layer = layer}
    viz.snapshot(path, "formula")
  end
  for _ = 1, 9 do
    viz.step()
    viz.snapshot(path, "formula")
    viz.snapshot(path, "network")
  end
  os.remove(path)
  viz.step_mode(false)
end)

test("step_mode checks its arguments", function()
  local m = mlp()
  expect_error(function() viz.step_mode(m, x, nn.zeros{3, 2}) end, "same number of rows")
  expect_error(function() viz.step_mode(m, x, y, {batchsize = 2}) end,
               "unknown option 'batchsize'")
  expect_error(function() viz.step_mode(m, x, y, {batch_size = 0}) end, "whole number >= 1")
  expect_error(function() viz.step_mode({}, x, y) end, "bad argument #1")
  -- tables of numbers are taken as tensors
  viz.step_mode(m, {{1, 0, 0}, {0, 1, 0}}, {{1, 0}, {0, 1}})
  assert(viz.step().stage == "forward")
  viz.step_mode(false)
end)
