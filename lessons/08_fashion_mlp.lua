-- en: Fashion-MNIST with an MLP: weights become templates
-- zh: 用多层感知机识别 Fashion-MNIST：权重变成模板
--
-- Lesson 8: a softmax layer on 784 pixels, whose ten weight vectors become
-- pictures of the classes as it trains; then the course's 784-32-10 MLP.
-- Shortened runs (--auto, NNSCOPE_LESSON_QUICK=1) train on 10000 images.

local N = quick(60000, 10000)
local EPOCHS = 5

say{en = [[
Fashion-MNIST: 28 x 28 greyscale pictures of 10 kinds of clothes. A Dense layer
wants a vector per sample, so each picture is flattened into 784 numbers and
scaled to 0..1, exactly as the course does for MNIST.]],
zh = [[Fashion-MNIST：10 类服装的 28 x 28 灰度图片。Dense 层要求每个样本是一个向量，
所以每张图片被展平成 784 个数，并缩放到 0..1，和课程中处理 MNIST 的方式完全一样。]]}
demo("train, test = nn.datasets.fashion_mnist.load_data()")
demo(("n = %d"):format(N))
demo("x_train = train.x:slice(1, n):reshape{n, 784} / 255")
demo("y_train = train.y:slice(1, n)")
demo("x_test = test.x:reshape{10000, 784} / 255")
demo("x_train:shape()")
if N < 60000 then
  say({en = "(Shortened run: %d of the 60000 training images.)",
       zh = "（缩短的运行：使用 60000 张训练图片中的 %d 张。）"}, N)
end
say{en = [[
The labels stay class numbers 0..9, so the loss is
sparse_categorical_crossentropy (no need for to_categorical).]],
zh = [[标签保持为类别编号 0..9，所以损失用 sparse_categorical_crossentropy（不需要 to_categorical）。]]}
pause()

say{en = [[
Start with the simplest classifier: one Dense layer of 10 softmax units, one
per class. Unit k computes z_k = sum over the 784 pixels of w_ik x_i + b_k: its
784 weights have the shape of a picture. Before training they are noise.
Here are the weights of the "Trouser" unit (class 1), drawn as a 28 x 28 image:]],
zh = [[从最简单的分类器开始：一个有 10 个 softmax 单元的 Dense 层，每类一个单元。
单元 k 计算 z_k = Σ(784 个像素) w_ik x_i + b_k：它的 784 个权重正好是一张图片的形状。
训练前它们只是噪声。下面是“裤子”单元（类别 1）的权重，画成 28 x 28 的图：]]}
demo("nn.utils.set_random_seed(1)")
demo([[model = nn.Sequential{nn.Dense{10, activation = "softmax", input_dim = 784}}]])
demo([[model:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}]])
demo([[template = function(m, k) return m:get_weights()[1]:transpose()[k + 1]:reshape{28, 28} end]])
ascii(template(model, 1), {signed = true})

