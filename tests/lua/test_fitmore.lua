-- tests/lua/test_fitmore.lua — fit with class_weight and on generators, and the
-- augmentation helpers (random_shift, random_flip, ImageDataGenerator). Numbers
-- are worked out by hand here.

local function tiny_classifier()
  local m = nn.Sequential{nn.Dense{2, activation = "softmax", input_dim = 2}}
  m:compile{optimizer = nn.optimizers.SGD{learning_rate = 0.1},
            loss = "sparse_categorical_crossentropy"}
  return m
end

test("class_weight weights each sample's loss by its class (by hand)", function()
  local x = nn.tensor{{1, 0}, {0, 1}, {1, 1}}
  local y = nn.tensor{0, 1, 1}
  local m = tiny_classifier()
  local p = m:predict(x, {verbose = 0}):totable()
  local w = {[0] = 0.5, [1] = 3}
  local want = (0.5 * -math.log(p[1][1]) + 3 * -math.log(p[2][2]) + 3 * -math.log(p[3][2])) / 3
  local h = m:fit(x, y, {epochs = 1, batch_size = 3, shuffle = false, verbose = 0,
                         class_weight = w})
  assert(math.abs(h.history.loss[1] - want) < 1e-5, h.history.loss[1] .. " vs " .. want)
  -- one-hot targets take the class from the argmax
  local m2 = nn.Sequential{nn.Dense{2, activation = "softmax", input_dim = 2}}
  m2:compile{optimizer = "sgd", loss = "categorical_crossentropy"}
  m2:set_weights(m:get_weights())
  local q = m2:predict(x, {verbose = 0}):totable()
  local want2 = (0.5 * -math.log(q[1][1]) + 3 * -math.log(q[2][2]) + 3 * -math.log(q[3][2])) / 3
  local h2 = m2:fit(x, nn.utils.to_categorical(y, 2), {epochs = 1, batch_size = 3, verbose = 0,
                                                      class_weight = w})
  assert(math.abs(h2.history.loss[1] - want2) < 1e-5, h2.history.loss[1] .. " vs " .. want2)
end)

test("class_weight errors name the problem", function()
  local x, y = nn.tensor{{1, 0}, {0, 1}}, nn.tensor{0, 1}
  local m = tiny_classifier()
  expect_error(function() m:fit(x, y, {verbose = 0, class_weight = {[0] = 1}}) end,
               "class_weight: sample 2 is of class 1")
  expect_error(function() m:fit(x, y, {verbose = 0, class_weight = {[0] = 1, [2] = 1}}) end,
               "keys 0 to 1")
  expect_error(function() m:fit(x, y, {verbose = 0, class_weight = 3}) end,
               "class_weight must be a table")
  expect_error(function() m:fit(x, y, {verbose = 0, class_weigth = {}}) end,
               "did you mean 'class_weight'")
end)

local function blobs(n)
  local rows, labels = {}, {}
  local r = 0
  for i = 1, n do
    local c = i % 2
    r = (r * 1103515245 + 12345) % 2147483648
    local jitter = (r / 2147483648 - 0.5) * 0.6
    rows[i] = {c * 2 - 1 + jitter, 1 - c * 2 - jitter}
    labels[i] = c
  end
  return nn.tensor(rows), nn.tensor(labels)
end

