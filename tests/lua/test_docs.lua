-- tests/lua/test_docs.lua — help() knows every public function, table and method of
-- nn, every documented name still names something, and every documented example
-- runs as it stands, so the documentation cannot rot.

local registry = debug.getregistry()
local docs = assert(registry["nnscope.docs"], "the help registry is missing")

-- Internals a learner never calls, reachable from nn all the same.
local internal = {
  ["nn.__version"] = true,
}

-- Examples that read files the learner provides; they are not run here.
local needs_files = {
  ["nn.datasets.mnist.load_data"] = true,
  ["nn.datasets.cifar10.load_data"] = true,
  ["nn.data.from_csv"] = true,
  -- these write or read model files in the working directory
  ["Model:save"] = true,
  ["Model:save_weights"] = true,
  ["Model:load_weights"] = true,
  ["nn.models.load_model"] = true,
  ["nn.models.save_model"] = true,
}

-- The types whose methods are documented one by one: metatable name, prefix.
local types = {
  {"nn.Model", "Model"}, {"nn.Layer", "Layer"}, {"nn.Tensor", "Tensor"},
  {"nn.Optimizer", "Optimizer"},
}

local function entry_of(value)
  return docs.byobj[value]
end

-- Every function and table reachable from nn, and every function reachable from
-- viz (the module table itself is documented with the window's code), with its
-- path, sorted by path.
local function public_values()
  local found, seen = {}, {}
  local function walk(t, path)
    if seen[t] then return end
    seen[t] = true
    if t ~= viz then found[#found + 1] = {path = path, value = t} end
    for k, v in pairs(t) do
      local p = path .. "." .. tostring(k)
      if not internal[p] then
        if type(v) == "table" then
          walk(v, p)
        elseif type(v) == "function" then
          found[#found + 1] = {path = p, value = v}
        end
      end
    end
  end
  walk(nn, "nn")
  walk(viz, "viz")
  table.sort(found, function(a, b) return a.path < b.path end)
  return found
end

test("every function and table under nn, and every function of viz, has a help entry", function()
  local missing = {}
  local values = public_values()
  assert(#values > 80, "expected the whole of nn, found " .. #values .. " values")
  for _, v in ipairs(values) do
    if not entry_of(v.value) then missing[#missing + 1] = v.path end
  end
  assert(#missing == 0, "no help for: " .. table.concat(missing, ", "))
end)

test("every method of models, layers, tensors and optimizers has a help entry", function()
  local missing, count = {}, 0
  for _, t in ipairs(types) do
    local mt = assert(registry[t[1]], "no metatable " .. t[1])
    for name, fn in pairs(mt.__methods or {}) do
      count = count + 1
      if not entry_of(fn) then missing[#missing + 1] = t[2] .. ":" .. name end
    end
  end
  table.sort(missing)
  assert(count > 50, "expected the methods of every type, found " .. count)
  assert(#missing == 0, "no help for: " .. table.concat(missing, ", "))
end)

test("help(x) on objects shows their type's entry and methods", function()
  local model = nn.Sequential{nn.Dense{2, input_dim = 3}}
  local text = __help_text(model)
  assert(text:find("nn.Model{inputs", 1, true) and text:find("Methods:", 1, true), text)
  assert(__help_text(model.layers[1]):find("the type of layers", 1, true))
  assert(__help_text(nn.zeros{2}):find("the type of tensors", 1, true))
  assert(__help_text(nn.optimizers.Adam()):find("an optimizer", 1, true))
  assert(__help_text(nn.Input{shape = {2}}):find("symbolic tensor", 1, true))
  assert(__help_text("add_weight"):find("self:add_weight{shape", 1, true))
  assert(__help_text(model.fit):find("model:fit(x, y", 1, true))
  assert(__help_text(nn.layers.Dense) == __help_text(nn.Dense))
end)

test("every entry has a signature, a text of 1 to 4 lines and names something", function()
  local problems = {}
  for name, e in pairs(docs.byname) do
    if e.name == name then      -- skip the short-name aliases of the same entry
      local _, lines = (e.text or ""):gsub("\n", "")
      if not e.signature or not e.text or lines > 3 then
        problems[#problems + 1] = name .. " (signature or text missing, or text too long)"
      end
      -- a documented value must still exist; type entries name a metatable
      if e.object == nil and not registry[name] and name ~= "Layer:add_weight"
         and name:find("^nn") then
        problems[#problems + 1] = name .. " (names nothing)"
      end
    end
  end
  table.sort(problems)
  assert(#problems == 0, table.concat(problems, "; "))
end)

-- Run each example in a fresh environment of its own, quietly (help and timeit
-- write through io.write).
-- Examples of model methods may use `model`: a small compiled one is there.
local function run_example(name, code)
  local model = nn.Sequential{nn.Dense{2, activation = "softmax", input_dim = 3}}
  model:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy"}
  local env = setmetatable({print = function() end, model = model}, {__index = _G})
  local chunk, err = load(code, "=example of " .. name, "t", env)
  if not chunk then return false, err end
  local write = io.write
  io.write = function() end
  local ok, e = pcall(chunk)
  io.write = write
  return ok, e
end

test("every documented example runs", function()
  local failures, ran = {}, 0
  local names = {}
  for name, e in pairs(docs.byname) do
    if e.name == name and e.example and not needs_files[name] then
      names[#names + 1] = name
    end
  end
  table.sort(names)
  for _, name in ipairs(names) do
    local ok, err = run_example(name, docs.byname[name].example)
    ran = ran + 1
    if not ok then failures[#failures + 1] = name .. ": " .. tostring(err) end
  end
  assert(ran > 100, "expected over 100 examples, ran " .. ran)
  assert(#failures == 0, #failures .. " examples fail:\n" .. table.concat(failures, "\n"))
end)

test("the example runner does catch a broken example", function()
  assert(run_example("good", "local t = nn.zeros{2}"))
  assert(not run_example("bad", "local t = nn.zeroes{2}"))
  assert(not run_example("syntax", "local = 1"))
end)
