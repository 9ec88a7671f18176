-- en: Loss functions: MSE and cross-entropy
-- zh: 损失函数：均方误差与交叉熵
--
-- Lesson 4: MSE and categorical cross-entropy computed by hand and by nnscope,
-- what each punishes, Keras's conventions (means, sparse labels), and the two
-- places where the course's formulas differ from what Keras computes.

say{en = [[
A loss turns "how wrong was the prediction" into one number that training
pushes down. Take a classifier with 3 classes that predicts the probabilities
p = (0.2, 0.7, 0.1) for a sample whose true class is the second one; in one-hot
form the target is y = (0, 1, 0).]],
zh = [[损失函数把“预测错了多少”变成一个数，训练就是不断把这个数压低。
设一个三分类的分类器，对某个样本预测的概率为 p = (0.2, 0.7, 0.1)，而该样本的真实类别是第二类；
写成 one-hot 形式，目标是 y = (0, 1, 0)。]]}

demo("y = {0, 1, 0}")
demo("p = {0.2, 0.7, 0.1}")

say{en = [[
Mean squared error: the mean over the outputs of (y_k - p_k)^2.]],
zh = [[均方误差（MSE）：对所有输出取 (y_k - p_k)^2 的平均值。]]}
demo("mse = function(y, p) local s = 0 for k = 1, #y do s = s + (y[k] - p[k]) ^ 2 end return s / #y end")
local m = demo("mse(y, p)")
say{en = "(0.04 + 0.09 + 0.01) / 3 = 0.04667.", zh = "(0.04 + 0.09 + 0.01) / 3 = 0.04667。"}

say{en = [[
Categorical cross-entropy: -sum over k of y_k log p_k. With a one-hot y only
the true class counts: the loss is -log of the probability given to it.]],
zh = [[分类交叉熵（CCE）：-Σ_k y_k log p_k。y 是 one-hot 时只有真实类别起作用：
损失就是分给真实类别的概率取 -log。]]}
demo("cce = function(y, p) local s = 0 for k = 1, #y do s = s - y[k] * math.log(p[k]) end return s end")
local c = demo("cce(y, p)")
check(approx(m, 0.14 / 3, 1e-9) and approx(c, -math.log(0.7), 1e-12),
      {en = "MSE should be 0.04667 and CCE -log(0.7) = 0.3567",
       zh = "MSE 应为 0.04667，CCE 应为 -log(0.7) = 0.3567"},
      {en = "MSE = 0.04667, CCE = -log 0.7 = 0.3567", zh = "MSE = 0.04667，CCE = -log 0.7 = 0.3567"})
pause()

