-- en: What the tutorials get wrong
-- zh: 教程里的错误
--
-- Lesson 16: the known mistakes of the course texts (shared/course/README.md),
-- each run in nnscope so the learner sees what goes wrong: the flipped gradient
-- sign, from_logits = true after a softmax, the max-pooling index formula,
-- accuracy as a loss, the binary formula given for categorical cross-entropy,
-- a matrix product whose shapes do not fit, and a few wrong names and facts.

say{en = [[
The course texts teach a lot that is right, and a few things that are not.
Everybody who learns from tutorials meets such slips; the skill is to notice
them. Here each one is run, so you can see what it would do. Kindly: the authors
mostly mixed up conventions, and the fixes are small.]],
zh = [[课程讲对了很多内容，也有少数地方不对。每个从教程学习的人都会遇到这样的疏漏；
本事在于能发现它们。这里把每个错误都运行一遍，让你亲眼看到它会造成什么。
请宽容一些：作者大多是混淆了约定，修正起来也都不难。]]}

-- --------------------------------------------------------------------- 1
say{en = [[
1. The sign of the gradient (text 000). It writes dL/dW = (y - yhat) x^T and
dL/db = (y - yhat), to be used in W <- W - lr dL/dW. The gradient of the
squared error is (yhat - y) x^T (times 2 and 1/N): the text's version points
uphill. Run it on the four points of lesson 5 (y = 3x), starting at w = 0, b = 0:]],
zh = [[1. 梯度的符号（第 000 篇）。它写的是 dL/dW = (y - yhat) x^T，dL/db = (y - yhat)，
并用于 W <- W - lr dL/dW。平方误差的梯度是 (yhat - y) x^T（再乘 2 和 1/N）：
课程的版本指向上坡。用第 5 课的四个点（y = 3x）运行它，从 w = 0、b = 0 开始：]]}
demo("xs, ys = {1, 2, 3, 4}, {3, 6, 9, 12}")
demo([[
run = function(sign, steps)
  local w, b, lr, losses = 0, 0, 0.01, {}
  for t = 1, steps do
    local gw, gb, L = 0, 0, 0
    for i = 1, 4 do
      local yhat = w * xs[i] + b
      L = L + (yhat - ys[i]) ^ 2 / 4
      gw = gw + sign * (yhat - ys[i]) * xs[i] / 4
      gb = gb + sign * (yhat - ys[i]) / 4
    end
    losses[t] = L
    w, b = w - lr * gw, b - lr * gb
  end
  return losses
end]])
demo("right = run(1, 15)      -- (yhat - y) x: descent")
demo("wrong = run(-1, 15)     -- (y - yhat) x, the text's sign: ascent")
plot({{name = "(yhat - y) x", ys = right}, {name = "(y - yhat) x", ys = wrong}},
     {title = {en = "loss per step", zh = "每一步的损失"}, xlabel = "step", logy = true, height = 10})
check(wrong[15] > wrong[1] and right[15] < right[1],
      {en = "the flipped sign should make the loss grow", zh = "符号反了应使损失增大"},
      {en = ("with the text's sign the loss grows from %.1f to %.1f; with the right one it falls to %.2f")
              :format(wrong[1], wrong[15], right[15]),
       zh = ("用课程的符号，损失从 %.1f 增加到 %.1f；用正确的符号，损失降到 %.2f"):format(wrong[1], wrong[15], right[15])})
say{en = [[
Flipping the gradient is the same as a negative learning rate, which nnscope's
optimizers refuse:]],
zh = [[把梯度取反等价于负的学习率，而 nnscope 的优化器会拒绝负学习率：]]}
demo("nn.optimizers.SGD{learning_rate = -0.01}")
pause()

