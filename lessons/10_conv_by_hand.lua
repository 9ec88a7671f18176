-- en: Convolution and pooling by hand
-- zh: 手算卷积与池化
--
-- Lesson 10: a 3x3 convolution and a 2x2 max pool computed with Lua loops on a
-- 6x6 picture, compared with nnscope's Conv2D and MaxPooling2D; output sizes,
-- padding, strides, weight sharing; cross-correlation versus convolution.

say{en = [[
A Dense layer looks at all pixels at once and forgets which are neighbours. A
convolution slides a small window of weights, the kernel, over the picture, and
computes at each position the same weighted sum. Text 002 of the course writes
it for a kernel of M x N weights:

  y(i, j) = sum over m = 1..M, n = 1..N of w(m, n) x(i + m - 1, j + n - 1) + b

Our picture: a 6 x 6 "L", bright (9) on dark (0).]],
zh = [[Dense 层一次看所有像素，并且不知道哪些像素相邻。卷积则把一个小的权重窗口——卷积核——
在图片上滑动，在每个位置计算同样的加权和。课程第 002 篇对 M x N 的卷积核写道：

  y(i, j) = Σ(m = 1..M, n = 1..N) w(m, n) x(i + m - 1, j + n - 1) + b

我们的图片：一个 6 x 6 的“L”，暗底（0）上的亮笔画（9）。]]}
demo([[
img = {
  {0, 0, 9, 0, 0, 0},
  {0, 0, 9, 0, 0, 0},
  {0, 0, 9, 0, 0, 0},
  {0, 0, 9, 9, 9, 9},
  {0, 0, 0, 0, 0, 0},
  {0, 0, 0, 0, 0, 0},
}]])
ascii(img)
say{en = [[
The kernel: -1 on the left column, +1 on the right. It answers "how much
brighter is the right side of this 3 x 3 window than the left?", a detector of
vertical edges.]],
zh = [[卷积核：左列为 -1，右列为 +1。它回答“这个 3 x 3 窗口的右侧比左侧亮多少？”，
是一个竖直边缘检测器。]]}
demo("K = {{-1, 0, 1}, {-1, 0, 1}, {-1, 0, 1}}")
demo("b = 0")
demo([[
conv = function(x, k, bias)
  local H, W, M, N = #x, #x[1], #k, #k[1]
  local y = {}
  for i = 1, H - M + 1 do
    y[i] = {}
    for j = 1, W - N + 1 do
      local s = bias
      for m = 1, M do
        for n = 1, N do s = s + k[m][n] * x[i + m - 1][j + n - 1] end
      end
      y[i][j] = s
    end
  end
  return y
end]])
demo("y = conv(img, K, b)")
demo("nn.tensor(y)")
say{en = [[
6 - 3 + 1 = 4 positions fit in each direction, so y is 4 x 4. Positive where the
picture brightens from left to right (the left side of the vertical stroke),
negative where it darkens (its right side), 0 on flat regions, including the
middle of the horizontal stroke, where nothing changes from left to right.]],
zh = [[每个方向上能放下 6 - 3 + 1 = 4 个位置，所以 y 是 4 x 4。图片从左到右变亮的地方（竖笔画的左侧）为正，
变暗的地方（右侧）为负，平坦区域为 0，包括横笔画的中间部分（那里从左到右没有变化）。]]}

try{{en = "Compute y(2, 2) yourself from img and K (the window is rows 2-4, columns 2-4; K's middle column is 0).",
     zh = "用 img 和 K 自己算 y(2, 2)（窗口为第 2-4 行、第 2-4 列；K 的中间列为 0）。"},
    check = function(v) return v == y[2][2] end,
    answers = {
               "img[2][4] + img[3][4] + img[4][4] - img[2][2] - img[3][2] - img[4][2]"},
    hint = {en = "right column of the window times +1, left column times -1: img[2][4] ... minus img[2][2] ...",
            zh = "窗口右列乘 +1，左列乘 -1：img[2][4] ... 减去 img[2][2] ..."}}
pause()

