-- tests/lua/test_save.lua — saving and loading from Lua, configs as tables, and
-- the callbacks (on made-up histories, where the expected epoch is worked out
-- here by hand, and inside real fits).

local tmp = os.tmpname()      -- a unique prefix; the files made are removed at the end
os.remove(tmp)
local made = {}
local function path(name)
  local p = tmp .. "-" .. name
  made[#made + 1] = p
  return p
end

local function read(p)
  local f = assert(io.open(p, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function data(n)
  local x, y = {}, {}
  for i = 1, n do
    local a, b = math.sin(i * 1.3), math.cos(i * 0.7)
    x[i] = {a, b, a * b}
    y[i] = (a + b > 0) and {1, 0} or {0, 1}
  end
  return nn.tensor(x), nn.tensor(y)
end

local function mlp(name)
  local m = nn.Sequential{
    nn.Dense{5, activation = "tanh", input_dim = 3},
    nn.Dense{2, activation = "softmax"},
    name = name,
  }
  m:compile{optimizer = nn.optimizers.Adam{learning_rate = 0.01},
            loss = "categorical_crossentropy", metrics = {"accuracy"}}
  return m
end

local function same_values(a, b)
  local ta, tb = a:totable(), b:totable()
  assert(#ta == #tb)
  for i = 1, #ta do
    for j = 1, #ta[i] do
      assert(ta[i][j] == tb[i][j], string.format("[%d][%d]: %s ~= %s", i, j, ta[i][j], tb[i][j]))
    end
  end
end

---------------------------------------------------------------- save / load

test("save and load_model: same name, compile settings, predictions, next step", function()
  local x, y = data(40)
  local m = mlp("my_net")
  m:fit(x, y, {epochs = 2, batch_size = 8, verbose = 0})
  local p = path("m.safetensors")
  m:save(p)
  local back = nn.models.load_model(p)
  assert(back.name == "my_net", back.name)
  assert(tostring(back):find("compiled", 1, true), tostring(back))
  assert(back.optimizer.name == "Adam")
  near(back.optimizer.learning_rate, 0.01, 1e-9)
  assert(back.optimizer.iterations == m.optimizer.iterations)
  assert(#back.layers == 2 and back.layers[2].name == "dense_1")
  same_values(m:predict(x), back:predict(x))
  -- the optimizer's state came along: one more identical step on each
  local l1 = m:train_on_batch(x, y)
  local l2 = back:train_on_batch(x, y)
  assert(l1 == l2, l1 .. " vs " .. l2)
  same_values(m:predict(x), back:predict(x))
end)

test("resume: fit 2, save, load, fit 2 gives the curve of fit 4", function()
  local x, y = data(48)
  local opts = {batch_size = 8, validation_split = 0.25, verbose = 0}
  nn.utils.set_random_seed(7)
  local a = mlp()
  opts.epochs = 4
  local ha = a:fit(x, y, opts)
  nn.utils.set_random_seed(7)
  local b = mlp()
  opts.epochs = 2
  b:fit(x, y, opts)
  local p = path("resume.safetensors")
  b:save(p)
  local c = nn.models.load_model(p)
  local hc = c:fit(x, y, opts)
  for _, key in ipairs{"loss", "accuracy", "val_loss", "val_accuracy"} do
    for e = 1, 2 do
      near(hc.history[key][e], ha.history[key][e + 2], 1e-6)
    end
  end
  assert(ha.history.loss[4] ~= ha.history.loss[3])
end)

test("save_weights and load_weights", function()
  local x = data(10)
  local a, b = mlp(), mlp()
  local p = path("w.safetensors")
  a:save_weights(p)
  b:load_weights(p)
  same_values(a:predict(x), b:predict(x))
  local wide = nn.Sequential{nn.Dense{6, input_dim = 3}, nn.Dense{2}}
  local err = expect_error(function() wide:load_weights(p) end, "load_weights:")
  assert(err:find("layer 'dense' (Dense): weight 'kernel' has shape (3, 6) in the model but "
                  .. "(3, 5) in the file", 1, true), err)
  expect_error(function() nn.models.load_model(p) end, "holds weights only")
end)

test("damaged and missing files are refused with the reason", function()
  local m = mlp()
  local p = path("good.safetensors")
  m:save(p)
  local whole = read(p)
  local cut = path("cut.safetensors")
  local f = assert(io.open(cut, "wb"))
  f:write(whole:sub(1, #whole - 10))
  f:close()
  expect_error(function() nn.models.load_model(cut) end, "the file is truncated")
  f = assert(io.open(cut, "wb"))
  f:write(whole:sub(1, 6))
  f:close()
  expect_error(function() nn.models.load_model(cut) end, "truncated (6 bytes")
  expect_error(function() nn.models.load_model(path("absent.safetensors")) end,
               "No such file")
  expect_error(function() m:save("/nonexistent-dir/m.safetensors") end,
               "cannot create a temporary file")
end)

---------------------------------------------------------------------- configs

test("get_config is Keras's, and model_from_config rebuilds the model", function()
  local m = mlp("cfg_net")
  local cfg = m:get_config()
  assert(cfg.name == "cfg_net")
  assert(#cfg.layers == 3)
  assert(cfg.layers[1].class_name == "InputLayer")
  local shape = cfg.layers[1].config.batch_input_shape
  assert(shape[1] == nn.null and shape[2] == 3)
  local d = cfg.layers[2].config
  assert(cfg.layers[2].class_name == "Dense" and d.name == "dense" and d.units == 5)
  assert(d.activation == "tanh" and d.use_bias == true)
  assert(d.kernel_initializer.class_name == "GlorotUniform")
  assert(d.kernel_regularizer == nil)     -- JSON null members are left out
  local copy = nn.models.model_from_config(cfg)
  assert(copy.name == "cfg_net" and copy:count_params() == m:count_params())
  assert(copy:to_json() == m:to_json())
  -- Keras's whole form works too, and a changed config makes a changed model
  cfg.layers[2].config.units = 7
  local wider = nn.models.model_from_config{class_name = "Sequential", config = cfg}
  assert(wider:count_params() == 3 * 7 + 7 + 7 * 2 + 2)
  local from_json = nn.models.model_from_json(m:to_json())
  assert(from_json:to_json() == m:to_json())
end)

test("functional models round trip through configs and files", function()
  local inp = nn.Input{shape = {3}}
  local out = nn.Dense{2, activation = "softmax"}(nn.Dense{4, activation = "relu"}(inp))
  local m = nn.Model{inputs = inp, outputs = out, name = "func"}
  m:compile{optimizer = "sgd", loss = "categorical_crossentropy"}
  local cfg = m:get_config()
  assert(cfg.input_layers[1][1] == "input_1" and cfg.output_layers[1][1] == "dense_1")
  assert(cfg.layers[3].inbound_nodes[1][1][1] == "dense")
  local copy = nn.models.model_from_config(cfg)
  assert(copy:to_json() == m:to_json())
  local p = path("func.safetensors")
  m:save(p)
  local back = nn.models.load_model(p)
  local x = data(6)
  same_values(m:predict(x), back:predict(x))
  assert(back.name == "func")
end)

test("bad configs are refused with the entry named", function()
  local cfg = mlp():get_config()
  cfg.layers[2].config.unitz = 3
  expect_error(function() nn.models.model_from_config(cfg) end,
               "unknown config entry 'unitz'")
  cfg.layers[2].config.unitz = nil
  cfg.layers[2].config[1] = 5
  expect_error(function() nn.models.model_from_config(cfg) end,
               "mixes list items with named fields")
  cfg.layers[2].config[1] = nil
  cfg.layers[2].class_name = "Conv9D"
  expect_error(function() nn.models.model_from_config(cfg) end, "unknown layer class 'Conv9D'")
  local loop = {}
  loop.self = loop
  expect_error(function() nn.models.model_from_config(loop) end, "nested too deeply")
  expect_error(function() nn.models.model_from_json("{") end, "invalid JSON at byte 1")
end)

test("a model with a Lua layer: weights move, load_model refuses to run code", function()
  local Scale = nn.Layer:extend("Scale")
  function Scale:build(input_shape)
    self.w = self:add_weight{shape = {input_shape[1]}, initializer = "ones", name = "scale"}
  end
  function Scale:call(x) return x * self.w.value end
  function Scale:backward(x, grad)
    self.w.grad = (grad * x):sum(1)
    return grad * self.w.value
  end
  local a = nn.Sequential{nn.Dense{2, input_dim = 3}, Scale()}
  a:set_weights{nn.tensor{{1, 2}, {3, 4}, {5, 6}}, nn.tensor{0.5, -0.5}, nn.tensor{2, 3}}
  local p = path("lua_layer.safetensors")
  a:save(p)
  expect_error(function() nn.models.load_model(p) end, "was written in Lua (class Layer)")
  local b = nn.Sequential{nn.Dense{2, input_dim = 3}, Scale()}
  b:load_weights(p)
  local x = nn.tensor{{1, 0, -1}}
  same_values(a:predict(x), b:predict(x))
  -- (1 - 5 + 0.5) * 2 = -7;  (2 - 6 - 0.5) * 3 = -13.5
  near(b:predict(x)[1][1], -7)
  near(b:predict(x)[1][2], -13.5)
end)

-------------------------------------------------------- callbacks, made up

-- A stand-in for the model: what EarlyStopping and ReduceLROnPlateau touch.
local function fake_model(lr)
  return {
    stop_training = false,
    optimizer = {learning_rate = lr or 0.1},
    epoch = 0,
    get_weights = function(self) return {self.epoch} end,
    set_weights = function(self, ws) self.restored = ws[1] end,
  }
end

-- Feed values[e] as logs[key] at epochs 0, 1, ...; the epoch where training
-- was told to stop (nil: never).
local function run_epochs(cb, key, values, model)
  model = model or fake_model()
  cb.model = model
  cb:on_train_begin({})
  for e = 0, #values - 1 do
    model.epoch = e
    cb:on_epoch_end(e, {[key] = values[e + 1]})
    if model.stop_training then
      if cb.on_train_end then cb:on_train_end({}) end
      return e, model
    end
  end
  if cb.on_train_end then cb:on_train_end({}) end
  return nil, model
end

test("EarlyStopping stops at the epoch Keras stops", function()
  local ES = nn.callbacks.EarlyStopping
  -- best 0.8 at epoch 1; epochs 2 and 3 do not improve: wait reaches 2 at epoch 3
  assert(run_epochs(ES{patience = 2}, "val_loss", {1.0, 0.8, 0.85, 0.9, 0.7}) == 3)
  -- patience 0 (the default): the first epoch after 0 that does not improve
  assert(run_epochs(ES{}, "val_loss", {1.0, 0.9, 0.95, 0.5}) == 2)
  -- the monitored value must fall by more than min_delta to count
  assert(run_epochs(ES{min_delta = 0.15, patience = 1}, "val_loss", {1.0, 0.9, 0.8}) == 1)
  -- accuracy is maximised in auto mode
  assert(run_epochs(ES{monitor = "val_accuracy", patience = 1}, "val_accuracy",
                    {0.5, 0.6, 0.6, 0.7}) == 2)
  assert(run_epochs(ES{monitor = "val_accuracy", mode = "min", patience = 1}, "val_accuracy",
                    {0.5, 0.6, 0.4}) == 1)
  -- still improving: no stop even with patience 0
  assert(run_epochs(ES{}, "val_loss", {5, 4, 3, 2}) == nil)
  -- the baseline: an improvement that misses it does not reset the wait
  assert(run_epochs(ES{patience = 2}, "val_loss", {0.9, 1.0, 1.1}) == 2)
  assert(run_epochs(ES{baseline = 0.5, patience = 2}, "val_loss", {0.9, 1.0, 1.1}) == 1)
  -- start_from_epoch: the first epochs are ignored
  assert(run_epochs(ES{}, "val_loss", {1, 2, 3, 3}) == 1)
  assert(run_epochs(ES{start_from_epoch = 2}, "val_loss", {1, 2, 3, 3}) == 3)
  -- restore_best_weights: the weights of the best epoch (1) come back at the end
  local es = ES{monitor = "loss", patience = 1, restore_best_weights = true}
  local stopped, model = run_epochs(es, "loss", {1.0, 0.5, 0.7, 0.8})
  assert(stopped == 2 and model.restored == 1,
         tostring(stopped) .. " " .. tostring(model.restored))
  expect_error(function() ES{patiense = 2} end, "did you mean 'patience'")
  expect_error(function() ES{mode = "maximum"} end, "mode must be 'auto', 'min' or 'max'")
end)

test("EarlyStopping inside fit ends training early", function()
  local x, y = data(32)
  local m = mlp()
  -- every epoch after the first has to beat the best by 100: none does
  local h = m:fit(x, y, {epochs = 10, batch_size = 8, verbose = 0,
                         callbacks = {nn.callbacks.EarlyStopping{monitor = "loss",
                                                                  min_delta = 100}}})
  assert(#h.history.loss == 2, #h.history.loss)
end)

test("ReduceLROnPlateau lowers the rate after patience flat epochs", function()
  local R = nn.callbacks.ReduceLROnPlateau
  local cb = R{factor = 0.5, patience = 2}
  local model = fake_model(1.0)
  run_epochs(cb, "val_loss", {1, 1, 1, 1, 1, 1}, model)
  -- epoch 0 sets the best; epochs 2 and 4 reach patience: 1 -> 0.5 -> 0.25
  assert(model.optimizer.learning_rate == 0.25, model.optimizer.learning_rate)
  -- without a cooldown, patience 1 cuts at epochs 1, 2 and 3
  cb = R{factor = 0.5, patience = 1}
  model = fake_model(1.0)
  run_epochs(cb, "val_loss", {1, 1, 1, 1}, model)
  assert(model.optimizer.learning_rate == 0.125, model.optimizer.learning_rate)
  -- cooldown 2: the counter goes 2 -> 1 at epoch 2 (no cut) and 1 -> 0 at epoch 3,
  -- where the wait starts again at once (Keras counts down before it compares)
  cb = R{factor = 0.5, patience = 1, cooldown = 2}
  model = fake_model(1.0)
  run_epochs(cb, "val_loss", {1, 1, 1, 1}, model)
  assert(model.optimizer.learning_rate == 0.25, model.optimizer.learning_rate)
  -- min_lr is a floor
  cb = R{factor = 0.1, patience = 1, min_lr = 0.05}
  model = fake_model(1.0)
  run_epochs(cb, "val_loss", {1, 1, 1, 1}, model)
  assert(model.optimizer.learning_rate == 0.05)
  -- an improvement larger than min_delta resets the wait
  cb = R{factor = 0.5, patience = 2, min_delta = 0.01}
  model = fake_model(1.0)
  run_epochs(cb, "val_loss", {1, 0.995, 0.98, 0.975, 0.972}, model)
  -- 0.995: not 0.01 better (wait 1); 0.98: better (reset); 0.975, 0.972: wait 2 -> cut
  assert(model.optimizer.learning_rate == 0.5, model.optimizer.learning_rate)
  local logs = {val_loss = 3}
  cb.model = fake_model(0.125)
  cb:on_epoch_end(0, logs)
  assert(logs.lr == 0.125)    -- the rate goes into the logs, as in Keras
  expect_error(function() R{factor = 1.5} end, "does not support a factor >= 1.0")
end)

test("TerminateOnNaN stops on a NaN or infinite loss", function()
  local cb = nn.callbacks.TerminateOnNaN()
  cb.model = fake_model()
  cb:on_batch_end(0, {loss = 0.5})
  assert(cb.model.stop_training == false)
  cb:on_batch_end(1, {loss = 0 / 0})
  assert(cb.model.stop_training == true)
  cb.model = fake_model()
  cb:on_batch_end(2, {loss = math.huge})
  assert(cb.model.stop_training == true)
end)

----------------------------------------------------------- callbacks in fit

test("CSVLogger writes Keras's columns and one row per epoch", function()
  local x, y = data(40)
  local m = mlp()
  local p = path("log.csv")
  local h = m:fit(x, y, {epochs = 3, batch_size = 8, validation_split = 0.25, verbose = 0,
                         callbacks = {nn.callbacks.CSVLogger(p)}})
  local lines = {}
  for line in read(p):gmatch("[^\n]+") do lines[#lines + 1] = line end
  assert(#lines == 4, #lines)
  assert(lines[1] == "epoch,accuracy,loss,val_accuracy,val_loss", lines[1])
  for e = 0, 2 do
    local cells = {}
    for c in lines[e + 2]:gmatch("[^,]+") do cells[#cells + 1] = c end
    assert(tonumber(cells[1]) == e and math.type(tonumber(cells[1])) == "integer")
    near(tonumber(cells[2]), h.history.accuracy[e + 1], 1e-6)
    near(tonumber(cells[3]), h.history.loss[e + 1], 1e-6)
    near(tonumber(cells[4]), h.history.val_accuracy[e + 1], 1e-6)
    near(tonumber(cells[5]), h.history.val_loss[e + 1], 1e-6)
  end
  -- without validation the val_ columns are there with NA (Keras does so);
  -- append adds rows and no second header
  local q = path("log2.csv")
  local logger = nn.callbacks.CSVLogger(q, {separator = ";"})
  m:fit(x, y, {epochs = 1, verbose = 0, callbacks = {logger}})
  m:fit(x, y, {epochs = 1, verbose = 0,
               callbacks = {nn.callbacks.CSVLogger{q, separator = ";", append = true}}})
  lines = {}
  for line in read(q):gmatch("[^\n]+") do lines[#lines + 1] = line end
  assert(#lines == 3, #lines)
  assert(lines[1] == "epoch;accuracy;loss;val_accuracy;val_loss", lines[1])
  assert(lines[2]:match("^0;[%d.e-]+;[%d.e-]+;NA;NA$"), lines[2])
  assert(lines[3]:match("^0;"), lines[3])
  expect_error(function() nn.callbacks.CSVLogger(q, {seperator = ";"}) end,
               "did you mean 'separator'")
end)

test("LearningRateScheduler sets the optimizer's learning rate each epoch", function()
  local x, y = data(16)
  local m = mlp()
  local seen = {}
  local sched = nn.callbacks.LearningRateScheduler(function(epoch, lr)
    seen[#seen + 1] = lr
    return 0.1 / (epoch + 1)
  end)
  local logs_lr
  local probe = {on_epoch_end = function(_, _, logs) logs_lr = logs.lr end}
  m:fit(x, y, {epochs = 3, verbose = 0, callbacks = {sched, probe}})
  near(seen[1], 0.01, 1e-9)      -- compiled with 0.01
  near(seen[2], 0.1, 1e-7)
  near(seen[3], 0.05, 1e-7)
  near(m.optimizer.learning_rate, 0.1 / 3, 1e-7)
  near(logs_lr, 0.1 / 3, 1e-7)   -- and the logs carry it to the callbacks after
  -- a rate of zero really freezes the weights
  local before = m:get_weights()
  m:fit(x, y, {epochs = 2, verbose = 0,
               callbacks = {nn.callbacks.LearningRateScheduler(function() return 0 end)}})
  local after = m:get_weights()
  for i = 1, #before do same_values((before[i]):reshape{-1, 1}, (after[i]):reshape{-1, 1}) end
  expect_error(function()
    m:fit(x, y, {epochs = 1, verbose = 0,
                 callbacks = {nn.callbacks.LearningRateScheduler(function() return "x" end)}})
  end, "should be a number")
end)

test("ReduceLROnPlateau inside fit changes the model's optimizer", function()
  local x, y = data(16)
  local m = mlp()
  -- loss never improves by 100: the rate is cut at every epoch from the second on
  m:fit(x, y, {epochs = 3, verbose = 0, callbacks = {
    nn.callbacks.ReduceLROnPlateau{monitor = "loss", factor = 0.5, patience = 1,
                                   min_delta = 100}}})
  near(m.optimizer.learning_rate, 0.0025, 1e-9)
end)

test("ModelCheckpoint saves every epoch, or only the best", function()
  local x, y = data(24)
  local m = mlp()
  local pattern = tmp .. "-ck-{epoch:02d}-{loss:.2f}.safetensors"
  local h = m:fit(x, y, {epochs = 2, verbose = 0, callbacks = {
    nn.callbacks.ModelCheckpoint(pattern)}})
  for e = 1, 2 do
    local p = string.format("%s-ck-%02d-%.2f.safetensors", tmp, e, h.history.loss[e])
    made[#made + 1] = p
    local back = nn.models.load_model(p)
    assert(back:count_params() == m:count_params())
  end
  -- save_best_only, made-up logs: saved at epochs 0 and 2 only
  local best = path("best.safetensors")
  local cb = nn.callbacks.ModelCheckpoint{best, save_best_only = true, save_weights_only = true}
  cb.model = m
  local saved = {}
  for e, v in ipairs{1.0, 1.5, 0.5, 0.7} do
    os.remove(best)
    cb:on_epoch_end(e - 1, {val_loss = v})
    local f = io.open(best)
    saved[#saved + 1] = f and "yes" or "no"
    if f then f:close() end
  end
  assert(table.concat(saved, " ") == "yes no yes no", table.concat(saved, " "))
  cb:on_epoch_end(4, {val_loss = 0.1})
  expect_error(function() nn.models.load_model(best) end, "holds weights only")
  cb = nn.callbacks.ModelCheckpoint(tmp .. "-{val_acc:.2f}.safetensors")
  cb.model = m
  expect_error(function() cb:on_epoch_end(0, {loss = 1}) end, "there is no 'val_acc' in the logs")
end)

test("fit gives callbacks the model, on_train_begin and on_train_end", function()
  local x, y = data(16)
  local m = mlp()
  local events = {}
  local plain = {
    on_train_begin = function(self, logs)
      events[#events + 1] = "begin"
      assert(self.model == m and type(logs) == "table")
    end,
    on_train_end = function(_, logs)
      events[#events + 1] = "end"
      assert(type(logs.loss) == "number")
    end,
  }
  local lambda = nn.callbacks.LambdaCallback{
    on_epoch_end = function(epoch, logs) events[#events + 1] = "epoch" .. epoch end,
    on_train_end = function(logs) events[#events + 1] = "lambda end" end,
    note = "kept",
  }
  m:fit(x, y, {epochs = 2, verbose = 0, callbacks = {plain, lambda}})
  assert(table.concat(events, ",") == "begin,epoch0,epoch1,end,lambda end",
         table.concat(events, ","))
  assert(lambda.note == "kept")
  expect_error(function() nn.callbacks.LambdaCallback{on_batch_begin = print} end,
               "on_batch_begin is not called by fit")
  expect_error(function() m:fit(x, y, {verbose = 0, callbacks = {plain, 3}}) end,
               "callbacks[2] must be a callback")
end)

for _, p in ipairs(made) do os.remove(p) end
