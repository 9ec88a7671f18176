-- tests/lua/api_fuzz.lua — every public Lua function, called with wrong arguments; run
-- by tests/lua/test_api_fuzz.lua in a child nnscope (so the prints of the functions it
-- calls stay out of the test log), one section at a time:
--   nnscope --headless tests/lua/api_fuzz.lua functions|methods|operators|collected
--
-- The functions are found, not listed: everything reachable from the `nn` and `viz`
-- tables (recursively), plus the methods of one object of each kind the API makes
-- (tensors, models, layers, optimizers, scalers, ...), so new functions are covered as
-- they land. Each is called with nil, numbers (0, negative, fractional, 2^31 + 2, huge, NaN,
-- +-inf, the integer extremes), strings, booleans, empty and odd tables, a function
-- that raises, tensors of the wrong shape and dtype, and objects of the wrong kind, in
-- each of its first three argument places, the other places nil, 1, a small matrix or a
-- small batch of images.
-- Methods are also called on a wrong `self`.
--
-- A call may return or raise a Lua error; anything else (a crash, a sanitizer report)
-- ends the process with a failure status. To see which call a crash came from, set
-- NNSCOPE_API_FUZZ_VERBOSE=1: each call is named on stderr before it is made.

-- Functions not called, and why. Keep this short: a function is skipped only when a
-- call blocks, takes long by design, or writes files outside /tmp.
local SKIP = {
  ["nn.datasets.fashion_mnist.load_data"] =
    "reads the 47 MB data set on each call; its arguments are tested in test_data.lua",
  ["timeit"] = "repeats its argument for half a second by design",
}

local verbose = os.getenv("NNSCOPE_API_FUZZ_VERBOSE")

------------------------------------------------------------------- the values

local function boom() error("raised by the fuzz test's callback") end

-- Fresh objects of every kind the API makes; built anew for each function under test,
-- so what one call does to an object cannot leak into the next function's calls.
local function objects()
  local o = {}
  o.tensor = nn.tensor{{1, 2}, {3, 4}}
  o.vector = nn.tensor{1, 2, 3}
  o.tensor4 = nn.zeros{1, 2, 2, 1}
  o.uint8 = nn.tensor({{1, 2}, {3, 4}}, "uint8")
  o.layer = nn.Dense{3}
  o.model = nn.Sequential{nn.Dense{2, input_dim = 2}}
  o.compiled = nn.Sequential{nn.Dense{2, activation = "softmax", input_dim = 2}}
  o.compiled:compile{optimizer = "sgd", loss = "categorical_crossentropy"}
  o.optimizer = nn.optimizers.SGD()
  o.loss = nn.losses.MeanSquaredError()
  o.scaler = nn.preprocessing.StandardScaler()
  o.regularizer = nn.regularizers.l2(0.01)
  o.input = nn.Input{shape = {2}}
  o.cnn = nn.Sequential{
    nn.Conv2D{2, 3, activation = "relu", padding = "same", input_shape = {6, 6, 1}},
    nn.BatchNormalization{}, nn.MaxPooling2D{2}, nn.Dropout{0.5}, nn.Flatten{},
    nn.Dense{2, activation = "softmax"},
  }
  o.cnn:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy"}
  local inp = nn.Input{shape = {4}}
  local a, b = nn.Dense{3}(inp), nn.Dense{3}(inp)
  o.functional = nn.Model{inputs = inp, outputs = nn.Dense{1}(nn.Concatenate{}{a, nn.Add{}{a, b}})}
  o.functional:compile{optimizer = "rmsprop", loss = "mse"}
  o.images = nn.rand{3, 6, 6, 1}
  return o
end

-- The wrong values, as {name, value} pairs. 2^31 + 2 is past INT_MAX even after
-- nn.arange(1, x) takes 1 off: a count of exactly INT_MAX is legal, and 8 GiB.
local function bad_values(o)
  return {
    {"nil", nil}, {"0", 0}, {"-1", -1}, {"0.5", 0.5}, {"2^31+2", 2^31 + 2}, {"1e300", 1e300},
    {"-1e300", -1e300}, {"nan", 0 / 0}, {"inf", math.huge}, {"-inf", -math.huge},
    {"maxinteger", math.maxinteger}, {"mininteger", math.mininteger},
    {"''", ""}, {"'relu'", "relu"}, {"'x'", "x"}, {"true", true}, {"{}", {}},
    {"{{}}", {{}}}, {"{1, {2}}", {1, {2}}}, {"{-1}", {-1}}, {"{2^31}", {2^31}},
    {"{x = 1}", {x = 1}}, {"function", boom},
    {"vector", o.vector}, {"tensor4", o.tensor4}, {"uint8", o.uint8},
    {"layer", o.layer}, {"model", o.model}, {"optimizer", o.optimizer},
    {"images", o.images}, {"cnn", o.cnn},
  }