say{en = [[
nnscope's Conv2D does the same. Its kernel has Keras's layout (height, width,
input channels, filters) = (3, 3, 1, 1), and its input is a batch of pictures
with a channel axis last: (1, 6, 6, 1).]],
zh = [[nnscope 的 Conv2D 做同样的事。它的卷积核采用 Keras 的布局（高，宽，输入通道数，滤波器数）
= (3, 3, 1, 1)，输入是一批通道维在最后的图片：(1, 6, 6, 1)。]]}
if not nn.Conv2D then
  say{en = "(This nnscope has no Conv2D yet: the comparison is skipped.)",
      zh = "（这个 nnscope 还没有 Conv2D：跳过比较。）"}
else
  demo([[model = nn.Sequential{nn.Conv2D{1, {3, 3}, input_shape = {6, 6, 1}}, nn.MaxPooling2D{{2, 2}}}]])
  demo("model:set_weights{nn.tensor(K):reshape{3, 3, 1, 1}, nn.tensor{b}}")
  demo("x = nn.tensor(img):reshape{1, 6, 6, 1}")
  demo("model:forward(x)")
  local conv_out = demo("model:trace()[1].output:reshape{4, 4}")
  local worst = 0
  for i = 1, 4 do
    for j = 1, 4 do worst = math.max(worst, math.abs(conv_out[i][j] - y[i][j])) end
  end
  check(worst < 1e-5, {en = "Conv2D should compute the same 4 x 4 numbers",
                       zh = "Conv2D 应算出同样的 4 x 4 个数"},
        {en = "Conv2D's 16 outputs equal the Lua loops' exactly",
         zh = "Conv2D 的 16 个输出与 Lua 循环的结果完全相同"})
  watch(model, "features")
end
pause()

say{en = [[
Max pooling keeps the largest value of each 2 x 2 window, the windows not
overlapping (stride 2): a 4 x 4 map becomes 2 x 2. Counting from 1 as Lua does:

  p(i, j) = max(y(2i-1, 2j-1), y(2i-1, 2j), y(2i, 2j-1), y(2i, 2j))

(counting from 0: max(y[2i][2j], y[2i][2j+1], y[2i+1][2j], y[2i+1][2j+1])).]],
zh = [[最大池化保留每个 2 x 2 窗口中的最大值，窗口互不重叠（步长 2）：4 x 4 的特征图变成 2 x 2。
按 Lua 的习惯从 1 开始计数：

  p(i, j) = max(y(2i-1, 2j-1), y(2i-1, 2j), y(2i, 2j-1), y(2i, 2j))

（从 0 开始计数则是 max(y[2i][2j], y[2i][2j+1], y[2i+1][2j], y[2i+1][2j+1])。）]]}
demo([[
pool = function(x)
  local p = {}
  for i = 1, #x // 2 do
    p[i] = {}
    for j = 1, #x[1] // 2 do
      p[i][j] = math.max(x[2*i-1][2*j-1], x[2*i-1][2*j], x[2*i][2*j-1], x[2*i][2*j])
    end
  end
  return p
end]])
demo("p = pool(y)")
demo("nn.tensor(p)")
try{{en = "The top-left pooled value from y's four numbers: use math.max(...).",
     zh = "用 y 的四个数求左上角的池化值：使用 math.max(...)。"},
    check = function(v) return v == p[1][1] end,
    answers = {"math.max(y[1][1], y[1][2], y[2][1], y[2][2])"},
    hint = {en = "the window is y[1][1], y[1][2], y[2][1], y[2][2]",
            zh = "窗口是 y[1][1]、y[1][2]、y[2][1]、y[2][2]"}}
if nn.MaxPooling2D then
  local pooled = demo("model:predict(x):reshape{2, 2}")
  local ok = true
  for i = 1, 2 do
    for j = 1, 2 do ok = ok and pooled[i][j] == p[i][j] end
  end
  check(ok, {en = "MaxPooling2D should give the same 2 x 2", zh = "MaxPooling2D 应给出同样的 2 x 2"},
        {en = "MaxPooling2D agrees with the loop", zh = "MaxPooling2D 与循环结果一致"})
end
say{en = [[
Text 001 of the course gives max pooling as max{x(4i+1, 4j+1), x(4i+1, 4j+2),
x(4i+1, 4j+3), x(4i+1, 4j+4)}: four values from ONE row, four columns apart
from the next output. That is a 1 x 4 strip with stride 4, not a 2 x 2 window;
lesson 16 runs it. The formula above is what MaxPooling2D{{2, 2}} computes.]],
zh = [[课程第 001 篇给出的最大池化是 max{x(4i+1, 4j+1), x(4i+1, 4j+2), x(4i+1, 4j+3), x(4i+1, 4j+4)}：
四个值都来自同一行，下一个输出再隔四列。这是一个步长为 4 的 1 x 4 条带，而不是 2 x 2 窗口；
第 16 课会运行它。上面的公式才是 MaxPooling2D{{2, 2}} 的计算方式。]]}
pause()

