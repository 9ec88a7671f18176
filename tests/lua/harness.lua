-- tests/lua/harness.lua — runs one Lua test file given as arg[1].
-- A test file calls test(name, fn) for each test; a test passes when fn returns
-- without error. Helpers: expect_error(fn, substring) and near(a, b, tol).
local file = assert(arg and arg[1], "usage: nnscope tests/lua/harness.lua FILE")

function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    print("PASS " .. file .. ": " .. name)
  else
    print("FAIL " .. file .. ": " .. name .. "\n    " .. tostring(err):gsub("\n", "\n    "))
  end
end

-- fn must raise an error whose message contains `substring` (plain text).
function expect_error(fn, substring)
  local ok, err = pcall(fn)
  if ok then error("expected an error containing '" .. substring .. "', got none", 2) end
  err = tostring(err)
  if not err:find(substring, 1, true) then
    error("expected an error containing '" .. substring .. "', got: " .. err, 2)
  end
  return err
end

function near(a, b, tol)
  tol = tol or 1e-5
  if type(a) ~= "number" or type(b) ~= "number" or math.abs(a - b) > tol then
    error(string.format("expected %s to be within %g of %s", tostring(a), tol, tostring(b)), 2)
  end
end

local chunk, err = loadfile(file)
if not chunk then
  print("FAIL " .. file .. ": does not load: " .. err)
  return
end
local ok, e = xpcall(chunk, debug.traceback)
if not ok then print("FAIL " .. file .. ": error outside a test: " .. tostring(e)) end
