-- tests/lua/test_tensor.lua — the nn.Tensor type: constructors, methods, operators,
-- indexing, printing, errors and views. Every expected value is worked out by hand.

-- Deep comparison of nested tables of numbers, within tol (exact when tol is nil).
local function same(got, want, tol, where)
  where = where or "value"
  if type(want) == "table" then
    if type(got) ~= "table" then error(where .. ": expected a table, got " .. type(got), 3) end
    if #got ~= #want then
      error(string.format("%s: length %d, expected %d", where, #got, #want), 3)
    end
    for i = 1, #want do same(got[i], want[i], tol, where .. "[" .. i .. "]") end
  elseif tol then
    if type(got) ~= "number" or math.abs(got - want) > tol then
      error(string.format("%s: got %s, expected %s", where, tostring(got), tostring(want)), 3)
    end
  elseif got ~= want then
    error(string.format("%s: got %s, expected %s", where, tostring(got), tostring(want)), 3)
  end
end

-- The tensor's values as nested tables, compared with `want`.
local function values(t, want, tol) same(t:totable(), want, tol) end

-------------------------------------------------------------------- constructors

test("nn.tensor from nested tables", function()
  local t = nn.tensor{{1, 2}, {3, 4}}
  same(t:shape(), {2, 2})
  values(t, {{1, 2}, {3, 4}})
  assert(t:dtype() == "float32")
  assert(t:size() == 4 and t:numel() == 4 and #t == 2)
  local c = nn.tensor{{{1}, {2}}, {{3}, {4}}, {{5}, {6}}}
  same(c:shape(), {3, 2, 1})
  values(nn.tensor{0.5, -2}, {0.5, -2})
end)

test("nn.tensor of a number, of a tensor (a copy), of tensors (stacked)", function()
  local n = nn.tensor(5)
  same(n:shape(), {1})
  assert(n:item() == 5)
  local a = nn.tensor{1, 2, 3}
  local b = nn.tensor(a)
  b[1] = 10
  values(a, {1, 2, 3})        -- the copy does not share memory
  values(b, {10, 2, 3})
  local s = nn.tensor{nn.tensor{1, 2}, nn.tensor{3, 4}, nn.tensor{5, 6}}
  same(s:shape(), {3, 2})
  values(s, {{1, 2}, {3, 4}, {5, 6}})
end)

test("nn.tensor with dtype uint8", function()
  local u = nn.tensor({{0, 7}, {255, 12}}, "uint8")
  assert(u:dtype() == "uint8")
  values(u, {{0, 7}, {255, 12}})
  assert(math.type(u:totable()[2][1]) == "integer")
  local f = nn.tensor(u, "float32")
  assert(f:dtype() == "float32")
  values(f, {{0, 7}, {255, 12}})
  assert(nn.tensor(u):dtype() == "uint8")            -- a copy keeps the dtype
  local back = nn.tensor(nn.tensor{3, 200}, "uint8")
  assert(back:dtype() == "uint8")
  values(back, {3, 200})
end)

test("zeros, ones, full", function()
  local z = nn.zeros{2, 3}
  same(z:shape(), {2, 3})
  values(z, {{0, 0, 0}, {0, 0, 0}})
  values(nn.ones{3}, {1, 1, 1})
  values(nn.zeros(1, 2), {{0, 0}})                   -- the shape as integers works too
  values(nn.full({2, 2}, 7.5), {{7.5, 7.5}, {7.5, 7.5}})
  same(nn.ones{2, 1, 3, 1}:shape(), {2, 1, 3, 1})
end)

test("arange", function()
  values(nn.arange(5), {0, 1, 2, 3, 4})
  values(nn.arange(2, 5), {2, 3, 4})
  values(nn.arange(1, 2, 0.25), {1, 1.25, 1.5, 1.75})
  values(nn.arange(5, 0, -2), {5, 3, 1})
  values(nn.arange(0, 1, 0.3), {0, 0.3, 0.6, 0.9}, 1e-6)
end)

test("linspace", function()
  values(nn.linspace(0, 1, 5), {0, 0.25, 0.5, 0.75, 1})
  values(nn.linspace(-1, 1, 3), {-1, 0, 1})
  values(nn.linspace(2, 9, 1), {2})
  assert(nn.linspace(0, 1):size() == 50)             -- numpy's default count
  values(nn.linspace(0, 1, 4), {0, 1 / 3, 2 / 3, 1}, 1e-6)
end)

test("eye", function()
  values(nn.eye(3), {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
  values(nn.eye(2, 3), {{1, 0, 0}, {0, 1, 0}})
end)

test("rand and randn follow nn.utils.set_random_seed", function()
  nn.utils.set_random_seed(7)
  local a, na = nn.rand{4, 5}, nn.randn{6}
  nn.utils.set_random_seed(7)
  local b, nb = nn.rand{4, 5}, nn.randn{6}
  same(a:totable(), b:totable())
  same(na:totable(), nb:totable())
  nn.utils.set_random_seed(8)
  local c = nn.rand{4, 5}
  assert((a - c):abs():max() > 0, "another seed gives other numbers")
  same(a:shape(), {4, 5})
  assert(a:min() >= 0 and a:max() < 1)
end)

test("rand is uniform on [0, 1), randn standard normal", function()
  nn.utils.set_random_seed(42)
  local u = nn.rand{20000}
  near(u:mean(), 0.5, 0.01)                         -- sd of the mean: 0.29 / sqrt(20000)
  near(((u - 0.5) ^ 2):mean(), 1 / 12, 0.005)
  local n = nn.randn{20000}
  near(n:mean(), 0, 0.03)
  near((n ^ 2):mean(), 1, 0.05)
end)

test("set_random_seed makes new models repeat their weights", function()
  nn.utils.set_random_seed(3)
  local w1 = nn.Sequential{nn.layers.Dense{4, input_dim = 3}}:get_weights()[1]
  nn.utils.set_random_seed(3)
  local w2 = nn.Sequential{nn.layers.Dense{4, input_dim = 3}}:get_weights()[1]
  same(w1:totable(), w2:totable())
end)

------------------------------------------------------------------------ methods

test("shape, size, numel, dtype, #", function()
  local t = nn.zeros{60, 28, 28}
  same(t:shape(), {60, 28, 28})
  assert(t:size() == 47040 and t:numel() == 47040)
  assert(#t == 60 and #nn.zeros{5} == 5)
  assert(t:dtype() == "float32")
end)

test("reshape is a view, -1 is inferred", function()
  local t = nn.arange(6)
  local r = t:reshape{2, -1}
  same(r:shape(), {2, 3})
  values(r, {{0, 1, 2}, {3, 4, 5}})
  r:set(2, 1, 30)                                   -- like numpy: the original sees it
  values(t, {0, 1, 2, 30, 4, 5})
  local r2 = t:reshape(3, 2)                        -- integers instead of a table
  same(r2:shape(), {3, 2})
  assert(r2[2][2] == 30)
end)

test("flatten is a copy", function()
  local t = nn.tensor{{1, 2}, {3, 4}}
  local f = t:flatten()
  same(f:shape(), {4})
  values(f, {1, 2, 3, 4})
  f[1] = 9
  values(t, {{1, 2}, {3, 4}})
end)

test("slice takes rows first..last, a view", function()
  local t = nn.arange(10):reshape{5, 2}
  local s = t:slice(2, 3)
  values(s, {{2, 3}, {4, 5}})
  values(t:slice(4), {{6, 7}, {8, 9}})              -- to the end
  values(t:slice(-2, -1), {{6, 7}, {8, 9}})
  values(t:slice(1, 1), {{0, 1}})
  s[1] = 0                                          -- writes through to t
  values(t[2], {0, 0})
end)

test("matmul against a product worked by hand", function()
  local a = nn.tensor{{1, 2}, {3, 4}}
  local b = nn.tensor{{5, 6}, {7, 8}}
  values(a:matmul(b), {{19, 22}, {43, 50}})
  local c = nn.tensor{{1, 0, -1}, {2, 1, 0}}        -- (2, 3) x (3, 1)
  values(c:matmul({{1}, {2}, {3}}), {{-2}, {4}})
  values(nn.tensor{{1, 2, 3}}:matmul(nn.eye(3)), {{1, 2, 3}})
end)

test("transpose and .T", function()
  local t = nn.tensor{{1, 2, 3}, {4, 5, 6}}
  values(t:transpose(), {{1, 4}, {2, 5}, {3, 6}})
  values(t.T, {{1, 4}, {2, 5}, {3, 6}})
end)

test("sum, mean, max, min, with and without an axis", function()
  local t = nn.tensor{{1, 2, 3}, {4, 5, 6}}
  assert(t:sum() == 21 and math.type(t:sum()) == "float")
  assert(t:mean() == 3.5 and t:max() == 6 and t:min() == 1)
  values(t:sum(1), {5, 7, 9})
  values(t:sum(2), {6, 15})
  values(t:sum(-1), {6, 15})
  values(t:mean(1), {2.5, 3.5, 4.5})
  values(t:max(1), {4, 5, 6})
  values(t:min(2), {1, 4})
  local v = nn.tensor{3, -1, 2}
  assert(v:sum(1) == 4 and v:max(1) == 3)           -- rank 1 with an axis: a number
  local c = nn.arange(8):reshape{2, 2, 2}
  values(c:sum(2), {{2, 4}, {10, 12}})
  local u = nn.tensor({200, 100, 50}, "uint8")
  assert(u:sum() == 350 and u:mean() == 350 / 3)    -- no uint8 overflow
end)

test("max and min propagate NaN as numpy does", function()
  local t = nn.tensor{1, 0 / 0, 3}
  assert(t:max() ~= t:max() and t:min() ~= t:min())
  local m = nn.tensor{{1, 0 / 0}, {2, 3}}:max(2)
  local r = m:totable()
  assert(r[1] ~= r[1] and r[2] == 3)
end)

test("argmax along the last axis, 0-based", function()
  local t = nn.tensor{{1, 5, 2}, {7, 0, 7}, {-3, -1, -2}}
  local a = t:argmax()
  assert(a:dtype() == "float32")
  values(a, {1, 0, 1})                              -- ties: the first
  local v = nn.tensor{3, 9, 2}:argmax()
  assert(v == 1 and math.type(v) == "integer")
  local c = nn.tensor{{{1, 2}, {4, 3}}, {{0, 0}, {5, 6}}}
  values(c:argmax(), {{1, 0}, {0, 1}})
end)

test("elementwise functions", function()
  local t = nn.tensor{-4, 1, 0}
  values(t:abs(), {4, 1, 0})
  values(nn.tensor{0, 1, 2}:exp(), {1, math.exp(1), math.exp(2)}, 1e-5)
  values(nn.tensor{1, math.exp(1), 100}:log(), {0, 1, math.log(100)}, 1e-5)
  values(nn.tensor{4, 9, 2}:sqrt(), {2, 3, math.sqrt(2)}, 1e-6)
  values(t:square(), {16, 1, 0})
  values(t:relu(), {0, 1, 0})
  values(nn.tensor{0}:sigmoid(), {0.5})
  values(nn.tensor{0, 1}:tanh(), {0, math.tanh(1)}, 1e-6)
  local l = nn.tensor{-1, 0}:log():totable()
  assert(l[1] ~= l[1] and l[2] == -math.huge)
end)

test("clone and float copy", function()
  local t = nn.tensor{1, 2}
  local c = t:clone()
  c[1] = 5
  values(t, {1, 2})
  local u = nn.tensor({1, 250}, "uint8")
  assert(u:clone():dtype() == "uint8")
  local f = u:float()
  assert(f:dtype() == "float32")
  values(f, {1, 250})
end)

test("totable, item, get, set, fill", function()
  local t = nn.tensor{{1, 2, 3}, {4, 5, 6}}
  same(t:totable(), {{1, 2, 3}, {4, 5, 6}})
  assert(nn.tensor{{2.5}}:item() == 2.5)
  assert(t:get(2, 3) == 6 and t:get(-1, 1) == 4)
  values(t:get(1), {1, 2, 3})
  t:set(1, 2, 20)
  assert(t:get(1, 2) == 20)
  t:set(2, {7, 8, 9})
  values(t, {{1, 20, 3}, {7, 8, 9}})
  t:set(2, 0)
  values(t[2], {0, 0, 0})
  assert(t:set(1, 1, -1) == t)                      -- set returns the tensor
  values(t:fill(3), {{3, 3, 3}, {3, 3, 3}})
end)

test("comparisons give 0 and 1", function()
  local a = nn.tensor{1, 2, 3}
  values(a:eq(2), {0, 1, 0})
  values(a:ne(2), {1, 0, 1})
  values(a:lt(2), {1, 0, 0})
  values(a:le(2), {1, 1, 0})
  values(a:gt({3, 1, 1}), {0, 1, 1})
  values(a:ge(nn.tensor{1, 3, 3}), {1, 0, 1})
  local pred = nn.tensor{{0.1, 0.9}, {0.8, 0.2}, {0.3, 0.7}}
  near(pred:argmax():eq({1, 0, 0}):mean(), 2 / 3)   -- an accuracy, the usual way
end)

test("gather copies rows by 1-based index", function()
  local t = nn.tensor{{1, 2}, {3, 4}, {5, 6}}
  local g = t:gather{3, 1, 3}
  values(g, {{5, 6}, {1, 2}, {5, 6}})
  values(t:gather(nn.tensor{2}), {{3, 4}})
  values(t:gather{-1}, {{5, 6}})
  g[1] = 0
  values(t[3], {5, 6})
  local u = nn.tensor({{1}, {2}}, "uint8"):gather{2}
  assert(u:dtype() == "uint8")
end)

test("concatenate along an axis", function()
  local a, b = nn.tensor{{1, 2}}, nn.tensor{{3, 4}, {5, 6}}
  values(nn.concatenate{a, b}, {{1, 2}, {3, 4}, {5, 6}})
  values(nn.concatenate({b, {{7}, {8}}}, 2), {{3, 4, 7}, {5, 6, 8}})
  values(nn.concatenate({b, b}, -1), {{3, 4, 3, 4}, {5, 6, 5, 6}})
  local u = nn.tensor({1}, "uint8")
  assert(nn.concatenate{u, u}:dtype() == "uint8")
  assert(nn.concatenate{u, nn.tensor{2}}:dtype() == "float32")
end)

test("maximum and minimum", function()
  values(nn.maximum(nn.tensor{1, 5, 3}, 2), {2, 5, 3})
  values(nn.minimum(nn.tensor{1, 5}, nn.tensor{{0}, {4}}), {{0, 0}, {1, 4}})
end)

---------------------------------------------------------------------- operators

test("arithmetic with numbers on either side", function()
  local t = nn.tensor{1, 2, 4}
  values(t + 1, {2, 3, 5})
  values(1 + t, {2, 3, 5})
  values(t - 1, {0, 1, 3})
  values(10 - t, {9, 8, 6})
  values(t * 3, {3, 6, 12})
  values(3 * t, {3, 6, 12})
  values(t / 2, {0.5, 1, 2})
  values(8 / t, {8, 4, 2})
  values(t ^ 2, {1, 4, 16})
  values(2 ^ t, {2, 4, 16})
  values(-t, {-1, -2, -4})
  values(t / 0, {math.huge, math.huge, math.huge})
end)

test("arithmetic between tensors broadcasts like numpy", function()
  local m = nn.tensor{{1, 2, 3}, {4, 5, 6}}
  values(m + m, {{2, 4, 6}, {8, 10, 12}})
  values(m - nn.tensor{1, 1, 1}, {{0, 1, 2}, {3, 4, 5}})       -- a row
  values(m * nn.tensor{{2}, {10}}, {{2, 4, 6}, {40, 50, 60}}) -- a column
  values(nn.tensor{{1}, {2}} + nn.tensor{10, 20, 30}, {{11, 21, 31}, {12, 22, 32}})
  values(m / {1, 2, 3}, {{1, 1, 1}, {4, 2.5, 2}})              -- a table counts as a tensor
  values({10, 10, 10} - m, {{9, 8, 7}, {6, 5, 4}})
  values(m ^ nn.tensor{2}, {{1, 4, 9}, {16, 25, 36}})
  local c = nn.arange(8):reshape{2, 2, 2} + nn.tensor{{100}, {200}}
  values(c, {{{100, 101}, {202, 203}}, {{104, 105}, {206, 207}}})
end)

test("uint8 images divided by 255 give float32 in one step", function()
  local x = nn.tensor({{0, 51, 255}, {102, 204, 255}}, "uint8")
  local f = x:reshape{3, 2} / 255
  assert(f:dtype() == "float32")
  values(f, {{0, 0.2}, {1, 0.4}, {0.8, 1}}, 1e-7)
  assert(x:dtype() == "uint8")
  same((x + 1):totable()[1], {1, 52, 256})          -- no uint8 wrap-around
end)

test("== is identity", function()
  local a = nn.tensor{1}
  assert(a == a and a ~= nn.tensor{1})
end)

----------------------------------------------------------------------- indexing

test("t[i] is a row view for rank 2 and more, a number for rank 1", function()
  local t = nn.tensor{{1, 2}, {3, 4}, {5, 6}}
  local row = t[2]
  same(row:shape(), {2})
  values(row, {3, 4})
  assert(t[2][1] == 3 and t[-1][2] == 6 and t[1][-1] == 2)
  row[1] = 30                                       -- the view writes into t
  assert(t:get(2, 1) == 30)
  local c = nn.arange(8):reshape{2, 2, 2}
  values(c[2], {{4, 5}, {6, 7}})
  values(c[2][1], {4, 5})
  local v = nn.tensor{7, 8}
  assert(v[1] == 7 and math.type(v[1]) == "float")
end)

test("t[i] = v sets an element or a row", function()
  local v = nn.tensor{1, 2, 3}
  v[2] = 20
  v[-1] = 30
  values(v, {1, 20, 30})
  local m = nn.zeros{2, 3}
  m[1] = 5
  m[2] = {1, 2, 3}
  values(m, {{5, 5, 5}, {1, 2, 3}})
  m[2] = nn.tensor{9}                               -- broadcast into the row
  values(m, {{5, 5, 5}, {9, 9, 9}})
  m[1][3] = -1
  assert(m:get(1, 3) == -1)
end)

test("a view keeps its memory after the original is gone", function()
  local v
  do
    local t = nn.arange(4):reshape{2, 2}
    v = t[2]
    t = nil
  end
  collectgarbage()
  collectgarbage()
  values(v, {2, 3})
end)

test("__close frees early and later use is an error", function()
  local view
  do
    local t <close> = nn.tensor{{1, 2}, {3, 4}}
    view = t:reshape{4}
  end
  values(view, {1, 2, 3, 4})
  local u = nn.tensor{1}
  getmetatable(u).__close(u)
  expect_error(function() return u + 1 end, "the tensor was closed")
  expect_error(function() return u:sum() end, "the tensor was closed")
  assert(tostring(u) == "tensor(closed)")
end)

----------------------------------------------------------------------- printing

test("printing small tensors", function()
  assert(tostring(nn.tensor{{1, 2}, {3, 4}}) ==
         "tensor([[1., 2.],\n        [3., 4.]], shape=(2, 2))")
  assert(tostring(nn.tensor{{1.5, 2}, {3, 4}}) ==
         "tensor([[1.5, 2.0],\n        [3.0, 4.0]], shape=(2, 2))")
  assert(tostring(nn.tensor{0.5, -1.25}) == "tensor([ 0.50, -1.25], shape=(2,))")
  assert(tostring(nn.tensor{7}) == "tensor([7.], shape=(1,))")
  assert(tostring(nn.tensor{0.1, 0.2, 0.3}) == "tensor([0.1, 0.2, 0.3], shape=(3,))")
  assert(tostring(nn.tensor{-0.5}) == "tensor([-0.5], shape=(1,))")
end)

test("printing keeps four significant digits", function()
  assert(tostring(nn.tensor{3.14159265}) == "tensor([3.142], shape=(1,))")
  assert(tostring(nn.tensor{123.456}) == "tensor([123.5], shape=(1,))")
  assert(tostring(nn.tensor{0.0123456, 0.02}) == "tensor([0.01235, 0.02000], shape=(2,))")
  assert(tostring(nn.tensor{2 / 3, 1}) == "tensor([0.667, 1.000], shape=(2,))")
end)

test("printing switches to scientific notation", function()
  assert(tostring(nn.tensor{0.0001, 1}) == "tensor([1.0e-04, 1.0e+00], shape=(2,))")
  assert(tostring(nn.tensor{0.000123456}) == "tensor([1.235e-04], shape=(1,))")
  assert(tostring(nn.tensor{123456.7}) == "tensor([1.235e+05], shape=(1,))")
  assert(tostring(nn.tensor{0.001, 2.5}) == "tensor([1.0e-03, 2.5e+00], shape=(2,))")
end)

test("printing uint8, nan and inf", function()
  assert(tostring(nn.tensor({{0, 7}, {255, 12}}, "uint8")) ==
         "tensor([[  0,   7],\n        [255,  12]], shape=(2, 2), dtype=uint8)")
  assert(tostring(nn.tensor{0 / 0, 1 / 0, -1 / 0, 2.5}) ==
         "tensor([ nan,  inf, -inf,  2.5], shape=(4,))")
end)

test("printing rank 3 separates blocks with a blank line", function()
  assert(tostring(nn.arange(8):reshape{2, 2, 2}) ==
         "tensor([[[0., 1.],\n" ..
         "         [2., 3.]],\n" ..
         "\n" ..
         "        [[4., 5.],\n" ..
         "         [6., 7.]]], shape=(2, 2, 2))")
end)

test("printing wraps long rows at 75 columns", function()
  local s = tostring(nn.arange(30))
  assert(s == "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n" ..
              "        13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,\n" ..
              "        26., 27., 28., 29.], shape=(30,))", s)
  for line in s:gmatch("[^\n]+") do assert(#line <= 75 or line:find("shape=")) end
end)

test("printing abbreviates above 1000 elements", function()
  assert(tostring(nn.arange(2000)) ==
         "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.], shape=(2000,))")
  local row = "[0., 0., 0., ..., 0., 0., 0.]"
  assert(tostring(nn.zeros{100, 100}) ==
         "tensor([" .. row .. ",\n" ..
         "        " .. row .. ",\n" ..
         "        " .. row .. ",\n" ..
         "        ...,\n" ..
         "        " .. row .. ",\n" ..
         "        " .. row .. ",\n" ..
         "        " .. row .. "], shape=(100, 100))")
  assert(not tostring(nn.arange(1000)):find("...", 1, true))
  assert(tostring(nn.arange(1001)):find("...", 1, true))
  local big = tostring(nn.zeros{60000, 28, 28})
  assert(#big < 2000 and big:find("shape=(60000, 28, 28)", 1, true))
end)

------------------------------------------------------------------------- errors

test("wrong types name the argument and the function", function()
  local t = nn.zeros{2, 3}
  expect_error(function() t:reshape("a") end, "bad argument #1 to 'reshape'")
  expect_error(function() t:reshape{2.5, 2} end,
               "bad argument #1 to 'reshape' (shape entry 1 must be a whole number, got 2.5)")
  expect_error(function() nn.zeros{} end, "bad argument #1 to 'zeros' (a shape has 1 to 4")
  expect_error(function() nn.zeros{1, 2, 3, 4, 5} end, "a shape has 1 to 4 dimensions, got 5")
  expect_error(function() nn.zeros{"a"} end, "shape entry 1 must be a whole number, got string")
  expect_error(function() nn.full(3, 1) end, "bad argument #1 to 'full' (table expected")
  expect_error(function() nn.tensor("x") end, "bad argument #1 to 'tensor'")
  expect_error(function() nn.tensor({1}, "int8") end, "bad argument #2 to 'tensor'")
  expect_error(function() t:sum(3) end, "bad argument #1 to 'sum' (axis 3 is out of range")
  expect_error(function() t:sum(0) end, "axis 0 is out of range")
  expect_error(function() t.matmul(5, t) end, "nn.Tensor expected, got number")
  expect_error(function() return t + "x" end, "operand of '+': expected a tensor")
  expect_error(function() return t * true end, "got boolean")
  expect_error(function() t:gather{1.5} end, "row indices must be whole numbers")
  expect_error(function() nn.concatenate{t, "x"} end,
               "entry 2 of argument #1 to 'concatenate'")
end)

test("bad nested tables say where", function()
  expect_error(function() nn.tensor{{1, 2}, {3}} end,
               "ragged nested table: [2] has length 1 where [1] has length 2")
  expect_error(function() nn.tensor{{{1, 2}}, {{3, 4}, {5, 6}}} end, "[2] has length 2")
  expect_error(function() nn.tensor{{1, 2}, {3, "x"}} end,
               "expected a number at [2][2], got string")
  expect_error(function() nn.tensor{{1, 2}, 3} end, "expected a table at [2], got number")
  expect_error(function() nn.tensor{} end, "the table is empty")
  expect_error(function() nn.tensor{{}} end, "the table at [1] is empty")
  expect_error(function() nn.tensor{{{{{1}}}}} end, "nested more than 4 deep")
  expect_error(function() nn.tensor({1, 300}, "uint8") end,
               "at [2]: a uint8 tensor holds whole numbers 0..255, not 300")
  expect_error(function() nn.tensor{nn.zeros{2}, nn.zeros{3}} end,
               "the tensor at [2] has shape (3,) where shape (2,) fits")
  expect_error(function() return nn.zeros{2} + {{1, 2}, {3}} end, "operand of '+': ragged")
end)

test("shape errors come from the core and name the shapes", function()
  local t = nn.zeros{2, 3}
  expect_error(function() t:reshape{4, 4} end,
               "cannot reshape a tensor of shape (2, 3) (6 values) into shape (4, 4)")
  expect_error(function() t:reshape{-1, -1} end, "dimension 2 must be positive")
  expect_error(function() return t + nn.zeros{4} end,
               "could not be broadcast together with shapes (2, 3) and (4,)")
  expect_error(function() t:matmul(t) end, "matmul: shapes (2, 3) and (2, 3) are not aligned")
  expect_error(function() t[1] = nn.zeros{2} end,
               "could not broadcast a tensor of shape (2,) into one of shape (3,)")
  expect_error(function() nn.concatenate{t, nn.zeros{2, 4}} end,
               "tensor 2 has shape (2, 4), which does not fit tensor 1's (2, 3)")
  expect_error(function() nn.zeros{2, 2, 2}:transpose() end, "needs a 2-D tensor")
  expect_error(function() t:item() end, "only a tensor of one element")
end)

test("indices out of range", function()
  local t = nn.zeros{2, 3}
  expect_error(function() return t[3] end, "index 3 is out of range for axis 1 of size 2")
  expect_error(function() return t[0] end, "index 0 is out of range")
  expect_error(function() return t[-3] end, "index -3 is out of range")
  expect_error(function() return t[1.5] end, "a tensor index must be a whole number")
  expect_error(function() t:get(1, 4) end, "index 4 is out of range for axis 2 of size 3")
  expect_error(function() t:get(1, 1, 1) end, "3 indices for a 2-D tensor")
  expect_error(function() t:slice(1, 5) end, "index 5 is out of range")
  expect_error(function() t:slice(2, 1) end, "the last row (1) comes before the first (2)")
  expect_error(function() t:gather{1, 4} end, "index 4 is out of range")
  expect_error(function() t.foo = 1 end, "a tensor has no field 'foo' to set")
  expect_error(function() nn.zeros{2}[1] = "x" end, "can only be set to a number")
  expect_error(function() t:set(1, 2, "x") end, "can only be set to a number")
  expect_error(function() nn.tensor({1}, "uint8")[1] = -1 end, "whole numbers 0..255")
end)

test("sizes a user may type do not crash", function()
  expect_error(function() nn.zeros{0} end, "dimension 1 of a tensor must be positive, not 0")
  expect_error(function() nn.zeros{-1} end, "must be positive, not -1")
  expect_error(function() nn.ones{1e9, 1e9, 1e9} end, "the size overflows")
  expect_error(function() nn.zeros{2^40} end, "is too large")
  expect_error(function() nn.rand{2, -3} end, "dimension 2 of a tensor must be positive")
  expect_error(function() nn.eye(-2) end, "must be positive")
  expect_error(function() nn.arange(0) end, "arange: no values")
  expect_error(function() nn.arange(1, 2, 0) end, "step non-zero")
  expect_error(function() nn.arange(0 / 0) end, "must be finite")
  expect_error(function() nn.arange(1e12) end, "too many")
  expect_error(function() nn.linspace(0, 1, 0) end, "at least 1 value")
  expect_error(function() nn.concatenate{} end, "bad argument #1 to 'concatenate'")
  expect_error(function() nn.zeros{3}:reshape{0, -1} end, "must be positive")
  local s = tostring(nn.tensor{0 / 0} + 1)
  assert(s == "tensor([nan], shape=(1,))", s)
end)
