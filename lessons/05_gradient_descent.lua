-- en: Gradient descent on a single weight
-- zh: 单个权重上的梯度下降
--
-- Lesson 5: the loss as a function of one weight, its derivative, the update
-- w <- w - lr * dL/dw by hand and by nnscope's SGD, and what the learning
-- rate does (crawl, converge, oscillate, diverge).

say{en = [[
Four points lie on the line y = 3x. A "network" of a single weight predicts
y_hat = w x. Training must find w = 3 by itself, using only the loss and its
slope.]],
zh = [[四个点落在直线 y = 3x 上。一个只有一个权重的“网络”预测 y_hat = w x。
训练必须仅凭损失和它的斜率，自己找到 w = 3。]]}
demo("xs = {1, 2, 3, 4}")
demo("ys = {3, 6, 9, 12}")
demo([[
loss = function(w)
  local s = 0
  for i = 1, 4 do s = s + (w * xs[i] - ys[i]) ^ 2 end
  return s / 4
end]])
demo("loss(0), loss(3), loss(5)")

local ws, ls = {}, {}
for i = 0, 30 do ws[#ws + 1] = i * 0.2; ls[#ls + 1] = loss(i * 0.2) end
plot({name = "L(w)", xs = ws, ys = ls}, {title = {en = "the loss against the weight",
                                                  zh = "损失随权重的变化"},
                                         xlabel = "w", height = 10})

say{en = [[
The loss is a parabola with its bottom at w = 3. Its slope is the derivative
(chain rule on each (w x - y)^2):

  dL/dw = mean of 2 (w x - y) x = 2 (w - 3) (1 + 4 + 9 + 16) / 4 = 15 (w - 3)

Negative left of the bottom, positive right of it: the slope points uphill.]],
zh = [[损失是一条抛物线，最低点在 w = 3。它的斜率就是导数（对每个 (w x - y)^2 用链式法则）：

  dL/dw = 2 (w x - y) x 的平均 = 2 (w - 3) (1 + 4 + 9 + 16) / 4 = 15 (w - 3)

在最低点左边为负，右边为正：斜率指向上坡的方向。]]}
demo([[
grad = function(w)
  local s = 0
  for i = 1, 4 do s = s + 2 * (w * xs[i] - ys[i]) * xs[i] end
  return s / 4
end]])
local g1 = demo("grad(1)")
check(approx(g1, 15 * (1 - 3), 1e-12), {en = "grad(1) should be 15 * (1 - 3) = -30",
                                        zh = "grad(1) 应为 15 * (1 - 3) = -30"},
      {en = "at w = 1 the slope is -30: the loss goes down to the right",
       zh = "在 w = 1 处斜率为 -30：向右走损失下降"})
pause()

say{en = [[
Gradient descent takes a small step downhill, against the slope:

  w <- w - lr * dL/dw

(text 001 of the course writes it theta_{t+1} = theta_t - eta * grad J(theta_t),
which is right). With lr = 0.01, from w = 0:]],
zh = [[梯度下降沿斜率的反方向向下坡走一小步：

  w <- w - lr * dL/dw

（课程第 001 篇写作 theta_{t+1} = theta_t - eta * grad J(theta_t)，这是正确的。）
取 lr = 0.01，从 w = 0 出发：]]}
demo("w = 0")
print(("%5s %10s %10s %10s"):format("step", "w", "loss", "dL/dw"))
for step = 1, 10 do
  local g = grad(w)
  print(("%5d %10.4f %10.4f %10.4f"):format(step, w, loss(w), g))
  w = w - 0.01 * g
end
demo("w")
check(approx(w, 3 - 3 * 0.85 ^ 10, 1e-9), {en = "after 10 steps w should be 2.4094",
                                           zh = "10 步之后 w 应为 2.4094"},
      {en = "each step shrinks the distance to 3 by 1 - 0.01*15 = 0.85: w = 3 - 3*0.85^10 = 2.4094",
       zh = "每一步把到 3 的距离缩小为 1 - 0.01*15 = 0.85 倍：w = 3 - 3*0.85^10 = 2.4094"})

try{{en = "Which w makes the loss exactly 0? Check it with loss(...).",
     zh = "哪个 w 能让损失恰好为 0？用 loss(...) 验证一下。"},
    check = function(v) return v == 3 end,
    answers = {"loss(3)", "3"},
    hint = {en = "type the weight itself, the number where the parabola touches 0",
            zh = "请输入这个权重本身，即抛物线碰到 0 的位置"}}
pause()

say{en = [[
nnscope does the same with a Dense layer of one weight and no bias, the SGD
optimizer and the mse loss. train_on_batch does one step on the four points.]],
zh = [[nnscope 用一个只有一个权重、没有偏置的 Dense 层，加上 SGD 优化器和 mse 损失，
做同样的事。train_on_batch 在这四个点上走一步。]]}
demo([[model = nn.Sequential{nn.Dense{1, use_bias = false, input_dim = 1}}]])
demo([[model:compile{optimizer = nn.optimizers.SGD{learning_rate = 0.01}, loss = "mse"}]])
demo("model:set_weights{nn.tensor{{0}}}")
demo("x, y = nn.tensor{{1}, {2}, {3}, {4}}, nn.tensor{{3}, {6}, {9}, {12}}")
demo("for step = 1, 10 do model:train_on_batch(x, y) end")
local wn = demo("model:get_weights()[1][1][1]")
check(approx(wn, w, 1e-5), {en = "nnscope's SGD should land on the same w",
                            zh = "nnscope 的 SGD 应得到同样的 w"},
      {en = "nnscope's SGD took exactly our ten steps", zh = "nnscope 的 SGD 走的正是我们那十步"})
if watch(model, "loss") then
  say{en = "Watch the loss panel while 30 more steps run.", zh = "再跑 30 步，观察损失面板。"}
end
demo("model:fit(x, y, {epochs = 30, batch_size = 4, verbose = 0})")
snap("loss", "loss")
pause()

say{en = [[
The learning rate decides everything. Each step multiplies the distance to 3 by
(1 - 15 lr). Let us try four rates for 10 steps each:]],
zh = [[学习率决定一切。每一步都把到 3 的距离乘以 (1 - 15 lr)。我们对四个学习率各走 10 步：]]}
local rates = {0.001, 0.01, 0.1, 0.15}
local series, final = {}, {}
for k, lr in ipairs(rates) do
  local wk, ys_k = 0, {}
  for step = 1, 10 do
    ys_k[step] = loss(wk)
    wk = wk - lr * grad(wk)
  end
  final[k] = wk
  series[k] = {name = "lr = " .. lr, ys = ys_k}
  print(("lr = %-6g  w after 10 steps = %10.4f   loss = %.4g"):format(lr, wk, loss(wk)))
end
plot(series, {title = {en = "loss per step for four learning rates", zh = "四个学习率下每一步的损失"},
              xlabel = "step", logy = true, height = 12})
check(math.abs(final[1] - 3) > 2 and math.abs(final[3] - 3) < 0.01 and math.abs(final[4] - 3) > 3,
      {en = "0.001 should crawl, 0.1 converge, 0.15 diverge", zh = "0.001 应爬行，0.1 应收敛，0.15 应发散"},
      {en = "0.001 crawls, 0.01 walks, 0.1 overshoots but converges, 0.15 blows up",
       zh = "0.001 在爬行，0.01 稳步前进，0.1 来回越过但收敛，0.15 发散"})
say{en = [[
With lr = 0.1 the factor is 1 - 1.5 = -0.5: w jumps over 3 each step but lands
closer. With lr = 0.15 it is -1.25: every jump lands farther away, and the loss
explodes. Any lr above 2/15 = 0.133 diverges here. Real networks have millions
of weights, each with its own parabola-like valley, and one learning rate for
all: that is why it is the first hyperparameter to tune, and why the adaptive
optimizers of lesson 9 exist.

In real training the gradient is averaged over a mini-batch (batch_size samples)
instead of all the data: a cheaper, noisier estimate of the same slope.]],
zh = [[lr = 0.1 时因子是 1 - 1.5 = -0.5：w 每一步都跳过 3，但落得更近。lr = 0.15 时因子是 -1.25：
每次跳得更远，损失爆炸。这里任何大于 2/15 = 0.133 的 lr 都会发散。真实网络有数百万个权重，
每个都有自己类似抛物线的“山谷”，却共用一个学习率：这就是为什么学习率是首先要调的超参数，
也是第 9 课中自适应优化器存在的原因。

实际训练中，梯度是对一个小批量（batch_size 个样本）求平均，而不是对全部数据：
这是对同一个斜率更便宜、但带噪声的估计。]]}
