-- en: The optimizer race
-- zh: 优化器大赛
--
-- Lesson 9: SGD, momentum, RMSprop, Adagrad, Adadelta, Adam, Nadam and Adamax,
-- each with Keras's defaults, from the same starting weights on the same
-- batches; their update rules as Keras computes them; Adam's first step by hand.
-- Shortened runs (--auto, NNSCOPE_LESSON_QUICK=1) use 3000 images, else 10000.

local N = quick(10000, 3000)
local EPOCHS = 10

say{en = [[
An optimizer turns gradients into weight changes. Plain gradient descent uses
w <- w - lr * g; the others remember past gradients to go faster or to give
each weight its own step size. Let us race all eight of the course on one
problem: a 784-32-10 network on Fashion-MNIST images, every racer starting from
the very same weights and seeing the batches in the same order.]],
zh = [[优化器把梯度变成权重的变化。普通梯度下降用 w <- w - lr * g；其他优化器会记住以往的梯度，
以便走得更快，或给每个权重各自的步长。我们让课程中的全部八个优化器在同一个问题上比赛：
在 Fashion-MNIST 图片上训练一个 784-32-10 的网络，每个选手都从完全相同的权重出发，
并以相同的顺序看到同样的批次。]]}
demo("train = nn.datasets.fashion_mnist.load_data()")
demo(("n = %d"):format(N))
demo("x = train.x:slice(1, n):reshape{n, 784} / 255")
demo("y = train.y:slice(1, n)")
demo([[
new_model = function()
  return nn.Sequential{
    nn.Dense{32, activation = "relu", input_dim = 784},
    nn.Dense{10, activation = "softmax"},
  }
end]])
demo("nn.utils.set_random_seed(7)")
demo("start = new_model():get_weights()")
pause()

say{en = [[
The racers, with Keras's default settings (lr is the learning rate):

  SGD       w <- w - lr g                                   lr = 0.01
  momentum  v <- 0.9 v - lr g;  w <- w + v                  lr = 0.01
  RMSprop   s <- 0.9 s + 0.1 g^2;  w <- w - lr g / sqrt(s + eps)        lr = 0.001
  Adagrad   s <- s + g^2 (from 0.1);  w <- w - lr g / sqrt(s + eps)    lr = 0.001
  Adadelta  s <- 0.95 s + 0.05 g^2;  d = sqrt(D + eps) / sqrt(s + eps) g;
            D <- 0.95 D + 0.05 d^2;  w <- w - lr d          lr = 0.001
  Adam      m <- 0.9 m + 0.1 g;  v <- 0.999 v + 0.001 g^2;
            m_hat = m / (1 - 0.9^t);  v_hat = v / (1 - 0.999^t);
            w <- w - lr m_hat / (sqrt(v_hat) + eps)         lr = 0.001
  Nadam     Adam with a Nesterov look-ahead on m            lr = 0.001
  Adamax    m as Adam;  u <- max(0.999 u, |g|);
            w <- w - lr / (1 - 0.9^t) m / (u + eps)         lr = 0.001]],
zh = [[参赛选手，使用 Keras 的默认设置（lr 为学习率）：

  SGD       w <- w - lr g                                   lr = 0.01
  momentum  v <- 0.9 v - lr g;  w <- w + v                  lr = 0.01
  RMSprop   s <- 0.9 s + 0.1 g^2;  w <- w - lr g / sqrt(s + eps)        lr = 0.001
  Adagrad   s <- s + g^2 (from 0.1);  w <- w - lr g / sqrt(s + eps)    lr = 0.001
  Adadelta  s <- 0.95 s + 0.05 g^2;  d = sqrt(D + eps) / sqrt(s + eps) g;
            D <- 0.95 D + 0.05 d^2;  w <- w - lr d          lr = 0.001
  Adam      m <- 0.9 m + 0.1 g;  v <- 0.999 v + 0.001 g^2;
            m_hat = m / (1 - 0.9^t);  v_hat = v / (1 - 0.999^t);
            w <- w - lr m_hat / (sqrt(v_hat) + eps)         lr = 0.001
  Nadam     在 m 上加了 Nesterov 前瞻的 Adam                 lr = 0.001
  Adamax    m 与 Adam 相同;  u <- max(0.999 u, |g|);
            w <- w - lr / (1 - 0.9^t) m / (u + eps)         lr = 0.001]]}
