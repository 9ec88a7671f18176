-- tests/lua/test_custom.lua — a layer written in Lua trains like a built-in one,
-- and stepping a training step stage by stage.

-- y = x * w (elementwise, one weight per feature)
-- dL/dw = sum over the batch of grad * x;  dL/dx = grad * w
local Scale = nn.Layer:extend("Scale")
function Scale:init(opts) self.initial = opts and opts.initial or 1 end
function Scale:build(input_shape)
  self.w = self:add_weight{shape = {input_shape[1]}, initializer = "ones", name = "scale"}
end
function Scale:call(x) return x * self.w.value end
function Scale:backward(x, grad)
  self.w.grad = (grad * x):sum(1)
  return grad * self.w.value
end

test("a Lua layer builds, reports its shape and runs forward", function()
  local m = nn.Sequential{nn.Dense{3, input_dim = 2}, Scale()}
  assert(m.layers[2].output_shape[1] == 3)
  assert(m:count_params() == 2 * 3 + 3 + 3)
  m:set_weights{nn.tensor{{1, 0, 2}, {0, 1, -1}}, nn.tensor{0, 0, 0}, nn.tensor{2, 3, 4}}
  local out = m:predict(nn.tensor{{1, 2}})
  -- dense: [1, 2, 0]; scaled by [2, 3, 4]: [2, 6, 0]
  near(out[1][1], 2); near(out[1][2], 6); near(out[1][3], 0)
end)


test("a Lua layer trains inside a model", function()
  local m = nn.Sequential{nn.Dense{2, input_dim = 2}, Scale()}
  m:compile{optimizer = nn.optimizers.SGD{learning_rate = 0.1}, loss = "mse"}
  m:set_weights{nn.tensor{{1, 0}, {0, 1}}, nn.tensor{0, 0}, nn.tensor{1, 1}}
  -- x = [1, 1], target [2, 2]: out = [1, 1]; dL/dout = 2 (out - y) / 2 = [-1, -1]
  -- dL/dscale = dL/dout * dense_out = [-1, -1]: scale = 1 + 0.1 = 1.1
  m:train_on_batch(nn.tensor{{1, 1}}, nn.tensor{{2, 2}})
  local w = m:get_weights()
  near(w[3][1], 1.1); near(w[3][2], 1.1)
end)

test("a Lua layer returning the wrong shape is a clear error", function()
  local Bad = nn.Layer:extend("Bad")
  function Bad:call(x) return x:reshape{-1} end
  expect_error(function() nn.Sequential{nn.Dense{2, input_dim = 2}, Bad()} end, "batch first")
  local Wrong = nn.Layer:extend("Wrong")
  function Wrong:call(x) if x:shape()[1] == 1 then return x end return nn.zeros{1, 2} end
  local m = nn.Sequential{nn.Dense{2, input_dim = 2}, Wrong()}
  expect_error(function() m:predict(nn.zeros{3, 2}) end, "returned shape (1, 2), expected (3, 2)")
end)

test("model:step goes stage by stage and ends with the update", function()
  local m = nn.Sequential{nn.Dense{3, activation = "relu", input_dim = 2},
                          nn.Dense{2, activation = "softmax"}}
  m:compile{optimizer = "sgd", loss = "sparse_categorical_crossentropy"}
  local x, y = nn.tensor{{1, 2}, {-1, 0.5}}, nn.tensor{0, 1}
  local stages = {}
  repeat
    local s = m:step(x, y)
    stages[#stages + 1] = s.stage .. (s.layer and s.layer or "")
  until s.done
  assert(table.concat(stages, " ") == "forward1 forward2 loss backward2 backward1 update",
         table.concat(stages, " "))
  local t = m:trace()
  assert(#t == 2 and t[1].output:shape()[2] == 3 and t[2].grad ~= nil)
end)
