-- en: A CNN on Fashion-MNIST, reading its feature maps
-- zh: 在 Fashion-MNIST 上训练卷积网络，解读特征图
--
-- Lesson 11: the course's convolutional network (two Conv2D + MaxPooling2D
-- blocks, Flatten, Dense), its shapes and parameter counts, training, and what
-- its filters and feature maps show. Shortened runs (--auto,
-- NNSCOPE_LESSON_QUICK=1) train 1 epoch on 4000 images and test on 2000;
-- full runs train 2 epochs on all 60000 and test on 10000.

if not (nn.Conv2D and nn.MaxPooling2D and nn.Flatten) then
  say{en = "This nnscope has no Conv2D, MaxPooling2D or Flatten yet, so this lesson cannot run its network.",
      zh = "这个 nnscope 还没有 Conv2D、MaxPooling2D 或 Flatten，所以本课无法运行它的网络。"}
  return
end

local N = quick(60000, 4000)
local N_TEST = quick(10000, 2000)
local EPOCHS = quick(2, 1)

say{en = [[
The course's convolutional network, for 28 x 28 greyscale pictures. Convolutions
keep the picture's layout, so the images are reshaped to (n, 28, 28, 1): height,
width and one channel, channels last as in Keras.]],
zh = [[课程中的卷积网络，用于 28 x 28 的灰度图片。卷积保留图片的空间布局，所以把图像重塑为
(n, 28, 28, 1)：高、宽和一个通道，与 Keras 一样通道在最后。]]}
demo("train, test = nn.datasets.fashion_mnist.load_data()")
demo(("n, n_test = %d, %d"):format(N, N_TEST))
demo("x_train = train.x:slice(1, n):reshape{n, 28, 28, 1} / 255")
demo("y_train = train.y:slice(1, n)")
demo("x_test = test.x:slice(1, n_test):reshape{n_test, 28, 28, 1} / 255")
demo("y_test = test.y:slice(1, n_test)")
demo("nn.utils.set_random_seed(3)")
demo([[
model = nn.Sequential{
  nn.Conv2D{32, {3, 3}, activation = "relu", input_shape = {28, 28, 1}},
  nn.MaxPooling2D{{2, 2}},
  nn.Conv2D{64, {3, 3}, activation = "relu"},
  nn.MaxPooling2D{{2, 2}},
  nn.Flatten{},
  nn.Dense{64, activation = "relu"},
  nn.Dense{10, activation = "softmax"},
}]])
demo("model:summary()")
say{en = [[
Follow the shapes: 28 - 3 + 1 = 26, pooled to 13; 13 - 3 + 1 = 11, pooled to 5
(floor of 11/2). Flatten turns 5 x 5 x 64 into one vector for the Dense layers.
Parameters: the first Conv2D has 3*3*1*32 + 32 = 320, the second
3*3*32*64 + 64 = 18496 (each filter sees all 32 channels below it), and the
Dense layer after Flatten has the most.]],
zh = [[跟着形状走：28 - 3 + 1 = 26，池化到 13；13 - 3 + 1 = 11，池化到 5（11/2 向下取整）。
Flatten 把 5 x 5 x 64 变成一个向量交给 Dense 层。参数：第一个 Conv2D 有 3*3*1*32 + 32 = 320 个，
第二个有 3*3*32*64 + 64 = 18496 个（每个滤波器都看下面全部 32 个通道），
而 Flatten 之后的 Dense 层参数最多。]]}
check(model:count_params() == 320 + 18496 + (1600 * 64 + 64) + (64 * 10 + 10),
      {en = "the parameter count should be 121930", zh = "参数总数应为 121930"},
      {en = "320 + 18496 + 102464 + 650 = 121930 parameters",
       zh = "320 + 18496 + 102464 + 650 = 121930 个参数"})
try{{en = "How many numbers come out of the Flatten layer? (model.layers[5].output_shape, or work it out)",
     zh = "Flatten 层输出多少个数？（model.layers[5].output_shape，或者自己算）"},
    check = function(v) return v == 1600 or (type(v) == "table" and v[1] == 1600) end,
    answers = {"5 * 5 * 32", "5 * 5 * 64"},
    hint = {en = "height x width x channels after the second pooling; the second Conv2D has 64 filters",
            zh = "第二次池化后的 高 x 宽 x 通道数；第二个 Conv2D 有 64 个滤波器"}}
pause()

demo([[model:compile{optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}]])
if watch(model, "features") then
  say{en = "The window's feature-map panel follows the training.", zh = "窗口的特征图面板会跟随训练更新。"}
end
if N < 60000 then
  say({en = "(Shortened run: %d images, %d epoch; the full lesson trains 2 epochs on 60000.)",
       zh = "（缩短的运行：%d 张图片，%d 轮；完整的课程在 60000 张上训练 2 轮。）"}, N, EPOCHS)