say{en = [[
Text 003 of the course garbles three of these: its Adadelta, Nadam and Adamax
formulas are not what Keras computes (its Adamax, for one, takes a square root
of u and uses m instead of the gradient inside the max), and its Adam leaves
out v's bias correction (1 - 0.999^t). The table above follows Keras. Adam,
by the way, is not a person: the name stands for "adaptive moment estimation"
(Kingma and Ba, 2014).]],
zh = [[课程第 003 篇把其中三个写错了：它的 Adadelta、Nadam 和 Adamax 公式都不是 Keras 实际计算的
（例如它的 Adamax 对 u 开了平方根，并且在 max 里用的是 m 而不是梯度），它的 Adam 还漏掉了
v 的偏差修正 (1 - 0.999^t)。上表遵循 Keras。顺便说一句，Adam 不是人名：
它是 “adaptive moment estimation”（自适应矩估计）的缩写（Kingma 和 Ba，2014）。]]}
pause()

local racers = {
  {"SGD", "nn.optimizers.SGD{}"},
  {"momentum", "nn.optimizers.SGD{momentum = 0.9}"},
  {"RMSprop", "nn.optimizers.RMSprop{}"},
  {"Adagrad", "nn.optimizers.Adagrad{}"},
  {"Adadelta", "nn.optimizers.Adadelta{}"},
  {"Adam", "nn.optimizers.Adam{}"},
  {"Nadam", "nn.optimizers.Nadam{}"},
  {"Adamax", "nn.optimizers.Adamax{}"},
}
say({en = "Each racer trains %d epochs in batches of 32:", zh = "每个选手以 32 为批大小训练 %d 轮："}, EPOCHS)
demo([[
race = function(optimizer)
  local m = new_model()
  m:set_weights(start)
  m:compile{optimizer = optimizer, loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}
  nn.utils.set_random_seed(1)          -- the same shuffles for everybody
  return m:fit(x, y, {epochs = ]] .. EPOCHS .. [[, batch_size = 32, verbose = 0}).history
end]])
local ROW = tr{en = "  %-9s first epoch %.4f   last epoch %.4f   accuracy %.3f",
               zh = "  %-9s 第一轮 %.4f   最后一轮 %.4f   准确率 %.3f"}
results = {}
local series = {}
for k, r in ipairs(racers) do
  local h = load("return " .. r[2], "=racer", "t", _ENV)()
  local hist = race(h)
  results[r[1]] = hist
  series[k] = {name = r[1], ys = hist.loss}
  print(ROW:format(r[1], hist.loss[1], hist.loss[EPOCHS], hist.accuracy[EPOCHS]))
end
plot(series, {title = {en = "training loss per epoch", zh = "每轮的训练损失"}, xlabel = "epoch",
              logy = true, height = 16})
if window() and viz.plot then pcall(viz.plot, series, {title = "optimizer race", logy = true}) end
local last = function(name) return results[name].loss[EPOCHS] end
check(last("Adam") < last("SGD") and last("momentum") < last("SGD"),
      {en = "Adam and momentum should beat plain SGD", zh = "Adam 和 momentum 应胜过普通 SGD"},
      {en = ("Adam %.3f and momentum %.3f finish below plain SGD %.3f"):format(last("Adam"), last("momentum"), last("SGD")),
       zh = ("Adam %.3f 和 momentum %.3f 的最终损失都低于普通 SGD %.3f"):format(last("Adam"), last("momentum"), last("SGD"))})
pause()

