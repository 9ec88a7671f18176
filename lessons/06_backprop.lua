-- en: Backpropagation by hand
-- zh: 手算反向传播
--
-- Lesson 6: a 2-2-1 network, forward and backward with the chain rule in Lua,
-- checked against model:get_gradients(), against finite differences, and with
-- nn.gradcheck; then one training step stage by stage with model:step.

say{en = [[
A small network: 2 inputs, 2 sigmoid units, 1 linear output, MSE loss. One
sample x = (1, 2) with target y = 1. All weights are set by hand so that every
number below can be checked on paper.]],
zh = [[一个小网络：2 个输入，2 个 sigmoid 单元，1 个线性输出，MSE 损失。
一个样本 x = (1, 2)，目标 y = 1。所有权重都手动设置，下面每个数都可以在纸上验算。]]}

demo([[
model = nn.Sequential{
  nn.Dense{2, activation = "sigmoid", input_dim = 2},
  nn.Dense{1},
}]])
demo([[
W1, b1 = {{0.1, -0.2}, {0.3, 0.4}}, {0.1, -0.1}
W2, b2 = {{0.5}, {-0.3}}, {0.2}]])
demo([[model:set_weights{nn.tensor(W1), nn.tensor(b1), nn.tensor(W2), nn.tensor(b2)}]])
demo([[model:compile{optimizer = nn.optimizers.SGD{learning_rate = 0.1}, loss = "mse"}]])
demo("x, y = {1, 2}, 1")

say{en = [[
Forward, layer by layer (z = x W + b, a = f(z)):]],
zh = [[前向传播，一层一层地算（z = x W + b，a = f(z)）：]]}
demo("sig = function(z) return 1 / (1 + math.exp(-z)) end")
demo([[
z1, a1 = {}, {}
for j = 1, 2 do
  z1[j] = x[1] * W1[1][j] + x[2] * W1[2][j] + b1[j]
  a1[j] = sig(z1[j])
end]])
demo("z1[1], z1[2]")
demo("a1[1], a1[2]")
demo("yhat = a1[1] * W2[1][1] + a1[2] * W2[2][1] + b2[1]")
demo("L = (yhat - y) ^ 2")
demo("yhat, L")
local out = demo("model:predict(nn.tensor{x})")
check(out and approx(out[1][1], yhat, 1e-6), {en = "the model should predict the same y_hat",
                                              zh = "模型应预测出同样的 y_hat"},
      {en = ("z1 = (0.8, 0.5), a1 = (%.4f, %.4f), y_hat = %.4f, L = %.4f: the model agrees"):format(a1[1], a1[2], yhat, L),
       zh = ("z1 = (0.8, 0.5)，a1 = (%.4f, %.4f)，y_hat = %.4f，L = %.4f：与模型一致"):format(a1[1], a1[2], yhat, L)})
pause()