end

------------------------------------------------------------ finding functions

-- "nn.utils.to_categorical" = function, for everything reachable from `root`.
local function collect(root, name, into, seen)
  seen = seen or {}
  if seen[root] then return into end
  seen[root] = true
  local keys = {}
  for k in pairs(root) do
    if type(k) == "string" then keys[#keys + 1] = k end
  end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local v = rawget(root, k)
    local path = name .. "." .. k
    if type(v) == "function" then
      into[#into + 1] = {path, v}
    elseif type(v) == "table" then
      collect(v, path, into, seen)
    end
  end
  return into
end

-- The method names an object answers with a function: its metatable's __methods (or
-- __index table), and for objects whose __index is a function, every method name
-- some other kind has plus a few of Keras's and sklearn's.
local probe_names = {"fit", "transform", "fit_transform", "inverse_transform", "get_config",
                     "get_weights", "set_weights", "step", "reset", "call", "build"}

local function methods_of(obj, known)
  local mt = getmetatable(obj)
  local names, found = {}, {}
  local function add(n)
    if type(n) == "string" and not found[n] then found[n] = true; names[#names + 1] = n end
  end
  if type(mt) == "table" then
    local t = rawget(mt, "__methods")
    if type(t) ~= "table" then t = rawget(mt, "__index") end
    if type(t) == "table" then for k in pairs(t) do add(k) end end
  end
  if type(obj) == "table" then for k in pairs(obj) do add(k) end end
  for n in pairs(known) do add(n) end
  for _, n in ipairs(probe_names) do add(n) end
  local out = {}
  for _, n in ipairs(names) do
    local ok, f = pcall(function() return obj[n] end)
    if ok and type(f) == "function" then out[#out + 1] = n end
  end
  table.sort(out)
  return out
end

--------------------------------------------------------------------- calling

local calls = 0

local function try(label, f, ...)
  calls = calls + 1
  if verbose then io.stderr:write(label, "\n") end
  local ok, err = pcall(f, ...)
  if not ok and type(err) ~= "string" and not (getmetatable(err) or {}).__tostring then
    error(label .. ": raised a " .. type(err) .. " instead of a message")
  end
  if calls % 200 == 0 then collectgarbage() end     -- run __gc of half-made objects often
end

-- Call fn with each bad value in places 1..3, the other places filled with `fill`.
-- `self_obj` (for methods) goes first, before the fuzzed places.
local function hammer(label, fn, self_obj, fresh)
  local o = fresh()
  local fills = {{"nil", nil}, {"1", 1}, {"tensor", o.tensor}, {"images", o.images}}
  for _, fill in ipairs(fills) do
    for place = 1, 3 do
      for _, bad in ipairs(bad_values(o)) do
        local args = {fill[2], fill[2], fill[2]}
        args[place] = bad[2]
        local text = string.format("%s(%s: place %d = %s)", label, fill[1], place, bad[1])
        if self_obj ~= nil then
          try(text, fn, self_obj, args[1], args[2], args[3])
        else
          try(text, fn, args[1], args[2], args[3])
        end
      end
    end
  end
end

----------------------------------------------------------------------- sections

local function section_functions()
  local fns = collect(viz, "viz", collect(nn, "nn", {}))
  assert(#fns > 40, "found only " .. #fns .. " functions")
  local n = 0
  for _, entry in ipairs(fns) do
    local name, fn = entry[1], entry[2]
    if not SKIP[name] then
      hammer(name, fn, nil, objects)
      n = n + 1
    end
  end
  return n
end

local function section_methods()
  local known = {}
  local sample = objects()
  for _, obj in pairs(sample) do
    local mt = getmetatable(obj)
    local t = type(mt) == "table" and (rawget(mt, "__methods") or rawget(mt, "__index"))
    if type(t) == "table" then for k in pairs(t) do known[k] = true end end
  end
  local kinds = {}
  for kind in pairs(sample) do kinds[#kinds + 1] = kind end
  table.sort(kinds)
  local n = 0
  for _, kind in ipairs(kinds) do
    for _, m in ipairs(methods_of(sample[kind], known)) do
      local label = kind .. ":" .. m
      if not SKIP[label] then
        n = n + 1
        local obj = objects()[kind]
        local fn = obj[m]
        hammer(label, fn, obj, objects)
        for _, bad in ipairs(bad_values(objects())) do      -- a wrong self
          try(label .. " on self = " .. bad[1], fn, bad[2])
        end
      end
    end
  end
  assert(n > 30, "found only " .. n .. " methods")
  return n
end

local function section_operators()
  local o = objects()
  local ops = {
    function(a, b) return a + b end, function(a, b) return a - b end,
    function(a, b) return a * b end, function(a, b) return a / b end,
    function(a, b) return a ^ b end, function(a, b) return a % b end,
    function(a, b) return a // b end, function(a, b) return a == b end,
    function(a, b) return a < b end, function(a, b) return a <= b end,
    function(a, b) return a .. b end, function(a) return -a end, function(a) return #a end,
    function(a, b) return a[b] end, function(a, b) a[b] = 1 end,
    function(a, b) a[1] = b end, function(a) return tostring(a) end,
    function(a, b) return a(b) end,
  }
  local kinds = {"tensor", "vector", "tensor4", "uint8", "model", "layer", "optimizer",
                 "scaler", "loss", "input", "cnn", "functional"}
  for _, kind in ipairs(kinds) do
    for i, op in ipairs(ops) do
      for _, bad in ipairs(bad_values(o)) do
        try(string.format("%s op %d %s", kind, i, bad[1]), op, o[kind], bad[2])
        try(string.format("%s op %d %s (swapped)", kind, i, bad[1]), op, bad[2], o[kind])
      end
    end
  end
  return #kinds
end

-- Objects whose __gc ran already (called by hand, as Lua code may: getmetatable(o).__gc(o))
-- must refuse further use with an error, never touch freed memory.
local function section_collected()
  local known = {}
  local sample = objects()
  for _, obj in pairs(sample) do
    local mt = getmetatable(obj)
    local t = type(mt) == "table" and (rawget(mt, "__methods") or rawget(mt, "__index"))
    if type(t) == "table" then for k in pairs(t) do known[k] = true end end
  end
  local kinds = {}
  for kind in pairs(sample) do kinds[#kinds + 1] = kind end
  table.sort(kinds)
  local n = 0
  for _, kind in ipairs(kinds) do
    local names = methods_of(sample[kind], known)
    local o = objects()
    local obj = o[kind]
    local mt = getmetatable(obj)
    local gc = type(mt) == "table" and rawget(mt, "__gc")
    if gc then
      n = n + 1
      try(kind .. ": __gc by hand", gc, obj)
      try(kind .. ": __gc twice", gc, obj)
      try(kind .. ": tostring after __gc", tostring, obj)
      for _, m in ipairs(names) do
        local ok, fn = pcall(function() return obj[m] end)
        if ok and type(fn) == "function" and not SKIP[kind .. ":" .. m] then
          try(kind .. ":" .. m .. " after __gc", fn, obj)
          try(kind .. ":" .. m .. " after __gc, on a matrix", fn, obj, o.tensor, o.tensor)
        end
        try(kind .. "." .. m .. " read after __gc", function() return obj[m] end)
        try(kind .. "." .. m .. " written after __gc", function() obj[m] = 1 end)
      end
      for _, other in ipairs({"model", "compiled", "cnn", "functional", "scaler"}) do
        for _, m in ipairs({"fit", "add", "compile", "predict", "evaluate", "transform"}) do
          local ok, fn = pcall(function() return o[other][m] end)
          if ok and type(fn) == "function" then
            try(other .. ":" .. m .. " given a collected " .. kind, fn, o[other], obj, obj)
          end
        end
      end
    end
  end
  collectgarbage()
  return n
end

local run = {functions = section_functions, methods = section_methods,
             operators = section_operators, collected = section_collected}
local which = arg and arg[1]
assert(run[which], "usage: nnscope --headless tests/lua/api_fuzz.lua " ..
       "functions|methods|operators|collected")
local n = run[which]()
collectgarbage()
io.stderr:write(string.format("api fuzz %s: %d calls on %d functions\n", which, calls, n))