say{en = [[
Text 001 also writes convolution as y(i, j) = sum of x(m, n) k(i - m, j - n).
That is convolution as mathematicians define it: the kernel is flipped. Keras's
Conv2D (like every deep-learning library) does not flip: it computes the
formula of text 002 above, which mathematicians call cross-correlation. A
learned kernel does not care (the network learns it the right way round), but a
kernel set by hand does: flip ours left-right and every answer changes sign.]],
zh = [[课程第 001 篇还把卷积写成 y(i, j) = Σ x(m, n) k(i - m, j - n)。这是数学家定义的卷积：
卷积核被翻转了。Keras 的 Conv2D（和所有深度学习库一样）并不翻转：它计算的是上面第 002 篇的公式，
数学上叫互相关。学出来的卷积核无所谓（网络会学成正确的方向），但手工设置的卷积核就有区别：
把我们的卷积核左右翻转，每个结果都会变号。]]}
demo("flipped = {{1, 0, -1}, {1, 0, -1}, {1, 0, -1}}")
demo("nn.tensor(conv(img, flipped, 0))")
local yf = conv(img, flipped, 0)
check(yf[1][1] == -y[1][1] and yf[2][3] == -y[2][3],
      {en = "the flipped kernel should give the negated map", zh = "翻转后的卷积核应给出取负的特征图"},
      {en = "flipping this kernel negates every output", zh = "翻转这个卷积核使每个输出变号"})
pause()

say{en = [[
Sizes. With kernel k, stride s and "valid" padding (the default), a side of n
pixels gives floor((n - k) / s) + 1 outputs; padding = "same" pads with zeros so
that stride 1 keeps n.]],
zh = [[尺寸。卷积核为 k、步长为 s、填充为 "valid"（默认）时，边长为 n 像素的一边输出
floor((n - k) / s) + 1 个值；padding = "same" 用 0 填充，使步长为 1 时保持 n 不变。]]}
if nn.Conv2D then
  demo([[nn.Sequential{nn.Conv2D{1, {3, 3}, padding = "same", input_shape = {6, 6, 1}}}.layers[1].output_shape]])
  local s2 = demo([[nn.Sequential{nn.Conv2D{1, {3, 3}, strides = 2, input_shape = {6, 6, 1}}}.layers[1].output_shape]])
  check(s2 and s2[1] == 2, {en = "stride 2 on 6 pixels should give floor(3/2) + 1 = 2",
        zh = "6 像素、步长 2 应得到 floor(3/2) + 1 = 2"},
        {en = "stride 2: floor((6 - 3) / 2) + 1 = 2 outputs per side",
         zh = "步长 2：每边 floor((6 - 3) / 2) + 1 = 2 个输出"})
  say{en = [[
And the reason convolutions win on images: weight sharing. 32 filters of 3 x 3
on a greyscale picture have 3*3*1*32 + 32 = 320 parameters, wherever the
picture is large; a Dense layer of 32 units on 28 x 28 pixels has
784*32 + 32 = 25120.]],
  zh = [[卷积在图像上胜出的原因：权重共享。在灰度图上，32 个 3 x 3 的滤波器只有 3*3*1*32 + 32 = 320
个参数，不管图片多大；而在 28 x 28 像素上，32 个单元的 Dense 层有 784*32 + 32 = 25120 个。]]}
  local n = demo([[nn.Sequential{nn.Conv2D{32, {3, 3}, input_shape = {28, 28, 1}}}:count_params()]])
  check(n == 320, {en = "32 filters of 3x3x1 should have 320 parameters",
                   zh = "32 个 3x3x1 的滤波器应有 320 个参数"},
        {en = "320 parameters for 32 filters", zh = "32 个滤波器共 320 个参数"})
end
say{en = "Next lesson: a whole CNN on Fashion-MNIST, and what its filters see.",
    zh = "下一课：在 Fashion-MNIST 上训练完整的卷积网络，看看它的滤波器看到了什么。"}