say{en = [[
Backward: the chain rule, from the loss back to every weight. Call delta the
gradient of the loss with respect to a layer's z.

  output:  delta2 = dL/dyhat = 2 (yhat - y)        (Keras's MSE, one output)
           dL/dW2 = a1^T delta2,  dL/db2 = delta2
  hidden:  dL/da1 = delta2 W2^T
           delta1 = dL/da1 * sigmoid'(z1) = dL/da1 * a1 (1 - a1)
           dL/dW1 = x^T delta1,   dL/db1 = delta1]],
zh = [[反向传播：链式法则，从损失一路往回求到每个权重。把损失对某层 z 的梯度记作 delta。

  输出层：delta2 = dL/dyhat = 2 (yhat - y)        （Keras 的 MSE，一个输出）
          dL/dW2 = a1^T delta2，dL/db2 = delta2
  隐藏层：dL/da1 = delta2 W2^T
          delta1 = dL/da1 * sigmoid'(z1) = dL/da1 * a1 (1 - a1)
          dL/dW1 = x^T delta1，dL/db1 = delta1]]}

try{{en = "Your turn: compute delta2 = dL/dyhat from yhat and y.",
     zh = "轮到你了：用 yhat 和 y 计算 delta2 = dL/dyhat。"},
    check = function(v) return approx(v, 2 * (yhat - y), 1e-9) end,
    answers = {"2 * (y - yhat)", "2 * (yhat - y)"},
    hint = {en = "the derivative of (yhat - y)^2 with respect to yhat: mind the sign",
            zh = "(yhat - y)^2 对 yhat 求导：注意符号"}}
demo("delta2 = 2 * (yhat - y)")
demo([[
dW2 = {a1[1] * delta2, a1[2] * delta2}
db2 = delta2
delta1, dW1 = {}, {{}, {}}
for j = 1, 2 do
  delta1[j] = delta2 * W2[j][1] * a1[j] * (1 - a1[j])
  for i = 1, 2 do dW1[i][j] = x[i] * delta1[j] end
end
db1 = delta1]])
demo("dW1[1][1], dW1[1][2], dW1[2][1], dW1[2][2]")
demo("db1[1], db1[2], dW2[1], dW2[2], db2")
pause()

say{en = [[
Now nnscope: forward, then backward from the target, then read the gradients
(Keras's order and layouts: kernel1, bias1, kernel2, bias2).]],
zh = [[现在让 nnscope 来算：先前向，再从目标出发反向，然后读出梯度
（Keras 的顺序和布局：kernel1、bias1、kernel2、bias2）。]]}
demo("model:forward(nn.tensor{x})")
demo("model:backward(nn.tensor{{y}})")
demo("g = model:get_gradients()")
demo("g[1], g[2], g[3], g[4]")
local worst = 0
local function cmp(a, b) worst = math.max(worst, math.abs(a - b)) end
for i = 1, 2 do
  for j = 1, 2 do cmp(g[1][i][j], dW1[i][j]) end
  cmp(g[2][i], db1[i])
  cmp(g[3][i][1], dW2[i])
end
cmp(g[4][1], db2)
check(worst < 1e-6, {en = "the hand gradients should equal nnscope's", zh = "手算梯度应与 nnscope 的一致"},
      {en = ("all 9 gradients agree with nnscope (largest difference %.1e)"):format(worst),
       zh = ("全部 9 个梯度都与 nnscope 一致（最大差 %.1e）"):format(worst)})

say{en = [[
A gradient is a slope, so it can also be measured without any calculus: nudge
one weight by +h and -h and see how the loss moves. Here for W1[2][1]:]],
zh = [[梯度就是斜率，所以不用微积分也能测出来：把某个权重分别加上 +h 和 -h，看损失怎么变。
下面对 W1[2][1] 这样做：]]}
demo([[
loss_with = function(w)
  local m = nn.Sequential{nn.Dense{2, activation = "sigmoid", input_dim = 2}, nn.Dense{1}}
  m:set_weights{nn.tensor(w), nn.tensor(b1), nn.tensor(W2), nn.tensor(b2)}
  m:compile{optimizer = "sgd", loss = "mse"}
  return m:test_on_batch(nn.tensor{x}, nn.tensor{{y}})
end]])
demo([[
h = 1e-3
plus = {{W1[1][1], W1[1][2]}, {W1[2][1] + h, W1[2][2]}}
minus = {{W1[1][1], W1[1][2]}, {W1[2][1] - h, W1[2][2]}}]])
local fd = demo("(loss_with(plus) - loss_with(minus)) / (2 * h)")
demo("dW1[2][1]")
check(fd and approx(fd, dW1[2][1], 2e-3), {en = "the finite difference should match dW1[2][1]",
                                           zh = "有限差分应与 dW1[2][1] 一致"},
      {en = "the measured slope matches the chain rule", zh = "测得的斜率与链式法则一致"})

if nn.gradcheck then
  say{en = [[
nn.gradcheck does this for every weight and the input, and reports the worst
relative error; a correct backward pass gives about 1e-4 or less.]],
  zh = [[nn.gradcheck 对每个权重和输入都这样做，并报告最大的相对误差；
正确的反向传播给出的误差大约在 1e-4 以下。]]}
  local r = demo("nn.gradcheck(model.layers[1], nn.tensor{x, {0.5, -1}})")
  local worst_rel = type(r) == "number" and r or (type(r) == "table" and r.worst) or nil
  check(worst_rel ~= nil and worst_rel < 1e-2, {en = "gradcheck should pass for Dense",
                                                zh = "Dense 应通过 gradcheck"},
        {en = "nnscope's Dense passes its gradient check", zh = "nnscope 的 Dense 通过了梯度检查"})
end
pause()

say{en = [[
Text 000 of the course writes dL/dW = (y - yhat) x^T and dL/db = (y - yhat). The
sign is flipped: the gradient of the squared error is (yhat - y) x^T (times 2,
and 1/N for a batch), as you just computed and as nnscope agrees. Stepping
along (y - yhat) x^T with w <- w - lr * gradient climbs the loss instead of
descending it; lesson 16 runs that mistake and watches the loss grow.]],
zh = [[课程第 000 篇写的是 dL/dW = (y - yhat) x^T，dL/db = (y - yhat)。符号反了：
平方误差的梯度是 (yhat - y) x^T（再乘以 2，对一批数据还要乘 1/N），正如你刚才算的，
nnscope 也同意。如果用 w <- w - lr * 梯度 沿 (y - yhat) x^T 走，损失会上升而不是下降；
第 16 课会运行这个错误，看着损失变大。]]}
pause()

say{en = [[
Finally, one whole training step, one stage at a time. model:step(x, y) runs
the next stage and returns what it computed: each layer forward, the loss, each
layer backward (the gradient arriving at its output), then the optimizer's
update.]],
zh = [[最后，一个完整的训练步骤，一次一个阶段。model:step(x, y) 运行下一个阶段并返回它算出的东西：
每层的前向、损失、每层的反向（到达该层输出的梯度），然后是优化器的更新。]]}
if watch(model, "formula") then
  say{en = [[
The window's formula panel follows: at each stage it writes that stage's
formula with these very numbers (the chain rule at the backward stages, the
optimizer's rule at the update). Later, viz.step_mode(model, x, y) lets you do
the same from the window, pressing "." for each stage.]],
  zh = [[窗口的公式面板会跟着走：每个阶段都用这些数字写出该阶段的公式（反向阶段是链式法则，
更新阶段是优化器的规则）。以后可以用 viz.step_mode(model, x, y) 在窗口中做同样的事，
每按一次 "." 走一个阶段。]]}
end
local stages = {}
repeat
  local s = model:step(nn.tensor{x}, nn.tensor{{y}})
  stages[#stages + 1] = s.stage .. (s.layer and (" " .. s.layer) or "")
  local shown = s.value and tostring(s.value):gsub("%s+", " ") or ""
  if s.stage == "loss" then
    shown = ("L = %.4f, dL/dyhat = %s"):format(s.loss, shown)
  elseif s.stage == "update" then
    shown = tr{en = "weights moved by -lr * gradient", zh = "权重移动了 -lr * 梯度"}
  end
  print(("%-12s %s"):format(stages[#stages], shown))
  snap(("stage%d"):format(#stages), "formula")
  pause()
until s.done
snap("after_step", "network")
check(#stages == 6 and stages[6] == "update", {en = "a step should have 6 stages ending with the update",
      zh = "一步应有 6 个阶段，最后是更新"},
      {en = "forward 1, forward 2, loss, backward 2, backward 1, update",
       zh = "前向 1、前向 2、损失、反向 2、反向 1、更新"})
local after = model:get_weights()[4][1]
check(approx(after, b2[1] - 0.1 * db2, 1e-5), {en = "SGD should move b2 by -0.1 * dL/db2",
                                               zh = "SGD 应把 b2 移动 -0.1 * dL/db2"},
      {en = ("the update: b2 = 0.2 - 0.1 * (%.4f) = %.4f"):format(db2, after),
       zh = ("更新：b2 = 0.2 - 0.1 * (%.4f) = %.4f"):format(db2, after)})
local L2 = model:test_on_batch(nn.tensor{x}, nn.tensor{{y}})
check(L2 < L, {en = "the loss should go down after the step", zh = "这一步之后损失应下降"},
      {en = ("the loss went from %.4f to %.4f"):format(L, L2),
       zh = ("损失从 %.4f 降到 %.4f"):format(L, L2)})
say{en = "Next lesson: a real data set, Iris, with a small MLP.", zh = "下一课：真实数据集 Iris 和一个小型多层感知机。"}