-- --------------------------------------------------------------------- 2
say{en = [[
2. from_logits = True after a softmax (text 004). Its CIFAR-10 model ends with
Dense(10, activation='softmax') and compiles with
SparseCategoricalCrossentropy(from_logits=True). from_logits = True tells the
loss that the outputs are raw scores to which it must apply softmax itself; on
outputs that are already probabilities, softmax is applied twice.

First the loss of a PERFECT prediction, p = (1, 0, 0) for class 0 (with the
constant-output model of lesson 4):]],
zh = [[2. softmax 之后使用 from_logits = True（第 004 篇）。它的 CIFAR-10 模型以
Dense(10, activation='softmax') 结尾，却用 SparseCategoricalCrossentropy(from_logits=True) 编译。
from_logits = True 告诉损失函数：输出是原始分数，需要它自己做 softmax；
如果输出已经是概率，softmax 就被做了两次。

先看一个“完美”预测的损失，对类别 0 预测 p = (1, 0, 0)（用第 4 课中输出恒定的模型）：]]}
demo([[
loss_of = function(loss, label, p)
  local model = nn.Sequential{nn.Dense{#p, input_dim = 1}}
  model:set_weights{nn.zeros{1, #p}, nn.tensor(p)}
  model:compile{optimizer = "sgd", loss = loss}
  return model:evaluate(nn.zeros{1, 1}, nn.tensor{label}, {verbose = 0})
end]])
local good = demo([[loss_of(nn.losses.SparseCategoricalCrossentropy{from_logits = false}, 0, {1, 0, 0})]])
local bad = demo([[loss_of(nn.losses.SparseCategoricalCrossentropy{from_logits = true}, 0, {1, 0, 0})]])
check(good < 1e-6 and approx(bad, -math.log(math.exp(1) / (math.exp(1) + 2)), 1e-5),
      {en = "a perfect prediction should cost ~0, and -log(e/(e+2)) = 0.5514 with from_logits",
       zh = "完美预测的损失应约为 0，而用 from_logits 时为 -log(e/(e+2)) = 0.5514"},
      {en = "perfect prediction: loss 0 as it should be, but 0.5514 with from_logits = true",
       zh = "完美预测：损失本应为 0，但 from_logits = true 时为 0.5514"})
say{en = [[
With 10 classes the outputs (probabilities between 0 and 1) are at best the
scores (1, 0, ..., 0), so the reported loss can never go below
-log(e / (e + 9)) = 1.4612, however good the model. And the gradients pass
through softmax twice and are squashed, so it learns more slowly. Train the
same MLP both ways on 5000 Fashion-MNIST images:]],
zh = [[有 10 个类别时，输出（0 到 1 之间的概率）作为分数最多是 (1, 0, ..., 0)，所以无论模型多好，
报告的损失都不可能低于 -log(e / (e + 9)) = 1.4612。而且梯度要穿过两次 softmax，被压扁了，
所以学得更慢。用 5000 张 Fashion-MNIST 图片，把同一个多层感知机按两种方式各训练一次：]]}
demo("train, test = nn.datasets.fashion_mnist.load_data()")
demo("x, y = train.x:slice(1, 5000):reshape{5000, 784} / 255, train.y:slice(1, 5000)")
demo("x_val, y_val = test.x:slice(1, 2000):reshape{2000, 784} / 255, test.y:slice(1, 2000)")
demo([[
compare = function(from_logits)
  nn.utils.set_random_seed(1)
  local m = nn.Sequential{nn.Dense{32, activation = "relu", input_dim = 784}, nn.Dense{10, activation = "softmax"}}
  m:compile{optimizer = "adam", metrics = {"accuracy"},
            loss = nn.losses.SparseCategoricalCrossentropy{from_logits = from_logits}}
  local h = m:fit(x, y, {epochs = 5, batch_size = 32, verbose = 0}).history
  local p, ce = m:predict(x_val), 0
  for i = 1, 2000 do ce = ce - math.log(math.max(p[i][y_val[i] + 1], 1e-7)) end
  return h, ce / 2000
end]])
local h_ok, ce_ok = compare(false)
local h_bad, ce_bad = compare(true)
print(("  %-22s %-28s %-26s %s"):format("", tr{en = "accuracy per epoch", zh = "每轮准确率"},
                                          tr{en = "reported loss (last)", zh = "报告的损失（最后）"},
                                          tr{en = "real val. cross-entropy", zh = "真实验证交叉熵"}))
for _, r in ipairs{{"from_logits = false", h_ok, ce_ok}, {"from_logits = true", h_bad, ce_bad}} do
  local accs = {}
  for e = 1, 5 do accs[e] = ("%.2f"):format(r[2].accuracy[e]) end
  print(("  %-22s %-28s %-26.4f %.4f"):format(r[1], table.concat(accs, " "), r[2].loss[5], r[3]))
end
check(h_bad.loss[5] > 1.4611 and ce_bad > ce_ok and h_bad.accuracy[1] < h_ok.accuracy[1],
      {en = "from_logits after softmax should report a loss above 1.4612 and learn worse",
       zh = "softmax 之后用 from_logits 应报告高于 1.4612 的损失，并且学得更差"},
      {en = ("reported loss stuck above 1.4612 (%.3f); it learns slower and its real cross-entropy is worse (%.3f vs %.3f)")
              :format(h_bad.loss[5], ce_bad, ce_ok),
       zh = ("报告的损失停在 1.4612 之上（%.3f）；学得更慢，真实交叉熵也更差（%.3f 对 %.3f）")
              :format(h_bad.loss[5], ce_bad, ce_ok)})
say{en = [[
The rule: softmax in the last layer and from_logits = false (the default), or
a linear last layer and from_logits = true. Never both.]],
zh = [[规则：要么最后一层用 softmax 并且 from_logits = false（默认值），要么最后一层是线性的并且
from_logits = true。绝不能两者同时用。]]}
pause()

-- --------------------------------------------------------------------- 3
say{en = [[
3. The max-pooling formula (text 001):
p(i, j) = max{x(4i+1, 4j+1), x(4i+1, 4j+2), x(4i+1, 4j+3), x(4i+1, 4j+4)}.
Those are four neighbours in ONE row, and the next output starts 4 columns
later. On a 4 x 4 input numbered 1 to 16 only p(0, 0) exists:]],
zh = [[3. 最大池化公式（第 001 篇）：p(i, j) = max{x(4i+1, 4j+1), x(4i+1, 4j+2), x(4i+1, 4j+3), x(4i+1, 4j+4)}。
这是“同一行”里的四个相邻值，下一个输出还要隔 4 列开始。在编号为 1 到 16 的 4 x 4 输入上，
只存在 p(0, 0)：]]}
demo("x4 = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}, {13, 14, 15, 16}}")
local text_p = demo("math.max(x4[0 * 4 + 1][0 * 4 + 1], x4[1][2], x4[1][3], x4[1][4])")
say{en = "A 2 x 2 max pool takes each 2 x 2 block instead:", zh = "而 2 x 2 最大池化取的是每个 2 x 2 块："}
local real
if nn.MaxPooling2D then
  demo("pool = nn.Sequential{nn.MaxPooling2D{{2, 2}, input_shape = {4, 4, 1}}}")
  real = demo("pool:predict(nn.tensor(x4):reshape{1, 4, 4, 1}):reshape{2, 2}")
else
  real = nn.tensor{{6, 8}, {14, 16}}
  demo("nn.tensor{{6, 8}, {14, 16}}")
end
check(text_p == 4 and real[1][1] == 6 and real[2][2] == 16,
      {en = "the text's formula should give one value, 4; MaxPooling2D gives 6, 8, 14, 16",
       zh = "课程的公式只给出一个值 4；MaxPooling2D 给出 6、8、14、16"},
      {en = "the text's formula: one value, 4 (a 1 x 4 strip); MaxPooling2D: 6, 8, 14, 16",
       zh = "课程的公式：一个值 4（1 x 4 的条带）；MaxPooling2D：6、8、14、16"})
say{en = "Counting from 0, the right formula is max(x[2i][2j], x[2i][2j+1], x[2i+1][2j], x[2i+1][2j+1]).",
    zh = "从 0 开始计数，正确的公式是 max(x[2i][2j], x[2i][2j+1], x[2i+1][2j], x[2i+1][2j+1])。"}
pause()

-- --------------------------------------------------------------------- 4
say{en = [[
4. "Accuracy" listed as a loss function (text 001). Accuracy is a metric: it
is reported, but training cannot follow it, because it is flat almost
everywhere. Nudge a weight a little and not a single prediction flips: the
slope of accuracy is 0, so gradient descent gets no direction. Cross-entropy
moves with every nudge.]],
zh = [[4. 把 “准确率” 列为损失函数（第 001 篇）。准确率是一个指标（metric）：它会被报告，
但训练无法跟随它，因为它几乎处处是平的。把某个权重稍微动一下，没有一个预测会翻转：
准确率的斜率是 0，梯度下降得不到方向。而交叉熵会随每一次微动而变化。]]}
demo("xm, ym = nn.datasets.make_moons{n = 200, noise = 0.2, seed = 2}")
demo("nn.utils.set_random_seed(2)")
demo([[m = nn.Sequential{nn.Dense{8, activation = "tanh", input_dim = 2}, nn.Dense{2, activation = "softmax"}}]])
demo([[m:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}]])
demo("m:fit(xm, ym, {epochs = 100, batch_size = 32, verbose = 0})")
demo([[
nudge = function(h)
  local w = m:get_weights()
  w[1]:set(1, 1, w[1][1][1] + h)
  m:set_weights(w)
  local loss, acc = m:evaluate(xm, ym, {verbose = 0})
  w[1]:set(1, 1, w[1][1][1] - h)
  m:set_weights(w)
  return loss, acc
end]])
local l0, a0 = demo("nudge(0)")
local l1, a1 = demo("nudge(0.001)")
check(a1 == a0 and l1 ~= l0, {en = "a small nudge should change the loss and not the accuracy",
      zh = "微小的改动应改变损失而不改变准确率"},
      {en = "nudged by 0.001: accuracy unchanged (slope 0), cross-entropy moved",
       zh = "改动 0.001：准确率不变（斜率为 0），交叉熵变了"})
say{en = "nnscope, like Keras, has no loss called accuracy:",
    zh = "和 Keras 一样，nnscope 没有叫 accuracy 的损失："}
demo([[m:compile{optimizer = "adam", loss = "accuracy"}]])
pause()

-- --------------------------------------------------------------------- 5
say{en = [[
5. The categorical cross-entropy formula (text 003) is the binary one,
-sum [y log p + (1 - y) log(1 - p)]. For y = (0, 1, 0), p = (0.2, 0.7, 0.1) it
gives 0.6852; categorical cross-entropy, -sum y log p, is -log 0.7 = 0.3567, and
that is what Keras computes (lesson 4 has the details).]],
zh = [[5. 第 003 篇的分类交叉熵公式其实是二元交叉熵的公式 -Σ [y log p + (1 - y) log(1 - p)]。
对 y = (0, 1, 0)、p = (0.2, 0.7, 0.1)，它给出 0.6852；而分类交叉熵 -Σ y log p = -log 0.7 = 0.3567，
这才是 Keras 的计算结果（详见第 4 课）。]]}
local cat = loss_of("sparse_categorical_crossentropy", 1, {0.2, 0.7, 0.1})
local textf = -(math.log(0.8) + math.log(0.7) + math.log(0.9))
check(approx(cat, 0.356675, 1e-4) and approx(textf, 0.685179, 1e-5),
      {en = "the two formulas should give 0.3567 and 0.6852", zh = "两个公式应分别给出 0.3567 和 0.6852"},
      {en = ("Keras's categorical cross-entropy %.4f; the text's formula %.4f"):format(cat, textf),
       zh = ("Keras 的分类交叉熵 %.4f；课程的公式 %.4f"):format(cat, textf)})
pause()

-- --------------------------------------------------------------------- 6
say{en = [=[
6. A matrix product whose shapes do not fit (text 002). Its worked example of
y = W x + b multiplies a 3 x 2 matrix [[1, 2], [3, 4], [5, 6]] by the 3-vector
(1, 2, 3) and adds the 2-vector (1, 2), to get (10, 23, 35). A (3, 2) matrix
times a (3, 1) column is undefined, and a 3-vector plus a 2-vector too:]=],
zh = [=[6. 形状对不上的矩阵乘法（第 002 篇）。它的 y = W x + b 示例把 3 x 2 矩阵 [[1, 2], [3, 4], [5, 6]]
乘以三维向量 (1, 2, 3)，再加上二维向量 (1, 2)，得到 (10, 23, 35)。(3, 2) 的矩阵乘以 (3, 1) 的列向量
是没有定义的，三维向量加二维向量也一样：]=]}
local r6 = demo("nn.tensor{{1, 2}, {3, 4}, {5, 6}}:matmul(nn.tensor{{1}, {2}, {3}})")
check(r6 == nil, {en = "the product should be refused", zh = "这个乘法应被拒绝"},
      {en = "refused: (3, 2) and (3, 1) are not aligned", zh = "被拒绝：(3, 2) 与 (3, 1) 对不上"})
say{en = [[
With Keras's layout (x as a row, W as (inputs, units)) the example works as
x W + b, a 3-input layer of 2 units: (1, 2, 3) W = (22, 28), plus b = (23, 30).]],
zh = [[按 Keras 的布局（x 为行向量，W 为（输入数，单元数）），这个例子应写成 x W + b，
即 3 个输入、2 个单元的层：(1, 2, 3) W = (22, 28)，加上 b 得 (23, 30)。]]}
local fixed = demo("nn.tensor{{1, 2, 3}}:matmul(nn.tensor{{1, 2}, {3, 4}, {5, 6}}) + nn.tensor{1, 2}")
check(fixed and fixed[1][1] == 23 and fixed[1][2] == 30, {en = "x W + b should be (23, 30)",
                                                          zh = "x W + b 应为 (23, 30)"},
      {en = "x W + b = (23, 30)", zh = "x W + b = (23, 30)"})
pause()

-- --------------------------------------------------------------------- 7
say{en = [[
7. Names and facts, briefly.
- keras.datasets.CIFAR10 (text 004) does not exist: the module is
  keras.datasets.cifar10, lower case; in nnscope nn.datasets.cifar10.
- There are no "Loss" or "Optimizer" layers (text 004): losses and optimizers
  are given to compile.
- Keras was written by François Chollet and released in 2015, not by Google "to
  build image recognition", and Caffe was never one of its backends (text 003).
- Sequential models are not limited to one-dimensional tensors (text 003):
  lesson 11's CNN is Sequential.
- Adam is "adaptive moment estimation" (Kingma and Ba), not an author's name,
  and the Adadelta, Nadam and Adamax formulas of text 003 are garbled (lesson 9
  gives Keras's rules).
- L1Lasso, L2Ridge, ElasticNet and InitializableLayer are not Keras layers,
  and "batch regularization" is not a thing (text 000; lesson 12).]],
zh = [[7. 名字和事实，简要列出。
- keras.datasets.CIFAR10（第 004 篇）不存在：模块名是小写的 keras.datasets.cifar10；
  在 nnscope 中是 nn.datasets.cifar10。
- 不存在 “Loss” 或 “Optimizer” 层（第 004 篇）：损失函数和优化器是传给 compile 的。
- Keras 由 François Chollet 编写，于 2015 年发布，并不是 Google “为了构建图像识别”而写的；
  Caffe 也从来不是它的后端（第 003 篇）。
- Sequential 模型并不局限于一维张量（第 003 篇）：第 11 课的卷积网络就是 Sequential。
- Adam 是 “adaptive moment estimation”（自适应矩估计，Kingma 和 Ba），不是作者的名字；
  第 003 篇中 Adadelta、Nadam 和 Adamax 的公式是错乱的（第 9 课给出了 Keras 的规则）。
- L1Lasso、L2Ridge、ElasticNet 和 InitializableLayer 都不是 Keras 的层，
  “批量正则化”也不存在（第 000 篇；第 12 课）。]]}
demo("nn.datasets.CIFAR10, nn.datasets.cifar10 ~= nil")
demo("nn.layers.Loss, nn.layers.Optimizer")
check(nn.datasets.CIFAR10 == nil and nn.datasets.cifar10 ~= nil and nn.layers.Loss == nil,
      {en = "only the lower-case cifar10 should exist, and no Loss layer",
       zh = "应只存在小写的 cifar10，且没有 Loss 层"},
      {en = "cifar10 exists, CIFAR10 and a Loss layer do not",
       zh = "cifar10 存在，CIFAR10 和 Loss 层不存在"})

try{{en = "Last one: with a softmax output layer, should from_logits be true or false? Type true or false.",
     zh = "最后一题：输出层是 softmax 时，from_logits 应该是 true 还是 false？请输入 true 或 false。"},
    check = function(v) return v == false end,
    answers = {"true", "false"},
    hint = {en = "softmax already turned the scores into probabilities", zh = "softmax 已经把分数变成了概率"}}

say{en = [[
That is the end of the lessons. Every number in them was computed while you
watched; when a text and a computation disagree, the computation is the one to
check first. lessons() lists them all, help() is always there.]],
zh = [[课程到此结束。课程中的每个数字都是在你眼前计算出来的；当文字和计算结果不一致时，
首先该检查的是计算。lessons() 列出所有课程，help() 随时可用。]]}