say{en = [[
Now nnscope. To hand a loss a fixed prediction we use a trick: a Dense layer
whose kernel is 0 outputs its bias whatever the input, so a model with bias p
always predicts p. evaluate() then reports the loss, computed by nnscope's core.]],
zh = [[现在用 nnscope 计算。为了把一个固定的预测交给损失函数，我们用一个小技巧：kernel 为 0 的
Dense 层不管输入是什么都输出它的 bias，所以 bias 为 p 的模型总是预测 p。
然后 evaluate() 报告由 nnscope 核心计算出的损失。]]}
demo([[
loss_of = function(loss, y, p)
  local model = nn.Sequential{nn.Dense{#p, input_dim = 1}}
  model:set_weights{nn.zeros{1, #p}, nn.tensor(p)}
  model:compile{optimizer = "sgd", loss = loss}
  return model:evaluate(nn.zeros{1, 1}, nn.tensor{y}, {verbose = 0})
end]])
local nm = demo([[loss_of("mean_squared_error", y, p)]])
local nc = demo([[loss_of("categorical_crossentropy", y, p)]])
check(approx(nm, m, 1e-6) and approx(nc, c, 1e-6),
      {en = "nnscope's losses should equal the hand computations", zh = "nnscope 的损失应与手算一致"},
      {en = "nnscope computes the same two numbers", zh = "nnscope 算出了同样的两个数"})

say{en = [[
With labels given as class numbers (0, 1, 2, as Keras counts), the same loss is
called sparse_categorical_crossentropy: the label 1 means y = (0, 1, 0).]],
zh = [[如果标签以类别编号给出（0、1、2，和 Keras 一样从 0 数起），同样的损失叫做
sparse_categorical_crossentropy：标签 1 就表示 y = (0, 1, 0)。]]}
demo([[
sparse_of = function(label, p)
  local model = nn.Sequential{nn.Dense{#p, input_dim = 1}}
  model:set_weights{nn.zeros{1, #p}, nn.tensor(p)}
  model:compile{optimizer = "sgd", loss = "sparse_categorical_crossentropy"}
  return model:evaluate(nn.zeros{1, 1}, nn.tensor{label}, {verbose = 0})
end]])
local ns = demo("sparse_of(1, p)")
check(approx(ns, c, 1e-6), {en = "sparse and one-hot labels should give the same loss",
                            zh = "稀疏标签和 one-hot 标签应给出相同的损失"},
      {en = "label 1 and one-hot (0, 1, 0) give the same loss",
       zh = "标签 1 与 one-hot (0, 1, 0) 给出相同的损失"})
pause()

say{en = [[
What do they punish? Make the model confident and wrong: it gives the true class
only 0.01.]],
zh = [[它们各自惩罚什么？让模型“自信地犯错”：只给真实类别 0.01 的概率。]]}
demo("q = {0.98, 0.01, 0.01}")
local qm = demo("mse(y, q)")
local qc = demo("cce(y, q)")
say{en = [[
MSE cannot grow much further: even with all the probability on a wrong class
it is (1 + 1 + 0) / 3 = 0.6667. Cross-entropy keeps growing as the true class's
probability shrinks:]],
zh = [[MSE 已经没法再大多少了：即使把全部概率都给了错误的类别，它也只有 (1 + 1 + 0) / 3 = 0.6667。
而随着真实类别的概率变小，交叉熵会一直增大：]]}
local worst_mse = demo("mse(y, {1, 0, 0})")
local far = demo("cce(y, {0.9998, 0.0001, 0.0001})")
check(qm < worst_mse and approx(worst_mse, 2 / 3, 1e-12) and far > 9,
      {en = "MSE should stay below 2/3 while cross-entropy passes 9",
       zh = "MSE 应保持在 2/3 以下，而交叉熵超过 9"},
      {en = ("MSE is capped at 0.6667; cross-entropy reaches %.2f at p = 0.0001"):format(far),
       zh = ("MSE 的上限是 0.6667；p = 0.0001 时交叉熵达到 %.2f"):format(far)})

local xs, ce, se = {}, {}, {}
for i = 1, 40 do
  local pt = i / 40
  xs[i], ce[i], se[i] = pt, -math.log(pt), (1 - pt) ^ 2
end
plot({{name = "-log p", ys = ce, xs = xs}, {name = "(1 - p)^2", ys = se, xs = xs}},
     {title = {en = "loss of the true class against its probability p", zh = "真实类别的损失与其概率 p 的关系"},
      xlabel = "p", height = 10})
say{en = [[
MSE's penalty for one output is at most 1; cross-entropy's grows without limit
as the true class's probability goes to 0. With a softmax output, its gradient
with respect to the scores z is simply p - y, so a confidently wrong network
gets a strong push. That is why classifiers use cross-entropy, and regression
(predicting a number) uses MSE.]],
zh = [[MSE 对单个输出的惩罚最多为 1；而当真实类别的概率趋于 0 时，交叉熵会无限增大。
配合 softmax 输出时，它对分数 z 的梯度就是 p - y，所以自信地犯错的网络会被狠狠地推一把。
这就是分类器使用交叉熵、回归（预测一个数值）使用 MSE 的原因。]]}

try{{en = "What is the cross-entropy when the true class gets probability 0.5?",
     zh = "当真实类别得到 0.5 的概率时，交叉熵是多少？"},
    check = function(v) return approx(v, math.log(2), 1e-9) end,
    answers = {"math.log(0.5)", "-math.log(0.5)"},
    hint = {en = "the loss is MINUS the log of the probability", zh = "损失是概率的对数取负号"}}
pause()

say{en = [[
Over a batch, Keras averages the per-sample losses. Two samples, one predicted
with p, one with q:]],
zh = [[对一批样本，Keras 取每个样本损失的平均值。两个样本，一个预测为 p，一个预测为 q：]]}
demo([[
batch_loss = function()
  local model = nn.Sequential{nn.Dense{3, input_dim = 2, use_bias = false}}
  model:set_weights{nn.tensor{p, q}}
  model:compile{optimizer = "sgd", loss = "categorical_crossentropy"}
  return model:evaluate(nn.tensor{{1, 0}, {0, 1}}, nn.tensor{y, y}, {verbose = 0})
end]])
local bl = demo("batch_loss()")
demo("(cce(y, p) + cce(y, q)) / 2")
check(approx(bl, (c + qc) / 2, 1e-5), {en = "the batch loss should be the mean of the two",
                                       zh = "批损失应为两者的平均"},
      {en = "the loss of a batch is the mean over its samples", zh = "一批的损失是其中样本损失的平均值"})
pause()

say{en = [[
Two things in the course texts differ from what Keras computes.

Text 000 writes MSE as L = 1/(2N) sum (y - y_hat)^2. The 1/2 is a common
textbook convention (it cancels the 2 of the derivative), but Keras's
mean_squared_error has no 1/2: for y = 3 and a prediction of 1, Keras reports
4, not 2.]],
zh = [[课程中有两处与 Keras 的实际计算不同。

第 000 篇把 MSE 写成 L = 1/(2N) Σ (y - y_hat)^2。1/2 是教科书中常见的约定（用来约掉求导时的 2），
但 Keras 的 mean_squared_error 没有 1/2：当 y = 3、预测为 1 时，Keras 给出 4，而不是 2。]]}
local k4 = demo([[loss_of("mean_squared_error", {3}, {1})]])
check(approx(k4, 4, 1e-6), {en = "Keras's MSE of a miss by 2 should be 4",
                            zh = "差 2 时 Keras 的 MSE 应为 4"},
      {en = "no 1/2 in Keras's MSE: (3 - 1)^2 = 4", zh = "Keras 的 MSE 没有 1/2：(3 - 1)^2 = 4"})

say{en = [[
Text 003 gives the categorical cross-entropy as
-sum [y_k log p_k + (1 - y_k) log(1 - p_k)]. That is the BINARY cross-entropy
formula, summed over the classes. The categorical cross-entropy is -sum y_k log p_k.
On our example they are far apart:]],
zh = [[第 003 篇给出的分类交叉熵是 -Σ [y_k log p_k + (1 - y_k) log(1 - p_k)]。这其实是
二元交叉熵（binary cross-entropy）的公式，对各类别求和。分类交叉熵应为 -Σ y_k log p_k。
在我们的例子里两者相差很大：]]}
demo("-(math.log(1 - 0.2) + math.log(0.7) + math.log(1 - 0.1))")
demo("cce(y, p)")
local bce = demo([[loss_of("binary_crossentropy", y, p)]])
check(approx(bce, -(math.log(0.8) + math.log(0.7) + math.log(0.9)) / 3, 1e-5),
      {en = "binary_crossentropy should be the mean of the per-output binary losses",
       zh = "binary_crossentropy 应为各输出二元损失的平均值"},
      {en = "Keras's binary_crossentropy is that formula averaged over the 3 outputs (0.6852 / 3)",
       zh = "Keras 的 binary_crossentropy 就是该公式对 3 个输出取平均（0.6852 / 3）"})
say{en = [[
Binary cross-entropy is for outputs that are each a separate yes/no (a sigmoid
per output); categorical cross-entropy is for one choice among classes (softmax).

Next lesson: gradient descent, the way training pushes the loss down.]],
zh = [[二元交叉熵用于每个输出各自是一个是/否判断的情况（每个输出一个 sigmoid）；
分类交叉熵用于在多个类别中选一个的情况（softmax）。

下一课：梯度下降，训练压低损失的方法。]]}
