-- en: Activation functions and their curves
-- zh: 激活函数及其曲线
--
-- Lesson 3: sigmoid, tanh, ReLU and friends, by hand and through nnscope's
-- layers; their slopes (what backpropagation multiplies by); softmax.

say{en = [[
Without an activation function, a stack of layers is still one matrix product:
x W1 W2 is x times the single matrix W1 W2. The activation f bends the line, and
that bend is what lets a network draw curved boundaries. Here are the classics,
written in Lua exactly as the course writes them:]],
zh = [[没有激活函数时，多层堆叠仍然只是一次矩阵乘法：x W1 W2 就是 x 乘以一个矩阵 W1 W2。
激活函数 f 让直线弯曲，正是这种弯曲使网络能画出弯曲的边界。下面是几个经典的激活函数，
用 Lua 写出，与课程中的公式完全一致：]]}

demo("sigmoid = function(z) return 1 / (1 + math.exp(-z)) end")
demo("tanh = function(z) return (math.exp(z) - math.exp(-z)) / (math.exp(z) + math.exp(-z)) end")
demo("relu = function(z) return math.max(0, z) end")

local zs, curves = {}, {{name = "sigmoid", ys = {}}, {name = "tanh", ys = {}}, {name = "relu", ys = {}}}
for i = 0, 40 do
  local z = -4 + i * 0.2
  zs[#zs + 1] = z
  curves[1].ys[#zs] = sigmoid(z)
  curves[2].ys[#zs] = tanh(z)
  curves[3].ys[#zs] = math.min(relu(z), 2)
end
for _, c in ipairs(curves) do c.xs = zs end
plot(curves, {title = {en = "f(z) for z from -4 to 4 (relu cut at 2)",
                       zh = "z 从 -4 到 4 的 f(z)（relu 在 2 处截断）"},
              xlabel = "z", height = 12})

say{en = [[
sigmoid squashes everything into (0, 1), tanh into (-1, 1), and ReLU keeps
positive numbers and zeroes the rest. nnscope computes the same functions
inside its layers; let us compare at z = -2, -1, 0, 1, 2. (A Dense layer whose
kernel is the identity matrix and whose bias is 0 passes z straight to f.)]],
zh = [[sigmoid 把一切压缩到 (0, 1)，tanh 压缩到 (-1, 1)，ReLU 保留正数、把其余置零。
nnscope 的层内部计算的是同样的函数；我们在 z = -2、-1、0、1、2 处比较一下。
（kernel 为单位矩阵、bias 为 0 的 Dense 层会把 z 原样交给 f。）]]}

demo([[
f_nn = function(name, z)
  local n = #z
  local m = nn.Sequential{nn.Dense{n, activation = name, input_dim = n}}
  m:set_weights{nn.eye(n), nn.zeros{n}}
  return m:predict(nn.tensor{z})[1]
end]])
local points = {-2, -1, 0, 1, 2}
local worst = 0
for _, name in ipairs{"sigmoid", "tanh", "relu"} do
  local got = f_nn(name, points)
  local mine = {}
  for i, z in ipairs(points) do
    mine[i] = ("%.4f"):format(_ENV[name](z))
    worst = math.max(worst, math.abs(got[i] - _ENV[name](z)))
  end
  print(("%-8s by hand: %s"):format(name, table.concat(mine, "  ")))
  demo(("f_nn(%q, {-2, -1, 0, 1, 2})"):format(name))
end
check(worst < 1e-6, {en = "nnscope's activations should match the formulas",
                     zh = "nnscope 的激活函数应与公式一致"},
      {en = ("the formulas and nnscope agree (largest difference %.1e)"):format(worst),
       zh = ("公式与 nnscope 一致（最大差 %.1e）"):format(worst)})

say{en = [[
The course (text 003) also says tanh(x) = 2 sigmoid(2x) - 1. That one is right:]],
zh = [[课程（第 003 篇）还说 tanh(x) = 2 sigmoid(2x) - 1。这一点是对的：]]}
demo("tanh(0.7), 2 * sigmoid(1.4) - 1")
check(approx(tanh(0.7), 2 * sigmoid(1.4) - 1, 1e-12), {en = "the identity should hold",
                                                       zh = "该恒等式应成立"},
      {en = "tanh is a stretched, shifted sigmoid", zh = "tanh 是拉伸并平移后的 sigmoid"})
pause()

say{en = [[
More activations have names in nnscope (and Keras): leaky_relu keeps a small
slope for negative z (0.2 for the "leaky_relu" name, as in Keras 3; the
LeakyReLU layer's default is 0.3), elu bends smoothly to -1, softplus is a
smooth ReLU, gelu and swish are the smooth ReLUs of modern networks.]],
zh = [[nnscope（和 Keras）中还有更多有名字的激活函数：leaky_relu 在 z 为负时保留一个小斜率
（名字 "leaky_relu" 用 0.2，与 Keras 3 相同；LeakyReLU 层默认 0.3），elu 平滑地弯向 -1，
softplus 是平滑的 ReLU，gelu 和 swish 是现代网络中常用的平滑 ReLU。]]}
for _, name in ipairs{"leaky_relu", "elu", "softplus", "gelu", "swish"} do
  demo(("f_nn(%q, {-2, -1, 0, 1, 2})"):format(name))
end
local lr = f_nn("leaky_relu", {-1})
check(approx(lr[1], -0.2, 1e-6), {en = "leaky_relu(-1) should be -0.2",
                                  zh = "leaky_relu(-1) 应为 -0.2"},
      {en = "leaky_relu(-1) = 0.2 * (-1) = -0.2", zh = "leaky_relu(-1) = 0.2 * (-1) = -0.2"})
pause()

say{en = [[
Training multiplies by the slope f'(z) of every activation on the way back
(lesson 6). Let us measure slopes numerically: (f(z + h) - f(z - h)) / 2h.]],
zh = [[训练时，反向传播会在每一层乘以激活函数的斜率 f'(z)（第 6 课）。我们用数值方法测量斜率：
(f(z + h) - f(z - h)) / 2h。]]}
demo("slope = function(f, z) local h = 1e-5 return (f(z + h) - f(z - h)) / (2 * h) end")
local s0 = demo("slope(sigmoid, 0)")
demo("slope(sigmoid, 5)")
demo("slope(relu, -1), slope(relu, 1)")
check(approx(s0, 0.25, 1e-6), {en = "sigmoid'(0) should be 0.25", zh = "sigmoid'(0) 应为 0.25"},
      {en = "sigmoid'(0) = 0.25, the largest slope sigmoid ever has",
       zh = "sigmoid'(0) = 0.25，是 sigmoid 的最大斜率"})

local ds = {{name = "sigmoid'", ys = {}, xs = zs}, {name = "tanh'", ys = {}, xs = zs}}
for i, z in ipairs(zs) do
  ds[1].ys[i] = slope(sigmoid, z)
  ds[2].ys[i] = slope(tanh, z)
end
plot(ds, {title = {en = "slopes f'(z)", zh = "斜率 f'(z)"}, xlabel = "z", height = 10})

say{en = [[
The sigmoid's slope is at most 0.25, and nearly 0 once |z| > 5: a saturated
unit passes almost no gradient back. Through ten sigmoid layers the gradient
shrinks by at least 0.25^10, about one millionth: the vanishing gradient. ReLU's
slope is exactly 1 for z > 0 (nothing shrinks) and 0 for z < 0: a unit whose z
is negative for every sample never learns again, a "dead ReLU".]],
zh = [[sigmoid 的斜率最大只有 0.25，当 |z| > 5 时几乎为 0：饱和的单元几乎不向后传递梯度。
经过十个 sigmoid 层，梯度至少缩小 0.25^10 倍，约为百万分之一：这就是梯度消失。
ReLU 在 z > 0 时斜率恰为 1（不会缩小），z < 0 时为 0：如果一个单元对所有样本的 z 都是负的，
它就再也学不到东西了，这就是“死亡 ReLU”。]]}
demo("0.25 ^ 10")

try{{en = "Compute sigmoid(2) - sigmoid(-2) with the functions above.",
     zh = "用上面的函数计算 sigmoid(2) - sigmoid(-2)。"},
    check = function(v) return approx(v, 0.761594155955765, 1e-9) end,
    answers = {"sigmoid(2) - sigmoid(-2)"},
    hint = {en = "call the function: sigmoid(2)", zh = "调用函数：sigmoid(2)"}}
say{en = "That is tanh(1) = 0.7616, the identity above again.",
    zh = "这正是 tanh(1) = 0.7616，又是上面的恒等式。"}
pause()

say{en = [[
Softmax is different: it works on a whole row of scores at once and turns them
into probabilities that add up to 1:

  softmax(z)_i = exp(z_i) / sum_j exp(z_j)

It goes on the output layer of a classifier. Scores 2, 1, 0.1 become:]],
zh = [[softmax 不一样：它一次作用于一整行分数，把它们变成和为 1 的概率：

  softmax(z)_i = exp(z_i) / sum_j exp(z_j)

它用在分类器的输出层。分数 2、1、0.1 变成：]]}
local p = demo([[f_nn("softmax", {2, 1, 0.1})]])
local e = {math.exp(2), math.exp(1), math.exp(0.1)}
local s = e[1] + e[2] + e[3]
check(approx(p[1], e[1] / s, 1e-5) and approx(p:sum(), 1, 1e-5),
      {en = "softmax should be exp(z_i) / sum exp(z_j)", zh = "softmax 应为 exp(z_i) / sum exp(z_j)"},
      {en = ("e^2 / (e^2 + e^1 + e^0.1) = %.4f, and the three add up to 1"):format(e[1] / s),
       zh = ("e^2 / (e^2 + e^1 + e^0.1) = %.4f，三者之和为 1"):format(e[1] / s)})
say{en = [[
Adding the same number to every score changes nothing (the factor e^c cancels);
that is how softmax is computed safely for huge scores:]],
zh = [[给每个分数加上同一个数不会改变结果（因子 e^c 被约掉）；这就是对很大的分数也能
安全计算 softmax 的方法：]]}
demo([[f_nn("softmax", {102, 101, 100.1})]])

if nn.Activation then
  say{en = "Activations are also layers of their own, as in Keras:",
      zh = "与 Keras 一样，激活函数也可以作为单独的层："}
  demo([[
act_model = nn.Sequential{
  nn.Dense{8, input_dim = 2}, nn.Activation{"tanh"}, nn.Dense{1, activation = "sigmoid"},
}]])
  demo("act_model:predict(nn.tensor{{0.5, -0.5}})")
  if watch(act_model, "activations") then
    say{en = "The window's activation panel draws each layer's f and f' with its z values on top.",
        zh = "窗口的激活函数面板画出每层的 f 和 f'，并叠加上该层 z 的分布。"}
  end
  snap("activations", "activations")
end

say{en = "Next lesson: how wrong is a prediction? Loss functions.",
    zh = "下一课：预测错了多少？损失函数。"}
