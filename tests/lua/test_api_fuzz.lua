-- tests/lua/test_api_fuzz.lua — every public Lua function survives wrong arguments.
--
-- tests/lua/api_fuzz.lua does the calling (see there what is called and with what) in
-- a child nnscope, the same program as this one (build/nnscope, or build-san/nnscope
-- under `make test-sanitize`), with its output thrown away; each section passes when
-- the child ends normally and says how many calls it made. A crash or a sanitizer
-- report fails it, with the end of the child's stderr in the message.

-- Nothing here may write a file where the tests run (the repository root).
local function listing()
  local p = io.popen("ls -A")
  local s = p:read("a")
  p:close()
  return s
end
local listing_before = listing()

-- This program's path: the lowest index of `arg`, as lua.c fills it.
local function program()
  local i = 0
  while arg[i - 1] ~= nil do i = i - 1 end
  return arg[i]
end

-- The child runs in a scratch directory of its own: functions that write files
-- (model:save(-1) writes a file named "-1", as Keras would) write them there.
local function run_section(section, min_calls)
  local errfile = os.tmpname()
  local scratch = os.tmpname()
  os.remove(scratch)
  assert(os.execute("mkdir '" .. scratch .. "'"))
  local here = io.popen("pwd"):read("l")
  local prog = program()
  if prog:sub(1, 1) ~= "/" then prog = here .. "/" .. prog end
  local cmd = string.format("cd '%s' && '%s' --headless '%s/tests/lua/api_fuzz.lua' %s "
                            .. "> /dev/null 2> '%s'", scratch, prog, here, section, errfile)
  local ok, how, code = os.execute(cmd)
  os.execute("rm -rf '" .. scratch .. "'")
  local f = io.open(errfile)
  local err = f and f:read("a") or ""
  if f then f:close() end
  os.remove(errfile)
  if not ok then
    error(string.format("the child %s with %s; its stderr ends:\n%s",
                        how == "signal" and "was killed by signal" or "exited", tostring(code),
                        err:sub(-3000)))
  end
  local calls = tonumber(err:match("api fuzz " .. section .. ": (%d+) calls"))
  assert(calls and calls >= (min_calls or 1000),
         "the child made too few calls:\n" .. err:sub(-3000))
end

test("every function of nn and viz survives wrong arguments", function()
  run_section("functions")
end)

test("every method of every object kind survives wrong arguments and a wrong self", function()
  run_section("methods")
end)

test("operators and indexing with wrong operands", function()
  run_section("operators")
end)

test("objects whose __gc ran refuse further use", function()
  run_section("collected", 500)
end)

-- Found by the API fuzz: adding a layer that does not fit frees it (the model takes the
-- layer over even when adding fails), and adding it again, as a learner does after
-- reading the error, used the freed layer.
test("a layer whose add failed is refused when used again", function()
  local m = nn.Sequential{nn.Dense{2, input_dim = 3}}
  local c = nn.Conv2D{2, 3}
  expect_error(function() m:add(c) end, "expects input of shape (None, height, width")
  expect_error(function() m:add(c) end, "this layer is gone")
  expect_error(function() return c:count_params() end, "this layer is gone")
  m:add(nn.Dense{4})
  assert(m:count_params() == 3 * 2 + 2 + 2 * 4 + 4)
end)

-- Found by the API fuzz: optimizers made without arguments (Keras's RMSprop()) refused
-- their own new object as a bad options table.
test("optimizers without arguments", function()
  for _, name in ipairs({"SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam"}) do
    local opt = nn.optimizers[name]()
    assert(tostring(opt):find(name, 1, true), tostring(opt))
  end
end)

test("no call wrote a file in the working directory", function()
  local now = listing()
  assert(now == listing_before, "the working directory changed:\n" .. now)
end)
