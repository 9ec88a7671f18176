-- tests/lua/test_repl.lua — the REPL's helpers seen from Lua: completion
-- (__complete), pretty printing (__show), help and its registry (__help_text,
-- __doc, help), and timeit. Plain Lua only: no tensors or models needed.

local function has(list, item)
  for _, v in ipairs(list) do
    if v == item then return true end
  end
  return false
end

local function same_list(got, want)
  local a, b = table.concat(got, ","), table.concat(want, ",")
  if a ~= b then error("expected {" .. b .. "}, got {" .. a .. "}", 2) end
end

local function contains(text, piece)
  if not text:find(piece, 1, true) then
    error("expected the text to contain '" .. piece .. "', got:\n" .. text, 2)
  end
end

-- Capture what fn writes through io.write (help and timeit print that way).
local function captured(fn)
  local parts, write = {}, io.write
  io.write = function(...)
    for i = 1, select("#", ...) do parts[#parts + 1] = tostring(select(i, ...)) end
  end
  local ok, err = pcall(fn)
  io.write = write
  if not ok then error(err, 2) end
  return table.concat(parts)
end

------------------------------------------------------------------ completion

test("completion: globals and keywords", function()
  same_list(__complete("pri"), {"print"})
  assert(has(__complete("whi"), "while"))
  local c, start = __complete("x = tostr")
  same_list(c, {"tostring"})
  assert(start == 5, "word starts at byte 5, got " .. tostring(start))
end)

test("completion: table fields after a dot", function()
  local c, start = __complete("string.fo")
  same_list(c, {"string.format"})
  assert(start == 1)
  completion_t = {alpha = 1, alpine = 2, beta = 3, [1] = "x", ["not a name"] = 4}
  same_list(__complete("completion_t.al"), {"completion_t.alpha", "completion_t.alpine"})
  same_list(__complete("completion_t."),
            {"completion_t.alpha", "completion_t.alpine", "completion_t.beta"})
  completion_t = nil
end)

test("completion: nested paths and the cursor", function()
  completion_a = {b = {cat = 1, cow = 2}}
  same_list(__complete("completion_a.b.c"), {"completion_a.b.cat", "completion_a.b.cow"})
  -- cursor after "completion_a.b.c" in a longer line
  local line = "print(completion_a.b.c) -- done"
  local c, start = __complete(line, #"print(completion_a.b.c")
  same_list(c, {"completion_a.b.cat", "completion_a.b.cow"})
  assert(start == 7, "start " .. tostring(start))
  completion_a = nil
end)

test("completion: methods through __index tables, only functions after ':'", function()
  local base = {evaluate = function() end, fit = function() end, epochs = 3}
  local class = setmetatable({fill = function() end}, {__index = base})
  model_c = setmetatable({own = 1}, {__index = class})
  same_list(__complete("model_c:fi"), {"model_c:fill", "model_c:fit"})
  same_list(__complete("model_c:e"), {"model_c:evaluate"})   -- epochs is a number
  assert(has(__complete("model_c.e"), "model_c.epochs"))
  assert(has(__complete("model_c.o"), "model_c.own"))
  model_c = nil
end)

test("completion: __methods tables (C objects with a function __index)", function()
  local mt = {__index = function() return nil end,
              __methods = {fit = function() end, summary = function() end}}
  obj_c = setmetatable({}, mt)
  same_list(__complete("obj_c:fi"), {"obj_c:fit"})
  same_list(__complete("obj_c:s"), {"obj_c:summary"})
  obj_c = nil
end)

test("completion: string methods", function()
  str_c = "abc"
  same_list(__complete("str_c:upp"), {"str_c:upper"})
  str_c = nil
end)

test("completion: nothing inside strings, comments, numbers", function()
  same_list(__complete("x = 'pri"), {})
  same_list(__complete("x = 1 -- pri"), {})
  same_list(__complete("x = 1.5"), {})
  same_list(__complete("x = unknown_table_zz."), {})
end)

test("completion: after a concatenation", function()
  local c, start = __complete("s = x..pri")
  same_list(c, {"print"})
  assert(start == 8, "start " .. tostring(start))
end)

test("completion: hidden names only when asked for", function()
  for _, v in ipairs(__complete("")) do
    assert(v:sub(1, 2) ~= "__", "hidden name offered: " .. v)
  end
  assert(has(__complete("__com"), "__complete"))
end)

test("completion: the nn module", function()
  assert(has(__complete("n"), "nn"))
  for _, v in ipairs(__complete("nn.")) do
    assert(v:match("^nn%.[%a_][%w_]*$"), "odd candidate " .. v)
  end
end)

test("completion: bad cursor is an error", function()
  expect_error(function() __complete("abc", 10) end, "cursor outside the line")
end)

---------------------------------------------------------------- pretty print

test("show: lists", function()
  assert(__show({1, 2, 3}) == "{1, 2, 3}", __show({1, 2, 3}))
  assert(__show({}) == "{}")
  local t = {}
  for i = 1, 100 do t[i] = i end
  local s = __show(t)
  assert(s == "{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... (100 items)}", s)
end)

test("show: keys sorted, strings quoted", function()
  local s = __show({b = "x", a = 1, c = true})
  assert(s == '{a = 1, b = "x", c = true}', s)
  s = __show({"one", 2, name = "n"})
  assert(s == '{"one", 2, name = "n"}', s)
  s = __show({[10] = 1, [2.5] = 2, ["a b"] = 3, ["end"] = 4, z = 5})
  assert(s == '{[2.5] = 2, [10] = 1, ["a b"] = 3, ["end"] = 4, z = 5}', s)
  s = __show({'say "hi"\n'})
  assert(s == '{"say \\"hi\\"\\n"}', s)
end)

test("show: one level of nesting, then {...}", function()
  local s = __show({a = {1, 2}, b = {c = {d = 1}}, e = {}})
  assert(s == "{a = {1, 2}, b = {c = {...}}, e = {}}", s)
end)

test("show: many keys are cut with a count", function()
  local t = {}
  for i = 1, 25 do t[string.format("k%02d", i)] = i end
  local s = __show(t)
  assert(s:sub(1, 22) == "{k01 = 1, k02 = 2, k03", s)
  assert(s:find("k20 = 20, ... (5 more)}", 1, true), s)
  assert(not s:find("k21", 1, true), s)
end)

test("show: functions, __tostring, long strings", function()
  local obj = setmetatable({}, {__tostring = function() return "Obj(3 units)" end})
  assert(__show(obj) == "Obj(3 units)")
  local s = __show({f = print, o = obj})
  assert(s == "{f = <function>, o = Obj(3 units)}", s)
  local multi = setmetatable({}, {__tostring = function() return "line one\nline two" end})
  s = __show({multi})
  assert(s == "{line one ...}", s)
  s = __show({string.rep("x", 100)})
  assert(s == '{"' .. string.rep("x", 60) .. '..."}', s)
end)

test("show: values that are not tables print as tostring does", function()
  assert(__show("plain text") == "plain text")
  assert(__show(42) == "42")
  assert(__show(1.5) == "1.5")
  assert(__show(nil) == "nil")
  assert(__show(false) == "false")
end)

test("show: tensors inside a table print as one line", function()
  local s = __show({nn.zeros{2, 3}, b = nn.zeros{4}})
  assert(s == "{tensor(shape=(2, 3), dtype=float32), b = tensor(shape=(4,), dtype=float32)}", s)
  assert(__show(nn.zeros{2, 3}) == tostring(nn.zeros{2, 3}))   -- alone: its own tostring
end)

test("show: a table that refers to itself", function()
  local t = {name = "loop"}
  t.self = t
  local s = __show(t)
  assert(s == '{name = "loop", self = {name = "loop", self = {...}}}', s)
end)

------------------------------------------------------------------------ help

test("help: the tour and the topic list", function()
  local tour = __help_text()
  contains(tour, "nn.datasets.fashion_mnist.load_data()")
  contains(tour, "model:compile")
  contains(tour, "model:fit")
  contains(tour, "viz.show")
  contains(tour, "--lesson")
  contains(tour, "backprop")
  -- help() prints the same text through io.write
  assert(captured(function() help() end) == tour)
end)

test("help: at least 8 topics, each with its own text", function()
  local list = __help_text("topics")
  local n = 0
  for name in list:gmatch("\n  ([%w_]+) ") do
    n = n + 1
    local text = __help_text(name)
    assert(text:sub(1, #name + 1) == name .. ":", "topic " .. name .. " starts with " ..
           text:sub(1, 40))
    assert(#text > 200, "topic " .. name .. " is too short")
  end
  assert(n >= 8, "only " .. n .. " topics")
end)

test("help: topics say what Keras does", function()
  contains(__help_text("adam"), "learning_rate = 0.001, beta_1 = 0.9, beta_2 = 0.999")
  contains(__help_text("adam"), "epsilon = 1e-7")
  contains(__help_text("sgd"), "learning_rate = 0.01")
  contains(__help_text("validation_split"), "LAST 10%")
  contains(__help_text("softmax"), "p - y")
  contains(__help_text("backprop"), "dW = x^T dz")
  contains(__help_text("Backpropagation"), "chain")    -- alias, any case
end)

test("help: registered documentation by object, name and short name", function()
  local function go() end
  __doc(go, {name = "Thing:go_far", signature = "thing:go_far(n [, opts])",
             text = "Goes far.\nVery far.", example = "thing:go_far(3)"})
  local t = __help_text(go)
  contains(t, "thing:go_far(n [, opts])")
  contains(t, "  Goes far.\n  Very far.")
  contains(t, "Example:\n  thing:go_far(3)")
  assert(__help_text("Thing:go_far") == t)
  assert(__help_text("go_far") == t)
  assert(__help_text("GO_FAR") == t)                  -- case does not matter
  assert(captured(function() help(go) end) == t)
end)

test("help: a documented table lists its fields with their summaries", function()
  local mod = {run = function() end, size = 3}
  __doc(mod.run, {name = "testmod.run", signature = "testmod.run(x)", text = "Runs x."})
  __doc(mod, {name = "testmod", text = "A test module."})
  local t = __help_text(mod)
  contains(t, "A test module.")
  contains(t, "Fields:")
  contains(t, "run                      testmod.run(x)")
  contains(t, "size                     number")
end)

test("help: objects documented by their metatable's __name", function()
  local obj = setmetatable({}, {__name = "test.Widget", __index = {spin = function() end}})
  __doc(nil, {name = "test.Widget", text = "A widget that spins."})
  contains(__help_text(obj), "A widget that spins.")
end)

test("help: an undocumented method names the types that have it", function()
  local reg = debug.getregistry()
  reg["test.Gadget"] = {__name = "test.Gadget", __index = {whirl_zz = function() end}}
  reg["test.Gizmo"] = {__name = "test.Gizmo", __methods = {whirl_zz = function() end}}
  local t = __help_text("whirl_zz")
  assert(t == "whirl_zz: a method of test.Gadget, test.Gizmo objects (obj:whirl_zz(...)), " ..
         "not documented yet.\n" or
         t == "whirl_zz: a method of test.Gizmo, test.Gadget objects (obj:whirl_zz(...)), " ..
         "not documented yet.\n", t)
  contains(__help_text("Gizmo:whirl_zz"), "a method of test.Gizmo objects")
  contains(__help_text("Other:whirl_zz"), "No help for 'Other:whirl_zz'")
  reg["test.Gadget"], reg["test.Gizmo"] = nil, nil
end)

test("help: undocumented values are described", function()
  contains(__help_text(string.format), "standard library")
  contains(__help_text("string.format"), "standard library")
  local function add(a, b, ...) return a + b end
  contains(__help_text(add), "(a, b, ...)")
  contains(__help_text(add), "A Lua function defined at")
  contains(__help_text(42), "42 is a number")
  contains(__help_text(nil), "misspelt")
  contains(__help_text({1, 2}), "a list of 2 items")
end)

test("help: unknown names say so and suggest close ones", function()
  local t = __help_text("sofmax")
  contains(t, "No help for 'sofmax'")
  contains(t, "Did you mean: softmax")
  t = __help_text("overfiting")
  contains(t, "overfitting")
  t = __help_text("qqqqqqqqqq")
  contains(t, "No help for 'qqqqqqqqqq'")
  assert(not t:find("Did you mean", 1, true))
end)

test("help: __doc checks its arguments", function()
  expect_error(function() __doc(print, {text = 3}) end, "field 'text' must be a string")
  expect_error(function() __doc(nil, {text = "x"}) end, "field 'name' is needed")
  expect_error(function() __doc(print) end, "table expected")
end)

test("help: help and timeit are documented", function()
  contains(__help_text(help), "help([x])")
  contains(__help_text(timeit), "timeit(fn [, n])")
end)

---------------------------------------------------------------------- timeit

test("timeit: calls the function n times and prints the time per call", function()
  local calls = 0
  local out = captured(function() timeit(function() calls = calls + 1 end, 7) end)
  assert(calls == 7, "called " .. calls .. " times")
  assert(out:match("^7 calls, [%d.]+ [mun]?s per call %(total [%d.]+ [mun]?s%)\n$"), out)
end)

test("timeit: chooses n itself, and takes code as a string", function()
  local calls = 0
  local out = captured(function() timeit(function() calls = calls + 1 end) end)
  local n = tonumber(out:match("^(%d+) call"))
  assert(n and n > 1 and calls == n + 1, "printed " .. out .. " after " .. calls .. " calls")
  timeit_count = 0
  out = captured(function() timeit("timeit_count = timeit_count + 1", 3) end)
  assert(timeit_count == 3, "string code ran " .. timeit_count .. " times")
  timeit_count = nil
end)

test("timeit: bad arguments and errors inside", function()
  expect_error(function() timeit(42) end, "function expected")
  expect_error(function() timeit(print, -1) end, "must be positive")
  expect_error(function() captured(function() timeit(function() error("inner") end, 2) end) end,
               "inner")
  expect_error(function() timeit("x = = 1") end, "timeit:1:")
end)