test("fit on a function generator: epochs end at nil, loss goes down", function()
  local x, y = blobs(40)
  local m = tiny_classifier()
  local i = 0
  local calls = 0
  local function gen()
    calls = calls + 1
    i = i + 1
    if i > 4 then i = 0 return nil end
    return x:slice(10 * i - 9, 10 * i), y:slice(10 * i - 9, 10 * i)
  end
  local h = m:fit(gen, {epochs = 6, verbose = 0, validation_data = {x, y}})
  assert(#h.epoch == 6 and #h.history.loss == 6 and #h.history.val_loss == 6)
  assert(calls == 30, calls)     -- 4 batches and a nil per epoch
  assert(h.history.loss[6] < h.history.loss[1])
  assert(h.history.val_loss[6] < h.history.val_loss[1])
end)

test("fit on a table with :next() and steps_per_epoch; a coroutine iterator", function()
  local x, y = blobs(20)
  local m = tiny_classifier()
  local src = {n = 0}
  function src:next()
    self.n = self.n + 1
    return x, y
  end
  local h = m:fit(src, {epochs = 3, steps_per_epoch = 5, verbose = 0})
  assert(#h.history.loss == 3 and src.n == 15, src.n)
  -- an iterator that ends for good: training stops with the epochs it had
  local it = coroutine.wrap(function()
    for _ = 1, 7 do coroutine.yield(x, y) end
  end)
  local h2 = m:fit(it, {epochs = 5, steps_per_epoch = 3, verbose = 0})
  assert(#h2.history.loss == 3, #h2.history.loss)   -- 3 + 3 + 1 batches
end)

test("generator errors reach the caller", function()
  local m = tiny_classifier()
  local e = expect_error(function() m:fit(function() error("no more files") end, {verbose = 0}) end,
               "no more files")
  assert(e:find("the generator failed", 1, true), e)
  expect_error(function() m:fit(function() return nn.zeros{2, 2} end, {verbose = 0}) end,
               "gave x but no y")
  expect_error(function()
    m:fit(function() return nn.zeros{2, 2}, nn.zeros{3} end, {verbose = 0})
  end, "2 samples in x but 3 in y")
  expect_error(function()
    m:fit(function() return nil end, {verbose = 0, validation_split = 0.2})
  end, "validation_split needs arrays")
end)

test("random_shift by a known amount, pixel by pixel", function()
  -- a 1 x 5 image: shifts of up to 2 pixels sideways; the result must be the
  -- image moved by one d in -2..2, zeros filling the border
  local img = nn.tensor{{{1, 2, 3, 4, 5}}}
  local seen = {}
  for seed = 1, 40 do
    local out = nn.preprocessing.random_shift(img, {width = 2, seed = seed}):totable()[1][1]
    local found
    for d = -2, 2 do
      local ok = true
      for j = 1, 5 do
        local src = j - d
        local want = (src >= 1 and src <= 5) and src or 0
        ok = ok and out[j] == want
      end
      if ok then found = d end
    end
    assert(found, "not a shift: " .. table.concat(out, " "))
    seen[found] = true
  end
  for d = -2, 2 do assert(seen[d], "shift " .. d .. " never drawn") end
  -- height moves rows; the same seed gives the same result
  local x = nn.rand{3, 4, 4, 2}
  local a = nn.preprocessing.random_shift(x, {height = 0.5, width = 0.25, seed = 5}):totable()
  local b = nn.preprocessing.random_shift(x, {height = 0.5, width = 0.25, seed = 5}):totable()
  for n = 1, 3 do for i = 1, 4 do for j = 1, 4 do for c = 1, 2 do
    assert(a[n][i][j][c] == b[n][i][j][c])
  end end end end
end)

test("random_flip mirrors left to right", function()
  local img = nn.tensor{{{1, 2, 3}, {4, 5, 6}}}
  local flips, keeps = 0, 0
  for seed = 1, 30 do
    local out = nn.preprocessing.random_flip(img, {seed = seed}):totable()[1]
    if out[1][1] == 3 then
      assert(out[1][2] == 2 and out[1][3] == 1 and out[2][1] == 6 and out[2][3] == 4)
      flips = flips + 1
    else
      assert(out[1][1] == 1 and out[1][3] == 3 and out[2][1] == 4 and out[2][3] == 6)
      keeps = keeps + 1
    end
  end
  assert(flips > 5 and keeps > 5, flips .. " " .. keeps)
  expect_error(function() nn.preprocessing.random_flip(nn.zeros{2, 3}) end,
               "expected a batch of images")
  expect_error(function() nn.preprocessing.random_shift(nn.zeros{1, 2, 2}, {widht = 1}) end,
               "did you mean 'width'")
end)

test("ImageDataGenerator flow: batches, determinism, a fit that learns", function()
  local n = 40
  local xs, ys = nn.zeros{n, 4, 4, 1}, nn.zeros{n}
  for i = 1, n do
    local c = i % 2
    ys:set(i, c)
    -- class 1: a bright top half; class 0: a bright bottom half
    for r = 1, 4 do for col = 1, 4 do
      local bright = (c == 1) == (r <= 2)
      xs:set(i, r, col, 1, bright and 1 or 0)
    end end
  end
  local gen = nn.preprocessing.ImageDataGenerator{width_shift_range = 0.25,
                                                  horizontal_flip = true}
  local flow = gen:flow(xs, ys, {batch_size = 16, seed = 3})
  assert(#flow == 3)
  local sizes = {}
  for k = 1, 4 do
    local xb, yb = flow:next()
    sizes[k] = xb:shape()[1]
    assert(yb:shape()[1] == sizes[k])
  end
  assert(sizes[1] == 16 and sizes[2] == 16 and sizes[3] == 8 and sizes[4] == 16)
  local f1, f2 = gen:flow(xs, ys, {batch_size = 8, seed = 9}), gen:flow(xs, ys, {batch_size = 8,
                                                                                  seed = 9})
  local a, ya = f1:next()
  local b, yb = f2:next()
  assert(tostring(a) == tostring(b) and tostring(ya) == tostring(yb))
  local m = nn.Sequential{nn.Flatten{input_shape = {4, 4, 1}},
                          nn.Dense{2, activation = "softmax"}}
  m:compile{optimizer = nn.optimizers.Adam{learning_rate = 0.05},
            loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}
  local h = m:fit(gen:flow(xs, ys, {batch_size = 8, seed = 1}), {epochs = 8, verbose = 0})
  assert(#h.epoch == 8 and #h.history.loss == 8 and h.params.steps == 5)
  assert(h.history.loss[8] < 0.5 * h.history.loss[1], h.history.loss[1] .. " " ..
         h.history.loss[8])
  expect_error(function() nn.preprocessing.ImageDataGenerator{zoom_range = 0.1} end,
               "unknown option 'zoom_range'")
end)