say{en = [[
Adadelta barely moved. That is not a bug: Keras gives Adadelta a default
learning rate of 0.001, while the paper that introduced it (Zeiler, 2012) used
no learning rate at all (the same as lr = 1.0). Its updates d are already the
right size; multiplying them by 0.001 freezes it. With lr = 1.0:]],
zh = [[Adadelta 几乎没动。这不是 bug：Keras 给 Adadelta 的默认学习率是 0.001，
而提出它的论文（Zeiler，2012）根本没有学习率（相当于 lr = 1.0）。它的更新量 d 本身大小就合适；
再乘以 0.001 就把它冻住了。用 lr = 1.0 试试：]]}
local ad1 = race(nn.optimizers.Adadelta{learning_rate = 1.0})
print(ROW:format("Adadelta", ad1.loss[1], ad1.loss[EPOCHS], ad1.accuracy[EPOCHS]))
check(last("Adadelta") > 2 * ad1.loss[EPOCHS] and ad1.loss[EPOCHS] < last("SGD"),
      {en = "Adadelta with lr = 1.0 should train far better than with 0.001",
       zh = "lr = 1.0 的 Adadelta 应比 0.001 时训练得好得多"},
      {en = ("Adadelta: %.3f with lr = 0.001, %.3f with lr = 1.0"):format(last("Adadelta"), ad1.loss[EPOCHS]),
       zh = ("Adadelta：lr = 0.001 时 %.3f，lr = 1.0 时 %.3f"):format(last("Adadelta"), ad1.loss[EPOCHS])})
say{en = [[
Likewise Adagrad: its accumulator s only grows, so its steps only shrink, and
at lr = 0.001 it starts slow. The ranking of a race depends on the learning
rates as much as on the rules; "Adam with its defaults" wins so often because
its defaults are good for many problems, not because it is always best.]],
zh = [[Adagrad 也类似：它的累加器 s 只增不减，所以步长只会变小，lr = 0.001 时起步就慢。
比赛的名次既取决于更新规则，也同样取决于学习率；“默认参数的 Adam”之所以常胜，
是因为它的默认值对很多问题都合适，而不是因为它总是最好的。]]}
pause()

say{en = [[
One Adam step by hand. On the first step m_hat = g and v_hat = g^2, so the
update is lr * g / (|g| + eps): about lr in the direction of -g, whatever the
size of g. Take one weight w = 0.5, x = 2, y = 3, MSE: g = 2 (0.5*2 - 3) * 2 = -8.]],
zh = [[手算一步 Adam。第一步时 m_hat = g，v_hat = g^2，所以更新量是 lr * g / (|g| + eps)：
无论 g 多大，都是沿 -g 方向走大约 lr。取一个权重 w = 0.5，x = 2，y = 3，MSE：
g = 2 (0.5*2 - 3) * 2 = -8。]]}
demo([[one = nn.Sequential{nn.Dense{1, use_bias = false, input_dim = 1}}]])
demo([[one:compile{optimizer = nn.optimizers.Adam{learning_rate = 0.001}, loss = "mse"}]])
demo("one:set_weights{nn.tensor{{0.5}}}")
demo("one:train_on_batch(nn.tensor{{2}}, nn.tensor{{3}})")
local w1 = demo("one:get_weights()[1][1][1]")
local g = -8
local m_hat, v_hat = g, g * g
local by_hand = 0.5 - 0.001 * m_hat / (math.sqrt(v_hat) + 1e-7)
check(approx(w1, by_hand, 1e-6), {en = "Adam's first step should be 0.5 + 0.001",
                                  zh = "Adam 的第一步应为 0.5 + 0.001"},
      {en = ("w = 0.5 - 0.001 * (-8) / (8 + 1e-7) = %.6f"):format(by_hand),
       zh = ("w = 0.5 - 0.001 * (-8) / (8 + 1e-7) = %.6f"):format(by_hand)})
try{{en = "With SGD (lr = 0.01) instead, what would w be after that step? Type the number or an expression.",
     zh = "如果改用 SGD（lr = 0.01），这一步之后 w 是多少？输入数字或表达式。"},
    check = function(v) return approx(v, 0.58, 1e-9) end,
    answers = {"0.5 - 0.01 * 8", "0.5 - 0.01 * (-8)"},
    hint = {en = "w - lr * g with g = -8: minus a negative moves w up",
            zh = "w - lr * g，其中 g = -8：减去负数会让 w 变大"}}
say{en = [[
SGD's step is proportional to the gradient (0.08 here); Adam's is about lr
whatever the gradient (0.001). Next lesson: convolution, by hand.]],
zh = [[SGD 的步长与梯度成正比（这里是 0.08）；Adam 的步长不论梯度多大都大约是 lr（0.001）。
下一课：手算卷积。]]}
