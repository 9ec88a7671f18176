-- tests/lua/test_viz.lua — the viz module from Lua, headless (the run has no display):
-- showing a model, snapshots, the controls and their error messages. The pixels
-- themselves are checked by build/test_viz.

local dir = os.getenv("TMPDIR") or "/tmp"
local function tmpfile(name) return dir .. "/nnscope-viz-" .. name end

-- Width and height from a PNG's IHDR chunk (big-endian at bytes 17..24).
local function png_size(path)
  local f = assert(io.open(path, "rb"))
  local head = f:read(24)
  f:close()
  assert(head and head:sub(1, 8) == "\137PNG\r\n\26\n", "not a PNG: " .. path)
  return string.unpack(">I4I4", head, 17)
end

local function small_model()
  local m = nn.Sequential{
    nn.Dense{4, activation = "relu", input_dim = 3},
    nn.Dense{2, activation = "softmax"},
  }
  m:compile{optimizer = "sgd", loss = "categorical_crossentropy", metrics = {"accuracy"}}
  return m
end

test("show opens headless and snapshot writes a PNG of the window's size", function()
  viz.close()
  local m = small_model()
  viz.show(m)
  assert(viz.is_open())
  local path = tmpfile("dash.png")
  assert(viz.snapshot(path) == path)
  local w, h = png_size(path)
  assert(w == 1280 and h == 800, w .. "x" .. h)
  viz.show(m, {width = 640, height = 480})
  viz.snapshot(path, "loss")
  w, h = png_size(path)
  assert(w == 640 and h == 480, w .. "x" .. h)
  os.remove(path)
end)

test("every panel renders, by name", function()
  viz.close()         -- a new window takes the default size again
  viz.show(small_model())
  local path = tmpfile("panel.png")
  for _, p in ipairs{"dashboard", "network", "weights", "activations", "loss", "sample",
                     "boundary", "features"} do
    viz.snapshot(path, p)
    assert(png_size(path) == 1280)
  end
  os.remove(path)
end)

test("a panel that does not apply says why", function()
  viz.show(small_model())
  local ok, why = viz.panel("features")
  assert(ok == false and why:find("Conv2D", 1, true), why)
  ok, why = viz.panel("boundary")
  assert(ok == false and why:find("2 inputs", 1, true), why)
  assert(viz.panel("weights") == true)
  assert(viz.panel() == true)
  expect_error(function() viz.panel("wieghts") end, "unknown panel 'wieghts'")
end)

test("select takes 1-based layers and units, or a layer name", function()
  local m = small_model()
  viz.show(m)
  viz.select{layer = 2, unit = 2}
  viz.select{layer = m.layers[1].name, unit = 4}
  expect_error(function() viz.select{layer = 3} end, "no layer 3: the model has 2 layers (1 to 2)")
  expect_error(function() viz.select{layer = 1, unit = 5} end, "has 4 units: no unit 5")
  expect_error(function() viz.select{layer = 1, unit = 0} end, "no unit 0")
  expect_error(function() viz.select{lyer = 1} end, "unknown option 'lyer'")
  expect_error(function() viz.select{layer = "nope"} end, "no layer named 'nope'")
end)

test("bad arguments name the function and the problem", function()
  viz.show(small_model())
  expect_error(function() viz.snapshot("/nonexistent-dir/x.png") end,
               "viz.snapshot: cannot write snapshot '/nonexistent-dir/x.png'")
  expect_error(function() viz.snapshot(tmpfile("x.png"), "wights") end, "unknown panel")
  expect_error(function() viz.fps(0) end, "between 1 and 240")
  expect_error(function() viz.show({}) end, "bad argument #1")
  expect_error(function() viz.show(small_model(), {widht = 10}) end, "unknown option 'widht'")
  expect_error(function() viz.show(small_model(), {width = 10}) end, "out of range")
  expect_error(function() viz.sample(nn.tensor{1, 2}) end, "takes 3 values per sample")
  expect_error(function() viz.classes{"a", 2} end, "name 2 is not a string")
  expect_error(function() viz.points(nn.zeros{4, 3}) end, "shape (n, 2)")
end)

test("training with the window: fit runs to the end, pause cannot block headless", function()
  local m = small_model()
  viz.show(m)
  viz.classes{"left", "right"}
  local x = nn.tensor{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}}
  local y = nn.tensor{{1, 0}, {0, 1}, {1, 0}, {0, 1}}
  viz.pause(true)
  local h = m:fit(x, y, {epochs = 3, batch_size = 2, verbose = 0})
  viz.pause(false)
  assert(#h.history.loss == 3)
  viz.sample(x:slice(2, 2), 1)
  viz.sample(2)
  viz.sample()
  viz.snapshot(tmpfile("fit.png"), "sample")
  os.remove(tmpfile("fit.png"))
end)

test("close ends the window, not the session", function()
  viz.show(small_model())
  viz.close()
  assert(not viz.is_open())
  expect_error(function() viz.snapshot(tmpfile("closed.png")) end, "call viz.show(model) first")
  viz.close()
end)
