-- tests/lua/test_data.lua — nn.datasets, nn.utils data helpers, StandardScaler and
-- nn.data.from_csv from Lua. Small files are written here; expected numbers are
-- worked out by hand in each test.

local function tmpdir()
  local path = os.tmpname()
  os.remove(path)
  assert(os.execute("mkdir -p '" .. path .. "'"))
  return path
end

local function write(path, bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
end

local function same_shape(t, want)
  local s = t:shape()
  if #s ~= #want then return false end
  for i = 1, #want do
    if s[i] ~= want[i] then return false end
  end
  return true
end

local function shape_str(t)
  return "(" .. table.concat(t:shape(), ", ") .. ")"
end

-- An IDX file of unsigned bytes: magic, big-endian dims, data.
local function idx(dims, data)
  local parts = {string.pack(">I4", 0x0800 + #dims)}
  for _, d in ipairs(dims) do parts[#parts + 1] = string.pack(">I4", d) end
  parts[#parts + 1] = data
  return table.concat(parts)
end

local function bytes(n, f)
  local t = {}
  for i = 0, n - 1 do t[#t + 1] = string.char(f(i) % 256) end
  return table.concat(t)
end

local function count_labels(y, k)
  local c = {}
  for i = 0, k - 1 do c[i] = 0 end
  for i = 1, #y do
    local v = y[i]
    if type(v) ~= "number" then v = v:item() end
    c[v] = c[v] + 1
  end
  return c
end

-- ---------------------------------------------------------------- datasets

test("fashion_mnist.load_data gives Keras's shapes", function()
  local f = io.open("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", "rb")
  if not f then print("  (skipped: dataset-fashion-mnist is not installed)") return end
  f:close()
  local train, test = nn.datasets.fashion_mnist.load_data()
  assert(same_shape(train.x, {60000, 28, 28}), shape_str(train.x))
  assert(same_shape(train.y, {60000}) and same_shape(test.x, {10000, 28, 28}))
  assert(same_shape(test.y, {10000}))
  assert(train.x:dtype() == "uint8" and train.y:dtype() == "uint8")
  assert(train[1] == train.x and train[2] == train.y)
  assert(train.y:max() == 9 and train.y:min() == 0)
  local c = count_labels(test.y, 10)
  for k = 0, 9 do assert(c[k] == 1000, "class " .. k .. ": " .. c[k]) end
end)

test("load_data options: a suggestion and the missing-file message", function()
  expect_error(function() nn.datasets.fashion_mnist.load_data{pth = "/x"} end,
               "load_data: unknown option 'pth' (did you mean 'path'?)")
  local err = expect_error(function()
    nn.datasets.fashion_mnist.load_data{path = "/nonexistent/fmnist"}
  end, "Fashion-MNIST not found in /nonexistent/fmnist")
  assert(err:find("apt-get install dataset-fashion-mnist", 1, true), err)
  expect_error(function() nn.datasets.mnist.load_data{path = "/nonexistent/mnist"} end,
               "MNIST not found")
  expect_error(function() nn.datasets.cifar10.load_data{path = "/nonexistent/c"} end,
               "CIFAR-10 not found")
end)

test("mnist.load_data reads the four IDX files of a directory", function()
  local dir = tmpdir()
  local pixels = bytes(12, function(i) return 10 * i end)
  write(dir .. "/train-images-idx3-ubyte", idx({3, 2, 2}, pixels))
  write(dir .. "/train-labels-idx1-ubyte", idx({3}, "\7\1\9"))
  write(dir .. "/t10k-images-idx3-ubyte", idx({1, 2, 2}, "\1\2\3\4"))
  write(dir .. "/t10k-labels-idx1-ubyte", idx({1}, "\5"))
  local train, test = nn.datasets.mnist.load_data{path = dir}
  assert(same_shape(train.x, {3, 2, 2}) and same_shape(test.x, {1, 2, 2}))
  assert(train.x:get(2, 1, 2) == 50)        -- element 5 (0-based) of the data: 10 * 5
  assert(train.y:get(3) == 9 and test.y:get(1) == 5)
  -- A truncated file is refused with the reason.
  write(dir .. "/t10k-images-idx3-ubyte", idx({2, 2, 2}, "\1\2\3\4"))
  expect_error(function() nn.datasets.mnist.load_data(dir) end, "truncated")
  os.execute("rm -rf '" .. dir .. "'")
end)

test("cifar10.load_data: channels-last images, labels (N, 1) as Keras", function()
  local dir = tmpdir()
  -- Record r: label r % 10, channel c of pixel p holds (r + 3c + 5p) % 256.
  local function batch(first, n)
    local recs = {}
    for r = first, first + n - 1 do
      recs[#recs + 1] = string.char(r % 10) .. bytes(3072, function(i)
        local c, p = i // 1024, i % 1024
        return r + 3 * c + 5 * p
      end)
    end
    return table.concat(recs)
  end
  for b = 1, 5 do write(dir .. "/data_batch_" .. b .. ".bin", batch(b - 1, 1)) end
  write(dir .. "/test_batch.bin", batch(20, 2))
  local train, test = nn.datasets.cifar10.load_data{path = dir}
  assert(same_shape(train.x, {5, 32, 32, 3}), shape_str(train.x))
  assert(same_shape(train.y, {5, 1}) and train.y:dtype() == "uint8")
  assert(same_shape(test.x, {2, 32, 32, 3}))
  -- Image 4 (record 3), row 2, column 5, blue: p = 1*32 + 4 = 36, c = 2.
  assert(train.x:get(4, 2, 5, 3) == (3 + 6 + 5 * 36) % 256)
  assert(train.y:get(4, 1) == 3 and test.y:get(2, 1) == 1)
  os.execute("rm -rf '" .. dir .. "'")
end)

test("iris.load_data returns x, y like sklearn's load_iris(return_X_y=True)", function()
  local x, y = nn.datasets.iris.load_data()
  assert(same_shape(x, {150, 4}) and same_shape(y, {150}))
  near(x:get(1, 1), 5.1)
  near(x:get(1, 2), 3.5)
  near(x:get(150, 3), 5.1)
  local c = count_labels(y, 3)
  assert(c[0] == 50 and c[1] == 50 and c[2] == 50)
  assert(y:get(51) == 1 and y:get(150) == 2)
end)

-- ---------------------------------------------------------------- synthetic

test("make_* give (n, 2) and (n,), the same for the same seed", function()
  for _, name in ipairs{"make_xor", "make_circles", "make_moons", "make_spirals",
                        "make_blobs", "make_gaussians"} do
    local f = nn.datasets[name]
    local noise = 0.1
    if name == "make_blobs" then noise = nil end
    local x, y = f{n = 60, noise = noise, seed = 3}
    assert(same_shape(x, {60, 2}) and same_shape(y, {60}), name .. " " .. shape_str(x))
    local x2 = f{n_samples = 60, noise = noise, random_state = 3}
    local x3 = f{n = 60, noise = noise, seed = 4}
    assert((x - x2):abs():max() == 0, name .. ": same seed, different data")
    assert((x - x3):abs():max() > 0, name .. ": different seeds, same data")
  end
  -- Without a seed, two calls differ (each draws a new seed from the session).
  local a = nn.datasets.make_moons{n = 20, noise = 0.1}
  local b = nn.datasets.make_moons{n = 20, noise = 0.1}
  assert((a - b):abs():max() > 0)
  -- nn.utils.set_random_seed makes the unseeded calls repeat.
  nn.utils.set_random_seed(5)
  local c = nn.datasets.make_moons{n = 20, noise = 0.1}
  local xs = nn.utils.shuffle(nn.tensor{1, 2, 3, 4, 5, 6, 7, 8})
  nn.utils.set_random_seed(5)
  local d = nn.datasets.make_moons{n = 20, noise = 0.1}
  local xs2 = nn.utils.shuffle(nn.tensor{1, 2, 3, 4, 5, 6, 7, 8})
  assert((c - d):abs():max() == 0 and (xs - xs2):abs():max() == 0)
end)

test("make_moons and make_spirals geometry", function()
  local x, y = nn.datasets.make_moons{n = 9, seed = 1}
  local zeros = 0
  for i = 1, 9 do
    local a, b = x:get(i, 1), x:get(i, 2)
    if y:get(i) == 0 then
      zeros = zeros + 1
      near(a * a + b * b, 1, 1e-5)
    else
      near((a - 1) ^ 2 + (b - 0.5) ^ 2, 1, 1e-5)
    end
  end
  assert(zeros == 4)                        -- sklearn: n // 2 on the outer moon
  local _, ys = nn.datasets.make_spirals{n = 10, arms = 3, seed = 1}
  local c = count_labels(ys, 3)
  assert(c[0] == 4 and c[1] == 3 and c[2] == 3)
  local _, yb = nn.datasets.make_blobs{n = 7, centers = {{0, 0}, {5, 5}}, cluster_std = 0}
  c = count_labels(yb, 2)
  assert(c[0] == 4 and c[1] == 3)
end)

test("make_* refuse bad options by name", function()
  expect_error(function() nn.datasets.make_xor{n = 10, nosie = 0.1} end,
               "make_xor: unknown option 'nosie' (did you mean 'noise'?)")
  expect_error(function() nn.datasets.make_moons{n = 0} end, "option 'n' must be 1 to")
  expect_error(function() nn.datasets.make_moons{noise = -1} end, "'noise' must be >= 0")
  expect_error(function() nn.datasets.make_moons{n = 10, seed = 1, random_state = 2} end,
               "not both")
  expect_error(function() nn.datasets.make_blobs{centers = {{1}}} end,
               "centers[1] must be a pair")
end)

-- ---------------------------------------------------------------- utils

test("to_categorical one-hot rows", function()
  local c = nn.utils.to_categorical(nn.tensor{0, 2, 1}, 3)
  assert(same_shape(c, {3, 3}))
  local want = {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}}
  for i = 1, 3 do for j = 1, 3 do assert(c:get(i, j) == want[i][j]) end end
  assert(same_shape(nn.utils.to_categorical({1, 3}), {2, 4}))
  assert(same_shape(nn.utils.to_categorical(nn.tensor{3, 1}, {num_classes = 5}), {2, 5}))
  expect_error(function() nn.utils.to_categorical(nn.tensor{0, 10}, 10) end,
               "label 10 of sample 2 is out of range")
  expect_error(function() nn.utils.to_categorical(nn.tensor{0.5}, 2) end, "not an integer")
  expect_error(function() nn.utils.to_categorical(nn.tensor{1}, 0) end,
               "num_classes must be a positive integer")
end)

test("normalize divides by the L2 norm", function()
  local r = nn.utils.normalize(nn.tensor{{3, 4}, {0, 0}})
  near(r:get(1, 1), 0.6)
  near(r:get(1, 2), 0.8)
  assert(r:get(2, 1) == 0 and r:get(2, 2) == 0)
  local c = nn.utils.normalize(nn.tensor{{3, 1}, {4, 0}}, 1)   -- along the columns
  near(c:get(1, 1), 0.6)
  near(c:get(2, 1), 0.8)
  near(c:get(1, 2), 1)
  local o1 = nn.utils.normalize(nn.tensor{{1, 3}}, {order = 1})
  near(o1:get(1, 1), 0.25)
  expect_error(function() nn.utils.normalize(nn.tensor{{1}}, 0) end, "axes count from 1")
end)

test("train_test_split returns sklearn's four values, paired", function()
  local rows, labels = {}, {}
  for i = 1, 10 do rows[i] = {i, 10 * i}; labels[i] = i end
  local x, y = nn.tensor(rows), nn.tensor(labels)
  local xtr, xte, ytr, yte = nn.utils.train_test_split{x, y, test_size = 0.2, random_state = 42}
  assert(same_shape(xtr, {8, 2}) and same_shape(xte, {2, 2}))
  assert(same_shape(ytr, {8}) and same_shape(yte, {2}))
  for i = 1, 8 do assert(xtr:get(i, 1) == ytr:get(i) and xtr:get(i, 2) == 10 * ytr:get(i)) end
  for i = 1, 2 do assert(xte:get(i, 1) == yte:get(i)) end
  local seen = {}
  for i = 1, 8 do seen[ytr:get(i)] = true end
  for i = 1, 2 do assert(not seen[yte:get(i)]); seen[yte:get(i)] = true end
  for i = 1, 10 do assert(seen[i]) end
  local a = nn.utils.train_test_split{x, y, test_size = 0.2, seed = 42}
  assert((a - xtr):abs():max() == 0)
  -- Sizes: default 0.25 -> ceil(2.5) = 3; an integer is a count.
  local _, t25 = nn.utils.train_test_split{x}
  assert(#t25 == 3)
  local _, t4 = nn.utils.train_test_split{x, test_size = 4}
  assert(#t4 == 4)
  local _, nt = nn.utils.train_test_split{x, test_size = 0.3, shuffle = false}
  assert(nt:get(1, 1) == 8 and nt:get(3, 1) == 10)
  expect_error(function() nn.utils.train_test_split{x, y, test_sise = 0.2} end,
               "unknown option 'test_sise' (did you mean 'test_size'?)")
  expect_error(function() nn.utils.train_test_split{x, test_size = 1.0} end,
               "test_size=1.0 should be either positive")
  expect_error(function() nn.utils.train_test_split{x, nn.tensor{1, 2}} end,
               "inconsistent numbers of samples: [10, 2]")
  expect_error(function() nn.utils.train_test_split(x, y) end, "takes one table")
end)

test("train_test_split stratify keeps the class balance", function()
  -- 6 of class 0, 4 of class 1, test_size 0.5: 3 and 2 on each side.
  local y = nn.tensor{0, 1, 0, 0, 1, 0, 1, 0, 0, 1}
  local x = nn.tensor{{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}}
  local _, _, ytr, yte = nn.utils.train_test_split{x, y, test_size = 0.5, stratify = y,
                                                   random_state = 1}
  local a, b = count_labels(ytr, 2), count_labels(yte, 2)
  assert(a[0] == 3 and a[1] == 2 and b[0] == 3 and b[1] == 2)
  expect_error(function()
    nn.utils.train_test_split{x, y, stratify = nn.tensor{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}
  end, "least populated class")
end)

test("shuffle keeps rows of x and y together", function()
  local x = nn.tensor{{1, 10}, {2, 20}, {3, 30}, {4, 40}, {5, 50}, {6, 60}}
  local y = nn.tensor{1, 2, 3, 4, 5, 6}
  local xs, ys = nn.utils.shuffle(x, y, {seed = 7})
  local xs2 = nn.utils.shuffle(x, y, {random_state = 7})
  assert((xs - xs2):abs():max() == 0)
  local moved = false
  for i = 1, 6 do
    assert(xs:get(i, 1) == ys:get(i) and xs:get(i, 2) == 10 * ys:get(i))
    moved = moved or ys:get(i) ~= i
  end
  assert(moved)
  assert(ys:sum() == 21)
  expect_error(function() nn.utils.shuffle(x, y, {sed = 1}) end, "did you mean 'seed'")
end)

test("StandardScaler fit, transform, attributes", function()
  local x = nn.tensor{{1, 10}, {2, 10}, {3, 10}, {6, 10}}
  local s = nn.preprocessing.StandardScaler()
  assert(tostring(s) == "StandardScaler()")
  assert(s.mean_ == nil)
  expect_error(function() s:transform(x) end, "not fitted")
  local z = s:fit_transform(x)
  -- Column 1: mean 3, variance 14 / 4 = 3.5; column 2 constant: scale 1.
  near(s.mean_:get(1), 3)
  near(s.var_:get(1), 3.5)
  near(s.scale_:get(1), math.sqrt(3.5))
  assert(s.scale_:get(2) == 1 and s.n_features_in_ == 2 and s.n_samples_seen_ == 4)
  near(z:get(1, 1), -2 / math.sqrt(3.5))
  near(z:get(4, 1), 3 / math.sqrt(3.5))
  assert(z:get(3, 2) == 0)
  assert(s:fit(x) == s)
  near(s:inverse_transform(z):get(4, 1), 6)
  expect_error(function() s:transform(nn.tensor{{1, 2, 3}}) end,
               "x has 3 features per row, but the scaler was fitted on 2")
  expect_error(function() nn.preprocessing.StandardScaler{with_men = false} end,
               "did you mean 'with_mean'")
end)

test("from_csv reads features and labels", function()
  local dir = tmpdir()
  local path = dir .. "/flowers.csv"
  write(path, "a,b,species\n1,2,iris-b\n3.5,4,iris-a\n5,6,iris-b\n")
  local x, y, classes = nn.data.from_csv(path, {label = "species"})
  assert(same_shape(x, {3, 2}) and same_shape(y, {3}))
  near(x:get(2, 1), 3.5)
  assert(classes[1] == "iris-a" and classes[2] == "iris-b")
  assert(y:get(1) == 1 and y:get(2) == 0)
  write(path, "7;8;1\n9;10;0\n")
  local x2, y2 = nn.data.from_csv(path, {header = false, delimiter = ";", label_column = 3})
  assert(same_shape(x2, {2, 2}) and y2:get(1) == 1 and x2:get(2, 2) == 10)
  local only = nn.data.from_csv(path, {header = false, delimiter = ";"})
  assert(same_shape(only, {2, 3}))
  write(path, "a,b\n1,2\n3,oops\n")
  expect_error(function() nn.data.from_csv(path) end,
               "flowers.csv:3: column 2 ('b'): 'oops' is not a number")
  expect_error(function() nn.data.from_csv(path, {lable = "b"}) end, "did you mean 'label'")
  os.execute("rm -rf '" .. dir .. "'")
end)