end
demo(("model:fit(x_train, y_train, {epochs = %d, batch_size = 64, verbose = 1})"):format(EPOCHS))
local loss, acc = demo("model:evaluate(x_test, y_test, {verbose = 0})")
local want = quick(0.85, 0.6)
check(acc and acc >= want, {en = ("the test accuracy should reach %.2f"):format(want),
      zh = ("测试准确率应达到 %.2f"):format(want)},
      {en = ("test accuracy %.3f"):format(acc or 0), zh = ("测试准确率 %.3f"):format(acc or 0)})
say{en = "(On all 60000 images, 2 epochs reach about 0.88 with this network.)",
    zh = "（在全部 60000 张图片上训练 2 轮，这个网络能达到约 0.88。）"}
pause()

say{en = [[
What did the first layer learn? Each filter is a 3 x 3 kernel. Here are three of
them, as numbers (rows of the kernel, channel and filter axes dropped):]],
zh = [[第一层学到了什么？每个滤波器都是一个 3 x 3 的卷积核。下面是其中三个的数值
（卷积核的各行，略去通道和滤波器两个轴）：]]}
local kernel = model:get_weights()[1]            -- (3, 3, 1, 32)
local function filter(f)
  local k = {}
  for i = 1, 3 do
    k[i] = {}
    for j = 1, 3 do k[i][j] = kernel[i][j][1][f] end
  end
  return k
end
for _, f in ipairs{1, 2, 3} do
  print(("  filter %d:"):format(f))
  for _, row in ipairs(filter(f)) do print(("    %7.3f %7.3f %7.3f"):format(row[1], row[2], row[3])) end
end
say{en = [[
Signs side by side (negative left, positive right, or top against bottom) make
edge detectors like the kernel of lesson 10; all positive makes a blur or a
brightness detector.

Now their feature maps: run one test picture through the network and read the
first layer's outputs from the trace. The picture, then three of the 32 maps
after ReLU (bright = strong response):]],
zh = [[正负号左右排列（左负右正，或上下相反）就构成像第 10 课那样的边缘检测器；全为正则是模糊或亮度检测器。

再看它们的特征图：把一张测试图片送进网络，从 trace 中读出第一层的输出。先是图片本身，
然后是 32 张特征图中的三张（经过 ReLU，越亮表示响应越强）：]]}
demo("model:forward(x_test:slice(1, 1))")
if viz and viz.sample then pcall(viz.sample, x_test[1], y_test[1]) end
snap("features", "features")
demo("maps = model:trace()[1].output")
demo("maps:shape()")
local names = fashion_classes()
ascii(x_test[1])
local function channel(t, c)
  local s = t:shape()
  local rows = {}
  for i = 1, s[2] do
    rows[i] = {}
    for j = 1, s[3] do rows[i][j] = t[1][i][j][c] end
  end
  return rows
end
-- three maps side by side: pooled to 13 x 13 so that they fit the terminal
local pooled = model:trace()[2].output
local side = {}
for i = 1, 13 do
  side[i] = {}
  for _, c in ipairs{1, 2, 3} do
    local ch = channel(pooled, c)
    for j = 1, 13 do side[i][#side[i] + 1] = ch[i][j] end
    if c < 3 then side[i][#side[i] + 1] = 0 end
  end
end
ascii(side)
say({en = "(the picture: %s; the maps: the pooled outputs of filters 1, 2 and 3, 13 x 13 each)",
     zh = "（图片是%s；特征图是滤波器 1、2、3 池化后的输出，每张 13 x 13）"}, names[y_test[1] + 1])
local m1 = maps:shape()
check(m1[2] == 26 and m1[3] == 26 and m1[4] == 32,
      {en = "the first layer's maps should be 26 x 26 x 32", zh = "第一层的特征图应为 26 x 26 x 32"},
      {en = "32 maps of 26 x 26: one per filter", zh = "32 张 26 x 26 的特征图：每个滤波器一张"})
say{en = [[
Each map lights up where its filter's pattern occurs: outlines on one side,
flat bright areas, horizontal edges. The second layer combines these maps into
larger parts, and the Dense layers decide the class from them. Predictions:]],
zh = [[每张特征图在其滤波器对应的图案出现的地方亮起：某一侧的轮廓、平坦的亮区、水平边缘。
第二层把这些特征图组合成更大的部件，Dense 层再据此判断类别。预测结果：]]}
local probs = model:predict(x_test:slice(1, 6))
for i = 1, 6 do
  local k = probs[i]:argmax()
  print(("  %d: %-12s %.2f   (%s: %s)"):format(i, names[k + 1], probs[i][k + 1],
                                             tr{en = "true", zh = "真实"}, names[y_test[i] + 1]))
end
say{en = "Next lesson: when a network learns its training data too well.",
    zh = "下一课：当网络把训练数据学得“太好”的时候。"}
