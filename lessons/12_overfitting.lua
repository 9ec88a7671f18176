-- en: Overfitting: Dropout, L1 and L2
-- zh: 过拟合：Dropout、L1 与 L2
--
-- Lesson 12: a large MLP memorises 500 Fashion-MNIST images; the validation
-- loss tells; L2 and L1 penalties (and what they do to the weights), Dropout;
-- what the course texts call regularization layers, and what Keras has.

local N = 500
local EPOCHS = 40

say{en = [[
Give a big network little data and it learns the data by heart: perfect on the
training set, worse and worse on anything new. We train a 784-128-128-10 MLP
(118 000 weights) on only 500 images, and measure it on 2000 test images it
never trains on, passed as validation_data.]],
zh = [[给一个大网络很少的数据，它就会把数据死记硬背下来：在训练集上完美，在新数据上却越来越差。
我们用仅仅 500 张图片训练一个 784-128-128-10 的多层感知机（约 118 000 个权重），
并用 2000 张它从未训练过的测试图片（作为 validation_data 传入）来衡量它。]]}
demo("train, test = nn.datasets.fashion_mnist.load_data()")
demo(("x = train.x:slice(1, %d):reshape{%d, 784} / 255"):format(N, N))
demo(("y = train.y:slice(1, %d)"):format(N))
demo("x_val = test.x:slice(1, 2000):reshape{2000, 784} / 255")
demo("y_val = test.y:slice(1, 2000)")
demo([[
build = function(reg, dropout)
  nn.utils.set_random_seed(5)
  local layers = {nn.Dense{128, activation = "relu", input_dim = 784, kernel_regularizer = reg}}
  if dropout then layers[#layers + 1] = nn.Dropout{dropout} end
  layers[#layers + 1] = nn.Dense{128, activation = "relu", kernel_regularizer = reg}
  if dropout then layers[#layers + 1] = nn.Dropout{dropout} end
  layers[#layers + 1] = nn.Dense{10, activation = "softmax"}
  local m = nn.Sequential(layers)
  m:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}
  return m
end]])
demo(([[
train_it = function(m)
  return m:fit(x, y, {epochs = %d, batch_size = 32, validation_data = {x_val, y_val}, verbose = 0}).history
end]]):format(EPOCHS))
-- Cross-entropy alone (without penalties), from the predictions, to compare models fairly.
demo([[
crossentropy = function(m, xs, ys)
  local p, s = m:predict(xs), 0
  for i = 1, ys:shape()[1] do s = s - math.log(math.max(p[i][ys[i] + 1], 1e-7)) end
  return s / ys:shape()[1]
end]])
demo("plain = build()")
watch(plain, "loss")
demo("h_plain = train_it(plain)")
snap("plain_loss", "loss")
plot({{name = tr{en = "training loss", zh = "训练损失"}, ys = h_plain.loss},
      {name = tr{en = "validation loss", zh = "验证损失"}, ys = h_plain.val_loss}},
     {title = {en = "the plain MLP on 500 images",
               zh = "500 张图片上的普通多层感知机"}, xlabel = "epoch", logy = true, height = 12})
local best, best_epoch = math.huge, 0
for e, v in ipairs(h_plain.val_loss) do
  if v < best then best, best_epoch = v, e end
end
local final_val = h_plain.val_loss[EPOCHS]
say({en = [[
Training loss %.4f, training accuracy %.3f: it knows its 500 images. The
validation loss was lowest at epoch %d (%.3f) and then rose to %.3f: from there
on, every epoch made the model more sure of the training images and less right
about new ones. That is overfitting.]],
     zh = [[训练损失 %.4f，训练准确率 %.3f：它记住了这 500 张图片。验证损失在第 %d 轮最低（%.3f），
之后升到了 %.3f：从那以后，每一轮都让模型对训练图片更自信，对新图片却更不准。这就是过拟合。]]},
    h_plain.loss[EPOCHS], h_plain.accuracy[EPOCHS], best_epoch, best, final_val)
check(h_plain.accuracy[EPOCHS] > 0.99 and final_val > 1.2 * best,
      {en = "the plain model should fit the training set and its validation loss should rise",
       zh = "普通模型应拟合训练集，并且验证损失应上升"},
      {en = "training accuracy ~1 while the validation loss climbs back up",
       zh = "训练准确率约为 1，而验证损失回升"})
pause()

say{en = [[
L2 regularization adds a penalty to the loss: 0.001 times the sum of the squared
weights (here of both hidden kernels). The optimizer now trades fitting the data
against keeping weights small. In Keras and nnscope it is an argument of the
layer, kernel_regularizer = l2(0.001), and the penalty is part of the reported
loss.]],
zh = [[L2 正则化在损失中加一个惩罚项：0.001 乘以权重的平方和（这里是两个隐藏层的 kernel）。
优化器现在要在拟合数据与保持权重较小之间权衡。在 Keras 和 nnscope 中，它是层的一个参数：
kernel_regularizer = l2(0.001)，并且惩罚项包含在报告的损失中。]]}
demo("l2 = build(nn.regularizers.l2(0.001))")
demo("h_l2 = train_it(l2)")
local w = l2:get_weights()
local penalty = 0.001 * ((w[1] * w[1]):sum() + (w[3] * w[3]):sum())
local reported = l2:evaluate(x, y, {verbose = 0})
local ce = crossentropy(l2, x, y)
say({en = "Reported training loss %.4f = cross-entropy %.4f + penalty %.4f (0.001 * sum of w^2 = %.4f).",
     zh = "报告的训练损失 %.4f = 交叉熵 %.4f + 惩罚项 %.4f（0.001 * Σ w^2 = %.4f）。"},
    reported, ce, reported - ce, penalty)
check(approx(reported - ce, penalty, 1e-3), {en = "the reported loss should include the L2 penalty",
      zh = "报告的损失应包含 L2 惩罚项"},
      {en = "the penalty is inside the loss, as in Keras", zh = "与 Keras 一样，惩罚项在损失之内"})
pause()

say{en = [[
L1 regularization penalises the sum of |w| instead: 0.0001 * sum |w|. Its pull
towards 0 does not weaken near 0 the way L2's does, so it drives many weights
to (nearly) exactly 0: a sparse network.]],
zh = [[L1 正则化惩罚的是 |w| 之和：0.0001 * Σ |w|。它把权重拉向 0 的力量在 0 附近不会像 L2 那样变弱，
所以会把很多权重压到（几乎）正好为 0：得到一个稀疏的网络。]]}
demo("l1 = build(nn.regularizers.l1(0.0001))")
demo("h_l1 = train_it(l1)")
local function stats(m)
  local k = m:get_weights()[1]
  return k:abs():sum(), k:abs():lt(1e-3):sum() / k:size()
end
local s_plain, z_plain = stats(plain)
local s_l2, z_l2 = stats(l2)
local s_l1, z_l1 = stats(l1)
print(("  %-8s %12s %18s"):format("", "sum |w|", tr{en = "share |w| < 0.001",
                                                    zh = "|w| < 0.001 的比例"}))
for _, r in ipairs{{"plain", s_plain, z_plain}, {"L2", s_l2, z_l2}, {"L1", s_l1, z_l1}} do
  print(("  %-8s %12.1f %18.2f"):format(r[1], r[2], r[3]))
end
check(s_l2 < 0.8 * s_plain and s_l1 < 0.8 * s_plain and z_l1 > 5 * z_plain,
      {en = "L2 and L1 should shrink the first kernel, and L1 should zero many weights",
       zh = "L2 和 L1 都应缩小第一层的 kernel，且 L1 应使许多权重为零"},
      {en = ("both shrink the weights; L1 leaves %.0f%% of them near 0 (plain: %.0f%%)"):format(100 * z_l1, 100 * z_plain),
       zh = ("两者都缩小了权重；L1 让 %.0f%% 的权重接近 0（普通模型：%.0f%%）"):format(100 * z_l1, 100 * z_plain)})
if watch(l1, "weights") then
  say{en = "The weights panel shows the L1 model's first layer: mostly grey (zero).",
      zh = "权重面板显示 L1 模型的第一层：大部分是灰色（零）。"}
end
snap("l1_weights", "weights")
pause()

say{en = [[
Dropout works differently: during training each unit of the layer before it is
switched off at random (here with probability 0.5), and the others are scaled
by 1 / (1 - 0.5) so the sum keeps its size. No unit can rely on one particular
partner, so the network learns redundant, more general features. At prediction
time dropout does nothing.]],
zh = [[Dropout 的原理不同：训练时，它前一层的每个单元都会被随机关闭（这里概率为 0.5），
其余单元乘以 1 / (1 - 0.5)，使总和保持原来的大小。没有哪个单元能依赖某个特定的伙伴，
所以网络学到的是冗余的、更通用的特征。预测时 dropout 什么也不做。]]}
if not nn.Dropout then
  say{en = "(This nnscope has no Dropout layer yet: skipped.)",
      zh = "（这个 nnscope 还没有 Dropout 层：跳过。）"}
else
  demo("dropped = build(nil, 0.5)")
  demo("h_drop = train_it(dropped)")
  local p1, p2 = dropped:predict(x_val:slice(1, 4)), dropped:predict(x_val:slice(1, 4))
  check((p1 - p2):abs():max() == 0, {en = "prediction should not drop anything",
                                     zh = "预测时不应丢弃任何单元"},
        {en = "two predictions are identical: dropout is off outside training",
         zh = "两次预测完全相同：训练之外 dropout 关闭"})
  local ce_plain, ce_l2, ce_l1, ce_drop = crossentropy(plain, x_val, y_val), crossentropy(l2, x_val, y_val),
                                          crossentropy(l1, x_val, y_val), crossentropy(dropped, x_val, y_val)
  say{en = "Validation cross-entropy (penalties left out) and accuracy after the last epoch:",
      zh = "最后一轮之后的验证交叉熵（不含惩罚项）和准确率："}
  local accs = {}
  for _, r in ipairs{{"plain", plain, ce_plain}, {"L2", l2, ce_l2}, {"L1", l1, ce_l1}, {"dropout", dropped, ce_drop}} do
    local _, acc = r[2]:evaluate(x_val, y_val, {verbose = 0})
    accs[r[1]] = acc
    print(("  %-8s cross-entropy %.3f   accuracy %.3f"):format(r[1], r[3], acc))
  end
  plot({{name = "plain", ys = h_plain.val_loss}, {name = "dropout", ys = h_drop.val_loss}},
       {title = {en = "validation loss per epoch", zh = "每轮的验证损失"}, xlabel = "epoch", height = 10})
  check(ce_drop < ce_plain and ce_l2 < ce_plain,
        {en = "dropout and L2 should end with a lower validation cross-entropy than the plain model",
         zh = "dropout 和 L2 的最终验证交叉熵应低于普通模型"},
        {en = ("validation cross-entropy: plain %.3f, L2 %.3f, dropout %.3f"):format(ce_plain, ce_l2, ce_drop),
         zh = ("验证交叉熵：普通 %.3f，L2 %.3f，dropout %.3f"):format(ce_plain, ce_l2, ce_drop)})
  say{en = [[
The regularized models are less overconfident on new images, so their
validation loss is lower; the accuracies stay close, because 500 images limit
what any of them can learn. The real cure for overfitting is more data;
regularization, dropout and stopping at the best validation epoch ("early
stopping") make the most of the data there is.]],
  zh = [[正则化的模型对新图片没有那么过度自信，所以验证损失更低；准确率则相差不大，
因为 500 张图片限制了任何模型能学到的东西。治疗过拟合的根本办法是更多的数据；
正则化、dropout 以及在验证效果最好的那一轮停下（“早停”）能让现有数据发挥最大作用。]]}
end

try{{en = "Build an L2 penalty object yourself, with factor 0.01 (Keras's default).",
     zh = "自己构造一个因子为 0.01（Keras 的默认值）的 L2 惩罚对象。"},
    check = function(v) return v ~= nil and type(v) ~= "number" end,
    answers = {"nn.regularizer.l2(0.01)", "nn.regularizers.l2(0.01)"},
    hint = {en = "the module is nn.regularizers (plural)", zh = "模块名是 nn.regularizers（复数）"}}

say{en = [[
About the course texts. Text 000 lists "L1Lasso", "L2Ridge", "ElasticNet" and an
"InitializableLayer" as Keras layers: Keras has no such layers. Regularization
is an argument of a layer: kernel_regularizer = l1(...), l2(...) or l1_l2(...)
(the last is the elastic net). It also speaks of "batch regularization", which
is not a thing: BatchNormalization is a layer that normalises activations over
the batch; regularization is a penalty added to the loss.]],
zh = [[关于课程内容。第 000 篇把 “L1Lasso”、“L2Ridge”、“ElasticNet” 和 “InitializableLayer”
当作 Keras 的层：Keras 并没有这些层。正则化是层的一个参数：kernel_regularizer = l1(...)、l2(...)
或 l1_l2(...)（最后一个就是弹性网络）。它还提到“批量正则化”，这并不存在：
BatchNormalization 是一个在批内对激活值做归一化的层；而正则化是加到损失上的惩罚项。]]}
say{en = "Next lesson: networks that are not a straight line of layers, the functional API.",
    zh = "下一课：不是一条直线的网络——函数式 API。"}