-- How much a unit's weights look like its class: correlation of the weight
-- vector with the class's mean image minus the mean of all images.
local function likeness(m, k)
  local idx = {}
  for i = 1, N do if y_train[i] == k then idx[#idx + 1] = i end end
  local d = x_train:gather(idx):mean(1) - x_train:mean(1)
  local w = m:get_weights()[1]:transpose()[k + 1]
  local a, b = w - w:mean(), d - d:mean()
  return (a * b):sum() / math.sqrt((a * a):sum() * (b * b):sum())
end
local before = 0
for k = 0, 9 do before = before + math.abs(likeness(model, k)) / 10 end
pause()

if watch(model, "weights") then
  say{en = "Watch the weights panel: each unit's tile turns from noise into a picture as training runs.",
      zh = "观察权重面板：随着训练进行，每个单元的小图从噪声变成一幅图片。"}
end
demo(("model:fit(x_train, y_train, {epochs = %d, batch_size = 32, verbose = 0})"):format(EPOCHS))
say{en = "The Trouser unit after training:", zh = "训练后的“裤子”单元："}
ascii(template(model, 1), {signed = true})
say{en = [[
Blue where trousers have pixels (two legs), orange where other clothes have
pixels and trousers do not (the gap between the legs, the sides): z is large
when the picture lights the blue and not the orange. Each unit has become a
template of its class, and classifying is matching the picture against ten
templates. (The specks far from the clothes are left from the random start: a
pixel that is 0 in every image gets the gradient x * delta = 0 and never moves.)
The Sneaker unit (class 7):]],
zh = [[蓝色是裤子有像素的地方（两条裤腿），橙色是其他衣服有像素而裤子没有的地方
（两腿之间的空隙、两侧）：当图片点亮蓝色区域而没有点亮橙色区域时，z 就大。
每个单元都变成了它那一类的模板，分类就是把图片与十个模板逐一比对。
（远离衣服的零星斑点是随机初始值留下的：在每张图片中都为 0 的像素，梯度 x * delta = 0，
所以它的权重从不改变。）运动鞋单元（类别 7）：]]}
ascii(template(model, 7), {signed = true})
snap("templates", "weights")

local after, lowest = 0, 1
for k = 0, 9 do
  local l = likeness(model, k)
  after = after + l / 10
  lowest = math.min(lowest, l)
end
check(before < 0.1 and lowest > 0.2,
      {en = "after training every unit's weights should resemble its class's mean picture",
       zh = "训练后每个单元的权重都应与其类别的平均图片相似"},
      {en = ("correlation of each unit's weights with its class's mean picture: %.2f on average before, %.2f after")
              :format(before, after),
       zh = ("各单元权重与其类别平均图片的相关系数：训练前平均 %.2f，训练后平均 %.2f"):format(before, after)})
local loss1, acc1 = demo("model:evaluate(x_test, test.y, {verbose = 0})")
check(acc1 and acc1 > 0.75, {en = "ten templates should classify at least 75% of the test images",
      zh = "十个模板应至少正确分类 75% 的测试图片"},
      {en = ("ten templates: %.1f%% of 10000 test images right"):format(100 * acc1),
       zh = ("十个模板：10000 张测试图片中 %.1f%% 分类正确"):format(100 * acc1)})
pause()

say{en = "What does it say about the first test images?", zh = "它对前几张测试图片怎么说？"}
local names = fashion_classes()
local probs = model:predict(x_test:slice(1, 5))
for i = 1, 5 do
  local k = probs[i]:argmax()
  print(("  %d: %-12s %.2f   (%s: %s)"):format(i, names[k + 1], probs[i][k + 1],
                                             tr{en = "true", zh = "真实"}, names[test.y[i] + 1]))
end
try{{en = "Ask the model yourself: the class of test image 3, with model:predict(x_test:slice(3, 3)):argmax()",
     zh = "你自己问问模型：用 model:predict(x_test:slice(3, 3)):argmax() 求第 3 张测试图片的类别"},
    check = function(v)
      local k = type(v) == "number" and v or v[1]
      return k == probs[3]:argmax()
    end,
    answers = {"model:predict(x_test[3]):argmax()", "model:predict(x_test:slice(3, 3)):argmax()"},
    hint = {en = "predict wants a batch: slice(3, 3) keeps the row as a (1, 784) batch",
            zh = "predict 需要一批数据：slice(3, 3) 把这一行保留为 (1, 784) 的批"}}
pause()

say{en = [[
The course's network puts a hidden layer of 32 ReLU units in between. Its
hidden units are not classes any more but features the network invents (a
collar, a sole, a gap), and the output layer combines them.]],
zh = [[课程中的网络在中间加了一个 32 个 ReLU 单元的隐藏层。隐藏单元不再对应类别，
而是网络自己发明的特征（领口、鞋底、空隙），输出层再把它们组合起来。]]}
demo("nn.utils.set_random_seed(1)")
demo([[
mlp = nn.Sequential{
  nn.Dense{32, activation = "relu", input_dim = 784},
  nn.Dense{10, activation = "softmax"},
}]])
demo([[mlp:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}]])
watch(mlp, "weights")
demo(("mlp:fit(x_train, y_train, {epochs = %d, batch_size = 32, validation_split = 0.1, verbose = 0})"):format(EPOCHS))
local loss2, acc2 = demo("mlp:evaluate(x_test, test.y, {verbose = 0})")
say{en = "Hidden unit 1's weights: not a piece of clothing, a detector of some pattern.",
    zh = "隐藏单元 1 的权重：不是某件衣服，而是某种模式的探测器。"}
ascii(template(mlp, 0), {signed = true})
check(acc2 and acc2 > 0.75, {en = "the MLP should classify at least 75% of the test images",
      zh = "多层感知机应至少正确分类 75% 的测试图片"},
      {en = ("templates %.3f, MLP %.3f test accuracy"):format(acc1, acc2),
       zh = ("模板模型测试准确率 %.3f，多层感知机 %.3f"):format(acc1, acc2)})
say{en = [[
On all 60000 images with 5 epochs we measured about 0.84 for the templates and
0.85 for the MLP. The MLP flattens the picture too: it does not know which
pixels are neighbours. Convolutional networks (lessons 10 and 11) do.]],
zh = [[在全部 60000 张图片上训练 5 轮时，我们测得模板模型约 0.84，多层感知机约 0.85。
多层感知机同样把图片展平了：它不知道哪些像素是相邻的。卷积网络（第 10、11 课）知道。]]}
